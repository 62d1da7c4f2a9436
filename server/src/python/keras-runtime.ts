// What calls on Keras (and TF/NumPy) names mean to the interpreter: which object a constructor
// builds, the shape helpers model code uses, and attribute access on tensors, layers, models.
import { layerInputKind } from '../engine/index';
import type { EngineOptions, SymbolicShape } from '../engine/types';
import type { Expr } from './ast';
import { iterate } from './builtins';
import { classAttr, instanceAttr } from './classes';
import { applyLayerCached } from './engine-cache';
import type { CallArgs, Interpreter } from './interpreter';
import { normaliseModulePath, resolveSymbol } from './keras-names';
import { applyInputLayer, applyLayerCall, constructLayer } from './layer-calls';
import { makeBackbone, makeSequential } from './models';
import { applyOpCall } from './op-calls';
import { binaryOp, compareOp, tensorArithmetic } from './operators';
import { describe, isNumber, NONE, numberOf, truthy, unknown, type LayerObj, type SequentialModel, type Tensor, type Val } from './values';

export interface KerasState {
  options: EngineOptions;
  sequentials: SequentialModel[];
  /** The recorder's mark when each Sequential was made (marks.ts). */
  sequentialMarks: number[];
  /** Layers built so far; the ones never applied get their argument checks at the end. */
  constructed: LayerObj[];
  /** Layers built with `name=...`, for `model.get_layer(name)`. */
  namedLayers: Map<string, LayerObj>;
}

type CallExpr = Extract<Expr, { t: 'call' }>;

// ---------------------------------------------------------------- calls on Keras names

/** The last name of a normalised path (`Input` for `keras.layers.Input`), kept per shared path. */
const lastNames = new WeakMap<string[], string>();
function lastName(path: string[]): string {
  let last = lastNames.get(path);
  if (last === undefined) {
    last = normaliseModulePath(path).at(-1) ?? '';
    lastNames.set(path, last);
  }
  return last;
}

export function callKeras(interp: Interpreter, path: string[], args: CallArgs, e: CallExpr): Val {
  const sym = resolveSymbol(path);
  switch (sym.kind) {
    case 'layer': {
      const layer = constructLayer(interp, sym.className, args, e);
      if (layerInputKind(sym.className) === 'none' && lastName(path) === 'Input') return { k: 'tensor', t: applyInputLayer(interp, layer, e.span) };
      return { k: 'layer', layer };
    }
    case 'op':
      return applyOpCall(interp, sym.name, args, e, sym.label);
    case 'backbone':
      return makeBackbone(interp, sym.name, args, e);
    case 'sequential':
      return makeSequential(interp, args, e);
    case 'model':
      return {
        k: 'model',
        model: {
          kind: 'functional',
          inputs: args.positional[0] ?? args.keywords.get('inputs') ?? unknown('no inputs given'),
          outputs: args.positional[1] ?? args.keywords.get('outputs') ?? unknown('no outputs given'),
        },
      };
    case 'merge-fn': {
      const inputs = args.positional[0] ?? args.keywords.get('inputs');
      const rest: CallArgs = {
        ...args,
        positional: args.positional.slice(1),
        syntax: args.syntax.filter((a, i) => !(i === 0 && a.name === undefined && !a.star) && a.name !== 'inputs'),
      };
      rest.keywords = new Map(args.keywords);
      rest.keywords.delete('inputs');
      const layer = constructLayer(interp, sym.className, rest, e);
      return applyLayerCall(interp, layer, { positional: inputs ? [inputs] : [], keywords: new Map(), syntax: [] }, e.span, 'merge-function');
    }
    case 'int-shape': {
      const t = args.positional[0];
      return t?.k === 'tensor' ? shapeTuple(t.t) : unknown('int_shape of a value that is not a known tensor');
    }
    case 'dynamic-shape': {
      // Inside a layer's call() a None size is a run-time tensor, not None: leave it unknown.
      const t = args.positional[0] ?? args.keywords.get('x');
      if (t?.k !== 'tensor' || !t.t.shape) return unknown(`${path.join('.')}(...) of a value whose shape is not known`);
      return {
        k: 'seq',
        items: t.t.shape.map((d) => (typeof d === 'number' ? ({ k: 'int', v: d } as Val) : unknown('a size only known when the model runs'))),
        list: false,
      };
    }
    case 'set-data-format': {
      const v = args.positional[0] ?? args.keywords.get('data_format');
      if (v?.k === 'str' && (v.v === 'channels_last' || v.v === 'channels_first')) interp.keras.options.defaultDataFormat = v.v;
      return NONE;
    }
    case 'dataset':
      return loadDataset(interp, sym.name);
    case 'get-data-format':
      return { k: 'str', v: interp.keras.options.defaultDataFormat };
    case 'tensor-factory':
      return tensorFactory(args, sym.shapeArg);
    case 'variable': {
      // A variable has the shape of its initial value, or the `shape=` it is given.
      const init = args.positional[0] ?? args.keywords.get('initial_value') ?? args.keywords.get('initializer');
      if (init?.k === 'tensor') return { k: 'tensor', t: { shape: init.t.shape, why: init.t.why } };
      const shape = args.keywords.get('shape') ?? args.positional[1];
      if (shape && iterate(shape)) return tensorFactory({ ...args, positional: [shape] }, 'first');
      return { k: 'tensor', t: { shape: null, why: 'a variable whose initial value the analysis cannot see' } };
    }
    case 'elementwise': {
      const x = args.positional[0] ?? args.keywords.get('x') ?? args.keywords.get('features');
      if (x?.k === 'tensor') return { k: 'tensor', t: { ...x.t } };
      return x && x.k !== 'unknown' ? x : unknown(`${path.join('.')}(...) of a value the analysis cannot see`);
    }
    case 'binary': {
      const a = args.positional[0] ?? args.keywords.get('x') ?? args.keywords.get('x1');
      const b = args.positional[1] ?? args.keywords.get('y') ?? args.keywords.get('x2');
      if (!a || !b) return unknown(`${path.join('.')}(...) needs two operands`);
      if (a.k === 'tensor' || b.k === 'tensor') return tensorArithmetic(a, b, sym.op === 'max' || sym.op === 'min' ? '' : sym.op);
      if (sym.op === 'max' || sym.op === 'min') return mathCall(sym.op === 'max' ? 'maximum' : 'minimum', args);
      return binaryOp(sym.op, a, b);
    }
    case 'compare': {
      const a = args.positional[0] ?? args.keywords.get('x') ?? args.keywords.get('x1');
      const b = args.positional[1] ?? args.keywords.get('y') ?? args.keywords.get('x2');
      if (!a || !b) return unknown(`${path.join('.')}(...) needs two operands`);
      if (a.k === 'tensor' || b.k === 'tensor') return tensorArithmetic(a, b);
      const r = compareOp(sym.op, a, b);
      return r === undefined ? unknown(`${path.join('.')}(...) of values the analysis cannot compare`) : { k: 'bool', v: r };
    }
    case 'where': {
      const [cond, x, y] = [args.positional[0] ?? args.keywords.get('condition'), args.positional[1] ?? args.keywords.get('x'), args.positional[2] ?? args.keywords.get('y')];
      // With one argument it lists the indices of the true elements: how many is a run-time fact.
      if (!x || !y) return { k: 'tensor', t: { shape: cond?.k === 'tensor' && cond.t.shape ? [null, cond.t.shape.length] : null, why: 'the number of true elements is only known when the model runs' } };
      if (!cond) return unknown(`${path.join('.')}(...) without a condition`);
      const xy = x.k === 'tensor' || y.k === 'tensor' ? tensorArithmetic(x, y) : x;
      return cond.k === 'tensor' || xy.k === 'tensor' ? tensorArithmetic(cond, xy) : unknown(`${path.join('.')}(...) of values that are not tensors`);
    }
    case 'correct-pad':
      return correctPad(interp, args);
    case 'repeat':
      return repeatAlong(args);
    case 'pix2pix-block':
      return pix2pixBlock(interp, sym.up, args, e);
    case 'math':
      return mathCall(sym.name, args);
    case 'range':
      return rangeTensor(args);
    default:
      return unknown(`${path.join('.')}(...) is not analysed`);
  }
}

function tensorFactory(args: CallArgs, shapeArg: 'shape' | 'first' | 'dims'): Val {
  const dims = shapeArg === 'dims' ? args.positional : iterate(args.positional[0] ?? args.keywords.get('shape') ?? NONE);
  if (!dims) {
    const one = args.positional[0];
    if (one?.k === 'int') return { k: 'tensor', t: { shape: [one.v] } };
    return { k: 'tensor', t: { shape: null, why: 'created with a shape the analysis cannot see' } };
  }
  const shape: SymbolicShape = dims.map((d) => (d.k === 'int' ? d.v : null));
  return { k: 'tensor', t: { shape } };
}

/**
 * imagenet_utils.correct_pad: the ZeroPadding2D pads that make a stride-2 'valid' conv act like
 * 'same' ((k//2 - adjust, k//2) per axis, adjust = 1 - size % 2, or 1 for an unknown size).
 */
function correctPad(interp: Interpreter, args: CallArgs): Val {
  const x = args.positional[0] ?? args.keywords.get('inputs');
  const k = args.positional[1] ?? args.keywords.get('kernel_size');
  const ks = k?.k === 'int' ? [k.v, k.v] : k ? iterate(k)?.map((v) => (v.k === 'int' ? v.v : null)) : undefined;
  if (x?.k !== 'tensor' || !x.t.shape || !ks || ks.length !== 2 || ks.some((v) => v === null)) return unknown('correct_pad() of values the analysis cannot see');
  const first = interp.keras.options.defaultDataFormat === 'channels_first' ? 2 : 1;
  const sizes = [x.t.shape[first], x.t.shape[first + 1]];
  if (sizes.some((d) => typeof d === 'string')) return unknown('correct_pad() of a symbolic size');
  const pairs = sizes.map((d, i) => {
    const half = Math.floor((ks[i] as number) / 2);
    const adjust = typeof d === 'number' ? 1 - (d % 2) : 1;
    return { k: 'seq', items: [{ k: 'int', v: half - adjust }, { k: 'int', v: half }], list: false } as Val;
  });
  return { k: 'seq', items: pairs, list: false };
}

/**
 * tensorflow_examples.models.pix2pix upsample(filters, size, norm_type, apply_dropout) and
 * downsample(filters, size, norm_type, apply_norm), as that library builds them: a Sequential
 * of a stride-2 'same' (transposed) convolution, a normalisation, optional dropout, an activation.
 */
function pix2pixBlock(interp: Interpreter, up: boolean, args: CallArgs, e: CallExpr): Val {
  const a = args.positional;
  const kw = (name: string, i: number): Val | undefined => args.keywords.get(name) ?? a[i];
  const filters = kw('filters', 0) ?? unknown('filters not given');
  const size = kw('size', 1) ?? unknown('size not given');
  const norm = kw('norm_type', 2);
  const flag = kw(up ? 'apply_dropout' : 'apply_norm', 3);
  const call = (positional: Val[], keywords: [string, Val][] = []): CallArgs => ({ positional, keywords: new Map(keywords), syntax: [] });
  const str = (v: string): Val => ({ k: 'str', v });
  const entries: Val[] = [
    {
      k: 'layer',
      layer: constructLayer(interp, up ? 'Conv2DTranspose' : 'Conv2D', call([filters, size], [['strides', { k: 'int', v: 2 }], ['padding', str('same')], ['use_bias', { k: 'bool', v: false }]]), e),
    },
  ];
  const normalise = up ? true : flag === undefined ? true : truthy(flag);
  if (normalise === undefined) return unknown('whether the block normalises is not known');
  const normName = norm?.k === 'str' ? norm.v.toLowerCase() : norm === undefined ? 'batchnorm' : undefined;
  if (normalise && normName === undefined) return unknown('norm_type is not known');
  if (normalise && normName === 'batchnorm') entries.push({ k: 'layer', layer: constructLayer(interp, 'BatchNormalization', call([]), e) });
  if (normalise && normName === 'instancenorm') entries.push({ k: 'layer', layer: constructLayer(interp, 'InstanceNormalization', call([]), e) });
  if (up && flag !== undefined && truthy(flag) === true) entries.push({ k: 'layer', layer: constructLayer(interp, 'Dropout', call([{ k: 'float', v: 0.5 }]), e) });
  entries.push({ k: 'layer', layer: constructLayer(interp, up ? 'ReLU' : 'LeakyReLU', call([]), e) });
  return makeSequential(interp, call([{ k: 'seq', items: entries, list: true }]), e);
}

/** `repeat_elements(x, rep, axis)`: that axis times rep (no axis: flattened, times rep). */
function repeatAlong(args: CallArgs): Val {
  const x = args.positional[0] ?? args.keywords.get('x') ?? args.keywords.get('input');
  const rep = args.positional[1] ?? args.keywords.get('rep') ?? args.keywords.get('repeats');
  const axis = args.positional[2] ?? args.keywords.get('axis');
  if (x?.k !== 'tensor' || !x.t.shape) return { k: 'tensor', t: { shape: null, why: 'repeat of a tensor whose shape is not known' } };
  const shape = x.t.shape;
  const times = rep?.k === 'int' ? rep.v : null;
  if (!axis || axis.k === 'none') {
    const all = shape.every((d) => typeof d === 'number') ? (shape as number[]).reduce((p, d) => p * d, 1) : null;
    return { k: 'tensor', t: { shape: [all !== null && times !== null ? all * times : null] } };
  }
  if (axis.k !== 'int' || axis.v < -shape.length || axis.v >= shape.length) return { k: 'tensor', t: { shape: null, why: 'repeat along an axis the analysis cannot see' } };
  const i = axis.v < 0 ? axis.v + shape.length : axis.v;
  const d = shape[i];
  const out = [...shape];
  out[i] = typeof d === 'number' && times !== null ? d * times : null;
  return { k: 'tensor', t: { shape: out, origin: x.t.origin, rankOrigin: x.t.rankOrigin } };
}

/** `tf.range(start, limit, delta)` (or `range(limit)`): length max(0, ceil((limit - start) / delta)). */
function rangeTensor(args: CallArgs): Val {
  const p = args.positional;
  const kw = (...names: string[]): Val | undefined => names.map((n) => args.keywords.get(n)).find((v) => v !== undefined);
  let start = p[0] ?? kw('start');
  let limit = p[1] ?? kw('limit', 'stop');
  const delta = p[2] ?? kw('delta', 'step') ?? ({ k: 'int', v: 1 } as Val);
  if (limit === undefined || limit.k === 'none') [start, limit] = [{ k: 'int', v: 0 }, start];
  if (!start || !limit || !isNumber(start) || !isNumber(limit) || !isNumber(delta) || numberOf(delta) === 0) {
    return { k: 'tensor', t: { shape: [null], why: 'a range whose bounds the analysis cannot see' } };
  }
  const n = Math.max(0, Math.ceil((numberOf(limit) - numberOf(start)) / numberOf(delta)));
  return { k: 'tensor', t: { shape: [n] } };
}

function mathCall(name: string, args: CallArgs): Val {
  const a = args.positional;
  const x = a[0] && isNumber(a[0]) ? numberOf(a[0]) : undefined;
  switch (name) {
    case 'ceil':
      return x === undefined ? unknown('math.ceil()') : { k: 'int', v: Math.ceil(x) };
    case 'floor':
      return x === undefined ? unknown('math.floor()') : { k: 'int', v: Math.floor(x) };
    case 'sqrt':
      return x === undefined || x < 0 ? unknown('math.sqrt()') : { k: 'float', v: Math.sqrt(x) };
    case 'maximum':
    case 'minimum': {
      const y = a[1] && isNumber(a[1]) ? numberOf(a[1]) : undefined;
      if (x === undefined || y === undefined || !a[0] || !a[1]) return unknown(`${name}()`);
      const pick = (name === 'maximum' ? x >= y : x <= y) ? a[0] : a[1];
      return a[0].k === 'float' || a[1].k === 'float' ? { k: 'float', v: numberOf(pick) } : pick;
    }
    case 'log2':
      return x === undefined || x <= 0 ? unknown('math.log2()') : { k: 'float', v: Math.log2(x) };
    case 'prod': {
      const items = a[0] ? iterate(a[0]) : undefined;
      if (!items) return unknown('prod() of values the analysis cannot see');
      let p = 1;
      let isFloat = false;
      for (const it of items) {
        if (!isNumber(it)) return unknown('prod() of values the analysis cannot see');
        if (it.k === 'float') isFloat = true;
        p *= numberOf(it);
      }
      return isFloat ? { k: 'float', v: p } : { k: 'int', v: p };
    }
    default:
      return unknown(`${name}() is not followed`);
  }
}

export function callLayerMethod(interp: Interpreter, layer: LayerObj, name: string, args: CallArgs): Val {
  if (name === 'compute_output_shape') {
    const dims = args.positional[0] ? iterate(args.positional[0]) : undefined;
    if (!dims) return unknown('compute_output_shape of a shape the analysis cannot see');
    const shape = dims.map((d) => (d.k === 'int' ? d.v : null));
    const result = applyLayerCached({ className: layer.className, args: layer.args }, [shape], interp.keras.options);
    return result.output ? shapeTuple({ shape: result.output }) : unknown(result.unknownReason ?? 'not determined');
  }
  return unknown(`${layer.className}.${name}() is not followed`);
}

/**
 * keras.datasets image sets: ((x_train, y_train), (x_test, y_test)) with the shapes Keras
 * documents; CIFAR images are channels-first when the configured data format is.
 */
function loadDataset(interp: Interpreter, name: string): Val {
  const arrays = (train: SymbolicShape[], test: SymbolicShape[]): Val => {
    const pair = (shapes: SymbolicShape[]): Val => ({ k: 'seq', items: shapes.map((shape) => ({ k: 'tensor', t: { shape } }) as Val), list: false });
    return { k: 'seq', items: [pair(train), pair(test)], list: false };
  };
  if (name === 'mnist' || name === 'fashion_mnist') return arrays([[60000, 28, 28], [60000]], [[10000, 28, 28], [10000]]);
  if (name === 'cifar10' || name === 'cifar100') {
    const img = (n: number): SymbolicShape => (interp.keras.options.defaultDataFormat === 'channels_first' ? [n, 3, 32, 32] : [n, 32, 32, 3]);
    return arrays([img(50000), [50000, 1]], [img(10000), [10000, 1]]);
  }
  return unknown(`keras.datasets.${name}.load_data() is not followed`);
}

/** NumPy array / eager tensor methods that the analysis follows (data prepared for a model). */
const TENSOR_METHODS = new Set(['astype', 'numpy', 'copy', 'reshape']);

/** `arr.astype('float32')`, `arr.reshape(n, 28, 28, 1)`: the array's new shape. */
export function callTensorMethod(t: Tensor, name: string, args: CallArgs): Val {
  if (name === 'astype' || name === 'numpy' || name === 'copy') return { k: 'tensor', t: { ...t, values: undefined } };
  if (name === 'reshape') {
    const a = args.positional;
    const dimsVal = a.length === 1 && a[0]?.k !== 'int' ? iterate(a[0]) : a.length > 0 ? a : iterate(args.keywords.get('shape') ?? NONE);
    if (!dimsVal) return { k: 'tensor', t: { shape: null, why: 'reshaped to a shape the analysis cannot see' } };
    const dims = dimsVal.map((d) => (d.k === 'int' ? d.v : null));
    const minus = dims.filter((d) => d === -1).length;
    const known = t.shape && t.shape.every((d) => typeof d === 'number') ? (t.shape as number[]).reduce((p, d) => p * d, 1) : null;
    const rest = dims.every((d) => d !== null) ? (dims as number[]).filter((d) => d !== -1).reduce((p, d) => p * d, 1) : null;
    const out = dims.map((d) => (d === -1 ? (minus === 1 && known !== null && rest !== null && rest > 0 && known % rest === 0 ? known / rest : null) : d));
    return { k: 'tensor', t: { shape: out } };
  }
  return unknown(`tensor.${name}() is not followed`);
}

export function shapeTuple(t: Tensor): Val {
  if (!t.shape) return unknown(t.why ?? 'shape not known');
  // An open size is None in Keras; here it stays unknown, with the symbol as the reason.
  return {
    k: 'seq',
    // A null size past the batch axis may be one the analysis lost, not Keras' None: it stays
    // unknown, so `Reshape((x.shape[1], ...))` or `Dense(x.shape[-1])` raise no guessed error.
    items: t.shape.map((d, i) =>
      d === null ? (i === 0 ? NONE : unknown('a size the analysis does not know')) : typeof d === 'number' ? ({ k: 'int', v: d } as Val) : unknown(`the size ${d} depends on the input`),
    ),
    list: false,
  };
}

// ---------------------------------------------------------------- attributes

/**
 * `layers.Conv2D` is evaluated at every call: one object per name, reused, kept on the parent
 * (a WeakMap by parent cost more than the rest of the lookup).
 */
function childNamespace(parent: Extract<Val, { k: 'ns' }>, name: string): Val {
  let m = parent.children;
  if (!m) {
    m = new Map();
    parent.children = m;
  }
  let v = m.get(name);
  if (!v) {
    v = { k: 'ns', path: [...parent.path, name] };
    m.set(name, v);
  }
  return v;
}

export function attributeOf(obj: Val, name: string): Val {
  switch (obj.k) {
    case 'ns':
      return childNamespace(obj, name);
    case 'tensor':
      if (name === 'shape') return shapeTuple(obj.t);
      if (name === 'ndim') return obj.t.shape ? { k: 'int', v: obj.t.shape.length } : unknown('rank not known');
      if (name === 'get_shape') return { k: 'method', self: obj, name };
      if (TENSOR_METHODS.has(name)) return { k: 'method', self: obj, name };
      return unknown(`tensor.${name} is not followed`);
    case 'model': {
      const m = obj.model;
      if (m.kind === 'backbone') {
        if (name === 'output') return { k: 'tensor', t: m.output };
        if (name === 'input') return { k: 'tensor', t: m.input };
        if (name === 'outputs') return { k: 'seq', items: [{ k: 'tensor', t: m.output }], list: true };
        if (name === 'inputs') return { k: 'seq', items: [{ k: 'tensor', t: m.input }], list: true };
        if (name === 'output_shape') return shapeTuple(m.output);
        if (name === 'input_shape') return shapeTuple(m.input);
        if (name === 'name') return { k: 'str', v: m.built.modelName };
      } else if (m.kind === 'sequential') {
        if (name === 'output') return m.output ? { k: 'tensor', t: m.output } : unknown('the model has no input shape yet');
        if (name === 'input') return m.input ? { k: 'tensor', t: m.input } : unknown('the model has no input shape yet');
        if (name === 'outputs') return m.output ? { k: 'seq', items: [{ k: 'tensor', t: m.output }], list: true } : unknown('the model has no input shape yet');
        if (name === 'inputs') return m.input ? { k: 'seq', items: [{ k: 'tensor', t: m.input }], list: true } : unknown('the model has no input shape yet');
        if (name === 'output_shape') return m.output ? shapeTuple(m.output) : unknown('the model has no input shape yet');
        if (name === 'input_shape') return m.input ? shapeTuple(m.input) : unknown('the model has no input shape yet');
      } else {
        if (name === 'output' || name === 'outputs') return name === 'outputs' && m.outputs.k === 'tensor' ? { k: 'seq', items: [m.outputs], list: true } : m.outputs;
        if (name === 'input' || name === 'inputs') return name === 'inputs' && m.inputs.k === 'tensor' ? { k: 'seq', items: [m.inputs], list: true } : m.inputs;
        if (name === 'output_shape' && m.outputs.k === 'tensor') return shapeTuple(m.outputs.t);
        if (name === 'input_shape' && m.inputs.k === 'tensor') return shapeTuple(m.inputs.t);
      }
      // Sequential.layers: the added layers, without the Input (as Keras 3 lists them).
      if (name === 'layers' && m.kind === 'sequential') return { k: 'seq', items: [...m.items, ...m.pending].map((e) => e.item), list: true };
      if (name === 'layers') return unknown('model.layers is not followed');
      return { k: 'method', self: obj, name };
    }
    case 'layer':
      if (name === 'output') return obj.layer.lastOutput ? { k: 'tensor', t: obj.layer.lastOutput } : unknown('the layer has not been applied');
      if (name === 'name') return obj.layer.layerName ? { k: 'str', v: obj.layer.layerName } : unknown('layer name not known');
      return { k: 'method', self: obj, name };
    case 'seq':
    case 'str':
    case 'dict':
      return { k: 'method', self: obj, name };
    case 'class':
      return classAttr(obj.cls, name) ?? unknown(`${obj.cls.name}.${name} is not known`);
    case 'instance':
      return instanceAttr(obj.obj, name);
    case 'unknown':
      return obj;
    default:
      return unknown(`.${name} of ${describe(obj)} is not followed`);
  }
}
