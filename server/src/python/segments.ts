// Where a module's top-level statements start, found by a quick character scan (no tokens):
// lines that begin at column 0 with code, outside brackets, strings and line continuations,
// except the clauses that continue a statement (`else`, `elif`, `except`, `finally`) and the
// definition under a decorator. The scan only proposes boundaries: text-lower.ts parses each
// segment strictly, so a wrong guess (an f-string nesting quotes, say) costs speed, not
// correctness: a segment that does not parse on its own sends the file to tree-sitter.

import { lastAtOrBefore } from '../text/line-index';

const CLAUSES = ['else', 'elif', 'except', 'finally'];

export function segmentStarts(text: string): number[] {
  const starts = [0];
  scan(text, 0, starts);
  return starts;
}

/** The segment starts of an earlier version of a text, to rescan only what an edit changed. */
export interface ScannedText {
  text: string;
  starts: number[];
}

/** segmentStarts of a text after an edit, and where the edit is. */
export interface Rescan {
  starts: number[];
  /** Characters before the first change, the same in both texts. */
  prefix: number;
  /** Where the unchanged rest begins in the new text. */
  changedEnd: number;
  /** New length minus old length. */
  delta: number;
}

/**
 * segmentStarts(text), rescanning only from the last start before the first changed character
 * up to the first start after the change that was a start before it too: at a start the scan's
 * state is always the same (outside brackets, at a line start, not under a decorator), so from
 * there on the scan repeats the earlier one over the same text.
 */
export function rescan(text: string, before: ScannedText): Rescan {
  const old = before.text;
  const prefix = commonPrefix(old, text);
  const suffix = commonSuffix(old, text, Math.min(old.length, text.length) - prefix);
  const delta = text.length - old.length;
  // The last start before the first changed character (the one at it may no longer be a start).
  const k = Math.max(0, lastAtOrBefore(before.starts, prefix - 1));
  const starts = before.starts.slice(0, k + 1);
  const changedEnd = text.length - suffix;
  const synced = scan(text, starts[k], starts, (q) => q >= changedEnd && indexOf(before.starts, q - delta) >= 0);
  if (synced !== undefined) {
    for (let j = indexOf(before.starts, synced - delta) + 1; j < before.starts.length; j++) starts.push(before.starts[j] + delta);
  }
  return { starts, prefix, changedEnd, delta };
}

/** Compared a chunk at a time first: string equality of slices runs in native code. */
const CHUNK = 1024;

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i + CHUNK <= n && a.slice(i, i + CHUNK) === b.slice(i, i + CHUNK)) i += CHUNK;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** The common suffix, at most `max` long. */
function commonSuffix(a: string, b: string, max: number): number {
  let k = 0;
  while (k + CHUNK <= max && a.slice(a.length - k - CHUNK, a.length - k) === b.slice(b.length - k - CHUNK, b.length - k)) k += CHUNK;
  while (k < max && a.charCodeAt(a.length - 1 - k) === b.charCodeAt(b.length - 1 - k)) k++;
  return k;
}

function indexOf(sorted: number[], value: number): number {
  const j = lastAtOrBefore(sorted, value);
  return j >= 0 && sorted[j] === value ? j : -1;
}

/**
 * Scans from `from` (a segment start, or 0), pushing the starts after it onto `starts`; stops at
 * the first start `stop` accepts (pushed, and returned).
 */
function scan(text: string, from: number, starts: number[], stop?: (start: number) => boolean): number | undefined {
  const n = text.length;
  let depth = 0;
  let lineStart = true;
  let afterDecorator = false;
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (lineStart) {
      lineStart = false;
      if (depth === 0 && isCodeStart(c)) {
        if (i > from && !afterDecorator && !startsClause(text, i)) {
          starts.push(i);
          if (stop?.(i)) return i;
        }
        afterDecorator = c === 64; // @
      }
    }
    switch (c) {
      case 10: // \n
        lineStart = true;
        i++;
        break;
      case 35: // # to the end of the line
        i = commentEnd(text, i);
        break;
      case 92: // \ continues the line when a line break follows
        i = continuationEnd(text, i) ?? i + 1;
        break;
      case 34: // "
      case 39: // '
        i = stringEnd(text, i, c);
        break;
      case 40: case 91: case 123: // ( [ {
        depth++;
        i++;
        break;
      case 41: case 93: case 125: // ) ] }
        if (depth > 0) depth--;
        i++;
        break;
      default:
        i++;
    }
  }
  return undefined;
}

function isCodeStart(c: number): boolean {
  return c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 35;
}

function startsClause(text: string, i: number): boolean {
  for (const w of CLAUSES) {
    if (text.startsWith(w, i)) {
      const after = text.charCodeAt(i + w.length);
      if (!(after === 95 || (after >= 48 && after <= 57) || ((after | 0x20) >= 97 && (after | 0x20) <= 122) || after >= 128)) return true;
    }
  }
  return false;
}

/** Where the comment at `i` ends: at its line break (or the end of the text). */
export function commentEnd(text: string, i: number): number {
  const end = text.indexOf('\n', i);
  return end < 0 ? text.length : end;
}

/** After the backslash at `i` and the line break it escapes; undefined when no line break follows it. */
export function continuationEnd(text: string, i: number): number | undefined {
  if (text.charCodeAt(i + 1) === 10) return i + 2;
  if (text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10) return i + 3;
  return undefined;
}

/** The end of the string literal whose quote is at `i` (a backslash escapes the next character). */
export function stringEnd(text: string, i: number, quote: number): number {
  const n = text.length;
  if (text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote) {
    let j = i + 3;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 92) j += 2;
      else if (c === quote && text.charCodeAt(j + 1) === quote && text.charCodeAt(j + 2) === quote) return j + 3;
      else j++;
    }
    return n;
  }
  let j = i + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 92) j += 2;
    else if (c === quote) return j + 1;
    else if (c === 10) return j; // unterminated: the line break ends it
    else j++;
  }
  return n;
}
