// matmul (batch broadcasting; Keras' 1-D promotion, TensorFlow's transpose flags) and the
// reductions (mean/sum/max/min with axis and keepdims), plus image resizing.
import type { Dim, LayerResult, Shape } from '../types';
import { kerasRaises } from '../findings';
import { fmt } from '../explain';
import { concrete, differ, normAxis } from '../known';
import { intValue, isIntLike, repr, shapeRepr } from '../py';
import { OpContext, readAxes, unknownInput } from './common';
import { kerasDataFormat, type Framework } from './spatial';
import { truthy } from '../layers/seq-common';

/** Keras' broadcast_shapes rule for one axis (None against a size takes the size). */
function kerasBroadcast(a: Dim, b: Dim): Dim | 'mismatch' {
  if (concrete(a) === 1) return b;
  if (a === null) return concrete(b) === 1 ? null : b;
  if (concrete(b) === 1 || b === null || !differ(a, b)) return a;
  return 'mismatch';
}

/** TensorFlow's BatchMatMulV2 broadcast of one batch axis (unknown stays unknown). */
function tfBroadcast(a: Dim, b: Dim): Dim | 'mismatch' {
  if (concrete(a) === 1) return b;
  if (concrete(b) === 1) return a;
  if (a === null || b === null) return a === null ? (b === null ? null : null) : null;
  return differ(a, b) ? 'mismatch' : a;
}

function broadcastLeading(x: Shape, y: Shape, rule: (a: Dim, b: Dim) => Dim | 'mismatch'): Shape | { bad: number } {
  const n = Math.max(x.length, y.length);
  const xs = [...Array.from({ length: n - x.length }, (): Dim => 1), ...x];
  const ys = [...Array.from({ length: n - y.length }, (): Dim => 1), ...y];
  const out: Shape = [];
  for (let i = 0; i < n; i++) {
    const r = rule(xs[i] ?? null, ys[i] ?? null);
    if (r === 'mismatch') return { bad: i };
    out.push(r);
  }
  return out;
}

export function matmul(ctx: OpContext, fw: Framework): LayerResult {
  ctx.requireParams();
  const a0 = ctx.tensor(fw === 'tf' ? 'a' : 'x1') ?? null;
  const b0 = ctx.tensor(fw === 'tf' ? 'b' : 'x2') ?? null;
  if (a0 === null || b0 === null) return unknownInput(ctx, 'an operand shape is not known');
  let a: Shape = a0;
  let b: Shape = b0;
  ctx.step(`${ctx.layer} of ${shapeRepr(a)} and ${shapeRepr(b)}.`);
  if (fw === 'tf') {
    for (const [flagName, which] of [
      ['transpose_a', 'a'],
      ['adjoint_a', 'a'],
      ['transpose_b', 'b'],
      ['adjoint_b', 'b'],
    ] as const) {
      const f = ctx.raw(flagName);
      if (f !== undefined && truthy(f) === true) {
        const s: Shape = which === 'a' ? a : b;
        if (s.length >= 2) {
          const t: Shape = [...s.slice(0, -2), s[s.length - 1] ?? null, s[s.length - 2] ?? null];
          if (which === 'a') a = t;
          else b = t;
          ctx.step(`${flagName}=True swaps the last two axes of ${which}: ${shapeRepr(t)}.`);
        }
      }
    }
    if (a.length < 2 || b.length < 2) {
      ctx.sink.add('rank-mismatch', `tf.matmul needs tensors of rank 2 or more; got ranks ${a.length} and ${b.length} (${shapeRepr(a)}, ${shapeRepr(b)}). Use tf.linalg.matvec or expand_dims for vectors.`);
      return ctx.finish(null);
    }
  }
  const aVec = a.length === 1;
  const bVec = b.length === 1;
  if (a.length === 0 || b.length === 0) {
    ctx.sink.add('rank-mismatch', `matmul needs tensors of rank 1 or more; got ${shapeRepr(a)} and ${shapeRepr(b)}.`);
    return ctx.finish(null);
  }
  const A: Shape = aVec ? [1, a[0] ?? null] : a;
  const B: Shape = bVec ? [b[0] ?? null, 1] : b;
  const k1 = A[A.length - 1] ?? null;
  const k2 = B[B.length - 2] ?? null;
  if (differ(k1, k2)) {
    ctx.sink.add(
      'shape-mismatch',
      fw === 'tf'
        ? `The inner dimensions differ: a's last axis is ${fmt(k1)} but b's second-to-last is ${fmt(k2)}. TensorFlow raises InvalidArgumentError: Matrix size-incompatible: In[0]: ${shapeRepr(a)}, In[1]: ${shapeRepr(b)}.`
        : kerasRaises(`Inner dimensions (\`x1.shape[-1]\` and \`x2.shape[-2]\`) must be equal, but received \`x1.shape=${shapeRepr(A)}\` and \`x2.shape=${shapeRepr(B)}\``),
      undefined,
      [0, 1],
    );
    return ctx.finish(null);
  }
  const lead = broadcastLeading(A.slice(0, -2), B.slice(0, -2), fw === 'tf' ? tfBroadcast : kerasBroadcast);
  if ('bad' in lead) {
    ctx.sink.add(
      'shape-mismatch',
      fw === 'tf'
        ? `The batch axes do not broadcast (${shapeRepr(A.slice(0, -2))} and ${shapeRepr(B.slice(0, -2))}): TensorFlow raises InvalidArgumentError: In[0] and In[1] must have compatible batch dimensions.`
        : kerasRaises(`Cannot broadcast shape: the batch axes ${shapeRepr(A.slice(0, -2))} and ${shapeRepr(B.slice(0, -2))} differ at axis ${lead.bad}`),
      undefined,
      [0, 1],
    );
    return ctx.finish(null);
  }
  const out: Shape = [...lead, A[A.length - 2] ?? null, B[B.length - 1] ?? null];
  if (aVec) out.splice(out.length - 2, 1);
  if (bVec) out.splice(out.length - 1, 1);
  ctx.step(`Batch axes broadcast, then (…, ${fmt(A[A.length - 2])}, ${fmt(k1)}) · (…, ${fmt(k2)}, ${fmt(B[B.length - 1])}) = ${shapeRepr(out)}.`);
  return ctx.finish(out);
}

export function reduce(ctx: OpContext, fw: Framework, what: string): LayerResult {
  ctx.requireParams();
  const x = ctx.tensor(fw === 'tf' ? 'input_tensor' : 'x') ?? null;
  const axes = readAxes(ctx, 'axis');
  const kd = ctx.raw('keepdims');
  const keep = kd === undefined ? false : truthy(kd);
  if (x === null) return unknownInput(ctx);
  if (axes === null || keep === null) {
    ctx.unknown(axes === null ? 'axis is not known' : 'keepdims is not known');
    return ctx.finish(null);
  }
  const r = x.length;
  const list = axes === undefined ? x.map((_, i) => i) : axes.map((a) => normAxis(a, r));
  if (list.some((a) => a === null)) {
    const bad = axes!.find((a) => normAxis(a, r) === null)!;
    ctx.args.invalid(
      'axis',
      fw === 'tf'
        ? `TensorFlow raises InvalidArgumentError: Invalid reduction dimension ${bad} for input with ${r} dimensions.`
        : `axis=${bad} is out of range for a rank-${r} tensor (valid: ${-r} to ${r - 1}).`,
    );
    return ctx.finish(null);
  }
  if (fw === 'tf' && new Set(list).size !== list.length) {
    ctx.args.invalid('axis', `TensorFlow raises InvalidArgumentError: Invalid reduction arguments: Axes contains duplicate dimension (axis=${repr(ctx.raw('axis')!)}).`);
  }
  const out: Shape = keep ? x.map((d, i) => (list.includes(i) ? 1 : d)) : x.filter((_, i) => !list.includes(i));
  ctx.step(`${what} over ${axes === undefined ? 'every axis' : `axis ${list.join(', ')}`}${keep ? ', kept as size 1' : ''}: ${shapeRepr(out)}.`);
  return ctx.finish(out);
}

/** tf.image.resize / keras.ops.image.resize: rank 3 (one image) or 4 (a batch). */
export function imageResize(ctx: OpContext, fw: Framework): LayerResult {
  ctx.requireParams();
  const x = ctx.tensor('images') ?? null;
  const v = ctx.raw('size');
  let size: [Dim, Dim] | null = null;
  if (v !== undefined && v.kind !== 'unknown') {
    if (v.kind === 'seq' && v.items.length === 2 && v.items.every((i) => isIntLike(i) || i.kind === 'unknown')) {
      const hw = v.items.map((i) => (isIntLike(i) ? intValue(i) : null)) as [number | null, number | null];
      if (hw.some((d) => d !== null && d <= 0)) ctx.args.invalid('size', `size=${repr(v)}: the new height and width must be positive.`);
      else size = hw;
    } else {
      ctx.args.invalid(
        'size',
        fw === 'tf'
          ? "TensorFlow raises ValueError: 'size' must be a 1-D Tensor of 2 elements: new_height, new_width."
          : kerasRaises(`Expected \`size\` to be a tuple of 2 integers. Received: size=${repr(v)}`),
      );
    }
  }
  const format = fw === 'keras' ? kerasDataFormat(ctx) : 'channels_last';
  if (fw === 'keras') {
    const crop = ctx.raw('crop_to_aspect_ratio');
    const padA = ctx.raw('pad_to_aspect_ratio');
    if (crop && padA && truthy(crop) === true && truthy(padA) === true) {
      ctx.args.invalid('pad_to_aspect_ratio', kerasRaises('Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be True'));
    }
  }
  if (x === null) return unknownInput(ctx);
  ctx.step(`${ctx.layer} of ${shapeRepr(x)} to size ${size === null ? 'unknown' : `(${size.map(fmt).join(', ')})`}.`);
  if (x.length !== 3 && x.length !== 4) {
    ctx.sink.add(
      'rank-mismatch',
      fw === 'tf'
        ? `TensorFlow raises ValueError: 'images' must have either 3 or 4 dimensions (got ${shapeRepr(x)}).`
        : kerasRaises(`Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). Received input with shape: images.shape=${shapeRepr(x)}`),
    );
    return ctx.finish(null);
  }
  if (format === null) {
    ctx.unknown('the data_format is not known');
    return ctx.finish(x.map(() => null));
  }
  if (fw === 'tf') {
    const par = ctx.raw('preserve_aspect_ratio');
    if (par && truthy(par) !== false) {
      ctx.step('preserve_aspect_ratio=True scales both sides by the same factor (the smaller of the two ratios, rounded): the result fits inside size.');
      ctx.unknown('with preserve_aspect_ratio the result size is computed at run time');
      const out = [...x];
      const first = x.length === 4 ? 1 : 0;
      out[first] = null;
      out[first + 1] = null;
      return ctx.finish(out);
    }
  }
  const first = (x.length === 4 ? 1 : 0) + (format === 'channels_first' ? 1 : 0);
  const out: Shape = [...x];
  out[first] = size === null ? null : size[0];
  out[first + 1] = size === null ? null : size[1];
  if (size === null) ctx.unknown('size is not known');
  ctx.step(`(height, width) become (${fmt(out[first])}, ${fmt(out[first + 1])}); other axes stay.`);
  return ctx.finish(out);
}
