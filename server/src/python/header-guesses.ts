// Guesses for a function's `def` line broken while it is edited (`def block(x, filters, k=`,
// `def block(x, filters, k=):`): the syntax-error recovery would blank the line, and the
// function's body would run at module level, where its parameters are unknown, while its calls
// lost what they made. A `class` line with its bases (`class Block(layers.Layer, `) likewise. Each guess rewrites the line, in its own length, into a header with the
// parameters before the one being typed, which the recovery keeps only when the text then parses
// without an error.

/** A replacement of `text.slice(start, end)` by `replacement` (as long). */
export interface HeaderGuess {
  start: number;
  end: number;
  replacement: string;
}

const DEF = /^[ \t]*(?:(?:async[ \t]+)?def|class)[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/;
const MAX_GUESSES = 4;

/** Whether the line is the first line of a `def` or a `class` with bases (its name and opening bracket written). */
export function isDefLine(line: string): boolean {
  return DEF.test(line);
}

/**
 * The guesses for the `def` line `line` (its content, at offset `start` of the text), longest
 * first: the parameter list cut after its last whole parameters and closed with `):`; when the
 * list closes on the line, the line ended after it with `:` (the list's spaces left out when
 * there is no room), or one parameter blanked with its comma.
 */
export function defHeaderGuesses(line: string, start: number): HeaderGuess[] {
  const open = DEF.exec(line);
  if (!open) return [];
  const { commas, close, params } = parameterList(line, open[0].length);
  const guesses: HeaderGuess[] = [];
  const rewrite = (from: number, text: string): void => {
    if (from + text.length > line.length) return;
    guesses.push({ start: start + from, end: start + line.length, replacement: text.padEnd(line.length - from) });
  };
  if (close === undefined) {
    // The list is still open: close it after the last parameter written, else after the ones before.
    const end = line.trimEnd().length;
    for (const cut of [end, ...[...commas].reverse()]) rewrite(cut, '):');
  } else {
    // Closed: what follows it is broken (a colon not typed yet, a return annotation being written).
    rewrite(close + 1, ':');
    // With no room after it for the colon, the list without its spaces may leave some.
    rewrite(open[0].length, `${params.map((p) => line.slice(p.start, p.end).trim()).join(',')}):`);
    // Or one parameter is (`k=`): that parameter and its comma blanked.
    for (let i = params.length - 1; i >= 0; i--) {
      const p = params[i];
      const from = i > 0 ? commas[i - 1] : p.start;
      const to = i > 0 ? p.end : (commas[0] ?? p.end) + (commas.length > 0 ? 1 : 0);
      guesses.push({ start: start + from, end: start + to, replacement: ' '.repeat(to - from) });
    }
  }
  return guesses.slice(0, MAX_GUESSES);
}

/**
 * The parameter list from `from` (just past its bracket): the offsets of its top-level commas,
 * of the bracket that closes it (undefined when the line ends first, or a comment starts), and
 * each parameter's span. Strings are skipped roughly (no escapes across quotes).
 */
function parameterList(line: string, from: number): { commas: number[]; close: number | undefined; params: { start: number; end: number }[] } {
  const commas: number[] = [];
  const params: { start: number; end: number }[] = [];
  let depth = 1;
  let paramStart = from;
  for (let i = from; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"' || ch === "'") {
      const endQuote = line.indexOf(ch, i + 1);
      if (endQuote < 0) break;
      i = endQuote;
    } else if (ch === '#') break;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (--depth === 0) {
        if (line.slice(paramStart, i).trim() !== '') params.push({ start: paramStart, end: i });
        return { commas, close: i, params };
      }
    } else if (ch === ',' && depth === 1) {
      commas.push(i);
      params.push({ start: paramStart, end: i });
      paramStart = i + 1;
    }
  }
  return { commas, close: undefined, params };
}
