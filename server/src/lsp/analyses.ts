// Analysis results per unit, tied to the unit's revision and the settings they were computed
// with. Parsing is incremental: the unit's kept tree (already edited with every change since)
// is handed to the parser as the old tree, and the new tree replaces it in the cache.
import type { Analyzer } from '../analysis';
import { MAX_DOCUMENT_CHARS } from '../analysis';
import type { AnalysisResult } from '../analysis-types';
import type { ShapewiseSettings } from '../config';
import type { TreeCache } from './tree-cache';
import type { AnalysisUnit } from './units';

export interface UnitAnalysis {
  /** The unit object analysed (a document closed and opened again is a new unit). */
  unit: AnalysisUnit;
  key: string;
  revision: number;
  settings: ShapewiseSettings;
  result: AnalysisResult;
}

export interface Log {
  error(message: string): void;
  info(message: string): void;
}

export class Analyses {
  private readonly results = new Map<string, UnitAnalysis>();

  constructor(
    private readonly analyzer: Analyzer,
    private readonly trees: TreeCache,
    private readonly log: Log,
  ) {}

  /** The result for the unit as it is now, computed if the cached one is stale. */
  current(unit: AnalysisUnit, settings: ShapewiseSettings): UnitAnalysis {
    const cached = this.peek(unit, settings);
    if (cached) return cached;
    const result = this.compute(unit, settings);
    const analysis: UnitAnalysis = { unit, key: unit.key, revision: unit.revision, settings, result };
    this.results.set(unit.key, analysis);
    return analysis;
  }

  /** The cached result when it is up to date, without computing. */
  peek(unit: AnalysisUnit, settings: ShapewiseSettings): UnitAnalysis | undefined {
    const cached = this.results.get(unit.key);
    return cached && cached.unit === unit && cached.revision === unit.revision && cached.settings === settings ? cached : undefined;
  }

  forget(key: string): void {
    this.results.delete(key);
  }

  private compute(unit: AnalysisUnit, settings: ShapewiseSettings): AnalysisResult {
    const text = unit.text;
    if (text.length > MAX_DOCUMENT_CHARS) {
      this.trees.delete(unit.key);
      this.log.info(`Shapewise: ${unit.key} is not analysed: it has ${text.length} characters, over the limit of ${MAX_DOCUMENT_CHARS}`);
      return notAnalysed(`the file has ${text.length} characters, over the limit of ${MAX_DOCUMENT_CHARS}`);
    }
    const tree = this.analyzer.parse(text, this.trees.get(unit.key));
    if (!tree) {
      this.trees.delete(unit.key);
      this.log.info(`Shapewise: ${unit.key} is not analysed: the parser gave up`);
      return notAnalysed('the parser gave up on this file (too deeply nested or too large)');
    }
    this.trees.set(unit.key, tree);
    const result = this.analyzer.analyzeTree(tree, text, settings.analysis);
    if (result.internalError) this.log.error(`Shapewise: internal error while analysing ${unit.key}: ${result.internalError}`);
    if (result.stoppedEarly) this.log.info(`Shapewise: analysis of ${unit.key} stopped early: ${result.stoppedEarly}`);
    return result;
  }
}

function notAnalysed(why: string): AnalysisResult {
  return { layers: [], diagnostics: [], unknowns: [], notAnalysed: why };
}
