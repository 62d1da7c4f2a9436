// Shape-manipulating ops: reshape, concatenate, stack, split, transpose, expand_dims, squeeze,
// pad, flatten/ravel and tf.shape, in their TensorFlow and Keras 3 forms. Sizes go through
// dim.ts; where TensorFlow and Keras differ (reshape inference, squeeze of unknown axes, split
// arguments) each follows its own rule.
import type { Dim, LayerResult, PyValue, Shape } from '../types';
import { kerasRaises } from '../findings';
import { fmt } from '../explain';
import { add, effectiveKernel, inferredDim, padded, product, sub, sum, windowOutput } from '../dim';
import { concrete, differ, normAxis } from '../known';
import { intValue, isIntLike, repr, shapeRepr, tupleRepr } from '../py';
import { OpContext, readAxes, readAxis, unknownInput } from './common';
import type { Framework } from './spatial';

function main(ctx: OpContext, ...names: string[]): Shape | null {
  for (const n of names) {
    const s = ctx.tensor(n);
    if (s !== undefined) return s;
  }
  return null;
}

function shapeText(dims: readonly (number | null)[]): string {
  return `[${dims.map((d) => (d === null ? 'None' : String(d))).join(', ')}]`;
}

// ---------------------------------------------------------------------------------------------
// reshape

export function reshape(ctx: OpContext, fw: Framework): LayerResult {
  ctx.requireParams();
  const xName = fw === 'tf' ? 'tensor' : 'x';
  const sName = fw === 'tf' ? 'shape' : 'newshape';
  const x = main(ctx, xName);
  const v = ctx.raw(sName);
  let target: (number | null)[] | null = null;
  if (v !== undefined && v.kind !== 'unknown') {
    const items: PyValue[] | null = v.kind === 'seq' ? v.items : isIntLike(v) && fw === 'keras' ? [v] : null;
    if (items === null) {
      ctx.args.invalid(sName, fw === 'tf' ? `tf.reshape needs shape as a list of ints (a 1-D shape); got ${repr(v)}. Write shape=[${repr(v)}].` : `newshape=${repr(v)} must be an int or a tuple of ints.`);
    } else {
      target = items.map((it) => (isIntLike(it) ? intValue(it) : null));
      if (items.some((it) => it.kind !== 'unknown' && !isIntLike(it))) {
        ctx.args.invalid(sName, `${sName}=${repr(v)} must hold integers.`);
        target = null;
      }
    }
  }
  if (target !== null) {
    const neg = target.findIndex((d) => d !== null && d < -1);
    const ones = target.map((d, i) => (d === -1 ? i : -1)).filter((i) => i >= 0);
    if (neg >= 0) {
      ctx.args.invalid(
        sName,
        fw === 'tf'
          ? `TensorFlow raises InvalidArgumentError: Size ${neg} must be non-negative, not ${target[neg]}.`
          : kerasRaises(`Each dimension in \`newshape\` must be a non-negative integer, or \`-1\` for a single unknown dimension. Received: newshape=${tupleRepr(target)}`),
      );
      target = null;
    } else if (ones.length > 1) {
      ctx.args.invalid(
        sName,
        fw === 'tf'
          ? `TensorFlow raises InvalidArgumentError: Only one input size may be -1, not both ${ones[0]} and ${ones[1]}.`
          : kerasRaises(`There must be at most one unknown dimension (-1) in \`newshape\`. Received: newshape=${tupleRepr(target)}`),
      );
      target = null;
    }
  }
  ctx.step(`${ctx.layer}: target ${target === null ? 'unknown' : shapeText(target)}${fw === 'keras' ? ' (the batch axis is not special: it is part of the shape)' : ''}.`);
  if (x === null) {
    if (target !== null) return ctx.finish(target.map((d) => (d === -1 ? null : d)));
    return unknownInput(ctx);
  }
  ctx.step(`Input ${shapeRepr(x)}.`);
  if (target === null) {
    ctx.unknown('the target shape is not known');
    return ctx.finish(null);
  }
  const asOut = (): Shape => target!.map((d) => (d === -1 ? null : d));
  const total = product(x);
  const knownOut = target.filter((d) => d !== -1);
  const outRest = knownOut.some((d) => d === null) ? null : product(knownOut);
  const hasMinus = target.includes(-1);
  const inText = `${shapeRepr(x)}`;
  if (total === null || outRest === null) {
    // TF: with exactly one unknown on each side and equal known products, -1 takes the input's
    // unknown dimension (still unknown here); Keras: any None makes -1 unknown.
    if (fw === 'tf' && !hasMinus && total === null && outRest !== null) {
      const knownIn = product(x.filter((d) => d !== null));
      const unknownIn = x.filter((d) => d === null).length;
      const kin = concrete(knownIn);
      const kout = concrete(outRest);
      if (unknownIn === 1 && kin !== null && kout !== null && kin !== 0 && kout % kin !== 0) {
        ctx.args.invalid(sName, `TensorFlow raises InvalidArgumentError: Cannot reshape a tensor of shape ${inText} to ${shapeText(target)}: ${kout} elements are not a multiple of the input's known ${kin}.`);
      }
    }
    if (hasMinus) ctx.unknown('-1 cannot be inferred: a size is not known');
    return ctx.finish(asOut());
  }
  if (!hasMinus) {
    if (total !== outRest) {
      ctx.args.invalid(
        sName,
        fw === 'tf'
          ? `TensorFlow raises InvalidArgumentError: Input to reshape is a tensor with ${fmt(total)} values, but the requested shape has ${fmt(outRest)}.`
          : kerasRaises(`The total size of the tensor must be unchanged. Received: input_shape=${inText}, newshape=${tupleRepr(target)}`),
      );
    } else ctx.step(`Total size ${fmt(total)} is unchanged.`);
    return ctx.finish(asOut());
  }
  const inferred = inferredDim(total, outRest);
  if (inferred === 'indivisible' || inferred === null) {
    ctx.args.invalid(
      sName,
      fw === 'tf'
        ? `TensorFlow raises InvalidArgumentError: Input to reshape is a tensor with ${fmt(total)} values, but the requested shape requires a multiple of ${fmt(outRest)}.`
        : kerasRaises(
            `The total size of the tensor must be unchanged, however, the input size cannot by divided by the specified dimensions in newshape. Received: input_shape=${inText}, newshape=${tupleRepr(target)}`,
          ),
    );
    ctx.unknown('-1 cannot be inferred');
    return ctx.finish(asOut());
  }
  ctx.step(`-1 = ${fmt(total)} / ${fmt(outRest)} = ${fmt(inferred)}.`);
  return ctx.finish(target.map((d) => (d === -1 ? inferred : d)));
}

// ---------------------------------------------------------------------------------------------
// concatenate / stack

function listOf(ctx: OpContext, name: string): (Shape | null)[] | null {
  const l = ctx.tensorList(name);
  if (l === undefined || l === null) return null;
  return l;
}

export function concat(ctx: OpContext, fw: Framework): LayerResult {
  ctx.requireParams();
  const name = fw === 'tf' ? 'values' : 'xs';
  const xs = listOf(ctx, name);
  const rawAxis = ctx.raw('axis');
  ctx.step(`${ctx.layer}(axis=${rawAxis === undefined ? (fw === 'keras' ? '0 (the default)' : 'missing') : repr(rawAxis)}) of ${xs === null ? 'unknown tensors' : `${xs.length} tensor(s)`}.`);
  if (xs === null) return unknownInput(ctx, 'the list of tensors is not known');
  if (xs.length === 0) {
    ctx.sink.add('shape-mismatch', `${ctx.fn} needs at least one tensor; the list is empty.`);
    return ctx.finish(null);
  }
  const known = xs.map((s, i) => ({ s, i })).filter((e): e is { s: Shape; i: number } => e.s !== null);
  const rank = known[0]?.s.length ?? null;
  const badRank = known.find((e) => e.s.length !== rank);
  if (badRank && rank !== null) {
    ctx.sink.add(
      'shape-mismatch',
      fw === 'tf'
        ? `All tensors must have the same rank: tensor 0 is rank ${rank} but tensor ${badRank.i} is rank ${badRank.s.length} (${shapeRepr(badRank.s)}). TensorFlow raises InvalidArgumentError.`
        : kerasRaises(`Every value in \`xs\` must have the same shape except on the \`axis\` dim. But found element of shape ${shapeRepr(badRank.s)}, which is different from the first element's shape ${shapeRepr(known[0]!.s)}`),
      undefined,
      [known[0]!.i, badRank.i],
    );
    return ctx.finish(null);
  }
  const axis = readAxis(ctx, 'axis', rank, fw === 'keras' ? 0 : undefined);
  if (axis === undefined || axis === null || rank === null) {
    ctx.unknown(rank === null ? 'no tensor shape is known' : 'the axis is not known');
    return ctx.finish(rank === null ? null : Array.from({ length: rank }, () => null));
  }
  const problems: string[] = [];
  const involved = new Set<number>();
  const ref = known[0]!;
  for (const e of known.slice(1)) {
    for (let p = 0; p < rank; p++) {
      if (p !== axis && differ(e.s[p], ref.s[p])) {
        problems.push(`axis ${p}: tensor ${ref.i} has ${fmt(ref.s[p])} but tensor ${e.i} has ${fmt(e.s[p])}`);
        involved.add(ref.i).add(e.i);
      }
    }
  }
  if (problems.length > 0) {
    const other = known.find((e) => involved.has(e.i) && e.i !== ref.i)!;
    const firstP = problems[0]!;
    const axisP = Number(/axis (\d+)/.exec(firstP)![1]);
    ctx.sink.add(
      'shape-mismatch',
      `The tensors must match on every axis except axis ${axis}: ${problems.join('; ')}. ` +
        (fw === 'tf'
          ? `TensorFlow raises InvalidArgumentError: ConcatOp : Dimension ${axisP} in both shapes must be equal: shape[0] = ${shapeText(ref.s)} vs. shape[${other.i}] = ${shapeText(other.s)}`
          : kerasRaises(`Every value in \`xs\` must have the same shape except on the \`axis\` dim. But found element of shape ${shapeRepr(other.s)}, which is different from the first element's shape ${shapeRepr(ref.s)}`)),
      undefined,
      [...involved].sort((a, b) => a - b),
    );
    return ctx.finish(null);
  }
  // Other axes: the first known size among the tensors (Keras takes the first element's).
  const out: Shape = Array.from({ length: rank }, (_, p) => {
    if (p === axis) return sum(xs.map((s) => (s === null ? null : (s[p] ?? null))));
    const first = xs[0];
    const d0 = first ? (first[p] ?? null) : null;
    return fw === 'tf' && d0 === null ? (known.map((e) => e.s[p] ?? null).find((d) => d !== null) ?? null) : d0;
  });
  ctx.step(`axis ${axis}: ${xs.map((s) => fmt(s === null ? null : s[axis])).join(' + ')} = ${fmt(out[axis])}.`);
  if (out[axis] === null) ctx.unknown('a size on the concatenation axis is not known');
  return ctx.finish(out);
}

export function stack(ctx: OpContext, fw: Framework): LayerResult {
  ctx.requireParams();
  const name = fw === 'tf' ? 'values' : 'x';
  const xs = listOf(ctx, name);
  if (xs === null) return unknownInput(ctx, 'the list of tensors is not known');
  if (xs.length === 0) {
    ctx.sink.add('shape-mismatch', `${ctx.fn} needs at least one tensor; the list is empty.`);
    return ctx.finish(null);
  }
  const known = xs.map((s, i) => ({ s, i })).filter((e): e is { s: Shape; i: number } => e.s !== null);
  const ref = known[0];
  const rank = ref ? ref.s.length : null;
  const axis = readAxis(ctx, 'axis', rank === null ? null : rank + 1, 0);
  ctx.step(`${ctx.layer}(axis=${axis === undefined ? 0 : fmt(axis)}) of ${xs.length} tensor(s): a new axis of size ${xs.length}.`);
  for (const e of known.slice(1)) {
    if (e.s.length !== rank || e.s.some((d, p) => differ(d, ref!.s[p]))) {
      ctx.sink.add(
        'shape-mismatch',
        fw === 'tf'
          ? `TensorFlow raises InvalidArgumentError: Shapes of all inputs must match: values[0].shape = ${shapeText(ref!.s)} != values[${e.i}].shape = ${shapeText(e.s)}.`
          : kerasRaises(`Every value in \`xs\` must have the same shape. But found element of shape ${shapeRepr(e.s)}, which is different from the first element's shape ${shapeRepr(ref!.s)}`),
        undefined,
        [ref!.i, e.i],
      );
      return ctx.finish(null);
    }
  }
  if (rank === null || axis === null || axis === undefined) {
    ctx.unknown(rank === null ? 'no tensor shape is known' : 'the axis is not known');
    return ctx.finish(null);
  }
  const base: Shape = Array.from({ length: rank }, (_, p) => known.map((e) => e.s[p] ?? null).find((d) => d !== null) ?? null);
  const out: Shape = [...base.slice(0, axis), xs.length, ...base.slice(axis)];
  return ctx.finish(out);
}

// ---------------------------------------------------------------------------------------------
// split (several outputs)

export function split(ctx: OpContext, fw: Framework): LayerResult {
  ctx.requireParams();
  const x = main(ctx, fw === 'tf' ? 'value' : 'x');
  const argName = fw === 'tf' ? 'num_or_size_splits' : 'indices_or_sections';
  const v = ctx.raw(argName);
  if (x === null) return unknownInput(ctx);
  const axis = readAxis(ctx, 'axis', x.length, 0);
  if (axis === null || axis === undefined || v === undefined || v.kind === 'unknown') {
    ctx.unknown(axis === null ? 'the axis is not known' : `${argName} is not known`);
    return ctx.finish(null);
  }
  const D = x[axis] ?? null;
  const withSize = (d: Dim): Shape => x.map((e, i) => (i === axis ? d : e));
  const finishAll = (pieces: Dim[]): LayerResult => {
    const outs = pieces.map(withSize);
    ctx.step(`axis ${axis} (${fmt(D)}) split into ${pieces.length} piece(s): ${pieces.map(fmt).join(', ')}.`);
    if (pieces.some((p) => p === null)) ctx.unknown('a piece size is not known');
    const r = ctx.finish(outs[0] ?? null);
    r.outputs = outs;
    return r;
  };
  if (isIntLike(v)) {
    const n = intValue(v);
    if (n <= 0) {
      ctx.args.invalid(argName, `${argName}=${n} must be positive.`);
      return ctx.finish(null);
    }
    const each = inferredDim(D, n);
    if (each === 'indivisible') {
      ctx.args.invalid(
        argName,
        fw === 'tf'
          ? `TensorFlow raises InvalidArgumentError: Dimension size must be evenly divisible by ${n} but is ${fmt(D)}.`
          : `Keras rejects it: the size ${fmt(D)} of axis ${axis} is not divisible by indices_or_sections=${n} (an int asks for equal sections).`,
      );
      return ctx.finish(null);
    }
    return finishAll(Array.from({ length: n }, () => each));
  }
  if (v.kind !== 'seq') {
    ctx.args.invalid(argName, `${argName}=${repr(v)} must be an int or a list of ints.`);
    return ctx.finish(null);
  }
  const items = v.items.map((it) => (isIntLike(it) ? intValue(it) : null));
  if (fw === 'tf') {
    // Sizes, at most one -1, summing to the axis.
    const minus = items.filter((s) => s === -1).length;
    if (minus > 1 || items.some((s) => s !== null && s < -1)) {
      ctx.args.invalid(argName, `TensorFlow raises InvalidArgumentError: size_splits may have at most one -1 and no other negative size; got ${repr(v)}.`);
      return ctx.finish(null);
    }
    const knownSizes = items.filter((s) => s !== -1);
    const partial = knownSizes.some((s) => s === null) ? null : sum(knownSizes);
    const d = concrete(D);
    const p = concrete(partial);
    if (d !== null && p !== null && (minus === 0 ? p !== d : p > d)) {
      ctx.args.invalid(
        argName,
        `TensorFlow raises InvalidArgumentError: Determined shape must either match input shape along split_dim exactly if fully specified, or be less than the size of the input along split_dim if not fully specified. Got: ${p} (axis ${axis} has ${d}).`,
      );
      return ctx.finish(null);
    }
    const rest = minus === 1 ? sub(D, partial) : null;
    return finishAll(items.map((s) => (s === -1 ? rest : s)));
  }
  // Keras / NumPy: split indices; piece j is [idx[j-1], idx[j]) clamped to the axis.
  const d = concrete(D);
  if (d === null || items.some((s) => s === null)) return finishAll(Array.from({ length: items.length + 1 }, () => null));
  const bounds = [0, ...(items as number[]).map((i) => Math.min(Math.max(i < 0 ? i + d : i, 0), d)), d];
  const pieces: Dim[] = [];
  for (let j = 1; j < bounds.length; j++) {
    const piece = sub(bounds[j]!, bounds[j - 1]!);
    pieces.push(concrete(piece) !== null && concrete(piece)! < 0 ? 0 : piece);
  }
  ctx.step(`indices_or_sections=${repr(v)} are split points (NumPy semantics), not sizes.`);
  return finishAll(pieces);
}

// ---------------------------------------------------------------------------------------------
// transpose, expand_dims, squeeze

export function transpose(ctx: OpContext, fw: Framework): LayerResult {
  ctx.requireParams();
  const x = main(ctx, fw === 'tf' ? 'a' : 'x');
  const pName = fw === 'tf' ? 'perm' : 'axes';
  const perm = readAxes(ctx, pName);
  if (x === null) return unknownInput(ctx);
  const r = x.length;
  if (perm === undefined) {
    ctx.step(`${pName}=None reverses the axes.`);
    return ctx.finish([...x].reverse());
  }
  if (perm === null) {
    ctx.unknown(`${pName} is not known`);
    return ctx.finish(x.map(() => null));
  }
  if (perm.length !== r) {
    ctx.args.invalid(
      pName,
      fw === 'tf'
        ? `TensorFlow raises InvalidArgumentError: transpose expects a vector of size ${r}. But input(1) is a vector of size ${perm.length}.`
        : kerasRaises(`axis must be a list of the same length as the input shape, expected ${r}, but received ${perm.length}`),
    );
    return ctx.finish(null);
  }
  const norm = perm.map((a) => normAxis(a, r));
  if (norm.some((a) => a === null) || new Set(norm).size !== r) {
    ctx.args.invalid(
      pName,
      fw === 'tf'
        ? `TensorFlow raises InvalidArgumentError: ${pName}=[${perm.join(', ')}] is not a permutation of 0..${r - 1}.`
        : norm.some((a) => a === null)
          ? kerasRaises(`Each axis in \`axes\` must be an integer in [-${r}, ${r}). Received: axes=[${perm.join(', ')}]`)
          : kerasRaises(`\`axes\` must be a valid permutation of the input dimensions (no duplicates). Received: axes=[${perm.join(', ')}] for input of rank ${r}`),
    );
    return ctx.finish(null);
  }
  const out = norm.map((a) => x[a!] ?? null);
  ctx.step(`Axes reordered by ${pName}=[${perm.join(', ')}].`);
  return ctx.finish(out);
}

export function expandDims(ctx: OpContext, fw: Framework): LayerResult {
  ctx.requireParams();
  const x = main(ctx, fw === 'tf' ? 'input' : 'x');
  const axes = readAxes(ctx, 'axis');
  if (x === null) return unknownInput(ctx);
  if (axes === null || axes === undefined) {
    ctx.unknown('axis is not known');
    return ctx.finish(null);
  }
  if (fw === 'tf' && axes.length !== 1) {
    ctx.args.invalid('axis', 'tf.expand_dims takes one integer axis.');
    return ctx.finish(null);
  }
  const outRank = x.length + axes.length;
  const norm = axes.map((a) => normAxis(a, outRank));
  if (norm.some((a) => a === null)) {
    ctx.args.invalid(
      'axis',
      fw === 'tf'
        ? `TensorFlow raises InvalidArgumentError: Tried to expand dim index ${axes[0]} for tensor with ${x.length} dimensions.`
        : `axis=${axes.length === 1 ? axes[0] : `(${axes.join(', ')})`} is out of range for the rank-${outRank} result (valid: ${-outRank} to ${outRank - 1}).`,
    );
    return ctx.finish(null);
  }
  const it = x[Symbol.iterator]();
  const out: Shape = Array.from({ length: outRank }, (_, i) => (norm.includes(i) ? 1 : (it.next().value ?? null)));
  ctx.step(`A new axis of size 1 at ${norm.join(', ')}.`);
  return ctx.finish(out);
}

export function squeeze(ctx: OpContext, fw: Framework): LayerResult {
  ctx.requireParams();
  const x = main(ctx, fw === 'tf' ? 'input' : 'x');
  const axes = readAxes(ctx, 'axis');
  if (x === null) return unknownInput(ctx);
  if (axes === null) {
    ctx.unknown('axis is not known');
    return ctx.finish(null);
  }
  if (axes === undefined) {
    if (fw === 'tf' && x.some((d) => d === null)) {
      ctx.step('tf.squeeze without axis on a tensor with unknown sizes: TensorFlow cannot tell which axes are 1, so even the rank of the result is unknown.');
      ctx.unknown('the rank of the result is unknown');
      return ctx.finish(null);
    }
    const out = x.filter((d) => concrete(d) !== 1);
    ctx.step(`Every axis of size 1 is removed${fw === 'keras' ? ' (None axes are kept)' : ''}.`);
    return ctx.finish(out);
  }
  const norm = axes.map((a) => normAxis(a, x.length));
  if (norm.some((a) => a === null)) {
    ctx.args.invalid('axis', `axis=${axes.join(', ')} is out of range for a rank-${x.length} tensor.`);
    return ctx.finish(null);
  }
  const bad = (norm as number[]).filter((a) => differ(x[a], 1));
  if (bad.length > 0) {
    const a = bad[0]!;
    ctx.args.invalid(
      'axis',
      fw === 'tf'
        ? `TensorFlow raises InvalidArgumentError: Can not squeeze dim[${a}], expected a dimension of 1, got ${fmt(x[a])}.`
        : kerasRaises(`Cannot squeeze axis=${a}, because the dimension is not 1`),
    );
    return ctx.finish(null);
  }
  return ctx.finish(x.filter((_, i) => !norm.includes(i)));
}

// ---------------------------------------------------------------------------------------------
// pad

export function pad(ctx: OpContext, fw: Framework): LayerResult {
  ctx.requireParams();
  const x = main(ctx, fw === 'tf' ? 'tensor' : 'x');
  const pName = fw === 'tf' ? 'paddings' : 'pad_width';
  const v = ctx.raw(pName);
  const modeRaw = ctx.raw('mode');
  const mode = modeRaw && modeRaw.kind === 'str' ? modeRaw.value.toLowerCase() : 'constant';
  if (x === null) return unknownInput(ctx);
  const r = x.length;
  if (v === undefined || v.kind === 'unknown') {
    ctx.unknown(`${pName} is not known`);
    return ctx.finish(x.map(() => null));
  }
  // Normalise to one (before, after) pair per axis.
  let pairs: [number | null, number | null][] | null = null;
  const pairOf = (p: PyValue): [number | null, number | null] | null => {
    if (isIntLike(p)) return [intValue(p), intValue(p)];
    if (p.kind === 'seq' && p.items.length === 2) {
      const [b, a] = p.items.map((e) => (isIntLike(e) ? intValue(e) : e.kind === 'unknown' ? null : NaN)) as [number, number];
      if (Number.isNaN(b) || Number.isNaN(a)) return null;
      return [b, a];
    }
    if (p.kind === 'seq' && p.items.length === 1) return pairOf(p.items[0]!);
    return null;
  };
  if (fw === 'keras' && (isIntLike(v) || (v.kind === 'seq' && v.items.length === 2 && v.items.every(isIntLike)) || (v.kind === 'seq' && v.items.length === 1))) {
    const p = pairOf(v);
    if (p) pairs = Array.from({ length: r }, () => p);
  } else if (v.kind === 'seq') {
    if (v.items.length !== r) {
      ctx.args.invalid(
        pName,
        fw === 'tf'
          ? `TensorFlow raises InvalidArgumentError: The first dimension of paddings must be the rank of inputs[${v.items.length},2], input shape ${shapeText(x.map(concrete))}.`
          : kerasRaises(`\`pad_width\` must have the same length as \`x.shape\`. Received: pad_width=${repr(v)} (of length ${v.items.length}) and x.shape=${shapeRepr(x)} (of length ${r})`),
      );
      return ctx.finish(null);
    }
    const ps = v.items.map((it) => (it.kind === 'seq' && it.items.length === 2 ? pairOf(it) : null));
    if (ps.every((p) => p !== null)) pairs = ps as [number | null, number | null][];
  }
  if (pairs === null) {
    ctx.args.invalid(pName, `${pName}=${repr(v)} must give (before, after) for every axis${fw === 'keras' ? ' (or one int / one pair for all axes)' : ''}.`);
    return ctx.finish(null);
  }
  if (pairs.some(([b, a]) => (b !== null && b < 0) || (a !== null && a < 0))) {
    ctx.args.invalid(pName, fw === 'tf' ? `TensorFlow raises InvalidArgumentError: Paddings must be non-negative (${repr(v)}).` : `${pName}=${repr(v)} has a negative pad; pads must be non-negative.`);
    return ctx.finish(null);
  }
  if (mode === 'reflect' || mode === 'symmetric') {
    const bad = pairs
      .map(([b, a], i) => ({ b, a, i, d: concrete(x[i]) }))
      .filter((e) => e.d !== null && [e.b, e.a].some((p) => p !== null && (mode === 'reflect' ? p >= e.d! : p > e.d!)));
    if (bad.length > 0) {
      const e = bad[0]!;
      ctx.args.invalid(
        pName,
        `TensorFlow raises InvalidArgumentError: paddings must be ${mode === 'reflect' ? 'less than' : 'no greater than'} the dimension size: ${e.b}, ${e.a} ${mode === 'reflect' ? 'not less than' : 'greater than'} ${e.d} (axis ${e.i}, mode ${mode.toUpperCase()}).`,
      );
    }
  }
  const out: Shape = x.map((d, i) => padded(d, pairs![i]![0], pairs![i]![1]));
  ctx.step(`Each axis grows by its pads: ${x.map((d, i) => `${fmt(d)} + ${fmt(pairs![i]![0])} + ${fmt(pairs![i]![1])} = ${fmt(out[i])}`).join(', ')}.`);
  ctx.padding = { mode: 'explicit', before: pairs.map((p) => p[0]), after: pairs.map((p) => p[1]) };
  return ctx.finish(out);
}

// ---------------------------------------------------------------------------------------------
// flatten / ravel / batch_flatten, tf.shape

export function flatten(ctx: OpContext, keepBatch: boolean): LayerResult {
  ctx.requireParams();
  const x = main(ctx, 'x');
  if (x === null) return unknownInput(ctx);
  if (keepBatch) {
    const f = product(x.slice(1));
    ctx.step(`(batch, product of the other axes) = (${fmt(x[0])}, ${x.slice(1).map(fmt).join('·') || '1'} = ${fmt(f)}).`);
    return ctx.finish([x[0] ?? null, f]);
  }
  const f = product(x);
  ctx.step(`One axis holding every element, the batch axis included: ${x.map(fmt).join('·')} = ${fmt(f)}.`);
  if (f === null) ctx.unknown('a size (often the batch) is not known');
  return ctx.finish([f]);
}

export function shapeOf(ctx: OpContext): LayerResult {
  ctx.requireParams();
  const x = main(ctx, 'input');
  if (x === null) return unknownInput(ctx);
  ctx.step(
    `tf.shape returns a 1-D int tensor of ${x.length} values, computed when the graph runs: ${shapeRepr(x)} here` +
      `${x.some((d) => d === null) ? ' (the None entries are only known at run time)' : ''}. Use x.shape for the static shape.`,
  );
  return ctx.finish([x.length]);
}

export { add };

// ---------------------------------------------------------------------------------------------
// tf.nn.depth_to_space / space_to_depth (sub-pixel upsampling and its inverse)

export function depthSpace(ctx: OpContext, toSpace: boolean): LayerResult {
  ctx.requireParams();
  const x = main(ctx, 'input');
  const bv = ctx.raw('block_size');
  const fv = ctx.raw('data_format');
  let b: number | null = null;
  if (bv !== undefined && bv.kind !== 'unknown') {
    if (!isIntLike(bv)) ctx.args.invalid('block_size', `block_size=${repr(bv)} must be an integer.`);
    else if (intValue(bv) < 2) ctx.args.invalid('block_size', `TensorFlow raises InvalidArgumentError: Value for attr 'block_size' of ${intValue(bv)} must be at least minimum 2.`);
    else b = intValue(bv);
  }
  let channelsFirst = false;
  if (fv !== undefined && fv.kind === 'str') {
    if (fv.value === 'NCHW') channelsFirst = true;
    else if (fv.value !== 'NHWC') {
      ctx.args.invalid('data_format', `data_format=${repr(fv)} must be 'NHWC' or 'NCHW' here.`);
      return ctx.finish(null);
    }
  } else if (fv !== undefined && fv.kind !== 'none') {
    ctx.unknown('data_format is not known');
    return ctx.finish(null);
  }
  if (x === null) return unknownInput(ctx);
  if (x.length !== 4) {
    ctx.sink.add('rank-mismatch', `${ctx.fn} needs a rank-4 input (batch, height, width, channels); got rank ${x.length}: ${shapeRepr(x)}.`);
    ctx.unknown(`${ctx.fn} cannot take a rank-${x.length} input`);
    return ctx.finish(null);
  }
  if (b === null) {
    ctx.unknown('block_size is not known');
    return ctx.finish(null);
  }
  const [hA, wA, cA] = channelsFirst ? [2, 3, 1] : [1, 2, 3];
  const out: Shape = [...x];
  const bb = b * b;
  if (toSpace) {
    const C = x[cA];
    if (C !== null && C % bb !== 0) {
      ctx.sink.add('shape-mismatch', `TensorFlow raises InvalidArgumentError: the channel size ${C} is not divisible by block_size² = ${bb}.`);
      ctx.unknown('TensorFlow raises here');
      return ctx.finish(null);
    }
    out[hA] = x[hA] === null ? null : x[hA]! * b;
    out[wA] = x[wA] === null ? null : x[wA]! * b;
    out[cA] = C === null ? null : C / bb;
    ctx.step(`Channels move into ${b}×${b} blocks: height and width ×${b}, channels ÷${bb}.`);
  } else {
    for (const a of [hA, wA]) {
      const n = x[a];
      if (n !== null && n % b !== 0) {
        ctx.sink.add('shape-mismatch', `TensorFlow raises InvalidArgumentError: the ${a === hA ? 'height' : 'width'} ${n} is not divisible by block_size ${b}.`);
        ctx.unknown('TensorFlow raises here');
        return ctx.finish(null);
      }
    }
    out[hA] = x[hA] === null ? null : x[hA]! / b;
    out[wA] = x[wA] === null ? null : x[wA]! / b;
    out[cA] = x[cA] === null ? null : x[cA]! * bb;
    ctx.step(`${b}×${b} blocks move into channels: height and width ÷${b}, channels ×${bb}.`);
  }
  return ctx.finish(out);
}

// ---------------------------------------------------------------------------------------------
// tf.image.extract_patches: each output cell holds one flattened (ksize_rows, ksize_cols, depth)
// window; rows and columns follow the conv window rule with the dilated size.

function fourInts(ctx: OpContext, name: string): number[] | null | undefined {
  const v = ctx.raw(name);
  if (v === undefined || v.kind === 'unknown') return undefined;
  if (v.kind !== 'seq' || v.items.length !== 4 || !v.items.every(isIntLike)) {
    ctx.args.invalid(name, `${name}=${repr(v)} must be a list of 4 ints [1, rows, cols, 1].`);
    return null;
  }
  const out = v.items.map(intValue);
  if (out[0] !== 1 || out[3] !== 1 || out[1]! < 1 || out[2]! < 1) {
    ctx.args.invalid(name, `TensorFlow raises InvalidArgumentError: ${name} must be [1, rows, cols, 1] with positive rows and cols; got ${repr(v)}.`);
    return null;
  }
  return out;
}

export function extractPatches(ctx: OpContext): LayerResult {
  ctx.requireParams();
  const x = main(ctx, 'images');
  const sizes = fourInts(ctx, 'sizes');
  const strides = fourInts(ctx, 'strides');
  const rates = fourInts(ctx, 'rates');
  const pv = ctx.raw('padding');
  let mode: 'valid' | 'same' | null = null;
  if (pv !== undefined && pv.kind === 'str') {
    // TF's padding attr is case-sensitive: "SAME" or "VALID".
    if (pv.value === 'SAME') mode = 'same';
    else if (pv.value === 'VALID') mode = 'valid';
    else ctx.args.invalid('padding', `TensorFlow raises: padding must be "SAME" or "VALID"; got ${repr(pv)}.`);
  }
  if (sizes === null || strides === null || rates === null || (pv !== undefined && pv.kind === 'str' && mode === null)) return ctx.finish(null);
  if (x === null) return unknownInput(ctx);
  if (x.length !== 4) {
    ctx.sink.add('rank-mismatch', `extract_patches needs a rank-4 input (batch, rows, cols, depth); got rank ${x.length}: ${shapeRepr(x)}.`);
    ctx.unknown(`extract_patches cannot take a rank-${x.length} input`);
    return ctx.finish(null);
  }
  if (sizes === undefined || strides === undefined || rates === undefined || mode === null) {
    ctx.unknown('sizes, strides, rates or padding is not known');
    return ctx.finish(null);
  }
  const out: Shape = [x[0] ?? null];
  for (const a of [1, 2]) {
    const ke = effectiveKernel(sizes[a]!, rates[a]!);
    const n = windowOutput(x[a] ?? null, ke, strides[a]!, mode);
    if (n !== null && n <= 0) {
      ctx.sink.add('shape-mismatch', `The ${a === 1 ? 'rows' : 'cols'} axis (${fmt(x[a] ?? null)}) is smaller than the dilated patch size ${fmt(ke)}: no 'VALID' patch fits.`);
      ctx.unknown('no patch fits');
      return ctx.finish(null);
    }
    out.push(n);
  }
  const depth = x[3] ?? null;
  out.push(depth === null ? null : sizes[1]! * sizes[2]! * depth);
  ctx.step(`Patches of ${sizes[1]}×${sizes[2]} (rate ${rates[1]}×${rates[2]}, stride ${strides[1]}×${strides[2]}, ${mode.toUpperCase()}); each output cell holds ${sizes[1]}·${sizes[2]}·depth values.`);
  return ctx.finish(out);
}

/** An int or a pair of ints (keras.ops.image.extract_patches' size/strides/dilation_rate). */
function pairOf(ctx: OpContext, name: string): [number, number] | null | undefined {
  const v = ctx.raw(name);
  if (v === undefined || v.kind === 'none') return undefined;
  if (v.kind === 'unknown') return null;
  if (isIntLike(v)) return [intValue(v), intValue(v)];
  if (v.kind === 'seq' && v.items.length === 2 && v.items.every(isIntLike)) return [intValue(v.items[0]!), intValue(v.items[1]!)];
  if (v.kind === 'seq' && v.items.some((i) => i.kind === 'unknown')) return null;
  ctx.args.invalid(name, `${name}=${repr(v)} must be an int or a tuple of 2 ints.`);
  return null;
}

/** keras.ops.image.extract_patches: strides default to the patch size, padding 'valid'. */
export function kerasExtractPatches(ctx: OpContext): LayerResult {
  ctx.requireParams();
  const x = main(ctx, 'images');
  const size = pairOf(ctx, 'size');
  const strides = pairOf(ctx, 'strides') ?? size;
  const rates = pairOf(ctx, 'dilation_rate') ?? [1, 1];
  const pv = ctx.raw('padding');
  const padding = pv === undefined || pv.kind === 'none' ? 'valid' : pv.kind === 'str' ? pv.value.toLowerCase() : null;
  const fv = ctx.raw('data_format');
  const format = fv === undefined || fv.kind === 'none' ? ctx.options.defaultDataFormat : fv.kind === 'str' ? fv.value : null;
  if (padding !== null && padding !== 'valid' && padding !== 'same') {
    ctx.args.invalid('padding', `padding=${repr(pv!)} must be 'valid' or 'same'.`);
    return ctx.finish(null);
  }
  if (x === null) return unknownInput(ctx);
  if (size === null || strides === null || rates === null || size === undefined || strides === undefined || padding === null || (format !== 'channels_last' && format !== 'channels_first')) {
    ctx.unknown('size, strides, dilation_rate, padding or data_format is not known');
    return ctx.finish(null);
  }
  if (x.length !== 4 && x.length !== 3) {
    ctx.sink.add('rank-mismatch', `extract_patches needs a rank-4 input (batch, height, width, channels) or one rank-3 image; got rank ${x.length}: ${shapeRepr(x)}.`);
    ctx.unknown(`extract_patches cannot take a rank-${x.length} input`);
    return ctx.finish(null);
  }
  const first = (x.length === 4 ? 1 : 0) + (format === 'channels_first' ? 1 : 0);
  const cA = format === 'channels_first' ? first - 1 : first + 2;
  const out: Shape = [...x];
  for (const [i, a] of [first, first + 1].entries()) {
    const ke = effectiveKernel(size[i]!, rates[i]!);
    const n = windowOutput(x[a] ?? null, ke, strides[i]!, padding);
    if (n !== null && n <= 0) {
      ctx.sink.add('shape-mismatch', `The ${i === 0 ? 'height' : 'width'} (${fmt(x[a] ?? null)}) is smaller than the patch size ${fmt(ke)}: no 'valid' patch fits.`);
      ctx.unknown('no patch fits');
      return ctx.finish(null);
    }
    out[a] = n;
  }
  const C = x[cA] ?? null;
  out[cA] = C === null ? null : size[0] * size[1] * C;
  ctx.step(`Patches of ${size[0]}×${size[1]} (stride ${strides[0]}×${strides[1]}, ${padding}); each holds ${size[0]}·${size[1]}·channels values.`);
  return ctx.finish(out);
}
