// JSON: exactly the contract of design/diagnostics.md, plus, only where they apply, `error` on a
// file that could not be checked, `notAnalysed` on one that was read but not analysed, and
// `stoppedEarly` on one whose analysis stopped part-way.
import type { FileReport, LayerEntry, Place } from '../types';
import { stringifyJson, stringifyJsonAt } from './layout';

export const JSON_FORMAT_VERSION = 1;

export function toJsonObject(reports: readonly FileReport[]): { version: number; files: Record<string, unknown>[] } {
  return { version: JSON_FORMAT_VERSION, files: reports.map(fileJson) };
}

function fileJson(r: FileReport): Record<string, unknown> {
  const file: Record<string, unknown> = { path: r.path };
  if (r.error !== undefined) file.error = r.error;
  if (r.notAnalysed !== undefined) file.notAnalysed = r.notAnalysed;
  if (r.stoppedEarly !== undefined) file.stoppedEarly = r.stoppedEarly;
  file.layers = r.layers.map(layerJson);
  file.diagnostics = r.diagnostics.map((d) => ({
    line: d.line,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
    ...cellJson(d),
    severity: d.severity,
    code: d.code,
    message: d.message,
  }));
  return file;
}

/** Where a file's object sits in the document: inside `files`, two levels down. */
const FILE_INDENT = '    ';
const FILE_DEPTH = 2;

/**
 * One file's object exactly as formatJson writes it. The checker's worker threads make it, so
 * that a file's layers never cross to the main thread (cloning them cost more than the analysis).
 */
export function formatJsonFile(report: FileReport): string {
  return stringifyJsonAt(fileJson(report), FILE_INDENT, FILE_DEPTH);
}

export function formatJson(reports: readonly FileReport[]): string {
  if (reports.length === 0) return stringifyJson(toJsonObject(reports));
  const files = reports.map((r) => FILE_INDENT + (r.json ?? formatJsonFile(r))).join(',\n');
  return `{\n  "version": ${JSON_FORMAT_VERSION},\n  "files": [\n${files}\n  ]\n}\n`;
}

function cellJson(p: Place): Record<string, number> {
  const o: Record<string, number> = {};
  if (p.cell !== undefined) o.cell = p.cell;
  if (p.cellLine !== undefined) o.cellLine = p.cellLine;
  return o;
}

function placeJson(p: Place): Record<string, number> {
  return { line: p.line, column: p.column, ...cellJson(p) };
}

function layerJson(l: LayerEntry): Record<string, unknown> {
  const o: Record<string, unknown> = {
    ...placeJson(l),
    layer: l.layer,
    inputShape: l.inputShape,
    outputShape: l.outputShape,
  };
  if (l.padding) o.padding = { mode: l.padding.mode, before: l.padding.before, after: l.padding.after };
  return o;
}
