// Line starts of a text being changed, change after change. In one didChange, every range is
// relative to the text after the previous change, and a find-and-replace-all sends thousands of
// changes: rebuilding a LineIndex (and re-scanning for lone CRs) for each one cost O(text) per
// change, seconds for a 100 KB file. Here a change updates only the line starts it can affect.
// Same rules as LineIndex (lines end at \n, \r\n or a lone \r); LineIndex stays the converter
// for everything else, built once after the changes.
import type { Point } from 'web-tree-sitter';
import { hasLoneCr, lineContaining, type Position } from '../text/line-index';

export class EditableLines {
  private starts: number[];
  private _text: string;
  /** Whether the text may hold a lone \r: tree-sitter counts rows at \n only. */
  private loneCr: boolean;

  constructor(text: string) {
    this._text = text;
    this.starts = [0];
    this.scan(1, text.length, this.starts);
    this.loneCr = hasLoneCr(text);
  }

  get text(): string {
    return this._text;
  }

  /** As LineIndex.offsetAt: a line past the end is the end; a character past the line's end is the line's end. */
  offsetAt(pos: Position): number {
    if (pos.line >= this.starts.length) return this._text.length;
    if (pos.line < 0) return 0;
    const start = this.starts[pos.line];
    return Math.min(start + Math.max(0, pos.character), this.lineEnd(pos.line));
  }

  /** The tree-sitter point of an offset (rows counted at \n only). */
  treePoint(offset: number): Point {
    if (!this.loneCr) {
      const line = this.lineOf(offset);
      return { row: line, column: offset - this.starts[line] };
    }
    let row = 0;
    let lineStart = 0;
    for (let i = this._text.indexOf('\n'); i !== -1 && i < offset; i = this._text.indexOf('\n', i + 1)) {
      row++;
      lineStart = i + 1;
    }
    return { row, column: offset - lineStart };
  }

  /** Replaces [start, oldEnd) with `inserted`. */
  replace(start: number, oldEnd: number, inserted: string): void {
    const old = this._text;
    const text = old.slice(0, start) + inserted + old.slice(oldEnd);
    const delta = inserted.length - (oldEnd - start);
    // Whether p starts a line depends on the characters at p - 1 and p only: the starts that can
    // change are those in [start, oldEnd] (old text), [start, start + inserted.length] (new).
    const starts = this.starts;
    let lo = 1;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] < start) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < starts.length && starts[end] <= oldEnd) end++;
    const fresh: number[] = [];
    this._text = text;
    this.scan(Math.max(1, start), start + inserted.length, fresh);
    const tail = starts.slice(end);
    for (let i = 0; i < tail.length; i++) tail[i] += delta;
    starts.length = lo;
    for (const s of fresh) starts.push(s);
    for (const s of tail) starts.push(s);
    // A lone \r can only appear inside the inserted text or just before it (its \n removed).
    if (!this.loneCr) {
      for (let i = Math.max(0, start - 1); i < start + inserted.length && !this.loneCr; i++) {
        if (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) !== 10) this.loneCr = true;
      }
    }
  }

  private lineEnd(line: number): number {
    const next = line + 1 < this.starts.length ? this.starts[line + 1] : this._text.length;
    const start = this.starts[line];
    let end = next;
    if (end > start && this._text.charCodeAt(end - 1) === 10) end--;
    if (end > start && this._text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  private lineOf(offset: number): number {
    return lineContaining(this.starts, Math.max(0, Math.min(offset, this._text.length)));
  }

  /** Pushes every p in [from, to] (p ≥ 1) that starts a line of the current text, in order. */
  private scan(from: number, to: number, out: number[]): void {
    const text = this._text;
    for (let p = Math.max(1, from); p <= to && p <= text.length; p++) {
      const c = text.charCodeAt(p - 1);
      if (c === 10 || (c === 13 && text.charCodeAt(p) !== 10)) out.push(p);
    }
  }
}
