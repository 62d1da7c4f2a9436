// The one façade over the pure core: (text, config) -> results in offsets and labels.
// The language server and the checker both call this and nothing below it.
import type { Parser, Tree } from 'web-tree-sitter';
import type { AnalysisResult, DiagnosticReport } from './analysis-types';
import type { AnalysisConfig } from './config';
import type { Module } from './python/ast';
import { analyzeLowered, analyzeModule, mentionsKeras } from './python/analyze-module';
import { LoweringCache } from './python/lowering-cache';
import { createPythonParser } from './python/parser';
import { recoverFromErrors, type Recovered } from './python/recover';
import { lowerText } from './python/text-lower';
import { applySuppressions } from './suppressions';

export type { AnalysisResult } from './analysis-types';

/** Beyond this many characters a document is not analysed (the answer says so). */
export const MAX_DOCUMENT_CHARS = 8_000_000;
/**
 * The parser gives up after this much work: tree-sitter reports progress after a fixed number
 * of its operations, so a count of reports gives the same answer for the same text on every
 * machine (a time limit made a 5 MB file analysed on a fast machine and not on a slow one).
 * 50,000 reports is about 3.5 MB of ordinary Keras code, 1.4 s on a 2-core machine.
 */
const MAX_PARSE_PROGRESS_REPORTS = 50_000;
/**
 * Texts up to this size may be read without tree-sitter (text-lower.ts, about 50,000 lines of
 * ordinary code, which the parser's work bound lets through as well). Larger ones go to the
 * parser, whose work bound decides whether they are analysed at all. The reader is the faster
 * way in the editor (a 30,000-line file's edit: 26 ms against 183 ms through the parser,
 * in-process) and keeps no tree in the parser's WebAssembly memory, which never shrinks
 * (168 MB for 50,000 lines).
 */
export const MAX_TEXT_PATH_CHARS = 2_000_000;
/**
 * Broken texts up to this size are parsed afresh after an edit, not incrementally (parseEdited):
 * about 650 lines. With a layer call being typed (an unclosed bracket) in the middle of a
 * generated file, in-process on a 2-core machine, a keystroke's analysis took 17-18 ms at 500
 * lines with the fresh parse (13-14 ms of it) against 5-14 ms incrementally, and 32-39 against
 * 8-10 ms at 1,200 lines, over an edit's budget.
 */
export const MAX_FRESH_REPARSE_CHARS = 25_000;
/** And after this long whatever the count: a guard for a machine far slower than expected. */
const PARSE_TIMEOUT_MS = 15_000;

/**
 * Documents whose lowering is kept for the next edit (least recently analysed dropped first).
 * People type in one or two documents at a time, and a 1,000-line document's lowering holds
 * about 1.5 MB: keeping it for every open document made most of the server's heap.
 */
const MAX_CACHED_DOCUMENTS = 6;

export class Analyzer {
  private readonly loweringCaches = new Map<string, LoweringCache>();

  private constructor(private readonly parser: Parser) {}

  static async create(): Promise<Analyzer> {
    return new Analyzer(await createPythonParser());
  }

  /** Parses with the shared parser. The caller owns the tree and must `delete()` it. */
  parse(text: string, oldTree?: Tree | null): Tree | null {
    // setTimeoutMicros is broken in web-tree-sitter 0.25 (BigInt conversion); a progress
    // callback that returns true cancels the parse instead.
    const deadline = performance.now() + PARSE_TIMEOUT_MS;
    let reports = 0;
    const progressCallback = (() => ++reports > MAX_PARSE_PROGRESS_REPORTS || performance.now() > deadline) as unknown as () => void;
    let tree: Tree | null = null;
    try {
      tree = this.parser.parse(text, oldTree ?? null, { progressCallback });
    } catch {
      tree = null;
    }
    // A parse that gave up is kept by the parser and resumed by the next call, whatever its
    // text: start the next one afresh.
    if (!tree) this.parser.reset();
    return tree;
  }

  /**
   * Parses a document's new text with its kept tree, which has received the edits since
   * (incremental: what did not change is reused). Tree-sitter's error recovery can end
   * differently when it reuses an old tree's parts than when it parses the same text afresh, so
   * a text with a syntax error is parsed afresh when that is cheap: its analysis is then the same
   * whatever edits led to it, as the checker and a reopened file see it. A larger broken text is
   * parsed incrementally, as a full parse per keystroke would cost more than an edit's budget;
   * its results may then depend on the edits until it is readable again. An error-free text has
   * one parse either way. The caller owns the tree and must `delete()` it.
   */
  parseEdited(text: string, kept: Tree | undefined): Tree | null {
    if (!kept) return this.parse(text);
    if (text.length > MAX_FRESH_REPARSE_CHARS) return this.parse(text, kept);
    // A text edited from a broken one is most often still broken: no incremental parse first.
    if (kept.rootNode.hasError) return this.parse(text);
    const tree = this.parse(text, kept);
    if (!tree?.rootNode.hasError) return tree;
    tree.delete();
    return this.parse(text);
  }

  analyzeText(text: string, config: AnalysisConfig): AnalysisResult {
    if (text.length > MAX_DOCUMENT_CHARS) return notAnalysed(`the file has ${text.length} characters, over the limit of ${MAX_DOCUMENT_CHARS}`);
    const direct = this.analyzeWithoutTree(text, config);
    if (direct) return direct;
    const tree = this.parse(text);
    if (!tree) return notAnalysed('the parser gave up on this file (too deeply nested or too large)');
    try {
      return this.analyzeTree(tree, text, config);
    } finally {
      tree.delete();
    }
  }

  /**
   * The analysis read from the text alone, without parsing (text-lower.ts): the same result as
   * parsing and analysing the tree, for the files that reader can vouch for (error-free code in
   * the usual syntax); undefined for the others, which the caller parses.
   */
  analyzeWithoutTree(text: string, config: AnalysisConfig, documentKey?: string): AnalysisResult | undefined {
    if (text.length > MAX_TEXT_PATH_CHARS) return undefined;
    // A file that never names Keras is not analysed, whatever its syntax.
    const keras = mentionsKeras(text);
    const cache = keras ? this.loweringCache(documentKey) : undefined;
    // Spans below unchanged statements move when they run (the incremental analysis keeps the others' reports).
    const module = keras ? lowerText(text, cache, undefined, true) : { body: [], comments: [] };
    if (!module) return undefined;
    return this.finish(analyzeLowered(() => module, text, { defaultDataFormat: config.dataFormat }, cache?.islands), text, config);
  }

  /**
   * Analyses a tree the caller parsed (the server keeps trees for incremental parsing).
   * `documentKey`: the same document's earlier lowering is reused where its text is unchanged.
   */
  analyzeTree(tree: Tree, text: string, config: AnalysisConfig, documentKey?: string): AnalysisResult {
    if (text.length > MAX_DOCUMENT_CHARS) return notAnalysed(`the file has ${text.length} characters, over the limit of ${MAX_DOCUMENT_CHARS}`);
    const options = { defaultDataFormat: config.dataFormat };
    const cache = this.loweringCache(documentKey);
    const read = this.textReader(cache);
    const recovered = recoverFromErrors(tree, text, (t, old) => this.parse(t, old), read);
    let raw: AnalysisResult;
    try {
      const lowered = (module: Module): AnalysisResult => analyzeLowered(() => module, recovered.text, options, cache?.islands);
      if (recovered.tree === undefined) raw = lowered(recovered.read);
      else {
        const module = this.readRecovered(recovered.tree, recovered, read);
        raw = module ? lowered(module) : analyzeModule(recovered.tree.rootNode, recovered.text, options, cache);
      }
    } finally {
      if (recovered.tree && recovered.tree !== tree) recovered.tree.delete();
    }
    return this.finish(raw, text, config);
  }

  /**
   * A document being typed in, with its broken lines blanked into a text tree-sitter parses
   * without an error, is read from that text alone, which is the same module as the tree's
   * (text-lower.ts): the document's lowering and island runs from its last readable version are
   * reused, and its first syntax error does not run every statement again. The reader, for a
   * document the text reader has read before (then only what changed since is read again); the
   * recovery uses it too, to skip parsing a blanked text the reader vouches for.
   */
  private textReader(cache: LoweringCache | undefined): ((text: string) => Module | null) | undefined {
    if (!cache?.text) return undefined;
    return (text) => (text.length <= MAX_TEXT_PATH_CHARS ? lowerText(text, cache, undefined, true) : null);
  }

  /** A recovered tree's text read by `read`, when lines were blanked and the tree has no error. */
  private readRecovered(tree: Tree, recovered: Recovered<Module>, read: ((text: string) => Module | null) | undefined): Module | null {
    if (!read || recovered.maskedLines.length === 0 || tree.rootNode.hasError) return null;
    return read(recovered.text);
  }

  /** Severities from the settings, `off` dropped, suppression comments applied. */
  private finish(raw: AnalysisResult, text: string, config: AnalysisConfig): AnalysisResult {
    const diagnostics: DiagnosticReport[] = [];
    for (const d of raw.diagnostics) {
      const severity = config.severity[d.code];
      if (severity === 'off') continue;
      diagnostics.push({ ...d, severity });
    }
    return { ...raw, diagnostics: applySuppressions(text, diagnostics) };
  }

  private loweringCache(key: string | undefined): LoweringCache | undefined {
    if (key === undefined) return undefined;
    let cache = this.loweringCaches.get(key);
    if (cache) this.loweringCaches.delete(key);
    else cache = new LoweringCache();
    this.loweringCaches.set(key, cache);
    if (this.loweringCaches.size > MAX_CACHED_DOCUMENTS) this.loweringCaches.delete(this.loweringCaches.keys().next().value as string);
    return cache;
  }

  /** Drops what is kept for a closed document. */
  forget(documentKey: string): void {
    this.loweringCaches.delete(documentKey);
  }

  dispose(): void {
    this.parser.delete();
  }
}

function notAnalysed(why: string): AnalysisResult {
  return { layers: [], diagnostics: [], unknowns: [], notAnalysed: why };
}
