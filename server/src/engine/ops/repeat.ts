// tile, repeat, one_hot and argmax/argmin in their TensorFlow and Keras 3 forms: the shape
// rules of tf.tile (multiples per axis), numpy.repeat (flattened when axis is None), one_hot
// (a new axis of `depth`, last by default) and arg-reductions (the axis removed).
import type { Dim, LayerResult, Shape } from '../types';
import { mul } from '../dim';
import { normAxis } from '../known';
import { intValue, isIntLike, shapeRepr } from '../py';
import { OpContext, readAxis, unknownInput } from './common';
import type { Framework } from './spatial';

/** tf.tile(input, multiples) / keras.ops.tile(x, repeats). */
export function tile(ctx: OpContext, fw: Framework): LayerResult {
  ctx.requireParams();
  const x = ctx.tensor(fw === 'tf' ? 'input' : 'x') ?? null;
  const v = ctx.raw(fw === 'tf' ? 'multiples' : 'repeats');
  if (x === null) return unknownInput(ctx);
  const reps = v?.kind === 'seq' ? v.items.map((i) => (isIntLike(i) ? intValue(i) : null)) : v && isIntLike(v) && fw === 'keras' ? [intValue(v)] : null;
  if (reps === null) {
    ctx.unknown('the repeats are not known');
    return ctx.finish(null);
  }
  // TensorFlow needs one multiple per axis; NumPy's tile pads the shorter of the two with 1s.
  if (fw === 'tf' && reps.length !== x.length) {
    ctx.args.invalid('multiples', `TensorFlow raises InvalidArgumentError: Expected multiples argument to be a vector of length ${x.length} but got length ${reps.length}.`);
    return ctx.finish(null);
  }
  const n = Math.max(x.length, reps.length);
  const xs: Dim[] = [...Array<Dim>(n - x.length).fill(1), ...x];
  const rs: (number | null)[] = [...Array<number>(n - reps.length).fill(1), ...reps];
  const out: Shape = xs.map((d, i) => mul(d, rs[i] ?? null));
  ctx.step(`Each axis times its repeat count: ${shapeRepr(out)}.`);
  return ctx.finish(out);
}

/** tf.repeat / keras.ops.repeat: along `axis` the size is multiplied; without an axis, flattened. */
export function repeat(ctx: OpContext, fw: Framework): LayerResult {
  ctx.requireParams();
  const x = ctx.tensor(fw === 'tf' ? 'input' : 'x') ?? null;
  if (x === null) return unknownInput(ctx);
  const r = ctx.raw('repeats');
  const count = r && isIntLike(r) ? intValue(r) : null;
  const axis = readAxis(ctx, 'axis', x.length);
  if (axis === null) {
    ctx.unknown('axis is not known');
    return ctx.finish(null);
  }
  if (axis === undefined) {
    const total = x.reduce<Dim>((a, d) => mul(a, d), 1);
    const out: Shape = [mul(total, count)];
    ctx.step(`No axis: the input is flattened, then every element repeated: ${shapeRepr(out)}.`);
    return ctx.finish(out);
  }
  const out: Shape = x.map((d, i) => (i === axis ? mul(d, count) : d));
  ctx.step(`Axis ${axis} times ${count ?? 'the repeat count'}: ${shapeRepr(out)}.`);
  return ctx.finish(out);
}

/** tf.one_hot(indices, depth, axis=-1) / keras.ops.one_hot(x, num_classes, axis=-1). */
export function oneHot(ctx: OpContext, fw: Framework): LayerResult {
  ctx.requireParams();
  const x = ctx.tensor(fw === 'tf' ? 'indices' : 'x') ?? null;
  if (x === null) return unknownInput(ctx);
  const d = ctx.raw(fw === 'tf' ? 'depth' : 'num_classes');
  const depth = d && isIntLike(d) ? intValue(d) : null;
  // readAxis returns its fallback as given: -1 is the new last axis.
  const axis = readAxis(ctx, 'axis', x.length + 1, x.length);
  if (axis === null || axis === undefined) {
    ctx.unknown('axis is not known');
    return ctx.finish(null);
  }
  const out: Shape = [...x.slice(0, axis), depth, ...x.slice(axis)];
  ctx.step(`A new axis of size ${depth ?? 'depth'} at position ${axis}: ${shapeRepr(out)}.`);
  return ctx.finish(out);
}

/** argmax/argmin: the axis is removed (keras: keepdims keeps it as 1; no axis flattens to a scalar). */
export function argReduce(ctx: OpContext, fw: Framework): LayerResult {
  ctx.requireParams();
  const x = ctx.tensor(fw === 'tf' ? 'input' : 'x') ?? null;
  if (x === null) return unknownInput(ctx);
  const raw = ctx.raw('axis');
  // tf.math.argmax reduces axis 0 when no axis is given; keras.ops.argmax over everything.
  if (raw === undefined || raw.kind === 'none') {
    const out: Shape = fw === 'tf' ? x.slice(1) : [];
    return ctx.finish(out);
  }
  const axis = isIntLike(raw) ? normAxis(intValue(raw), x.length) : null;
  if (axis === null) {
    ctx.unknown('axis is not known');
    return ctx.finish(null);
  }
  const kd = ctx.raw('keepdims');
  const keep = fw === 'keras' && kd?.kind === 'bool' && kd.value;
  const out: Shape = keep ? x.map((d, i) => (i === axis ? 1 : d)) : x.filter((_, i) => i !== axis);
  ctx.step(`The index of the extreme value along axis ${axis}: ${shapeRepr(out)}.`);
  return ctx.finish(out);
}
