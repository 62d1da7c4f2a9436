// Lines dedented to a column that no enclosing block has. Python refuses such a file ("unindent
// does not match any outer indentation level"); tree-sitter-python takes the line for a dedent to
// the next level out, without an error. One such line half-typed inside a function body ends the
// function there, and the body's other lines become module-level statements, where the analysis
// stops at the `return`: every hint below the line goes. The recovery (recover.ts) blanks such a
// line as it blanks a line with a syntax error.
//
// In a file Python accepts, the statements of a block that start a line all start at one column
// (counted in characters: Python's tab check compares indentation with tabs as 1 column too),
// and module-level ones at column 0. Not checked: a statement after a line continuation (a
// backslash) or on the line of another, and a line indented with a form feed (Python resets the
// column there).
import type { TreeCursor } from 'web-tree-sitter';

/** Statements and clauses that hold blocks or other clauses: where a misindented line can be. */
const HOLDS_BLOCKS = new Set([
  'function_definition',
  'class_definition',
  'decorated_definition',
  'if_statement',
  'elif_clause',
  'else_clause',
  'for_statement',
  'while_statement',
  'try_statement',
  'except_clause',
  'except_group_clause',
  'finally_clause',
  'with_statement',
  'match_statement',
  'case_clause',
]);

/** Children that are neither statements nor clauses, wherever they are. */
const SKIPPED = new Set(['comment', 'ERROR']);

/**
 * Finds dedents to no enclosing level in a tree's statements, visited in document order (a
 * module-level statement, then the next). Only dedents: a line indented more than the one
 * before (Python's "unexpected indent") that tree-sitter takes without an error is read where
 * tree-sitter puts it, which is most often where it was meant to be.
 */
export class DedentCheck {
  /** The column of the last statement that started a line. */
  private previous = 0;
  /** Whether the text's lines can hold such a dedent at all (the walk costs about 2.5 µs a statement). */
  private readonly possible: boolean;

  constructor(private readonly text: string) {
    this.possible = mayHaveUnmatchedDedent(text);
  }

  /**
   * The first row in the statement under `cursor` (a module-level one, or one in a block) that
   * starts a line with a dedent to a column other than its block's; `column` is the block's (0
   * for the module). The cursor is back on the statement when this returns.
   */
  misindentedRow(cursor: TreeCursor, column: number): number | undefined {
    if (!this.possible) return undefined;
    const own = lineColumn(this.text, cursor.startIndex);
    if (own !== undefined) {
      const dedent = own < this.previous;
      this.previous = own;
      if (dedent && own !== column) return cursor.startPosition.row;
    }
    if (!HOLDS_BLOCKS.has(cursor.nodeType) || !cursor.gotoFirstChild()) return undefined;
    // A clause (elif, else, except, a decorated definition's def) starts at its statement's column.
    const at = own ?? column;
    try {
      do {
        const type = cursor.nodeType;
        if (SKIPPED.has(type)) continue;
        const row = type === 'block' ? this.blockMisindentedRow(cursor) : type === 'decorator' || HOLDS_BLOCKS.has(type) ? this.misindentedRow(cursor, at) : undefined;
        if (row !== undefined) return row;
      } while (cursor.gotoNextSibling());
      return undefined;
    } finally {
      cursor.gotoParent();
    }
  }

  /** The first misindented row in the block under `cursor`, whose column is that of its first statement that starts a line. */
  private blockMisindentedRow(cursor: TreeCursor): number | undefined {
    if (!cursor.gotoFirstChild()) return undefined;
    let column: number | undefined;
    try {
      do {
        if (SKIPPED.has(cursor.nodeType)) continue;
        column ??= lineColumn(this.text, cursor.startIndex);
        // A block on its header's line (`if a: b = 1`) has no column; Python takes no more lines in it.
        if (column === undefined) continue;
        const row = this.misindentedRow(cursor, column);
        if (row !== undefined) return row;
      } while (cursor.gotoNextSibling());
      return undefined;
    } finally {
      cursor.gotoParent();
    }
  }
}
let lastText: string | undefined;
let lastAnswer = false;

/**
 * Whether a line of `text` dedents to a column that no line before it opened, counting every
 * line that is neither blank nor a comment (lines inside brackets and strings too): a quick
 * filter before the walk. A statement the walk finds is such a line (short of a second
 * indentation error before it); other lines (a closing bracket indented less) make the walk run
 * and find nothing. The recovery asks twice for the same text: the last answer is kept.
 */
export function mayHaveUnmatchedDedent(text: string): boolean {
  if (text === lastText) return lastAnswer;
  lastText = text;
  lastAnswer = scanDedents(text);
  return lastAnswer;
}

function scanDedents(text: string): boolean {
  const levels = [0];
  const n = text.length;
  for (let start = 0; start < n; ) {
    let i = start;
    let c = text.charCodeAt(i);
    while (c === 32 || c === 9) c = text.charCodeAt(++i);
    let end = text.indexOf('\n', i);
    if (end < 0) end = n;
    if (i < end && c !== 13 && c !== 35) {
      const column = i - start;
      let top = levels[levels.length - 1];
      if (column > top) levels.push(column);
      else if (column < top) {
        while (top > column) {
          levels.pop();
          top = levels[levels.length - 1] ?? 0;
        }
        if (top !== column) return true;
      }
    }
    start = end + 1;
  }
  return false;
}

/**
 * The column of `offset` when only spaces and tabs come before it on its line and that line does
 * not continue the one before (a backslash); undefined otherwise, and for a form feed there.
 */
function lineColumn(text: string, offset: number): number | undefined {
  let i = offset - 1;
  for (; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) break;
    if (c !== 32 && c !== 9) return undefined;
  }
  if (i < 0) return offset;
  // The line break before: \n, \r\n or a lone \r.
  let before = i - 1;
  if (text.charCodeAt(i) === 10 && before >= 0 && text.charCodeAt(before) === 13) before--;
  if (before >= 0 && text.charCodeAt(before) === 92) return undefined;
  return offset - i - 1;
}
