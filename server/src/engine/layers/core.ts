// Dense, Flatten, Reshape, Permute, RepeatVector: the non-spatial shape changers, exact to
// Keras 3's compute_output_shape (reshape: operation_utils.compute_reshape_output_shape).
import type { LayerResult, PyValue, SymbolicDim, SymbolicShape } from '../types';
import { LayerContext, inputOrUnknown } from '../context';
import { kerasRaises } from '../findings';
import { checkMinRank, checkRank } from '../layout';
import { fmt, fmtFactor, inputStep } from '../explain';
import { divides, equalVerdict, inferredDim, product } from '../dim';
import { intValue, isIntLike, isSafeSize, repr, shapeRepr, tupleRepr, typeRepr } from '../py';

export function applyDense(ctx: LayerContext, input: SymbolicShape | null): LayerResult<SymbolicDim> {
  ctx.args.requireAll(['units']);
  let units: number | null = null;
  const raw = ctx.args.raw('units');
  if (raw !== undefined && raw.kind !== 'unknown') {
    // Dense checks isinstance(units, int) and units > 0 (a bool is an int to Python).
    if (isIntLike(raw) && intValue(raw) > 0 && isSafeSize(intValue(raw))) units = intValue(raw);
    else {
      ctx.args.invalid(
        'units',
        kerasRaises(`Received an invalid value for \`units\`, expected a positive integer. Received: units=${repr(raw)}`),
      );
    }
  }
  ctx.step(`Dense: units=${fmt(units)}; acts on the last axis only.`);
  if (input === null) {
    // Dense keeps every axis but the last, so its rank is the input's: an assumed rank 2 here
    // would raise rank-mismatch on a Conv2D after it (a Dense on a 4-D feature map is common).
    ctx.unknown('the input shape is not known');
    if (units === null) ctx.unknown('units is not known');
    return ctx.finish(null);
  }
  const x = input;
  ctx.step(inputStep(x));
  if (!checkMinRank('Dense', x, 2, ctx.sink, '(batch, ..., features)')) {
    ctx.unknown('Dense needs at least a batch and a feature axis');
    return ctx.finish(null);
  }
  const out: SymbolicShape = [...x];
  out[out.length - 1] = units;
  const inF = x[x.length - 1] ?? null;
  ctx.step(`last axis: ${fmt(inF)} features → ${fmt(units)} units; other axes unchanged.`);
  if (typeof inF === 'string') {
    // Keras builds the kernel (features, units) from the input shape, where this size is None.
    ctx.step(`Keras needs the number of input features to build the kernel: ${inF} must be a fixed size.`);
    ctx.constrain({
      kind: 'fixed',
      a: inF,
      b: null,
      axis: x.length - 1,
      description: `Dense needs a known number of input features (kernel of shape (${inF}, ${fmt(units)})), so ${inF} must be fixed`,
    });
  }
  if (units === null) ctx.unknown('units is not known');
  ctx.torch = `nn.Linear(${inF === null ? 'in_features' : inF}, ${units === null ? 'out_features' : units})`;
  return ctx.finish(out);
}

export function applyFlatten(ctx: LayerContext, input: SymbolicShape | null): LayerResult<SymbolicDim> {
  const format = ctx.args.dataFormat(ctx.options.defaultDataFormat);
  if (input === null) {
    ctx.unknown('the input shape is not known');
    return ctx.finish([null, null]);
  }
  ctx.step(inputStep(input));
  if (!checkMinRank('Flatten', input, 1, ctx.sink)) return ctx.finish(null);
  const rest = input.slice(1);
  const flat: SymbolicDim = rest.length === 0 ? 1 : product(rest);
  ctx.step(
    rest.length === 0
      ? 'No feature axes: Flatten adds one of size 1.'
      : `Features: ${rest.map(fmtFactor).join('·')} = ${fmt(flat)}${format === 'channels_first' && rest.length > 1 ? ' (channels_first: transposed to channels-last order before flattening; the size is the same)' : ''}.`,
  );
  if (flat === null) ctx.unknown('a non-batch dimension is not known');
  return ctx.finish([input[0] ?? null, flat]);
}

/** Reads a tuple of ints that may contain -1 (Reshape) ; unknown items become null. */
function readTargetShape(ctx: LayerContext): { dims: (number | null)[]; text: string } | null {
  const v = ctx.args.raw('target_shape');
  if (v === undefined) return null;
  if (v.kind === 'unknown') {
    ctx.unknown('target_shape is not known');
    return null;
  }
  if (v.kind !== 'seq') {
    const msg = isIntLike(v)
      ? `Python raises TypeError: '${typeRepr(v).slice(8, -2)}' object is not iterable (\`target_shape\` must be a tuple: write target_shape=(${repr(v)},))`
      : `\`target_shape\` must be a tuple of integers. Received target_shape=${repr(v)}`;
    ctx.args.invalid('target_shape', msg);
    return null;
  }
  const dims: (number | null)[] = [];
  for (const item of v.items) {
    if (item.kind === 'unknown') {
      dims.push(null);
    } else if (isIntLike(item) && (intValue(item) >= 0 || intValue(item) === -1) && isSafeSize(intValue(item))) {
      dims.push(intValue(item));
    } else {
      const why =
        item.kind === 'none'
          ? 'None is not allowed in target_shape (use -1 for the one inferred dimension)'
          : isIntLike(item)
            ? `${intValue(item)} is negative and not -1, which TensorFlow's reshape rejects`
            : `${repr(item)} is not an integer`;
      ctx.args.invalid('target_shape', `target_shape=${repr(v)} is invalid: ${why}.`);
      return null;
    }
  }
  return { dims, text: repr({ ...v, list: false } as PyValue) };
}

export function applyReshape(ctx: LayerContext, input: SymbolicShape | null): LayerResult<SymbolicDim> {
  ctx.args.requireAll(['target_shape']);
  const target = readTargetShape(ctx);
  if (target && target.dims.filter((d) => d === -1).length > 1) {
    ctx.args.invalid(
      'target_shape',
      kerasRaises(`The \`target_shape\` argument must not contain more than one \`-1\` value. Received: target_shape=${target.text}`),
    );
  }
  ctx.step(`Reshape: target_shape=${target ? target.text : 'unknown'} (batch axis kept).`);
  const x = input;
  if (x !== null) ctx.step(inputStep(x));
  else ctx.unknown('the input shape is not known');
  if (x !== null && !checkMinRank('Reshape', x, 1, ctx.sink)) return ctx.finish(null);
  const batch: SymbolicDim = x ? (x[0] ?? null) : null;
  if (!target) {
    if (!ctx.sink.has('invalid-layer-argument')) ctx.unknown('target_shape is not known');
    return ctx.finish(null);
  }
  const dims = target.dims;
  const asOut = (): SymbolicShape => [batch, ...dims.map((d) => (d === -1 ? null : d))];
  if (dims.filter((d) => d === -1).length > 1) return ctx.finish(asOut());

  const rest = x ? x.slice(1) : null;
  const inSize = rest ? product(rest) : null;
  if (inSize === null || dims.some((d) => d === null)) {
    if (dims.includes(-1)) ctx.unknown('the -1 dimension cannot be inferred: a size is not known');
    return ctx.finish(asOut());
  }
  const inText = tupleRepr(rest!);
  const known = product(dims.filter((d) => d !== -1)) as number;
  if (!dims.includes(-1)) {
    const same = equalVerdict(inSize, known);
    if (same === undefined) {
      ctx.step(`Total size: the input's ${rest!.map(fmtFactor).join('·')} = ${fmt(inSize)} values per sample must be the target's ${known}.`);
      ctx.constrain({
        kind: 'equal',
        a: inSize,
        b: known,
        argument: 'target_shape',
        description: `Reshape keeps the total size: ${fmt(inSize)} (input) = ${known} (target_shape=${target.text})`,
      });
    } else if (!same) {
      ctx.args.invalid(
        'target_shape',
        kerasRaises(
          `The total size of the tensor must be unchanged. Received: input_shape=${inText}, target_shape=${target.text}`,
          'ValueError',
          `The input holds ${rest!.map(fmtFactor).join('·')} = ${fmt(inSize)} values per sample, the target ${dims.join('·')} = ${known}.`,
        ),
      );
    } else {
      ctx.step(`Total size ${inSize} is unchanged.`);
    }
    return ctx.finish(asOut());
  }
  const inferred = inferredDim(inSize, known);
  if (inferred === 'indivisible' || inferred === null) {
    ctx.args.invalid(
      'target_shape',
      kerasRaises(
        `The total size of the tensor must be unchanged, however, the input size cannot by divided by the specified dimensions in target_shape. Received: input_shape=${inText}, target_shape=${target.text}`,
        'ValueError',
        `${fmt(inSize)} values per sample are not a multiple of ${known}.`,
      ),
    );
    ctx.unknown('the -1 dimension cannot be inferred');
    return ctx.finish(asOut());
  }
  if (typeof inSize === 'string' && divides(inSize, known) === undefined) {
    ctx.step(`-1 = ${fmtFactor(inSize)} / ${known} = ${fmt(inferred)} when ${known} divides ${fmt(inSize)}.`);
    ctx.constrain({
      kind: 'divisible',
      a: inSize,
      b: known,
      argument: 'target_shape',
      description: `Reshape infers -1 = ${fmtFactor(inSize)} / ${known}, so ${known} must divide ${fmt(inSize)} (target_shape=${target.text})`,
    });
  } else {
    ctx.step(`-1 = ${fmtFactor(inSize)} / ${known} = ${fmt(inferred)}.`);
  }
  return ctx.finish([batch, ...dims.map((d) => (d === -1 ? inferred : d))]);
}

export function applyPermute(ctx: LayerContext, input: SymbolicShape | null): LayerResult<SymbolicDim> {
  ctx.args.requireAll(['dims']);
  const v = ctx.args.raw('dims');
  let dims: number[] | null = null;
  if (v !== undefined && v.kind !== 'unknown') {
    const items = v.kind === 'seq' ? v.items : null;
    const ints = items && items.every(isIntLike) ? items.map((i) => intValue(i as { kind: 'int'; value: number })) : null;
    const sorted = ints ? [...ints].sort((a, b) => a - b) : null;
    if (ints && sorted!.every((d, i) => d === i + 1)) dims = ints;
    else if (items && items.some((i) => i.kind === 'unknown')) dims = null;
    else {
      ctx.args.invalid(
        'dims',
        kerasRaises(
          `Invalid permutation argument \`dims\` for Permute Layer. The set of indices in \`dims\` must be consecutive and start from 1. Received dims=${repr(v)}`,
        ),
      );
    }
  }
  ctx.step(`Permute: dims=${dims ? tupleRepr(dims) : 'unknown'} (1-based, batch axis fixed).`);
  if (input !== null) ctx.step(inputStep(input));
  if (dims === null) {
    ctx.unknown('dims is not known');
    return ctx.finish(input === null ? null : [input[0] ?? null, ...input.slice(1).map(() => null)]);
  }
  const x = inputOrUnknown(ctx, input, dims.length + 1);
  if (!checkRank('Permute', x, dims.length + 1, ctx.sink, `(one axis per entry of dims=${tupleRepr(dims)})`)) {
    ctx.unknown('the input rank does not match dims');
    return ctx.finish(null);
  }
  const out: SymbolicShape = [x[0] ?? null, ...dims.map((d) => x[d] ?? null)];
  ctx.step(`Axes reordered: ${dims.map((d) => `axis ${d} (${fmt(x[d])})`).join(', ')}.`);
  ctx.torch = `x.permute(0, ${dims.join(', ')})`;
  return ctx.finish(out);
}

export function applyRepeatVector(ctx: LayerContext, input: SymbolicShape | null): LayerResult<SymbolicDim> {
  ctx.args.requireAll(['n']);
  let n: number | null = null;
  const v = ctx.args.raw('n');
  if (v !== undefined && v.kind !== 'unknown') {
    if (!isIntLike(v)) {
      ctx.args.invalid('n', kerasRaises(`Expected an integer value for \`n\`, got ${typeRepr(v)}`, 'TypeError'));
    } else if (intValue(v) < 0) {
      ctx.args.invalid('n', `n=${intValue(v)} is negative: Keras accepts it, but repeating a negative number of times fails when the layer runs.`);
    } else n = intValue(v);
  }
  ctx.step(`RepeatVector: n=${fmt(n)}.`);
  const x = inputOrUnknown(ctx, input, 2);
  if (input !== null) ctx.step(inputStep(x));
  if (!checkRank('RepeatVector', x, 2, ctx.sink, '(batch, features)')) {
    ctx.unknown('RepeatVector needs a rank-2 input');
    return ctx.finish(null);
  }
  if (n === null) ctx.unknown('n is not known');
  ctx.step(`(batch, features) → (batch, n, features): ${shapeRepr(x)} → (${fmt(x[0])}, ${fmt(n)}, ${fmt(x[1])}).`);
  return ctx.finish([x[0] ?? null, n, x[1] ?? null]);
}
