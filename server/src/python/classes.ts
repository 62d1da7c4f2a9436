// Classes defined in the analysed file: subclassed Keras models and layers (sublayers built
// in __init__ or build(), applied in call()), and plain Python classes used as config holders.
import type { SourceRange } from '../analysis-types';
import type { Shape, SymbolicShape } from '../engine/types';
import type { Expr, Stmt } from './ast';
import type { CallArgs, Interpreter } from './interpreter';
import { iterate } from './builtins';
import { resolveSymbol } from './keras-names';
import { applyModelLike } from './models';
import type { Scope } from './scope';
import { NONE, unknown, type ClassVal, type FuncVal, type Instance, type Tensor, type Val } from './values';

type CallExpr = Extract<Expr, { t: 'call' }>;

/** Which Keras base a class derives from, if any. */
function kerasKind(bases: Val[]): ClassVal['keras'] {
  for (const b of bases) {
    if (b.k === 'class' && b.cls.keras) return b.cls.keras;
    if (b.k === 'ns') {
      const last = b.path[b.path.length - 1];
      const sym = resolveSymbol(b.path);
      if (sym.kind === 'model' || sym.kind === 'sequential') return 'model';
      if (last === 'Layer' && (sym.kind === 'other' || sym.kind === 'module')) return 'layer';
    }
  }
  return undefined;
}

export function defineClass(interp: Interpreter, s: Extract<Stmt, { t: 'class' }>, scope: Scope): ClassVal {
  const bases = s.bases.filter((a) => !a.name && !a.star).map((a) => interp.eval(a.value, scope));
  const body = interp.execClassBody(s.body, scope);
  return {
    name: s.name,
    keras: kerasKind(bases),
    bases: bases.flatMap((b) => (b.k === 'class' ? [b.cls] : [])),
    attrs: body,
    nameSpan: s.nameSpan,
  };
}

/** Attribute lookup through the class and its bases, depth first (enough for model code). */
export function classAttr(cls: ClassVal, name: string, seen = new Set<ClassVal>()): Val | undefined {
  if (seen.has(cls)) return undefined;
  seen.add(cls);
  const own = cls.attrs.get(name);
  if (own) return own;
  for (const b of cls.bases) {
    const v = classAttr(b, name, seen);
    if (v) return v;
  }
  return undefined;
}

function method(cls: ClassVal, name: string): FuncVal | undefined {
  const v = classAttr(cls, name);
  return v?.k === 'func' ? v.fn : undefined;
}

function withSelf(self: Val, args: CallArgs): CallArgs {
  return { ...args, positional: [self, ...args.positional] };
}

export function instantiate(interp: Interpreter, cls: ClassVal, args: CallArgs, e: CallExpr): Val {
  const obj: Instance = { cls, attrs: new Map(), construct: e.span, built: false, applications: 0, called: false };
  const self: Val = { k: 'instance', obj };
  interp.instances.push(obj);
  const init = method(cls, '__init__');
  if (init) interp.callFunction(init, withSelf(self, args));
  else if (!cls.keras) {
    // No __init__ (a @dataclass or NamedTuple-style config): arguments set the fields, positional
    // ones in the order the class body declares them.
    const fields = [...cls.attrs].filter(([, v]) => v.k !== 'func').map(([k]) => k);
    args.positional.forEach((v, i) => {
      if (fields[i] !== undefined) obj.attrs.set(fields[i], v);
    });
    for (const [k, v] of args.keywords) obj.attrs.set(k, v);
  }
  return self;
}

export function instanceAttr(obj: Instance, name: string): Val {
  // model.build(shape) builds and then traces call() on that shape, even when the class
  // defines its own build() (which callInstance runs first).
  if (obj.cls.keras && name === 'build') return { k: 'method', self: { k: 'instance', obj }, name };
  const own = obj.attrs.get(name);
  if (own) return own;
  const v = classAttr(obj.cls, name);
  if (v?.k === 'func') return { k: 'bound', fn: v.fn, self: { k: 'instance', obj } };
  if (v) return v;
  if (obj.cls.keras) {
    if (name === 'output') return obj.attrs.get('__output__') ?? unknown(`${obj.cls.name} has not been applied`);
    // Keras' own methods (build, summary, compile, ...) on a subclassed model or layer.
    return { k: 'method', self: { k: 'instance', obj }, name };
  }
  return unknown(`${obj.cls.name}.${name} is not known`);
}

/** `net(x)`: Keras runs build(input_shape) once, then call(x, ...). */
export function callInstance(interp: Interpreter, obj: Instance, args: CallArgs, expression: SourceRange, calleeName: SourceRange, record = true): Val {
  const self: Val = { k: 'instance', obj };
  if (!obj.cls.keras) {
    const dunder = method(obj.cls, '__call__');
    return dunder ? interp.callFunction(dunder, withSelf(self, args)) : unknown(`${obj.cls.name} objects are not callable`);
  }
  const input = args.positional[0] ?? args.keywords.get('inputs');
  const build = method(obj.cls, 'build');
  if (build && !obj.built) {
    obj.built = true;
    const tupleOf = (s: SymbolicShape): Val => ({ k: 'seq', items: s.map((d) => (typeof d === 'number' ? ({ k: 'int', v: d } as Val) : NONE)), list: false });
    const shape = input?.k === 'tensor' && input.t.shape ? input.t.shape : null;
    // Several inputs: build() gets the list of their shapes.
    const several = input?.k === 'seq' && input.items.every((i) => i.k === 'tensor' && i.t.shape) ? input.items : undefined;
    const shapeVal: Val = shape
      ? tupleOf(shape)
      : several
        ? { k: 'seq', items: several.map((i) => tupleOf((i as Extract<Val, { k: 'tensor' }>).t.shape as SymbolicShape)), list: true }
        : unknown('input shape not known');
    interp.callFunction(build, withSelf(self, { positional: [shapeVal], keywords: new Map(), syntax: [] }));
  }
  const call = method(obj.cls, 'call');
  const functional = obj.attrs.get('__functional__');
  if (!call && functional?.k === 'model' && input?.k === 'tensor') {
    // A subclass built with super().__init__(inputs, outputs): applied like that functional model.
    return { k: 'tensor', t: applyModelLike(interp, functional, input.t, expression) };
  }
  if (!call) return unknown(`${obj.cls.name} has no call() method the analysis can see`);
  obj.called = true;
  const out = interp.callFunction(call, withSelf(self, args));
  obj.attrs.set('__output__', out);
  if (record && (out.k === 'tensor' || input?.k === 'tensor')) {
    const inputs: Tensor[] = input?.k === 'tensor' ? [input.t] : [];
    interp.recordCustom(obj, inputs, out, expression, calleeName);
  }
  return out;
}

/** Keras' own methods called on a subclassed model or layer. */
export function callKerasMethod(interp: Interpreter, obj: Instance, name: string, args: CallArgs, e: CallExpr): Val {
  if (name === 'build') {
    const shapeVal = args.positional[0] ?? args.keywords.get('input_shape');
    const dimsOf = (v: Val): Shape | null => (v.k === 'seq' ? v.items.map((d) => (d.k === 'int' ? d.v : null)) : null);
    // A list of shapes builds a model whose call() takes a list of tensors (Keras maps the
    // structure of shapes to one of symbolic tensors).
    if (shapeVal?.k === 'seq' && shapeVal.items.length > 0 && shapeVal.items.every((i) => i.k === 'seq')) {
      const xs: Val = { k: 'seq', items: shapeVal.items.map((i): Val => ({ k: 'tensor', t: { shape: dimsOf(i) } })), list: true };
      callInstance(interp, obj, { positional: [xs], keywords: new Map(), syntax: [] }, e.span, e.span);
      return NONE;
    }
    buildInstance(interp, obj, shapeVal ? dimsOf(shapeVal) : null, e.span);
    return NONE;
  }
  if (name === 'add_weight' || name === 'add_variable') {
    // A weight is a tensor of the declared shape (kernels for tf.nn.conv2d in call()). Keras 3
    // takes shape first; Keras 2 took name first.
    const a = args.positional;
    const shapeVal = args.keywords.get('shape') ?? (a[0]?.k === 'str' ? a[1] : a[0]);
    if (!shapeVal || shapeVal.k === 'none') return { k: 'tensor', t: { shape: [] } };
    const dims = iterate(shapeVal);
    if (!dims) return { k: 'tensor', t: { shape: null, why: 'a weight whose shape the analysis cannot see' } };
    return { k: 'tensor', t: { shape: dims.map((d) => (d.k === 'int' ? d.v : null)) } };
  }
  if (['summary', 'compile', 'fit', 'evaluate', 'save', 'save_weights', 'load_weights', 'train_on_batch'].includes(name)) return NONE;
  return unknown(`${obj.cls.name}.${name}() is not followed`);
}

/** `model.build((None, 32, 32, 3))` on a subclassed model runs call() on that shape. */
export function buildInstance(interp: Interpreter, obj: Instance, shape: Shape | null, at: SourceRange): Val {
  const x: Val = { k: 'tensor', t: shape ? { shape } : { shape: null, why: 'built with a shape the analysis cannot see' } };
  return callInstance(interp, obj, { positional: [x], keywords: new Map(), syntax: [] }, at, at);
}
