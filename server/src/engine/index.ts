// The engine's public API: pure functions over plain data. Nothing here throws; bad input yields
// findings, and an unexpected internal error yields an unknown output with the reason.
import type { EngineOptions, LayerCall, LayerResult, Shape, SymbolicDim, SymbolicShape } from './types';
import { canonicalShape, eraseSymbols } from './sym';
import { allLayers, lookupFunctionalMerge, lookupLayer, type InputKind } from './catalog';
import { LayerContext } from './context';
import { applyConv } from './layers/conv';
import { applyConvTranspose } from './layers/conv-transpose';
import { applyGlobalPooling, applyPooling } from './layers/pooling';
import { applyCropping, applyUpSampling, applyZeroPadding } from './layers/resample';
import { applyInput } from './layers/input';
import { applyDense, applyFlatten, applyPermute, applyRepeatVector, applyReshape } from './layers/core';
import { applyPreserving } from './layers/preserve';
import { applyImageResize } from './layers/image';
import { applyConcatenate, applyElementwise } from './layers/merge';
import { dispatchExtra } from './layers/extra';

export type * from './types';
export { DIAGNOSTIC_CODES, INPUT_SIZE_CONSTRAINT } from './types';

/** Canonical Keras 3 class name for a class name or alias (`MaxPool2D` → `MaxPooling2D`). */
export function canonicalLayerName(name: string): string | undefined {
  return lookupLayer(name)?.name;
}

/** Positional parameter names in Keras 3's order; empty for a layer we do not know. */
export function layerSignature(className: string): readonly string[] {
  return lookupLayer(className)?.signature ?? [];
}

/** `concatenate` → `Concatenate`, `add` → `Add`, … (the functional forms in keras.layers). */
export function functionalMergeName(fn: string): string | undefined {
  return lookupFunctionalMerge(fn);
}

/** Input/InputLayer take no tensor, merge layers a list, everything else one tensor. */
export function layerInputKind(className: string): InputKind {
  return lookupLayer(className)?.input ?? 'single';
}

/**
 * The layer's `__call__` parameters after self, in order (`params`), and which of them are the
 * tensors `applyLayer` takes as `inputs`, in that order (`tensors`). Everything else the front
 * end passes as `LayerCall.callArgs`. E.g. MultiHeadAttention: params [query, value, key,
 * query_mask, ..., return_attention_scores, training, use_causal_mask], tensors [query, value,
 * key]; LSTM: params [sequences, initial_state, mask, training], tensors [sequences].
 */
export function layerCallSignature(className: string): { params: readonly string[]; tensors: readonly string[] } {
  const info = lookupLayer(className);
  const params = info?.call ?? ['inputs'];
  return { params, tensors: info?.tensors ?? params.slice(0, 1) };
}

/** Every canonical class name the engine implements. */
export function supportedLayers(): string[] {
  return allLayers().map((l) => l.name);
}

/** Trailing digit of `Conv2D`, `MaxPooling3D`, … : the number of spatial axes. */
function spatialRank(name: string): number {
  const m = /([123])D/.exec(name);
  return m ? Number(m[1]) : 0;
}

function dispatch(ctx: LayerContext, name: string, inputs: (SymbolicShape | null)[]): LayerResult<SymbolicDim> {
  const x = inputs[0] ?? null;
  const n = spatialRank(name);
  if (name === 'Input' || name === 'InputLayer') return applyInput(ctx);
  if (/^Conv[123]D$/.test(name)) return applyConv(ctx, 'conv', n, x);
  if (/^DepthwiseConv[12]D$/.test(name)) return applyConv(ctx, 'depthwise', n, x);
  if (/^SeparableConv[12]D$/.test(name)) return applyConv(ctx, 'separable', n, x);
  if (/^Conv[123]DTranspose$/.test(name)) return applyConvTranspose(ctx, n, x);
  if (/^MaxPooling[123]D$/.test(name)) return applyPooling(ctx, 'max', n, x);
  if (/^AveragePooling[123]D$/.test(name)) return applyPooling(ctx, 'average', n, x);
  if (/^GlobalMaxPooling[123]D$/.test(name)) return applyGlobalPooling(ctx, 'max', n, x);
  if (/^GlobalAveragePooling[123]D$/.test(name)) return applyGlobalPooling(ctx, 'average', n, x);
  if (/^ZeroPadding[123]D$/.test(name)) return applyZeroPadding(ctx, n, x);
  if (/^Cropping[123]D$/.test(name)) return applyCropping(ctx, n, x);
  if (/^UpSampling[123]D$/.test(name)) return applyUpSampling(ctx, n, x);
  // The layers of catalog-extra.ts take numeric shapes: a symbolic size reaches them as None.
  const extra = dispatchExtra(ctx, name, inputs.map((s) => (s === null ? null : eraseSymbols(s))), (call, ins) => applyLayer(call, ins, ctx.options));
  if (extra) return extra;
  switch (name) {
    case 'Dense':
      return applyDense(ctx, x);
    case 'Flatten':
      return applyFlatten(ctx, x);
    case 'Reshape':
      return applyReshape(ctx, x);
    case 'Permute':
      return applyPermute(ctx, x);
    case 'RepeatVector':
      return applyRepeatVector(ctx, x);
    case 'Resizing':
      return applyImageResize(ctx, 'resize', x);
    case 'CenterCrop':
      return applyImageResize(ctx, 'center_crop', x);
    case 'RandomCrop':
      return applyImageResize(ctx, 'resize', x);
    case 'Concatenate':
      return applyConcatenate(ctx, inputs);
    case 'Add':
    case 'Subtract':
    case 'Multiply':
    case 'Average':
    case 'Maximum':
    case 'Minimum':
      return applyElementwise(ctx, inputs);
    default:
      return applyPreserving(ctx, x);
  }
}

/**
 * Applies one layer to its input shapes. `inputs` is [] for Input/InputLayer, one shape for
 * ordinary layers, and the list of shapes for merges. Never throws. Numeric input shapes give a
 * numeric result; input shapes with symbolic sizes (`[null, 'H', 'W', 3]`) give symbolic output
 * sizes where the Keras rule is exact, and `constraints` where the layer needs sizes to agree.
 */
export function applyLayer(call: LayerCall, inputs: (Shape | null)[], options: EngineOptions): LayerResult;
export function applyLayer(call: LayerCall, inputs: (SymbolicShape | null)[], options: EngineOptions): LayerResult<SymbolicDim>;
export function applyLayer(call: LayerCall, inputs: (SymbolicShape | null)[], options: EngineOptions): LayerResult<SymbolicDim> {
  try {
    const info = lookupLayer(call.className);
    if (!info) {
      return {
        output: null,
        axes: [],
        steps: [`${call.className} is not a layer Shapewise knows.`],
        findings: [],
        unknownReason: `${call.className} is not a layer Shapewise knows`,
      };
    }
    const canonical: LayerCall = info.name === call.className ? call : { ...call, className: info.name };
    const ctx = new LayerContext(canonical, options);
    return dispatch(ctx, info.name, inputs.map((s) => (s === null ? null : canonicalShape(s))));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return {
      output: null,
      axes: [],
      steps: [],
      findings: [],
      unknownReason: `internal error while computing ${call.className}: ${why}`,
    };
  }
}

// Symbolic sizes (sym.ts) and the conditions layers put on them (constraints.ts).
export {
  assignSymbols,
  canonicalShape,
  dimBounds,
  dimDivisible,
  dimEquals,
  dimExpr,
  dimToJSON,
  dimVariables,
  eraseSymbols,
  evalDim,
  evalExpr,
  formatDim,
  hasSymbolic,
  isSymDim,
  isVariableName,
  parseDim,
  parseExpr,
  shapeToJSON,
  simplifyExpr,
  substituteShape,
  symVar,
  type AssignedSymbol,
  type SymExpr,
} from './sym';
export { inputSizeConstraintMessage, withHint, type ConstraintSite } from './findings';
export {
  combineSolutions,
  conditionText,
  constraintHolds,
  constraintVariables,
  nearestSizes,
  SolveBudget,
  nearestValid,
  sameSet,
  sizesThatWorkHint,
  solutionHas,
  solveConstraint,
  withLiteral,
  SEARCH_LIMIT,
  type ConstraintSolution,
  type LiteralCheck,
  type NearestSizes,
  type VariableSolution,
} from './constraints';

// Low-level ops (tf.nn.*, tf.*, keras.ops.*) and keras.applications backbones.
export { applyOp, canonicalOpName, isOp, opSignature, supportedOps, type OpParam, type TensorArg } from './ops/index';
export { applyBackbone, backboneSignature, isBackbone, supportedBackbones, type BackboneResult } from './backbones/index';
