// Building Keras layer objects from a constructor call, and applying them to tensors through
// the engine: argument mapping, wrapped layers, call-time arguments, several inputs or outputs.
import type { ApplicationKind, ArgReport, LayerReport, SourceRange } from '../analysis-types';
import { layerCallSignature, layerInputKind, layerSignature } from '../engine/index';
import type { LayerCall, LayerResult, PyValue, SymbolicDim, SymbolicShape } from '../engine/types';
import type { Expr } from './ast';
import { iterate } from './builtins';
import { applyLayerCached } from './engine-cache';
import type { CallArgs, Interpreter } from './interpreter';
import { applyModelLike } from './models';
import { describe, toPyValue, type LayerObj, type Origin, type Tensor, type Val } from './values';

type CallExpr = Extract<Expr, { t: 'call' }>;

let nextLayerId = 1;

export function calleeNameRange(e: CallExpr): SourceRange {
  return e.fn.t === 'attr' ? e.fn.nameSpan : e.fn.span;
}

/** Argument reports for the written arguments, positional ones named from `signature`. */
export function argReportsOf(args: CallArgs, signature: readonly string[]): ArgReport[] {
  const out: ArgReport[] = [];
  let pos = 0;
  let positionalKnown = true;
  for (const a of args.syntax) {
    if (a.star) {
      if (a.star === '*') positionalKnown = false;
      continue;
    }
    const range = a.span;
    const valueRange = a.value.span;
    if (a.name !== undefined) out.push({ name: a.name, keyword: true, range, valueRange });
    else out.push({ name: positionalKnown ? signature[pos++] : undefined, keyword: false, range, valueRange });
  }
  return out;
}

export function constructLayer(interp: Interpreter, className: string, args: CallArgs, e: CallExpr): LayerObj {
  // Layers built are kept until the end: more work than a plain call in the budget.
  interp.budget.tick(20);
  const signature = layerSignature(className);
  const engineArgs: Record<string, PyValue> = {};
  let nested: Record<string, ArgReport[]> | undefined;
  const positional = args.positional;
  for (let i = 0; i < positional.length; i++) {
    const name = signature[i];
    if (!name) continue;
    const v = positional[i];
    engineArgs[name] = toPyValue(v);
    // A layer passed in (TimeDistributed(Conv2D(...))) is applied through its wrapper.
    if (v.k === 'layer') {
      v.layer.wrapped = true;
      (nested ??= {})[name] = v.layer.argReports;
    }
  }
  if (args.keywords.size > 0) {
    for (const [name, v] of args.keywords) {
      engineArgs[name] = toPyValue(v);
      if (v.k === 'layer') {
        v.layer.wrapped = true;
        (nested ??= {})[name] = v.layer.argReports;
      }
    }
  }
  if (args.opaque) for (const name of signature) engineArgs[name] ??= { kind: 'unknown', reason: args.opaque };
  if (engineArgs.shape === undefined && engineArgs.input_shape !== undefined && layerInputKind(className) === 'none') {
    engineArgs.shape = engineArgs.input_shape;
  }
  const nameVal = args.keywords.get('name');
  const layer: LayerObj = {
    id: nextLayerId++,
    className,
    args: engineArgs,
    argReports: argReportsOf(args, signature),
    nested,
    inputShapeHint: inputShapeHint(args, signature),
    construct: e.span,
    name: calleeNameRange(e),
    layerName: nameVal?.k === 'str' ? nameVal.v : undefined,
    applications: 0,
  };
  if (className === 'TimeDistributed') {
    const inner = args.positional[0] ?? args.keywords.get('layer');
    if (inner && (inner.k === 'model' || inner.k === 'instance')) layer.wrappedModel = inner;
  }
  if (className === 'Lambda') {
    const fn = args.positional[0] ?? args.keywords.get('function');
    if (fn) layer.lambda = { fn, arguments: args.positional[3] ?? args.keywords.get('arguments') };
  }
  // Each layer object is new: a list keeps them in order without a Set's hashing.
  interp.keras.constructed.push(layer);
  if (layer.layerName) interp.keras.namedLayers.set(layer.layerName, layer);
  return layer;
}

/** `input_shape=` / `batch_input_shape=` / `input_dim=` on a Sequential's first layer. */
function inputShapeHint(args: CallArgs, signature: readonly string[]): SymbolicShape | null | undefined {
  // Every form is a keyword.
  if (args.keywords.size === 0) return undefined;
  const dimsOf = (v: Val): SymbolicShape | null => {
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
  // Embedding's own `input_dim` is the vocabulary size, not the legacy input-shape keyword.
  const inputDim = signature.includes('input_dim') ? undefined : args.keywords.get('input_dim');
  if (inputDim) return [batchDim, inputDim.k === 'int' ? inputDim.v : null];
  return undefined;
}

export function toTensor(v: Val | undefined): Tensor {
  if (!v) return { shape: null, why: 'no input was passed' };
  if (v.k === 'tensor') return v.t;
  if (v.k === 'unknown') return { shape: null, why: v.why };
  return { shape: null, why: `the input is ${describe(v)}, not a tensor` };
}

/**
 * A layer called as in Python: `conv(x)`, `merge([a, b])`, `mha(q, v, return_attention_scores=True)`,
 * `lstm(x, training=False)`. Tensor parameters become the engine's inputs; the rest are call args.
 */
export function applyLayerCall(interp: Interpreter, layer: LayerObj, args: CallArgs, expression: SourceRange, application: ApplicationKind): Val {
  const kind = layerInputKind(layer.className);
  const sig = callSignature(layer.className);
  // `layer(x)`, nearly every application: x is the first tensor and nothing else is bound.
  if (args.keywords.size === 0 && args.positional.length === 1 && sig.params[0] === sig.firstTensor) {
    const v = args.positional[0];
    let inputs: Tensor[];
    if (kind === 'list') {
      const items = iterate(v);
      inputs = items ? items.map(toTensor) : [toTensor(v)];
    } else if (kind === 'multi') inputs = sig.tensors.length === 0 || v.k === 'none' ? [] : [toTensor(v)];
    else inputs = [toTensor(v.k === 'seq' && v.items.length === 1 ? v.items[0] : v)];
    return record(interp, layer, inputs, expression, application, undefined, v);
  }
  const bound = new Map<string, Val>();
  args.positional.forEach((v, i) => {
    const name = sig.params[i];
    if (name) bound.set(name, v);
  });
  for (const [k, v] of args.keywords) if (!bound.has(k)) bound.set(k, v);
  // Keras accepts `inputs=` for the first tensor parameter whatever its name.
  const firstTensor = sig.firstTensor;
  if (!bound.has(firstTensor) && bound.has('inputs')) bound.set(firstTensor, bound.get('inputs') as Val);
  let inputs: Tensor[];
  if (kind === 'list') {
    const v = bound.get(firstTensor);
    const items = v ? iterate(v) : undefined;
    inputs = items ? items.map(toTensor) : [toTensor(v)];
  } else if (kind === 'multi') {
    inputs = [];
    for (const name of sig.tensors) {
      const v = bound.get(name);
      if (v === undefined || v.k === 'none') break;
      inputs.push(toTensor(v));
    }
  } else {
    const v = bound.get(firstTensor);
    inputs = [toTensor(v?.k === 'seq' && v.items.length === 1 ? v.items[0] : v)];
  }
  const callArgs: Record<string, PyValue> = {};
  for (const [name, v] of bound) {
    if (sig.tensors.includes(name) || name === 'inputs' || v.k === 'tensor') continue;
    callArgs[name] = toPyValue(v);
  }
  return record(interp, layer, inputs, expression, application, Object.keys(callArgs).length > 0 ? callArgs : undefined, bound.get(firstTensor));
}

interface CallSignature {
  params: readonly string[];
  tensors: readonly string[];
  /** Keras accepts `inputs=` for the first tensor parameter whatever its name. */
  firstTensor: string;
}

/** layerCallSignature per class, made once (it is asked for at every application). */
const callSignatures = new Map<string, CallSignature>();
function callSignature(className: string): CallSignature {
  let sig = callSignatures.get(className);
  if (sig === undefined) {
    const { params, tensors } = layerCallSignature(className);
    sig = { params, tensors, firstTensor: tensors[0] ?? 'inputs' };
    if (callSignatures.size < 2000) callSignatures.set(className, sig);
  }
  return sig;
}

/** A Sequential entry: the layer on the previous entry's output. */
export function applyLayerToTensor(interp: Interpreter, layer: LayerObj, input: Tensor, expression: SourceRange, application: ApplicationKind): Tensor {
  const out = record(interp, layer, [input], expression, application, undefined, { k: 'tensor', t: input });
  return out.k === 'tensor' ? out.t : firstTensor(out);
}

/** `Input(...)` / `InputLayer(...)`: a tensor from nothing. */
export function applyInputLayer(interp: Interpreter, layer: LayerObj, expression: SourceRange): Tensor {
  const out = record(interp, layer, [], expression, 'input');
  return out.k === 'tensor' ? out.t : firstTensor(out);
}

function firstTensor(v: Val): Tensor {
  if (v.k === 'seq' && v.items[0]?.k === 'tensor') return v.items[0].t;
  return { shape: null, why: 'the layer does not return one tensor' };
}

/** Codes at which Keras raises: the layer has no output to show, and nothing after it either. */
const FATAL = new Set(['invalid-layer-argument', 'non-positive-dimension', 'rank-mismatch', 'shape-mismatch']);

function withoutShapeOnError(result: LayerResult<SymbolicDim>): LayerResult<SymbolicDim> {
  const fatal = result.findings.find((f) => FATAL.has(f.code));
  if (!fatal || (result.output === null && !result.outputs)) return result;
  return { ...result, output: null, outputs: undefined, unknownReason: `Keras raises an error at this layer (${fatal.code})` };
}

/**
 * A Lambda's output shape when its function is Python code the analysis can run: the function
 * applied to the input (with `arguments=` as keywords), as Keras traces it on a symbolic tensor.
 */
function traceLambda(interp: Interpreter, layer: LayerObj, input: Val | undefined): SymbolicShape | undefined {
  const fn = layer.lambda?.fn;
  if (!fn || !input || (fn.k !== 'func' && fn.k !== 'bound')) return undefined;
  const declared = layer.args.output_shape;
  if (declared !== undefined && declared.kind !== 'none') return undefined;
  const extra = layer.lambda?.arguments;
  const keywords = new Map<string, Val>(extra?.k === 'dict' ? extra.entries : []);
  const args: CallArgs = { positional: [input], keywords, syntax: [] };
  const out = fn.k === 'func' ? interp.callFunction(fn.fn, args) : interp.callFunction(fn.fn, { ...args, positional: [fn.self, input] });
  return out.k === 'tensor' && out.t.shape ? out.t.shape : undefined;
}

/**
 * TimeDistributed(model): Keras runs the model on (batch, *step_shape) and puts the time axis
 * back after the batch axis.
 */
function timeDistributedModel(interp: Interpreter, layer: LayerObj, inputs: Tensor[], expression: SourceRange): SymbolicShape | undefined {
  const x = inputs[0]?.shape;
  if (!layer.wrappedModel || inputs.length !== 1 || !x || x.length < 3) return undefined;
  const step = applyModelLike(interp, layer.wrappedModel, { shape: [x[0] ?? null, ...x.slice(2)] }, expression);
  return step.shape && step.shape.length >= 1 ? [step.shape[0] ?? null, x[1] ?? null, ...step.shape.slice(1)] : undefined;
}

/** Findings that depend on which shapes reach a layer: not reported from a branch that may not run. */
const SHAPE_ERRORS = new Set(['shape-mismatch', 'rank-mismatch', 'non-positive-dimension']);

export function unlessSpeculative<R extends { findings: LayerResult['findings'] }>(interp: Interpreter, result: R): R {
  if (interp.speculative === 0 || !result.findings.some((f) => SHAPE_ERRORS.has(f.code))) return result;
  return { ...result, findings: result.findings.filter((f) => !SHAPE_ERRORS.has(f.code)) };
}

/** An output of a layer application: where it comes from, where its rank was set, why unknown. */
function outputTensor(shape: SymbolicShape | null, origin: Origin, first: Tensor | undefined, unknownInput: Tensor | undefined, result: LayerResult<SymbolicDim>): Tensor {
  const rankChanged = !first || !first.shape || !shape || first.shape.length !== shape.length;
  return {
    shape,
    origin,
    rankOrigin: rankChanged ? origin : first.rankOrigin,
    why: shape === null ? (unknownInput?.why ?? result.unknownReason ?? 'not determined') : undefined,
  };
}

/** One application through the engine, reported; returns the output tensor (or a tuple of them). */
export function record(
  interp: Interpreter,
  layer: LayerObj,
  inputs: Tensor[],
  expression: SourceRange,
  application: ApplicationKind,
  callArgs?: Record<string, PyValue>,
  lambdaInput?: Val,
): Val {
  interp.budget.tick(10);
  const shapes: (SymbolicShape | null)[] = [];
  let unknownInput: Tensor | undefined;
  for (const t of inputs) {
    shapes.push(t.shape);
    if (unknownInput === undefined && t.shape === null) unknownInput = t;
  }
  const call: LayerCall = callArgs ? { className: layer.className, args: layer.args, callArgs } : { className: layer.className, args: layer.args };
  let result = unlessSpeculative(interp, withoutShapeOnError(applyLayerCached(call, shapes, interp.keras.options)));
  const traced = result.output === null && !result.findings.length ? (traceLambda(interp, layer, lambdaInput) ?? timeDistributedModel(interp, layer, inputs, expression)) : undefined;
  if (traced) {
    result = {
      ...result,
      output: traced,
      unknownReason: undefined,
      steps: ['Lambda without output_shape: Keras traces the function on the input; tracing it here gives this shape.'],
    };
  }
  if (application === 'input' && result.output) result = interp.symbolizeInput(result, expression);
  const rec = interp.recorder;
  const inputOrigins: LayerReport['inputOrigins'] = [];
  for (const t of inputs) inputOrigins.push(t.origin);
  // The report in its final form (Recorder.addLayer would copy it once more to add the origins).
  const index = rec.addLayerReport(
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
      inputOrigins,
    },
    inputs,
    layer.nested,
  );
  if (result.constraints) interp.noteConstraints(result.constraints, index, layer.className, expression);
  if (unknownInput) rec.addUnknown(expression, `input shape unknown: ${unknownInput.why ?? 'not determined by the code'}`);
  else if (result.output === null && result.unknownReason) rec.addUnknown(expression, result.unknownReason);
  const origin = rec.origin(layer.className, expression);
  const first = inputs[0];
  const out = outputTensor(result.output, origin, first, unknownInput, result);
  layer.lastOutput = out;
  if (result.outputs && result.outputs.length > 1) {
    return { k: 'seq', items: result.outputs.map((s, i) => ({ k: 'tensor', t: i === 0 ? out : outputTensor(s, origin, first, unknownInput, result) }) as Val), list: true };
  }
  return { k: 'tensor', t: out };
}
