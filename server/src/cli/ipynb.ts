// Reading .ipynb files defensively: nbformat 4 (and the older 3 layout), `source` as a string
// or a list of strings, only code cells in Python, IPython syntax masked (see ipython.ts).
import { maskCell } from './ipython';

export interface CodeCell {
  /** Index among all cells of the notebook (markdown and raw cells included), 0-based. */
  index: number;
  /** The cell's source as written (a lone trailing CR made LF, same length). */
  text: string;
  /** What is analysed: IPython syntax masked, non-Python cells blank. Same length as `text`. */
  analysed: string;
}

export type NotebookOutcome = { ok: true; cells: CodeCell[] } | { ok: false; error: string };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: unknown): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Kernel language names that mean Python. */
function isPythonName(name: string): boolean {
  return /^[ix]?python[\d.]*$/i.test(name.trim());
}

/** The notebook's language from its metadata, if it says one. */
function notebookLanguage(meta: unknown): string | undefined {
  if (!isObject(meta)) return undefined;
  const kernel = isObject(meta.kernelspec) ? str(meta.kernelspec.language) : undefined;
  const info = isObject(meta.language_info) ? str(meta.language_info.name) : undefined;
  return kernel ?? info;
}

/** A cell's own language, where the editor that wrote it recorded one. */
function cellLanguage(meta: unknown): string | undefined {
  if (!isObject(meta)) return undefined;
  if (isObject(meta.vscode) && str(meta.vscode.languageId)) return str(meta.vscode.languageId);
  if (isObject(meta.polyglot_notebook) && str(meta.polyglot_notebook.kernelName)) return str(meta.polyglot_notebook.kernelName);
  if (isObject(meta.dotnet_interactive) && str(meta.dotnet_interactive.language)) return str(meta.dotnet_interactive.language);
  return undefined;
}

function sourceText(v: unknown): string | undefined {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v.join('');
  return undefined;
}

/** Parses notebook JSON text into its code cells. Never throws. */
export function parseNotebook(json: string): NotebookOutcome {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    return { ok: false, error: `is not a valid notebook: invalid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  if (!isObject(doc)) return { ok: false, error: 'is not a valid notebook: the JSON is not an object' };

  // nbformat 4 keeps `cells` at the top; nbformat 3 keeps them in worksheets, source in `input`.
  let rawCells: unknown[];
  let sourceKey = 'source';
  if (Array.isArray(doc.cells)) rawCells = doc.cells;
  else if (Array.isArray(doc.worksheets)) {
    rawCells = doc.worksheets.flatMap((w) => (isObject(w) && Array.isArray(w.cells) ? w.cells : []));
    sourceKey = 'input';
  } else return { ok: false, error: 'is not a valid notebook: it has no "cells" list' };

  const language = notebookLanguage(doc.metadata);
  const notebookIsPython = language === undefined || isPythonName(language);

  const cells: CodeCell[] = [];
  for (let index = 0; index < rawCells.length; index++) {
    const cell = rawCells[index];
    if (!isObject(cell)) return { ok: false, error: `is not a valid notebook: cell ${index} is not an object` };
    if (cell.cell_type !== 'code') continue;
    let text = sourceText(cell[sourceKey]);
    if (text === undefined) return { ok: false, error: `is not a valid notebook: the source of cell ${index} is neither a string nor a list of strings` };
    // joinCells adds "\n" after each cell: a trailing lone CR would fuse with it into one line
    // break while being counted as two. An LF in its place is the same line break, same length.
    if (text.endsWith('\r')) text = text.slice(0, -1) + '\n';

    const own = cellLanguage(cell.metadata) ?? (sourceKey === 'input' ? str(cell.language) : undefined);
    const isPython = own !== undefined ? isPythonName(own) : notebookIsPython;
    const analysed = isPython ? maskCell(text).text : text.replace(/[^\r\n]/g, ' ');
    cells.push({ index, text, analysed });
  }
  return { ok: true, cells };
}
