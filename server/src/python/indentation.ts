// Lines whose indentation breaks the blocks around them in a way tree-sitter-python accepts
// without an error, and which the recovery (recover.ts) blanks as it blanks a line with a syntax
// error:
//
//   a dedent to a column no enclosing block has (CPython: "unindent does not match any outer
//   indentation level"): tree-sitter takes the line for a dedent to the next level out, so a line
//   half-typed inside a function body ends the function there;
//   a line dedented inside a block, the lines after it still at the block's column (a line at
//   column 0 typed or pasted into a function body; CPython: "unexpected indent" on the next
//   line): tree-sitter ends the block at the dedented line and keeps the lines after it as
//   statements of the outer block. The dedented line is the one blanked: the block is whole again;
//   the line after a header not indented (a line break typed inside the first line's
//   indentation; CPython: "expected an indented block"): tree-sitter gives the header an empty
//   block. That line is blanked too.
//
// Each time the rest of the body became module-level code, and the calls of the function lost it:
// every shape made through it went. A line indented more than the line before without such a
// dedent (CPython: "unexpected indent") stays where tree-sitter puts it: most often where it was
// meant to be.
//
// In a file Python accepts, the statements of a block that start a line all start at one column
// (counted in characters: Python's tab check compares indentation with tabs as 1 column too),
// and module-level ones at column 0. Not checked: a statement after a line continuation (a
// backslash) or on the line of another, and a line indented with a form feed (Python resets the
// column there).
import type { TreeCursor } from 'web-tree-sitter';
import { commentEnd, continuationEnd, stringEnd } from './segments';

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

/** Finds such lines in a tree's statements, visited in document order (a module-level statement, then the next). */
export class IndentationCheck {
  /** The columns of the blocks around the statement being visited (the module's 0 first). */
  private readonly levels = [0];
  /** The last statement that started a line: its column and row. */
  private previous = { column: 0, row: -1 };
  /** The columns open at that statement: its blocks' and its own. */
  private previousOpen: number[] = [0];
  /** The columns that statement closed: those open at the statement before it, deeper than it. */
  private closed: number[] = [];
  /** The column of the last header whose block has no statement, until the next statement that starts a line. */
  private emptyHeader: number | undefined;
  /** Whether the last block walked had no statement. */
  private emptyBlock = false;
  /** Whether the text's lines can hold such a line at all (the walk costs about 2.5 µs a statement). */
  private readonly possible: boolean;

  constructor(private readonly text: string) {
    this.possible = mayHaveBrokenIndentation(text);
  }

  /**
   * The row to blank for the first such line in the statement under `cursor` (a module-level one,
   * or one in a block); `column` is its block's (0 for the module). The cursor is back on the
   * statement when this returns.
   */
  misindentedRow(cursor: TreeCursor, column: number): number | undefined {
    if (!this.possible) return undefined;
    const own = lineColumn(this.text, cursor.startIndex);
    if (own !== undefined) {
      const before = this.previous;
      const closedBefore = this.closed;
      const header = this.emptyHeader;
      this.closed = this.previousOpen.filter((c) => c > own);
      this.previousOpen = [...this.levels, own];
      this.previous = { column: own, row: cursor.startPosition.row };
      this.emptyHeader = undefined;
      // The line after a header, not indented (CPython: "expected an indented block").
      if (header !== undefined && own <= header) return cursor.startPosition.row;
      if (own !== column) {
        // A dedent to no enclosing level; else a line back at a column the line before closed.
        if (own < before.column) return cursor.startPosition.row;
        if (closedBefore.includes(own)) return before.row;
      }
    }
    if (!HOLDS_BLOCKS.has(cursor.nodeType) || !cursor.gotoFirstChild()) return undefined;
    // A clause (elif, else, except, a decorated definition's def) starts at its statement's column.
    const at = own ?? column;
    try {
      do {
        const type = cursor.nodeType;
        if (SKIPPED.has(type)) continue;
        let row: number | undefined;
        if (type === 'block') {
          row = this.blockMisindentedRow(cursor);
          if (this.emptyBlock) this.emptyHeader = at;
        } else if (type === 'decorator' || HOLDS_BLOCKS.has(type)) row = this.misindentedRow(cursor, at);
        if (row !== undefined) return row;
      } while (cursor.gotoNextSibling());
      return undefined;
    } finally {
      cursor.gotoParent();
    }
  }

  /** The first such row in the block under `cursor`, whose column is that of its first statement that starts a line. */
  private blockMisindentedRow(cursor: TreeCursor): number | undefined {
    this.emptyBlock = true;
    if (!cursor.gotoFirstChild()) return undefined;
    let column: number | undefined;
    try {
      do {
        if (SKIPPED.has(cursor.nodeType)) continue;
        this.emptyBlock = false;
        if (column === undefined) {
          column = lineColumn(this.text, cursor.startIndex);
          // A block on its header's line (`if a: b = 1`) has no column; Python takes no more lines in it.
          if (column === undefined) continue;
          this.levels.push(column);
        }
        const row = this.misindentedRow(cursor, column);
        if (row !== undefined) return row;
      } while (cursor.gotoNextSibling());
      return undefined;
    } finally {
      if (column !== undefined) this.levels.pop();
      cursor.gotoParent();
    }
  }
}

let lastText: string | undefined;
let lastAnswer = false;

/**
 * Whether the logical lines of `text` (outside brackets and strings) can hold such a line: a
 * dedent to a column no line before it opened, a line indented to a column that the line before
 * it, not a block's header, closed, or a line after a header not indented more than it. A quick
 * filter before the walk, which the recovery asks several times for the same text: the last
 * answer is kept.
 */
export function mayHaveBrokenIndentation(text: string): boolean {
  if (text === lastText) return lastAnswer;
  lastText = text;
  lastAnswer = scanIndentation(text);
  return lastAnswer;
}

function scanIndentation(text: string): boolean {
  const levels = [0];
  let closed: number[] = [];
  let header = false;
  const n = text.length;
  for (let start = 0; start < n; ) {
    let i = start;
    let c = text.charCodeAt(i);
    while (c === 32 || c === 9) c = text.charCodeAt(++i);
    if (i >= n) break;
    if (c !== 10 && c !== 13 && c !== 35 && c !== 12) {
      const column = i - start;
      let top = levels[levels.length - 1];
      if (header && column <= top) return true;
      if (column > top) {
        if (!header && closed.includes(column)) return true;
        levels.push(column);
        closed = [];
      } else if (column < top) {
        closed = [];
        while (top > column) {
          closed.push(top);
          levels.pop();
          top = levels[levels.length - 1] ?? 0;
        }
        if (top !== column) return true;
      } else closed = [];
    }
    const end = logicalLineEnd(text, i);
    if (end.code) header = end.header;
    start = end.next;
  }
  return false;
}

/**
 * Where the logical line from `i` ends (after its line break, outside brackets and strings, not
 * continued by a backslash), whether it has code, and whether its last code character is `:`.
 */
function logicalLineEnd(text: string, i: number): { next: number; code: boolean; header: boolean } {
  const n = text.length;
  let depth = 0;
  let last = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 10:
        if (depth === 0) return { next: i + 1, code: last !== 0, header: last === 58 };
        i++;
        break;
      case 32: case 9: case 13: case 12:
        i++;
        break;
      case 35: // # to the end of the line
        i = commentEnd(text, i);
        break;
      case 92: {
        // \ continues the line when a line break follows
        const next = continuationEnd(text, i);
        if (next === undefined) last = c;
        i = next ?? i + 1;
        break;
      }
      case 34: // "
      case 39: // '
        i = stringEnd(text, i, c);
        last = c;
        break;
      case 40: case 91: case 123: // ( [ {
        depth++;
        last = c;
        i++;
        break;
      case 41: case 93: case 125: // ) ] }
        if (depth > 0) depth--;
        last = c;
        i++;
        break;
      default:
        last = c;
        i++;
    }
  }
  return { next: n, code: last !== 0, header: last === 58 };
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
