// The interpreter's values: Python constants and containers, plus what Keras code passes
// around (tensors with shapes, layer objects, models, namespaces). Plain data; no evaluation.
import type { ArgReport, SourceRange } from '../analysis-types';
import type { PyValue, SymbolicShape } from '../engine/types';
import type { BackboneResult } from '../engine/index';
import type { Param, Stmt } from './ast';
import type { Scope } from './scope';
import type { CallArgs } from './interpreter';

/** Where a tensor came from: the layer expression that produced it. */
export interface Origin {
  readonly range: SourceRange;
  /** e.g. `Conv2DTranspose (line 41)` */
  readonly label: string;
}

export interface Tensor {
  /** Sizes may be symbolic (`ceil(H/2)`) when an Input leaves them open. */
  shape: SymbolicShape | null;
  origin?: Origin;
  /** The layer where the tensor's rank last changed (for rank-mismatch messages). */
  rankOrigin?: Origin;
  /** Why the shape is unknown, when it is. */
  why?: string;
  /**
   * The elements of a 1-D int tensor whose values follow from shapes (`tf.shape(x)`): the
   * static sizes as ints, the others unknown. TensorFlow's shape inference folds these.
   */
  values?: Val[];
  /**
   * A keras.applications model's input, final output, or named layer's output: a functional
   * model cut from the backbone (`Model(base.input, base.get_layer(n).output)`) can then be
   * rebuilt for another input size, as Keras reruns the graph.
   */
  tap?: { model: BackboneModel; layer: string };
}

/** A layer object: constructed once, applied any number of times. */
export interface LayerObj {
  id: number;
  className: string;
  args: Record<string, PyValue>;
  argReports: ArgReport[];
  /** Keyword arguments only Sequential's first layer uses (input_shape, batch_input_shape, input_dim). */
  inputShapeHint?: SymbolicShape | null;
  /** Layers passed in as arguments (`TimeDistributed(Conv2D(...))`): their written arguments, by parameter. */
  nested?: Record<string, ArgReport[]>;
  /** Passed to a wrapper, which applies it: it needs no checks of its own at the end. */
  wrapped?: boolean;
  construct: SourceRange;
  name: SourceRange;
  /** The `name=` argument, when known. */
  layerName?: string;
  applications: number;
  /** The output of the latest application (`layer.output`). */
  lastOutput?: Tensor;
  /** Lambda's Python function and `arguments=`: traced on the input, as Keras infers the output. */
  lambda?: { fn: Val; arguments?: Val };
  /** TimeDistributed around a model or custom layer (the engine only knows built-in layers). */
  wrappedModel?: Val;
}

/** One entry of a Sequential: a layer, a nested model, or something the analysis cannot see. */
export interface SequentialItem {
  item: Val;
  /** The source of the entry (list item or model.add argument): where its hint goes. */
  expression: SourceRange;
  via: 'sequential' | 'model-add';
}

export interface SequentialModel {
  kind: 'sequential';
  /** Entries already applied to the model's input, in order. */
  items: SequentialItem[];
  /** Entries added while the input shape was not known yet. */
  pending: SequentialItem[];
  input?: Tensor;
  output?: Tensor;
}

export interface FunctionalModel {
  kind: 'functional';
  inputs: Val;
  outputs: Val;
}

/** A keras.applications model (ResNet50, MobileNetV2, ...): the engine knows its layers. */
export interface BackboneModel {
  kind: 'backbone';
  name: string;
  args: Record<string, PyValue>;
  built: BackboneResult;
  input: Tensor;
  output: Tensor;
}

export type ModelObj = SequentialModel | FunctionalModel | BackboneModel;

export interface FuncVal {
  name: string;
  params: Param[];
  /** Defaults evaluated where the function was defined (Python semantics). */
  defaults: Map<string, Val>;
  body: Stmt[];
  closure: Scope;
  /** Lambdas: a single expression body. */
  lambda?: import('./ast').Expr;
  /** Shapes declared for parameters with `# shapewise: x=(None, 128, 128, 3)` on the def line. */
  declared?: Map<string, SymbolicShape>;
  /** Decorated with @property: reading the attribute calls it. */
  property?: boolean;
}

/** A class defined in the file: Keras Model/Layer subclasses and plain Python classes. */
export interface ClassVal {
  name: string;
  /** 'model' / 'layer' when it derives from keras.Model / keras.layers.Layer. */
  keras?: 'model' | 'layer';
  bases: ClassVal[];
  /** Class-body bindings: methods (functions) and class attributes. */
  attrs: Map<string, Val>;
  nameSpan: SourceRange;
}

/** An instance of a class defined in the file. */
export interface Instance {
  cls: ClassVal;
  attrs: Map<string, Val>;
  /** The instantiation `Net(...)`, where the instance's own hint goes when it is applied. */
  construct: SourceRange;
  /** Keras calls build() once, before the first call(). */
  built: boolean;
  applications: number;
  /** Whether call() has run; if not, declared shapes may run it at the end. */
  called: boolean;
}

export type Val =
  | { k: 'int'; v: number }
  | { k: 'float'; v: number }
  | { k: 'str'; v: string }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'seq'; items: Val[]; list: boolean }
  | { k: 'dict'; entries: Map<string, Val> }
  | { k: 'tensor'; t: Tensor }
  | { k: 'layer'; layer: LayerObj }
  | { k: 'model'; model: ModelObj }
  | { k: 'func'; fn: FuncVal }
  /** A module or a name inside one: ['keras', 'layers', 'Conv2D'], ['numpy'], ... */
  | { k: 'ns'; path: string[]; /** Attributes read so far, one Val per name (keras-runtime childNamespace). */ children?: Map<string, Val> }
  /** A bound method of a value (list.append, model.add, ...). */
  | { k: 'method'; self: Val; name: string }
  | { k: 'class'; cls: ClassVal }
  | { k: 'instance'; obj: Instance }
  /** A method of a class defined in the file, bound to its instance. */
  | { k: 'bound'; fn: FuncVal; self: Val }
  /** `lo:hi:step` inside a subscript. */
  | { k: 'slice'; lo: Val; hi: Val; step: Val }
  /** functools.partial(fn, *args, **kwargs): `Conv = partial(layers.Conv2D, padding="same")`. */
  | { k: 'partial'; fn: Val; args: CallArgs }
  | { k: 'unknown'; why: string };

export const NONE: Val = { k: 'none' };
const PY_NONE: PyValue = { kind: 'none' };

export function unknown(why: string): Val {
  return { k: 'unknown', why };
}

export function int(v: number): Val {
  return { k: 'int', v };
}

export function tuple(items: Val[]): Val {
  return { k: 'seq', items, list: false };
}

/** Engine forms of immutable values (constants, tuples), made once per value. */
const pyValues = new WeakMap<Val, PyValue>();

/**
 * Scalars' engine forms by value: a computed number (`base * 2 ** d`) is a new Val at every
 * evaluation, which a WeakMap by Val never finds again (and every entry is GC work).
 */
const SCALARS_MAX = 4096;
const pyInts = new Map<number, PyValue>();
const pyFloats = new Map<number, PyValue>();
const pyStrs = new Map<string, PyValue>();
const PY_TRUE: PyValue = { kind: 'bool', value: true };
const PY_FALSE: PyValue = { kind: 'bool', value: false };

function scalar<K>(map: Map<K, PyValue>, key: K, make: (key: K) => PyValue): PyValue {
  let p = map.get(key);
  if (p === undefined) {
    if (map.size >= SCALARS_MAX) map.clear();
    map.set(key, (p = make(key)));
  }
  return p;
}

const makeInt = (value: number): PyValue => ({ kind: 'int', value });
const makeFloat = (value: number): PyValue => ({ kind: 'float', value });
const makeStr = (value: string): PyValue => ({ kind: 'str', value });

/** Converts to the engine's constant vocabulary; tensors and objects become unknown. */
export function toPyValue(v: Val, depth = 0): PyValue {
  switch (v.k) {
    case 'bool':
      return v.v ? PY_TRUE : PY_FALSE;
    // A Map does not tell -0 from 0: -0 goes by Val, as before.
    case 'int':
      if (!Object.is(v.v, -0)) return scalar(pyInts, v.v, makeInt);
      break;
    case 'float':
      if (!Object.is(v.v, -0)) return scalar(pyFloats, v.v, makeFloat);
      break;
    case 'str':
      // Short texts only (a long one would only be kept alive here).
      if (v.v.length <= 64) return scalar(pyStrs, v.v, makeStr);
      break;
    case 'seq':
      if (v.list) return convert(v, depth);
      break;
    default:
      return convert(v, depth);
  }
  let p = pyValues.get(v);
  if (p === undefined) {
    p = convert(v, depth);
    pyValues.set(v, p);
  }
  return p;
}

function convert(v: Val, depth: number): PyValue {
  switch (v.k) {
    case 'int':
      return { kind: 'int', value: v.v };
    case 'float':
      return { kind: 'float', value: v.v };
    case 'str':
      return { kind: 'str', value: v.v };
    case 'bool':
      return { kind: 'bool', value: v.v };
    case 'none':
      return PY_NONE;
    case 'seq':
      if (depth > 8) return { kind: 'unknown', reason: 'nested too deeply' };
      return { kind: 'seq', items: v.items.map((i) => toPyValue(i, depth + 1)), list: v.list };
    case 'unknown':
      return { kind: 'unknown', reason: v.why };
    case 'layer':
      return { kind: 'layer', call: { className: v.layer.className, args: v.layer.args } };
    case 'tensor':
      // A shape tensor (tf.shape(x), tf.stack of sizes) passed where an op wants a list of ints.
      if (v.t.values) return { kind: 'seq', items: v.t.values.map((i) => toPyValue(i, depth + 1)), list: true };
      return { kind: 'unknown', reason: `not a constant (${describe(v)})` };
    default:
      return { kind: 'unknown', reason: `not a constant (${describe(v)})` };
  }
}

/** Python truthiness, or undefined when it cannot be known. */
export function truthy(v: Val): boolean | undefined {
  switch (v.k) {
    case 'int':
    case 'float':
      return v.v !== 0;
    case 'str':
      return v.v.length > 0;
    case 'bool':
      return v.v;
    case 'none':
      return false;
    case 'seq':
      return v.items.length > 0;
    case 'dict':
      return v.entries.size > 0;
    case 'layer':
    case 'model':
    case 'func':
    case 'ns':
    case 'tensor':
    case 'method':
    case 'class':
    case 'instance':
    case 'bound':
      return v.k === 'tensor' ? undefined : true;
    default:
      return undefined;
  }
}

export function isNumber(v: Val): v is { k: 'int'; v: number } | { k: 'float'; v: number } | { k: 'bool'; v: boolean } {
  return v.k === 'int' || v.k === 'float' || v.k === 'bool';
}

export function numberOf(v: Val): number {
  return v.k === 'bool' ? (v.v ? 1 : 0) : (v as { v: number }).v;
}

/** Structural equality of constants; undefined when either side is not a constant. */
export function constEquals(a: Val, b: Val): boolean | undefined {
  if (isNumber(a) && isNumber(b)) return numberOf(a) === numberOf(b);
  if (a.k === 'str' && b.k === 'str') return a.v === b.v;
  if (a.k === 'none' || b.k === 'none') {
    if (a.k === 'unknown' || b.k === 'unknown') return undefined;
    return a.k === b.k;
  }
  if (a.k === 'seq' && b.k === 'seq') {
    if (a.items.length !== b.items.length) return false;
    for (let i = 0; i < a.items.length; i++) {
      const e = constEquals(a.items[i], b.items[i]);
      if (e !== true) return e;
    }
    return true;
  }
  if ((a.k === 'str' && isNumber(b)) || (b.k === 'str' && isNumber(a))) return false;
  return undefined;
}

export function shapesEqual(a: SymbolicShape | null, b: SymbolicShape | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The value after an if/else whose branch the analysis cannot decide. */
export function mergeVals(a: Val, b: Val, why: string): Val {
  if (a === b) return a;
  if (a.k === 'tensor' && b.k === 'tensor') {
    if (shapesEqual(a.t.shape, b.t.shape)) return a;
    if (a.t.shape && b.t.shape && a.t.shape.length === b.t.shape.length) {
      // Same rank: keep the dimensions both branches agree on.
      const shape = a.t.shape.map((d, i) => (d === (b.t.shape as SymbolicShape)[i] ? d : null));
      return { k: 'tensor', t: { shape, origin: a.t.origin, rankOrigin: a.t.rankOrigin, why } };
    }
    return { k: 'tensor', t: { shape: null, why } };
  }
  if (constEquals(a, b) === true) return a;
  if (a.k === 'layer' && b.k === 'layer' && a.layer === b.layer) return a;
  if (a.k === 'instance' && b.k === 'instance' && a.obj === b.obj) return a;
  return unknown(why);
}

export function describe(v: Val): string {
  switch (v.k) {
    case 'tensor':
      return 'a tensor';
    case 'layer':
      return `a ${v.layer.className} layer`;
    case 'model':
      return 'a model';
    case 'func':
      return `function ${v.fn.name}`;
    case 'ns':
      return v.path.join('.');
    case 'method':
      return `method ${v.name}`;
    case 'class':
      return `class ${v.cls.name}`;
    case 'instance':
      return `a ${v.obj.cls.name} object`;
    case 'bound':
      return `method ${v.fn.name}`;
    case 'dict':
      return 'a dict';
    case 'unknown':
      return 'an unknown value';
    default:
      return v.k;
  }
}
