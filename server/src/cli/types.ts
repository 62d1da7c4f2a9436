// The checker's plain-data vocabulary. A FileReport is everything the reporters need about one
// file, already in 1-based lines and code-point columns, so it can cross a worker-thread
// boundary (structured clone) and be formatted without the source text.
import type { AnalysisResult } from '../analysis-types';
import type { AnalysisConfig } from '../config';
import type { DataFormat, DiagnosticCode, Dim, Severity, SymbolicShape } from '../engine/types';

/** What checkFile needs from the analysis: `Analyzer` fits, and tests inject their own. */
export interface SourceAnalyzer {
  analyzeText(text: string, config: AnalysisConfig): AnalysisResult;
}

export type OutputFormat = 'text' | 'json' | 'sarif';
export type FailOn = 'error' | 'warning' | 'information' | 'never';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif'];
export const FAIL_ON_LEVELS: readonly FailOn[] = ['error', 'warning', 'information', 'never'];
export const DATA_FORMATS: readonly DataFormat[] = ['channels_last', 'channels_first'];

/** A position as the contract gives it: 1-based line, 1-based column in Unicode code points. */
export interface Place {
  line: number;
  column: number;
  /** Notebooks only: index of the cell among all cells (0-based). */
  cell?: number;
  /** Notebooks only: 1-based line within that cell. */
  cellLine?: number;
}

export interface Span extends Place {
  /** Where the range ends (exclusive: the position just past its last character). */
  endLine: number;
  endColumn: number;
}

export interface LayerEntry extends Place {
  layer: string;
  /** The first input's shape, null when unknown. */
  /** Sizes may be symbolic strings such as `"ceil(H/2)"` (JSON prints them as strings). */
  inputShape: SymbolicShape | null;
  outputShape: SymbolicShape | null;
  padding?: { mode: string; before: Dim[]; after: Dim[] };
}

export interface RelatedEntry extends Span {
  message: string;
}

export interface DiagnosticEntry extends Span {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  related: RelatedEntry[];
}

export interface FileReport {
  /** The path as shown to the user: relative to the current directory, forward slashes. */
  path: string;
  kind: 'python' | 'notebook';
  /** In analysis order (a helper applied three times gives three entries). */
  layers: LayerEntry[];
  /** Sorted by position; ties keep analysis order. */
  diagnostics: DiagnosticEntry[];
  /**
   * Set when the file could not be checked (unreadable, undecodable, broken notebook), or only
   * in part because of a bug in the analysis (then the results so far are kept).
   */
  error?: string;
  /** Set when the file was read but deliberately not analysed (too large, parser gave up). */
  notAnalysed?: string;
  /** Set when the analysis stopped part-way (its work bound); the results so far are kept. */
  stoppedEarly?: string;
  /**
   * From a worker thread: the file's JSON object already written (formatJsonFile) and encoded
   * as UTF-8, its `layers` then left empty; only the JSON report shows layers.
   */
  json?: Uint8Array;
  /**
   * With `json`: the diagnostics are only there (`diagnostics` is left empty: cloning them to the
   * main thread cost a few percent of a check), and this is their highest severity, for the
   * exit status; undefined when there are none.
   */
  worstSeverity?: Severity;
}

export interface CheckOptions {
  paths: string[];
  format: OutputFormat;
  failOn: FailOn;
  dataFormat: DataFormat;
}
