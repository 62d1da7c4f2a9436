// Analysis results per unit, tied to the unit's revision and the settings they were computed
// with. Parsing is incremental: the unit's kept tree (already edited with every change since)
// is handed to the parser as the old tree, and the new tree replaces it in the cache.
//
// Nothing here throws: an exception in the parser or the analysis becomes a result with
// `internalError` (cached like any other, so the failing revision is not analysed again), logged
// once per document with the phase and the line where it happens; other documents are not
// affected. Notes (not analysed, stopped early) are logged once per document too.
import type { Tree } from 'web-tree-sitter';
import type { Analyzer } from '../analysis';
import { MAX_DOCUMENT_CHARS, MAX_TEXT_PATH_CHARS } from '../analysis';
import type { AnalysisResult } from '../analysis-types';
import type { AnalysisConfig, ShapewiseSettings } from '../config';
import { LineIndex } from '../text/line-index';
import { errorDetails, errorSummary, type OnceLog } from './log-once';
import type { TreeCache } from './tree-cache';
import type { AnalysisUnit } from './units';

export interface UnitAnalysis {
  /** The unit object analysed (a document closed and opened again is a new unit). */
  unit: AnalysisUnit;
  key: string;
  revision: number;
  settings: ShapewiseSettings;
  result: AnalysisResult;
  /** The parser gave up on the text (too large or too deeply nested): see `current`. */
  parserGaveUp?: boolean;
  /** Returned for a later revision of the unit (see `current`): its next analysis should refresh the hints. */
  servedLater?: boolean;
}

/**
 * How many units' results are kept, the most recently used. A result holds every layer's shapes
 * and derivations (about 2 MB of heap for a 2,000-line file): kept for every open document, 100
 * such files held 226 MB. A unit whose result was dropped is analysed again when asked (as after
 * a change); its diagnostics stay published meanwhile.
 */
export const MAX_KEPT_RESULTS = 24;

/** Internal errors are located by analysing prefixes of texts up to this size... */
const LOCATE_MAX_CHARS = 200_000;
/** ...for at most this long. */
const LOCATE_BUDGET_MS = 1_000;

export class Analyses {
  private readonly results = new Map<string, UnitAnalysis>();

  constructor(
    private readonly analyzer: Analyzer,
    private readonly trees: TreeCache,
    private readonly log: OnceLog,
  ) {}

  /**
   * The result for the unit as it is now, computed if the cached one is stale. `orNotAnalysed`:
   * a request may instead get the last result when that was the parser giving up on a text too
   * large for the text reader and the text still is: such an attempt takes a second or more, and
   * every keystroke's requests would make one. That result shows nothing (no hints, no hover),
   * as the next attempt most likely would; the debounced diagnostics make the attempt.
   */
  current(unit: AnalysisUnit, settings: ShapewiseSettings, options: { orNotAnalysed?: boolean } = {}): UnitAnalysis {
    const cached = this.peek(unit, settings);
    if (cached) return cached;
    if (options.orNotAnalysed) {
      const last = this.results.get(unit.key);
      if (last?.parserGaveUp && last.unit === unit && last.settings === settings && unit.text.length > MAX_TEXT_PATH_CHARS) {
        last.servedLater = true;
        return last;
      }
    }
    const gaveUp = { parser: false };
    const result = this.compute(unit, settings, gaveUp);
    const analysis: UnitAnalysis = { unit, key: unit.key, revision: unit.revision, settings, result, parserGaveUp: gaveUp.parser };
    this.keep(analysis);
    return analysis;
  }

  /** How many units' results are kept (at most MAX_KEPT_RESULTS). */
  get keptCount(): number {
    return this.results.size;
  }

  /** Whether the unit's last result was also returned for a later revision (see `current`). */
  servedLater(key: string): boolean {
    return this.results.get(key)?.servedLater === true;
  }

  /** The cached result when it is up to date, without computing. */
  peek(unit: AnalysisUnit, settings: ShapewiseSettings): UnitAnalysis | undefined {
    const cached = this.results.get(unit.key);
    if (!cached || cached.unit !== unit || cached.revision !== unit.revision || cached.settings !== settings) return undefined;
    this.keep(cached);
    return cached;
  }

  /** Keeps `analysis` as the most recently used; past MAX_KEPT_RESULTS the least recently used goes. */
  private keep(analysis: UnitAnalysis): void {
    this.results.delete(analysis.key);
    this.results.set(analysis.key, analysis);
    if (this.results.size > MAX_KEPT_RESULTS) this.results.delete(this.results.keys().next().value as string);
  }

  forget(key: string): void {
    this.results.delete(key);
    this.analyzer.forget(key);
  }

  private compute(unit: AnalysisUnit, settings: ShapewiseSettings, gaveUp: { parser: boolean }): AnalysisResult {
    const text = unit.text;
    if (text.length > MAX_DOCUMENT_CHARS) {
      this.trees.delete(unit.key);
      return this.notAnalysed(unit, `the file has ${text.length} characters, over the limit of ${MAX_DOCUMENT_CHARS}`);
    }
    // Most files are read without a parse; the kept tree (if any) goes on receiving the edits.
    let direct: AnalysisResult | undefined;
    try {
      direct = this.analyzer.analyzeWithoutTree(text, settings.analysis, unit.key);
    } catch (e) {
      return this.failed(unit, 'analysis', e, settings.analysis);
    }
    if (direct) return this.noted(unit, direct, settings.analysis);
    let tree: Tree | null;
    try {
      tree = this.analyzer.parseEdited(text, this.trees.get(unit.key));
    } catch (e) {
      this.trees.delete(unit.key);
      return this.failed(unit, 'parsing', e, settings.analysis);
    }
    if (!tree) {
      this.trees.delete(unit.key);
      gaveUp.parser = true;
      return this.notAnalysed(unit, 'the parser gave up on this file (too deeply nested or too large)');
    }
    this.trees.set(unit.key, tree);
    let result: AnalysisResult;
    try {
      result = this.analyzer.analyzeTree(tree, text, settings.analysis, unit.key);
    } catch (e) {
      // The kept tree may be what the analysis choked on: the next change parses afresh.
      this.trees.delete(unit.key);
      return this.failed(unit, 'analysis', e, settings.analysis);
    }
    return this.noted(unit, result, settings.analysis);
  }

  /** Logs (once) an internal error or an early stop in the result; returns the result. */
  private noted(unit: AnalysisUnit, result: AnalysisResult, config: AnalysisConfig): AnalysisResult {
    if (result.internalError) {
      const summary = result.internalError.split(/\r?\n/, 1)[0];
      this.reportInternalError(unit, 'analysis', summary, result.internalError, config);
    }
    if (result.stoppedEarly) {
      const key = `stopped:${result.stoppedEarly.replace(/\d+/g, 'N')}`;
      this.log.info(unit.key, key, `Shapewise: the analysis of ${unit.key} stopped part-way: ${result.stoppedEarly}`);
    }
    return result;
  }

  private notAnalysed(unit: AnalysisUnit, why: string): AnalysisResult {
    // Once per document and kind of reason (a character count changes with every keystroke).
    this.log.info(unit.key, `not-analysed:${why.replace(/\d+/g, 'N')}`, `Shapewise: ${unit.key} is not analysed: ${why}`);
    return { layers: [], diagnostics: [], unknowns: [], notAnalysed: why };
  }

  private failed(unit: AnalysisUnit, phase: string, e: unknown, config: AnalysisConfig): AnalysisResult {
    const summary = errorSummary(e);
    this.reportInternalError(unit, phase, summary, errorDetails(e), config);
    return { layers: [], diagnostics: [], unknowns: [], internalError: `${summary} (in ${phase})` };
  }

  /** Logs an internal error once per document, with the line where it happens when found. */
  private reportInternalError(unit: AnalysisUnit, phase: string, summary: string, details: string, config: AnalysisConfig): void {
    const key = `internal:${phase}:${summary}`;
    if (!this.log.isNew(unit.key, key)) return;
    const line = this.locateError(unit.text, config, summary);
    const where = line === undefined ? 'at an unknown line' : `at line ${line + 1} (the first line whose analysis fails)`;
    this.log.error(unit.key, key, `Shapewise: internal error (please report it) in the ${phase} of ${unit.key}, ${where}: ${summary}\n${details}`);
  }

  /**
   * The first line such that the text up to the end of that line fails with the same error (the
   * analysis runs statements in order, so that is the statement being analysed when it failed).
   * Bounded: only for texts up to LOCATE_MAX_CHARS, for at most LOCATE_BUDGET_MS.
   */
  private locateError(text: string, config: AnalysisConfig, summary: string): number | undefined {
    if (text.length > LOCATE_MAX_CHARS) return undefined;
    const lines = new LineIndex(text);
    const deadline = performance.now() + LOCATE_BUDGET_MS;
    const fails = (line: number): boolean => {
      const end = line + 1 < lines.lineCount ? lines.lineStart(line + 1) : text.length;
      try {
        const r = this.analyzer.analyzeText(text.slice(0, end), config);
        return r.internalError?.split(/\r?\n/, 1)[0] === summary;
      } catch (e) {
        return errorSummary(e) === summary;
      }
    };
    let lo = 0;
    let hi = lines.lineCount - 1;
    let confirmed = false;
    while (lo < hi) {
      if (performance.now() > deadline) return undefined;
      const mid = (lo + hi) >> 1;
      if (fails(mid)) {
        hi = mid;
        confirmed = true;
      } else lo = mid + 1;
    }
    return confirmed || fails(lo) ? lo : undefined;
  }
}
