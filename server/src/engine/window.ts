// Forward sliding windows (convolutions, depthwise/separable, pooling): per-axis output length,
// TF's per-side padding, the formulas with the user's numbers, and the 'same'/'valid' findings.
// One module so convolutions and pooling explain and flag exactly alike (spec §2).
import type { AxisDetail, Dim, SizeConstraint, SymbolicDim } from './types';
import type { IntTuple } from './args';
import { FindingSink } from './findings';
import { effectiveKernel, minValidInput, samePadTotal, validWindowFits, windowOutput, windowPads, type WindowMode } from './dim';
import { fmt, fmtFactor } from './explain';

export interface WindowInput<D extends SymbolicDim = Dim> {
  layer: string;
  family: 'conv' | 'pool';
  poolMode?: 'max' | 'average';
  mode: WindowMode | null;
  /** Full-shape index and name of every spatial axis. */
  axisIndex: number[];
  names: string[];
  L: D[];
  k: IntTuple;
  s: IntTuple;
  d: IntTuple;
}

export interface WindowResult<D extends SymbolicDim = Dim> {
  axes: AxisDetail<D>[];
  /** Output length per spatial axis; null where unknown or where Keras refuses (≤ 0). */
  out: D[];
  before: Dim[];
  after: Dim[];
  /** Axes whose 'valid' output is ≤ 0. */
  nonPositive: number[];
  /** 'valid' windows over a symbolic length that fit only for large enough sizes. */
  constraints: SizeConstraint[];
}

export function computeWindows(w: WindowInput): WindowResult;
export function computeWindows(w: WindowInput<SymbolicDim>): WindowResult<SymbolicDim>;
export function computeWindows(w: WindowInput<SymbolicDim>): WindowResult<SymbolicDim> {
  const axes: AxisDetail<SymbolicDim>[] = [];
  const out: SymbolicDim[] = [];
  const before: Dim[] = [];
  const after: Dim[] = [];
  const nonPositive: number[] = [];
  const constraints: SizeConstraint[] = [];
  w.L.forEach((L, i) => {
    const k = w.k[i] ?? null;
    const s = w.s[i] ?? null;
    const d = w.d[i] ?? null;
    const ke = effectiveKernel(k, d);
    const detail: AxisDetail<SymbolicDim> = { axis: w.axisIndex[i]!, name: w.names[i]!, input: L, output: null, formula: '' };
    if (k !== null) detail.kernel = k;
    if (s !== null) detail.stride = s;
    if (d !== null) detail.dilation = d;
    if (ke !== null) detail.effectiveKernel = ke;
    if (w.mode === null) {
      detail.formula = 'unknown: the padding mode is not known';
      out.push(null);
      before.push(null);
      after.push(null);
      axes.push(detail);
      return;
    }
    const raw = windowOutput(L, ke, s, w.mode);
    const pads = windowPads(L, k, s, d, w.mode);
    detail.before = pads.before;
    detail.after = pads.after;
    detail.formula = outputFormula(L, ke, s, w.mode, raw);
    detail.paddingFormula = paddingFormula(L, k, ke, s, d, w.mode, pads.before, pads.after);
    const fits = w.mode === 'valid' ? validWindowFits(L, ke) : null;
    const ok = w.mode === 'valid' ? fits !== false : typeof raw !== 'number' || raw > 0;
    if (!ok) nonPositive.push(i);
    if (w.mode === 'valid' && fits === null && typeof L === 'string' && ke !== null) {
      constraints.push({
        kind: 'atLeast',
        a: L,
        b: ke,
        axis: w.axisIndex[i]!,
        argument: 'padding',
        description: `${w.names[i]}: padding='valid' needs ${L} ≥ ${ke} (the ${w.family === 'pool' ? 'pool window' : 'effective window'})`,
      });
    }
    detail.output = ok ? raw : null;
    out.push(detail.output);
    before.push(pads.before);
    after.push(pads.after);
    axes.push(detail);
  });
  return { axes, out, before, after, nonPositive, constraints };
}

function outputFormula(L: SymbolicDim, ke: Dim, s: Dim, mode: WindowMode, raw: SymbolicDim): string {
  if (mode === 'valid') return `floor((${fmt(L)} - ${fmt(ke)}) / ${fmt(s)}) + 1 = ${fmt(raw)}`;
  return `ceil(${fmtFactor(L)} / ${fmt(s)}) = ${fmt(raw)}`;
}

function paddingFormula(L: SymbolicDim, k: Dim, ke: Dim, s: Dim, d: Dim, mode: WindowMode, b: Dim, a: Dim): string {
  if (mode === 'valid') {
    if (typeof L === 'number' && ke !== null && s !== null && L >= ke) {
      const unused = (L - ke) % s;
      if (unused > 0) return `valid: no padding; the last (${L} - ${ke}) mod ${s} = ${unused} cell(s) are never read`;
    }
    return 'valid: no padding';
  }
  if (mode === 'causal') return `causal: d·(k - 1) = ${fmt(d)}·(${fmt(k)} - 1) = ${fmt(b)} before, 0 after`;
  if (s === 1 && ke !== null) {
    return `P = ${ke} - 1 = ${ke - 1} (stride 1) → ${fmt(b)} before, ${fmt(a)} after`;
  }
  const P = samePadTotal(L, ke, s);
  const o = windowOutput(L, ke, s, 'same');
  if (typeof L === 'string') {
    return `P = max((${fmt(o)} - 1)·${fmt(s)} + ${fmt(ke)} - ${fmtFactor(L)}, 0) depends on ${fmtFactor(L)} mod ${fmt(s)}, so the pads are not known`;
  }
  return `P = max((${fmt(o)} - 1)·${fmt(s)} + ${fmt(ke)} - ${fmt(L)}, 0) = ${fmt(P)} → ${fmt(b)} before, ${fmt(a)} after`;
}

/** Which kind of layer a window belongs to, in words for messages. */
function noun(w: WindowInput<SymbolicDim>): string {
  return w.family === 'pool' ? 'pooling' : 'convolution';
}

/**
 * Findings shared by every forward window: 'same' with stride (downsamples / uneven),
 * asymmetric 'same' pads, and 'valid' outputs ≤ 0. Never on an unknown dimension.
 */
export function windowFindings(w: WindowInput<SymbolicDim>, r: WindowResult<SymbolicDim>, sink: FindingSink, zeroPadLayer: string): void {
  if (w.mode === 'same') {
    const divisible: string[] = [];
    const uneven: string[] = [];
    const unevenUp: string[] = [];
    const strides = new Set<number>();
    w.L.forEach((L, i) => {
      const s = w.s[i] ?? null;
      if (typeof L !== 'number' || s === null || s <= 1) return;
      const o = r.out[i];
      if (typeof o !== 'number') return;
      strides.add(s);
      const name = w.names[i]!;
      if (L % s === 0) {
        divisible.push(`${name} ${L} → ${o} (${L} / ${s})`);
      } else {
        const b = r.before[i] ?? null;
        const a = r.after[i] ?? null;
        // The pads need the kernel size; when it is unknown (a tf.nn kernel tensor), say nothing of them.
        const pads = b === null || a === null ? '' : ` (TensorFlow pads ${fmt(b)} before and ${fmt(a)} after)`;
        uneven.push(`${name} ${L} → ceil(${L} / ${s}) = ${o}${pads}`);
        unevenUp.push(`${name} ${s}·${o} = ${s * o} ≠ ${L}`);
      }
    });
    const sList = [...strides].join(', ');
    if (divisible.length > 0) {
      sink.add(
        'same-stride-downsamples',
        `'same' padding does not keep the size here: ${list(divisible)}, because of the stride: the window moves ` +
          `${strides.size === 1 ? `${sList} cells` : 'several cells'} at a time. 'same' only pads so that ceil(n / stride) windows fit; ` +
          `it keeps the size only with stride 1`,
        'padding',
      );
    }
    if (uneven.length > 0) {
      sink.add(
        'same-stride-uneven',
        `With padding='same' and a stride that does not divide the input: ${list(uneven)}. ` +
          `Upsampling by the stride does not give the input size back (${list(unevenUp)}), so a skip connection ` +
          `from this ${noun(w)}'s input will not line up with the upsampled path (the classic U-Net break). ` +
          `Use an input size divisible by the stride, or crop/pad before merging`,
        'padding',
      );
    }
    asymmetricFinding(w, r, sink, zeroPadLayer);
  }
  if (r.nonPositive.length > 0) {
    const parts = r.nonPositive.map((i) => {
      const L = w.L[i] ?? null;
      const k = w.k[i] ?? null;
      const d = w.d[i] ?? null;
      const ke = effectiveKernel(k, d);
      const s = w.s[i] ?? null;
      const raw = windowOutput(L, ke, s, 'valid');
      const win =
        w.family === 'pool'
          ? `the pool window ${fmt(ke)}`
          : d !== null && d > 1
            ? `the effective window ${fmt(ke)} (kernel ${fmt(k)} dilated by ${d}: (${fmt(k)} - 1)·${d} + 1)`
            : `the effective window ${fmt(ke)} (kernel ${fmt(k)})`;
      const result = raw === null ? 'so no window fits' : `so floor((${fmt(L)} - ${fmt(ke)}) / ${fmt(s)}) + 1 = ${fmt(raw)}`;
      return `${w.names[i]} input ${fmt(L)} is smaller than ${win}, ${result}; the smallest ${w.names[i]} that works is ${fmt(minValidInput(ke))}`;
    });
    sink.add(
      'non-positive-dimension',
      `padding='valid' leaves no output: ${parts.join('; ')}. Keras raises ValueError: Computed output size would be zero or negative. ` +
        `Use padding='same' or a larger input`,
      'padding',
    );
  }
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function asymmetricFinding(w: WindowInput<SymbolicDim>, r: WindowResult<SymbolicDim>, sink: FindingSink, zeroPadLayer: string): void {
  const asym: number[] = [];
  r.before.forEach((b, i) => {
    const a = r.after[i] ?? null;
    if (b !== null && a !== null && b !== a) asym.push(i);
  });
  if (asym.length === 0) return;
  const pads = asym.map((i) => `${w.names[i]} ${r.before[i]} before / ${r.after[i]} after`);
  const afters = [...new Set(asym.map((i) => r.after[i]!))];
  const tfPads = [...new Set(asym.map((i) => `${r.before[i]}/${r.after[i]}`))];
  const sym =
    afters.length === 1
      ? `padding=${afters[0]} pads ${afters[0]}/${afters[0]} here where TensorFlow pads ${tfPads.join(' or ')}`
      : asym.map((i) => `padding=${r.after[i]} pads ${r.after[i]}/${r.after[i]} on ${w.names[i]} where TensorFlow pads ${r.before[i]}/${r.after[i]}`).join(', ');
  const allKnown = r.before.every((b) => b !== null) && r.after.every((a) => a !== null);
  let fix = '';
  if (allKnown) {
    const pairs = r.before.map((b, i) => `(${b}, ${r.after[i]})`);
    const zp = pairs.length === 1 ? pairs[0] : `(${pairs.join(', ')})`;
    const fpad = [...r.before.keys()].reverse().flatMap((i) => [r.before[i], r.after[i]]);
    if (w.family === 'conv') {
      fix = ` For exact parity pad explicitly: ${zeroPadLayer}(${zp}) then padding='valid' here (PyTorch: F.pad(x, (${fpad.join(', ')})) then padding=0).`;
    } else if (w.poolMode === 'max') {
      fix = ` For exact parity in PyTorch: F.pad(x, (${fpad.join(', ')}), value=float('-inf')) then padding=0.`;
    } else {
      fix =
        ` TensorFlow also averages over the real cells only, so in PyTorch there is no single-call equivalent: ` +
        `divide the average pool of F.pad(x, (${fpad.join(', ')})) by that of F.pad(torch.ones_like(x), (${fpad.join(', ')})).`;
    }
  }
  const stride1 = w.family === 'conv' && asym.every((i) => w.s[i] === 1);
  const symmetric = stride1
    ? `PyTorch's padding='same' splits stride-1 padding the same way, but an integer padding does not: ${sym}`
    : `e.g. PyTorch ${sym}`;
  sink.add(
    'same-asymmetric-padding',
    `TensorFlow's 'same' padding is asymmetric here: ${list(pads)} (the odd extra cell goes after). ` +
      `A framework that pads symmetrically does not match (${symmetric}), so ported weights give ` +
      `results shifted by one cell.${fix}`,
    'padding',
  );
}

