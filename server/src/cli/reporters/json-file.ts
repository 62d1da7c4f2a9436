// One file's object of the JSON report, written as formatJson places it in `files`. The
// checker's worker threads write and encode it, so that a file's layers never cross to the main
// thread (cloning them cost more than the analysis). Written for speed: a large file has
// hundreds of thousands of layer lines; the bytes are those of the generic layout (layout.ts).
import type { DiagnosticEntry, FileReport, LayerEntry, Place } from '../types';
import { ByteSink, utf8 } from './byte-sink';
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

const decoder = new TextDecoder();

/** One file's object exactly as formatJson writes it, less the indentation before its first brace. */
export function formatJsonFile(report: FileReport): string {
  return decoder.decode(encodeJsonFile(report));
}

/**
 * formatJsonFile as UTF-8, in a buffer of its own (a worker moves it to the main thread): the
 * bytes of stringifyJsonAt(fileJson(report), FILE_INDENT, FILE_DEPTH), written straight from
 * the entries (layout.test.ts checks that they are the same).
 */
export function encodeJsonFile(report: FileReport): Uint8Array<ArrayBuffer> {
  // About 200 bytes a layer, 300 a diagnostic: rarely grown.
  const sink = new ByteSink(1024 + 200 * report.layers.length + 300 * report.diagnostics.length);
  const inner = FILE_INDENT + '  ';
  let head = '{\n';
  for (const [k, v] of Object.entries(fileHead(report))) head += `${inner}${JSON.stringify(k)}: ${stringifyJsonAt(v, inner, FILE_DEPTH + 1)},\n`;
  sink.text(head + `${inner}"layers": `);
  writeLayers(sink, report.layers);
  sink.text(`,\n${inner}"diagnostics": `);
  writeDiagnostics(sink, report.diagnostics);
  sink.text(`\n${FILE_INDENT}}`);
  return sink.take();
}

/** The pieces around the entries of `layers` and `diagnostics` (objects one key per line). */
const ITEM = FILE_INDENT + '    ';
const OPEN_ARRAY = utf8('[\n');
const CLOSE_ARRAY = utf8(`\n${FILE_INDENT}  ]`);
const EMPTY_ARRAY = utf8('[]');
const NULL = utf8('null');
const BETWEEN_ITEMS = utf8(',\n');
const CLOSE_ITEM = utf8(`\n${ITEM}}`);
const keyBytes = (k: string, first = false): Uint8Array => utf8(`${first ? `${ITEM}{\n` : ',\n'}${ITEM}  "${k}": `);
const LINE = keyBytes('line', true);
const COLUMN = keyBytes('column');
const CELL = keyBytes('cell');
const CELL_LINE = keyBytes('cellLine');
const LAYER = keyBytes('layer');
const INPUT_SHAPE = keyBytes('inputShape');
const OUTPUT_SHAPE = keyBytes('outputShape');
const PADDING_MODE = utf8(`,\n${ITEM}  "padding": { "mode": `);
const PADDING_BEFORE = utf8(', "before": ');
const PADDING_AFTER = utf8(', "after": ');
const PADDING_CLOSE = utf8(' }');
const END_LINE = keyBytes('endLine');
const END_COLUMN = keyBytes('endColumn');
const SEVERITY = keyBytes('severity');
const CODE = keyBytes('code');
const MESSAGE = keyBytes('message');

/** Quoted strings a report repeats thousands of times (class names, modes, codes), as bytes. */
const quoted = new Map<string, Uint8Array>();
function quotedBytes(s: string): Uint8Array {
  let q = quoted.get(s);
  if (q === undefined) {
    q = utf8(primitive(s));
    if (quoted.size < 1000) quoted.set(s, q);
  }
  return q;
}

function writePlace(sink: ByteSink, p: Place): void {
  sink.bytes(LINE);
  sink.number(p.line);
  sink.bytes(COLUMN);
  sink.number(p.column);
}

function writeCell(sink: ByteSink, p: Place): void {
  if (p.cell !== undefined) {
    sink.bytes(CELL);
    sink.number(p.cell);
  }
  if (p.cellLine !== undefined) {
    sink.bytes(CELL_LINE);
    sink.number(p.cellLine);
  }
}

/** An array of objects as the generic layout writes them (one key per line): `writeObject` writes one object's keys. */
function writeObjects<T>(sink: ByteSink, items: readonly T[], writeObject: (item: T) => void): void {
  if (items.length === 0) {
    sink.bytes(EMPTY_ARRAY);
    return;
  }
  sink.bytes(OPEN_ARRAY);
  for (let i = 0; i < items.length; i++) {
    if (i > 0) sink.bytes(BETWEEN_ITEMS);
    writeObject(items[i]);
    sink.bytes(CLOSE_ITEM);
  }
  sink.bytes(CLOSE_ARRAY);
}

/** The `layers` array as the generic layout writes layerJson's objects. */
function writeLayers(sink: ByteSink, layers: readonly LayerEntry[]): void {
  // Shapes and pads are shared between layers (a layer's input is the previous one's output,
  // and equal applications share one engine result): each array is encoded once.
  const arrays = new Map<readonly unknown[], Uint8Array>();
  const array = (a: readonly unknown[] | null): Uint8Array => {
    if (a === null) return NULL;
    let b = arrays.get(a);
    if (b === undefined) arrays.set(a, (b = utf8(flatArray(a))));
    return b;
  };
  writeObjects(sink, layers, (l) => {
    writePlace(sink, l);
    writeCell(sink, l);
    sink.bytes(LAYER);
    sink.bytes(quotedBytes(l.layer));
    sink.bytes(INPUT_SHAPE);
    sink.bytes(array(l.inputShape));
    sink.bytes(OUTPUT_SHAPE);
    sink.bytes(array(l.outputShape));
    const p = l.padding;
    if (p) {
      sink.bytes(PADDING_MODE);
      sink.bytes(quotedBytes(p.mode));
      sink.bytes(PADDING_BEFORE);
      sink.bytes(array(p.before));
      sink.bytes(PADDING_AFTER);
      sink.bytes(array(p.after));
      sink.bytes(PADDING_CLOSE);
    }
  });
}

/** The `diagnostics` array as the generic layout writes diagnosticsJson's objects. */
function writeDiagnostics(sink: ByteSink, diagnostics: readonly DiagnosticEntry[]): void {
  writeObjects(sink, diagnostics, (d) => {
    writePlace(sink, d);
    sink.bytes(END_LINE);
    sink.number(d.endLine);
    sink.bytes(END_COLUMN);
    sink.number(d.endColumn);
    writeCell(sink, d);
    sink.bytes(SEVERITY);
    sink.bytes(quotedBytes(d.severity));
    sink.bytes(CODE);
    sink.bytes(quotedBytes(d.code));
    sink.bytes(MESSAGE);
    sink.text(primitive(d.message));
  });
}

/** An array of numbers, strings and nulls on one line. */
function flatArray(a: readonly unknown[]): string {
  let s = '[';
  for (let i = 0; i < a.length; i++) s += (i > 0 ? ', ' : '') + primitive(a[i]);
  return s + ']';
}
