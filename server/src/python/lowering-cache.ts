// What lowering keeps between versions of one document: the statements of the previous
// version by their text, reused (spans shifted) where the text did not change.
import type { Span, Stmt } from './ast';

/**
 * Top-level statements lowered for an earlier version of one document, by their text: after an
 * edit, the statements whose text did not change are reused (their spans shifted in place when
 * the edit moved them) instead of being read and parsed again. One cache per document.
 */
export class LoweringCache {
  /** Top-level statements lowered from the tree (fast-lower.ts). */
  entries = new Map<string, CachedStatement[]>();
  /** Top-level segments lowered from the text alone (text-lower.ts). */
  textEntries = new Map<string, CachedStatement[]>();
}

export interface CachedStatement {
  start: number;
  stmts: Stmt[];
  comments: Span[];
}

/** A cached statement with this text, moved to `start` (its spans shifted in place). */
export function takeCached(entries: Map<string, CachedStatement[]>, key: string, start: number): CachedStatement | undefined {
  const list = entries.get(key);
  if (!list || list.length === 0) return undefined;
  // Prefer the one that did not move; any other is shifted.
  let i = list.findIndex((e) => e.start === start);
  if (i < 0) i = 0;
  const entry = list.splice(i, 1)[0];
  if (entry.start !== start) {
    const delta = start - entry.start;
    const seen = new Set<object>();
    for (const st of entry.stmts) shiftSpans(st, delta, seen);
    for (const c of entry.comments) shiftSpans(c, delta, seen);
    entry.start = start;
  }
  return entry;
}

/** Adds `delta` to every span (an object with numeric start and end) below `node`, once each. */
function shiftSpans(node: unknown, delta: number, seen: Set<object>): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const item of node) shiftSpans(item, delta, seen);
    return;
  }
  const o = node as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number') {
    o.start = (o.start as number) + delta;
    o.end = (o.end as number) + delta;
  }
  for (const k in o) {
    const v = o[k];
    if (v !== null && typeof v === 'object') shiftSpans(v, delta, seen);
  }
}
