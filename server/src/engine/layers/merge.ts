// Concatenate and the elementwise merges (Add, Subtract, Multiply, Average, Maximum, Minimum).
// Output shapes follow Keras 3 (merging/concatenate.py, base_merge.py); a mismatch is reported
// only between known dimensions, and also when Keras' fold would miss it because an unknown
// dimension came first (TF then fails when the model runs).
import type { LayerResult, SymbolicDim, SymbolicShape } from '../types';
import { LayerContext } from '../context';
import { kerasRaises } from '../findings';
import { broadcastDim, broadcastVerdict, equalVerdict, sum } from '../dim';
import { fmt } from '../explain';
import { intValue, isIntLike, repr, shapeRepr, tupleRepr } from '../py';

function shapesRepr(inputs: (SymbolicShape | null)[]): string {
  return `[${inputs.map((s) => (s === null ? 'None' : shapeRepr(s))).join(', ')}]`;
}

function describe(i: number, s: SymbolicShape | null): string {
  return `input ${i} ${s === null ? '(unknown shape)' : shapeRepr(s)}`;
}

export function applyConcatenate(ctx: LayerContext, inputs: (SymbolicShape | null)[]): LayerResult<SymbolicDim> {
  const raw = ctx.args.raw('axis') ?? { kind: 'int', value: -1 };
  let axis: number | null = null;
  if (raw.kind !== 'unknown') {
    if (isIntLike(raw)) axis = intValue(raw);
    else ctx.args.invalid('axis', `axis must be an integer. Received axis=${repr(raw)}.`);
  }
  ctx.step(`Concatenate(axis=${axis === null ? 'unknown' : axis}) of ${inputs.length} input(s): ${shapesRepr(inputs)}.`);
  if (inputs.length === 0) {
    ctx.sink.add('shape-mismatch', kerasRaises('A `Concatenate` layer should be called on a list of at least 1 input. Received: input_shape=[]'));
    return ctx.finish(null);
  }
  const known = inputs.map((s, i) => ({ s, i })).filter((e): e is { s: SymbolicShape; i: number } => e.s !== null);
  const ranks = new Set(known.map((e) => e.s.length));
  if (ranks.size > 1) {
    const first = known[0]!;
    const other = known.find((e) => e.s.length !== first.s.length)!;
    ctx.sink.add(
      'shape-mismatch',
      `Concatenate needs inputs of the same rank: ${describe(first.i, first.s)} has rank ${first.s.length} but ${describe(other.i, other.s)} has rank ${other.s.length}. ` +
        kerasRaises(`A \`Concatenate\` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape=${shapesRepr(inputs)}`),
      undefined,
      [first.i, ...known.filter((e) => e.s.length !== first.s.length).map((e) => e.i)].sort((a, b) => a - b),
    );
    ctx.unknown('the inputs cannot be concatenated');
    return ctx.finish(null);
  }
  const rank = known.length > 0 ? known[0]!.s.length : null;
  if (axis === null || rank === null) {
    if (axis === null) ctx.unknown('the concatenation axis is not known');
    if (rank === null) ctx.unknown('no input shape is known');
    return ctx.finish(rank === null ? null : Array.from({ length: rank }, () => null));
  }
  if (axis < -rank || axis >= rank) {
    ctx.args.invalid('axis', `axis=${axis} is out of range for rank-${rank} inputs (valid: ${-rank} to ${rank - 1}).`);
    ctx.unknown('the concatenation axis is out of range');
    return ctx.finish(null);
  }
  const ax = ((axis % rank) + rank) % rank;

  const problems: string[] = [];
  const involved = new Set<number>();
  for (let p = 0; p < rank; p++) {
    if (p === ax) continue;
    const vals = known.filter((e) => e.s[p] !== null);
    if (vals.length === 0) continue;
    const ref = vals[0]!;
    const refDim = ref.s[p] ?? null;
    const diff = vals.filter((e) => equalVerdict(refDim, e.s[p] ?? null) === false);
    // Symbolic sizes that agree only for some input sizes: a condition, not a finding.
    for (const e of vals.slice(1)) {
      const eDim = e.s[p] ?? null;
      if (equalVerdict(refDim, eDim) !== undefined) continue;
      ctx.constrain({
        kind: 'equal',
        a: refDim,
        b: eDim,
        axis: p,
        inputs: [ref.i, e.i],
        description: `Concatenate(axis=${axis}) needs axis ${p} to agree: ${fmt(refDim)} (input ${ref.i}) = ${fmt(eDim)} (input ${e.i})`,
      });
    }
    if (diff.length === 0) continue;
    involved.add(ref.i);
    diff.forEach((e) => involved.add(e.i));
    problems.push(`on axis ${p} input ${ref.i} has ${fmt(refDim)} while ${diff.map((e) => `input ${e.i} has ${fmt(e.s[p])}`).join(', ')}`);
  }
  if (problems.length > 0) {
    const ids = [...involved].sort((a, b) => a - b);
    ctx.sink.add(
      'shape-mismatch',
      `Concatenate(axis=${axis}) needs the inputs to match on every axis except axis ${ax}, but ${problems.join(', and ')} ` +
        `(shapes ${ids.map((i) => shapeRepr(inputs[i]!)).join(' and ')}). ` +
        kerasRaises(`A \`Concatenate\` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape=${shapesRepr(inputs)}`),
      undefined,
      ids,
    );
    ctx.unknown('the inputs cannot be concatenated');
    return ctx.finish(null);
  }
  const first = inputs[0];
  if (first === null || first === undefined) {
    ctx.unknown('the first input shape is not known');
    return ctx.finish(Array.from({ length: rank }, () => null));
  }
  const out: SymbolicShape = [...first];
  const parts: SymbolicDim[] = inputs.map((s) => (s === null ? null : (s[ax] ?? null)));
  out[ax] = sum(parts);
  ctx.step(`axis ${ax}: ${parts.map(fmt).join(' + ')} = ${fmt(out[ax])}; other axes as input 0.`);
  if (out[ax] === null) ctx.unknown('a size on the concatenation axis is not known');
  return ctx.finish(out);
}

export function applyElementwise(ctx: LayerContext, inputs: (SymbolicShape | null)[]): LayerResult<SymbolicDim> {
  const layer = ctx.layer;
  ctx.step(`${layer} of ${inputs.length} input(s): ${shapesRepr(inputs)}; shapes broadcast from the last axis.`);
  if (inputs.length === 0) {
    ctx.sink.add('shape-mismatch', kerasRaises('A merge layer should be called on a list of at least 1 input. Received 0 inputs'));
    return ctx.finish(null);
  }
  // A lone unknown input is how a layer that was never applied is checked for its arguments
  // alone; only a known list of the wrong length is reported.
  const lone = inputs.length === 1 && inputs[0] === null;
  if (layer === 'Subtract' && inputs.length !== 2 && !lone) {
    ctx.sink.add(
      'shape-mismatch',
      kerasRaises(`A \`Subtract\` layer should be called on exactly 2 inputs. Received: input_shape=${shapesRepr(inputs)}`),
      undefined,
      inputs.map((_, i) => i),
    );
  }
  const known = inputs.map((s, i) => ({ s, i })).filter((e): e is { s: SymbolicShape; i: number } => e.s !== null);

  // Batch axis: any two known, different batch sizes cannot be merged.
  const batches = known.filter((e) => e.s.length > 0 && typeof e.s[0] === 'number');
  const b0 = batches[0];
  const badBatch = b0 ? batches.filter((e) => e.s[0] !== b0.s[0]) : [];
  if (b0 && badBatch.length > 0) {
    ctx.sink.add(
      'shape-mismatch',
      `${layer} cannot merge different batch sizes: input ${b0.i} has ${b0.s[0]} but ${badBatch.map((e) => `input ${e.i} has ${e.s[0]}`).join(', ')}. ` +
        kerasRaises(`Cannot merge tensors with different batch sizes. Received tensors with shapes ${shapesRepr(inputs)}`),
      undefined,
      [b0.i, ...badBatch.map((e) => e.i)],
    );
  }

  // Non-batch axes, right-aligned: known sizes other than 1 must agree.
  const maxLen = Math.max(0, ...known.map((e) => e.s.length - 1));
  const problems: string[] = [];
  const involved = new Set<number>();
  for (let back = 1; back <= maxLen; back++) {
    const vals = known
      .filter((e) => e.s.length - 1 >= back)
      .map((e) => ({ i: e.i, v: e.s[e.s.length - back] ?? null }))
      .filter((e): e is { i: number; v: NonNullable<SymbolicDim> } => e.v !== null && e.v !== 1);
    if (vals.length === 0) continue;
    const ref = vals[0]!;
    const diff = vals.filter((e) => broadcastVerdict(ref.v, e.v) === false);
    const rank0 = known[0]!.s.length;
    for (const e of vals.slice(1)) {
      if (broadcastVerdict(ref.v, e.v) !== undefined) continue;
      // Symbolic sizes that agree only for some input sizes: a condition, not a finding. The
      // condition is that they line up (equal); a symbolic size that happens to be 1 would
      // broadcast too, but that is not what a merge of two paths means, and the output shape
      // given (the size they share) holds exactly where the condition does.
      const axisIndex = ranksEqual(known) ? rank0 - back : undefined;
      ctx.constrain({
        kind: 'equal',
        a: ref.v,
        b: e.v,
        ...(axisIndex !== undefined ? { axis: axisIndex } : {}),
        inputs: [ref.i, e.i],
        description: `${layer} needs ${axisIndex !== undefined ? `axis ${axisIndex}` : back === 1 ? 'the last axis' : `axis -${back}`} to agree: ${fmt(ref.v)} (input ${ref.i}) = ${fmt(e.v)} (input ${e.i})`,
      });
    }
    if (diff.length === 0) continue;
    involved.add(ref.i);
    diff.forEach((e) => involved.add(e.i));
    const where = ranksEqual(known) ? `axis ${known[0]!.s.length - back}` : back === 1 ? 'the last axis' : `axis -${back}`;
    problems.push(`on ${where} input ${ref.i} has ${ref.v} but ${diff.map((e) => `input ${e.i} has ${e.v}`).join(', ')}`);
  }
  if (problems.length > 0) {
    const ids = [...involved].sort((a, b) => a - b);
    ctx.sink.add(
      'shape-mismatch',
      `${layer} cannot combine its inputs: ${problems.join('; ')} (shapes ${ids.map((i) => shapeRepr(inputs[i]!)).join(' and ')}); ` +
        `sizes must be equal or 1 on every axis. ` +
        kerasRaises(`Inputs have incompatible shapes. Received shapes ${ids.slice(0, 2).map((i) => tupleRepr(inputs[i]!.slice(1))).join(' and ')}`),
      undefined,
      ids,
    );
  }
  if (ctx.sink.has('shape-mismatch')) {
    ctx.unknown('the inputs cannot be combined');
    return ctx.finish(null);
  }
  if (known.length < inputs.length) {
    ctx.unknown('an input shape is not known');
    return ctx.finish(null);
  }

  // Keras' fold over the non-batch shapes (_compute_elemwise_op_output_shape).
  let acc: SymbolicDim[] = inputs[0]!.slice(1);
  for (const s of inputs.slice(1)) {
    const next = s!.slice(1);
    const [long, short] = acc.length >= next.length ? [acc, next] : [next, acc];
    const lead = long.slice(0, long.length - short.length);
    const tail = long.slice(long.length - short.length).map((d, i) => broadcastDim(d, short[i] ?? null));
    acc = [...lead, ...tail.map((d) => (d === 'mismatch' ? null : d))];
  }
  const batchSet = new Set(known.map((e) => e.s[0] ?? null).filter((b) => b !== null));
  const batch: SymbolicDim = batchSet.size === 1 ? [...batchSet][0]! : null;
  const out: SymbolicShape = [batch, ...acc];
  if (acc.some((d) => d === null)) ctx.unknown('some input dimensions are not known');
  return ctx.finish(out);
}

function ranksEqual(known: { s: SymbolicShape }[]): boolean {
  return new Set(known.map((e) => e.s.length)).size === 1;
}
