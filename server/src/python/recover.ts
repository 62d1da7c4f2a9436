// Syntax-error recovery. Tree-sitter keeps most of a broken file, but an unclosed bracket can
// swallow everything after it into one ERROR node. Then the offending line is blanked out
// (same length, so every offset stays valid) and the text parsed again, a few times at most.
// Lines whose indentation breaks the blocks around them are such lines too (indentation.ts),
// though tree-sitter parses them without an error.
import type { Node, Tree, TreeCursor } from 'web-tree-sitter';
import { defHeaderGuesses, isDefLine } from './header-guesses';
import { IndentationCheck, mayHaveBrokenIndentation } from './indentation';
import { commentEnd } from './segments';

const MAX_ROUNDS = 6;

/** A text with one more line blanked, and that line's offsets. */
interface Blank {
  text: string;
  start: number;
  end: number;
  /** Where `start` is in its line (0 for a whole line). */
  column: number;
}

/** A text with one more line blanked, its tree, and how much of it is still broken. */
interface Blanked {
  text: string;
  tree: Tree;
  damage: number;
}

/** The text to analyse, with its tree, or with what `read` made of it (then it was not parsed). */
export type Recovered<R> = {
  text: string;
  /** Lines (0-based) that were blanked out to get past syntax errors. */
  maskedLines: number[];
} & ({ tree: Tree; read?: undefined } | { tree: undefined; read: R });

/**
 * Returns the tree to analyse: `tree` itself when it is good enough, or a new tree (owned by
 * the caller, who must delete it) over a copy of `text` with broken lines blanked.
 * `read`: the text reader (text-lower.ts), which reads only texts tree-sitter parses without an
 * error (null for the others). A blanked text it reads is where the rounds below would stop (no
 * error, so the least damage): it is returned with what was read, not parsed (and no tree).
 */
export function recoverFromErrors<R>(tree: Tree, text: string, parse: (t: string, old: Tree) => Tree | null, read?: (t: string) => R | null): Recovered<R> {
  let at = problems(tree, text) ? firstError(tree, text) : undefined;
  if (at === undefined) return { tree, text, maskedLines: [] };
  let bestTree = tree;
  let bestText = text;
  let bestDamage = damage(tree, text);
  const masked: number[] = [];
  let current = text;
  let currentTree: Tree = tree;
  /** The trees this recovery made, deleted but `keep` (`tree` is the caller's). */
  const release = (keep?: Tree): void => {
    for (const t of new Set([currentTree, bestTree])) if (t !== tree && t !== keep) t.delete();
  };
  /** `blank` (the current text with a part of line `row` blanked) parsed again incrementally, and its damage. */
  const blanked = (blank: Blank, row: number): Blanked | undefined => {
    // The blanked part is an edit of the same length.
    const { column } = blank;
    const base = currentTree.copy();
    base.edit({
      startIndex: blank.start,
      oldEndIndex: blank.end,
      newEndIndex: blank.end,
      startPosition: { row, column },
      oldEndPosition: { row, column: column + blank.end - blank.start },
      newEndPosition: { row, column: column + blank.end - blank.start },
    });
    const parsed = parse(blank.text, base);
    base.delete();
    return parsed ? { text: blank.text, tree: parsed, damage: damage(parsed, blank.text) } : undefined;
  };
  /** The recovery's result when the reader reads `blank` (then it is not parsed). */
  const readBlank = (blank: Blank, row: number): Recovered<R> | undefined => {
    const readText = read && bestDamage > 0 ? read(blank.text) : null;
    if (readText === null) return undefined;
    release();
    return { tree: undefined, read: readText, text: blank.text, maskedLines: [...masked, row] };
  };
  /** The first guess that leaves no error (read by the reader, or parsed), as the recovery's result. */
  const attempt = (trials: readonly Trial[]): Recovered<R> | undefined => {
    for (const trial of trials) {
      const blank = blankSpan(current, trial);
      const readTrial = readBlank(blank, trial.row);
      if (readTrial) return readTrial;
      const tried = blanked(blank, trial.row);
      if (tried && clean(tried.tree, tried.text)) {
        release();
        return { tree: tried.tree, text: tried.text, maskedLines: [...masked, trial.row] };
      }
      tried?.tree.delete();
    }
    return undefined;
  };
  for (let round = 0; round < MAX_ROUNDS && at !== undefined; round++) {
    if (masked.includes(at.row)) break;
    // A broken `def` or `class` line: rewritten into a header with the parameters before the
    // broken one, before its line or the statement's first line is blanked (the body would lose
    // its function).
    const atHeader = attempt(headerTrials(current, at));
    if (atHeader) return atHeader;
    // An error inside a statement that opens a bracket on its first line and does not close it
    // (`x = layers.Conv2D(32,` typed above other code): the statement swallowed the lines below
    // down to the one it cannot take, where the error shows. When blanking that first line
    // leaves no error, the rounds stop there; tried first, it spares parsing the text with the
    // error's own line blanked (about a full parse: the swallowed lines do not match the old
    // tree) on most keystrokes of such a line. Otherwise it is the line to blank when blanking
    // the error's own line does not help.
    const bracketRow = at.statementRow < at.row && !masked.includes(at.statementRow) && opensBracket(current, at.statementRow) ? at.statementRow : undefined;
    let atBracket: Blanked | undefined;
    if (bracketRow !== undefined) {
      const blank = blankLine(current, bracketRow);
      const readAtBracket = readBlank(blank, bracketRow);
      if (readAtBracket) return readAtBracket;
      atBracket = blanked(blank, bracketRow);
      if (atBracket && clean(atBracket.tree, atBracket.text)) {
        release();
        return { tree: atBracket.tree, text: atBracket.text, maskedLines: [...masked, bracketRow] };
      }
    }
    // Inside a statement over several lines (a Sequential's list being edited), what broke is
    // most often one token or one line of it: each guess (trials) is kept when it leaves no error.
    const atTrial = attempt(at.trials ?? []);
    if (atTrial) {
      atBracket?.tree.delete();
      return atTrial;
    }
    const atError = blankLine(current, at.row);
    const readAtError = readBlank(atError, at.row);
    if (readAtError) {
      atBracket?.tree.delete();
      return readAtError;
    }
    let row = at.row;
    let next = blanked(atError, row);
    const nextDamage = next?.damage ?? Infinity;
    if (atBracket && nextDamage >= bestDamage && atBracket.damage < nextDamage) {
      next?.tree.delete();
      next = atBracket;
      row = at.statementRow;
    } else atBracket?.tree.delete();
    masked.push(row);
    if (currentTree !== tree && currentTree !== bestTree) currentTree.delete();
    if (!next) break;
    current = next.text;
    currentTree = next.tree;
    at = problems(currentTree, current) ? firstError(currentTree, current) : undefined;
    if (next.damage < bestDamage) {
      if (bestTree !== tree) bestTree.delete();
      bestTree = currentTree;
      bestText = current;
      bestDamage = next.damage;
    }
  }
  release(bestTree);
  return { tree: bestTree, text: bestText, maskedLines: bestTree === tree ? [] : masked };
}

/** Whether line `row` opens more brackets than it closes (strings and comments aside, roughly). */
function opensBracket(text: string, row: number): boolean {
  const { start, end } = lineRange(text, row);
  const line = text.slice(start, end).replace(/#.*$/, '').replace(/'[^']*'|"[^"]*"/g, '');
  let depth = 0;
  for (const ch of line) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
  }
  return depth > 0;
}

/** Whether the tree may have an error or a misindented line (a quick check before the walk of firstError). */
function problems(tree: Tree, text: string): boolean {
  return tree.rootNode.hasError || mayHaveBrokenIndentation(text);
}

/** Whether the tree has neither an error nor a misindented line. */
function clean(tree: Tree, text: string): boolean {
  return !tree.rootNode.hasError && (!mayHaveBrokenIndentation(text) || firstError(tree, text) === undefined);
}

/** Characters covered by module-level statements that contain errors or misindented lines: how much is lost. */
function damage(tree: Tree, text: string): number {
  let n = 0;
  const cursor = tree.walk();
  const indentation = new IndentationCheck(text);
  try {
    if (!cursor.gotoFirstChild()) return 0;
    do {
      if (cursor.nodeType === 'comment') continue;
      if (cursor.currentNode.hasError || indentation.misindentedRow(cursor, 0) !== undefined) n += cursor.endIndex - cursor.startIndex;
    } while (cursor.gotoNextSibling());
    return n;
  } finally {
    cursor.delete();
  }
}

/** A part of one line to blank, tried before the rounds' lines (see firstError): offsets, and the column of `start`. */
interface Trial {
  row: number;
  start: number;
  end: number;
  column: number;
  /** What the part becomes, as long (spaces when not given). */
  replacement?: string;
}

interface FirstError {
  row: number;
  statementRow: number;
  /** Where the module-level statement the error is in ends. */
  endRow: number;
  /** The column of the error in `row`, when it is an ERROR node inside a statement. */
  column?: number;
  trials?: Trial[];
}

/**
 * The row where the first module-level error or misindented line is, and where its
 * module-level statement starts; for an error inside a statement over several lines, the
 * guesses to try first (trialsAtError, trialsAtMissing).
 */
function firstError(tree: Tree, text: string): FirstError | undefined {
  const cursor = tree.walk();
  const indentation = new IndentationCheck(text);
  try {
    if (!cursor.gotoFirstChild()) return undefined;
    do {
      const type = cursor.nodeType;
      if (type === 'comment') continue;
      const statementRow = cursor.startPosition.row;
      const endRow = cursor.endPosition.row;
      if (type === 'ERROR') {
        const row = firstBrokenChildRow(cursor);
        return row === undefined ? { row: statementRow, statementRow, endRow } : { row, statementRow: row, endRow };
      }
      if (cursor.nodeIsMissing) return { row: statementRow, statementRow, endRow };
      const node = cursor.currentNode;
      if (node.hasError) {
        // An error inside a statement: find its first broken descendant.
        const inner = node.descendantsOfType('ERROR')[0];
        if (inner) return { row: inner.startPosition.row, column: inner.startPosition.column, statementRow, endRow, trials: trialsAtError(text, inner, statementRow) };
        return { row: statementRow, statementRow, endRow, trials: trialsAtMissing(text, node, statementRow) };
      }
      const row = indentation.misindentedRow(cursor, 0);
      if (row !== undefined) return { row, statementRow: Math.min(row, statementRow), endRow: Math.max(row, endRow) };
    } while (cursor.gotoNextSibling());
    return undefined;
  } finally {
    cursor.delete();
  }
}

/** `text` with line `row`'s content replaced by as many spaces (every offset stays valid), and where that line is. */
function blankLine(text: string, row: number): Blank {
  return blankSpan(text, lineTrial(text, row));
}

/** `text` with the characters from `start` to `end` (on one line) replaced by spaces, or by the trial's replacement. */
function blankSpan(text: string, { start, end, column, replacement }: Trial): Blank {
  return { text: text.slice(0, start) + (replacement ?? ' '.repeat(end - start)) + text.slice(end), start, end, column };
}

/** Line `row`'s content as a part to blank. */
function lineTrial(text: string, row: number): Trial {
  return { row, ...lineRange(text, row), column: 0 };
}

/** Offsets of a line's content (its break excluded). */
function lineRange(text: string, row: number): { start: number; end: number } {
  let start = 0;
  for (let r = 0; r < row; r++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return { start: text.length, end: text.length };
    start = nl + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return { start, end };
}

/**
 * In an ERROR node that begins with whole statements tree-sitter could not place (`IMG = 128`
 * before a line starting with a stray backslash), the row of the first child after them: the
 * line that broke. Undefined when the node does not begin with a whole statement (an unclosed
 * bracket: the node is the broken statement itself). The cursor is back on the node after.
 */
function firstBrokenChildRow(cursor: TreeCursor): number | undefined {
  if (!cursor.gotoFirstChild()) return undefined;
  try {
    let skipped = false;
    while (isWholeStatement(cursor) && cursor.gotoNextSibling()) skipped = true;
    return skipped && !isWholeStatement(cursor) ? cursor.startPosition.row : undefined;
  } finally {
    cursor.gotoParent();
  }
}

function isWholeStatement(cursor: TreeCursor): boolean {
  const type = cursor.nodeType;
  return (type.endsWith('_statement') || type.endsWith('_definition')) && !cursor.currentNode.hasError;
}

/**
 * For an ERROR node below a statement's first line, on one line and not all of it: the code line
 * before it when it is the start of its line (a list element typed without its comma: the next
 * element is the error), then the node itself (a stray token: `,,` in a list).
 */
function trialsAtError(text: string, error: Node, statementRow: number): Trial[] {
  const row = error.startPosition.row;
  if (row <= statementRow) return [];
  const trials: Trial[] = [];
  const line = lineRange(text, row);
  const content = text.slice(line.start, line.end);
  const indent = content.length - content.trimStart().length;
  const oneLine = error.endPosition.row === row && error.endIndex > error.startIndex;
  // Only the start of the line (`keras` of `keras.layers.X()`, where a comma was wanted before).
  if (oneLine && error.startIndex === line.start + indent && error.endIndex < line.end) {
    const before = previousCodeRow(text, row);
    if (before !== undefined && before > statementRow) trials.push(lineTrial(text, before));
  }
  if (oneLine && (error.startIndex > line.start + indent || error.endIndex < line.end)) {
    trials.push({ row, start: error.startIndex, end: error.endIndex, column: error.startIndex - line.start });
  }
  return trials;
}

const OPENING = new Set([40, 91, 123]); // ( [ {

/**
 * For a statement whose error is a node tree-sitter made up (MISSING, no ERROR): where its parent
 * starts, when that is a bracket the parser closed: that bracket alone (typed before an element
 * that was whole), then its line (`keras.layers.Dense(` typed as a new element of a Sequential's
 * list); then the line of the token after it. Only below the statement's first line.
 */
function trialsAtMissing(text: string, statement: Node, statementRow: number): Trial[] {
  const cursor = statement.walk();
  try {
    for (;;) {
      if (cursor.nodeIsMissing) {
        const parent = cursor.currentNode.parent;
        const rows = [parent?.startPosition.row];
        // The token the parser met instead (`.` at the start of a line, after `x,`).
        if (cursor.gotoNextSibling()) rows.push(cursor.startPosition.row);
        const trials = [...new Set(rows)].filter((r): r is number => r !== undefined && r > statementRow).map((r) => lineTrial(text, r));
        // A bracket typed before an element that was whole (`(keras.Input(...)),`): that bracket alone.
        if (parent && parent.startPosition.row > statementRow && OPENING.has(text.charCodeAt(parent.startIndex))) {
          const row = parent.startPosition.row;
          trials.unshift({ row, start: parent.startIndex, end: parent.startIndex + 1, column: parent.startIndex - lineRange(text, row).start });
        }
        return trials;
      }
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return [];
    }
  } finally {
    cursor.delete();
  }
}

/** How many lines of a statement are searched for a broken `def` line, and of a header for its colon. */
const MAX_ROWS_TO_DEF = 2000;
const MAX_HEADER_ROWS = 20;

/**
 * The guesses for a `def` line that is broken (header-guesses.ts): the first error's line when
 * the error is in its header, or else the first `def` line in the error's statement whose
 * header does not end with a colon (its bracket not closed, the colon not typed). A statement
 * with no such line gets none: a call being typed in a function's body costs no parse of
 * guesses (tree-sitter may place its error at the def line above it, after the header).
 */
function headerTrials(text: string, at: FirstError): Trial[] {
  const guesses = (row: number, start: number, end: number): Trial[] =>
    defHeaderGuesses(text.slice(start, end), start, (name) => bodyUses(text, start, end, name)).map((g) => ({
      row,
      start: g.start,
      end: g.end,
      column: g.start - start,
      replacement: g.replacement,
    }));
  const atError = lineRange(text, at.row);
  const line = text.slice(atError.start, atError.end);
  // The error inside the def line's header (`k=):`; not at its start, where a line above that
  // left a bracket open shows its error), or a def line that does not end its header.
  const indent = line.length - line.trimStart().length;
  const onHeader = at.column !== undefined && at.column > indent && at.column < line.trimEnd().length;
  if (isDefLine(line) && (onHeader || !headerCloses(text, atError.start))) return guesses(at.row, atError.start, atError.end);
  let { start } = lineRange(text, at.statementRow);
  for (let row = at.statementRow; row <= at.endRow && row < at.statementRow + MAX_ROWS_TO_DEF; row++) {
    const next = text.indexOf('\n', start);
    const end = next < 0 ? text.length : next > start && text.charCodeAt(next - 1) === 13 ? next - 1 : next;
    if (isDefLine(text.slice(start, end)) && !headerCloses(text, start)) return guesses(row, start, end);
    if (next < 0) break;
    start = next + 1;
  }
  return [];
}

/** How many lines of a body are searched for a parameter's name. */
const MAX_BODY_ROWS = 400;

/**
 * Whether `name` appears as a word in the lines after the def line at `start`..`end` that are
 * indented more than it (its body; blank lines go on), roughly: strings and comments count too.
 */
function bodyUses(text: string, start: number, end: number, name: string): boolean {
  const indent = /^[ \t]*/.exec(text.slice(start, end))![0].length;
  const word = new RegExp(`\\b${name}\\b`);
  let at = text.indexOf('\n', end);
  for (let n = 0; at >= 0 && n < MAX_BODY_ROWS; n++) {
    const next = text.indexOf('\n', at + 1);
    const line = text.slice(at + 1, next < 0 ? text.length : next);
    if (line.trim() !== '') {
      if (/^[ \t]*/.exec(line)![0].length <= indent) return false;
      if (word.test(line)) return true;
    }
    at = next;
  }
  return false;
}

/**
 * Whether the header from `start` reaches a colon outside brackets before a line ends outside
 * them (a header over several lines closes its bracket first). Strings and comments roughly.
 */
function headerCloses(text: string, start: number): boolean {
  let depth = 0;
  let rows = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 35 /* # */) i = commentEnd(text, i) - 1;
    else if (c === 34 || c === 39 /* " ' */) {
      const close = text.indexOf(text[i], i + 1);
      const nl = text.indexOf('\n', i + 1);
      if (close < 0 || (nl >= 0 && nl < close)) return false;
      i = close;
    } else if (c === 40 || c === 91 || c === 123 /* ( [ { */) depth++;
    else if (c === 41 || c === 93 || c === 125 /* ) ] } */) {
      if (--depth < 0) return false;
    } else if (c === 58 /* : */ && depth === 0) return true;
    else if (c === 10 && (depth === 0 || ++rows > MAX_HEADER_ROWS)) return false;
  }
  return false;
}

/** The nearest row above `row` with code (not blank, not only a comment). */
function previousCodeRow(text: string, row: number): number | undefined {
  for (let r = row - 1; r >= 0; r--) {
    const { start, end } = lineRange(text, r);
    const code = text.slice(start, end).trim();
    if (code !== '' && !code.startsWith('#')) return r;
  }
  return undefined;
}
