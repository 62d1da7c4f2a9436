// Turning text changes into tree-sitter edits. Offsets are UTF-16 code units, which is what
// web-tree-sitter uses for string input (indexes and columns alike). Tree-sitter counts rows at
// '\n' only; LineIndex also breaks at a lone '\r', so rows are recounted when one is present.
import type { Edit, Point } from 'web-tree-sitter';
import { hasLoneCr, type LineIndex } from '../text/line-index';

/** The tree-sitter point of `offset` in `text`. */
export function treePoint(text: string, lines: LineIndex, offset: number): Point {
  if (!hasLoneCr(text)) {
    const p = lines.positionAt(offset);
    return { row: p.line, column: p.character };
  }
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/**
 * The edit replacing [start, oldEnd) of `before` with `inserted`. `before` is the whole text
 * before the change and `beforeLines` its line index; the new end point is computed from the
 * inserted text alone, so the text after the change is not needed.
 */
export function editFor(before: string, beforeLines: LineIndex, start: number, oldEnd: number, inserted: string): Edit {
  return editBetween(start, oldEnd, inserted, treePoint(before, beforeLines, start), treePoint(before, beforeLines, oldEnd));
}

/** The same, given the tree points of `start` and `oldEnd` in the text before the change. */
export function editBetween(start: number, oldEnd: number, inserted: string, startPosition: Point, oldEndPosition: Point): Edit {
  let newEndPosition: Point;
  const lastNewline = inserted.lastIndexOf('\n');
  if (lastNewline === -1) newEndPosition = { row: startPosition.row, column: startPosition.column + inserted.length };
  else {
    let rows = 0;
    for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) rows++;
    newEndPosition = { row: startPosition.row + rows, column: inserted.length - lastNewline - 1 };
  }
  return {
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: start + inserted.length,
    startPosition,
    oldEndPosition,
    newEndPosition,
  };
}

/** The smallest single replacement turning `before` into `after` (common prefix and suffix). */
export function diffRange(before: string, after: string): { start: number; oldEnd: number; inserted: string } | undefined {
  if (before === after) return undefined;
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  // Never cut a surrogate pair in two.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let suffix = 0;
  while (
    suffix < max - start &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  return { start, oldEnd: before.length - suffix, inserted: after.slice(start, after.length - suffix) };
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
