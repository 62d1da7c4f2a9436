// An abstract interpreter for the Python that builds Keras models. It runs module code in
// order, folds constants, follows tensors through layers, runs helper functions per call site
// and loops over literal values; what it cannot know becomes `unknown` with a reason, and the
// run goes on. It never executes anything for real.
import type { SourceRange } from '../analysis-types';
import type { EngineOptions, LayerResult, SizeConstraint, SymbolicDim, SymbolicShape } from '../engine/types';
import type { Arg, Expr, Module, Stmt } from './ast';
import { Budget, BudgetExceeded } from './budget';
import { callBuiltin, callMethod, iterate } from './builtins';
import { attributeOf, callKeras, type KerasState } from './keras-runtime';
import { applyCallable, finishModels } from './models';
import { starImportsLayers } from './keras-names';
import { binaryOp, compareOp, indexOp, notOp, tensorArithmetic, unaryOp } from './operators';
import type { Recorder } from './recorder';
import { Scope } from './scope';
import { callInstance, defineClass, instantiate } from './classes';
import { declaredIn, parseDirectives, type Directive } from './directives';
import { InputSizes } from './size-constraints';
import { mergeVals, NONE, truthy, unknown, type FuncVal, type Instance, type Tensor, type Val } from './values';
import { canonicalLayerName, functionalMergeName } from '../engine/index';
import { indexTensor } from './tensor-index';
import { builderMark, declaredCallMark, REPORT_MARK } from './marks';

type Signal = 'normal' | 'return' | 'break' | 'continue';

interface Frame {
  returns: Val[];
}

/** Arguments of a call, evaluated, with the syntax kept for placing diagnostics. */
export interface CallArgs {
  positional: Val[];
  keywords: Map<string, Val>;
  /** Set when `*xs` / `**kw` hid arguments the analysis cannot see. */
  opaque?: string;
  syntax: Arg[];
}

/** Arguments for a call the interpreter makes itself (build(), call() with declared shapes). */
export function argsOf(positional: Val[]): CallArgs {
  return { positional, keywords: new Map(), syntax: [] };
}

/** The keywords of every call written without one: never written to (see evalArgs). */
const NO_KEYWORDS: ReadonlyMap<string, Val> = new Map();

const BUILTIN_NAMES = new Set([
  'range', 'len', 'int', 'float', 'str', 'bool', 'tuple', 'list', 'dict', 'min', 'max', 'abs', 'round',
  'sum', 'reversed', 'enumerate', 'zip', 'print', 'isinstance', 'sorted', 'divmod', 'pow', 'any', 'all',
  'map', 'type', 'hasattr', 'getattr', 'setattr', 'super', 'iter', 'next', 'set', 'format', 'repr', 'id', 'vars',
]);

export class Interpreter {
  readonly budget = new Budget();
  readonly module = new Scope(undefined);
  readonly keras: KerasState;
  /** Layer classes are in scope without an import (star import, or a notebook's earlier cell). */
  private bareLayerNames = false;
  private text = '';
  private callDepth = 0;
  /**
   * Above 0 while running a branch of an `if` whose condition the analysis cannot decide: the
   * branch may never run, so a Keras error found there is not reported (its output stays unknown).
   */
  speculative = 0;
  /** Functions being called, to tell recursion from ordinary nesting. */
  private readonly callStack: FuncVal[] = [];
  /**
   * Module-level functions by name, in order of first definition (a def run again, in a loop
   * or a branch, replaces the earlier one), and which functions the code calls.
   */
  private readonly moduleFunctions = new Map<string, FuncVal>();
  private readonly called = new Set<FuncVal>();
  /** Instances of classes defined in the file, in creation order. */
  readonly instances: Instance[] = [];
  /** Module-level classes by name (a class statement run again replaces the earlier one). */
  private readonly moduleClasses = new Map<string, Extract<Val, { k: 'class' }>>();
  private directives: Directive[] = [];
  stoppedBecause: string | undefined;
  /** The statement (see marks.ts) during which each module function and class was first defined. */
  private readonly functionMarks = new Map<string, number>();
  private readonly classMarks = new Map<string, number>();
  /** Steps of the budget spent per mark (for the incremental analysis's bound on the whole run). */
  readonly stepsByMark = new Map<number, number>();
  private stepsAtMark = 0;

  /** Symbols for open Input sizes, and the conditions layers put on them. */
  readonly sizes: InputSizes;

  constructor(
    readonly recorder: Recorder,
    options: EngineOptions,
    /** The shadow pass: written Input sizes become symbols too (to find the sizes that work). */
    symbolizeLiterals = false,
  ) {
    this.sizes = new InputSizes(symbolizeLiterals);
    this.keras = { options: { ...options }, sequentials: [], sequentialMarks: [], constructed: [], namedLayers: new Map() };
    this.module.set('__name__', { k: 'str', v: '__main__' });
  }

  /**
   * `topIndices`: for a run of some of a module's statements (incremental.ts), the index of each
   * statement of `module` in the whole module, for the marks (marks.ts).
   */
  run(module: Module, text: string, topIndices?: readonly number[]): void {
    const frame: Frame = { returns: [] };
    this.directives = parseDirectives(text, module.comments);
    this.text = text;
    try {
      const body = module.body;
      for (let i = 0; i < body.length; i++) {
        this.setMark(topIndices ? topIndices[i] : i);
        // A return, break or continue outside a function or loop (CPython refuses the file) ends
        // its statement only: it comes from lines whose indentation broke while typing (a
        // function's body at module level), and the statements after it still count.
        this.execStmt(body[i], this.module, frame);
      }
      this.runUncalledBuilders();
      this.runDeclaredCalls();
      finishModels(this);
      this.setMark(REPORT_MARK);
      if (!this.sizes.literals) this.sizes.report(this.recorder);
    } catch (e) {
      if (e instanceof BudgetExceeded) this.stoppedBecause = e.why;
      else throw e;
    }
  }

  /** What the recorder files the next reports under; counts the steps spent under the last mark. */
  setMark(mark: number): void {
    const steps = this.budget.spent;
    const previous = this.recorder.mark;
    this.stepsByMark.set(previous, (this.stepsByMark.get(previous) ?? 0) + steps - this.stepsAtMark);
    this.stepsAtMark = steps;
    this.recorder.mark = mark;
  }

  /**
   * A module that only defines `def build_model(input_shape=(65, 65, 3)): ...` and never calls
   * it still says what the model is for its defaults: run such functions as `build_model()`.
   * Functions with a parameter that has no default are left alone (nothing to go on).
   */
  private runUncalledBuilders(): void {
    for (const [name, fn] of this.moduleFunctions) {
      if (this.called.has(fn)) continue;
      if (!fn.params.every((p) => p.kind !== 'normal' || fn.defaults.has(p.name) || fn.declared?.has(p.name))) continue;
      this.setMark(builderMark(this.functionMarks.get(name) ?? 0));
      this.callFunction(fn, argsOf([]));
    }
  }

  /**
   * Subclassed models and layers whose call() never receives a tensor in this file run once
   * on the shapes declared on their `def call(...)` line. A class never instantiated gets an
   * instance when its __init__ needs no arguments.
   */
  private runDeclaredCalls(): void {
    for (const [name, c] of this.moduleClasses) {
      const call = c.cls.attrs.get('call');
      if (!c.cls.keras || call?.k !== 'func' || !call.fn.declared) continue;
      this.setMark(declaredCallMark(this.classMarks.get(name) ?? 0));
      let objs = this.instances.filter((o) => o.cls === c.cls);
      if (objs.length === 0) {
        const init = c.cls.attrs.get('__init__');
        const needsArgs = init?.k === 'func' && init.fn.params.slice(1).some((p) => p.kind === 'normal' && !init.fn.defaults.has(p.name));
        if (needsArgs) continue;
        const made = instantiate(this, c.cls, argsOf([]), { t: 'call', fn: { t: 'name', id: c.cls.name, span: c.cls.nameSpan }, args: [], span: c.cls.nameSpan });
        if (made.k !== 'instance') continue;
        objs = [made.obj];
      }
      for (const obj of objs) {
        if (obj.called) continue;
        const params = call.fn.params.filter((p) => p.kind === 'normal').slice(1);
        const first = params[0];
        if (!first) continue;
        const shape = call.fn.declared.get(first.name);
        if (!shape) continue;
        // Not an application the code makes: the layers inside report, the class itself does not.
        callInstance(this, obj, argsOf([{ k: 'tensor', t: { shape } }]), c.cls.nameSpan, c.cls.nameSpan, false);
      }
    }
  }

  /** An Input's result with its open spatial sizes made symbols (H, W). */
  symbolizeInput(result: LayerResult<SymbolicDim>, at: SourceRange): LayerResult<SymbolicDim> {
    if (!result.output) return result;
    const shape = this.sizes.symbolize(result.output, this.keras.options.defaultDataFormat, at);
    return shape.every((d, i) => d === result.output?.[i]) ? result : { ...result, output: shape };
  }

  /** A Sequential's declared input (input_shape=..., build(...)) with open sizes made symbols. */
  symbolizeShape(shape: SymbolicShape, at: SourceRange): Tensor {
    return { shape: this.sizes.symbolize(shape, this.keras.options.defaultDataFormat, at) };
  }

  noteConstraints(constraints: readonly SizeConstraint[], layer: number, className: string, expression: SourceRange): void {
    this.sizes.note(constraints, layer, className, expression);
  }

  /** Runs a class body; its bindings become the class's attributes. */
  execClassBody(body: Stmt[], scope: Scope): Map<string, Val> {
    const classScope = new Scope(scope, undefined, undefined, true);
    this.execBlock(body, classScope, { returns: [] });
    return classScope.vars;
  }

  /** A custom layer/model applied to a tensor: one report at the application, like any layer. */
  recordCustom(obj: Instance, inputs: Tensor[], out: Val, expression: SourceRange, calleeName: SourceRange): void {
    // A call() returning a tuple of tensors reports each, like an RNN with return_state.
    const many = out.k === 'seq' && out.items.length > 1 && out.items.every((i) => i.k === 'tensor') ? out.items.map((i) => (i.k === 'tensor' ? i.t.shape : null)) : undefined;
    const shape = out.k === 'tensor' ? out.t.shape : many ? many[0] ?? null : null;
    const rec = this.recorder;
    rec.addLayer(
      {
        className: obj.cls.name,
        construct: obj.construct,
        name: calleeName,
        args: [],
        application: 'functional',
        expression,
        hintAt: expression.end,
        inputs: inputs.map((t) => t.shape),
        result: {
          output: shape,
          axes: [],
          steps: [`${obj.cls.name}.call() on ${inputs.map((t) => (t.shape ? `(${t.shape.map((d) => d ?? 'None').join(', ')})` : '?')).join(', ')} returns this shape (derived from the layers it applies).`],
          findings: [],
          unknownReason: shape ? undefined : out.k === 'tensor' ? out.t.why : `${obj.cls.name}.call() does not return a tensor the analysis can see`,
          ...(many ? { outputs: many } : {}),
        },
        applicationIndex: obj.applications++,
      },
      inputs,
    );
  }

  // ---------------------------------------------------------------- statements

  private execBlock(body: Stmt[], scope: Scope, frame: Frame): Signal {
    for (const s of body) {
      const sig = this.execStmt(s, scope, frame);
      if (sig !== 'normal') return sig;
    }
    return 'normal';
  }

  private execStmt(s: Stmt, scope: Scope, frame: Frame): Signal {
    this.budget.tick();
    switch (s.t) {
      case 'expr':
        this.eval(s.value, scope);
        return 'normal';
      case 'assign': {
        const v = this.eval(s.value, scope);
        for (const target of s.targets) this.assign(target, v, scope);
        if (this.directives.length > 0) this.applyDeclaredAssignment(s, scope);
        return 'normal';
      }
      case 'augassign': {
        const cur = this.eval(s.target, scope);
        const rhs = this.eval(s.value, scope);
        if (s.op === '+' && cur.k === 'seq' && cur.list) {
          // list += iterable extends in place (aliases see it)
          const items = iterate(rhs);
          if (items) cur.items.push(...items);
          else this.assign(s.target, unknown('extended with values the analysis cannot see'), scope);
          return 'normal';
        }
        // `x += skip` in a residual block is tensor arithmetic, as with `x = x + skip`.
        this.assign(s.target, cur.k === 'tensor' || rhs.k === 'tensor' ? tensorArithmetic(cur, rhs, s.op) : binaryOp(s.op, cur, rhs), scope);
        return 'normal';
      }
      case 'def': {
        // Every definition is kept until the end: count it as more work than a plain statement.
        this.budget.tick(20);
        const defaults = new Map<string, Val>();
        for (const p of s.params) if (p.default) defaults.set(p.name, this.eval(p.default, scope));
        // Methods do not see their class body's names: their closure is the enclosing scope.
        const closure = scope.isClass && scope.parent ? scope.parent : scope;
        const declared = declaredIn(this.directives, s.span.start, s.body[0]?.span.start ?? s.span.end);
        const fn: FuncVal = { name: s.name, params: s.params, defaults, body: s.body, closure, declared };
        if (scope.isClass && this.decoratedAsProperty(s.span.start)) fn.property = true;
        scope.set(s.name, { k: 'func', fn });
        if (scope === this.module) {
          if (!this.moduleFunctions.has(s.name)) this.functionMarks.set(s.name, this.recorder.mark);
          this.moduleFunctions.set(s.name, fn);
        }
        return 'normal';
      }
      case 'class': {
        const v: Val = { k: 'class', cls: defineClass(this, s, scope) };
        scope.set(s.name, v);
        if (scope === this.module) {
          if (!this.moduleClasses.has(s.name)) this.classMarks.set(s.name, this.recorder.mark);
          this.moduleClasses.set(s.name, v as Extract<Val, { k: 'class' }>);
        }
        return 'normal';
      }
      case 'if':
        return this.execIf(s, 0, scope, frame);
      case 'for':
        return this.execFor(s, scope, frame);
      case 'while':
        return this.execWhile(s, scope, frame);
      case 'return':
        frame.returns.push(s.value ? this.eval(s.value, scope) : NONE);
        return 'return';
      case 'import':
        for (const n of s.names) {
          const parts = n.module.split('.');
          if (n.alias) scope.set(n.alias, { k: 'ns', path: parts });
          else scope.set(parts[0], { k: 'ns', path: [parts[0]] });
        }
        return 'normal';
      case 'from': {
        if (s.level > 0) {
          if (s.names !== '*') for (const n of s.names) scope.set(n.alias ?? n.name, unknown(`imported from a local module (${'.'.repeat(s.level)}${s.module})`));
          return 'normal';
        }
        const base = s.module.split('.');
        if (s.names === '*') {
          if (starImportsLayers(s.module)) this.bareLayerNames = true;
          return 'normal';
        }
        for (const n of s.names) scope.set(n.alias ?? n.name, { k: 'ns', path: [...base, ...n.name.split('.')] });
        return 'normal';
      }
      case 'with': {
        for (const item of s.items) {
          this.eval(item.value, scope);
          if (item.target) this.assign(item.target, unknown('bound by a with statement'), scope);
        }
        return this.execBlock(s.body, scope, frame);
      }
      case 'try': {
        const sig = this.execBlock(s.body, scope, frame);
        if (sig !== 'normal') return sig;
        const sig2 = this.execBlock(s.orelse, scope, frame);
        if (sig2 !== 'normal') return sig2;
        return this.execBlock(s.finalbody, scope, frame);
      }
      case 'break':
        return 'break';
      case 'continue':
        return 'continue';
      case 'other':
        return 'normal';
    }
  }

  /** `x = load()  # shapewise: x=(None, 128, 128, 3)`: the declaration fills what the code cannot tell. */
  private applyDeclaredAssignment(s: Extract<Stmt, { t: 'assign' }>, scope: Scope): void {
    let lineEnd = this.text.indexOf('\n', s.span.end);
    if (lineEnd < 0) lineEnd = this.text.length;
    const declared = declaredIn(this.directives, s.span.start, lineEnd);
    if (!declared) return;
    for (const [name, shape] of declared) {
      const cur = scope.lookup(name);
      if (cur?.k === 'tensor' && cur.t.shape) continue;
      scope.set(name, { k: 'tensor', t: { shape } });
    }
  }

  private execIf(s: Extract<Stmt, { t: 'if' }>, i: number, scope: Scope, frame: Frame): Signal {
    if (i >= s.branches.length) return 'normal';
    const branch = s.branches[i];
    if (branch.test === null) return this.execBlock(branch.body, scope, frame);
    const cond = truthy(this.eval(branch.test, scope));
    if (cond === true) return this.execBlock(branch.body, scope, frame);
    if (cond === false) return this.execIf(s, i + 1, scope, frame);
    // Undecidable: run both ways on forks and keep what they agree on.
    const a = scope.fork();
    const b = scope.fork();
    this.speculative++;
    let sigA: Signal;
    let sigB: Signal;
    try {
      sigA = this.execBlock(branch.body, a, frame);
      sigB = this.execIf(s, i + 1, b, frame);
    } finally {
      this.speculative--;
    }
    const endsA = sigA === 'return';
    const endsB = sigB === 'return';
    if (endsA && endsB) return 'return';
    if (endsA) copyInto(scope, b);
    else if (endsB) copyInto(scope, a);
    else {
      // The line is counted only here: a report naming a line runs again when lines move (incremental.ts).
      const why = `differs between the branches of the if on line ${this.recorder.lineOf(branch.test.span.start)}`;
      for (const key of new Set([...a.vars.keys(), ...b.vars.keys()])) {
        const va = a.vars.get(key);
        const vb = b.vars.get(key);
        scope.vars.set(key, va === undefined ? (vb as Val) : vb === undefined ? va : mergeVals(va, vb, why));
      }
    }
    return 'normal';
  }

  private execFor(s: Extract<Stmt, { t: 'for' }>, scope: Scope, frame: Frame): Signal {
    const iterVal = this.eval(s.iter, scope);
    const items = iterate(iterVal);
    if (!items || items.length > this.budget.maxLoopIterations) {
      const why = items ? 'set in a loop with too many iterations to follow' : `set in a loop over ${iterVal.k === 'unknown' ? 'values the analysis cannot see' : 'a value it cannot iterate'}`;
      return this.unknownLoop(s.body, scope, frame, why, s.target);
    }
    for (const item of items) {
      this.assign(s.target, item, scope);
      const sig = this.execBlock(s.body, scope, frame);
      if (sig === 'break') return 'normal';
      if (sig === 'return') return sig;
    }
    return this.execBlock(s.orelse, scope, frame);
  }

  private execWhile(s: Extract<Stmt, { t: 'while' }>, scope: Scope, frame: Frame): Signal {
    for (let n = 0; n < this.budget.maxLoopIterations; n++) {
      const cond = truthy(this.eval(s.test, scope));
      if (cond === undefined) return this.unknownLoop(s.body, scope, frame, 'set in a while loop whose condition the analysis cannot decide');
      if (!cond) return this.execBlock(s.orelse, scope, frame);
      const sig = this.execBlock(s.body, scope, frame);
      if (sig === 'break') return 'normal';
      if (sig === 'return') return sig;
    }
    return this.unknownLoop(s.body, scope, frame, 'set in a loop with too many iterations to follow');
  }

  /** A loop whose iterations cannot be followed: what it assigns becomes unknown. */
  private unknownLoop(body: Stmt[], scope: Scope, frame: Frame, why: string, target?: Expr): Signal {
    const names = new Set<string>();
    assignedNames(body, names);
    if (target) targetNames(target, names);
    for (const n of names) scope.set(n, unknown(why));
    // One pass with unknown values still records the layers inside (their shapes unknown).
    this.execBlock(body, scope, frame);
    for (const n of names) scope.set(n, unknown(why));
    return 'normal';
  }

  assign(target: Expr, v: Val, scope: Scope): void {
    switch (target.t) {
      case 'name':
        scope.set(target.id, v);
        return;
      case 'tuple':
      case 'list': {
        const items = iterate(v);
        const star = target.items.findIndex((e) => e.t === 'starred');
        if (!items || (star < 0 && items.length !== target.items.length) || (star >= 0 && items.length < target.items.length - 1)) {
          const why = v.k === 'unknown' ? v.why : 'could not be unpacked';
          for (const e of target.items) this.assign(e.t === 'starred' ? e.value : e, unknown(why), scope);
          return;
        }
        if (star < 0) {
          target.items.forEach((e, i) => this.assign(e, items[i], scope));
          return;
        }
        const after = target.items.length - star - 1;
        target.items.forEach((e, i) => {
          if (i < star) this.assign(e, items[i], scope);
          else if (i === star && e.t === 'starred') this.assign(e.value, { k: 'seq', items: items.slice(star, items.length - after), list: true }, scope);
          else this.assign(e, items[items.length - (target.items.length - i)], scope);
        });
        return;
      }
      case 'subscript': {
        const obj = this.eval(target.obj, scope);
        const index = this.eval(target.index, scope);
        if (obj.k === 'dict' && index.k === 'str') obj.entries.set(index.v, v);
        else if (obj.k === 'seq' && obj.list && index.k === 'int') {
          const j = index.v < 0 ? index.v + obj.items.length : index.v;
          if (j >= 0 && j < obj.items.length) obj.items[j] = v;
        }
        return;
      }
      case 'starred':
        this.assign(target.value, v, scope);
        return;
      case 'attr': {
        const obj = this.eval(target.obj, scope);
        if (obj.k === 'instance') obj.obj.attrs.set(target.name, v);
        else if (obj.k === 'class') obj.cls.attrs.set(target.name, v);
        return;
      }
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- expressions

  eval(e: Expr, scope: Scope): Val {
    this.budget.tick();
    // The commonest kinds first: a switch on strings tests its cases in order.
    switch (e.t) {
      case 'name':
        return this.lookup(e.id, scope);
      case 'call':
        return this.evalCall(e, scope);
      case 'attr': {
        const v = attributeOf(this.eval(e.obj, scope), e.name);
        // A @property is read by calling it on the instance.
        if (v.k === 'bound' && v.fn.property) return this.callFunction(v.fn, argsOf([v.self]));
        return v;
      }
      case 'int':
      case 'float':
      case 'str':
      case 'bool':
      case 'none':
        return literalVal(e);
      case 'fstr': {
        let out = '';
        for (const p of e.parts) {
          if (typeof p === 'string') out += p;
          else {
            const v = this.eval(p, scope);
            if (v.k === 'str') out += v.v;
            else if (v.k === 'int') out += String(v.v);
            else if (v.k === 'bool') out += v.v ? 'True' : 'False';
            else return unknown('formatted string');
          }
        }
        return { k: 'str', v: out };
      }
      case 'tuple':
      case 'list': {
        const lit = e.t === 'tuple' ? literalTuple(e) : undefined;
        if (lit) return lit;
        const items: Val[] = [];
        for (const item of e.items) {
          if (item.t === 'starred') {
            const inner = iterate(this.eval(item.value, scope));
            if (!inner) return unknown('unpacks values the analysis cannot see');
            items.push(...inner);
          } else items.push(this.eval(item, scope));
        }
        return { k: 'seq', items, list: e.t === 'list' };
      }
      case 'dict': {
        const entries = new Map<string, Val>();
        for (const { key, value } of e.entries) {
          const v = this.eval(value, scope);
          if (key === null) {
            if (v.k !== 'dict') return unknown('unpacks a dict the analysis cannot see');
            for (const [k2, v2] of v.entries) entries.set(k2, v2);
            continue;
          }
          const k = this.eval(key, scope);
          if (k.k !== 'str') return unknown('a dict with keys that are not strings');
          entries.set(k.v, v);
        }
        return { k: 'dict', entries };
      }
      case 'subscript': {
        const obj = this.eval(e.obj, scope);
        const index = this.eval(e.index, scope);
        if (obj.k === 'tensor' && obj.t.values) {
          // tf.shape(x)[1] is x's static size; a slice stays a shape tensor.
          const r = indexOp({ k: 'seq', items: obj.t.values, list: false }, index);
          if (r.k === 'seq') return { k: 'tensor', t: { shape: [r.items.length], values: r.items } };
          return r;
        }
        if (obj.k === 'tensor') return { k: 'tensor', t: indexTensor(obj.t, index) };
        return indexOp(obj, index);
      }
      case 'slice':
        return {
          k: 'slice',
          lo: e.lo ? this.eval(e.lo, scope) : NONE,
          hi: e.hi ? this.eval(e.hi, scope) : NONE,
          step: e.step ? this.eval(e.step, scope) : NONE,
        };
      case 'unary':
        return unaryOp(e.op, this.eval(e.operand, scope));
      case 'binary': {
        const a = this.eval(e.left, scope);
        const b = this.eval(e.right, scope);
        if (a.k === 'tensor' || b.k === 'tensor') return tensorArithmetic(a, b, e.op);
        return binaryOp(e.op, a, b);
      }
      case 'compare': {
        let left = this.eval(e.operands[0], scope);
        let result: boolean | undefined = true;
        for (let i = 0; i < e.ops.length && i + 1 < e.operands.length; i++) {
          const right = this.eval(e.operands[i + 1], scope);
          // `x > 0` on a tensor is an elementwise boolean tensor of the broadcast shape.
          if (e.ops.length === 1 && (left.k === 'tensor' || right.k === 'tensor') && !['is', 'is not', 'in', 'not in'].includes(e.ops[0])) {
            return tensorArithmetic(left, right);
          }
          const r = compareOp(e.ops[i], left, right);
          if (r === false) return { k: 'bool', v: false };
          if (r === undefined) result = undefined;
          left = right;
        }
        return result === undefined ? unknown('comparison not known') : { k: 'bool', v: true };
      }
      case 'boolop': {
        const a = this.eval(e.left, scope);
        const t = truthy(a);
        if (t === undefined) {
          const b = this.eval(e.right, scope);
          return mergeVals(a, b, 'condition not known');
        }
        if (e.op === 'and') return t ? this.eval(e.right, scope) : a;
        return t ? a : this.eval(e.right, scope);
      }
      case 'not':
        return notOp(this.eval(e.operand, scope));
      case 'cond': {
        const t = truthy(this.eval(e.test, scope));
        if (t === true) return this.eval(e.body, scope);
        if (t === false) return this.eval(e.orelse, scope);
        return mergeVals(this.eval(e.body, scope), this.eval(e.orelse, scope), 'depends on a condition the analysis cannot decide');
      }
      case 'comp':
        return this.evalComprehension(e, scope);
      case 'lambda': {
        const defaults = new Map<string, Val>();
        for (const p of e.params) if (p.default) defaults.set(p.name, this.eval(p.default, scope));
        return { k: 'func', fn: { name: '<lambda>', params: e.params, defaults, body: [], closure: scope, lambda: e.body } };
      }
      case 'walrus': {
        const v = this.eval(e.value, scope);
        scope.set(e.name, v);
        return v;
      }
      case 'starred':
        return unknown('starred expression');
      case 'unknown':
        return unknown(e.why);
    }
  }

  private lookup(name: string, scope: Scope): Val {
    const v = scope.lookup(name);
    if (v !== undefined) return v;
    if (BUILTIN_NAMES.has(name)) return builtinNamespace(name);
    if (name === 'Ellipsis') return { k: 'ns', path: ['builtins', 'Ellipsis'] };
    // A star import of keras.layers also brings the functional merges (concatenate, add, ...)
    // and the Layer base class.
    const starred = canonicalLayerName(name) || functionalMergeName(name) || ['Input', 'Sequential', 'Model', 'Layer'].includes(name);
    if (this.bareLayerNames && starred) {
      return { k: 'ns', path: ['keras', 'layers', name] };
    }
    return unknown(`'${name}' is not defined in this file`);
  }

  private evalComprehension(e: Extract<Expr, { t: 'comp' }>, scope: Scope): Val {
    if (e.kind === 'set') return unknown('a set');
    const inner = new Scope(scope);
    const out: Val[] = [];
    const dict = new Map<string, Val>();
    const loop = (ci: number): boolean => {
      if (ci === e.clauses.length) {
        const v = this.eval(e.elt, inner);
        if (e.kind === 'dict') {
          if (v.k !== 'str' || !e.value) return false;
          dict.set(v.v, this.eval(e.value, inner));
        } else out.push(v);
        return true;
      }
      const clause = e.clauses[ci];
      const items = iterate(this.eval(clause.iter, inner));
      if (!items || items.length > this.budget.maxLoopIterations) return false;
      for (const item of items) {
        this.assign(clause.target, item, inner);
        let keep: boolean | undefined = true;
        for (const cond of clause.ifs) {
          const t = truthy(this.eval(cond, inner));
          if (t !== true) {
            keep = t;
            break;
          }
        }
        if (keep === undefined) return false;
        if (keep && !loop(ci + 1)) return false;
      }
      return true;
    };
    if (!loop(0)) return unknown('a comprehension over values the analysis cannot see');
    if (e.kind === 'dict') return { k: 'dict', entries: dict };
    return { k: 'seq', items: out, list: true };
  }

  // ---------------------------------------------------------------- calls

  evalArgs(args: Arg[], scope: Scope): CallArgs {
    const positional: Val[] = [];
    // Most calls pass no keyword: they share one empty Map (nothing writes to a call's keywords;
    // the callers that change them copy first).
    let keywords: Map<string, Val> | undefined;
    let opaque: string | undefined;
    for (const a of args) {
      const v = this.eval(a.value, scope);
      if (a.star === '*') {
        const items = iterate(v);
        if (items) {
          positional.push(...items);
        } else opaque = `*${describeExpr(a.value)} hides some arguments`;
      } else if (a.star === '**') {
        if (v.k === 'dict') for (const [k, kv] of v.entries) (keywords ??= new Map()).set(k, kv);
        else opaque = `**${describeExpr(a.value)} hides some arguments`;
      } else if (a.name !== undefined) {
        (keywords ??= new Map()).set(a.name, v);
      } else {
        positional.push(v);
      }
    }
    return { positional, keywords: keywords ?? (NO_KEYWORDS as Map<string, Val>), opaque, syntax: args };
  }

  private evalCall(e: Extract<Expr, { t: 'call' }>, scope: Scope): Val {
    const fn = this.eval(e.fn, scope);
    const args = this.evalArgs(e.args, scope);
    if (isSuperInit(e)) this.noteFunctionalInit(args, scope);
    return this.call(fn, args, e);
  }

  /**
   * `super().__init__(inputs=..., outputs=...)` in a keras.Model subclass makes the instance a
   * functional model: calling it gives those outputs (classes.ts callInstance).
   */
  private noteFunctionalInit(args: CallArgs, scope: Scope): void {
    const self = scope.lookup('self');
    if (self?.k !== 'instance' || self.obj.cls.keras !== 'model') return;
    const inputs = args.keywords.get('inputs') ?? args.positional[0];
    const outputs = args.keywords.get('outputs') ?? args.positional[1];
    if (inputs && outputs) self.obj.attrs.set('__functional__', { k: 'model', model: { kind: 'functional', inputs, outputs } });
  }

  call(fn: Val, args: CallArgs, e: Extract<Expr, { t: 'call' }>): Val {
    switch (fn.k) {
      case 'ns':
        if (fn.path[0] === 'builtins') return callBuiltin(this, fn.path[1], args);
        if (fn.path.length === 2 && fn.path[0] === 'functools' && fn.path[1] === 'partial') return makePartial(args);
        return callKeras(this, fn.path, args, e);
      case 'partial':
        return this.call(fn.fn, partialArgs(fn.args, args), e);
      case 'func':
        return this.callFunction(fn.fn, args);
      case 'method':
        return callMethod(this, fn.self, fn.name, args, e);
      case 'layer':
      case 'model':
        return applyCallable(this, fn, args, e);
      case 'class':
        return instantiate(this, fn.cls, args, e);
      case 'instance':
        return callInstance(this, fn.obj, args, e.span, e.fn.t === 'attr' ? e.fn.nameSpan : e.fn.span);
      case 'bound':
        return this.callFunction(fn.fn, { ...args, positional: [fn.self, ...args.positional] });
      case 'unknown':
        return unknown(fn.why);
      default:
        return unknown(`calls ${fn.k}, which is not callable`);
    }
  }

  /**
   * Whether the decorator lines right above a def (the syntax tree keeps no decorators) include
   * `@property`.
   */
  private decoratedAsProperty(defStart: number): boolean {
    const lines = this.text.slice(0, defStart).split('\n');
    lines.pop(); // the def line's own indentation
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i].trim();
      if (!line.startsWith('@')) return false;
      if (/^@(?:builtins\.)?property\s*(?:#.*)?$/.test(line)) return true;
    }
    return false;
  }

  callFunction(fn: FuncVal, args: CallArgs): Val {
    if (this.callDepth >= this.budget.maxCallDepth) {
      return unknown(this.callStack.includes(fn) ? `${fn.name} recurses deeper than the analysis follows` : 'calls nested too deeply');
    }
    const scope = new Scope(fn.closure);
    const params = fn.params;
    let pi = 0;
    const positional = args.positional;
    // The keywords left for **kwargs: a copy to take the named ones out of, made only when the
    // function has **kwargs; otherwise the call's own Map is read and the names taken listed.
    let kw: Map<string, Val> | undefined = args.keywords;
    if (kw.size === 0) kw = undefined;
    else if (params.some((p) => p.kind === 'kwargs')) kw = new Map(kw);
    const copied = kw !== undefined && kw !== args.keywords;
    let taken: string[] | undefined;
    for (const p of params) {
      if (p.kind === 'varargs') {
        scope.set(p.name, { k: 'seq', items: positional.slice(pi), list: false });
        pi = positional.length;
      } else if (p.kind === 'kwargs') {
        scope.set(p.name, args.opaque ? unknown(args.opaque) : { k: 'dict', entries: kw ?? new Map() });
      } else if (pi < positional.length) {
        scope.set(p.name, positional[pi++]);
      } else if (kw?.has(p.name) && (taken === undefined || !taken.includes(p.name))) {
        scope.set(p.name, kw.get(p.name) as Val);
        if (copied) kw.delete(p.name);
        else (taken ??= []).push(p.name);
      } else if (fn.defaults.has(p.name)) {
        scope.set(p.name, args.opaque ? unknown(args.opaque) : (fn.defaults.get(p.name) as Val));
      } else {
        scope.set(p.name, unknown(args.opaque ?? `argument '${p.name}' of ${fn.name} was not passed`));
      }
    }
    if (fn.declared) {
      for (const [name, shape] of fn.declared) {
        const cur = scope.vars.get(name);
        if (cur?.k === 'tensor' && cur.t.shape) continue;
        scope.set(name, { k: 'tensor', t: { shape } });
      }
    }
    this.called.add(fn);
    this.callDepth++;
    this.callStack.push(fn);
    try {
      if (fn.lambda) return this.eval(fn.lambda, scope);
      const frame: Frame = { returns: [] };
      this.execBlock(fn.body, scope, frame);
      if (frame.returns.length === 0) return NONE;
      return frame.returns.reduce((a, b) => mergeVals(a, b, `${fn.name} returns different values on different paths`));
    } finally {
      this.callDepth--;
      this.callStack.pop();
    }
  }
}

/** functools.partial(fn, ...): the function and the arguments given after it. */
function makePartial(args: CallArgs): Val {
  const [fn, ...positional] = args.positional;
  if (!fn) return unknown('partial() without a function');
  const first = args.syntax.findIndex((a) => a.name === undefined && !a.star);
  const syntax = args.syntax.filter((_, i) => i !== first);
  return { k: 'partial', fn, args: { ...args, positional, syntax } };
}

/** A partial's arguments first, then the call's; a keyword given again replaces the partial's. */
function partialArgs(bound: CallArgs, args: CallArgs): CallArgs {
  const positionalSyntax = (a: CallArgs) => a.syntax.filter((s) => s.name === undefined && !s.star);
  const keywordSyntax = (a: CallArgs) => a.syntax.filter((s) => s.name !== undefined || s.star);
  const later = new Set(args.keywords.keys());
  return {
    positional: [...bound.positional, ...args.positional],
    keywords: new Map([...bound.keywords, ...args.keywords]),
    opaque: bound.opaque ?? args.opaque,
    syntax: [
      ...positionalSyntax(bound),
      ...positionalSyntax(args),
      ...keywordSyntax(bound).filter((s) => s.name === undefined || !later.has(s.name)),
      ...keywordSyntax(args),
    ],
  };
}

const builtins = new Map<string, Val>();

function builtinNamespace(name: string): Val {
  let v = builtins.get(name);
  if (!v) {
    v = { k: 'ns', path: ['builtins', name] };
    builtins.set(name, v);
  }
  return v;
}

// Literals are immutable values: one Val per literal value, shared by every evaluation of every
// node that writes it (and so are their engine forms, see toPyValue), which spares the garbage
// collector a lot of work. Looked up by value in Maps: a WeakMap by node cost several times more.
const INTERNED_MAX = 4096;
const intLiterals = new Map<number, Val>();
const floatLiterals = new Map<number, Val>();
/** Short texts only: a docstring is evaluated once and would only be kept alive here. */
const strLiterals = new Map<string, Val>();
const STR_INTERNED_MAX_LENGTH = 64;
const TRUE: Val = { k: 'bool', v: true };
const FALSE: Val = { k: 'bool', v: false };
// Literals the Maps do not keep (tuples, long texts, unknowns: mergeVals tells those apart by
// identity) stay one Val per node.
const literals = new WeakMap<Expr, Val>();

function perNode(e: Expr, make: () => Val): Val {
  let v = literals.get(e);
  if (v === undefined) literals.set(e, (v = make()));
  return v;
}

// One function per key type, and no closure made per evaluation.
function internedNumber(map: Map<number, Val>, k: 'int' | 'float', value: number): Val {
  let v = map.get(value);
  if (v === undefined) {
    if (map.size >= INTERNED_MAX) map.clear();
    map.set(value, (v = k === 'int' ? { k: 'int', v: value } : { k: 'float', v: value }));
  }
  return v;
}

function internedStr(text: string): Val {
  let v = strLiterals.get(text);
  if (v === undefined) {
    if (strLiterals.size >= INTERNED_MAX) strLiterals.clear();
    strLiterals.set(text, (v = { k: 'str', v: text }));
  }
  return v;
}

function literalVal(e: Extract<Expr, { t: 'int' | 'float' | 'str' | 'bool' | 'none' }>): Val {
  switch (e.t) {
    case 'int':
      if (Number.isNaN(e.value)) return perNode(e, () => unknown('integer literal'));
      // A Map does not tell -0 from 0: -0 (if a lowering ever folds one) keeps a Val per node.
      return Object.is(e.value, -0) ? perNode(e, () => ({ k: 'int', v: e.value })) : internedNumber(intLiterals, 'int', e.value);
    case 'float':
      return Object.is(e.value, -0) ? perNode(e, () => ({ k: 'float', v: e.value })) : internedNumber(floatLiterals, 'float', e.value);
    case 'str': {
      const text = e.value;
      if (text === null) return perNode(e, () => unknown('formatted string'));
      if (text.length <= STR_INTERNED_MAX_LENGTH) return internedStr(text);
      return perNode(e, () => ({ k: 'str', v: text }));
    }
    case 'bool':
      return e.value ? TRUE : FALSE;
    default:
      return NONE;
  }
}

/** A tuple written with literals only, `(3, 3)`: immutable, so shared like a literal. */
function literalTuple(e: Extract<Expr, { t: 'tuple' }>): Val | undefined {
  const hit = literals.get(e);
  if (hit) return hit;
  const items: Val[] = [];
  for (const item of e.items) {
    if (item.t === 'int' || item.t === 'float' || item.t === 'str' || item.t === 'bool' || item.t === 'none') items.push(literalVal(item));
    else if (item.t === 'tuple') {
      const inner = literalTuple(item);
      if (!inner) return undefined;
      items.push(inner);
    } else return undefined;
  }
  const v: Val = { k: 'seq', items, list: false };
  literals.set(e, v);
  return v;
}

function copyInto(scope: Scope, from: Scope): void {
  for (const [k, v] of from.vars) scope.vars.set(k, v);
}

function isSuperInit(e: Extract<Expr, { t: 'call' }>): boolean {
  const f = e.fn;
  return f.t === 'attr' && f.name === '__init__' && f.obj.t === 'call' && f.obj.fn.t === 'name' && f.obj.fn.id === 'super';
}

function describeExpr(e: Expr): string {
  return e.t === 'name' ? e.id : 'an expression';
}

/** Names a block assigns to (for loops the analysis cannot follow). */
function assignedNames(body: Stmt[], out: Set<string>): void {
  for (const s of body) {
    switch (s.t) {
      case 'assign':
        for (const t of s.targets) targetNames(t, out);
        break;
      case 'augassign':
        targetNames(s.target, out);
        break;
      case 'for':
        targetNames(s.target, out);
        assignedNames(s.body, out);
        assignedNames(s.orelse, out);
        break;
      case 'while':
        assignedNames(s.body, out);
        assignedNames(s.orelse, out);
        break;
      case 'if':
        for (const b of s.branches) assignedNames(b.body, out);
        break;
      case 'with':
        for (const i of s.items) if (i.target) targetNames(i.target, out);
        assignedNames(s.body, out);
        break;
      case 'try':
        assignedNames(s.body, out);
        for (const h of s.handlers) assignedNames(h, out);
        assignedNames(s.orelse, out);
        assignedNames(s.finalbody, out);
        break;
      case 'def':
      case 'class':
        out.add(s.name);
        break;
      default:
        break;
    }
  }
}

function targetNames(t: Expr, out: Set<string>): void {
  if (t.t === 'name') out.add(t.id);
  else if (t.t === 'tuple' || t.t === 'list') for (const i of t.items) targetNames(i, out);
  else if (t.t === 'starred') targetNames(t.value, out);
}
