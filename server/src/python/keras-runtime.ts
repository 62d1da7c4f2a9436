// What Keras calls mean to the interpreter: building layers, applying them to tensors
// (through the engine), Sequential and functional models, and the few Keras/NumPy/TF helpers
// model code uses for shapes.
import type { ApplicationKind, ArgReport, SourceRange } from '../analysis-types';
import { layerInputKind, layerSignature } from '../engine/index';
import { applyLayerCached as engineApply } from './engine-cache';
import type { EngineOptions, LayerResult, PyValue, Shape } from '../engine/types';
import type { Expr } from './ast';
import { iterate } from './builtins';
import { callInstance, classAttr, instanceAttr } from './classes';
import { argsOf, type CallArgs, type Interpreter } from './interpreter';
import { normaliseModulePath, resolveSymbol } from './keras-names';
import {
  describe,
  isNumber,
  NONE,
  numberOf,
  toPyValue,
  unknown,
  type LayerObj,
  type ModelObj,
  type SequentialItem,
  type SequentialModel,
  type Tensor,
  type Val,
} from './values';

export interface KerasState {
  options: EngineOptions;
  sequentials: SequentialModel[];
  /** Layers built so far; the ones never applied get their argument checks at the end. */
  constructed: Set<LayerObj>;
}

type CallExpr = Extract<Expr, { t: 'call' }>;

let nextLayerId = 1;

// ---------------------------------------------------------------- calls on Keras names

export function callKeras(interp: Interpreter, path: string[], args: CallArgs, e: CallExpr): Val {
  const sym = resolveSymbol(path);
  const last = normaliseModulePath(path).at(-1) ?? '';
  switch (sym.kind) {
    case 'layer': {
      const layer = constructLayer(interp, sym.className, args, e);
      if (layerInputKind(sym.className) === 'none' && last === 'Input') return applyInputLayer(interp, layer, e.span);
      return { k: 'layer', layer };
    }
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
      return applyLayerObj(interp, layer, inputs, e.span, 'merge-function');
    }
    case 'int-shape': {
      const t = args.positional[0];
      return t?.k === 'tensor' ? shapeTuple(t.t) : unknown('int_shape of a value that is not a known tensor');
    }
    case 'set-data-format': {
      const v = args.positional[0] ?? args.keywords.get('data_format');
      if (v?.k === 'str' && (v.v === 'channels_last' || v.v === 'channels_first')) interp.keras.options.defaultDataFormat = v.v;
      return NONE;
    }
    case 'tensor-factory':
      return tensorFactory(args, sym.shapeArg);
    case 'elementwise': {
      const x = args.positional[0] ?? args.keywords.get('x') ?? args.keywords.get('features');
      if (x?.k === 'tensor') return { k: 'tensor', t: { ...x.t } };
      return x && x.k !== 'unknown' ? x : unknown(`${path.join('.')}(...) of a value the analysis cannot see`);
    }
    case 'math':
      return mathCall(sym.name, args);
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
  const shape: Shape = dims.map((d) => (d.k === 'int' ? d.v : null));
  return { k: 'tensor', t: { shape } };
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

// ---------------------------------------------------------------- layers

function calleeNameRange(e: CallExpr): SourceRange {
  const fn = e.fn;
  if (fn.t === 'attr') return { ...fn.nameSpan };
  return { ...fn.span };
}

export function constructLayer(interp: Interpreter, className: string, args: CallArgs, e: CallExpr): LayerObj {
  const signature = layerSignature(className);
  const engineArgs: Record<string, PyValue> = {};
  args.positional.forEach((v, i) => {
    const name = signature[i];
    if (name) engineArgs[name] = toPyValue(v);
  });
  for (const [name, v] of args.keywords) engineArgs[name] = toPyValue(v);
  if (args.opaque) for (const name of signature) engineArgs[name] ??= { kind: 'unknown', reason: args.opaque };
  if (engineArgs.shape === undefined && engineArgs.input_shape !== undefined && layerInputKind(className) === 'none') {
    engineArgs.shape = engineArgs.input_shape;
  }

  const argReports: ArgReport[] = [];
  let pos = 0;
  let positionalKnown = true;
  for (const a of args.syntax) {
    if (a.star) {
      if (a.star === '*') positionalKnown = false;
      continue;
    }
    const range = { ...a.span };
    const valueRange = { ...a.value.span };
    if (a.name !== undefined) argReports.push({ name: a.name, keyword: true, range, valueRange });
    else argReports.push({ name: positionalKnown ? signature[pos++] : undefined, keyword: false, range, valueRange });
  }

  const nameVal = args.keywords.get('name');
  const layer: LayerObj = {
    id: nextLayerId++,
    className,
    args: engineArgs,
    argReports,
    inputShapeHint: inputShapeHint(args),
    construct: { ...e.span },
    name: calleeNameRange(e),
    layerName: nameVal?.k === 'str' ? nameVal.v : undefined,
    applications: 0,
  };
  interp.keras.constructed.add(layer);
  return layer;
}

/** `input_shape=` / `batch_input_shape=` / `input_dim=` on a Sequential's first layer. */
function inputShapeHint(args: CallArgs): Shape | null | undefined {
  const dimsOf = (v: Val): Shape | null => {
    const items = iterate(v);
    return items ? items.map((d) => (d.k === 'int' ? d.v : null)) : null;
  };
  const batch = args.keywords.get('batch_size');
  const batchDim = batch?.k === 'int' ? batch.v : null;
  const shape = args.keywords.get('input_shape');
  if (shape) {
    const dims = dimsOf(shape);
    return dims ? [batchDim, ...dims] : null;
  }
  const batchShape = args.keywords.get('batch_input_shape') ?? args.keywords.get('batch_shape');
  if (batchShape) return dimsOf(batchShape);
  const inputDim = args.keywords.get('input_dim');
  if (inputDim) return [batchDim, inputDim.k === 'int' ? inputDim.v : null];
  return undefined;
}

function toTensor(v: Val | undefined): Tensor {
  if (!v) return { shape: null, why: 'no input was passed' };
  if (v.k === 'tensor') return v.t;
  if (v.k === 'unknown') return { shape: null, why: v.why };
  return { shape: null, why: `the input is ${describe(v)}, not a tensor` };
}

/** Applies a layer to its input value (a tensor, or a list of tensors for merge layers). */
export function applyLayerObj(interp: Interpreter, layer: LayerObj, input: Val | undefined, expression: SourceRange, application: ApplicationKind): Val {
  const kind = layerInputKind(layer.className);
  let inputs: Tensor[];
  if (kind === 'list') {
    const items = input ? iterate(input) : undefined;
    inputs = items ? items.map(toTensor) : [toTensor(input)];
  } else if (input?.k === 'seq' && input.items.length === 1) inputs = [toTensor(input.items[0])];
  else inputs = [toTensor(input)];
  return { k: 'tensor', t: record(interp, layer, inputs, expression, application) };
}

function applyInputLayer(interp: Interpreter, layer: LayerObj, expression: SourceRange): Val {
  return { k: 'tensor', t: record(interp, layer, [], expression, 'input') };
}

function record(interp: Interpreter, layer: LayerObj, inputs: Tensor[], expression: SourceRange, application: ApplicationKind): Tensor {
  interp.budget.tick(10);
  const shapes = inputs.map((t) => t.shape);
  const result = withoutShapeOnError(engineApply({ className: layer.className, args: layer.args }, shapes, interp.keras.options));
  const rec = interp.recorder;
  rec.addLayer(
    {
      className: layer.className,
      construct: layer.construct,
      name: layer.name,
      args: layer.argReports,
      application,
      expression,
      hintAt: expression.end,
      inputs: shapes,
      result,
      applicationIndex: layer.applications++,
    },
    inputs,
  );
  const unknownInput = inputs.find((t) => t.shape === null);
  if (unknownInput) rec.addUnknown(expression, `input shape unknown: ${unknownInput.why ?? 'not determined by the code'}`);
  else if (result.output === null && result.unknownReason) rec.addUnknown(expression, result.unknownReason);
  const origin = rec.origin(layer.className, expression);
  const first = inputs[0];
  const rankChanged = !first || !first.shape || !result.output || first.shape.length !== result.output.length;
  const out: Tensor = {
    shape: result.output,
    origin,
    rankOrigin: rankChanged ? origin : first.rankOrigin,
    why: result.output === null ? (unknownInput?.why ?? result.unknownReason ?? 'not determined') : undefined,
  };
  layer.lastOutput = out;
  return out;
}

/** Codes at which Keras raises: the layer has no output to show, and nothing after it either. */
const FATAL = new Set(['invalid-layer-argument', 'non-positive-dimension', 'rank-mismatch', 'shape-mismatch']);

function withoutShapeOnError(result: LayerResult): LayerResult {
  const fatal = result.findings.find((f) => FATAL.has(f.code));
  if (!fatal || result.output === null) return result;
  return { ...result, output: null, unknownReason: `Keras raises an error at this layer (${fatal.code})` };
}

/** Calling a layer or a model object: `conv(x)`, `model(x)`. */
export function applyCallable(interp: Interpreter, fn: Extract<Val, { k: 'layer' } | { k: 'model' }>, args: CallArgs, e: CallExpr): Val {
  const input = args.positional[0] ?? args.keywords.get('inputs');
  if (fn.k === 'layer') return applyLayerObj(interp, fn.layer, input, e.span, 'functional');
  return applyModel(interp, fn.model, input, e.span);
}

// ---------------------------------------------------------------- models

function makeSequential(interp: Interpreter, args: CallArgs, e: CallExpr): Val {
  const seq: SequentialModel = { kind: 'sequential', items: [], pending: [] };
  interp.keras.sequentials.push(seq);
  const layersVal = args.positional[0] ?? args.keywords.get('layers');
  if (!layersVal || layersVal.k === 'none') return { k: 'model', model: seq };
  const items = iterate(layersVal);
  const syntax = args.syntax.find((a) => (a.name === undefined && !a.star) || a.name === 'layers');
  const literal = syntax && (syntax.value.t === 'list' || syntax.value.t === 'tuple') ? syntax.value.items : undefined;
  if (!items) {
    seqAdd(interp, seq, unknown(layersVal.k === 'unknown' ? layersVal.why : 'layers the analysis cannot see'), syntax?.value.span ?? e.span, 'sequential');
    return { k: 'model', model: seq };
  }
  items.forEach((item, i) => {
    const span = literal && literal.length === items.length ? literal[i].span : (syntax?.value.span ?? e.span);
    seqAdd(interp, seq, item, { ...span }, 'sequential');
  });
  return { k: 'model', model: seq };
}

function seqAdd(interp: Interpreter, seq: SequentialModel, v: Val, expression: SourceRange, via: 'sequential' | 'model-add'): void {
  const empty = seq.items.length === 0 && seq.pending.length === 0 && !seq.input;
  if (v.k === 'tensor') {
    if (empty) seq.input = seq.output = v.t;
    return;
  }
  if (v.k === 'layer' && layerInputKind(v.layer.className) === 'none') {
    if (empty) seq.input = seq.output = record(interp, v.layer, [], expression, 'input');
    return;
  }
  if (empty && v.k === 'layer' && v.layer.inputShapeHint !== undefined) {
    seq.input = seq.output = v.layer.inputShapeHint
      ? { shape: v.layer.inputShapeHint }
      : { shape: null, why: 'input_shape the analysis cannot see' };
  }
  const entry: SequentialItem = { item: v, expression, via };
  if (seq.output) {
    seq.output = applyItem(interp, entry, seq.output);
    seq.items.push(entry);
  } else seq.pending.push(entry);
}

function applyItem(interp: Interpreter, entry: SequentialItem, input: Tensor): Tensor {
  const v = entry.item;
  if (v.k === 'layer') {
    const out = applyLayerObj(interp, v.layer, { k: 'tensor', t: input }, entry.expression, entry.via);
    return out.k === 'tensor' ? out.t : { shape: null, why: 'not a tensor' };
  }
  if (v.k === 'model') {
    const out = applyModel(interp, v.model, { k: 'tensor', t: input }, entry.expression);
    return out.k === 'tensor' ? out.t : { shape: null, why: 'the nested model does not give one tensor' };
  }
  if (v.k === 'instance') {
    const out = callInstance(interp, v.obj, argsOf([{ k: 'tensor', t: input }]), entry.expression, entry.expression);
    return out.k === 'tensor' ? out.t : { shape: null, why: `${v.obj.cls.name}.call() does not return one tensor` };
  }
  const why = v.k === 'unknown' ? v.why : `${describe(v)} is not a layer the analysis knows`;
  interp.recorder.addUnknown(entry.expression, why);
  return { shape: null, why: `after a layer the analysis cannot see (${why})` };
}

function flushPending(interp: Interpreter, seq: SequentialModel): void {
  const pending = seq.pending;
  seq.pending = [];
  for (const entry of pending) {
    seq.output = applyItem(interp, entry, seq.output as Tensor);
    seq.items.push(entry);
  }
}

function applyModel(interp: Interpreter, model: ModelObj, input: Val | undefined, expression: SourceRange): Val {
  if (model.kind === 'sequential') {
    const x = toTensor(input);
    if (!model.input && model.items.length === 0) {
      model.input = model.output = x;
      flushPending(interp, model);
      return { k: 'tensor', t: model.output as Tensor };
    }
    // Calling a built model on data of the shape it was built for (model(x) on a batch) builds
    // nothing new: the output is the model's, with the batch size of the data.
    if (model.output && model.input?.shape && x.shape && compatible(model.input.shape, x.shape) && model.pending.length === 0) {
      const out = model.output;
      return { k: 'tensor', t: { ...out, shape: out.shape ? [x.shape[0], ...out.shape.slice(1)] : null } };
    }
    // A built Sequential applied to another shape: every layer runs on the new input.
    let cur = x;
    for (const entry of [...model.items, ...model.pending]) cur = applyItem(interp, entry, cur);
    if (model.pending.length > 0) {
      model.items.push(...model.pending);
      model.pending = [];
    }
    return { k: 'tensor', t: cur };
  }
  const declared = flattenTensors(model.inputs);
  const given = input ? flattenTensors(input) : undefined;
  const origin = interp.recorder.origin('model', expression);
  if (declared && given && declared.length === given.length && declared.every((d, i) => compatible(d.shape, given[i].shape))) {
    const rewrap = (v: Val): Val => {
      if (v.k === 'tensor') return { k: 'tensor', t: { shape: v.t.shape, origin, rankOrigin: v.t.rankOrigin } };
      if (v.k === 'seq') return { k: 'seq', items: v.items.map(rewrap), list: v.list };
      return v;
    };
    return rewrap(model.outputs);
  }
  return { k: 'tensor', t: { shape: null, why: 'a functional model applied to inputs of another shape (not followed)' } };
}

function flattenTensors(v: Val): Tensor[] | undefined {
  if (v.k === 'tensor') return [v.t];
  const items = iterate(v);
  if (!items) return undefined;
  const out: Tensor[] = [];
  for (const i of items) {
    if (i.k !== 'tensor') return undefined;
    out.push(i.t);
  }
  return out;
}

/** Same rank and the same sizes on every axis but the batch. */
function compatible(a: Shape | null, b: Shape | null): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return a.every((d, i) => i === 0 || d === b[i]);
}

/** At the end of the module: what never got an input, and layers never applied. */
export function finishModels(interp: Interpreter): void {
  for (const seq of interp.keras.sequentials) {
    for (const entry of seq.pending) {
      interp.recorder.addUnknown(
        entry.expression,
        'the Sequential model has no input shape: start it with keras.Input(shape=...), give its first layer input_shape=..., or call model.build(...)',
      );
    }
  }
  for (const layer of interp.keras.constructed) {
    if (layer.applications > 0) continue;
    const kind = layerInputKind(layer.className);
    const result = engineApply({ className: layer.className, args: layer.args }, kind === 'none' ? [] : [null], interp.keras.options);
    interp.recorder.addConstructionFindings(result.findings, { construct: layer.construct, name: layer.name, args: layer.argReports });
  }
}

export function callModelMethod(interp: Interpreter, model: ModelObj, name: string, args: CallArgs, e: CallExpr): Val {
  if (model.kind === 'sequential') {
    if (name === 'add') {
      const syntax = e.args.find((a) => !a.star);
      seqAdd(interp, model, args.positional[0] ?? args.keywords.get('layer') ?? unknown('nothing added'), { ...(syntax?.value.span ?? e.span) }, 'model-add');
      return NONE;
    }
    if (name === 'build') {
      const shapeVal = args.positional[0] ?? args.keywords.get('input_shape');
      const dims = shapeVal ? iterate(shapeVal) : undefined;
      if (!model.input) {
        model.input = model.output = dims ? { shape: dims.map((d) => (d.k === 'int' ? d.v : null)) } : { shape: null, why: 'built with a shape the analysis cannot see' };
        flushPending(interp, model);
      }
      return NONE;
    }
    if (name === 'pop') {
      model.items.pop();
      return NONE;
    }
  }
  if (['summary', 'compile', 'fit', 'evaluate', 'predict', 'save', 'save_weights', 'load_weights', 'train_on_batch'].includes(name)) {
    return name === 'predict' ? unknown('predictions are not followed') : NONE;
  }
  return unknown(`model.${name}() is not followed`);
}

export function callLayerMethod(interp: Interpreter, layer: LayerObj, name: string, args: CallArgs): Val {
  if (name === 'compute_output_shape') {
    const dims = args.positional[0] ? iterate(args.positional[0]) : undefined;
    if (!dims) return unknown('compute_output_shape of a shape the analysis cannot see');
    const shape = dims.map((d) => (d.k === 'int' ? d.v : null));
    const result = engineApply({ className: layer.className, args: layer.args }, [shape], interp.keras.options);
    return result.output ? shapeTuple({ shape: result.output }) : unknown(result.unknownReason ?? 'not determined');
  }
  return unknown(`${layer.className}.${name}() is not followed`);
}

export function shapeTuple(t: Tensor): Val {
  if (!t.shape) return unknown(t.why ?? 'shape not known');
  return { k: 'seq', items: t.shape.map((d) => (d === null ? NONE : ({ k: 'int', v: d } as Val))), list: false };
}

// ---------------------------------------------------------------- attributes

export function attributeOf(obj: Val, name: string): Val {
  switch (obj.k) {
    case 'ns':
      return { k: 'ns', path: [...obj.path, name] };
    case 'tensor':
      if (name === 'shape') return shapeTuple(obj.t);
      if (name === 'ndim') return obj.t.shape ? { k: 'int', v: obj.t.shape.length } : unknown('rank not known');
      if (name === 'get_shape') return { k: 'method', self: obj, name };
      return unknown(`tensor.${name} is not followed`);
    case 'model': {
      const m = obj.model;
      if (m.kind === 'sequential') {
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
