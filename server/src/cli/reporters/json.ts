// JSON: exactly the contract of design/diagnostics.md, plus, only where they apply, `error` on a
// file that could not be checked, `notAnalysed` on one that was read but not analysed, and
// `stoppedEarly` on one whose analysis stopped part-way.
import type { FileReport, LayerEntry } from '../types';
import { diagnosticsJson, encodeJsonFile, FILE_INDENT, fileHead, formatJsonFile } from './json-file';
import { stringifyJson } from './layout';

export { encodeJsonFile, formatJsonFile };

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

export function formatJson(reports: readonly FileReport[]): string {
  if (reports.length === 0) return stringifyJson(toJsonObject(reports));
  const files = reports.map((r) => FILE_INDENT + (r.json ? new TextDecoder().decode(r.json) : formatJsonFile(r))).join(',\n');
  return `{\n  "version": ${JSON_FORMAT_VERSION},\n  "files": [\n${files}\n  ]\n}\n`;
}

const encoder = new TextEncoder();
const BETWEEN_FILES = encoder.encode(`,\n${FILE_INDENT}`);

/**
 * formatJson's document as UTF-8, in pieces written as the files come, in order: the worker
 * threads encode their files, so a large report is neither joined nor encoded again on the main
 * thread, and each file's piece is written as soon as the files before it are done.
 */
export class JsonChunkWriter {
  private files = 0;

  constructor(private readonly write: (chunk: Uint8Array) => void) {}

  file(r: FileReport): void {
    // Each piece is whole JSON text (strings escaped, no lone surrogate): their encodings join
    // to the encoding of the joined text.
    this.write(this.files++ === 0 ? encoder.encode(`{\n  "version": ${JSON_FORMAT_VERSION},\n  "files": [\n${FILE_INDENT}`) : BETWEEN_FILES);
    this.write(r.json ?? encodeJsonFile(r));
  }

  end(): void {
    this.write(encoder.encode(this.files === 0 ? formatJson([]) : '\n  ]\n}\n'));
  }
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
