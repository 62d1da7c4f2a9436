// Models: Sequential (built from a list, model.add, build()), functional keras.Model(inputs,
// outputs), keras.applications backbones; applying them to tensors, and their methods.
import type { SourceRange } from '../analysis-types';
import { applyBackbone, backboneSignature, eraseSymbols, isSymDim, isVariableName, layerInputKind, substituteShape } from '../engine/index';
import type { PyValue, SymbolicShape } from '../engine/types';
import type { Expr } from './ast';
import { iterate } from './builtins';
import { callInstance } from './classes';
import { applyLayerCached } from './engine-cache';
import { argsOf, type CallArgs, type Interpreter } from './interpreter';
import { pendingMark, UNAPPLIED_MARK } from './marks';
import { applyInputLayer, applyLayerCall, applyLayerToTensor, argReportsOf, calleeNameRange, toTensor } from './layer-calls';
import { describe, NONE, toPyValue, unknown, type BackboneModel, type FunctionalModel, type LayerObj, type ModelObj, type SequentialItem, type SequentialModel, type Tensor, type Val } from './values';

type CallExpr = Extract<Expr, { t: 'call' }>;

/** Calling a layer or a model object: `conv(x)`, `model(x)`. */
export function applyCallable(interp: Interpreter, fn: Extract<Val, { k: 'layer' } | { k: 'model' }>, args: CallArgs, e: CallExpr): Val {
  if (fn.k === 'layer') return applyLayerCall(interp, fn.layer, args, e.span, 'functional');
  return applyModel(interp, fn.model, args.positional[0] ?? args.keywords.get('inputs'), e.span, calleeNameRange(e));
}

// ---------------------------------------------------------------- Sequential

export function makeSequential(interp: Interpreter, args: CallArgs, e: CallExpr): Val {
  const seq: SequentialModel = { kind: 'sequential', items: [], pending: [] };
  interp.keras.sequentials.push(seq);
  interp.keras.sequentialMarks.push(interp.recorder.mark);
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
    if (empty) seq.input = seq.output = applyInputLayer(interp, v.layer, expression);
    return;
  }
  if (empty && v.k === 'layer' && v.layer.inputShapeHint !== undefined) {
    seq.input = seq.output = v.layer.inputShapeHint
      ? interp.symbolizeShape(v.layer.inputShapeHint, expression)
      : { shape: null, why: 'input_shape the analysis cannot see' };
  }
  // Keras builds a Sequential whose first entry is a model with an input (a backbone, a
  // functional or built Sequential model) on that model's input shape.
  if (empty && v.k === 'model') {
    const input = modelInput(v.model);
    if (input) seq.input = seq.output = { shape: input.shape, origin: input.origin, rankOrigin: input.rankOrigin };
  }
  const entry: SequentialItem = { item: v, expression, via };
  if (seq.output) {
    seq.output = applyItem(interp, entry, seq.output);
    seq.items.push(entry);
  } else seq.pending.push(entry);
}

/** The single input tensor of a model that has one (undefined for an unbuilt Sequential). */
function modelInput(model: ModelObj): Tensor | undefined {
  if (model.kind === 'backbone') return model.input.shape ? model.input : undefined;
  if (model.kind === 'sequential') return model.input?.shape ? model.input : undefined;
  const inputs = flattenTensors(model.inputs);
  return inputs && inputs.length === 1 && inputs[0].shape ? inputs[0] : undefined;
}

function applyItem(interp: Interpreter, entry: SequentialItem, input: Tensor): Tensor {
  const v = entry.item;
  if (v.k === 'layer') return applyLayerToTensor(interp, v.layer, input, entry.expression, entry.via);
  if (v.k === 'model') {
    const out = applyModel(interp, v.model, { k: 'tensor', t: input }, entry.expression, entry.expression);
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

/** A model or custom layer applied to one tensor (TimeDistributed(model) runs it on one step). */
export function applyModelLike(interp: Interpreter, v: Val, input: Tensor, expression: SourceRange): Tensor {
  return applyItem(interp, { item: v, expression, via: 'sequential' }, input);
}

function flushPending(interp: Interpreter, seq: SequentialModel): void {
  const pending = seq.pending;
  seq.pending = [];
  for (const entry of pending) {
    seq.output = applyItem(interp, entry, seq.output as Tensor);
    seq.items.push(entry);
  }
}

// ---------------------------------------------------------------- applying models

function applyModel(interp: Interpreter, model: ModelObj, input: Val | undefined, expression: SourceRange, calleeName: SourceRange): Val {
  if (model.kind === 'sequential') return applySequential(interp, model, toTensor(input));
  if (model.kind === 'backbone') return callBackbone(interp, model, toTensor(input), expression, calleeName);
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
  const cut = given ? applyBackboneCut(interp, model, given, expression, calleeName) : undefined;
  if (cut) return cut;
  const sized = declared && given ? applyWithSizes(declared, given, model.outputs, origin) : undefined;
  if (sized) return sized;
  return { k: 'tensor', t: { shape: null, why: 'a functional model applied to inputs of another shape (not followed)' } };
}

/**
 * A functional model whose Input left sizes open (H, W) applied to sized tensors: its outputs
 * with those sizes put in (a size expression in H becomes a number). Sizes the given tensors do
 * not fix stay unknown. Undefined when the inputs do not match in rank or in written sizes.
 */
function applyWithSizes(declared: Tensor[], given: Tensor[], outputs: Val, origin: Tensor['origin']): Val | undefined {
  if (declared.length !== given.length) return undefined;
  const env: Record<string, number> = {};
  for (let i = 0; i < declared.length; i++) {
    const d = declared[i].shape;
    const g = given[i].shape;
    if (!d || !g || d.length !== g.length) return undefined;
    for (let j = 1; j < d.length; j++) {
      const dd = d[j];
      const gg = g[j];
      if (typeof dd === 'number') {
        if (typeof gg === 'number' && gg !== dd) return undefined;
      } else if (isSymDim(dd) && isVariableName(dd) && typeof gg === 'number') env[dd] = gg;
    }
  }
  if (Object.keys(env).length === 0) return undefined;
  const rewrap = (v: Val): Val => {
    if (v.k === 'tensor') {
      const shape = v.t.shape ? substituteShape(v.t.shape, env).map((d) => (isSymDim(d) ? null : d)) : null;
      return { k: 'tensor', t: { shape, origin, rankOrigin: v.t.rankOrigin, why: shape ? undefined : v.t.why } };
    }
    if (v.k === 'seq') return { k: 'seq', items: v.items.map(rewrap), list: v.list };
    return v;
  };
  return rewrap(outputs);
}

function applySequential(interp: Interpreter, model: SequentialModel, x: Tensor): Val {
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

function flattenTensors(v: Val): Tensor[] | undefined {
  if (v.k === 'tensor') return [v.t];
  const items = iterate(v);
  if (!items) return undefined;
  const out: Tensor[] = [];
  for (const i of items) {
    // Keras flattens nested structures: Model(inputs=[base.inputs], ...) has one input.
    const inner = i.k === 'tensor' ? [i.t] : i.k === 'seq' ? flattenTensors(i) : undefined;
    if (!inner) return undefined;
    out.push(...inner);
  }
  return out;
}

/** Same rank and the same sizes on every axis but the batch. */
function compatible(a: SymbolicShape | null, b: SymbolicShape | null): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return a.every((d, i) => i === 0 || d === b[i]);
}

// ---------------------------------------------------------------- keras.applications

/** `keras.applications.ResNet50(include_top=False, input_shape=(224, 224, 3))`. */
export function makeBackbone(interp: Interpreter, name: string, args: CallArgs, e: CallExpr): Val {
  const signature = backboneSignature(name);
  const engineArgs: Record<string, PyValue> = {};
  let inputTensor: Tensor | undefined;
  const bind = (param: string, v: Val): void => {
    if (param === 'input_tensor') {
      if (v.k !== 'none') inputTensor = toTensor(v);
      return;
    }
    engineArgs[param] = toPyValue(v);
  };
  args.positional.forEach((v, i) => {
    if (signature[i]) bind(signature[i], v);
  });
  for (const [k, v] of args.keywords) bind(k, v);
  const built = applyBackbone(name, engineArgs, inputTensor ? numeric(inputTensor.shape) : undefined, interp.keras.options);
  const expression = e.span;
  const report = {
    className: name,
    construct: expression,
    name: calleeNameRange(e),
    args: argReportsOf(args, signature),
    application: inputTensor ? ('functional' as const) : ('input' as const),
    expression,
    hintAt: expression.end,
    inputs: inputTensor ? [inputTensor.shape] : [],
    result: built.result,
    applicationIndex: 0,
  };
  interp.recorder.addLayer(report, inputTensor ? [inputTensor] : []);
  const origin = interp.recorder.origin(name, expression);
  const model: BackboneModel = {
    kind: 'backbone',
    name,
    args: engineArgs,
    built,
    input: inputTensor ?? { shape: built.input, origin },
    output: { shape: built.result.output, origin, rankOrigin: origin, why: built.result.unknownReason },
  };
  if (!inputTensor) model.input.tap = { model, layer: TAP_INPUT };
  model.output.tap = { model, layer: TAP_OUTPUT };
  return { k: 'model', model };
}

// Tap names for a backbone's own input and final output (layer names never start with '<').
const TAP_INPUT = '<input>';
const TAP_OUTPUT = '<output>';

/**
 * A functional model cut from one backbone (its input to some of its layers' outputs), applied
 * to an input of another size: the backbone is rebuilt for that input and the same layers read
 * off. Undefined when the model is not such a cut.
 */
function applyBackboneCut(interp: Interpreter, model: FunctionalModel, given: Tensor[], expression: SourceRange, calleeName: SourceRange): Val | undefined {
  const declared = flattenTensors(model.inputs);
  const base = declared?.length === 1 && declared[0].tap?.layer === TAP_INPUT ? declared[0].tap.model : undefined;
  if (!base || given.length !== 1) return undefined;
  const taps: string[] = [];
  const collect = (v: Val): boolean => {
    if (v.k === 'tensor') {
      if (v.t.tap?.model !== base || v.t.tap.layer === TAP_INPUT) return false;
      taps.push(v.t.tap.layer);
      return true;
    }
    return v.k === 'seq' && v.items.every(collect);
  };
  if (!collect(model.outputs)) return undefined;
  const built = applyBackbone(base.name, base.args, undefined, interp.keras.options, numeric(given[0].shape));
  const shapes = taps.map((t) => (t === TAP_OUTPUT ? built.result.output : (built.namedOutputs[t] ?? null)));
  interp.recorder.addLayer(
    {
      className: base.name,
      construct: expression,
      name: calleeName,
      args: [],
      application: 'functional',
      expression,
      hintAt: expression.end,
      inputs: [given[0].shape],
      result: { ...built.result, output: shapes[0] ?? null, ...(shapes.length > 1 ? { outputs: shapes } : {}) },
      applicationIndex: 0,
    },
    given,
  );
  const origin = interp.recorder.origin(base.name, expression);
  let i = 0;
  const rebuild = (v: Val): Val => {
    if (v.k === 'tensor') {
      const shape = shapes[i++] ?? null;
      return { k: 'tensor', t: { shape, origin, rankOrigin: origin, why: shape ? undefined : built.result.unknownReason } };
    }
    if (v.k === 'seq') return { k: 'seq', items: v.items.map(rebuild), list: v.list };
    return v;
  };
  return rebuild(model.outputs);
}

/** `base(x, training=False)`: the backbone on a new input. */
function callBackbone(interp: Interpreter, model: BackboneModel, x: Tensor, expression: SourceRange, calleeName: SourceRange): Val {
  const built = applyBackbone(model.name, model.args, numeric(model.input.shape), interp.keras.options, numeric(x.shape));
  interp.recorder.addLayer(
    {
      className: model.name,
      construct: expression,
      name: calleeName,
      args: [],
      application: 'functional',
      expression,
      hintAt: expression.end,
      inputs: [x.shape],
      result: built.result,
      applicationIndex: 0,
    },
    [x],
  );
  const origin = interp.recorder.origin(model.name, expression);
  return { k: 'tensor', t: { shape: built.result.output, origin, rankOrigin: origin, why: built.result.unknownReason } };
}

/** Backbones are built numerically: symbolic sizes become unknown there. */
function numeric(shape: SymbolicShape | null): (number | null)[] | null {
  return shape ? eraseSymbols(shape) : null;
}

// ---------------------------------------------------------------- the end, and methods

/** At the end of the module: what never got an input, and layers never applied. */
export function finishModels(interp: Interpreter): void {
  interp.keras.sequentials.forEach((seq, i) => {
    if (seq.pending.length > 0) interp.setMark(pendingMark(interp.keras.sequentialMarks[i]));
    for (const entry of seq.pending) {
      interp.recorder.addUnknown(
        entry.expression,
        'the Sequential model has no input shape: start it with keras.Input(shape=...), give its first layer input_shape=..., or call model.build(...)',
      );
    }
  });
  interp.setMark(UNAPPLIED_MARK);
  for (const layer of interp.keras.constructed) {
    if (layer.applications > 0 || layer.wrapped) continue;
    const kind = layerInputKind(layer.className);
    const result = applyLayerCached({ className: layer.className, args: layer.args }, kind === 'none' ? [] : [null], interp.keras.options);
    interp.recorder.addConstructionFindings(result.findings, { construct: layer.construct, name: layer.name, args: layer.argReports });
  }
}

export function callModelMethod(interp: Interpreter, model: ModelObj, name: string, args: CallArgs, e: CallExpr): Val {
  if (name === 'get_layer') return getLayer(interp, model, args);
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
        model.input = model.output = dims
          ? interp.symbolizeShape(dims.map((d) => (d.k === 'int' ? d.v : null)), e.span)
          : { shape: null, why: 'built with a shape the analysis cannot see' };
        flushPending(interp, model);
      }
      return NONE;
    }
    if (name === 'pop') {
      model.items.pop();
      return NONE;
    }
  }
  if (['summary', 'compile', 'fit', 'evaluate', 'save', 'save_weights', 'load_weights', 'train_on_batch'].includes(name)) return NONE;
  return unknown(`model.${name}() is not followed`);
}

/** `model.get_layer('conv4_block6_out')`: a named layer of the file, or of a backbone. */
function getLayer(interp: Interpreter, model: ModelObj, args: CallArgs): Val {
  const nameVal = args.positional[0] ?? args.keywords.get('name');
  if (nameVal?.k !== 'str') return unknown('get_layer() by index or by a name the analysis cannot see');
  if (model.kind === 'backbone') {
    if (!(nameVal.v in model.built.namedOutputs)) return unknown(`${model.name} has no layer named '${nameVal.v}' that the analysis knows`);
    const layer: LayerObj = {
      id: -1,
      className: model.name,
      args: {},
      argReports: [],
      construct: model.output.origin?.range ?? { start: 0, end: 0 },
      name: model.output.origin?.range ?? { start: 0, end: 0 },
      layerName: nameVal.v,
      applications: 0,
      wrapped: true,
      lastOutput: { shape: model.built.namedOutputs[nameVal.v], origin: model.output.origin, rankOrigin: model.output.origin, tap: { model, layer: nameVal.v } },
    };
    return { k: 'layer', layer };
  }
  const layer = interp.keras.namedLayers.get(nameVal.v);
  return layer ? { k: 'layer', layer } : unknown(`no layer named '${nameVal.v}' in this file`);
}
