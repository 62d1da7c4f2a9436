// Splits a module's top-level statements into islands: groups that cannot affect one another's
// results, so that after an edit only the islands whose statements changed run again
// (incremental.ts). Two statements share an island when a value can pass from one to the other
// through a module name (read after bound, or read by a function whenever it runs), or when the
// interpreter files what they define under one name. Import statements whose names nothing
// else binds belong to no island: every island's run starts with them.
import type { Stmt } from './ast';
import { statementNames, type StatementNames } from './statement-names';

export interface Partition {
  /** Import statements every island's run starts with (indexes into the module body). */
  prelude: number[];
  /** Statement indexes per island, in source order; islands ordered by their first statement. */
  islands: number[][];
  /** Island of each statement (-1 for the prelude). */
  islandOf: Int32Array;
}

/**
 * The islands of `body`, or why there are none: a star import (names appear without a binding),
 * a `get_layer` (layers found by name wherever they were made) or `set_image_data_format` (it
 * changes every later layer) couple statements in ways the names do not show.
 */
export function partition(body: Stmt[]): Partition | { none: string } {
  const names: StatementNames[] = body.map(statementNames);
  const binders = new Map<string, number[]>();
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    if (n.starImport) return { none: 'a star import' };
    if (n.getLayer) return { none: 'get_layer()' };
    if (n.setsDataFormat) return { none: 'set_image_data_format()' };
    for (const b of n.binds) {
      const list = binders.get(b);
      if (list) list.push(i);
      else binders.set(b, [i]);
    }
  }
  const importOnly = preludeNames(names, binders);
  const inPrelude = (i: number): boolean => {
    if (!names[i].isImport) return false;
    for (const b of names[i].binds) if (!importOnly.has(b)) return false;
    return true;
  };

  const sets = new UnionFind(body.length);
  // Where each name's value may come from at this point, in source order.
  const reaching = new Map<string, number[]>();
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    for (const r of n.reads) {
      if (importOnly.has(r)) continue;
      const from = reaching.get(r);
      if (from) for (const f of from) sets.union(i, f);
    }
    for (let k = 0; k < n.binds.length; k++) {
      const b = n.binds[k];
      if (importOnly.has(b)) continue;
      if (n.definite[k]) reaching.set(b, [i]);
      else {
        const list = reaching.get(b);
        if (list) list.push(i);
        else reaching.set(b, [i]);
      }
    }
  }
  for (let i = 0; i < names.length; i++) {
    for (const r of names[i].deferred) {
      if (importOnly.has(r)) continue;
      const from = binders.get(r);
      if (from) for (const f of from) sets.union(i, f);
    }
  }
  // The interpreter keeps module functions and classes by name (the last definition wins).
  const definers = new Map<string, number>();
  for (let i = 0; i < names.length; i++) {
    for (const f of names[i].functions) joinDefiner(definers, `def ${f}`, i, sets);
    for (const c of names[i].classes) joinDefiner(definers, `class ${c}`, i, sets);
  }
  const prelude: number[] = [];
  const islandOf = new Int32Array(body.length).fill(-1);
  const islands: number[][] = [];
  const byRoot = new Map<number, number>();
  for (let i = 0; i < body.length; i++) {
    if (inPrelude(i)) {
      prelude.push(i);
      continue;
    }
    const root = sets.find(i);
    let island = byRoot.get(root);
    if (island === undefined) {
      island = islands.length;
      byRoot.set(root, island);
      islands.push([]);
    }
    islands[island].push(i);
    islandOf[i] = island;
  }
  return { prelude, islands, islandOf };
}

/**
 * The names the prelude binds: names bound by import statements only, each of which binds only
 * such names, and read by nothing before the last of them (a run that starts with the imports
 * must not see a name, or a value of it, that the whole module's run does not see yet).
 */
function preludeNames(names: StatementNames[], binders: Map<string, number[]>): Set<string> {
  const only = new Set<string>();
  for (const [name, list] of binders) {
    if (!list.every((i) => names[i].isImport)) continue;
    // Read before the last import of it: the prelude would show the last one too early.
    const last = list[list.length - 1];
    let early = false;
    for (let i = 0; i < last && !early; i++) early = names[i].reads.includes(name) || names[i].deferred.includes(name);
    if (!early) only.add(name);
  }
  // An import that also binds a name the prelude cannot have is an ordinary statement, and
  // then so are the other names it binds.
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of only) {
      const list = binders.get(name) as number[];
      if (list.every((i) => names[i].binds.every((b) => only.has(b)))) continue;
      only.delete(name);
      changed = true;
    }
  }
  return only;
}

function joinDefiner(definers: Map<string, number>, key: string, i: number, sets: UnionFind): void {
  const first = definers.get(key);
  if (first === undefined) definers.set(key, i);
  else sets.union(first, i);
}

class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[i] !== root) {
      const next = this.parent[i];
      this.parent[i] = root;
      i = next;
    }
    return root;
  }

  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.size[ra] < this.size[rb]) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] += this.size[rb];
  }
}
