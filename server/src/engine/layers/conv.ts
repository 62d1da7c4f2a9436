// Conv1D/2D/3D, DepthwiseConv1D/2D and SeparableConv1D/2D (spec §3, §4). All three share the
// forward window of spec §2; they differ in channels, in which arguments exist, and in whether
// strides > 1 may be combined with dilation > 1 (Depthwise/Separable may since Keras 3.15).
import type { LayerResult, SymbolicDim, SymbolicShape } from '../types';
import { LayerContext, spatialInput } from '../context';
import { kerasRaises } from '../findings';
import { computeWindows, windowFindings } from '../window';
import { axisSteps, compactTuple, fmt } from '../explain';
import { forwardConvTorch } from '../torch';
import { mul } from '../dim';
import { pyInt, repr, shapeRepr, tupleRepr } from '../py';

export type ConvKind = 'conv' | 'depthwise' | 'separable';

const ONE = pyInt(1);

export function applyConv(ctx: LayerContext, kind: ConvKind, n: number, input: SymbolicShape | null): LayerResult<SymbolicDim> {
  const { args, sink } = ctx;
  const layer = ctx.layer;
  args.requireAll(kind === 'depthwise' ? ['kernel_size'] : ['filters', 'kernel_size']);

  const k = args.tuple('kernel_size', n);
  const s = args.tuple('strides', n, { default: ONE });
  const d = args.tuple('dilation_rate', n, { default: ONE });
  const mode = args.convPadding(kind === 'conv' && n === 1);
  const format = args.dataFormat(ctx.options.defaultDataFormat);

  let filters: number | null = null;
  if (kind !== 'depthwise' && args.raw('filters') !== undefined) {
    filters = args.int('filters', {
      check: (f) =>
        f <= 0 ? kerasRaises(`Invalid value for argument \`filters\`. Expected a strictly positive value. Received filters=${f}`) : undefined,
      typeMessage: `\`filters\` must be a positive integer. Received filters=${repr(args.raw('filters')!)}: Keras fails when it creates the kernel.`,
    });
  }
  let groups: number | null = 1;
  if (kind === 'conv') {
    groups = args.int('groups', {
      default: ONE,
      check: (g) => (g <= 0 ? kerasRaises(`The number of groups must be a positive integer. Received: groups=${g}`) : undefined),
    });
    if (groups !== null && filters !== null && filters % groups !== 0) {
      args.invalid(
        'groups',
        kerasRaises(
          `The number of filters must be evenly divisible by the number of groups. Received: groups=${groups}, filters=${filters}`,
        ),
      );
    }
  }
  let multiplier: number | null = null;
  if (kind !== 'conv') {
    multiplier = args.int('depth_multiplier', {
      default: ONE,
      check: (m) =>
        m <= 0
          ? kerasRaises(`Invalid value for argument \`depth_multiplier\`. Expected a strictly positive value. Received depth_multiplier=${m}`)
          : undefined,
    });
  }

  const strided = s.some((x) => x !== null && x > 1);
  const dilated = d.some((x) => x !== null && x > 1);
  if (strided && dilated) {
    if (kind === 'conv') {
      args.invalid(
        'strides',
        kerasRaises(
          `\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`. Received: strides=${tupleRepr(s)} and dilation_rate=${tupleRepr(d)}`,
        ),
      );
    } else {
      ctx.step(
        `strides > 1 with dilation_rate > 1: accepted since Keras 3.15 (TF runs a stride-1 dilated conv on the 'same'/'valid' ` +
          `pads of the strided conv and keeps every ${compactTuple(s)}th output); Keras 3.14 and earlier reject it.`,
      );
    }
  }

  ctx.step(
    `${layer}: ${kind === 'depthwise' ? '' : `filters=${fmt(filters)}, `}kernel_size=${tupleRepr(k)}, strides=${tupleRepr(s)}, ` +
      `padding=${mode === null ? 'unknown' : `'${mode}'`}, dilation_rate=${tupleRepr(d)}` +
      `${kind === 'conv' ? `, groups=${fmt(groups)}` : `, depth_multiplier=${fmt(multiplier)}`}, data_format=${format ?? 'unknown'}.`,
  );

  const prep = spatialInput(ctx, n, input, format);
  if ('result' in prep) return prep.result;
  const { x, lay } = prep;
  const C = x[lay.channel] ?? null;

  if (kind === 'conv' && typeof C === 'number' && groups !== null && C % groups !== 0) {
    args.invalid(
      'groups',
      kerasRaises(
        `The number of input channels must be evenly divisible by the number of groups. Received groups=${groups}, ` +
          `but the input has ${C} channels (full input shape is ${shapeRepr(x)})`,
      ),
    );
  }

  const w = {
    layer,
    family: 'conv' as const,
    mode,
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
  if (mode === null) ctx.unknown('the padding mode is not known');
  if (r.nonPositive.length > 0) ctx.unknown("'valid' padding leaves no output on some axis");
  else if (r.out.some((o) => o === null) && x.some((v, i) => i !== 0 && v === null)) ctx.unknown('some input dimensions are not known');
  if ([...k, ...s, ...d].some((v) => v === null)) ctx.unknown('a kernel_size, strides or dilation_rate value is not known');
  if (mode !== null) ctx.padding = { mode, before: r.before, after: r.after };
  ctx.steps.push(...axisSteps(r.axes));

  let outC: SymbolicDim;
  if (kind === 'depthwise') {
    outC = mul(C, multiplier);
    ctx.step(`channels: ${fmt(C)} input channels · depth_multiplier ${fmt(multiplier)} = ${fmt(outC)}.`);
  } else {
    outC = filters;
    ctx.step(
      kind === 'separable'
        ? `channels: depthwise ${fmt(C)} · ${fmt(multiplier)} = ${fmt(mul(C, multiplier))}, then a 1×1 pointwise conv to filters = ${fmt(filters)}.`
        : `channels: filters = ${fmt(filters)}.`,
    );
  }
  if (outC === null && (filters === null || multiplier === null || C === null)) ctx.unknown('the number of output channels is not known');

  const out: SymbolicShape = [...x];
  lay.spatial.forEach((axis, i) => (out[axis] = r.out[i] ?? null));
  out[lay.channel] = outC;

  const cIn = C === null ? 'in_channels' : String(C);
  const mid = C === null ? (multiplier === 1 ? 'in_channels' : `in_channels * ${fmt(multiplier)}`) : fmt(mul(C, multiplier));
  const outName = filters === null ? 'out_channels' : String(filters);
  if (mode !== null) {
    const torch = forwardConvTorch({
      n,
      inChannels: cIn,
      outChannels: kind === 'conv' ? outName : mid,
      k,
      s,
      d,
      ...(kind === 'conv' ? (groups !== 1 && groups !== null ? { groups: String(groups) } : {}) : { groups: cIn }),
      before: r.before,
      after: r.after,
      ...(kind === 'separable' ? { pointwise: { inChannels: mid, outChannels: outName } } : {}),
    });
    if (torch !== undefined) ctx.torch = torch;
  }
  return ctx.finish(out);
}
