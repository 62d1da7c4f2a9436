// One file in, one FileReport out. No global state and no output: folder checking can run
// this in worker threads (one Analyzer per worker) and hand the reports to a reporter.
import { MAX_DOCUMENT_CHARS } from '../analysis';
import type { AnalysisResult, SourceRange } from '../analysis-types';
import type { AnalysisConfig } from '../config';
import { cellAt, joinCells, type JoinedNotebook } from '../notebook';
import { LineIndex } from '../text/line-index';
import { parseNotebook, type CodeCell } from './ipynb';
import { decodePythonSource, decodeUtf8, readFileBounded } from './read-source';
import type { DiagnosticEntry, FileReport, LayerEntry, Place, RelatedEntry, SourceAnalyzer, Span } from './types';

/**
 * Python files are not read past this size: a UTF-16 code unit takes at most 3 bytes of UTF-8,
 * so a larger file is certainly over the analysis' character limit.
 */
export const MAX_PYTHON_BYTES = 3 * MAX_DOCUMENT_CHARS;
/** Notebooks carry their outputs (images, tables): allow more, but not without bound. */
export const MAX_NOTEBOOK_BYTES = 128 * 1024 * 1024;

export function isNotebookPath(path: string): boolean {
  return /\.ipynb$/i.test(path);
}

/** Reads, decodes and analyses one file. Never throws: every failure is in the report. */
export function checkFile(path: string, analyzer: SourceAnalyzer, config: AnalysisConfig, displayPath: string = path): FileReport {
  const kind = isNotebookPath(path) ? 'notebook' : 'python';
  try {
    const limit = kind === 'notebook' ? MAX_NOTEBOOK_BYTES : MAX_PYTHON_BYTES;
    const read = readFileBounded(path, limit);
    if (!read.ok) {
      if ('tooLarge' in read) {
        return emptyReport(displayPath, kind, {
          notAnalysed: `the file is ${mib(read.tooLarge)}, over the checker's limit of ${mib(limit)}`,
        });
      }
      return emptyReport(displayPath, kind, { error: `cannot read: ${read.error}` });
    }
    if (kind === 'notebook') {
      const decoded = decodeUtf8(read.bytes, 'notebook files are UTF-8 JSON');
      if (!decoded.ok) return emptyReport(displayPath, kind, { error: decoded.error });
      return checkNotebookText(displayPath, decoded.text, analyzer, config);
    }
    const decoded = decodePythonSource(read.bytes);
    if (!decoded.ok) return emptyReport(displayPath, kind, { error: decoded.error });
    return checkPythonText(displayPath, decoded.text, analyzer, config);
  } catch (e) {
    return emptyReport(displayPath, kind, { error: internalError(e) });
  }
}

/** Analyses Python source already decoded (no BOM). */
export function checkPythonText(displayPath: string, text: string, analyzer: SourceAnalyzer, config: AnalysisConfig): FileReport {
  const result = analyze(analyzer, text, config);
  if ('error' in result) return emptyReport(displayPath, 'python', { error: result.error });
  const lines = new LineIndex(text);
  return buildReport(displayPath, 'python', result, (offset) => lines.codePointPosition(offset));
}

/** Analyses a notebook's JSON text: code cells joined, results mapped back to their cells. */
export function checkNotebookText(displayPath: string, json: string, analyzer: SourceAnalyzer, config: AnalysisConfig): FileReport {
  const nb = parseNotebook(json);
  if (!nb.ok) return emptyReport(displayPath, 'notebook', { error: nb.error });
  const original = joinCells(nb.cells.map((c) => ({ index: c.index, text: c.text })));
  const analysed = joinCells(nb.cells.map((c) => ({ index: c.index, text: c.analysed })));
  const result = analyze(analyzer, analysed.text, config);
  if ('error' in result) return emptyReport(displayPath, 'notebook', { error: result.error });
  // Positions come from the original text: masking keeps UTF-16 offsets, not code-point columns.
  const lines = new LineIndex(original.text);
  const inCell = cellLocator(original, nb.cells);
  return buildReport(displayPath, 'notebook', result, (offset) => {
    const p: Place = lines.codePointPosition(offset);
    const c = inCell(offset);
    if (c) {
      p.cell = c.cell;
      p.cellLine = c.cellLine;
    }
    return p;
  });
}

function cellLocator(joined: JoinedNotebook, cells: CodeCell[]): (offset: number) => { cell: number; cellLine: number } | undefined {
  const byIndex = new Map(cells.map((c) => [c.index, c]));
  const indexes = new Map<number, LineIndex>();
  return (offset) => {
    const at = cellAt(joined, offset);
    const cell = at && byIndex.get(at.cell);
    if (!at || !cell) return undefined;
    let idx = indexes.get(at.cell);
    if (!idx) indexes.set(at.cell, (idx = new LineIndex(cell.text)));
    return { cell: at.cell, cellLine: idx.positionAt(at.offset).line + 1 };
  };
}

function analyze(analyzer: SourceAnalyzer, text: string, config: AnalysisConfig): AnalysisResult | { error: string } {
  try {
    return analyzer.analyzeText(text, config);
  } catch (e) {
    return { error: internalError(e, 'in the analysis') };
  }
}

function buildReport(path: string, kind: FileReport['kind'], result: AnalysisResult, place: (offset: number) => Place): FileReport {
  // No object spread here: `{ ...place(o), ... }` cost several microseconds per layer in V8
  // (most of the report's time on a large file); properties copied one by one cost little.
  const span = (r: SourceRange): Span => {
    const s = at(place(r.start)) as Span;
    const end = place(r.end);
    s.endLine = end.line;
    s.endColumn = end.column;
    return s;
  };
  const layers: LayerEntry[] = result.layers.map((l) => {
    const entry = at(place(l.construct.start)) as LayerEntry;
    entry.layer = l.className;
    entry.inputShape = l.inputs[0] ?? null;
    entry.outputShape = l.result.output ?? null;
    const p = l.result.padding;
    if (p) entry.padding = { mode: p.mode, before: p.before, after: p.after };
    return entry;
  });
  const diagnostics: DiagnosticEntry[] = result.diagnostics.map((d) => {
    const entry = span(d) as DiagnosticEntry;
    entry.severity = d.severity;
    entry.code = d.code;
    entry.message = d.message;
    entry.related = (d.related ?? []).map((r) => {
      const rel = span(r.range) as RelatedEntry;
      rel.message = r.message;
      return rel;
    });
    return entry;
  });
  // Array.prototype.sort is stable: diagnostics at the same place keep analysis order.
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  const report: FileReport = { path, kind, layers, diagnostics };
  if (result.notAnalysed !== undefined) report.notAnalysed = result.notAnalysed;
  if (result.stoppedEarly !== undefined) report.stoppedEarly = result.stoppedEarly;
  if (result.internalError !== undefined) report.error = internalError(firstLine(result.internalError), 'in the analysis');
  return report;
}

/** A fresh Place with the same properties in the same order (the cell ones only in notebooks). */
function at(p: Place): Place {
  const out: Place = { line: p.line, column: p.column };
  if (p.cell !== undefined) out.cell = p.cell;
  if (p.cellLine !== undefined) out.cellLine = p.cellLine;
  return out;
}

function emptyReport(path: string, kind: FileReport['kind'], extra: { error?: string; notAnalysed?: string }): FileReport {
  return { path, kind, layers: [], diagnostics: [], ...extra };
}

function internalError(e: unknown, where = 'in the checker'): string {
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return `internal error ${where} (please report it): ${what}`;
}

function firstLine(s: string): string {
  return s.split(/\r?\n/, 1)[0];
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
