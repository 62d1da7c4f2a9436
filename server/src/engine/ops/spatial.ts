// Convolution, transposed convolution and pooling as low-level functions: tf.nn.* (TensorFlow's
// argument forms: upper-case 'SAME'/'VALID' or explicit pads, strides of length N or N+2,
// 'NHWC'-style data formats, kernels as tensors) and keras.ops.* (Keras 3's lower-cased padding,
// data_format=None, kernels as tensors). Spatial sizes use the §2 window of dim.ts; TensorFlow
// only rejects a negative 'VALID' size (C++ truncating division), Keras 3 rejects ≤ 0.
import type { AxisDetail, DataFormat, Dim, LayerResult, PyValue, Shape } from '../types';
import type { IntTuple } from '../args';
import { kerasRaises } from '../findings';
import { layoutFor, spatialNames, type Layout } from '../layout';
import { axisSteps, fmt, inputStep } from '../explain';
import { computeWindows, windowFindings, type WindowInput } from '../window';
import {
  add,
  effectiveKernel,
  mul,
  padded,
  sub,
  transposeConsistent,
  transposeCrops,
  transposeFull,
  transposeOutput,
  windowOutput,
  windowPads,
} from '../dim';
import { concrete, differ } from '../known';
import { intValue, isIntLike, repr, shapeRepr, tupleRepr } from '../py';
import { OpContext } from './common';

export type Framework = 'tf' | 'keras';
export type Padding = { mode: 'valid' | 'same' } | { mode: 'explicit'; before: IntTuple; after: IntTuple };

// ---------------------------------------------------------------------------------------------
// Argument readers

/** TensorFlow's data_format strings for n spatial axes; null when unknown/invalid (reported). */
export function tfDataFormat(ctx: OpContext, n: number | null, fallback: DataFormat = 'channels_last'): DataFormat | null {
  const v = ctx.raw('data_format');
  if (v === undefined || v.kind === 'none') return fallback;
  if (v.kind === 'unknown') return null;
  if (v.kind === 'str') {
    const spatial = n === 1 ? 'W' : n === 2 ? 'HW' : n === 3 ? 'DHW' : null;
    if (spatial !== null) {
      if (v.value === `N${spatial}C`) return 'channels_last';
      if (v.value === `NC${spatial}`) return 'channels_first';
    } else if (/^N[A-Z]+$/.test(v.value)) {
      return v.value.startsWith('NC') ? 'channels_first' : 'channels_last';
    }
  }
  const allowed = n === 1 ? "'NWC' or 'NCW'" : n === 2 ? "'NHWC' or 'NCHW'" : n === 3 ? "'NDHWC' or 'NCDHW'" : "'N…C' or 'NC…'";
  ctx.args.invalid('data_format', `TensorFlow rejects data_format=${repr(v)}: it must be ${allowed}.`);
  return null;
}

/** Keras 3's standardize_data_format (None → image_data_format()). */
export function kerasDataFormat(ctx: OpContext): DataFormat | null {
  return ctx.args.dataFormat(ctx.options.defaultDataFormat);
}

/**
 * A TensorFlow per-axis int list (strides, ksize, dilations): an int (when `intOk`), or a list
 * of length 1, n or n+2 (`lengths` restricts which); the n+2 form must hold 1 on the batch and
 * channel axes. Returns the n spatial values (null where unknown or invalid).
 */
export function tfList(
  ctx: OpContext,
  name: string,
  n: number,
  format: DataFormat,
  opts: { intOk: boolean; lengths: number[]; fallback?: number; what: string },
): IntTuple {
  const nulls: IntTuple = Array.from({ length: n }, () => null);
  const v = ctx.raw(name);
  if (v === undefined || v.kind === 'none') {
    return opts.fallback === undefined ? nulls : Array.from({ length: n }, () => opts.fallback!);
  }
  if (v.kind === 'unknown') return nulls;
  const allowedLen = opts.lengths.map(String).join(', ').replace(/, (\d+)$/, ' or $1');
  let items: (number | null)[];
  if (isIntLike(v)) {
    if (!opts.intOk) {
      ctx.args.invalid(name, `TensorFlow needs ${name} as a list of ${allowedLen} ints here, not the int ${repr(v)} (write ${name}=[${Array.from({ length: n + 2 }, (_, i) => (i === 0 || i === n + 1 ? 1 : intValue(v))).join(', ')}]).`);
      return nulls;
    }
    items = [intValue(v)];
  } else if (v.kind === 'seq') {
    items = v.items.map((it) => (it.kind === 'unknown' ? null : isIntLike(it) ? intValue(it) : NaN));
    if (items.some((x) => Number.isNaN(x))) {
      ctx.args.invalid(name, `${name}=${repr(v)} must hold integers.`);
      return nulls;
    }
  } else {
    ctx.args.invalid(name, `${name}=${repr(v)} must be ${opts.intOk ? 'an int or ' : ''}a list of ints.`);
    return nulls;
  }
  if (!opts.lengths.includes(items.length) && !(isIntLike(v) && opts.intOk)) {
    ctx.args.invalid(name, `TensorFlow needs ${name} of length ${allowedLen} for a ${n}-D ${opts.what}; got ${items.length}: ${repr(v)}.`);
    return nulls;
  }
  let spatial: (number | null)[];
  if (items.length === 1) spatial = Array.from({ length: n }, () => items[0] ?? null);
  else if (items.length === n + 2) {
    const lay = layoutFor(n, format);
    const outer = [items[0] ?? null, items[lay.channel] ?? null];
    if (outer.some((o) => o !== null && o !== 1)) {
      ctx.args.invalid(
        name,
        `${name}=${repr(v)} has ${outer.map((o) => fmt(o)).join(' and ')} on the batch and channel axes: TensorFlow ${opts.what === 'pooling' ? 'pools' : 'convolves'} only over the spatial axes, so those entries must be 1.`,
      );
    }
    spatial = lay.spatial.map((i) => items[i] ?? null);
  } else spatial = items;
  const bad = spatial.filter((x): x is number => x !== null && x <= 0);
  if (bad.length > 0) {
    ctx.args.invalid(name, `${name}=${repr(v)} must be positive on every spatial axis (TensorFlow rejects ${bad[0]}).`);
    return spatial.map((x) => (x !== null && x <= 0 ? null : x));
  }
  return spatial;
}

/** Keras ops' strides/dilation_rate/pool_size: an int or a tuple of n ints. */
export function kerasTuple(ctx: OpContext, name: string, n: number, fallback: number | null, allowZero = false): IntTuple {
  const bad = (x: number): boolean => (allowZero ? x < 0 : x <= 0);
  const v = ctx.raw(name);
  const nulls: IntTuple = Array.from({ length: n }, () => null);
  if (v === undefined || v.kind === 'none') return fallback === null ? nulls : Array.from({ length: n }, () => fallback);
  if (v.kind === 'unknown') return nulls;
  if (isIntLike(v)) {
    const x = intValue(v);
    if (bad(x)) {
      ctx.args.invalid(name, `${name}=${x} must be ${allowZero ? 'non-negative' : 'positive'}.`);
      return nulls;
    }
    return Array.from({ length: n }, () => x);
  }
  if (v.kind === 'seq' && v.items.length === n) {
    const out: IntTuple = [];
    for (const it of v.items) {
      if (it.kind === 'unknown') out.push(null);
      else if (isIntLike(it) && !bad(intValue(it))) out.push(intValue(it));
      else {
        ctx.args.invalid(name, `${name}=${repr(v)} must hold ${allowZero ? 'non-negative' : 'positive'} integers.`);
        return nulls;
      }
    }
    return out;
  }
  ctx.args.invalid(
    name,
    name === 'dilation_rate'
      ? kerasRaises(`Dilation must be None, scalar or tuple/list of length of inputs' spatial shape, but received \`dilation_rate=${repr(v)}\` and an input with ${n} spatial axes`)
      : `${name}=${repr(v)} must be an int or a tuple of ${n} ints (one per spatial axis).`,
  );
  return nulls;
}

/** TensorFlow's padding: 'SAME' / 'VALID' exactly (case-sensitive), or explicit pairs when allowed. */
export function tfPadding(ctx: OpContext, n: number | null, format: DataFormat | null, explicitOk: boolean, fallback?: string): Padding | null {
  const v: PyValue | undefined = ctx.raw('padding') ?? (fallback === undefined ? undefined : { kind: 'str', value: fallback });
  if (v === undefined || v.kind === 'unknown') return null;
  const allowed = explicitOk ? '"SAME", "VALID" or a list of explicit pads' : '"SAME" or "VALID"';
  if (v.kind === 'str') {
    if (v.value === 'SAME') return { mode: 'same' };
    if (v.value === 'VALID') return { mode: 'valid' };
    const lower = v.value.toLowerCase();
    const hint = lower === 'same' || lower === 'valid' ? ` tf.nn is case-sensitive (Keras layers are not): write padding='${lower.toUpperCase()}'.` : '';
    ctx.args.invalid(
      'padding',
      `TensorFlow raises InvalidArgumentError: Value for attr 'padding' of "${v.value}" is not in the list of allowed values: ${explicitOk ? '"SAME", "VALID", "EXPLICIT"' : '"SAME", "VALID"'}.${hint}`,
    );
    return null;
  }
  if (v.kind === 'seq') {
    if (!explicitOk) {
      ctx.args.invalid('padding', `This TensorFlow op takes padding ${allowed}; explicit pads are not supported here (pad first with tf.pad, then use 'VALID').`);
      return null;
    }
    if (n === null || format === null) return null;
    if (v.items.length !== n + 2) {
      ctx.args.invalid('padding', kerasRaises(`When padding is a list, it must be of size ${n + 2}. Received: padding=${repr(v)} of size ${v.items.length}`, 'ValueError', undefined, 'TensorFlow'));
      return null;
    }
    const pairs: [Dim, Dim][] = [];
    for (const [i, it] of v.items.entries()) {
      if (it.kind !== 'seq' || it.items.length !== 2) {
        ctx.args.invalid(
          'padding',
          kerasRaises(`When \`padding\` is a list, each element of \`padding\` must be a list/tuple of size 2. Received: padding=${repr(v)} with element at index ${i}`, 'ValueError', undefined, 'TensorFlow'),
        );
        return null;
      }
      const pr = it.items.map((p) => (p.kind === 'unknown' ? null : isIntLike(p) ? intValue(p) : NaN));
      if (pr.some((p) => p !== null && (Number.isNaN(p) || p < 0))) {
        ctx.args.invalid('padding', `padding=${repr(v)}: explicit pads must be non-negative integers.`);
        return null;
      }
      pairs.push([pr[0] ?? null, pr[1] ?? null]);
    }
    const lay = layoutFor(n, format);
    const outer = [0, lay.channel].flatMap((i) => pairs[i] ?? []);
    if (outer.some((p) => p !== null && p !== 0)) {
      ctx.args.invalid('padding', `TensorFlow raises InvalidArgumentError: Nonzero explicit padding in the batch or depth dimensions is not supported (padding=${repr(v)}).`);
      return null;
    }
    return { mode: 'explicit', before: lay.spatial.map((i) => pairs[i]![0]), after: lay.spatial.map((i) => pairs[i]![1]) };
  }
  ctx.args.invalid('padding', `padding=${repr(v)} must be ${allowed}.`);
  return null;
}

/** Keras ops' padding: lower-cased 'valid' / 'same' (compute_*_output_shape rejects others). */
export function kerasPadding(ctx: OpContext, pooling: boolean): Padding | null {
  const v = ctx.raw('padding') ?? { kind: 'str', value: 'valid' };
  if (v.kind === 'unknown') return null;
  if (v.kind !== 'str') {
    ctx.args.invalid('padding', `Keras raises AttributeError: \`padding\` must be the string 'valid' or 'same' (ops lower-case it). Received padding=${repr(v)}.`);
    return null;
  }
  const p = v.value.toLowerCase();
  if (p === 'valid' || p === 'same') return { mode: p };
  ctx.args.invalid(
    'padding',
    pooling
      ? kerasRaises(`Argument \`padding\` must be either 'valid' or 'same'. Received: padding=${p}`)
      : kerasRaises(`\`padding\` must be either \`'valid'\` or \`'same'\`. Received ${p}`),
  );
  return null;
}

// ---------------------------------------------------------------------------------------------
// The forward window over n spatial axes

export interface WindowSpec {
  fw: Framework;
  family: 'conv' | 'pool';
  poolMode?: 'max' | 'average';
  n: number;
  x: Shape;
  lay: Layout;
  k: IntTuple;
  s: IntTuple;
  d: IntTuple;
  padding: Padding | null;
}

/** TensorFlow's 'VALID' length with C++ truncating division: null when TF raises (negative). */
function tfValid(L: number, ke: number, s: number): number | null {
  const num = L - ke + s;
  const q = Math.trunc(num / s);
  return q < 0 ? null : q;
}

/** Output spatial sizes; records axes, padding, steps and findings on ctx. */
export function forwardWindow(ctx: OpContext, w: WindowSpec): Dim[] {
  const names = w.lay.names;
  const L = w.lay.spatial.map((i) => w.x[i] ?? null);
  if (w.padding === null) {
    ctx.unknown('the padding is not known');
    return L.map(() => null);
  }
  if (w.padding.mode === 'explicit') {
    const { before, after } = w.padding;
    const axes: AxisDetail[] = [];
    const out: Dim[] = [];
    const negative: string[] = [];
    const empty: string[] = [];
    L.forEach((Li, i) => {
      const k = w.k[i] ?? null;
      const s = w.s[i] ?? null;
      const d = w.d[i] ?? null;
      const ke = effectiveKernel(k, d);
      const b = before[i] ?? null;
      const a = after[i] ?? null;
      const Lp = padded(Li, b, a);
      let o = windowOutput(Lp, ke, s, 'valid');
      const lp = concrete(Lp);
      if (lp !== null && ke !== null && s !== null && lp < ke) {
        const tf = tfValid(lp, ke, s);
        if (tf === null) negative.push(`${names[i]} ${fmt(Li)} + ${fmt(b)} + ${fmt(a)} = ${lp} < window ${ke}`);
        else empty.push(`${names[i]} ${fmt(Li)} + ${fmt(b)} + ${fmt(a)} = ${lp} < window ${ke}`);
        o = tf;
      }
      const detail: AxisDetail = {
        axis: w.lay.spatial[i]!,
        name: names[i]!,
        input: Li,
        output: o,
        before: b,
        after: a,
        formula: `floor((${fmt(Li)} + ${fmt(b)} + ${fmt(a)} - ${fmt(ke)}) / ${fmt(s)}) + 1 = ${fmt(o)}`,
        paddingFormula: `explicit: ${fmt(b)} before, ${fmt(a)} after`,
      };
      if (k !== null) detail.kernel = k;
      if (s !== null) detail.stride = s;
      if (d !== null) detail.dilation = d;
      if (ke !== null) detail.effectiveKernel = ke;
      axes.push(detail);
      out.push(o);
    });
    ctx.axes = axes;
    ctx.padding = { mode: 'explicit', before: [...before], after: [...after] };
    ctx.steps.push(...axisSteps(axes));
    tfTooSmall(ctx, negative, empty);
    return out;
  }
  const win: WindowInput = {
    layer: ctx.layer,
    family: w.family,
    ...(w.poolMode ? { poolMode: w.poolMode } : {}),
    mode: w.padding.mode,
    axisIndex: w.lay.spatial,
    names,
    L,
    k: w.k,
    s: w.s,
    d: w.d,
  };
  const r = computeWindows(win);
  const nonPositive = r.nonPositive;
  const out = [...r.out];
  if (w.fw === 'tf' && nonPositive.length > 0) {
    // TensorFlow's own rule: an empty axis for a small shortfall, an error only when negative.
    const negative: string[] = [];
    const empty: string[] = [];
    for (const i of nonPositive) {
      const Li = concrete(L[i]);
      const ke = concrete(effectiveKernel(w.k[i] ?? null, w.d[i] ?? null));
      const s = concrete(w.s[i]);
      if (Li === null || ke === null || s === null) continue;
      const tf = tfValid(Li, ke, s);
      const text = `${names[i]} input ${Li} is smaller than the window ${ke}`;
      if (tf === null) negative.push(text);
      else {
        empty.push(text);
        out[i] = tf;
        r.axes[i]!.output = tf;
      }
    }
    r.nonPositive = [];
    windowFindings(win, r, ctx.sink, `ZeroPadding${w.n}D`);
    tfTooSmall(ctx, negative, empty);
  } else {
    windowFindings(win, r, ctx.sink, `ZeroPadding${w.n}D`);
    if (nonPositive.length > 0) ctx.unknown("'valid' padding leaves no output on some axis");
  }
  ctx.axes = r.axes;
  ctx.padding = { mode: w.padding.mode, before: r.before, after: r.after };
  ctx.steps.push(...axisSteps(r.axes));
  return out;
}

function tfTooSmall(ctx: OpContext, negative: string[], empty: string[]): void {
  if (negative.length > 0) {
    ctx.sink.add(
      'non-positive-dimension',
      `The window does not fit: ${negative.join('; ')}. TensorFlow raises InvalidArgumentError: Computed output size would be negative. Use 'SAME' padding or a larger input`,
      'padding',
    );
    ctx.unknown('the output size would be negative');
  }
  if (empty.length > 0) {
    ctx.sink.add(
      'non-positive-dimension',
      `The window does not fit: ${empty.join('; ')}. TensorFlow does not raise here (its size rule truncates toward zero) and returns an empty tensor with 0 on that axis. Use 'SAME' padding or a larger input`,
      'padding',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Input prelude

export interface Prepared {
  x: Shape;
  n: number;
  lay: Layout;
  format: DataFormat;
}

/**
 * The input tensor of rank n+2 (n fixed, or inferred from the input when `n` is null — the N-D
 * ops); reports rank mismatches. Returns null (with ctx finished state noted) when nothing
 * further can be computed.
 */
export function prepareInput(ctx: OpContext, n: number | null, format: DataFormat | null, ranks: number[] = [1, 2, 3]): Prepared | null {
  const x = ctx.tensor('input') ?? ctx.tensor('inputs') ?? ctx.tensor('value') ?? null;
  if (x === null) {
    ctx.unknown('the input shape is not known');
    return null;
  }
  ctx.step(inputStep(x));
  const nn = n ?? x.length - 2;
  if (n === null ? !ranks.includes(nn) : x.length !== n + 2) {
    const want = n === null ? ranks.map((r) => r + 2).join(', ').replace(/, (\d+)$/, ' or $1') : String(n + 2);
    ctx.sink.add('rank-mismatch', `${ctx.fn} expects a rank-${want} input (batch, spatial axes and channels), but got rank ${x.length}: ${shapeRepr(x)}.`);
    ctx.unknown(`${ctx.fn} cannot take a rank-${x.length} input`);
    return null;
  }
  if (format === null) {
    ctx.unknown('the data_format is not known');
    return null;
  }
  return { x, n: nn, lay: layoutFor(nn, format), format };
}

function assemble(p: Prepared, spatial: Dim[], channels: Dim): Shape {
  const out: Shape = [...p.x];
  p.lay.spatial.forEach((a, i) => (out[a] = spatial[i] ?? null));
  out[p.lay.channel] = channels;
  return out;
}

/** The kernel tensor: rank n+2 (reported otherwise); its spatial sizes and last two axes. */
function readKernel(ctx: OpContext, name: string, n: number, kernelText: string): { k: IntTuple; a: Dim; b: Dim } | null {
  const f = ctx.tensor(name);
  if (f === undefined || f === null) return { k: Array.from({ length: n }, () => null), a: null, b: null };
  if (f.length !== n + 2) {
    ctx.sink.add(
      'rank-mismatch',
      `${ctx.fn}'s ${name} must be a rank-${n + 2} tensor ${kernelText}, but has rank ${f.length}: ${shapeRepr(f)}.` +
        (ctx.layer.startsWith('keras.') ? ' ' + kerasRaises(`Kernel shape must have the same length as input, but received kernel of shape ${shapeRepr(f)}`) : ''),
      name,
    );
    ctx.unknown(`the ${name} tensor has the wrong rank`);
    return null;
  }
  const k = f.slice(0, n).map((d) => concrete(d));
  const zero = k.findIndex((x) => x !== null && x <= 0);
  if (zero >= 0) {
    ctx.args.invalid(name, `The ${name} tensor ${shapeRepr(f)} has a spatial size of ${k[zero]}; kernel sizes must be positive.`);
    k[zero] = null;
  }
  return { k, a: f[n] ?? null, b: f[n + 1] ?? null };
}

function channelCheck(ctx: OpContext, C: Dim, fin: Dim, name: string, grouped: boolean): void {
  const c = concrete(C);
  const f = concrete(fin);
  if (c === null || f === null || f <= 0) return;
  if (grouped ? c % f !== 0 : c !== f) {
    ctx.sink.add(
      'shape-mismatch',
      grouped
        ? `The input has ${c} channels but the ${name} expects ${f} input channels per group: TensorFlow raises InvalidArgumentError: input depth must be evenly divisible by filter depth: ${c} vs ${f}.`
        : `The input has ${c} channels but the ${name} expects ${f}: TensorFlow fails when it runs (the channel axis of the input must match the kernel's input-channel axis).`,
      name,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The ops

export type ConvKind = 'conv' | 'depthwise' | 'separable';

/** tf.nn.conv1d/2d/3d/convolution, depthwise_conv2d, separable_conv2d. `n` null = from the input rank. */
export function tfConv(ctx: OpContext, kind: ConvKind, n: number | null, opts: { stridesInt: boolean; strideLengths: (n: number) => number[]; explicit: boolean; strideName?: string }): LayerResult {
  ctx.requireParams();
  const xShape = ctx.tensor('input');
  const nn = n ?? (xShape ? xShape.length - 2 : null);
  const format = tfDataFormat(ctx, nn);
  const p = prepareInput(ctx, n, format);
  if (p === null) {
    tfPadding(ctx, nn, format, opts.explicit);
    return ctx.finish(null);
  }
  const filterName = kind === 'conv' ? 'filters' : kind === 'depthwise' ? 'filter' : 'depthwise_filter';
  const kernel = readKernel(ctx, filterName, p.n, kind === 'conv' ? '[*kernel, in_channels, out_channels]' : '[*kernel, in_channels, channel_multiplier]');
  const s = tfList(ctx, opts.strideName ?? 'strides', p.n, p.format, { intOk: opts.stridesInt, lengths: opts.strideLengths(p.n), fallback: 1, what: 'convolution' });
  const d = tfList(ctx, 'dilations', p.n, p.format, { intOk: true, lengths: [1, p.n, p.n + 2], fallback: 1, what: 'convolution' });
  const padding = tfPadding(ctx, p.n, p.format, opts.explicit);
  if (kernel === null) return ctx.finish(null);
  const C = p.x[p.lay.channel] ?? null;
  let outC: Dim;
  if (kind === 'conv') {
    channelCheck(ctx, C, kernel.a, filterName, true);
    outC = kernel.b;
  } else {
    channelCheck(ctx, C, kernel.a, filterName, false);
    outC = mul(C, kernel.b);
    if (kind === 'separable') {
      const pw = ctx.tensor('pointwise_filter');
      if (pw !== undefined && pw !== null) {
        if (pw.length !== 4 || pw.slice(0, 2).some((x) => differ(x, 1))) {
          ctx.args.invalid('pointwise_filter', `pointwise_filter must have shape [1, 1, in_channels * channel_multiplier, out_channels]; got ${shapeRepr(pw)}.`);
        } else if (differ(pw[2], outC)) {
          ctx.sink.add('shape-mismatch', `The depthwise stage gives ${fmt(C)}·${fmt(kernel.b)} = ${fmt(outC)} channels but pointwise_filter expects ${fmt(pw[2])}: TensorFlow raises InvalidArgumentError.`, 'pointwise_filter');
        }
        outC = pw[3] ?? null;
      } else outC = null;
    }
  }
  ctx.step(
    `${ctx.layer}: kernel ${tupleRepr(kernel.k)}, strides ${tupleRepr(s)}, dilations ${tupleRepr(d)}, padding ${padding === null ? 'unknown' : padding.mode === 'explicit' ? 'explicit' : `'${padding.mode.toUpperCase()}'`}, ${p.format}.`,
  );
  const spatial = forwardWindow(ctx, { fw: 'tf', family: 'conv', n: p.n, x: p.x, lay: p.lay, k: kernel.k, s, d, padding });
  ctx.step(
    kind === 'conv'
      ? `channels: the filter's last axis, ${fmt(outC)}.`
      : kind === 'depthwise'
        ? `channels: ${fmt(C)} input channels · channel_multiplier ${fmt(kernel.b)} = ${fmt(outC)}.`
        : `channels: depthwise ${fmt(C)}·${fmt(kernel.b)}, then the pointwise filter's last axis ${fmt(outC)}.`,
  );
  if (outC === null) ctx.unknown('the number of output channels is not known');
  if (spatial.some((o) => o === null)) ctx.unknown('a spatial size is not known');
  return ctx.finish(assemble(p, spatial, outC));
}

/** keras.ops.conv / depthwise_conv / separable_conv. */
export function kerasConv(ctx: OpContext, kind: ConvKind): LayerResult {
  ctx.requireParams();
  const format = kerasDataFormat(ctx);
  const padding = kerasPadding(ctx, false);
  const p = prepareInput(ctx, null, format, kind === 'conv' ? [1, 2, 3] : [1, 2]);
  if (p === null) return ctx.finish(null);
  const kName = kind === 'separable' ? 'depthwise_kernel' : 'kernel';
  const kernel = readKernel(ctx, kName, p.n, kind === 'conv' ? '(*kernel_size, in_channels, out_channels)' : '(*kernel_size, in_channels, channel_multiplier)');
  const s = kerasTuple(ctx, 'strides', p.n, 1);
  const d = kerasTuple(ctx, 'dilation_rate', p.n, 1);
  if (kernel === null) return ctx.finish(null);
  const C = p.x[p.lay.channel] ?? null;
  let outC: Dim;
  if (kind === 'conv') {
    channelCheck(ctx, C, kernel.a, kName, true);
    outC = kernel.b;
  } else {
    channelCheck(ctx, C, kernel.a, kName, false);
    outC = mul(kernel.a, kernel.b);
    if (kind === 'separable') {
      const pw = ctx.tensor('pointwise_kernel');
      outC = pw === undefined || pw === null ? null : (pw[pw.length - 1] ?? null);
    }
  }
  ctx.step(`${ctx.layer}: kernel ${tupleRepr(kernel.k)}, strides ${tupleRepr(s)}, dilation_rate ${tupleRepr(d)}, padding ${padding === null ? 'unknown' : `'${padding.mode}'`}, ${p.format}.`);
  const spatial = forwardWindow(ctx, { fw: 'keras', family: 'conv', n: p.n, x: p.x, lay: p.lay, k: kernel.k, s, d, padding });
  ctx.step(`channels: ${fmt(outC)}.`);
  if (outC === null) ctx.unknown('the number of output channels is not known');
  return ctx.finish(assemble(p, spatial, outC));
}

/** tf.nn.max_pool*, avg_pool*: `n` null = from the input rank. */
export function tfPool(ctx: OpContext, mode: 'max' | 'average', n: number | null, explicit: boolean): LayerResult {
  ctx.requireParams();
  const xShape = ctx.tensor('input');
  const nn = n ?? (xShape ? xShape.length - 2 : null);
  const format = tfDataFormat(ctx, nn);
  const p = prepareInput(ctx, n, format);
  if (p === null) {
    tfPadding(ctx, nn, format, explicit);
    return ctx.finish(null);
  }
  const k = tfList(ctx, 'ksize', p.n, p.format, { intOk: true, lengths: [1, p.n, p.n + 2], what: 'pooling' });
  const s = tfList(ctx, 'strides', p.n, p.format, { intOk: true, lengths: [1, p.n, p.n + 2], what: 'pooling' });
  const padding = tfPadding(ctx, p.n, p.format, explicit && p.n <= 2);
  const d = Array.from({ length: p.n }, () => 1);
  ctx.step(`${ctx.layer}: ksize ${tupleRepr(k)}, strides ${tupleRepr(s)}, padding ${padding === null ? 'unknown' : padding.mode === 'explicit' ? 'explicit' : `'${padding.mode.toUpperCase()}'`}, ${p.format}.`);
  const spatial = forwardWindow(ctx, { fw: 'tf', family: 'pool', poolMode: mode, n: p.n, x: p.x, lay: p.lay, k, s, d, padding });
  ctx.step('channels: unchanged.');
  if (spatial.some((o) => o === null)) ctx.unknown('a spatial size is not known');
  return ctx.finish(assemble(p, spatial, p.x[p.lay.channel] ?? null));
}

/** keras.ops.max_pool / average_pool (strides=None means pool_size). */
export function kerasPool(ctx: OpContext, mode: 'max' | 'average'): LayerResult {
  ctx.requireParams();
  const format = kerasDataFormat(ctx);
  const padding = kerasPadding(ctx, true);
  const p = prepareInput(ctx, null, format);
  if (p === null) return ctx.finish(null);
  const k = kerasTuple(ctx, 'pool_size', p.n, null);
  const sr = ctx.raw('strides');
  const s = sr === undefined || sr.kind === 'none' ? [...k] : kerasTuple(ctx, 'strides', p.n, null);
  const d = Array.from({ length: p.n }, () => 1);
  ctx.step(`${ctx.layer}: pool_size ${tupleRepr(k)}, strides ${tupleRepr(s)}${sr === undefined || sr.kind === 'none' ? ' (None: pool_size)' : ''}, padding ${padding === null ? 'unknown' : `'${padding.mode}'`}, ${p.format}.`);
  const spatial = forwardWindow(ctx, { fw: 'keras', family: 'pool', poolMode: mode, n: p.n, x: p.x, lay: p.lay, k, s, d, padding });
  ctx.step('channels: unchanged.');
  return ctx.finish(assemble(p, spatial, p.x[p.lay.channel] ?? null));
}

// ---------------------------------------------------------------------------------------------
// Transposed convolutions

/** The range of output lengths whose forward conv maps back to L (spec §5.2). */
function validOutputs(L: Dim, ke: Dim, s: Dim, mode: 'valid' | 'same'): { lo: Dim; hi: Dim } {
  if (mode === 'same') return { lo: transposeFull(L, 1, s), hi: mul(L, s) };
  const lo = transposeFull(L, ke, s);
  return { lo, hi: add(lo, sub(s, 1)) };
}

/** tf.nn.conv1d_transpose / conv2d_transpose / conv3d_transpose: output_shape is given. */
export function tfConvTranspose(ctx: OpContext, n: number): LayerResult {
  ctx.requireParams();
  const format = tfDataFormat(ctx, n);
  const p = prepareInput(ctx, n, format);
  const padding = tfPadding(ctx, n, format, false, 'SAME');
  if (p === null) return ctx.finish(null);
  const kernel = readKernel(ctx, 'filters', n, '[*kernel, out_channels, in_channels]');
  const s = tfList(ctx, 'strides', n, p.format, { intOk: true, lengths: [1, n, n + 2], what: 'convolution' });
  const d = tfList(ctx, 'dilations', n, p.format, { intOk: true, lengths: [1, n, n + 2], fallback: 1, what: 'convolution' });
  // output_shape: the full output shape (batch and channels included), as a list or tuple of ints.
  const os = ctx.raw('output_shape');
  let target: Dim[] | null = null;
  if (os !== undefined && os.kind === 'seq') {
    if (os.items.length !== n + 2) {
      ctx.args.invalid('output_shape', `output_shape=${repr(os)} must have ${n + 2} entries (batch, spatial axes and channels) for a ${n}-D transposed convolution.`);
    } else {
      target = os.items.map((it) => (it.kind === 'unknown' ? null : isIntLike(it) ? intValue(it) : null));
    }
  } else if (os !== undefined && os.kind !== 'unknown') {
    ctx.args.invalid('output_shape', `output_shape=${repr(os)} must be a list of ${n + 2} ints (or a 1-D int tensor).`);
  }
  if (kernel === null) return ctx.finish(null);
  const C = p.x[p.lay.channel] ?? null;
  if (differ(C, kernel.b)) {
    ctx.sink.add(
      'shape-mismatch',
      `The input has ${fmt(C)} channels but the filters' last axis (in_channels of a transposed conv) is ${fmt(kernel.b)}: TensorFlow raises InvalidArgumentError (filter and out_backprop must have the same out_depth).`,
      'filters',
    );
  }
  ctx.step(
    `${ctx.layer}: kernel ${tupleRepr(kernel.k)}, strides ${tupleRepr(s)}, dilations ${tupleRepr(d)}, padding ${padding === null ? 'unknown' : `'${padding.mode.toUpperCase()}'`}, ` +
      `output_shape ${target === null ? 'unknown' : `[${target.map(fmt).join(', ')}]`}.`,
  );
  if (target === null || padding === null || padding.mode === 'explicit') {
    ctx.unknown(target === null ? 'output_shape is not known' : 'the padding is not known');
    const out = assemble(p, p.lay.spatial.map(() => null), kernel.a);
    return ctx.finish(out);
  }
  if (differ(target[p.lay.channel], kernel.a)) {
    ctx.args.invalid(
      'output_shape',
      `output_shape has ${fmt(target[p.lay.channel])} channels but the filters' out_channels axis (second to last) is ${fmt(kernel.a)}: TensorFlow raises InvalidArgumentError.`,
    );
  }
  if (differ(target[0], p.x[0])) {
    ctx.args.invalid('output_shape', `output_shape has batch ${fmt(target[0])} but the input has batch ${fmt(p.x[0])}: TensorFlow raises InvalidArgumentError.`);
  }
  const axes: AxisDetail[] = [];
  const bad: string[] = [];
  const cb: Dim[] = [];
  const ca: Dim[] = [];
  p.lay.spatial.forEach((axis, i) => {
    const L = p.x[axis] ?? null;
    const o = target![axis] ?? null;
    const ki = kernel.k[i] ?? null;
    const si = s[i] ?? null;
    const di = d[i] ?? null;
    const ke = effectiveKernel(ki, di);
    const fwd = windowPads(o, ki, si, di, padding.mode);
    const full = transposeFull(L, ke, si);
    const before = fwd.before;
    const after = sub(sub(full, o), before);
    cb.push(before);
    ca.push(after);
    const ok = transposeConsistent(L, o, ke, si, padding.mode);
    const range = validOutputs(L, ke, si, padding.mode);
    const detail: AxisDetail = {
      axis,
      name: p.lay.names[i]!,
      input: L,
      output: o,
      before,
      after,
      formula: `output_shape gives ${fmt(o)}; the forward ${padding.mode.toUpperCase()} conv of ${fmt(o)} must give back ${fmt(L)}: ${padding.mode === 'same' ? `ceil(${fmt(o)} / ${fmt(si)})` : `floor((${fmt(o)} - ${fmt(ke)}) / ${fmt(si)}) + 1`} = ${fmt(o === null ? null : windowOutput(o, ke, si, padding.mode))}`,
      paddingFormula: `full = (${fmt(L)} - 1)·${fmt(si)} + ${fmt(ke)} = ${fmt(full)}; TensorFlow keeps ${fmt(o)} cells: crops ${fmt(before)} at the start, ${fmt(after)} at the end`,
    };
    if (ki !== null) detail.kernel = ki;
    if (si !== null) detail.stride = si;
    if (di !== null) detail.dilation = di;
    if (ke !== null) detail.effectiveKernel = ke;
    axes.push(detail);
    if (ok === false) {
      const lo = range.lo;
      const hi = range.hi;
      const works = concrete(lo) !== null && concrete(hi) !== null ? (lo === hi ? `${fmt(lo)}` : `${fmt(lo)} to ${fmt(hi)}`) : 'none known';
      const back = o === null || concrete(o)! <= 0 ? null : windowOutput(o, ke, si, padding.mode);
      const how = padding.mode === 'same' ? `ceil(${fmt(o)} / ${fmt(si)}) = ${fmt(back)}` : `floor((${fmt(o)} - ${fmt(ke)}) / ${fmt(si)}) + 1 = ${fmt(back)}`;
      bad.push(`on ${p.lay.names[i]} output_shape gives ${fmt(o)}, but the forward ${padding.mode.toUpperCase()} conv of ${fmt(o)} gives ${how}, not the input's ${fmt(L)} (output sizes that work: ${works})`);
    }
  });
  ctx.axes = axes;
  ctx.padding = { mode: padding.mode, before: cb, after: ca, crop: true };
  ctx.steps.push(...axisSteps(axes));
  if (bad.length > 0) {
    ctx.args.invalid(
      'output_shape',
      `TensorFlow raises InvalidArgumentError at run time (Conv${n}DBackpropInput: Size of out_backprop doesn't match computed): ${bad.join('; ')}. ` +
        `A transposed conv is the gradient of a forward conv, so output_shape must be a size that the forward conv with these strides and padding maps back to the input`,
    );
    ctx.unknown('output_shape does not match the input');
  }
  const out: Shape = [...target];
  if (out.some((x, i) => x === null && i !== 0)) ctx.unknown('some output_shape entries are not known');
  return ctx.finish(out);
}

/** keras.ops.conv_transpose: Keras' output length (spec §5.1), kernel (*k, out_channels, in_channels). */
export function kerasConvTranspose(ctx: OpContext): LayerResult {
  ctx.requireParams();
  const format = kerasDataFormat(ctx);
  const padding = kerasPadding(ctx, false);
  const p = prepareInput(ctx, null, format);
  if (p === null) return ctx.finish(null);
  const kernel = readKernel(ctx, 'kernel', p.n, '(*kernel_size, out_channels, in_channels)');
  const s = kerasTuple(ctx, 'strides', p.n, null);
  const d = kerasTuple(ctx, 'dilation_rate', p.n, 1);
  const opRaw = ctx.raw('output_padding');
  const op: IntTuple | undefined = opRaw === undefined || opRaw.kind === 'none' ? undefined : kerasTuple(ctx, 'output_padding', p.n, null, true);
  if (kernel === null) return ctx.finish(null);
  const C = p.x[p.lay.channel] ?? null;
  if (differ(C, kernel.b)) {
    ctx.sink.add('shape-mismatch', `The input has ${fmt(C)} channels but the kernel's last axis (in_channels) is ${fmt(kernel.b)}: TensorFlow fails when it runs.`, 'kernel');
  }
  const mode = padding === null ? null : (padding.mode as 'valid' | 'same');
  ctx.step(`${ctx.layer}: kernel ${tupleRepr(kernel.k)}, strides ${tupleRepr(s)}, dilation_rate ${tupleRepr(d)}, padding ${mode ?? 'unknown'}, output_padding ${op ? tupleRepr(op) : 'None'}.`);
  const axes: AxisDetail[] = [];
  const cb: Dim[] = [];
  const ca: Dim[] = [];
  const spatial: Dim[] = p.lay.spatial.map((axis, i) => {
    const L = p.x[axis] ?? null;
    const ke = effectiveKernel(kernel.k[i] ?? null, d[i] ?? null);
    const si = s[i] ?? null;
    const opi = op ? (op[i] ?? null) : undefined;
    if (mode === null) return null;
    const o = transposeOutput(L, ke, si, mode, opi);
    const crops = transposeCrops(ke, si, mode, opi);
    cb.push(crops.before);
    ca.push(crops.after);
    axes.push({
      axis,
      name: p.lay.names[i]!,
      input: L,
      output: o,
      before: crops.before,
      after: crops.after,
      formula: opi === undefined ? (mode === 'same' ? `${fmt(L)}·${fmt(si)} = ${fmt(o)}` : `(${fmt(L)} - 1)·${fmt(si)} + max(${fmt(ke)}, ${fmt(si)}) = ${fmt(o)}`) : `(${fmt(L)} - 1)·${fmt(si)} + ${mode === 'same' ? `(${fmt(ke)} mod 2)` : fmt(ke)} + ${fmt(opi)} = ${fmt(o)}`,
    });
    return o;
  });
  ctx.axes = axes;
  if (mode !== null) ctx.padding = { mode, before: cb, after: ca, crop: true };
  else ctx.unknown('the padding is not known');
  ctx.steps.push(...axisSteps(axes));
  // Keras computes these lengths; TensorFlow's backprop-input op then checks them (spec §5.2).
  if (mode !== null && op) {
    const failing = p.lay.spatial
      .map((axis, i) => ({ axis, i, L: p.x[axis] ?? null, o: spatial[i] ?? null, ke: effectiveKernel(kernel.k[i] ?? null, d[i] ?? null), s: s[i] ?? null }))
      .filter((e) => transposeConsistent(e.L, e.o, e.ke, e.s, mode) === false);
    if (failing.length > 0) {
      ctx.args.invalid(
        'output_padding',
        `TensorFlow will fail at run time ("Conv${p.n}DBackpropInput: Size of out_backprop doesn't match computed"): ` +
          failing.map((e) => `on ${p.lay.names[e.i]} Keras computes ${fmt(e.o)}, but the forward '${mode}' conv of ${fmt(e.o)} does not give back ${fmt(e.L)}`).join('; ') +
          ". With padding='same' an even kernel needs output_padding=1 (or output_padding=None)",
      );
    }
  }
  return ctx.finish(assemble(p, spatial, kernel.a));
}

export { spatialNames };
