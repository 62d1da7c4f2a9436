// One file's object of the JSON report, written as formatJson places it in `files`. The
// checker's worker threads write and encode it, so that a file's layers never cross to the main
// thread (cloning them cost more than the analysis). Written for speed: a large file has
// hundreds of thousands of layer lines; the bytes are those of the generic layout (layout.ts).
import type { FileReport, LayerEntry, Place } from '../types';
import { primitive, stringifyJsonAt } from './layout';

/** Where a file's object sits in the document: inside `files`, two levels down. */
export const FILE_INDENT = '    ';
const FILE_DEPTH = 2;

export function fileHead(r: FileReport): Record<string, unknown> {
  const file: Record<string, unknown> = { path: r.path };
  if (r.error !== undefined) file.error = r.error;
  if (r.notAnalysed !== undefined) file.notAnalysed = r.notAnalysed;
  if (r.stoppedEarly !== undefined) file.stoppedEarly = r.stoppedEarly;
  return file;
}

export function diagnosticsJson(r: FileReport): Record<string, unknown>[] {
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

function cellJson(p: Place): Record<string, number> {
  const o: Record<string, number> = {};
  if (p.cell !== undefined) o.cell = p.cell;
  if (p.cellLine !== undefined) o.cellLine = p.cellLine;
  return o;
}

const encoder = new TextEncoder();

/** One file's object exactly as formatJson writes it, less the indentation before its first brace. */
export function formatJsonFile(report: FileReport): string {
  const { head, layers, tail } = jsonFileParts(report);
  return head + layers + tail;
}

/**
 * formatJsonFile as UTF-8, in a buffer of its own (a worker moves it to the main thread). The
 * layers are encoded apart: their text is nearly always ASCII, which V8 keeps one byte per
 * character and encodes several times faster than text joined with the messages' arrows.
 */
export function encodeJsonFile(report: FileReport): Uint8Array<ArrayBuffer> {
  const parts = jsonFileParts(report);
  const head = encoder.encode(parts.head);
  const layers = encoder.encode(parts.layers);
  const tail = encoder.encode(parts.tail);
  const out = new Uint8Array(head.length + layers.length + tail.length);
  out.set(head, 0);
  out.set(layers, head.length);
  out.set(tail, head.length + layers.length);
  return out;
}

/**
 * The layout of stringifyJsonAt(fileJson(report), FILE_INDENT, FILE_DEPTH) in three pieces:
 * what comes before the layers, the layers (nearly all of a report, written straight from their
 * entries), the diagnostics and the end.
 */
function jsonFileParts(report: FileReport): { head: string; layers: string; tail: string } {
  const inner = FILE_INDENT + '  ';
  let head = '{\n';
  for (const [k, v] of Object.entries(fileHead(report))) head += `${inner}${JSON.stringify(k)}: ${stringifyJsonAt(v, inner, FILE_DEPTH + 1)},\n`;
  head += `${inner}"layers": `;
  const tail = `,\n${inner}"diagnostics": ${stringifyJsonAt(diagnosticsJson(report), inner, FILE_DEPTH + 1)}\n${FILE_INDENT}}`;
  return { head, layers: layersJson(report.layers, inner), tail };
}

/** Quoted class names: a report repeats the same few thousands of times. */
const quotedNames = new Map<string, string>();
function quotedName(name: string): string {
  let q = quotedNames.get(name);
  if (q === undefined) {
    q = primitive(name);
    if (quotedNames.size < 1000) quotedNames.set(name, q);
  }
  return q;
}

/** The `layers` array as the generic layout writes layerJson's objects (one key per line). */
function layersJson(layers: readonly LayerEntry[], indent: string): string {
  if (layers.length === 0) return '[]';
  const item = indent + '  ';
  const key = `,\n${item}  `;
  const open = `${item}{\n${item}  "line": `;
  const close = `\n${item}}`;
  // Shapes and pads are shared between layers (a layer's input is the previous one's output,
  // and equal applications share one engine result): each array is written once.
  const arrays = new Map<readonly unknown[], string>();
  const array = (a: readonly unknown[] | null): string => {
    if (a === null) return 'null';
    let s = arrays.get(a);
    if (s === undefined) arrays.set(a, (s = flatArray(a)));
    return s;
  };
  const out: string[] = [];
  for (const l of layers) {
    // One string per layer, built by concatenation: cheaper than a piece per key to join.
    let s = open + primitive(l.line) + key + '"column": ' + primitive(l.column);
    if (l.cell !== undefined) s += key + '"cell": ' + primitive(l.cell);
    if (l.cellLine !== undefined) s += key + '"cellLine": ' + primitive(l.cellLine);
    s += key + '"layer": ' + quotedName(l.layer) + key + '"inputShape": ' + array(l.inputShape) + key + '"outputShape": ' + array(l.outputShape);
    const p = l.padding;
    if (p) s += key + '"padding": { "mode": ' + primitive(p.mode) + ', "before": ' + array(p.before) + ', "after": ' + array(p.after) + ' }';
    out.push(s + close);
  }
  return `[\n${out.join(',\n')}\n${indent}]`;
}

/** An array of numbers, strings and nulls on one line. */
function flatArray(a: readonly unknown[]): string {
  let s = '[';
  for (let i = 0; i < a.length; i++) s += (i > 0 ? ', ' : '') + primitive(a[i]);
  return s + ']';
}
