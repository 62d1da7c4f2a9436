// All per-axis size arithmetic lives here, as functions over `Dim`. Every function maps an
// unknown operand to an unknown result (spec §1.4). Sizes may also be symbolic (`ceil(H/2)`,
// sym.ts): every function that has a Keras rule for a symbolic length computes it exactly;
// what depends on the length's value (TF's per-side 'same' pads for stride > 1, whether a
// 'valid' window fits, whether Reshape's -1 divides) is unknown or left to a SizeConstraint.
// Each function is overloaded so that numeric arguments give a numeric (`Dim`) result, exactly
// as before symbolic sizes existed.
import type { Dim, SymDim, SymbolicDim } from './types';
import { dimBounds, dimDivisible, dimEquals, isSymDim, symAdd, symCeilDiv, symExactDiv, symFloorDiv, symMul, symSub } from './sym';

type Known = number;
type Sized = number | SymDim;

function known(...xs: SymbolicDim[]): boolean {
  return xs.every((x) => x !== null);
}

function numeric(...xs: SymbolicDim[]): boolean {
  return xs.every((x) => typeof x === 'number');
}

/** Python floor division on integers (floor semantics for negatives). */
export function floorDiv(a: Known, b: Known): Known {
  return Math.floor(a / b);
}

export function ceilDiv(a: Known, b: Known): Known {
  const r = -Math.floor(-a / b);
  return r === 0 ? 0 : r; // never -0
}

export function add(a: Dim, b: Dim): Dim;
export function add(a: SymbolicDim, b: SymbolicDim): SymbolicDim;
export function add(a: SymbolicDim, b: SymbolicDim): SymbolicDim {
  if (!known(a, b)) return null;
  if (numeric(a, b)) return (a as Known) + (b as Known);
  return symAdd(a as Sized, b as Sized);
}

export function sub(a: Dim, b: Dim): Dim;
export function sub(a: SymbolicDim, b: SymbolicDim): SymbolicDim;
export function sub(a: SymbolicDim, b: SymbolicDim): SymbolicDim {
  if (!known(a, b)) return null;
  if (numeric(a, b)) return (a as Known) - (b as Known);
  return symSub(a as Sized, b as Sized);
}

export function mul(a: Dim, b: Dim): Dim;
export function mul(a: SymbolicDim, b: SymbolicDim): SymbolicDim;
export function mul(a: SymbolicDim, b: SymbolicDim): SymbolicDim {
  if (!known(a, b)) return null;
  if (numeric(a, b)) return (a as Known) * (b as Known);
  return symMul(a as Sized, b as Sized);
}

/** Product of all dims (Flatten, Reshape); unknown if any is. */
export function product(dims: readonly Dim[]): Dim;
export function product(dims: readonly SymbolicDim[]): SymbolicDim;
export function product(dims: readonly SymbolicDim[]): SymbolicDim {
  if (dims.some((d) => d === null)) return null;
  if (dims.every((d) => typeof d === 'number')) {
    let p = 1;
    for (const d of dims) p *= d as Known;
    return p;
  }
  let p: SymbolicDim = 1;
  for (const d of dims) p = mul(p, d);
  return p;
}

/** Sum of all dims (Concatenate's axis); unknown if any is. */
export function sum(dims: readonly Dim[]): Dim;
export function sum(dims: readonly SymbolicDim[]): SymbolicDim;
export function sum(dims: readonly SymbolicDim[]): SymbolicDim {
  if (dims.some((d) => d === null)) return null;
  if (dims.every((d) => typeof d === 'number')) {
    let s = 0;
    for (const d of dims) s += d as Known;
    return s;
  }
  let s: SymbolicDim = 0;
  for (const d of dims) s = add(s, d);
  return s;
}

/** `(k - 1)·d + 1`: the span of a dilated window. */
export function effectiveKernel(k: Dim, d: Dim): Dim {
  return known(k, d) ? ((k as Known) - 1) * (d as Known) + 1 : null;
}

export type WindowMode = 'valid' | 'same' | 'causal';

/**
 * Output length of a forward window (conv or pooling), spec §2. For 'valid' the raw value may be
 * ≤ 0; the caller reports that (Keras raises). A symbolic L gives `floor((L - ke)/s) + 1` or
 * `ceil(L/s)`, simplified.
 */
export function windowOutput(L: Dim, ke: Dim, s: Dim, mode: WindowMode): Dim;
export function windowOutput(L: SymbolicDim, ke: Dim, s: Dim, mode: WindowMode): SymbolicDim;
export function windowOutput(L: SymbolicDim, ke: Dim, s: Dim, mode: WindowMode): SymbolicDim {
  if (mode === 'valid') {
    if (!known(L, ke, s)) return null;
    if (typeof L === 'number') return floorDiv(L - (ke as Known), s as Known) + 1;
    const span = symSub(L as Sized, ke as Known);
    const q = span === null ? null : symFloorDiv(span, s as Known);
    return q === null ? null : add(q, 1);
  }
  if (!known(L, s)) return null;
  if (typeof L === 'number') return ceilDiv(L, s as Known);
  return symCeilDiv(L as Sized, s as Known);
}

/**
 * Total 'same' padding `P = max((ceil(L/s) - 1)·s + ke - L, 0)`; known for s = 1 even if L is
 * not (or is symbolic). For s > 1 it depends on L mod s, so a symbolic L gives null.
 */
export function samePadTotal(L: SymbolicDim, ke: Dim, s: Dim): Dim {
  if (ke !== null && s === 1) return ke - 1;
  if (!known(L, ke, s) || typeof L !== 'number') return null;
  const out = ceilDiv(L, s as Known);
  return Math.max((out - 1) * (s as Known) + (ke as Known) - L, 0);
}

/** TF's split of a total pad: the odd extra cell goes after. */
export function splitPad(P: Dim): { before: Dim; after: Dim } {
  if (P === null) return { before: null, after: null };
  const before = floorDiv(P, 2);
  return { before, after: P - before };
}

/** Per-side pads TF applies for a forward window (spec §2, §1.4). */
export function windowPads(L: SymbolicDim, k: Dim, s: Dim, d: Dim, mode: WindowMode): { before: Dim; after: Dim } {
  if (mode === 'valid') return { before: 0, after: 0 };
  const ke = effectiveKernel(k, d);
  if (mode === 'causal') return { before: known(k, d) ? (d as Known) * ((k as Known) - 1) : null, after: 0 };
  return splitPad(samePadTotal(L, ke, s));
}

/**
 * Whether a 'valid' window fits at all: false when the input is shorter than the window, whatever
 * the stride (so it is known even when the stride is not). For a symbolic L: true or false only
 * when that holds for every positive value of its variables, else null.
 */
export function validWindowFits(L: SymbolicDim, ke: Dim): boolean | null {
  if (!known(L, ke)) return null;
  if (typeof L === 'number') return L >= (ke as Known);
  const { lo, hi } = dimBounds(L as SymDim);
  if (lo >= (ke as Known)) return true;
  if (hi < (ke as Known)) return false;
  return null;
}

/**
 * Reshape's inferred `-1`: `total / rest`, or 'indivisible' when it does not divide (Keras
 * raises). Unknown if either is unknown. A symbolic total gives the exact quotient when `rest`
 * divides it for every value, `floor(total/rest)` when that depends on the value (the caller
 * states the condition: see `divides`), 'indivisible' when it never divides.
 */
export function inferredDim(total: Dim, rest: Dim): Dim | 'indivisible';
export function inferredDim(total: SymbolicDim, rest: Dim): SymbolicDim | 'indivisible';
export function inferredDim(total: SymbolicDim, rest: Dim): SymbolicDim | 'indivisible' {
  if (!known(total, rest)) return null;
  if (typeof total === 'number') {
    if (rest === 0 || total % (rest as Known) !== 0) return 'indivisible';
    return total / (rest as Known);
  }
  const r = rest as Known;
  if (r <= 0) return 'indivisible';
  const exact = symExactDiv(total as SymDim, r);
  if (exact !== undefined) return exact;
  if (dimDivisible(total as SymDim, r) === false) return 'indivisible';
  return symFloorDiv(total as SymDim, r);
}

/** Whether `m` divides `total`: for every value (true), for none (false), or it depends (undefined). */
export function divides(total: SymbolicDim, m: Dim): boolean | undefined {
  if (total === null || m === null) return undefined;
  if (typeof total === 'number') return m !== 0 && total % m === 0;
  return dimDivisible(total as SymDim, m);
}

/** Smallest input length for which a 'valid' window yields at least one output. */
export function minValidInput(ke: Dim): Dim {
  return ke;
}

/** Transposed-conv output length, spec §5.1 (identical to Keras' deconv_output_length). */
export function transposeOutput(L: Dim, ke: Dim, s: Dim, mode: 'valid' | 'same', op: Dim | undefined): Dim;
export function transposeOutput(L: SymbolicDim, ke: Dim, s: Dim, mode: 'valid' | 'same', op: Dim | undefined): SymbolicDim;
export function transposeOutput(L: SymbolicDim, ke: Dim, s: Dim, mode: 'valid' | 'same', op: Dim | undefined): SymbolicDim {
  if (op === undefined) {
    if (mode === 'same') return mul(L, s);
    return known(L, ke, s) ? add(mul(sub(L, 1), s), Math.max(ke as Known, s as Known)) : null;
  }
  if (!known(L, ke, s, op)) return null;
  const base = mul(sub(L, 1), s);
  return mode === 'same' ? add(base, ((ke as Known) % 2) + (op as Known)) : add(base, (ke as Known) + (op as Known));
}

/** Length of the full, uncropped transposed result `(L - 1)·s + ke`. */
export function transposeFull(L: Dim, ke: Dim, s: Dim): Dim;
export function transposeFull(L: SymbolicDim, ke: Dim, s: Dim): SymbolicDim;
export function transposeFull(L: SymbolicDim, ke: Dim, s: Dim): SymbolicDim {
  return known(L, ke, s) ? add(mul(sub(L, 1), s), ke) : null;
}

/**
 * The crop TF applies to the full transposed result (spec §5.2 closed forms). They do not depend
 * on L, so they are known whenever the kernel, stride and output_padding are.
 */
export function transposeCrops(
  ke: Dim,
  s: Dim,
  mode: 'valid' | 'same',
  op: Dim | undefined,
): { before: Dim; after: Dim } {
  if (op !== undefined && op === null) return { before: null, after: null };
  if (mode === 'valid') {
    // Written as `0 - x` so that no crop is ever -0.
    if (op !== undefined) return { before: 0, after: 0 - (op as Known) };
    return known(ke, s) ? { before: 0, after: (ke as Known) - Math.max(ke as Known, s as Known) } : { before: null, after: null };
  }
  if (!known(ke, s)) return { before: null, after: null };
  const e = ke as Known;
  const total = op === undefined ? e - (s as Known) : e - (e % 2) - (op as Known);
  const before = floorDiv(Math.max(total, 0), 2);
  return { before, after: total - before };
}

/**
 * Whether TF's forward conv of length `out` maps back to `L` (spec §5.2 validity). False means TF
 * raises "Conv2DSlowBackpropInput: Size of out_backprop doesn't match computed" at run time.
 * Null when a length is unknown or symbolic (the caller uses the closed form then).
 */
export function transposeConsistent(L: SymbolicDim, out: SymbolicDim, ke: Dim, s: Dim, mode: 'valid' | 'same'): boolean | null {
  if (!known(L, out, ke, s) || typeof L !== 'number' || typeof out !== 'number') return null;
  if (out <= 0) return false;
  return windowOutput(out, ke, s, mode) === L;
}

/** ZeroPadding: `L + before + after`. */
export function padded(L: Dim, before: Dim, after: Dim): Dim;
export function padded(L: SymbolicDim, before: Dim, after: Dim): SymbolicDim;
export function padded(L: SymbolicDim, before: Dim, after: Dim): SymbolicDim {
  return add(add(L, before), after);
}

/** Cropping: `L - before - after` (may be ≤ 0; the caller reports it). */
export function cropped(L: Dim, before: Dim, after: Dim): Dim;
export function cropped(L: SymbolicDim, before: Dim, after: Dim): SymbolicDim;
export function cropped(L: SymbolicDim, before: Dim, after: Dim): SymbolicDim {
  return sub(sub(L, before), after);
}

/** UpSampling: `L · size`. */
export function scaled(L: Dim, factor: Dim): Dim;
export function scaled(L: SymbolicDim, factor: Dim): SymbolicDim;
export function scaled(L: SymbolicDim, factor: Dim): SymbolicDim {
  return mul(L, factor);
}

/**
 * CenterCrop's offsets: `int((L - target) / 2)` before, the rest after; null if it resizes
 * instead. Unknown for a symbolic L (whether it crops or resizes depends on its value).
 */
export function centerCropOffsets(L: SymbolicDim, target: Dim): { before: Dim; after: Dim } | null {
  if (!known(L, target) || typeof L !== 'number') return { before: null, after: null };
  const diff = L - (target as Known);
  if (diff < 0) return null;
  const before = Math.trunc(diff / 2);
  return { before, after: diff - before };
}

/**
 * Elementwise-merge broadcast of one axis, Keras' `_compute_elemwise_op_output_shape`. With a
 * symbolic size: 'mismatch' only when no value of the variables can make it work; otherwise the
 * size the two share when they line up (the known one if one is known, else the first), and the
 * caller states the condition (SizeConstraint 'equal').
 */
export function broadcastDim(a: Dim, b: Dim): Dim | 'mismatch';
export function broadcastDim(a: SymbolicDim, b: SymbolicDim): SymbolicDim | 'mismatch';
export function broadcastDim(a: SymbolicDim, b: SymbolicDim): SymbolicDim | 'mismatch' {
  if (a === null || b === null) return null;
  if (a === 1) return b;
  if (b === 1) return a;
  if (a === b) return a;
  if (typeof a === 'number' && typeof b === 'number') return 'mismatch';
  if (broadcastVerdict(a, b) === false) return 'mismatch';
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return a;
}

/**
 * Whether two sizes broadcast (equal, or one is 1): true for every value, false for none,
 * undefined when it depends on the values (or a size is unknown).
 */
export function broadcastVerdict(a: SymbolicDim, b: SymbolicDim): boolean | undefined {
  if (a === null || b === null) return undefined;
  const eq = equalVerdict(a, b);
  if (eq === true || a === 1 || b === 1) return true;
  if (eq === false && equalVerdict(a, 1) === false && equalVerdict(b, 1) === false) return false;
  return undefined;
}

/** Whether two sizes are equal for every value (true), for none (false), or it depends. */
export function equalVerdict(a: SymbolicDim, b: SymbolicDim): boolean | undefined {
  if (a === null || b === null) return undefined;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return dimEquals(a, b);
}

/** True for a symbolic size. */
export function isSymbolic(d: SymbolicDim | undefined): d is SymDim {
  return isSymDim(d);
}
