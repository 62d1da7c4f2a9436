// Notebook notifications checked before they touch the workspace. A client may send anything: a
// part that is not what LSP says (a cell without a document URI, a splice whose start is not an
// integer, a cell text that is not a string) is left out and named, so the notebook's state stays
// whole and the log says which part was malformed instead of reporting an internal error.
import type { NotebookCell, NotebookCellKind, TextDocumentContentChangeEvent, TextDocumentItem } from 'vscode-languageserver';
import { isChange } from './content-change';

export interface NotebookOpen {
  uri: string;
  notebookType: string;
  cells: NotebookCell[];
  documents: TextDocumentItem[];
  /** What was left out, for the log. */
  skipped: string[];
}

export interface CellTextChange {
  uri: string;
  version: number | undefined;
  changes: TextDocumentContentChangeEvent[];
}

export interface NotebookChange {
  uri: string;
  /** The cell list's splice, when one was sent and is well-formed. */
  splice?: { start: number; deleteCount: number; cells: NotebookCell[] };
  opened: TextDocumentItem[];
  closed: string[];
  /** Cells whose kind changed. */
  data: NotebookCell[];
  texts: CellTextChange[];
  skipped: string[];
}

export interface NotebookClose {
  uri: string;
  cellUris: string[];
  skipped: string[];
}

/** The notebook a notification is about, when it names one. */
export function notebookUri(params: unknown): string | undefined {
  const uri = field(field(params, 'notebookDocument'), 'uri');
  return typeof uri === 'string' ? uri : undefined;
}

/** The checked didOpen, or a reason when it names no notebook. */
export function checkOpen(params: unknown): NotebookOpen | { malformed: string } {
  const uri = notebookUri(params);
  if (uri === undefined) return { malformed: 'no notebook URI' };
  const notebook = field(params, 'notebookDocument');
  const skipped: string[] = [];
  const notebookType = field(notebook, 'notebookType');
  return {
    uri,
    notebookType: typeof notebookType === 'string' ? notebookType : '',
    cells: listOf(field(notebook, 'cells'), toCell, 'cells', skipped),
    documents: listOf(field(params, 'cellTextDocuments'), toTextItem, 'cellTextDocuments', skipped),
    skipped,
  };
}

/** The checked didChange, or a reason when it names no notebook. */
export function checkChange(params: unknown): NotebookChange | { malformed: string } {
  const uri = notebookUri(params);
  if (uri === undefined) return { malformed: 'no notebook URI' };
  const out: NotebookChange = { uri, opened: [], closed: [], data: [], texts: [], skipped: [] };
  const change = field(params, 'change');
  if (!isObject(change)) {
    out.skipped.push('change is not an object');
    return out;
  }
  const cells = change.cells;
  // A change of the notebook's metadata alone has no `cells`.
  if (cells === undefined || cells === null) return out;
  if (!isObject(cells)) {
    out.skipped.push('change.cells is not an object');
    return out;
  }
  const structure = cells.structure;
  if (structure !== undefined && structure !== null) {
    const array = field(structure, 'array');
    const start = field(array, 'start');
    const deleteCount = field(array, 'deleteCount');
    const added = field(array, 'cells') ?? [];
    const addedCells = Array.isArray(added) ? added.map(toCell) : [];
    // Part of a splice would put the other cells in the wrong places: all of it or nothing.
    if (isCount(start) && isCount(deleteCount) && Array.isArray(added) && addedCells.every((c) => c !== undefined)) {
      out.splice = { start, deleteCount, cells: addedCells as NotebookCell[] };
    } else out.skipped.push(`structure.array ${brief(array)}`);
    out.opened = listOf(field(structure, 'didOpen'), toTextItem, 'structure.didOpen', out.skipped);
    out.closed = listOf(field(structure, 'didClose'), toUri, 'structure.didClose', out.skipped);
  }
  out.data = listOf(cells.data, toCell, 'data', out.skipped);
  out.texts = listOf(cells.textContent, (t) => toTextChange(t, out.skipped), 'textContent', out.skipped);
  return out;
}

/** The checked didClose, or a reason when it names no notebook. */
export function checkClose(params: unknown): NotebookClose | { malformed: string } {
  const uri = notebookUri(params);
  if (uri === undefined) return { malformed: 'no notebook URI' };
  const skipped: string[] = [];
  return { uri, cellUris: listOf(field(params, 'cellTextDocuments'), toUri, 'cellTextDocuments', skipped), skipped };
}

// ---------------------------------------------------------------- parts

function toCell(c: unknown): NotebookCell | undefined {
  const document = field(c, 'document');
  const kind = field(c, 'kind');
  return typeof document === 'string' && Number.isInteger(kind) ? { document, kind: kind as NotebookCellKind } : undefined;
}

function toTextItem(d: unknown): TextDocumentItem | undefined {
  const uri = field(d, 'uri');
  const text = field(d, 'text');
  const languageId = field(d, 'languageId');
  const version = field(d, 'version');
  if (typeof uri !== 'string' || typeof text !== 'string' || typeof languageId !== 'string') return undefined;
  return { uri, text, languageId, version: Number.isInteger(version) ? (version as number) : 0 };
}

function toUri(d: unknown): string | undefined {
  const uri = field(d, 'uri');
  return typeof uri === 'string' ? uri : undefined;
}

/** A cell's text changes; the malformed changes in it are left out (and named in `skipped`). */
function toTextChange(t: unknown, skipped: string[]): CellTextChange | undefined {
  const document = field(t, 'document');
  const uri = field(document, 'uri');
  const version = field(document, 'version');
  const changes = field(t, 'changes');
  if (typeof uri !== 'string' || !Array.isArray(changes)) return undefined;
  const good = changes.filter(isChange);
  if (good.length < changes.length) skipped.push(`${changes.length - good.length} content change(s) of ${uri}`);
  return { uri, version: Number.isInteger(version) ? (version as number) : undefined, changes: good };
}

/** The well-formed entries of a list; each malformed one (or a list that is not one) is named. */
function listOf<T>(value: unknown, check: (item: unknown) => T | undefined, what: string, skipped: string[]): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    skipped.push(`${what} is not a list`);
    return [];
  }
  const out: T[] = [];
  value.forEach((item, i) => {
    const checked = check(item);
    if (checked === undefined) skipped.push(`${what}[${i}] ${brief(item)}`);
    else out.push(checked);
  });
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(v: unknown, key: string): unknown {
  return isObject(v) ? v[key] : undefined;
}

function isCount(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0;
}

/** A malformed value, shortened for the log. */
function brief(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
