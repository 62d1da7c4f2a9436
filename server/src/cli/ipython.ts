// IPython syntax in notebook code cells (`%magic`, `!shell`, `x = !cmd`, `obj?`, `%%cell`
// magics) is not Python. It is replaced with Python of exactly the same length, line breaks
// kept, so every offset the analysis reports still points at the same character of the cell.

/** Cell magics whose body is Python run by the kernel: only the `%%` line is masked. */
const PYTHON_BODY_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'debug', 'python', 'python3', 'memit', 'mprun']);

const CELL_MAGIC = /^[ \t\f]*%%([\p{L}\p{N}_.-]*)/u;
/** `name = !cmd`, `a, b = %magic ...` (IPython's assignment forms), up to the `!` or `%`. */
const ASSIGNED_MAGIC = /^[\p{L}_][\p{L}\p{N}_.]*(?:[ \t]*,[ \t]*[\p{L}_][\p{L}\p{N}_.]*)*[ \t]*=[ \t]*[!%]/u;

export interface MaskedCell {
  text: string;
  /** Set when the whole cell was blanked, with why (a `%%bash` cell, say). */
  skipped?: string;
}

/** Masks a code cell's IPython syntax; a cell that is not Python at all becomes blank. */
export function maskCell(text: string): MaskedCell {
  const firstLine = /^(?:[ \t\f]*(?:\r\n|\r|\n))*([^\r\n]*)/.exec(text);
  const m = firstLine ? CELL_MAGIC.exec(firstLine[1]) : null;
  if (m && firstLine) {
    const lineStart = firstLine[0].length - firstLine[1].length;
    if (!PYTHON_BODY_CELL_MAGICS.has(m[1])) return { text: blank(text), skipped: `cell magic %%${m[1]}` };
    const lineEnd = lineStart + firstLine[1].length;
    return { text: maskLines(text.slice(0, lineStart) + statementFiller(lineEnd - lineStart) + text.slice(lineEnd)) };
  }
  return { text: maskLines(text) };
}

/** Every character but line breaks becomes a space. */
export function blank(text: string): string {
  return text.replace(/[^\r\n]/g, ' ');
}

/** `pass` (a statement valid wherever a line magic may stand) padded to n; `0` when n < 4. */
function statementFiller(n: number): string {
  if (n <= 0) return '';
  return n >= 4 ? 'pass' + ' '.repeat(n - 4) : '0' + ' '.repeat(n - 1);
}

/** `None` padded to n; `0` when n < 4. */
function expressionFiller(n: number): string {
  if (n <= 0) return '';
  return n >= 4 ? 'None' + ' '.repeat(n - 4) : '0' + ' '.repeat(n - 1);
}

function spaces(n: number): string {
  return ' '.repeat(Math.max(0, n));
}

interface Edit {
  start: number;
  end: number;
  fill: (n: number) => string;
}

interface Line {
  start: number;
  end: number;
  /** Start of the next line (past the line break). */
  next: number;
}

function lineAt(src: string, start: number): Line {
  let end = start;
  while (end < src.length && src[end] !== '\n' && src[end] !== '\r') end++;
  let next = end;
  if (next < src.length) next += src[next] === '\r' && src[next + 1] === '\n' ? 2 : 1;
  return { start, end, next };
}

/**
 * Masks line magics, shell escapes, their assignment forms and `?` help lines. Only lines that
 * begin a logical line count: not inside brackets, strings or after a backslash continuation,
 * so `a\n!= b` inside parentheses or a docstring line starting with `!` stays as written.
 */
export function maskLines(src: string): string {
  const edits: Edit[] = [];
  let depth = 0;
  /** The closing delimiter of the string literal we are inside, if any. */
  let quote: string | null = null;
  let continued = false;
  let i = 0;
  while (i < src.length) {
    const line = lineAt(src, i);
    const logicalStart = depth === 0 && quote === null && !continued;
    let indentEnd = line.start;
    while (indentEnd < line.end && (src[indentEnd] === ' ' || src[indentEnd] === '\t' || src[indentEnd] === '\f')) indentEnd++;

    if (logicalStart) {
      let magicAt = -1;
      let fill = statementFiller;
      const c = src[indentEnd];
      if (c === '%' || c === '!') magicAt = indentEnd;
      else {
        const m = ASSIGNED_MAGIC.exec(src.slice(indentEnd, line.end));
        if (m) {
          magicAt = indentEnd + m[0].length - 1;
          fill = expressionFiller;
        }
      }
      if (magicAt >= 0) {
        edits.push({ start: magicAt, end: line.end, fill });
        // IPython joins a magic's lines that end in a backslash.
        let cur = line;
        while (cur.end > cur.start && src[cur.end - 1] === '\\' && cur.next < src.length) {
          cur = lineAt(src, cur.next);
          edits.push({ start: cur.start, end: cur.end, fill: spaces });
        }
        i = cur.next;
        continue;
      }
    }

    let question = false;
    let comment = false;
    let j = line.start;
    while (j < line.end) {
      const ch = src[j];
      if (quote !== null) {
        if (ch === '\\') j += 2;
        else if (src.startsWith(quote, j)) {
          j += quote.length;
          quote = null;
        } else j++;
        continue;
      }
      if (ch === '#') {
        comment = true;
        break;
      }
      if (ch === '"' || ch === "'") {
        quote = src.startsWith(ch + ch + ch, j) ? ch + ch + ch : ch;
        j += quote.length;
        continue;
      }
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
      else if (ch === '?') question = true;
      j++;
    }
    // A backslash escape that swallowed the line break continues a one-quote string; any other
    // one-quote string open at the end of a line is a syntax error: recover at the line end.
    if (quote !== null && quote.length === 1 && j <= line.end) quote = null;
    continued = quote === null && !comment && line.end > line.start && src[line.end - 1] === '\\';
    // `?` is never Python outside strings and comments: `obj?`, `?obj`, `obj??` are help lines.
    if (logicalStart && question && depth === 0 && quote === null && !continued) {
      edits.push({ start: indentEnd, end: line.end, fill: statementFiller });
    }
    i = line.next;
  }
  if (edits.length === 0) return src;
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += src.slice(at, e.start) + e.fill(e.end - e.start);
    at = e.end;
  }
  return out + src.slice(at);
}
