// Conv1DTranspose/2D/3D (spec §5): Keras' output length, the crop TF applies to the full
// transposed result (negative = extended at the end), and the one case Keras accepts but
// TensorFlow rejects at run time ('same' with an even effective kernel and output_padding=0).
import type { AxisDetail, Dim, LayerResult, SymbolicDim, SymbolicShape } from '../types';
import { LayerContext, spatialInput } from '../context';
import { kerasRaises } from '../findings';
import { axisSteps, fmt, fmtFactor } from '../explain';
import { transposeTorch } from '../torch';
import { effectiveKernel, transposeConsistent, transposeCrops, transposeFull, transposeOutput, windowOutput } from '../dim';
import { pyInt, tupleRepr } from '../py';
import type { IntTuple } from '../args';

export function applyConvTranspose(ctx: LayerContext, n: number, input: SymbolicShape | null): LayerResult<SymbolicDim> {
  const { args } = ctx;
  const layer = ctx.layer;
  args.requireAll(['filters', 'kernel_size']);
  const k = args.tuple('kernel_size', n);
  const s = args.tuple('strides', n, { default: pyInt(1) });
  const d = args.tuple('dilation_rate', n, { default: pyInt(1) });
  const mode = args.convPadding(false) as 'valid' | 'same' | null;
  const opRaw = args.raw('output_padding');
  const hasOp = opRaw !== undefined && opRaw.kind !== 'none';
  const op: IntTuple | undefined = hasOp ? args.tuple('output_padding', n, { allowZero: true }) : undefined;
  const format = args.dataFormat(ctx.options.defaultDataFormat);
  let filters: number | null = null;
  if (args.raw('filters') !== undefined) {
    filters = args.int('filters', {
      check: (f) =>
        f <= 0 ? kerasRaises(`Invalid value for argument \`filters\`. Expected a strictly positive value. Received filters=${f}`) : undefined,
    });
  }

  if (op) {
    const bad = op.map((o, i) => ({ i, o, st: s[i] ?? null })).filter((e) => e.o !== null && e.st !== null && e.o >= e.st);
    if (bad.length > 0) {
      const first = bad[0]!;
      const more = bad.length > 1 ? `The same holds at dimension ${bad.slice(1).map((b) => b.i).join(', ')}.` : undefined;
      const msg = kerasRaises(
        `\`output_padding\` must be strictly less than \`strides\` for all dimensions. At dimension ${first.i}, ` +
          `\`output_padding\` is ${first.o} but \`strides\` is ${first.st}. Received: output_padding=${tupleRepr(op)}, strides=${tupleRepr(s)}`,
        'ValueError',
        more,
        'Keras (3.14 and later)',
      );
      args.invalid('output_padding', msg);
    }
  }
  if (s.some((x) => x !== null && x > 1) && d.some((x) => x !== null && x > 1)) {
    args.invalid(
      'strides',
      kerasRaises(
        `\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`. Received: strides=${tupleRepr(s)} and dilation_rate=${tupleRepr(d)}`,
      ),
    );
  }

  ctx.step(
    `${layer}: filters=${fmt(filters)}, kernel_size=${tupleRepr(k)}, strides=${tupleRepr(s)}, padding=${mode === null ? 'unknown' : `'${mode}'`}, ` +
      `output_padding=${op ? tupleRepr(op) : 'None'}, dilation_rate=${tupleRepr(d)}, data_format=${format ?? 'unknown'}.`,
  );

  const prep = spatialInput(ctx, n, input, format);
  if ('result' in prep) return prep.result;
  const { x, lay } = prep;
  const out: SymbolicShape = [...x];
  out[lay.channel] = filters;
  if (filters === null) ctx.unknown('the number of filters is not known');

  const axes: AxisDetail<SymbolicDim>[] = [];
  const outs: SymbolicDim[] = [];
  const cb: Dim[] = [];
  const ca: Dim[] = [];
  lay.spatial.forEach((axis, i) => {
    const L = x[axis] ?? null;
    const ki = k[i] ?? null;
    const si = s[i] ?? null;
    const di = d[i] ?? null;
    const ke = effectiveKernel(ki, di);
    const opi = op ? (op[i] ?? null) : undefined;
    const detail: AxisDetail<SymbolicDim> = { axis, name: lay.names[i]!, input: L, output: null, formula: '' };
    if (ki !== null) detail.kernel = ki;
    if (si !== null) detail.stride = si;
    if (di !== null) detail.dilation = di;
    if (ke !== null) detail.effectiveKernel = ke;
    if (mode === null) {
      detail.formula = 'unknown: the padding mode is not known';
      outs.push(null);
      cb.push(null);
      ca.push(null);
      axes.push(detail);
      return;
    }
    const o = transposeOutput(L, ke, si, mode, opi);
    const crops = transposeCrops(ke, si, mode, opi);
    const full = transposeFull(L, ke, si);
    detail.output = o;
    detail.before = crops.before;
    detail.after = crops.after;
    detail.formula = transposeFormula(L, ke, si, mode, opi, o);
    detail.paddingFormula = cropFormula(L, ke, si, full, o, crops.before, crops.after);
    outs.push(o);
    cb.push(crops.before);
    ca.push(crops.after);
    axes.push(detail);
    out[axis] = o;
  });
  ctx.axes = axes;
  if (mode === null) ctx.unknown('the padding mode is not known');
  else ctx.padding = { mode, before: cb, after: ca, crop: true };
  if (lay.spatial.some((a, i) => outs[i] === null && x[a] === null)) ctx.unknown('some input dimensions are not known');
  if ([...k, ...s, ...d, ...(op ?? [])].some((v) => v === null)) ctx.unknown('a kernel_size, strides, dilation_rate or output_padding value is not known');
  ctx.steps.push(...axisSteps(axes));
  ctx.step(`channels: filters = ${fmt(filters)}.`);

  if (mode !== null) transposeFindings(ctx, mode, lay.names, x, lay.spatial, k, s, d, op, outs, cb, ca);

  if (mode !== null) {
    const C = x[lay.channel] ?? null;
    const torch = transposeTorch({
      n,
      inChannels: C === null ? 'in_channels' : String(C),
      outChannels: filters === null ? 'out_channels' : String(filters),
      k,
      s,
      d,
      cropBefore: cb,
      cropAfter: ca,
      out: outs.map((o) => (typeof o === 'number' ? o : null)),
    });
    if (torch !== undefined) ctx.torch = torch;
  }
  return ctx.finish(out);
}

function transposeFormula(L: SymbolicDim, ke: Dim, s: Dim, mode: 'valid' | 'same', op: Dim | undefined, o: SymbolicDim): string {
  if (op === undefined) {
    if (mode === 'same') return `${fmtFactor(L)}·${fmt(s)} = ${fmt(o)}`;
    return `(${fmt(L)} - 1)·${fmt(s)} + max(${fmt(ke)}, ${fmt(s)}) = ${fmt(o)}`;
  }
  if (mode === 'same') return `(${fmt(L)} - 1)·${fmt(s)} + (${fmt(ke)} mod 2) + ${fmt(op)} = ${fmt(o)}`;
  return `(${fmt(L)} - 1)·${fmt(s)} + ${fmt(ke)} + ${fmt(op)} = ${fmt(o)}`;
}

function cropFormula(L: SymbolicDim, ke: Dim, s: Dim, full: SymbolicDim, o: SymbolicDim, b: Dim, a: Dim): string {
  const fullText = `full = (${fmt(L)} - 1)·${fmt(s)} + ${fmt(ke)} = ${fmt(full)}`;
  if (b === null || a === null) return `${fullText}; crop unknown`;
  const end = a >= 0 ? `${a} at the end` : `none at the end, extended by ${-a} zero cell(s) (bias only)`;
  return `${fullText}; TensorFlow keeps ${fmt(o)} cells: crops ${b} at the start, ${end}`;
}

function transposeFindings(
  ctx: LayerContext,
  mode: 'valid' | 'same',
  names: string[],
  x: SymbolicShape,
  spatial: number[],
  k: IntTuple,
  s: IntTuple,
  d: IntTuple,
  op: IntTuple | undefined,
  outs: SymbolicDim[],
  cb: Dim[],
  ca: Dim[],
): void {
  const layer = ctx.layer;
  if (mode === 'same') {
    const ups: string[] = [];
    spatial.forEach((axis, i) => {
      const si = s[i] ?? null;
      if (si === null || si <= 1) return;
      const L = x[axis] ?? null;
      const opi = op ? (op[i] ?? null) : undefined;
      const ke = effectiveKernel(k[i] ?? null, d[i] ?? null);
      if (opi === undefined) {
        ups.push(L === null ? `${names[i]} n → n·${si}` : `${names[i]} ${L} → ${fmtFactor(L)}·${si} = ${fmt(outs[i])}`);
      } else if (opi !== null && ke !== null) {
        ups.push(
          L === null
            ? `${names[i]} n → (n - 1)·${si} + ${ke % 2} + ${opi}`
            : `${names[i]} ${L} → (${L} - 1)·${si} + (${ke} mod 2) + ${opi} = ${fmt(outs[i])}`,
        );
      }
    });
    if (ups.length > 0) {
      ctx.sink.add(
        'same-transpose-upsamples',
        `padding='same' does not keep the size of a transposed convolution: ${ups.join(', ')}. For ${layer} 'same' ` +
          `means output = input·stride${op ? ' (adjusted by output_padding)' : ''}, the inverse of a strided 'same' convolution, not output = input`,
        'padding',
      );
    }

    // Keras accepts these lengths, TF's backprop-input op then rejects them (spec §5.2).
    if (op) {
      const failing: string[] = [];
      spatial.forEach((axis, i) => {
        const opi = op[i] ?? null;
        const ke = effectiveKernel(k[i] ?? null, d[i] ?? null);
        const si = s[i] ?? null;
        if (opi === null || ke === null || si === null || opi >= si) return;
        const L = x[axis] ?? null;
        const o = outs[i] ?? null;
        // With L known, the spec's rule itself (the forward conv must map out back to L); without
        // it, the closed form: only an even effective kernel with output_padding=0 fails.
        const fails = typeof L === 'number' ? transposeConsistent(L, o, ke, si, 'same') === false : (ke % 2) + opi === 0;
        if (!fails) return;
        const back = typeof o === 'number' && o > 0 ? windowOutput(o, ke, si, 'same') : null;
        failing.push(
          typeof L === 'number' && typeof o === 'number'
            ? `on ${names[i]} Keras computes ${o}, but the forward 'same' conv of length ${o} with stride ${si} gives ` +
                `${back === null ? 'no output' : `ceil(${o} / ${si}) = ${back}`}, not ${L}`
            : `on ${names[i]} the even effective kernel ${ke} with output_padding=0 gives (n - 1)·${si}, which never maps back to n`,
        );
      });
      if (failing.length > 0) {
        ctx.sink.add(
          'invalid-layer-argument',
          `TensorFlow will fail at run time ("Conv${spatial.length}DBackpropInput: Size of out_backprop doesn't match computed"): ` +
            `${failing.join('; ')}. With padding='same' an even kernel needs output_padding=1 (or leave output_padding=None)`,
          'output_padding',
        );
      }
    }

    const asym = cb
      .map((b, i) => ({ i, b, a: ca[i] ?? null }))
      .filter((e): e is { i: number; b: number; a: number } => e.b !== null && e.a !== null && e.a > e.b);
    if (asym.length > 0) {
      const lengths = outs.filter((o): o is number => typeof o === 'number');
      const slice = lengths.length === outs.length ? `y[:, :, ${cb.map((b, i) => `${b}:${(b ?? 0) + (lengths[i] ?? 0)}`).join(', ')}]` : 'the TensorFlow window';
      ctx.sink.add(
        'same-asymmetric-padding',
        `TensorFlow crops the full transposed output asymmetrically: ${asym
          .map((e) => `${names[e.i]} ${e.b} at the start / ${e.a} at the end`)
          .join(', ')}. PyTorch's ConvTranspose (padding=p, output_padding=q) crops p at the start and p - q at the end, ` +
          `so no (p, q) matches and ported weights give shifted results; use padding=0 and slice ${slice} for parity`,
        'padding',
      );
    }
  }
}
