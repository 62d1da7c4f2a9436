// Where the spatial and channel axes sit for a data format (spec §1.3): channels_last puts the
// channel axis last, channels_first right after the batch axis. Formulas per axis are identical.
import type { DataFormat, Dim, Shape, SymbolicDim, SymbolicShape } from './types';
import { FindingSink } from './findings';
import { shapeRepr } from './py';

export interface Layout {
  /** Indexes of the spatial axes in the full shape, in spatial order. */
  spatial: number[];
  channel: number;
  names: string[];
}

export function spatialNames(rank: number): string[] {
  if (rank === 1) return ['steps'];
  if (rank === 2) return ['height', 'width'];
  if (rank === 3) return ['depth', 'height', 'width'];
  return Array.from({ length: rank }, (_, i) => `axis ${i + 1}`);
}

/** Layout of a rank-(n+2) tensor with `n` spatial axes. */
export function layoutFor(n: number, format: DataFormat): Layout {
  const first = format === 'channels_first' ? 2 : 1;
  return {
    spatial: Array.from({ length: n }, (_, i) => first + i),
    channel: format === 'channels_first' ? 1 : n + 1,
    names: spatialNames(n),
  };
}

/** How a rank-(n+2) input reads, for messages: `(batch, height, width, channels)`. */
export function describeAxes(n: number, format: DataFormat | null): string {
  const spatial = spatialNames(n);
  const parts = format === 'channels_first' ? ['batch', 'channels', ...spatial] : ['batch', ...spatial, 'channels'];
  return `(${parts.join(', ')})`;
}

/**
 * Checks the input rank; reports rank-mismatch (expected and actual) and returns false when it
 * does not match. `expected` may list several accepted ranks.
 */
export function checkRank(
  layer: string,
  input: SymbolicShape,
  expected: number | readonly number[],
  sink: FindingSink,
  what?: string,
): boolean {
  const ranks = typeof expected === 'number' ? [expected] : expected;
  if (ranks.includes(input.length)) return true;
  const exp = ranks.length === 1 ? `rank ${ranks[0]}` : `rank ${ranks.slice(0, -1).join(', ')} or ${ranks[ranks.length - 1]}`;
  sink.add(
    'rank-mismatch',
    `${layer} expects a ${exp.replace('rank ', 'rank-')} input ${what ?? '(batch axis included)'}, but got rank ${input.length}: ${shapeRepr(input)}.`,
  );
  return false;
}

export function checkMinRank(layer: string, input: SymbolicShape, min: number, sink: FindingSink, what?: string): boolean {
  if (input.length >= min) return true;
  sink.add(
    'rank-mismatch',
    `${layer} expects an input of rank ${min} or more ${what ?? '(batch axis included)'}, but got rank ${input.length}: ${shapeRepr(input)}.`,
  );
  return false;
}

/** A shape with every axis unknown except the batch axis, for when only the rank is known. */
export function unknownShape(rank: number, batch: Dim): Shape;
export function unknownShape(rank: number, batch: SymbolicDim): SymbolicShape;
export function unknownShape(rank: number, batch: SymbolicDim): SymbolicShape {
  return Array.from({ length: rank }, (_, i) => (i === 0 ? batch : null));
}
