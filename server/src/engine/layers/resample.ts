// ZeroPadding1D/2D/3D, Cropping1D/2D/3D and UpSampling1D/2D/3D (spec §8): explicit per-side
// padding or cropping, or a whole-number scale, per spatial axis.
import type { AxisDetail, Dim, LayerResult, PyValue, SymbolicDim, SymbolicShape } from '../types';
import type { IntTuple } from '../args';
import { LayerContext, spatialInput } from '../context';
import { kerasRaises } from '../findings';
import { spatialNames, type Layout } from '../layout';
import { axisSteps, fmt, fmtFactor } from '../explain';
import { cropped, padded, scaled } from '../dim';
import { dimBounds } from '../sym';
import { intValue, isIntLike, pyInt, repr, shapeRepr } from '../py';
import { fPadTuple } from '../torch';

const ORDINAL = ['1st', '2nd', '3rd'];

function seq(items: PyValue[]): PyValue {
  return { kind: 'seq', list: false, items };
}

function pair(b: number, a: number): PyValue {
  return seq([pyInt(b), pyInt(a)]);
}

interface Pads {
  before: IntTuple;
  after: IntTuple;
}

/**
 * The 2-D/3-D padding/cropping argument forms: an int for every side, `n` ints (symmetric per
 * axis) or `n` pairs, validated as ZeroPadding2D/Cropping2D do.
 */
function readPairs(ctx: LayerContext, name: 'padding' | 'cropping', n: number, fallback: PyValue): Pads {
  const v = ctx.args.raw(name) ?? fallback;
  const nulls = (): Pads => ({ before: Array.from({ length: n }, () => null), after: Array.from({ length: n }, () => null) });
  if (v.kind === 'unknown') return nulls();
  if (isIntLike(v)) {
    const p = intValue(v);
    if (p < 0) {
      ctx.args.invalid(
        name,
        name === 'cropping'
          ? kerasRaises(`\`cropping\` cannot be negative. Received: cropping=${p}`)
          : `padding=${p} is negative: Keras accepts an int without checking it, but TensorFlow rejects negative paddings when the layer runs ("Paddings must be non-negative").`,
      );
      return nulls();
    }
    return { before: Array.from({ length: n }, () => p), after: Array.from({ length: n }, () => p) };
  }
  if (v.kind === 'seq') {
    if (v.items.length !== n) {
      const msg =
        n === 2 ? `\`${name}\` should have two elements. Received: ${name}=${repr(v)}` : `\`${name}\` should have 3 elements. Received: ${repr(v)}`;
      ctx.args.invalid(name, kerasRaises(msg));
      return nulls();
    }
    const before: IntTuple = [];
    const after: IntTuple = [];
    v.items.forEach((item, i) => {
      const t = ctx.args.tuple(name, 2, { allowZero: true, value: item, label: `${ORDINAL[i]} entry of ${name}` });
      before.push(t[0] ?? null);
      after.push(t[1] ?? null);
    });
    return { before, after };
  }
  const names = spatialNames(n).join(', ');
  ctx.args.invalid(
    name,
    kerasRaises(
      `\`${name}\` should be either an int, a tuple of ${n} ints, or a tuple of ${n} tuples of 2 ints (before and after for ${names}). Received: ${name}=${repr(v)}`,
    ),
  );
  return nulls();
}

/** The data_format (1-D cropping/upsampling have none: steps are axis 1), then the shared prelude. */
function prepare(ctx: LayerContext, n: number, input: SymbolicShape | null, hasFormat: boolean): { x: SymbolicShape; lay: Layout } | { result: LayerResult<SymbolicDim> } {
  const format = hasFormat ? ctx.args.dataFormat(ctx.options.defaultDataFormat) : 'channels_last';
  return spatialInput(ctx, n, input, format);
}

export function applyZeroPadding(ctx: LayerContext, n: number, input: SymbolicShape | null): LayerResult<SymbolicDim> {
  const pads: Pads =
    n === 1
      ? (() => {
          const t = ctx.args.tuple('padding', 2, { allowZero: true, default: pyInt(1) });
          return { before: [t[0] ?? null], after: [t[1] ?? null] };
        })()
      : readPairs(ctx, 'padding', n, n === 2 ? seq([pyInt(1), pyInt(1)]) : seq([pair(1, 1), pair(1, 1), pair(1, 1)]));
  ctx.step(`${ctx.layer}: pads ${pads.before.map((b, i) => `(${fmt(b)}, ${fmt(pads.after[i])})`).join(', ')} (before, after) per axis.`);
  const p = prepare(ctx, n, input, true);
  if ('result' in p) return p.result;
  const { x, lay } = p;
  const out: SymbolicShape = [...x];
  ctx.axes = lay.spatial.map((axis, i): AxisDetail<SymbolicDim> => {
    const L = x[axis] ?? null;
    const b = pads.before[i] ?? null;
    const a = pads.after[i] ?? null;
    const o = padded(L, b, a);
    out[axis] = o;
    return { axis, name: lay.names[i]!, input: L, output: o, before: b, after: a, formula: `${fmt(L)} + ${fmt(b)} + ${fmt(a)} = ${fmt(o)}` };
  });
  noteUnknown(ctx, x, lay, [...pads.before, ...pads.after]);
  ctx.padding = { mode: 'explicit', before: pads.before, after: pads.after };
  ctx.steps.push(...axisSteps(ctx.axes));
  if (allKnown(pads.before) && allKnown(pads.after)) ctx.torch = `F.pad(x, ${fPadTuple(pads.before, pads.after)})`;
  return ctx.finish(out);
}

export function applyCropping(ctx: LayerContext, n: number, input: SymbolicShape | null): LayerResult<SymbolicDim> {
  const crops: Pads =
    n === 1
      ? (() => {
          const t = ctx.args.tuple('cropping', 2, { allowZero: true, default: pair(1, 1) });
          return { before: [t[0] ?? null], after: [t[1] ?? null] };
        })()
      : readPairs(ctx, 'cropping', n, n === 2 ? seq([pair(0, 0), pair(0, 0)]) : seq([pair(1, 1), pair(1, 1), pair(1, 1)]));
  ctx.step(`${ctx.layer}: crops ${crops.before.map((b, i) => `(${fmt(b)}, ${fmt(crops.after[i])})`).join(', ')} (start, end) per axis.`);
  const p = prepare(ctx, n, input, n !== 1);
  if ('result' in p) return p.result;
  const { x, lay } = p;
  const out: SymbolicShape = [...x];
  const tooMuch: string[] = [];
  ctx.axes = lay.spatial.map((axis, i): AxisDetail<SymbolicDim> => {
    const L = x[axis] ?? null;
    const b = crops.before[i] ?? null;
    const a = crops.after[i] ?? null;
    const raw = cropped(L, b, a);
    let ok = typeof raw !== 'number' || raw > 0;
    if (typeof raw === 'string' && typeof L === 'string' && b !== null && a !== null) {
      // A symbolic length: fine if it is positive for every size, else a condition on the sizes.
      const { lo, hi } = dimBounds(raw);
      if (hi < 1) ok = false;
      else if (lo < 1) {
        ctx.constrain({
          kind: 'atLeast',
          a: L,
          b: b + a + 1,
          axis,
          argument: 'cropping',
          description: `${lay.names[i]}: cropping ${b} + ${a} needs ${L} ≥ ${b + a + 1}`,
        });
      }
    }
    if (!ok && b !== null && a !== null) {
      tooMuch.push(`${lay.names[i]} ${L} - ${b} - ${a} = ${raw} (the smallest ${lay.names[i]} that works is ${b + a + 1})`);
    }
    out[axis] = ok ? raw : null;
    return { axis, name: lay.names[i]!, input: L, output: ok ? raw : null, before: b, after: a, formula: `${fmt(L)} - ${fmt(b)} - ${fmt(a)} = ${fmt(raw)}` };
  });
  if (tooMuch.length > 0) {
    const cropText = n === 1 ? repr(seq([pyInt(crops.before[0]!), pyInt(crops.after[0]!)])) : `(${crops.before.map((b, i) => `(${fmt(b)}, ${fmt(crops.after[i])})`).join(', ')})`;
    const keras =
      n === 1
        ? `\`cropping\` parameter of \`Cropping1D\` layer must be smaller than the input length. Received: input_shape=${shapeRepr(x)}, cropping=${cropText}`
        : `Values in \`cropping\` argument should be smaller than the corresponding spatial dimension of the input. Received: input_shape=${shapeRepr(x)}, cropping=${cropText}`;
    ctx.sink.add('non-positive-dimension', `${ctx.layer} crops away the whole axis: ${tooMuch.join('; ')}. ${kerasRaises(keras)}`, 'cropping');
    ctx.unknown('the cropping removes the whole axis');
  }
  noteUnknown(ctx, x, lay, [...crops.before, ...crops.after]);
  ctx.padding = { mode: 'explicit', before: crops.before, after: crops.after, crop: true };
  ctx.steps.push(...axisSteps(ctx.axes));
  if (allKnown(crops.before) && allKnown(crops.after)) {
    const slices = crops.before.map((b, i) => `${b}:${crops.after[i] === 0 ? '' : `-${crops.after[i]}`}`);
    ctx.torch = `x[:, :, ${slices.join(', ')}]`;
  }
  return ctx.finish(out);
}

export function applyUpSampling(ctx: LayerContext, n: number, input: SymbolicShape | null): LayerResult<SymbolicDim> {
  let size: IntTuple;
  if (n === 1) {
    const v = ctx.args.raw('size') ?? pyInt(2);
    if (v.kind === 'unknown') size = [null];
    else if (v.kind === 'int' && v.value > 0 && Number.isSafeInteger(v.value)) size = [v.value];
    else {
      ctx.args.invalid('size', kerasRaises(`Argument \`size\` should be a positive integer. Received: size=${repr(v)}`));
      size = [null];
    }
  } else {
    size = ctx.args.tuple('size', n, { default: pyInt(2) });
  }
  ctx.step(`${ctx.layer}: size=${size.length === 1 ? fmt(size[0]) : `(${size.map(fmt).join(', ')})`}.`);
  const p = prepare(ctx, n, input, n !== 1);
  if ('result' in p) return p.result;
  const { x, lay } = p;
  const out: SymbolicShape = [...x];
  ctx.axes = lay.spatial.map((axis, i): AxisDetail<SymbolicDim> => {
    const L = x[axis] ?? null;
    const f = size[i] ?? null;
    const o = scaled(L, f);
    out[axis] = o;
    return { axis, name: lay.names[i]!, input: L, output: o, formula: `${fmtFactor(L)}·${fmt(f)} = ${fmt(o)}` };
  });
  noteUnknown(ctx, x, lay, size);
  ctx.steps.push(...axisSteps(ctx.axes));
  if (allKnown(size)) {
    const interp = ctx.args.raw('interpolation');
    const m = interp && interp.kind === 'str' ? interp.value.toLowerCase() : 'nearest';
    const mode = m === 'bilinear' ? "'bilinear', align_corners=False" : m === 'nearest' ? "'nearest'" : `'${m}'`;
    ctx.torch = `nn.Upsample(scale_factor=${n === 1 ? String(size[0]) : `(${size.join(', ')})`}, mode=${mode})`;
  }
  return ctx.finish(out);
}

function allKnown(xs: readonly Dim[]): xs is number[] {
  return xs.every((x) => x !== null);
}

function noteUnknown(ctx: LayerContext, x: SymbolicShape, lay: Layout, values: readonly Dim[]): void {
  if (lay.spatial.some((a) => x[a] === null)) ctx.unknown('some input dimensions are not known');
  if (values.some((v) => v === null)) ctx.unknown(`a ${ctx.layer} argument value is not known`);
}

