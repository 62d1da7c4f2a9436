// The open units: Python text documents and notebooks. Every content change goes through here,
// so the kept syntax tree is edited with the text as it was before the change.
import type { DidChangeTextDocumentParams, TextDocumentItem } from 'vscode-languageserver';
import type { NotebookChange, NotebookOpen } from './notebook-params';
import type { TreeCache } from './tree-cache';
import { NotebookUnit, PYTHON, TextUnit, type AnalysisUnit } from './units';

export class Workspace {
  private readonly texts = new Map<string, TextUnit>();
  private readonly notebooks = new Map<string, NotebookUnit>();
  private readonly notebookOfCell = new Map<string, NotebookUnit>();

  constructor(private readonly trees: TreeCache) {}

  /** The unit a request on `uri` is about: the document, or the notebook holding the cell. */
  unitFor(uri: string): AnalysisUnit | undefined {
    return this.texts.get(uri) ?? this.notebookOfCell.get(uri) ?? this.notebooks.get(uri);
  }

  unit(key: string): AnalysisUnit | undefined {
    return this.texts.get(key) ?? this.notebooks.get(key);
  }

  units(): AnalysisUnit[] {
    return [...this.texts.values(), ...this.notebooks.values()];
  }

  /** Whether an open notebook, or one of its cells, has this URI. */
  isNotebookUri(uri: string): boolean {
    return this.notebooks.has(uri) || this.notebookOfCell.has(uri);
  }

  /** Returns the opened unit, or undefined when the document is not Python (or has no text). */
  openText(doc: TextDocumentItem): AnalysisUnit | undefined {
    if (doc.languageId !== PYTHON || typeof doc.text !== 'string') return undefined;
    this.closeText(doc.uri);
    const unit = new TextUnit(doc.uri, doc.version, doc.text);
    this.texts.set(doc.uri, unit);
    return unit;
  }

  /** Returns the changed unit and the malformed changes it skipped. */
  changeText(params: DidChangeTextDocumentParams): { unit: AnalysisUnit; skipped: unknown[] } | undefined {
    const unit = this.texts.get(params.textDocument.uri);
    if (!unit) return undefined;
    const skipped = unit.applyChanges(params.contentChanges, params.textDocument.version, (edit) => this.trees.edit(unit.key, edit));
    return { unit, skipped };
  }

  closeText(uri: string): boolean {
    const had = this.texts.delete(uri);
    this.trees.delete(uri);
    return had;
  }

  openNotebook(open: NotebookOpen): NotebookUnit {
    this.closeNotebook(open.uri);
    const unit = NotebookUnit.fromOpen(open);
    this.notebooks.set(unit.key, unit);
    this.indexCells(unit);
    return unit;
  }

  /** Returns the notebook and the cell URIs it no longer has (to clear their diagnostics). */
  changeNotebook(change: NotebookChange): { unit: NotebookUnit; droppedCells: string[] } | undefined {
    const unit = this.notebooks.get(change.uri);
    if (!unit) return undefined;
    const before = unit.cellUris();
    unit.applyChange(change, (edit) => this.trees.edit(unit.key, edit));
    this.indexCells(unit);
    const now = new Set(unit.cellUris());
    const droppedCells = before.filter((u) => !now.has(u));
    for (const u of droppedCells) if (this.notebookOfCell.get(u) === unit) this.notebookOfCell.delete(u);
    return { unit, droppedCells };
  }

  /** Returns the closed notebook's cell URIs. */
  closeNotebook(uri: string): string[] {
    const unit = this.notebooks.get(uri);
    if (!unit) return [];
    this.notebooks.delete(uri);
    this.trees.delete(uri);
    const cells = unit.cellUris();
    for (const c of cells) if (this.notebookOfCell.get(c) === unit) this.notebookOfCell.delete(c);
    return cells;
  }

  private indexCells(unit: NotebookUnit): void {
    for (const c of unit.cellUris()) this.notebookOfCell.set(c, unit);
  }
}
