// JSON: exactly the contract of design/diagnostics.md, plus, only where they apply, `error` on a
// file that could not be checked, `notAnalysed` on one that was read but not analysed, and
// `stoppedEarly` on one whose analysis stopped part-way.
import type { FileReport, LayerEntry, Place } from '../types';
import { stringifyJson } from './layout';

export const JSON_FORMAT_VERSION = 1;

export function toJsonObject(reports: readonly FileReport[]): { version: number; files: Record<string, unknown>[] } {
  return {
    version: JSON_FORMAT_VERSION,
    files: reports.map((r) => {
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
    }),
  };
}

export function formatJson(reports: readonly FileReport[]): string {
  return stringifyJson(toJsonObject(reports));
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
