// Which module-level names a top-level statement may read and bind, read off its syntax: what
// the incremental analysis (islands.ts) needs to know which statements can affect which. Every
// answer errs on the safe side: a name the interpreter might look up in the module scope is a
// read, a name it might bind there is a bind. Follows the interpreter, not Python: parameters
// are always bound in a call, comprehensions and class bodies have scopes of their own, `global`
// is not followed (a function never binds a module name).
import type { Arg, Expr, Param, Stmt } from './ast';

export interface StatementNames {
  /** Module names read while the statement runs, possibly before it binds them itself. */
  reads: string[];
  /** Module names read when the functions (and lambdas) it defines run, whenever that is. */
  deferred: string[];
  /** Module names it may bind. */
  binds: string[];
  /** Per name of `binds`: whether it binds it whenever it runs to the end. */
  definite: boolean[];
  /** Functions and classes it defines in the module scope (the interpreter files them by name). */
  functions: string[];
  classes: string[];
  /** A plain `import` / `from ... import names` statement. */
  isImport: boolean;
  /** A `from m import *` anywhere in it (it makes names appear without a binding). */
  starImport: boolean;
  /** `.get_layer` anywhere in it (it finds layers by name, wherever they were made). */
  getLayer: boolean;
  /** `set_image_data_format` anywhere (it changes what `data_format=None` means from then on). */
  setsDataFormat: boolean;
}

const SET_DATA_FORMAT = 'set_image_data_format';

/** One scope being walked. */
interface Ctx {
  kind: 'module' | 'function' | 'class' | 'comprehension';
  /** Names certainly bound in this scope at this point. */
  bound: Set<string>;
  /** A function's reads that miss its own scope (resolved when its walk is done). */
  free: Set<string>;
  /** The enclosing scope, where misses go. */
  up?: Ctx;
}

const cache = new WeakMap<Stmt, StatementNames>();

/** The names of one top-level statement (kept per statement object: cached statements are reused). */
export function statementNames(s: Stmt): StatementNames {
  let names = cache.get(s);
  if (!names) {
    names = new NameWalker(s).result;
    cache.set(s, names);
  }
  return names;
}

class NameWalker {
  readonly result: StatementNames;
  private readonly reads = new Set<string>();
  private readonly deferred = new Set<string>();
  private readonly binds = new Set<string>();

  constructor(s: Stmt) {
    this.result = {
      reads: [],
      deferred: [],
      binds: [],
      definite: [],
      functions: [],
      classes: [],
      isImport: s.t === 'import' || (s.t === 'from' && s.names !== '*'),
      starImport: false,
      getLayer: false,
      setsDataFormat: false,
    };
    const ctx: Ctx = { kind: 'module', bound: new Set(), free: new Set() };
    this.stmt(s, ctx);
    this.result.reads = [...this.reads];
    this.result.deferred = [...this.deferred];
    this.result.binds = [...this.binds];
    this.result.definite = this.result.binds.map((n) => ctx.bound.has(n));
  }

  private block(body: Stmt[], ctx: Ctx): void {
    for (const s of body) this.stmt(s, ctx);
  }

  /** A scope that may or may not run (a branch, a loop body): what it binds is not certain after. */
  private maybe(ctx: Ctx): Ctx {
    return { ...ctx, bound: new Set(ctx.bound) };
  }

  private bind(name: string, ctx: Ctx, certain: boolean): void {
    if (ctx.kind === 'module') this.binds.add(name);
    if (certain) ctx.bound.add(name);
  }

  private bindTarget(target: Expr, ctx: Ctx): void {
    switch (target.t) {
      case 'name':
        this.bind(target.id, ctx, true);
        return;
      case 'tuple':
      case 'list':
        for (const item of target.items) this.bindTarget(item, ctx);
        return;
      case 'starred':
        this.bindTarget(target.value, ctx);
        return;
      default:
        // a[i] = v, a.b = v: reads a (and i), binds nothing.
        this.expr(target, ctx);
    }
  }

  private stmt(s: Stmt, ctx: Ctx): void {
    switch (s.t) {
      case 'expr':
        this.expr(s.value, ctx);
        return;
      case 'return':
        if (s.value) this.expr(s.value, ctx);
        return;
      case 'assign':
        this.expr(s.value, ctx);
        for (const t of s.targets) this.bindTarget(t, ctx);
        return;
      case 'augassign':
        this.expr(s.target, ctx);
        this.expr(s.value, ctx);
        this.bindTarget(s.target, ctx);
        return;
      case 'def':
        for (const p of s.params) if (p.default) this.expr(p.default, ctx);
        this.bind(s.name, ctx, true);
        if (ctx.kind === 'module') this.result.functions.push(s.name);
        // A method closes over the scope around its class, not the class body.
        this.func(s.params, s.body, undefined, ctx.kind === 'class' ? (ctx.up as Ctx) : ctx);
        return;
      case 'class': {
        for (const b of s.bases) this.arg(b, ctx);
        // The body runs now, in a scope of its own whose misses go to the enclosing scope.
        this.block(s.body, { kind: 'class', bound: new Set(), free: new Set(), up: ctx });
        this.bind(s.name, ctx, true);
        if (ctx.kind === 'module') this.result.classes.push(s.name);
        return;
      }
      case 'if': {
        let all: Set<string> | undefined;
        let exhaustive = false;
        for (const branch of s.branches) {
          if (branch.test) this.expr(branch.test, ctx);
          else exhaustive = true;
          const inner = this.maybe(ctx);
          this.block(branch.body, inner);
          all = all ? intersect(all, inner.bound) : inner.bound;
        }
        if (exhaustive && all) for (const n of all) ctx.bound.add(n);
        return;
      }
      case 'for': {
        this.expr(s.iter, ctx);
        const inner = this.maybe(ctx);
        this.bindTarget(s.target, inner);
        this.block(s.body, inner);
        this.block(s.orelse, this.maybe(ctx));
        return;
      }
      case 'while':
        this.expr(s.test, ctx);
        this.block(s.body, this.maybe(ctx));
        this.block(s.orelse, this.maybe(ctx));
        return;
      case 'import':
        for (const n of s.names) this.bind(n.alias ?? n.module.split('.')[0], ctx, true);
        return;
      case 'from':
        if (s.names === '*') this.result.starImport = true;
        else {
          for (const n of s.names) {
            if (n.name.includes(SET_DATA_FORMAT)) this.result.setsDataFormat = true;
            this.bind(n.alias ?? n.name, ctx, true);
          }
        }
        return;
      case 'with':
        for (const item of s.items) {
          this.expr(item.value, ctx);
          if (item.target) this.bindTarget(item.target, ctx);
        }
        this.block(s.body, ctx);
        return;
      case 'try':
        // The interpreter runs the body, else and finally in turn; handlers never (walked all the same).
        this.block(s.body, ctx);
        for (const h of s.handlers) this.block(h, this.maybe(ctx));
        this.block(s.orelse, ctx);
        this.block(s.finalbody, ctx);
        return;
      case 'break':
      case 'continue':
        return;
      case 'other':
        return;
    }
  }

  /**
   * A function (or lambda) defined in `parent`: its body runs later, in a scope of its own whose
   * misses go to `parent`. What it reads from the module, at whatever time it is called, is
   * deferred; inside a function, names the enclosing function had bound by then stay local.
   */
  private func(params: Param[], body: Stmt[], lambda: Expr | undefined, parent: Ctx): void {
    const inner: Ctx = { kind: 'function', bound: new Set(params.map((p) => p.name)), free: new Set(), up: parent };
    if (lambda) this.expr(lambda, inner);
    else this.block(body, inner);
    for (const n of inner.free) {
      for (let c: Ctx | undefined = parent; c; c = c.up) {
        // The module's names can be bound again before the call: deferred, bound here or not.
        if (c.kind === 'module') {
          this.deferred.add(n);
          break;
        }
        if (c.bound.has(n)) break;
        if (c.kind === 'function') {
          // Read when the enclosing function runs, at the earliest: it passes it on in turn.
          c.free.add(n);
          break;
        }
      }
    }
  }

  /** A name read now in `ctx`: found in a scope, or a read of the module (or of a function's caller). */
  private read(name: string, ctx: Ctx): void {
    for (let c: Ctx | undefined = ctx; c; c = c.up) {
      if (c.bound.has(name)) return;
      if (c.kind === 'module') {
        this.reads.add(name);
        return;
      }
      if (c.kind === 'function') {
        c.free.add(name);
        return;
      }
    }
  }

  private arg(a: Arg, ctx: Ctx): void {
    this.expr(a.value, ctx);
  }

  private expr(e: Expr, ctx: Ctx): void {
    switch (e.t) {
      case 'name':
        if (e.id === SET_DATA_FORMAT) this.result.setsDataFormat = true;
        this.read(e.id, ctx);
        return;
      case 'str':
        // getattr(keras.config, "set_image_data_format") reaches it too.
        if (e.value?.includes(SET_DATA_FORMAT)) this.result.setsDataFormat = true;
        return;
      case 'int':
      case 'float':
      case 'bool':
      case 'none':
      case 'unknown':
        return;
      case 'fstr':
        for (const p of e.parts) if (typeof p !== 'string') this.expr(p, ctx);
        return;
      case 'tuple':
      case 'list':
        for (const item of e.items) this.expr(item, ctx);
        return;
      case 'dict':
        for (const { key, value } of e.entries) {
          if (key) this.expr(key, ctx);
          this.expr(value, ctx);
        }
        return;
      case 'attr':
        if (e.name === 'get_layer') this.result.getLayer = true;
        if (e.name === SET_DATA_FORMAT) this.result.setsDataFormat = true;
        this.expr(e.obj, ctx);
        return;
      case 'call':
        // getattr(keras.config, name) with a name made at run time may reach it as well.
        if (e.fn.t === 'name' && e.fn.id === 'getattr' && e.args[1]) {
          const name = e.args[1].value;
          if (name.t !== 'str' || name.value === null) this.result.setsDataFormat = true;
        }
        this.expr(e.fn, ctx);
        for (const a of e.args) this.arg(a, ctx);
        return;
      case 'subscript':
        this.expr(e.obj, ctx);
        this.expr(e.index, ctx);
        return;
      case 'slice':
        if (e.lo) this.expr(e.lo, ctx);
        if (e.hi) this.expr(e.hi, ctx);
        if (e.step) this.expr(e.step, ctx);
        return;
      case 'unary':
      case 'not':
        this.expr(e.operand, ctx);
        return;
      case 'binary':
      case 'boolop':
        this.expr(e.left, ctx);
        this.expr(e.right, ctx);
        return;
      case 'compare':
        for (const o of e.operands) this.expr(o, ctx);
        return;
      case 'cond':
        this.expr(e.test, ctx);
        this.expr(e.body, ctx);
        this.expr(e.orelse, ctx);
        return;
      case 'starred':
        this.expr(e.value, ctx);
        return;
      case 'walrus':
        this.expr(e.value, ctx);
        // It may not run (inside a condition): a possible binding, never a certain one.
        this.bind(e.name, ctx, false);
        return;
      case 'lambda':
        for (const p of e.params) if (p.default) this.expr(p.default, ctx);
        // Unlike a method, a lambda in a class body sees the class body's names (as the interpreter does).
        this.func(e.params, [], e.body, ctx);
        return;
      case 'comp': {
        // Its own scope (targets and walruses stay inside); its misses go to the enclosing one.
        const inner: Ctx = { kind: 'comprehension', bound: new Set(), free: new Set(), up: ctx };
        for (const c of e.clauses) {
          this.expr(c.iter, inner);
          this.bindTarget(c.target, inner);
          for (const test of c.ifs) this.expr(test, inner);
        }
        this.expr(e.elt, inner);
        if (e.value) this.expr(e.value, inner);
        return;
      }
    }
  }
}

function intersect(a: Set<string>, b: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const n of a) if (b.has(n)) out.add(n);
  return out;
}
