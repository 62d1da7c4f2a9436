// Reading dimensions without doing arithmetic on them: whether a dimension is a concrete number,
// and whether two dimensions certainly differ. Everything that computes a size goes through
// dim.ts; this module only looks (so it stays correct when a dimension may be symbolic).
import type { Dim, LayerResult, PyValue, Shape } from './types';
import { intValue, isIntLike, isSafeSize } from './py';

/** A layer result's shape and dimension types (they may be symbolic where inputs are not). */
export type OutShape = NonNullable<LayerResult['output']>;
export type OutDim = OutShape[number];

/**
 * A result shape as an input shape for the next computation. Input shapes are `Dim[]`; a result
 * dimension that is neither a number nor null (symbolic) is passed on as unknown.
 */
export function asInput(s: OutShape | null): Shape | null {
  return s === null ? null : s.map((d) => (typeof d === 'number' ? d : null));
}

/** The concrete size, or null when the dimension is unknown or symbolic. */
export function concrete(d: OutDim | Dim | undefined): number | null {
  return typeof d === 'number' ? d : null;
}

/** True only when both sizes are concrete and different (never on an unknown or symbolic one). */
export function differ(a: OutDim | Dim | undefined, b: OutDim | Dim | undefined): boolean {
  const x = concrete(a);
  const y = concrete(b);
  return x !== null && y !== null && x !== y;
}

/** Whether the whole shape is known concretely. */
export function allConcrete(s: readonly (OutDim | Dim)[]): boolean {
  return s.every((d) => typeof d === 'number');
}

/** A shape whose every axis is unknown. */
export function unknownDims(rank: number): Shape {
  return Array.from({ length: rank }, () => null);
}

/** A safe Python int value, or null for anything else (unknown, float, huge, ...). */
export function pyIntOf(v: PyValue | undefined): number | null {
  if (v === undefined || !isIntLike(v)) return null;
  const n = intValue(v);
  return isSafeSize(n) || Number.isSafeInteger(n) ? n : null;
}

/** Normalises a possibly negative axis against a rank; null when out of range. */
export function normAxis(axis: number, rank: number): number | null {
  if (axis < -rank || axis >= rank) return null;
  return axis < 0 ? axis + rank : axis;
}
