// The one place where offsets become positions. Offsets everywhere in Shapewise are UTF-16
// code-unit indexes into the JavaScript string (what web-tree-sitter reports for string input
// and what LSP uses by default); the checker's JSON wants 1-based lines and code-point columns.

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based column in UTF-16 code units. */
  character: number;
}

/** The line whose start is the last at or before `offset`, in ascending line starts (the first is 0). */
export function lineContaining(starts: readonly number[], offset: number): number {
  return Math.max(0, lastAtOrBefore(starts, offset));
}

/** The index of the last value at or below `value` in ascending `sorted`, or -1. */
export function lastAtOrBefore(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Line breaks in text[from, to), as LineIndex counts them (\n, \r\n or a lone \r). `cr`: whether
 * the text has a \r at all (known to the caller, so that a text without one is not searched for it).
 */
export function lineBreaksBetween(text: string, from: number, to: number, cr: boolean): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  if (cr) for (let i = text.indexOf('\r', from); i !== -1 && i < to; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) n++;
  return n;
}

/** Whether `text` has a \r not followed by \n (a line break for LineIndex, not for tree-sitter). */
export function hasLoneCr(text: string): boolean {
  // includes() first: a native search, where the regex would walk every character of a long text.
  return text.includes('\r') && /\r(?!\n)/.test(text);
}

/** Offset just past the content of the line holding `offset` (before its line break). */
export function lineEndAfter(text: string, offset: number): number {
  for (let i = offset; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return text.length;
}

export class LineIndex {
  /** Offset of the first character of each line. Lines end at \n, \r\n or a lone \r. */
  private readonly starts: number[];
  /** Whether the text holds a surrogate (found on the first code-point position asked for). */
  private surrogates: boolean | undefined;

  constructor(private readonly text: string) {
    const starts = [0];
    if (!text.includes('\r')) {
      // The usual text: indexOf finds each line break in native code (built per keystroke).
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** Offset just past the line's content (before its line break). */
  lineEnd(line: number): number {
    const next = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    let end = next;
    if (end > this.lineStart(line) && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > this.lineStart(line) && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = lineContaining(this.starts, o);
    return { line, character: o - this.starts[line] };
  }

  offsetAt(pos: Position): number {
    if (pos.line >= this.starts.length) return this.text.length;
    if (pos.line < 0) return 0;
    const start = this.starts[pos.line];
    return Math.min(start + Math.max(0, pos.character), this.lineEnd(pos.line));
  }

  /** 1-based line and 1-based column counted in Unicode code points (the checker's contract). */
  codePointPosition(offset: number): { line: number; column: number } {
    const p = this.positionAt(offset);
    // Without a surrogate anywhere every code unit is a code point (nearly every file).
    this.surrogates ??= /[\ud800-\udfff]/.test(this.text);
    if (!this.surrogates) return { line: p.line + 1, column: p.character + 1 };
    const start = this.starts[p.line];
    let column = 1;
    for (let i = start; i < start + p.character; i++) {
      const c = this.text.charCodeAt(i);
      // A surrogate pair is one code point: count it at its high half only.
      if (c >= 0xdc00 && c <= 0xdfff && i > start) {
        const prev = this.text.charCodeAt(i - 1);
        if (prev >= 0xd800 && prev <= 0xdbff) continue;
      }
      column++;
    }
    return { line: p.line + 1, column };
  }
}
