// JSON: exactly the contract of design/diagnostics.md, plus, only where they apply, `error` on a
// file that could not be checked, `notAnalysed` on one that was read but not analysed, and
// `stoppedEarly` on one whose analysis stopped part-way.
import type { FileReport, LayerEntry, Place } from '../types';
import { primitive, stringifyJson, stringifyJsonAt } from './layout';

export const JSON_FORMAT_VERSION = 1;

export function toJsonObject(reports: readonly FileReport[]): { version: number; files: Record<string, unknown>[] } {
  return { version: JSON_FORMAT_VERSION, files: reports.map(fileJson) };
}

function fileJson(r: FileReport): Record<string, unknown> {
  const file = fileHead(r);
  file.layers = r.layers.map(layerJson);
  file.diagnostics = diagnosticsJson(r);
  return file;
}

function fileHead(r: FileReport): Record<string, unknown> {
  const file: Record<string, unknown> = { path: r.path };
  if (r.error !== undefined) file.error = r.error;
  if (r.notAnalysed !== undefined) file.notAnalysed = r.notAnalysed;
  if (r.stoppedEarly !== undefined) file.stoppedEarly = r.stoppedEarly;
  return file;
}

function diagnosticsJson(r: FileReport): Record<string, unknown>[] {
  return r.diagnostics.map((d) => ({
    line: d.line,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
    ...cellJson(d),
    severity: d.severity,
    code: d.code,
    message: d.message,
  }));
}

/** Where a file's object sits in the document: inside `files`, two levels down. */
const FILE_INDENT = '    ';
const FILE_DEPTH = 2;

/**
 * One file's object exactly as formatJson writes it. The checker's worker threads make it, so
 * that a file's layers never cross to the main thread (cloning them cost more than the analysis).
 */
export function formatJsonFile(report: FileReport): string {
  // The layout of stringifyJsonAt(fileJson(report), FILE_INDENT, FILE_DEPTH), with the layers
  // (nearly all of a report) written straight from their entries: no object per layer.
  const inner = FILE_INDENT + '  ';
  const out: string[] = ['{\n'];
  for (const [k, v] of Object.entries(fileHead(report))) out.push(`${inner}${JSON.stringify(k)}: ${stringifyJsonAt(v, inner, FILE_DEPTH + 1)},\n`);
  out.push(`${inner}"layers": `);
  writeLayers(report.layers, inner, out);
  out.push(`,\n${inner}"diagnostics": ${stringifyJsonAt(diagnosticsJson(report), inner, FILE_DEPTH + 1)}\n${FILE_INDENT}}`);
  return out.join('');
}

/** The `layers` array as the generic layout writes layerJson's objects (one key per line). */
function writeLayers(layers: readonly LayerEntry[], indent: string, out: string[]): void {
  if (layers.length === 0) {
    out.push('[]');
    return;
  }
  const item = indent + '  ';
  const key = `,\n${item}  `;
  out.push('[\n');
  layers.forEach((l, i) => {
    out.push(`${i > 0 ? ',\n' : ''}${item}{\n${item}  "line": ${primitive(l.line)}${key}"column": ${primitive(l.column)}`);
    if (l.cell !== undefined) out.push(`${key}"cell": ${primitive(l.cell)}`);
    if (l.cellLine !== undefined) out.push(`${key}"cellLine": ${primitive(l.cellLine)}`);
    out.push(`${key}"layer": ${primitive(l.layer)}${key}"inputShape": ${flatArray(l.inputShape)}${key}"outputShape": ${flatArray(l.outputShape)}`);
    const p = l.padding;
    if (p) out.push(`${key}"padding": { "mode": ${primitive(p.mode)}, "before": ${flatArray(p.before)}, "after": ${flatArray(p.after)} }`);
    out.push(`\n${item}}`);
  });
  out.push(`\n${indent}]`);
}

/** An array of numbers, strings and nulls on one line, or null. */
function flatArray(a: readonly unknown[] | null): string {
  if (a === null) return 'null';
  let s = '[';
  for (let i = 0; i < a.length; i++) s += (i > 0 ? ', ' : '') + primitive(a[i]);
  return s + ']';
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

function layerJson(l: LayerEntry): Record<string, unknown> {
  const o: Record<string, unknown> = { line: l.line, column: l.column };
  if (l.cell !== undefined) o.cell = l.cell;
  if (l.cellLine !== undefined) o.cellLine = l.cellLine;
  o.layer = l.layer;
  o.inputShape = l.inputShape;
  o.outputShape = l.outputShape;
  if (l.padding) o.padding = { mode: l.padding.mode, before: l.padding.before, after: l.padding.after };
  return o;
}
