// What the server analyses: a "unit" is one Python text document, or one notebook whose Python
// code cells are analysed in order as one program. A unit knows its text, how offsets in that
// text map to editor documents and positions, and turns each content change into a tree edit
// computed from the text BEFORE the change.
import type { NotebookCell, Position, Range, TextDocumentContentChangeEvent, TextDocumentItem } from 'vscode-languageserver';
import { NotebookCellKind } from 'vscode-languageserver';
import type { Edit } from 'web-tree-sitter';
import type { SourceRange } from '../analysis-types';
import { cellAt, joinCells, type JoinedNotebook } from '../notebook';
import { LineIndex } from '../text/line-index';
import { hasRange, isChange } from './content-change';
import { EditableLines } from './editable-lines';
import type { NotebookChange, NotebookOpen } from './notebook-params';
import { diffRange, editBetween, editFor } from './tree-edits';

export const PYTHON = 'python';

export interface Located {
  uri: string;
  range: Range;
}

export interface UnitDocument {
  uri: string;
  version: number;
  /** The document's own text (a cell's text for notebooks). */
  text: string;
  lines: LineIndex;
}

export interface AnalysisUnit {
  /** The document's or the notebook's URI. */
  readonly key: string;
  /** The resource settings are asked for (`workspace/configuration` scopeUri). */
  readonly scopeUri: string;
  /** The analysed text: the document, or the joined code cells. */
  readonly text: string;
  readonly lines: LineIndex;
  /** Bumped on every change: results are tied to the revision they were computed from. */
  readonly revision: number;
  /** Documents whose diagnostics this unit publishes (every Python code cell of a notebook). */
  documents(): UnitDocument[];
  document(uri: string): UnitDocument | undefined;
  /** Where a range of the analysed text is in the editor (clamped to one document). */
  locate(range: SourceRange): Located | undefined;
  /** Offset in the analysed text of a position in one of the unit's documents. */
  offsetAt(uri: string, position: Position): number | undefined;
  /** The part of the analysed text that belongs to document `uri`. */
  span(uri: string): SourceRange | undefined;
}

type EditSink = (edit: Edit) => void;

// ------------------------------------------------------------------------------ text documents

export class TextUnit implements AnalysisUnit {
  private _text: string;
  private _lines: LineIndex;
  private _version: number;
  private _revision = 0;

  constructor(
    readonly key: string,
    version: number,
    text: string,
  ) {
    this._text = text;
    this._lines = new LineIndex(text);
    this._version = version;
  }

  get scopeUri(): string {
    return this.key;
  }
  get text(): string {
    return this._text;
  }
  get lines(): LineIndex {
    return this._lines;
  }
  get revision(): number {
    return this._revision;
  }
  get version(): number {
    return this._version;
  }

  /**
   * Applies LSP content changes in order; each yields one tree edit from the text before it.
   * Malformed changes (no text, a range that is not two positions of numbers) are skipped and
   * returned. The revision is bumped whatever happens, so no result of the text before is reused.
   */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number, onEdit: EditSink): unknown[] {
    const skipped: unknown[] = [];
    const list = Array.isArray(changes) ? changes : [changes];
    // One change (typing) keeps the LineIndex it has; several (a replace-all) are applied on
    // line starts updated change by change, and the LineIndex is built once at the end.
    const lines = list.length > 1 ? new EditableLines(this._text) : undefined;
    try {
      for (const change of list) {
        if (!isChange(change)) {
          skipped.push(change);
          continue;
        }
        const before = this._text;
        let start: number;
        let oldEnd: number;
        let inserted: string;
        if (hasRange(change)) {
          start = lines ? lines.offsetAt(change.range.start) : this._lines.offsetAt(change.range.start);
          oldEnd = Math.max(start, lines ? lines.offsetAt(change.range.end) : this._lines.offsetAt(change.range.end));
          inserted = change.text;
        } else {
          // A full-text change: describe it by what actually changed, so the tree is still reused.
          const d = diffRange(before, change.text);
          if (!d) continue;
          ({ start, oldEnd, inserted } = d);
        }
        if (lines) {
          onEdit(editBetween(start, oldEnd, inserted, lines.treePoint(start), lines.treePoint(oldEnd)));
          lines.replace(start, oldEnd, inserted);
          this._text = lines.text;
        } else {
          onEdit(editFor(before, this._lines, start, oldEnd, inserted));
          this._text = before.slice(0, start) + inserted + before.slice(oldEnd);
          this._lines = new LineIndex(this._text);
        }
      }
    } finally {
      if (lines) this._lines = new LineIndex(this._text);
      if (typeof version === 'number') this._version = version;
      this._revision++;
    }
    return skipped;
  }

  documents(): UnitDocument[] {
    return [{ uri: this.key, version: this._version, text: this._text, lines: this._lines }];
  }

  document(uri: string): UnitDocument | undefined {
    return uri === this.key ? this.documents()[0] : undefined;
  }

  locate(range: SourceRange): Located {
    return { uri: this.key, range: { start: this._lines.positionAt(range.start), end: this._lines.positionAt(range.end) } };
  }

  offsetAt(uri: string, position: Position): number | undefined {
    return uri === this.key ? this._lines.offsetAt(position) : undefined;
  }

  span(uri: string): SourceRange | undefined {
    return uri === this.key ? { start: 0, end: this._text.length } : undefined;
  }
}

// ------------------------------------------------------------------------------ notebooks

/** A cell's text document, kept from didOpen until didClose (independently of the cell order). */
interface CellDocument {
  uri: string;
  languageId: string;
  version: number;
  text: string;
  lines: LineIndex;
}

/** A cell in notebook order. */
interface CellSlot {
  uri: string;
  kind: NotebookCellKind;
}

export class NotebookUnit implements AnalysisUnit {
  private order: CellSlot[];
  private readonly docs = new Map<string, CellDocument>();
  private joined: JoinedNotebook = { text: '', cells: [] };
  private _lines = new LineIndex('');
  private _revision = 0;
  /** Joined-cell entry (index into `joined.cells`) per cell URI, for analysed cells only. */
  private joinedIndexByUri = new Map<string, number>();

  constructor(
    readonly key: string,
    readonly notebookType: string,
    cells: readonly NotebookCell[],
    documents: readonly TextDocumentItem[],
  ) {
    this.order = cells.map((c) => ({ uri: c.document, kind: c.kind }));
    for (const d of documents) this.docs.set(d.uri, cellDocument(d));
    this.rejoin();
  }

  static fromOpen(open: NotebookOpen): NotebookUnit {
    return new NotebookUnit(open.uri, open.notebookType, open.cells, open.documents);
  }

  get scopeUri(): string {
    return this.key;
  }
  get text(): string {
    return this.joined.text;
  }
  get lines(): LineIndex {
    return this._lines;
  }
  get revision(): number {
    return this._revision;
  }

  /** Every cell document URI the notebook has open. */
  cellUris(): string[] {
    return [...this.docs.keys()];
  }

  /**
   * Applies a (checked) notebookDocument/didChange: structure (cells added, removed, moved), cell
   * data (kind) and cell text. The joined text is rebuilt and described to the tree as one edit
   * (the changed middle between the unchanged prefix and suffix), computed from the joined text
   * before.
   */
  applyChange(change: NotebookChange, onEdit: EditSink): void {
    const before = this.joined.text;
    const beforeLines = this._lines;
    for (const uri of change.closed) this.docs.delete(uri);
    for (const d of change.opened) this.docs.set(d.uri, cellDocument(d));
    if (change.splice) {
      const { start, deleteCount, cells } = change.splice;
      this.order.splice(start, deleteCount, ...cells.map((c) => ({ uri: c.document, kind: c.kind })));
    }
    for (const data of change.data) {
      const slot = this.order.find((c) => c.uri === data.document);
      if (slot) slot.kind = data.kind;
    }
    for (const content of change.texts) {
      const doc = this.docs.get(content.uri);
      if (!doc) continue;
      const lines = new EditableLines(doc.text);
      for (const ch of content.changes) {
        if (hasRange(ch)) {
          const start = lines.offsetAt(ch.range.start);
          lines.replace(start, Math.max(start, lines.offsetAt(ch.range.end)), ch.text);
        } else lines.replace(0, lines.text.length, ch.text);
      }
      if (lines.text !== doc.text) {
        doc.text = lines.text;
        doc.lines = new LineIndex(doc.text);
      }
      if (content.version !== undefined) doc.version = content.version;
    }
    this.rejoin();
    const d = diffRange(before, this.joined.text);
    if (d) onEdit(editFor(before, beforeLines, d.start, d.oldEnd, d.inserted));
    this._revision++;
  }

  /** Python code cells, in notebook order, with their index among all cells. */
  private analysedCells(): { doc: CellDocument; index: number }[] {
    const out: { doc: CellDocument; index: number }[] = [];
    this.order.forEach((slot, index) => {
      const doc = this.docs.get(slot.uri);
      if (doc && slot.kind === NotebookCellKind.Code && doc.languageId === PYTHON) out.push({ doc, index });
    });
    return out;
  }

  private rejoin(): void {
    const analysed = this.analysedCells();
    this.joined = joinCells(analysed.map(({ doc, index }) => ({ index, text: doc.text })));
    this._lines = new LineIndex(this.joined.text);
    this.joinedIndexByUri = new Map(analysed.map(({ doc }, i) => [doc.uri, i]));
  }

  documents(): UnitDocument[] {
    return this.analysedCells().map(({ doc }) => ({ ...doc }));
  }

  document(uri: string): UnitDocument | undefined {
    const doc = this.docs.get(uri);
    return doc && this.joinedIndexByUri.has(uri) ? { ...doc } : undefined;
  }

  locate(range: SourceRange): Located | undefined {
    const start = cellAt(this.joined, range.start);
    if (!start) return undefined;
    const slot = this.order[start.cell];
    const doc = slot && this.docs.get(slot.uri);
    const entry = this.joined.cells.find((c) => c.index === start.cell);
    if (!doc || !entry) return undefined;
    const endInCell = Math.max(start.offset, Math.min(range.end - entry.start, entry.length));
    return { uri: doc.uri, range: { start: doc.lines.positionAt(start.offset), end: doc.lines.positionAt(endInCell) } };
  }

  offsetAt(uri: string, position: Position): number | undefined {
    const i = this.joinedIndexByUri.get(uri);
    const doc = this.docs.get(uri);
    if (i === undefined || !doc) return undefined;
    return this.joined.cells[i].start + doc.lines.offsetAt(position);
  }

  span(uri: string): SourceRange | undefined {
    const i = this.joinedIndexByUri.get(uri);
    if (i === undefined) return undefined;
    const entry = this.joined.cells[i];
    return { start: entry.start, end: entry.start + entry.length };
  }
}

function cellDocument(d: TextDocumentItem): CellDocument {
  return { uri: d.uri, languageId: d.languageId, version: d.version, text: d.text, lines: new LineIndex(d.text) };
}
