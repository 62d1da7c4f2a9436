// What the analysis keeps between versions of one document: the lowered statements of the
// previous version, reused where the text did not change, and the island runs (incremental.ts).
import type { Span, Stmt } from './ast';
import { IslandCache } from './incremental';
import type { ScannedText } from './segments';

/**
 * Top-level statements lowered for an earlier version of one document: after an edit, the
 * statements whose text did not change are reused (their spans moved when the edit moved them)
 * instead of being read and parsed again. One cache per document.
 */
export class LoweringCache {
  /** Top-level statements lowered from the tree (fast-lower.ts), by their text. */
  entries = new Map<string, CachedStatements>();
  /** The last text read from the text alone (text-lower.ts): its segments and their statements. */
  text?: TextLowering;
  /** The reports of the last analysis, by island (incremental.ts). */
  readonly islands = new IslandCache();
}

export interface CachedStatement {
  start: number;
  stmts: Stmt[];
  comments: Span[];
  /** A move not yet applied below the statements' own spans (text path: see moveLazily). */
  pending?: number;
}

/** A text read from the text alone, and per segment (same index as `starts`) its statements. */
export interface TextLowering extends ScannedText {
  entries: CachedStatement[];
}

/** The entry each statement of the text path belongs to. */
const owners = new WeakMap<Stmt, CachedStatement>();

export function own(entry: CachedStatement): void {
  for (const s of entry.stmts) owners.set(s, entry);
}

/**
 * Moves a cached entry by `delta`: its statements' own spans and its comments now, the spans
 * below them when the statement is about to run (settle). After an edit most statements move
 * and few run: the incremental analysis keeps the reports of the others.
 */
export function moveLazily(entry: CachedStatement, delta: number): void {
  if (delta === 0) return;
  for (const s of entry.stmts) {
    s.span.start += delta;
    s.span.end += delta;
  }
  for (const c of entry.comments) {
    c.start += delta;
    c.end += delta;
  }
  entry.start += delta;
  entry.pending = (entry.pending ?? 0) + delta;
}

/** Applies the moves not yet applied below `s` (every consumer of spans below a statement calls this first). */
export function settle(s: Stmt): void {
  const entry = owners.get(s);
  if (!entry?.pending) return;
  const delta = entry.pending;
  entry.pending = 0;
  for (const span of innerSpansOf(entry)) {
    span.start += delta;
    span.end += delta;
  }
}

const innerSpans = new WeakMap<CachedStatement, Span[]>();

/** Every span below an entry's statements, once each, without the statements' own spans and the comments. */
function innerSpansOf(entry: CachedStatement): Span[] {
  return listed(innerSpans, entry, [...entry.stmts.map((st) => st.span), ...entry.comments]);
}

/** The cached statements with one text, in the order they were kept (by start). */
export interface CachedStatements {
  /** Taken ones are undefined. */
  items: (CachedStatement | undefined)[];
  /** The first not taken. */
  head: number;
  /** Index by start, made once a second statement has the text (a file of many equal lines). */
  byStart?: Map<number, number>;
}

/** Files `entry` under `key` (several statements may share a text). */
export function keepCached(entries: Map<string, CachedStatements>, key: string, entry: CachedStatement): void {
  const list = entries.get(key);
  if (!list) {
    entries.set(key, { items: [entry], head: 0 });
    return;
  }
  list.byStart ??= new Map(list.items.map((e, i) => [e?.start ?? -1, i]));
  list.byStart.set(entry.start, list.items.length);
  list.items.push(entry);
}

/** A cached statement with this text, moved to `start` (its spans shifted in place). */
export function takeCached(entries: Map<string, CachedStatements>, key: string, start: number): CachedStatement | undefined {
  const list = entries.get(key);
  if (!list || list.head >= list.items.length) return undefined;
  // Prefer the one that did not move; any other is shifted. Found by index, not by a search:
  // 100,000 equal lines took seconds.
  let i = list.byStart ? (list.byStart.get(start) ?? list.head) : list.head;
  if (list.items[i] === undefined) i = list.head;
  const entry = list.items[i] as CachedStatement;
  list.items[i] = undefined;
  while (list.head < list.items.length && list.items[list.head] === undefined) list.head++;
  if (entry.start !== start) {
    const delta = start - entry.start;
    for (const span of spansOf(entry)) {
      span.start += delta;
      span.end += delta;
    }
    entry.start = start;
  }
  return entry;
}

/**
 * Every span (an object with numeric start and end) below a cached statement, once each. Found
 * by one walk the first time the statement moves and kept: an edit moves every statement after
 * it, and a flat list is several times faster to shift than the tree.
 */
const spanLists = new WeakMap<CachedStatement, Span[]>();

function spansOf(entry: CachedStatement): Span[] {
  return listed(spanLists, entry, []);
}

/** The spans below an entry (statements, then comments) but `skipped`, listed once and kept in `lists`. */
function listed(lists: WeakMap<CachedStatement, Span[]>, entry: CachedStatement, skipped: object[]): Span[] {
  let spans = lists.get(entry);
  if (!spans) {
    spans = [];
    const seen = new Set<object>(skipped);
    for (const st of entry.stmts) collectSpans(st, seen, spans);
    for (const c of entry.comments) collectSpans(c, seen, spans);
    lists.set(entry, spans);
  }
  return spans;
}

function collectSpans(node: unknown, seen: Set<object>, out: Span[]): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const item of node) collectSpans(item, seen, out);
    return;
  }
  const o = node as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number') out.push(o as unknown as Span);
  for (const k in o) {
    const v = o[k];
    if (v !== null && typeof v === 'object') collectSpans(v, seen, out);
  }
}
