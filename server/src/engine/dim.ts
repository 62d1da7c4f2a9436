// All per-axis size arithmetic lives here, as functions over `Dim`. Every function maps an
// unknown operand to an unknown result (spec §1.4), so that a later change can make `Dim`
// symbolic (e.g. `ceil(H/2)`) by changing only this module.
import type { Dim } from './types';

type Known = number;

function known(...xs: Dim[]): boolean {
  return xs.every((x) => x !== null);
}

/** Python floor division on integers (floor semantics for negatives). */
export function floorDiv(a: Known, b: Known): Known {
  return Math.floor(a / b);
}

export function ceilDiv(a: Known, b: Known): Known {
  const r = -Math.floor(-a / b);
  return r === 0 ? 0 : r; // never -0
}

export function add(a: Dim, b: Dim): Dim {
  return known(a, b) ? (a as Known) + (b as Known) : null;
}

export function sub(a: Dim, b: Dim): Dim {
  return known(a, b) ? (a as Known) - (b as Known) : null;
}

export function mul(a: Dim, b: Dim): Dim {
  return known(a, b) ? (a as Known) * (b as Known) : null;
}

/** Product of all dims (Flatten, Reshape); unknown if any is. */
export function product(dims: readonly Dim[]): Dim {
  let p = 1;
  for (const d of dims) {
    if (d === null) return null;
    p *= d;
  }
  return p;
}

/** Sum of all dims (Concatenate's axis); unknown if any is. */
export function sum(dims: readonly Dim[]): Dim {
  let s = 0;
  for (const d of dims) {
    if (d === null) return null;
    s += d;
  }
  return s;
}

/** `(k - 1)·d + 1`: the span of a dilated window. */
export function effectiveKernel(k: Dim, d: Dim): Dim {
  return known(k, d) ? ((k as Known) - 1) * (d as Known) + 1 : null;
}

export type WindowMode = 'valid' | 'same' | 'causal';

/**
 * Output length of a forward window (conv or pooling), spec §2. For 'valid' the raw value may be
 * ≤ 0; the caller reports that (Keras raises).
 */
export function windowOutput(L: Dim, ke: Dim, s: Dim, mode: WindowMode): Dim {
  if (mode === 'valid') return known(L, ke, s) ? floorDiv((L as Known) - (ke as Known), s as Known) + 1 : null;
  return known(L, s) ? ceilDiv(L as Known, s as Known) : null;
}

/** Total 'same' padding `P = max((ceil(L/s) - 1)·s + ke - L, 0)`; known for s = 1 even if L is not. */
export function samePadTotal(L: Dim, ke: Dim, s: Dim): Dim {
  if (ke !== null && s === 1) return ke - 1;
  if (!known(L, ke, s)) return null;
  const out = ceilDiv(L as Known, s as Known);
  return Math.max((out - 1) * (s as Known) + (ke as Known) - (L as Known), 0);
}

/** TF's split of a total pad: the odd extra cell goes after. */
export function splitPad(P: Dim): { before: Dim; after: Dim } {
  if (P === null) return { before: null, after: null };
  const before = floorDiv(P, 2);
  return { before, after: P - before };
}

/** Per-side pads TF applies for a forward window (spec §2). */
export function windowPads(L: Dim, k: Dim, s: Dim, d: Dim, mode: WindowMode): { before: Dim; after: Dim } {
  if (mode === 'valid') return { before: 0, after: 0 };
  const ke = effectiveKernel(k, d);
  if (mode === 'causal') return { before: known(k, d) ? (d as Known) * ((k as Known) - 1) : null, after: 0 };
  return splitPad(samePadTotal(L, ke, s));
}

/**
 * Whether a 'valid' window fits at all: false when the input is shorter than the window, whatever
 * the stride (so it is known even when the stride is not).
 */
export function validWindowFits(L: Dim, ke: Dim): boolean | null {
  return known(L, ke) ? (L as Known) >= (ke as Known) : null;
}

/**
 * Reshape's inferred `-1`: `total / rest`, or 'indivisible' when it does not divide (Keras
 * raises). Unknown if either is unknown.
 */
export function inferredDim(total: Dim, rest: Dim): Dim | 'indivisible' {
  if (!known(total, rest)) return null;
  if (rest === 0 || (total as Known) % (rest as Known) !== 0) return 'indivisible';
  return (total as Known) / (rest as Known);
}

/** Smallest input length for which a 'valid' window yields at least one output. */
export function minValidInput(ke: Dim): Dim {
  return ke;
}

/** Transposed-conv output length, spec §5.1 (identical to Keras' deconv_output_length). */
export function transposeOutput(L: Dim, ke: Dim, s: Dim, mode: 'valid' | 'same', op: Dim | undefined): Dim {
  if (op === undefined) {
    if (mode === 'same') return mul(L, s);
    return known(L, ke, s) ? ((L as Known) - 1) * (s as Known) + Math.max(ke as Known, s as Known) : null;
  }
  if (!known(L, ke, s, op)) return null;
  const base = ((L as Known) - 1) * (s as Known);
  return mode === 'same' ? base + ((ke as Known) % 2) + (op as Known) : base + (ke as Known) + (op as Known);
}

/** Length of the full, uncropped transposed result `(L - 1)·s + ke`. */
export function transposeFull(L: Dim, ke: Dim, s: Dim): Dim {
  return known(L, ke, s) ? ((L as Known) - 1) * (s as Known) + (ke as Known) : null;
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
 */
export function transposeConsistent(L: Dim, out: Dim, ke: Dim, s: Dim, mode: 'valid' | 'same'): boolean | null {
  if (!known(L, out, ke, s)) return null;
  if ((out as Known) <= 0) return false;
  return windowOutput(out, ke, s, mode) === L;
}

/** ZeroPadding: `L + before + after`. */
export function padded(L: Dim, before: Dim, after: Dim): Dim {
  return add(add(L, before), after);
}

/** Cropping: `L - before - after` (may be ≤ 0; the caller reports it). */
export function cropped(L: Dim, before: Dim, after: Dim): Dim {
  return sub(sub(L, before), after);
}

/** UpSampling: `L · size`. */
export function scaled(L: Dim, factor: Dim): Dim {
  return mul(L, factor);
}

/** CenterCrop's offsets: `int((L - target) / 2)` before, the rest after; null if it resizes instead. */
export function centerCropOffsets(L: Dim, target: Dim): { before: Dim; after: Dim } | null {
  if (!known(L, target)) return { before: null, after: null };
  const diff = (L as Known) - (target as Known);
  if (diff < 0) return null;
  const before = Math.trunc(diff / 2);
  return { before, after: diff - before };
}


/** Elementwise-merge broadcast of one axis, Keras' `_compute_elemwise_op_output_shape`. */
export function broadcastDim(a: Dim, b: Dim): Dim | 'mismatch' {
  if (a === null || b === null) return null;
  if (a === 1) return b;
  if (b === 1) return a;
  return a === b ? a : 'mismatch';
}

