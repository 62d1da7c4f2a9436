// Guesses for a function's `def` line broken while it is edited (`def block(x, filters, k=`,
// `def block(x, filters, k=):`): the syntax-error recovery would blank the line, and the
// function's body would run at module level, where its parameters are unknown, while its calls
// lost what they made. A `class` line with its bases (`class Block(layers.Layer, `) likewise.
// Each guess rewrites the line, in its own length, into a header with the parameters before the
// one being typed, which the recovery keeps only when the text then parses without an error.

import { stringEnd } from './segments';

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
 * there is no room), or of one parameter that does not read as whole only its name kept (when
 * `usedInBody` says the body uses it), or that parameter blanked with its comma. A comment
 * after the header is kept.
 */
export function defHeaderGuesses(line: string, start: number, usedInBody: (name: string) => boolean = () => false): HeaderGuess[] {
  const open = DEF.exec(line);
  if (!open) return [];
  const { commas, close, params } = parameterList(line, open[0].length);
  // A comment after the header stays (it may declare a shape: `# shapewise: x=(...)`).
  const codeEnd = commentStart(line, close ?? open[0].length);
  const guesses: HeaderGuess[] = [];
  const rewrite = (from: number, text: string): void => {
    if (from + text.length > codeEnd) return;
    guesses.push({ start: start + from, end: start + codeEnd, replacement: text.padEnd(codeEnd - from) });
  };
  if (close === undefined) {
    // The list is still open: close it after the last parameter written, else after the ones before.
    const end = line.slice(0, codeEnd).trimEnd().length;
    for (const cut of [end, ...[...commas].reverse()]) rewrite(cut, '):');
  } else {
    // Closed: what follows it is broken (a colon not typed yet, a return annotation being written).
    rewrite(close + 1, ':');
    // With no room after it for the colon, the list without its spaces may leave some.
    rewrite(open[0].length, `${params.map((p) => line.slice(p.start, p.end).trim()).join(',')}):`);
    // Or one parameter is (`k=`, `x:`): only its name kept, else that parameter and its comma
    // blanked. Never the first (`self`, or the tensor a helper takes), nor one that reads whole.
    for (let i = params.length - 1; i >= 1; i--) {
      const p = params[i];
      const text = line.slice(p.start, p.end);
      if (WHOLE_PARAMETER.test(text)) continue;
      const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(text);
      const keepName: HeaderGuess | undefined = name ? { start: start + p.start + name[0].length, end: start + p.end, replacement: ' '.repeat(text.length - name[0].length) } : undefined;
      const blank: HeaderGuess = { start: start + commas[i - 1], end: start + p.end, replacement: ' '.repeat(p.end - commas[i - 1]) };
      // A name the body uses is a parameter being edited (`filters=` typed for a default); one it
      // does not use yet is a new one being typed (`k=`): the header as it was has no `k`.
      if (keepName && usedInBody(name![1])) guesses.push(keepName, blank);
      else guesses.push(blank);
    }
  }
  return guesses.slice(0, MAX_GUESSES);
}

/** `name`, `*args`, `name: T`, `name=value`, `name: T = value` (roughly: the value not checked). */
const WHOLE_PARAMETER = /^\s*(\*{1,2})?[A-Za-z_][A-Za-z0-9_]*\s*(:\s*[^=\s][^=]*)?(=\s*\S.*)?$/;

/** Where a comment starts on the line after `from` (strings skipped), else its length. */
function commentStart(line: string, from: number): number {
  for (let i = from; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 35 /* # */) return i;
    if (c === 34 || c === 39 /* " ' */) i = stringEnd(line, i, c) - 1;
  }
  return line.length;
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
