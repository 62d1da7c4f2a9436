// The shape of an LSP text content change, checked: a client may send anything, and a change
// that is not text with no range or a range of integer positions is skipped by whoever applies it.
import type { Position, Range, TextDocumentContentChangeEvent } from 'vscode-languageserver';

/** A content change a server can apply: text, and either no range or a range of numbers. */
export function isChange(c: unknown): c is TextDocumentContentChangeEvent {
  if (typeof c !== 'object' || c === null || typeof (c as { text?: unknown }).text !== 'string') return false;
  const range = (c as { range?: unknown }).range;
  return range === undefined || range === null || isRange(range);
}

/** Whether a (well-formed) change has a range; `range: null` or `undefined` means the whole text. */
export function hasRange(c: TextDocumentContentChangeEvent): c is TextDocumentContentChangeEvent & { range: Range } {
  return (c as { range?: unknown }).range != null;
}

function isRange(r: unknown): r is Range {
  const { start, end } = r as { start?: unknown; end?: unknown };
  return typeof r === 'object' && r !== null && isPosition(start) && isPosition(end);
}

function isPosition(p: unknown): p is Position {
  if (typeof p !== 'object' || p === null) return false;
  const { line, character } = p as { line?: unknown; character?: unknown };
  return Number.isInteger(line) && Number.isInteger(character);
}
