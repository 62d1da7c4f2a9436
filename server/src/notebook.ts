// Notebooks are analysed as one program: their code cells concatenated in order. This module
// joins cells and maps offsets in the joined text back to a cell.

export interface NotebookCell {
  /** Index among all cells of the notebook (markdown included). */
  index: number;
  text: string;
}

export interface JoinedNotebook {
  text: string;
  /** For each joined code cell: its notebook index, its start offset and its first line in `text`. */
  cells: { index: number; start: number; line: number; length: number }[];
}

/** Joins code cells with a newline between them, so each cell starts on its own line. */
export function joinCells(cells: NotebookCell[]): JoinedNotebook {
  let text = '';
  let line = 0;
  const out: JoinedNotebook['cells'] = [];
  for (const cell of cells) {
    out.push({ index: cell.index, start: text.length, line, length: cell.text.length });
    text += cell.text + '\n';
    // Counted on the joined piece: a cell ending in a lone \r joins as one \r\n break.
    line += countLineBreaks(cell.text + '\n');
  }
  return { text, cells: out };
}

/** The cell holding `offset` in the joined text, and the offset within that cell. */
export function cellAt(nb: JoinedNotebook, offset: number): { cell: number; offset: number } | undefined {
  let lo = 0;
  let hi = nb.cells.length - 1;
  if (hi < 0) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (nb.cells[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  const c = nb.cells[lo];
  return { cell: c.index, offset: Math.min(offset - c.start, c.length) };
}

function countLineBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) {
      if (s.charCodeAt(i + 1) === 10) i++;
      n++;
    }
  }
  return n;
}
