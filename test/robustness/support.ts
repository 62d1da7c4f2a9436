// Shared by the protocol robustness suites: a text model that follows the LSP specification
// (written independently of the server's LineIndex), the documents the fuzzers start from, and
// an oracle: a fresh analysis of a text with the Analyzer directly, mapped to protocol results
// with the server's own mapping functions, to compare the server's incremental answers with.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type {
  CodeAction,
  Diagnostic,
  Hover,
  InlayHint,
  Position,
  Range,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';
import type { Analyzer } from '../../server/src/analysis';
import type { AnalysisResult } from '../../server/src/analysis-types';
import { settingsFromSection, type ShapewiseSettings } from '../../server/src/config';
import { codeActions } from '../../server/src/lsp/code-actions';
import { diagnosticsByDocument } from '../../server/src/lsp/diagnostics';
import { hover, unknownWhy } from '../../server/src/lsp/hover';
import { inlayHints } from '../../server/src/lsp/inlay-hints';
import { TextUnit, type AnalysisUnit } from '../../server/src/lsp/units';
// @ts-expect-error plain JavaScript module without type declarations
import { generateKerasFile } from '../bench/generate.mjs';

const generate = generateKerasFile as (lines: number, seed?: number) => string;
const root = path.join(__dirname, '..', '..');

// ------------------------------------------------------------------------------ text model

/** Line start offsets; lines end at \r\n, \n or a lone \r (LSP's definition). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/**
 * The offset of an LSP position, as the specification says: a line past the end means the end
 * of the text, a character past the end of the line means the end of the line (before its line
 * break), negative numbers mean 0.
 */
export function lspOffset(text: string, p: Position, starts = lineStarts(text)): number {
  if (p.line >= starts.length) return text.length;
  const line = Math.max(0, p.line);
  const start = starts[line];
  let end = line + 1 < starts.length ? starts[line + 1] : text.length;
  if (end > start && text.charCodeAt(end - 1) === 10) end--;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return Math.min(start + Math.max(0, p.character), end);
}

export function lspPosition(text: string, offset: number, starts = lineStarts(text)): Position {
  const o = Math.max(0, Math.min(offset, text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= o) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: o - starts[lo] };
}

/** Editors never put a position inside a \r\n or inside a surrogate pair: move past it. */
export function snap(text: string, offset: number): number {
  const o = Math.max(0, Math.min(offset, text.length));
  const prev = text.charCodeAt(o - 1);
  const cur = text.charCodeAt(o);
  if (prev === 13 && cur === 10) return o + 1;
  if (prev >= 0xd800 && prev <= 0xdbff && cur >= 0xdc00 && cur <= 0xdfff) return o + 1;
  return o;
}

/** Applies one content change the way the specification says a server must. */
export function applyChange(text: string, change: TextDocumentContentChangeEvent): string {
  if (!('range' in change)) return change.text;
  const starts = lineStarts(text);
  const start = lspOffset(text, change.range.start, starts);
  const end = Math.max(start, lspOffset(text, change.range.end, starts));
  return text.slice(0, start) + change.text + text.slice(end);
}

/** The range of [start, end) in `text`. */
export function rangeAt(text: string, start: number, end: number): Range {
  const starts = lineStarts(text);
  return { start: lspPosition(text, start, starts), end: lspPosition(text, end, starts) };
}

export function inBounds(text: string, p: Position, starts = lineStarts(text)): boolean {
  if (p.line < 0 || p.line >= starts.length || p.character < 0) return false;
  return lspOffset(text, p, starts) === starts[p.line] + p.character;
}

// ------------------------------------------------------------------------------ documents

export interface CorpusDocument {
  name: string;
  text: string;
}

/** Realistic Keras documents: the examples, the front end's fixtures and generated files. */
export function corpus(): CorpusDocument[] {
  const docs: CorpusDocument[] = [];
  for (const dir of ['examples', path.join('test', 'fixtures', 'python')]) {
    for (const f of readdirSync(path.join(root, dir)).sort()) {
      if (f.endsWith('.py')) docs.push({ name: `${dir}/${f}`, text: readFileSync(path.join(root, dir, f), 'utf8') });
    }
  }
  for (const [lines, seed] of [
    [80, 1],
    [150, 2],
    [220, 3],
  ]) {
    docs.push({ name: `generated(${lines} lines, seed ${seed})`, text: generate(lines, seed) });
  }
  return docs;
}

/** Non-ASCII text where it is legal: a comment line, a string constant, a trailing comment. */
export function withNonAscii(text: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => /^(import|from) /.test(l));
  const insertAt = at < 0 ? 0 : at;
  lines.splice(insertAt, 0, '# é 形状 😀 données', 'LABEL = "形状 😀 é"  # 😀😀');
  return lines.map((l, i) => (i % 7 === 3 && l.trim() !== '' && !l.trimEnd().endsWith('\\') && !l.includes('"""') ? `${l}  # 形 😀` : l)).join('\n');
}

// ------------------------------------------------------------------------------ the oracle

export const FUZZ_SETTINGS_SECTION = { inlayHints: { padding: { enabled: true } } };

export interface Fresh {
  unit: AnalysisUnit;
  result: AnalysisResult;
}

/** Fresh analyses of whole texts, mapped to protocol results exactly as the server maps them. */
export class Oracle {
  readonly settings: ShapewiseSettings;
  private readonly cache = new Map<string, Fresh>();

  constructor(
    private readonly analyzer: Analyzer,
    section: unknown = FUZZ_SETTINGS_SECTION,
  ) {
    this.settings = settingsFromSection(section);
  }

  fresh(uri: string, version: number, text: string): Fresh {
    const key = `${uri}\u0000${version}\u0000${text}`;
    let f = this.cache.get(key);
    if (!f) {
      f = { unit: new TextUnit(uri, version, text), result: this.analyzer.analyzeText(text, this.settings.analysis) };
      if (this.cache.size > 64) this.cache.clear();
      this.cache.set(key, f);
    }
    return f;
  }

  hints(f: Fresh, uri: string, range: Range): InlayHint[] {
    return stripData(inlayHints(f.unit, uri, range, f.result, this.settings, unknownWhy(f.result), { lazyTooltips: true, revision: 0 }));
  }

  hintsWithTooltips(f: Fresh, uri: string, range: Range): InlayHint[] {
    return inlayHints(f.unit, uri, range, f.result, this.settings, unknownWhy(f.result), { lazyTooltips: false, revision: 0 });
  }

  hover(f: Fresh, uri: string, position: Position): Hover | null {
    return hover(f.unit, uri, position, f.result);
  }

  codeActions(f: Fresh, uri: string, range: Range, diagnostics: Diagnostic[]): CodeAction[] {
    return codeActions(f.unit, { textDocument: { uri }, range, context: { diagnostics } }, f.result, { documentChanges: false });
  }

  diagnostics(f: Fresh, uri: string): Diagnostic[] {
    return diagnosticsByDocument(f.unit, f.result).get(uri) ?? [];
  }
}

/** Hints without `data` (it carries the server's revision counter, which differs between servers). */
export function stripData(hints: readonly InlayHint[]): InlayHint[] {
  return hints.map((h) => {
    const { data: _data, ...rest } = h;
    return rest;
  });
}

/** Replaces one URI by another everywhere in a JSON-able value (relatedInformation, edits). */
export function renameUri<T>(value: T, from: string, to: string): T {
  return JSON.parse(JSON.stringify(value).split(JSON.stringify(from).slice(1, -1)).join(JSON.stringify(to).slice(1, -1))) as T;
}

// ------------------------------------------------------------------------------ seeded noise

/** `length` characters drawn from `alphabet` by a linear congruential generator (same seed, same text). */
export function randomText(seed: number, length: number, alphabet: string): string {
  let s = seed >>> 0;
  let out = '';
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out += alphabet[s % alphabet.length];
  }
  return out;
}

/** `length` bytes from the same generator (its high byte). */
export function randomBytes(seed: number, length: number): Buffer {
  let s = seed >>> 0;
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    b[i] = s >>> 24;
  }
  return b;
}

/** Waits until `done()` holds, looking every `everyMs`, `tries` times at most (then returns anyway). */
export async function pollUntil(done: () => boolean, tries: number, everyMs = 25): Promise<void> {
  for (let i = 0; i < tries && !done(); i++) await sleep(everyMs);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects when `p` has not settled after `ms`: a request that is never answered is a failure. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
