// Max/AveragePooling1D/2D/3D (spec §6) and the global poolings (spec §7). Pooling is the §2
// window with d = 1; strides=None means pool_size; Keras 3 AveragePooling has no default
// pool_size; pooling does not lower-case `padding` (reported, shape computed as lower-case).
import type { LayerResult, PyValue, SymbolicDim, SymbolicShape } from '../types';
import { LayerContext, inputOrUnknown, spatialInput } from '../context';
import { checkRank, describeAxes, layoutFor, unknownShape } from '../layout';
import { computeWindows, windowFindings } from '../window';
import { axisSteps, fmt, inputStep } from '../explain';
import { poolTorch } from '../torch';
import { pyInt, tupleRepr } from '../py';

export function applyPooling(ctx: LayerContext, mode: 'max' | 'average', n: number, input: SymbolicShape | null): LayerResult<SymbolicDim> {
  const { args, sink } = ctx;
  const layer = ctx.layer;
  // Keras 3 AveragePooling*D(pool_size, ...) has no default; MaxPooling*D defaults to 2 per axis.
  if (mode === 'average') args.requireAll(['pool_size']);
  const poolDefault: PyValue = { kind: 'seq', list: false, items: Array.from({ length: n }, () => pyInt(2)) };
  const poolRaw = args.raw('pool_size') ?? (mode === 'max' ? poolDefault : undefined);
  const k = args.tuple('pool_size', n, poolRaw ? { value: poolRaw } : {});
  const stridesRaw = args.raw('strides');
  const stridesGiven = stridesRaw !== undefined && stridesRaw.kind !== 'none';
  // strides=None → pool_size (the value as written, so its errors are reported once, on pool_size).
  const s = stridesGiven ? args.tuple('strides', n, { allowZero: true }) : [...k];
  const zeros = s.map((v, i) => (v === 0 ? i : -1)).filter((i) => i >= 0);
  if (zeros.length > 0) {
    args.invalid(
      'strides',
      `strides=${tupleRepr(s)} contains 0: Keras 3 pooling accepts a zero stride when the layer is created (standardize_tuple ` +
        `with allow_zero=True), but its output-shape computation then divides by zero and TensorFlow rejects a zero stride. Use strides ≥ 1.`,
    );
    zeros.forEach((i) => (s[i] = null));
  }
  const padding = args.poolPadding();
  const format = args.dataFormat(ctx.options.defaultDataFormat);
  const d = Array.from({ length: n }, () => 1);

  ctx.step(
    `${layer}: pool_size=${tupleRepr(k)}, strides=${tupleRepr(s)}${stridesGiven ? '' : ' (strides=None means pool_size)'}, ` +
      `padding=${padding === null ? 'unknown' : `'${padding}'`}, data_format=${format ?? 'unknown'}.`,
  );
  const prep = spatialInput(ctx, n, input, format);
  if ('result' in prep) return prep.result;
  const { x, lay } = prep;
  const w = {
    layer,
    family: 'pool' as const,
    poolMode: mode,
    mode: padding,
    axisIndex: lay.spatial,
    names: lay.names,
    L: lay.spatial.map((i) => x[i] ?? null),
    k,
    s,
    d,
  };
  const r = computeWindows(w);
  ctx.axes = r.axes;
  r.constraints.forEach((c) => ctx.constrain(c));
  windowFindings(w, r, sink, `ZeroPadding${n}D`);
  if (padding === null) ctx.unknown('the padding mode is not known');
  else ctx.padding = { mode: padding, before: r.before, after: r.after };
  if (r.nonPositive.length > 0) ctx.unknown("'valid' padding leaves no output on some axis");
  if (lay.spatial.some((a, i) => r.out[i] === null && x[a] === null)) ctx.unknown('some input dimensions are not known');
  if ([...k, ...s].some((v) => v === null)) ctx.unknown('a pool_size or strides value is not known');
  ctx.steps.push(...axisSteps(r.axes));
  ctx.step(
    mode === 'average'
      ? 'channels: unchanged. Padded cells are not counted: TensorFlow divides by the number of real cells in each window.'
      : 'channels: unchanged. Padded cells never win the max.',
  );
  const out: SymbolicShape = [...x];
  lay.spatial.forEach((axis, i) => (out[axis] = r.out[i] ?? null));
  if (padding !== null) {
    const torch = poolTorch({ n, mode, k, s, before: r.before, after: r.after });
    if (torch !== undefined) ctx.torch = torch;
  }
  return ctx.finish(out);
}

export function applyGlobalPooling(ctx: LayerContext, mode: 'max' | 'average', n: number, input: SymbolicShape | null): LayerResult<SymbolicDim> {
  const { args, sink } = ctx;
  const format = args.dataFormat(ctx.options.defaultDataFormat);
  const keepdims = args.bool('keepdims', false);
  ctx.step(`${ctx.layer}: data_format=${format ?? 'unknown'}, keepdims=${keepdims === null ? 'unknown' : keepdims ? 'True' : 'False'}.`);
  const x = inputOrUnknown(ctx, input, n + 2);
  if (input !== null) ctx.step(inputStep(x));
  if (!checkRank(ctx.layer, x, n + 2, sink, describeAxes(n, format))) {
    ctx.unknown(`${ctx.layer} cannot take a rank-${x.length} input`);
    return ctx.finish(null);
  }
  if (format === null || keepdims === null) {
    ctx.unknown(format === null ? 'the data_format is not known' : 'keepdims is not known');
    if (keepdims === null) return ctx.finish(null);
    return ctx.finish(unknownShape(keepdims ? n + 2 : 2, x[0] ?? null));
  }
  const lay = layoutFor(n, format);
  const C = x[lay.channel] ?? null;
  const batch = x[0] ?? null;
  const ones = Array.from({ length: n }, () => 1);
  const out: SymbolicShape = keepdims ? (format === 'channels_first' ? [batch, C, ...ones] : [batch, ...ones, C]) : [batch, C];
  ctx.step(
    `${lay.names.join(', ')} ${n === 1 ? 'is' : 'are'} reduced by ${mode === 'max' ? 'max' : 'mean'}${keepdims ? ' and kept as size 1' : ''}; channels ${fmt(C)} stay.`,
  );
  // PyTorch tensors are channels-first: the spatial dims are 2..n+1 there.
  const tdims = Array.from({ length: n }, (_, i) => i + 2).join(', ');
  const fn = mode === 'max' ? 'amax' : 'mean';
  ctx.torch = `x.${fn}(dim=(${tdims}${n === 1 ? ',' : ''})${keepdims ? ', keepdim=True' : ''})`;
  return ctx.finish(out);
}
