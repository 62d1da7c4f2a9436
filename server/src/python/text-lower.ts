// Lowering from the text alone, without tree-sitter: the same Module as
// `lowerTree(parse(text).rootNode, text)` for a file tree-sitter parses without an error, or
// null when this reader cannot vouch for that (a syntax error, tabs in indentation, `match`,
// `async`, semicolons, ...); the caller then parses with tree-sitter as before. Parsing is most
// of what an analysis costs on a large file, and incremental tree-sitter parsing still walks
// every top-level statement of the module (25 ms at 10,000 lines) on each keystroke.
//
// The module is cut into top-level segments (segments.ts); each is read strictly: logical lines
// from the tokenizer, blocks from their indentation, every statement and header through the
// statement parser. Comments follow tree-sitter-python's scanner: a comment line after a
// block's last statement belongs to that block while its indentation reaches the block's (or
// while the block goes on after it), which decides where a compound statement's span ends.
// After an edit, the segments before and after the changed text are reused by place.
import type { Expr, Module, Span, Stmt } from './ast';
import { moveLazily, own, settle, type CachedStatement, type LoweringCache, type TextLowering } from './lowering-cache';
import { rescan, segmentStarts, type Rescan } from './segments';
import { StatementParser } from './stmt-parser';
import { Lexer, miss, missReason, T_END, T_NAME, T_NEWLINE, T_OP } from './tokenize';

/** Why the text path gave way to tree-sitter, for tests and the benchmark. */
export interface TextLowerStats {
  reason?: string;
}

export function lowerText(text: string, cache?: LoweringCache, stats?: TextLowerStats, lazySpans = false): Module | null {
  const last = cache?.text;
  const scanned: Rescan = last ? rescan(text, last) : { starts: segmentStarts(text), prefix: 0, changedEnd: Infinity, delta: 0 };
  const starts = scanned.starts;
  const entries: CachedStatement[] = [];
  const body: Stmt[] = [];
  const comments: Span[] = [];
  const reader = new SegmentReader(text);
  try {
    // The last version read had none: only the changed part (and a character either side) can.
    const checked = last ? text.slice(Math.max(0, scanned.prefix - 1), Math.min(text.length, scanned.changedEnd + 1)) : text;
    if (hasUnsupportedCharacters(checked)) miss('NUL, a lone carriage return or an invisible blank');
    for (let k = 0; k < starts.length; k++) {
      const start = starts[k];
      const end = k + 1 < starts.length ? starts[k + 1] : text.length;
      let entry = last ? unchanged(last, scanned, k, start, end) : undefined;
      if (!entry) {
        entry = { start, ...reader.segment(start, end) };
        // Only a kept entry is ever moved lazily (and settled).
        if (cache) own(entry);
      }
      for (const s of entry.stmts) body.push(s);
      for (const c of entry.comments) comments.push(c);
      entries.push(entry);
    }
  } catch (e) {
    // A bug here must not cost the user the analysis: tree-sitter's path is always there.
    if (stats) stats.reason = missReason(e);
    // Typing often leaves the text unreadable for a moment (an unclosed bracket): the cache
    // stays with the last version read, which the next readable version is compared with.
    return null;
  }
  if (cache) cache.text = { text, starts, entries };
  if (!lazySpans) for (const s of body) settle(s);
  return { body, comments };
}

/**
 * The last version's entry for segment k, when its text is unchanged: before the edit at the
 * same place, or after it moved by the edit's length (moved lazily: see moveLazily). Segments
 * the edit touched are read again.
 */
function unchanged(last: TextLowering, scanned: Rescan, k: number, start: number, end: number): CachedStatement | undefined {
  const old = last.starts;
  const oldEnd = (j: number): number => (j + 1 < old.length ? old[j + 1] : last.text.length);
  if (end <= scanned.prefix) return old[k] === start && oldEnd(k) === end ? last.entries[k] : undefined;
  if (start < scanned.changedEnd) return undefined;
  const j = k + old.length - scanned.starts.length;
  if (j < 0 || j >= old.length || old[j] !== start - scanned.delta || oldEnd(j) !== end - scanned.delta) return undefined;
  const entry = last.entries[j];
  moveLazily(entry, scanned.delta);
  return entry;
}

/**
 * Where a statement cannot end, tree-sitter-python reads the line break as a blank and goes on
 * with the next line (`H,` then `W = 65, 33` is one assignment to it, `a +` then `b` one sum):
 * such lines are left to it.
 */
function canEndLine(kind: number, value: string, keyword: boolean, first: string): boolean {
  if (kind === T_OP) return value === ')' || value === ']' || value === '}' || value === ':' || value === ';' || value === '...' || (value === '*' && first === 'from');
  if (kind === T_NAME && keyword) return ENDING_KEYWORDS.has(value);
  return true;
}

const ENDING_KEYWORDS = new Set(['None', 'True', 'False', 'pass', 'break', 'continue', 'return', 'yield', 'raise']);

/** A line break in `text[from, to)` (the blanks and comments between two tokens). */
function hasLineBreak(text: string, from: number, to: number): boolean {
  for (let p = from; p < to; p++) if (text.charCodeAt(p) === 10) return true;
  return false;
}

/**
 * tree-sitter ends the text at NUL, takes a lone `\r` for a line break and treats the invisible
 * blanks (BOM, word joiner, zero-width space) and the vertical tab (an error before a line
 * break: `x = 1\v`) its own way: such texts are left to it.
 */
const UNSUPPORTED = /[\0\v\uFEFF\u2060\u200B]|\r(?!\n)/;

function hasUnsupportedCharacters(text: string): boolean {
  return UNSUPPORTED.test(text);
}

/** A logical line: its tokens' extent and what the block structure needs to know of it. */
interface Line {
  code: true;
  start: number;
  end: number;
  indent: number;
  /** The first token's text (names and operators; '' for strings and numbers); the keyword after `async`. */
  first: string;
  /** The first `:` outside brackets, and where the token after it starts (-1: none). */
  colon: number;
  afterColon: number;
  lambdaBeforeColon: boolean;
  endsWithColon: boolean;
  /** `;` outside brackets: where the statement before it ends and the next one starts (-1: none). */
  semicolons: { before: number; after: number }[] | null;
  /** End of a comment on the same line after the last token (-1: none). */
  trailingComment: number;
}

/** A comment alone on its line. */
interface CommentLine {
  code: false;
  end: number;
  indent: number;
}

type Item = Line | CommentLine;

/** Blocks nested deeper than this are left to tree-sitter (no real file comes near). */
const MAX_BLOCK_DEPTH = 100;

const COMPOUND = new Set(['if', 'for', 'while', 'with', 'try', 'def', 'class']);
const CLAUSE = new Set(['elif', 'else', 'except', 'finally']);
const ASSIGNING = new Set(['=', '.', '+=', '-=', '*=', '/=', '@=', '//=', '%=', '**=', '>>=', '<<=', '&=', '^=', '|=']);
const OTHER = new Set(['pass', 'break', 'continue', 'raise', 'assert', 'del', 'global', 'nonlocal']);

class SegmentReader {
  private readonly lex = new Lexer();
  private readonly peek = new Lexer();
  private readonly parser = new StatementParser();
  private items: Item[] = [];
  private i = 0;
  /** Blocks open around the current line. */
  private depth = 0;

  constructor(private readonly text: string) {}

  segment(start: number, end: number): { stmts: Stmt[]; comments: Span[] } {
    this.items = this.scan(start, end);
    this.i = 0;
    this.depth = 0;
    const comments = this.lex.comments.map((c) => ({ start: c.start, end: c.end }));
    const stmts: Stmt[] = [];
    this.block(0, stmts);
    if (this.i < this.items.length) miss('text after the last block');
    return { stmts, comments };
  }

  /** The segment's logical lines and comment lines, in order. */
  private scan(start: number, end: number): Item[] {
    const lex = this.lex;
    const text = this.text;
    const items: Item[] = [];
    lex.reset(text, start, end, 0);
    let line: Line | null = null;
    let commentsSeen = 0;
    let lastKind = T_END;
    let lastValue = '';
    let lastKeyword = false;
    for (;;) {
      const kind = lex.kind;
      // Comments skipped before this token: before the line break that ends a logical line,
      // its own trailing comment; before any other token of a line, inside its brackets (part
      // of the statement); on a line of their own, comment lines.
      const found = lex.comments;
      for (; commentsSeen < found.length; commentsSeen++) {
        const c = found[commentsSeen];
        if (!line) items.push({ code: false, end: c.end, indent: this.indentAt(c.start) });
        else if (kind === T_NEWLINE || kind === T_END) line.trailingComment = c.end;
      }
      if (kind === T_END || kind === T_NEWLINE) {
        if (line) {
          if (!canEndLine(lastKind, lastValue, lastKeyword, line.first)) miss('a line ending in an operator or a comma');
          items.push(line);
          line = null;
        }
        if (kind === T_END) break;
        lex.next();
        continue;
      }
      if (!line) {
        line = {
          code: true,
          start: lex.start,
          end: lex.end,
          indent: this.indentAt(lex.start),
          first: kind === T_NAME || kind === T_OP ? lex.value : '',
          colon: -1,
          afterColon: -1,
          lambdaBeforeColon: false,
          endsWithColon: false,
          semicolons: null,
          trailingComment: -1,
        };
      } else if (hasLineBreak(text, line.end, lex.start) && this.columnOf(lex.start) < line.indent) {
        // A line inside brackets indented less than its statement: tree-sitter's scanner takes
        // it for a dedent and fails where a closing bracket cannot come next.
        miss('continuation line indented less than its statement');
      } else if (line.first === 'async' && kind === T_NAME) {
        // `async def`, `async for`, `async with`: lowered as the statement without it (as lower.ts
        // does). The header's parser reads the `async` itself and rejects any other word.
        line.first = lex.value;
      }
      const before = line.end;
      line.end = lex.end;
      if (line.colon >= 0 && line.afterColon < 0) line.afterColon = lex.start;
      const semicolons = line.semicolons;
      if (semicolons && semicolons[semicolons.length - 1].after < 0) semicolons[semicolons.length - 1].after = lex.start;
      line.endsWithColon = false;
      if (lex.depth === 0) {
        if (kind === T_OP) {
          if (lex.value === ':') {
            if (line.colon < 0) line.colon = lex.start;
            line.endsWithColon = true;
          } else if (lex.value === ';') (line.semicolons ??= []).push({ before, after: -1 });
        } else if (kind === T_NAME && lex.value === 'lambda' && line.colon < 0) line.lambdaBeforeColon = true;
      }
      lastKind = kind;
      lastValue = lex.value;
      lastKeyword = lex.keyword;
      lex.next();
    }
    if (lex.depth !== 0) miss('unclosed bracket');
    return items;
  }

  /** The indentation of the line holding `offset`: spaces only (tabs and the like are left to tree-sitter). */
  private indentAt(offset: number): number {
    const text = this.text;
    let p = offset;
    while (p > 0 && text.charCodeAt(p - 1) === 32) p--;
    if (p > 0 && text.charCodeAt(p - 1) !== 10) miss('indentation other than spaces');
    // A line continued from the one before has no indentation of its own.
    if (p > 1 && text.charCodeAt(p - 2) === 92) miss('continued line');
    if (p > 2 && text.charCodeAt(p - 2) === 13 && text.charCodeAt(p - 3) === 92) miss('continued line');
    return offset - p;
  }

  /** The column of `offset`, counting any blanks before it on its line (tabs left to tree-sitter). */
  private columnOf(offset: number): number {
    const text = this.text;
    let p = offset;
    while (p > 0 && text.charCodeAt(p - 1) !== 10) {
      if (text.charCodeAt(p - 1) === 9) miss('a tab in a continuation line');
      p--;
    }
    return offset - p;
  }

  /** The index of the next logical line (comment lines before it skipped), or -1. */
  private nextCode(): number {
    for (let j = this.i; j < this.items.length; j++) if (this.items[j].code) return j;
    return -1;
  }

  private lineAt(j: number): Line {
    return this.items[j] as Line;
  }

  /**
   * The statements of a block indented by `indent`, until a line indented less; returns where
   * the block ends (its last statement, or the last comment line that belongs to it).
   */
  private block(indent: number, out: Stmt[]): number {
    let end = -1;
    for (;;) {
      const next = this.nextCode();
      const nextIndent = next < 0 ? 0 : this.lineAt(next).indent;
      if (next < 0 || nextIndent < indent) {
        for (let item = this.items[this.i]; item && !item.code && item.indent >= indent; item = this.items[++this.i]) end = item.end;
        return end;
      }
      if (nextIndent > indent) miss('unexpected indent');
      this.i = next;
      end = this.statement(out);
    }
  }

  /** The statement at the current line; returns its extent (with a same-line comment). */
  private statement(out: Stmt[]): number {
    const line = this.lineAt(this.i);
    if (line.first === '@') return this.decorated(out);
    if (COMPOUND.has(line.first)) return this.compound(out);
    // After `x, y` tree-sitter may read a next line that starts with `[` as a subscript of it.
    if (line.first === '[') miss('a statement starting with [');
    this.i++;
    this.simpleStatements(line, line.start, out);
    return line.trailingComment >= 0 ? line.trailingComment : line.end;
  }

  /** The simple statements of `line` from `start` on, separated by semicolons. */
  private simpleStatements(line: Line, start: number, out: Stmt[]): void {
    let from = start;
    for (const s of line.semicolons ?? []) {
      if (s.before <= from) continue; // a `;` before `start` (none in a valid header)
      this.simple(from, s.before, line.colon >= 0, out);
      if (s.after < 0) return; // a trailing `;`
      from = s.after;
    }
    this.simple(from, line.end, line.colon >= 0, out);
  }

  /** A simple statement in `[start, end)`; `colon`: a `:` outside brackets may be in it. */
  private simple(start: number, end: number, colon: boolean, out: Stmt[]): void {
    const text = this.text;
    const p = this.parser;
    const peek = this.peek;
    peek.reset(text, start, end, 0);
    const first = peek.kind === T_NAME ? peek.value : '';
    if (first && peek.keyword) {
      if (COMPOUND.has(first) || CLAUSE.has(first) || first === 'async') miss(`${first} where a simple statement belongs`);
      if (first === 'return') return void out.push(p.returnStatement(text, start, end));
      if (first === 'import') return void out.push(p.importStatement(text, start, end));
      if (OTHER.has(first)) {
        return void out.push({ t: p.otherStatement(text, start, end), span: { start, end } });
      }
      if (first === 'from') {
        peek.next();
        if (peek.kind === T_NAME && peek.value === '__future__') {
          p.otherStatement(text, start, end);
          return void out.push({ t: 'other', span: { start, end } });
        }
        return void out.push(p.fromImportStatement(text, start, end));
      }
    } else if (first) {
      // Soft keywords that begin statements of their own in tree-sitter-python.
      peek.next();
      const second = peek.kind;
      if ((first === 'print' || first === 'exec') && !(second === T_OP && ASSIGNING.has(peek.value)) && !this.isWholeCall(start, end)) miss(`${first} statement`);
      // `type X = ...` is a type alias; tree-sitter-python may read `type(x)...` as one too
      // (`type (x).y = 1`), and goes on looking for its `=` on the next lines: `type(x)`, then
      // `(y) = 1` is one alias there. Only `type = ...` and `type.attr` are left to the text path.
      if (first === 'type' && !(second === T_OP && (peek.value === '=' || peek.value === '.'))) miss('type statement');
      // A match statement is `match subject:` and a block: no such line without a colon.
      if ((first === 'match' || first === 'case') && colon) miss(`${first} statement`);
    }
    out.push(p.expressionStatement(text, start, end));
  }

  /** `print(...)` / `exec(...)` and nothing more: a call, not Python 2's print statement. */
  private isWholeCall(start: number, end: number): boolean {
    const peek = this.peek;
    peek.reset(this.text, start, end, 0);
    peek.next();
    if (!(peek.kind === T_OP && peek.value === '(')) return false;
    const kind = (): number => peek.kind;
    for (peek.next(); peek.depth > 0; peek.next()) if (kind() === T_END) return false;
    // The closing parenthesis was the token just read.
    peek.next();
    return kind() === T_END;
  }

  /**
   * The block after a header line: indented lines, or the rest of the header's line. Returns
   * where the block starts (where the header's text ends), its statements and its end.
   */
  private body(header: Line): { blockStart: number; stmts: Stmt[]; end: number } {
    const stmts: Stmt[] = [];
    if (header.endsWithColon) {
      const next = this.nextCode();
      if (next < 0 || this.lineAt(next).indent <= header.indent) miss('expected an indented block');
      this.i = next;
      const blockStart = this.lineAt(next).start;
      // Our recursion is a few frames per block: deep nesting is left to tree-sitter.
      if (++this.depth > MAX_BLOCK_DEPTH) miss('blocks nested too deeply');
      const end = this.block(this.lineAt(next).indent, stmts);
      this.depth--;
      return { blockStart, stmts, end };
    }
    if (header.colon < 0 || header.afterColon < 0 || header.lambdaBeforeColon) miss('header without a colon');
    this.simpleStatements(header, header.afterColon, stmts);
    return { blockStart: header.afterColon, stmts, end: header.trailingComment >= 0 ? header.trailingComment : header.end };
  }

  /** The next line, when it is `word` at the indentation of `header` (comment lines before it skipped). */
  private clause(header: Line, ...words: string[]): Line | undefined {
    const next = this.nextCode();
    if (next < 0) return undefined;
    const line = this.lineAt(next);
    if (line.indent !== header.indent || !words.includes(line.first)) return undefined;
    this.i = next + 1;
    return line;
  }

  private compound(out: Stmt[]): number {
    const text = this.text;
    const p = this.parser;
    const line = this.lineAt(this.i++);
    const start = line.start;
    // A lambda's `:` before the header's own reads differently in tree-sitter: left to it.
    if (line.lambdaBeforeColon) miss('lambda in a header');
    switch (line.first) {
      case 'def': {
        const b = this.body(line);
        // tree-sitter-python fails on `def f(x: y[1:])` inside a block (an open slice in a parameter).
        if (/:\s*[\],]/.test(text.slice(start, b.blockStart))) miss('open slice in a def header');
        const h = p.defHeader(text, start, b.blockStart, true);
        out.push({ t: 'def', name: h.name, nameSpan: h.nameSpan, params: h.params, body: b.stmts, span: { start, end: b.end } });
        return b.end;
      }
      case 'class': {
        const b = this.body(line);
        const h = p.classHeader(text, start, b.blockStart);
        out.push({ t: 'class', name: h.name, nameSpan: h.nameSpan, bases: h.bases, body: b.stmts, span: { start, end: b.end } });
        return b.end;
      }
      case 'with': {
        const b = this.body(line);
        const items = p.withHeader(text, start, b.blockStart);
        out.push({ t: 'with', items, body: b.stmts, span: { start, end: b.end } });
        return b.end;
      }
      case 'if': {
        const b = this.body(line);
        const branches: { test: Expr | null; body: Stmt[] }[] = [{ test: p.condition(text, start, b.blockStart, 'if'), body: b.stmts }];
        let end = b.end;
        for (let c = this.clause(line, 'elif', 'else'); c; c = c.first === 'elif' ? this.clause(line, 'elif', 'else') : undefined) {
          const cb = this.body(c);
          if (c.first === 'elif') branches.push({ test: p.condition(text, c.start, cb.blockStart, 'elif'), body: cb.stmts });
          else {
            p.keywordHeader(text, c.start, cb.blockStart, 'else');
            branches.push({ test: null, body: cb.stmts });
          }
          end = cb.end;
        }
        out.push({ t: 'if', branches, span: { start, end } });
        return end;
      }
      case 'for':
      case 'while': {
        const b = this.body(line);
        const header = line.first === 'for' ? p.forHeader(text, start, b.blockStart) : null;
        const test = line.first === 'while' ? p.condition(text, start, b.blockStart, 'while') : null;
        let end = b.end;
        let orelse: Stmt[] = [];
        const c = this.clause(line, 'else');
        if (c) {
          const cb = this.body(c);
          p.keywordHeader(text, c.start, cb.blockStart, 'else');
          orelse = cb.stmts;
          end = cb.end;
        }
        const span = { start, end };
        out.push(header ? { t: 'for', target: header.target, iter: header.iter, body: b.stmts, orelse, span } : { t: 'while', test: test as NonNullable<typeof test>, body: b.stmts, orelse, span });
        return end;
      }
      case 'try': {
        const b = this.body(line);
        p.keywordHeader(text, start, b.blockStart, 'try');
        const handlers: Stmt[][] = [];
        let orelse: Stmt[] = [];
        let finalbody: Stmt[] = [];
        let end = b.end;
        let finished = false;
        for (let c = this.clause(line, 'except', 'else', 'finally'); c; c = finished ? undefined : this.clause(line, 'except', 'else', 'finally')) {
          const cb = this.body(c);
          if (c.first === 'except') {
            if (orelse.length > 0) miss('except after else');
            p.exceptHeader(text, c.start, cb.blockStart);
            handlers.push(cb.stmts);
          } else if (c.first === 'else') {
            if (handlers.length === 0 || orelse.length > 0) miss('else in a try statement');
            p.keywordHeader(text, c.start, cb.blockStart, 'else');
            orelse = cb.stmts;
          } else {
            p.keywordHeader(text, c.start, cb.blockStart, 'finally');
            finalbody = cb.stmts;
            finished = true;
          }
          end = cb.end;
        }
        if (handlers.length === 0 && !finished) miss('try without except or finally');
        out.push({ t: 'try', body: b.stmts, handlers, orelse, finalbody, span: { start, end } });
        return end;
      }
      default:
        return miss(`compound statement ${line.first}`);
    }
  }

  /** `@decorator` lines, then the def or class they decorate (lowered alone, as lower.ts does). */
  private decorated(out: Stmt[]): number {
    const first = this.lineAt(this.i);
    for (;;) {
      const line = this.lineAt(this.i);
      if (line.first !== '@') break;
      if (line.endsWithColon || line.indent !== first.indent) miss('decorator');
      this.i++;
      const next = this.nextCode();
      if (next < 0) miss('decorator without a definition');
      // tree-sitter-python takes a comment line indented less than the decorator for a dedent
      // (`    @d`, `# c`, `    def f(): ...` inside a block is an error there).
      for (let j = this.i; j < next; j++) if (this.items[j].indent < first.indent) miss('a comment indented less than its decorator');
      this.i = next;
    }
    const def = this.lineAt(this.i);
    if (def.indent !== first.indent || (def.first !== 'def' && def.first !== 'class')) miss('decorated statement');
    this.parser.decorators(this.text, first.start, def.start);
    return this.compound(out);
  }
}
