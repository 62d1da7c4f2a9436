// Python name scopes: module globals and one scope per function call. If/else branches the
// analysis cannot decide run on forks of the current scope and are merged afterwards.
import type { Val } from './values';

export class Scope {
  readonly vars: Map<string, Val>;

  constructor(
    readonly parent: Scope | undefined,
    vars?: Map<string, Val>,
    /** Names declared `global` in this function scope (none: no Set made per call). */
    readonly globals?: Set<string>,
    /** A class body: its names are attributes, not visible to the methods defined in it. */
    readonly isClass = false,
  ) {
    this.vars = vars ?? new Map();
  }

  lookup(name: string): Val | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  set(name: string, v: Val): void {
    if (this.globals !== undefined && this.globals.has(name)) {
      let root: Scope = this;
      while (root.parent) root = root.parent;
      root.vars.set(name, v);
    } else this.vars.set(name, v);
  }

  /** A copy whose own bindings can diverge; parents stay shared. */
  fork(): Scope {
    return new Scope(this.parent, new Map(this.vars), this.globals);
  }
}
