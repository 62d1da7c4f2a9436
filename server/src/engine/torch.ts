// The exact PyTorch equivalent of a layer's shape and padding (spec §11). PyTorch pads
// symmetrically, so a symmetric integer `padding` is used only when TF's pads are symmetric;
// otherwise an explicit F.pad comes first. Transposed convs use (padding, output_padding) only
// when crop_before == p and crop_after == p - q; otherwise padding=0 and a slice.
import type { Dim } from './types';
import type { IntTuple } from './args';

/** A torch size argument: one number when all axes agree, else a tuple. */
export function torchSize(values: readonly number[]): string {
  if (values.every((v) => v === values[0])) return String(values[0]);
  return `(${values.join(', ')})`;
}

function allKnown(xs: readonly (number | null)[]): xs is number[] {
  return xs.every((x) => x !== null);
}

/** F.pad's tuple: last axis first, (before, after) for each. */
export function fPadTuple(before: readonly number[], after: readonly number[]): string {
  const parts: number[] = [];
  for (let i = before.length - 1; i >= 0; i--) parts.push(before[i]!, after[i]!);
  return `(${parts.join(', ')})`;
}

export interface ForwardConvTorch {
  n: number;
  inChannels: string;
  outChannels: string;
  k: IntTuple;
  s: IntTuple;
  d: IntTuple;
  groups?: string;
  before: Dim[];
  after: Dim[];
  /** Separable convs: the pointwise stage after the depthwise one. */
  pointwise?: { inChannels: string; outChannels: string };
}

export function forwardConvTorch(o: ForwardConvTorch): string | undefined {
  if (!allKnown(o.k) || !allKnown(o.s) || !allKnown(o.d)) return undefined;
  const cls = `nn.Conv${o.n}d`;
  const head = `${cls}(${o.inChannels}, ${o.outChannels}, kernel_size=${torchSize(o.k)}, stride=${torchSize(o.s)}`;
  const tail = `${o.d.some((x) => x !== 1) ? `, dilation=${torchSize(o.d)}` : ''}${o.groups ? `, groups=${o.groups}` : ''})`;
  const lines: string[] = [];
  if (!allKnown(o.before) || !allKnown(o.after)) {
    lines.push(`${head}${tail.slice(0, -1)})  # padding: TensorFlow's 'same' pads depend on the unknown input length`);
  } else if (o.before.every((b, i) => b === o.after[i])) {
    lines.push(`${head}, padding=${torchSize(o.before)}${tail}`);
  } else {
    lines.push(`x = F.pad(x, ${fPadTuple(o.before, o.after)})`);
    lines.push(`${head}, padding=0${tail}`);
  }
  if (o.pointwise) lines.push(`${cls}(${o.pointwise.inChannels}, ${o.pointwise.outChannels}, kernel_size=1)`);
  return lines.join('\n');
}

export function poolTorch(o: {
  n: number;
  mode: 'max' | 'average';
  k: IntTuple;
  s: IntTuple;
  before: Dim[];
  after: Dim[];
}): string | undefined {
  if (!allKnown(o.k) || !allKnown(o.s)) return undefined;
  const cls = o.mode === 'max' ? `nn.MaxPool${o.n}d` : `nn.AvgPool${o.n}d`;
  const size = `kernel_size=${torchSize(o.k)}, stride=${torchSize(o.s)}`;
  const cip = o.mode === 'average' ? ', count_include_pad=False' : '';
  if (!allKnown(o.before) || !allKnown(o.after)) {
    return `${cls}(${size}${cip})  # padding: TensorFlow's 'same' pads depend on the unknown input length`;
  }
  if (o.before.every((b, i) => b === o.after[i])) return `${cls}(${size}, padding=${torchSize(o.before)}${cip})`;
  const pad = fPadTuple(o.before, o.after);
  if (o.mode === 'max') return `x = F.pad(x, ${pad}, value=float('-inf'))\n${cls}(${size}, padding=0)`;
  // TF averages over real cells only; with asymmetric pads the exact form is a ratio of two pools.
  const fn = `F.avg_pool${o.n}d`;
  return `${fn}(F.pad(x, ${pad}), ${size}) / ${fn}(F.pad(torch.ones_like(x), ${pad}), ${size})`;
}

export function transposeTorch(o: {
  n: number;
  inChannels: string;
  outChannels: string;
  k: IntTuple;
  s: IntTuple;
  d: IntTuple;
  cropBefore: Dim[];
  cropAfter: Dim[];
  out: Dim[];
}): string | undefined {
  if (!allKnown(o.k) || !allKnown(o.s) || !allKnown(o.d) || !allKnown(o.cropBefore) || !allKnown(o.cropAfter)) {
    return undefined;
  }
  const s = o.s;
  const d = o.d;
  const cb = o.cropBefore;
  const ca = o.cropAfter;
  const head = `nn.ConvTranspose${o.n}d(${o.inChannels}, ${o.outChannels}, kernel_size=${torchSize(o.k)}, stride=${torchSize(s)}`;
  const dil = d.some((x) => x !== 1) ? `, dilation=${torchSize(d)}` : '';
  const q = cb.map((b, i) => b - ca[i]!);
  const direct = q.every((qi, i) => qi >= 0 && qi < Math.max(s[i]!, d[i]!));
  if (direct) return `${head}, padding=${torchSize(cb)}, output_padding=${torchSize(q)}${dil})`;
  // Torch crops symmetrically; crop nothing, extend with output_padding where TF extends, slice.
  const ext = ca.map((a) => Math.max(0, -a));
  // PyTorch requires output_padding < max(stride, dilation); Keras' own check (< stride) is stricter.
  if (ext.some((e, i) => e >= Math.max(s[i]!, d[i]!))) return undefined;
  const slices = cb.map((b, i) => {
    const len = o.out[i];
    if (len !== null && len !== undefined) return `${b}:${b + len}`;
    const a = ca[i]!;
    return a > 0 ? `${b}:-${a}` : `${b}:`;
  });
  return `y = ${head}, padding=0, output_padding=${torchSize(ext)}${dil})(x)\ny = y[:, :, ${slices.join(', ')}]`;
}
