// A small on-demand Python tokenizer for the fast lowering path (fast-lower.ts). It reads one
// statement's text at a time and mimics tree-sitter-python's lexer and string scanner (not
// CPython's) wherever they differ, because the lowered AST must equal the one lowered from
// the tree-sitter tree. Anything it is not sure about throws `FastPathMiss`; the caller then
// lowers that statement from the tree instead.

import type { Span } from './ast';

/** Thrown when the fast path cannot vouch for a result; never escapes fast-lower.ts. */
export class FastPathMiss {
  constructor(readonly reason: string) {}
}

export function miss(reason: string): never {
  throw new FastPathMiss(reason);
}

/** Why a fast path gave way: a miss's reason, or an unexpected exception in full (a bug). */
export function missReason(e: unknown): string {
  return e instanceof FastPathMiss ? e.reason : e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
}

export const T_END = 0;
export const T_NEWLINE = 1;
export const T_NAME = 2;
export const T_NUMBER = 3;
export const T_STRING = 4;
export const T_OP = 5;

/** A part of a string literal's body: literal text, or an `{...}` interpolation. */
export type StringPiece =
  | { interp: false; start: number; end: number }
  | {
      interp: true;
      /** The `{` ... `}` span. */
      start: number;
      end: number;
      /** The expression's first and last token bounds. */
      exprStart: number;
      exprEnd: number;
      /** `!r` or `:spec` present: lower.ts gives up on the value. */
      formatted: boolean;
      /** Interpolations nested in the format spec, for validation only. */
      nested: StringPiece[];
    };

export interface StringToken {
  start: number;
  end: number;
  raw: boolean;
  isF: boolean;
  bytes: boolean;
  pieces: StringPiece[];
}

// Words that can never be identifiers (tree-sitter-python's reserved list). The soft keywords
// print, exec, type, match are identifiers wherever an identifier fits. A switch on the first
// letter is faster than hashing every name.
export function isKeyword(w: string): boolean {
  switch (w.charCodeAt(0)) {
    case 97: return w === 'and' || w === 'as' || w === 'assert' || w === 'async' || w === 'await';
    case 98: return w === 'break';
    case 99: return w === 'class' || w === 'continue';
    case 100: return w === 'def' || w === 'del';
    case 101: return w === 'elif' || w === 'else' || w === 'except';
    case 102: return w === 'finally' || w === 'for' || w === 'from';
    case 103: return w === 'global';
    case 105: return w === 'if' || w === 'import' || w === 'in' || w === 'is';
    case 108: return w === 'lambda';
    case 110: return w === 'nonlocal' || w === 'not';
    case 111: return w === 'or';
    case 112: return w === 'pass';
    case 114: return w === 'raise' || w === 'return';
    case 116: return w === 'try';
    case 119: return w === 'while' || w === 'with';
    case 121: return w === 'yield';
    case 70: return w === 'False';
    case 78: return w === 'None';
    case 84: return w === 'True';
    default: return false;
  }
}

const ID_START = /^[_\p{XID_Start}]$/u;
const ID_CONTINUE = /^\p{XID_Continue}$/u;

function isAsciiIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isAsciiIdContinue(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Letters the scanner accepts, in any number and order, before a quote. */
function isPrefixLetter(c: number): boolean {
  switch (c) {
    case 102: case 70: case 116: case 84: // f F t T
    case 114: case 82: case 98: case 66: // r R b B
    case 117: case 85: // u U
      return true;
    default:
      return false;
  }
}

/** f-strings nested deeper than this (in each other or in format specs) are left to the tree. */
const MAX_INTERPOLATION_NEST = 50;

export class Lexer {
  text = '';
  pos = 0;
  limit = 0;
  /** Bracket nesting: inside brackets a line break is whitespace. */
  depth = 0;
  /** The `#` comments skipped so far (each runs to the line break, `\r` included, like tree-sitter's). */
  readonly comments: Span[] = [];

  // The current token.
  kind = T_END;
  start = 0;
  end = 0;
  /** The text of a name or operator token. */
  value = '';
  /** A name token that is a reserved word. */
  keyword = false;
  /**
   * The current string token. For plain (non-f) strings it is one reused record: read it
   * before advancing.
   */
  str: StringToken | null = null;
  private readonly plainPiece: { interp: false; start: number; end: number } = { interp: false, start: 0, end: 0 };
  private readonly plainOne: StringPiece[] = [this.plainPiece];
  private readonly plainNone: StringPiece[] = [];
  private readonly plain: StringToken = { start: 0, end: 0, raw: false, isF: false, bytes: false, pieces: this.plainNone };
  /** Whether a number token is a float (else an integer). */
  isFloat = false;
  /** Tokens read since reset (an expression cannot nest deeper than its token count). */
  tokens = 0;
  /** f-string interpolations open around the current position (each is a few stack frames). */
  private interpolations = 0;

  reset(text: string, start: number, limit: number, depth: number): void {
    this.text = text;
    this.pos = start;
    this.limit = limit;
    this.depth = depth;
    if (this.comments.length > 0) this.comments.length = 0;
    this.tokens = 0;
    this.interpolations = 0;
    this.next();
  }

  /** Advances to the next token. */
  next(): void {
    this.tokens++;
    this.skipTrivia();
    const text = this.text;
    const pos = this.pos;
    this.start = pos;
    this.keyword = false;
    this.str = null;
    if (pos >= this.limit) {
      this.kind = T_END;
      this.end = pos;
      this.value = '';
      return;
    }
    const c = text.charCodeAt(pos);
    if (c === 10) {
      this.kind = T_NEWLINE;
      this.end = this.pos = pos + 1;
      this.value = '';
      return;
    }
    if (isAsciiIdStart(c) || c >= 128) {
      this.scanName(pos, c);
      return;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(pos + 1)))) {
      this.scanNumber(pos);
      return;
    }
    if (c === 34 || c === 39) {
      this.finishString(this.scanString(pos, pos));
      return;
    }
    this.scanOp(pos, c);
  }

  private finishString(s: StringToken): void {
    this.kind = T_STRING;
    this.start = s.start;
    this.end = this.pos = s.end;
    this.value = '';
    this.str = s;
  }

  private skipTrivia(): void {
    const text = this.text;
    const limit = this.limit;
    let pos = this.pos;
    while (pos < limit) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 12 || c === 11 || c === 13) pos++;
      else if (c === 10) {
        if (this.depth === 0) break;
        pos++;
      } else if (c === 35) {
        // A comment runs to the line break (tree-sitter's /#.*/; its lexer takes NUL for the end).
        const start = pos;
        pos++;
        for (let d = text.charCodeAt(pos); pos < limit && d !== 10 && d !== 0; d = text.charCodeAt(pos)) pos++;
        this.comments.push({ start, end: pos });
      } else if (c === 92) {
        // Line continuation: a backslash right before a line break.
        const d = text.charCodeAt(pos + 1);
        if (d === 10) pos += 2;
        else if (d === 13 && text.charCodeAt(pos + 2) === 10) pos += 3;
        else miss('stray backslash');
      } else if (c === 0xfeff || c === 0x2060 || c === 0x200b) pos++;
      else if (c >= 128 && /\s/.test(text[pos])) miss('unicode whitespace');
      else break;
    }
    if (pos > limit) miss('token past the statement');
    this.pos = pos;
  }

  private scanName(pos: number, first: number): void {
    const text = this.text;
    let p = pos;
    if (first < 128) p++;
    else p = this.nonAsciiIdChar(p, true);
    for (;;) {
      const c = text.charCodeAt(p);
      if (isAsciiIdContinue(c)) p++;
      else if (c >= 128) {
        const q = this.nonAsciiIdChar(p, false);
        if (q === p) break;
        p = q;
      } else break;
    }
    const quote = text.charCodeAt(p);
    if (quote === 34 || quote === 39 || quote === 96) {
      // `rb"..."`: the scanner takes any run of prefix letters before a quote as a prefix.
      let allPrefix = true;
      for (let i = pos; i < p; i++) if (!isPrefixLetter(text.charCodeAt(i))) allPrefix = false;
      if (allPrefix) {
        if (quote === 96) miss('backquote string');
        this.finishString(this.scanString(pos, p));
        return;
      }
    }
    if (p > this.limit) miss('token past the statement');
    this.kind = T_NAME;
    this.end = this.pos = p;
    this.value = text.slice(pos, p);
    this.keyword = isKeyword(this.value);
  }

  /** One non-ASCII identifier character at `p` (a code point); returns its end, or `p`. */
  private nonAsciiIdChar(p: number, start: boolean): number {
    const cp = this.text.codePointAt(p);
    if (cp === undefined || cp < 128) {
      if (start) miss('not an identifier');
      return p;
    }
    const ch = String.fromCodePoint(cp);
    if (!(start ? ID_START : ID_CONTINUE).test(ch)) {
      if (start) miss('unexpected character');
      return p;
    }
    return p + ch.length;
  }

  // tree-sitter-python's integer and float tokens (longest match, as its lexer does).
  private scanNumber(pos: number): void {
    const text = this.text;
    let p = pos;
    let isFloat = false;
    const c0 = text.charCodeAt(p);
    const c1 = text.charCodeAt(p + 1) | 0x20;
    if (c0 === 48 && (c1 === 120 || c1 === 111 || c1 === 98)) {
      // 0x / 0o / 0b: repeat1(/_?[digits]+/) then an optional L.
      const ok = c1 === 120 ? isHex : c1 === 111 ? (c: number) => c >= 48 && c <= 55 : (c: number) => c === 48 || c === 49;
      p += 2;
      let runs = 0;
      for (;;) {
        let q = p;
        if (text.charCodeAt(q) === 95) q++;
        if (!ok(text.charCodeAt(q))) break;
        while (ok(text.charCodeAt(q))) q++;
        p = q;
        runs++;
      }
      if (runs === 0) miss('number prefix without digits');
      if ((text.charCodeAt(p) | 0x20) === 108) p++;
    } else {
      const digits = (q: number): number => {
        // repeat1(/[0-9]+_?/); returns q unchanged when there is no digit.
        while (isDigit(text.charCodeAt(q))) {
          while (isDigit(text.charCodeAt(q))) q++;
          if (text.charCodeAt(q) === 95) q++;
        }
        return q;
      };
      p = digits(p);
      if (text.charCodeAt(p) === 46) {
        isFloat = true;
        p = digits(p + 1);
      }
      const e = text.charCodeAt(p) | 0x20;
      if (e === 101) {
        let q = p + 1;
        const s = text.charCodeAt(q);
        if (s === 43 || s === 45) q++;
        const r = digits(q);
        if (r > q) {
          isFloat = true;
          p = r;
        }
      }
      const suffix = text.charCodeAt(p) | 0x20;
      if (suffix === 106) p++; // j: complex (an integer token too)
      else if (!isFloat && suffix === 108) p++; // L: Python 2 long
    }
    if (p > this.limit) miss('token past the statement');
    this.kind = T_NUMBER;
    this.isFloat = isFloat;
    this.end = this.pos = p;
    this.value = '';
  }

  private scanOp(pos: number, c: number): void {
    const text = this.text;
    const d = text.charCodeAt(pos + 1);
    let len = 1;
    switch (c) {
      case 40: case 91: case 123: // ( [ {
        this.depth++;
        break;
      case 41: case 93: case 125: // ) ] }
        if (this.depth > 0) this.depth--;
        break;
      case 44: case 59: case 126: // , ; ~
        break;
      case 46: // . or ...
        if (d === 46 && text.charCodeAt(pos + 2) === 46) len = 3;
        break;
      case 58: // : :=
        if (d === 61) len = 2;
        break;
      case 42: // * ** *= **=
        if (d === 42) len = text.charCodeAt(pos + 2) === 61 ? 3 : 2;
        else if (d === 61) len = 2;
        break;
      case 47: // / // /= //=
        if (d === 47) len = text.charCodeAt(pos + 2) === 61 ? 3 : 2;
        else if (d === 61) len = 2;
        break;
      case 60: // < << <= <<= <>
        if (d === 60) len = text.charCodeAt(pos + 2) === 61 ? 3 : 2;
        else if (d === 61 || d === 62) len = 2;
        break;
      case 62: // > >> >= >>=
        if (d === 62) len = text.charCodeAt(pos + 2) === 61 ? 3 : 2;
        else if (d === 61) len = 2;
        break;
      case 45: // - -= ->
        if (d === 61 || d === 62) len = 2;
        break;
      case 43: case 37: case 38: case 124: case 94: case 64: case 61: // + % & | ^ @ =
        if (d === 61) len = 2;
        break;
      case 33: // !=
        if (d !== 61) miss('stray !');
        len = 2;
        break;
      default:
        miss('unexpected character');
    }
    if (pos + len > this.limit) miss('token past the statement');
    this.kind = T_OP;
    this.end = this.pos = pos + len;
    this.value = len === 1 ? text[pos] : text.slice(pos, pos + len);
  }

  /**
   * Scans a string literal whose prefix starts at `start` and whose first quote is at `quote`,
   * the way tree-sitter-python's external scanner does (content, escapes, interpolations).
   */
  private scanString(start: number, quote: number): StringToken {
    const text = this.text;
    let raw = false;
    let format = false;
    let isF = false;
    let bytes = false;
    for (let i = start; i < quote; i++) {
      const c = text.charCodeAt(i) | 0x20;
      if (c === 114) raw = true;
      else if (c === 102) format = isF = true;
      else if (c === 116) format = true; // t-strings scan like f-strings
      else if (c === 98) bytes = true;
    }
    const q = text.charCodeAt(quote);
    let p = quote + 1;
    let triple = false;
    if (text.charCodeAt(p) === q && text.charCodeAt(p + 1) === q) {
      triple = true;
      p += 2;
    }
    const limit = this.limit;
    const pieces: StringPiece[] = format ? [] : this.plainNone;
    let runStart = p;
    // The external scanner reads content in calls; a call that meets the closing quote before
    // any ordinary character (only raw backslash pairs, say) returns the string's end token,
    // which then swallows what the call read: r'\\' has no content node at all.
    let callStart = p;
    let callContent = false;
    for (;;) {
      if (p >= limit) miss('unterminated string');
      const c = text.charCodeAt(p);
      if (format && (c === 123 || c === 125)) {
        if (text.charCodeAt(p + 1) === c) {
          p += 2; // {{ or }}: literal text (kept as written, like lower.ts)
        } else {
          if (c === 125) miss('single } in f-string');
          if (p > runStart) pieces.push({ interp: false, start: runStart, end: p });
          const piece = this.scanInterpolation(p);
          pieces.push(piece);
          p = runStart = piece.end;
        }
        callStart = p;
        callContent = false;
        continue;
      }
      if (c === 92) {
        if (raw) p = this.rawEscape(p, q);
        else if (bytes && (text.charCodeAt(p + 1) | 0x20) === 117) {
          // \u, \U: plain text in bytes; the scanner steps over one more character.
          p += 3;
          callContent = true;
        } else if (bytes && text.charCodeAt(p + 1) === 78) {
          p += 3;
          callContent = true;
        } else {
          p = this.escape(p);
          callStart = p;
          callContent = false;
        }
        continue;
      }
      if (c === q) {
        if (!triple) return this.stringToken(start, p + 1, raw, isF, bytes, pieces, runStart, callContent ? p : callStart);
        if (text.charCodeAt(p + 1) === q && text.charCodeAt(p + 2) === q) {
          if (p + 3 > limit) miss('unterminated string');
          return this.stringToken(start, p + 3, raw, isF, bytes, pieces, runStart, callContent ? p : callStart);
        }
        // One or two quotes inside a triple-quoted string are content, and end a scanner call.
        p += text.charCodeAt(p + 1) === q ? 2 : 1;
        callStart = p;
        callContent = false;
        continue;
      }
      if ((c === 10 || c === 13) && !triple) miss('line break in a one-line string');
      if (c === 0) miss('NUL in a string'); // the end of input for tree-sitter's scanner
      p++;
      callContent = true;
    }
  }

  /** Ends a string: its last text piece runs from `runStart` to `contentEnd`. */
  private stringToken(start: number, end: number, raw: boolean, isF: boolean, bytes: boolean, pieces: StringPiece[], runStart: number, contentEnd: number): StringToken {
    if (pieces !== this.plainNone) {
      if (contentEnd > runStart) pieces.push({ interp: false, start: runStart, end: contentEnd });
      return { start, end, raw, isF, bytes, pieces };
    }
    // A plain string has at most one piece: the reused record `plain` holds it.
    const t = this.plain;
    t.start = start;
    t.end = end;
    t.raw = raw;
    t.isF = isF;
    t.bytes = bytes;
    if (contentEnd > runStart) {
      this.plainPiece.start = runStart;
      this.plainPiece.end = contentEnd;
      t.pieces = this.plainOne;
    } else t.pieces = this.plainNone;
    return t;
  }

  /** After a backslash in a raw string: the scanner steps over an escaped quote or backslash and a line break. */
  private rawEscape(p: number, q: number): number {
    const text = this.text;
    p++;
    const c = text.charCodeAt(p);
    if (c === q || c === 92) p++;
    const d = text.charCodeAt(p);
    if (d === 13) {
      p++;
      if (text.charCodeAt(p) === 10) p++;
    } else if (d === 10) p++;
    return p;
  }

  /** tree-sitter-python's escape_sequence token, or a lone backslash when none matches. */
  private escape(p: number): number {
    const text = this.text;
    const c = text.charCodeAt(p + 1);
    const hexRun = (from: number, n: number): boolean => {
      for (let i = 0; i < n; i++) if (!isHex(text.charCodeAt(from + i))) return false;
      return true;
    };
    if (c === 117 && hexRun(p + 2, 4)) return p + 6; // \uXXXX
    if (c === 85 && hexRun(p + 2, 8)) return p + 10; // \UXXXXXXXX
    if (c === 120 && hexRun(p + 2, 2)) return p + 4; // \xXX
    if (isDigit(c)) {
      let q = p + 2;
      while (q < p + 4 && isDigit(text.charCodeAt(q))) q++;
      return q;
    }
    if (c === 10) return p + 2;
    if (c === 13 && text.charCodeAt(p + 2) === 10) return p + 3;
    switch (c) {
      case 39: case 34: case 97: case 98: case 102: case 114: case 110: case 116: case 118: case 92:
        return p + 2;
      case 78: {
        // \N{NAME}: /N\{[^}]+\}/
        if (text.charCodeAt(p + 2) !== 123) return p + 1;
        const close = text.indexOf('}', p + 3);
        if (close < 0 || close === p + 3) return p + 1;
        return close + 1;
      }
      default:
        return p + 1; // a lone backslash; the next character is ordinary text
    }
  }

  /**
   * An f-string `{expr[=][!c][:spec]}` starting at `open`. The expression is lexed with this
   * lexer (so nested strings and brackets are skipped correctly); its text is parsed later.
   */
  private scanInterpolation(open: number): StringPiece {
    if (++this.interpolations > MAX_INTERPOLATION_NEST) miss('f-strings nested too deeply');
    const text = this.text;
    const saved = { pos: this.pos, depth: this.depth, kind: this.kind, start: this.start, end: this.end, value: this.value, keyword: this.keyword, str: this.str };
    this.pos = open + 1;
    this.depth = 1;
    let exprStart = -1;
    let exprEnd = -1;
    let formatted = false;
    const nested: StringPiece[] = [];
    let end = -1;
    for (;;) {
      if (this.depth === 1) {
        this.skipTrivia();
        const c = text.charCodeAt(this.pos);
        const d = text.charCodeAt(this.pos + 1);
        if (c === 125 || (c === 61 && d !== 61) || (c === 33 && d !== 61) || (c === 58 && d !== 61)) {
          if (exprStart < 0) miss('empty interpolation');
          if (c === 61) {
            // `{x=}`: the expression's text is shown; the value is still the expression.
            this.pos++;
            this.skipTrivia();
          }
          if (text.charCodeAt(this.pos) === 33) {
            const letter = text.charCodeAt(this.pos + 1);
            if (!(letter >= 97 && letter <= 122)) miss('bad conversion');
            formatted = true;
            this.pos += 2;
            this.skipTrivia();
          }
          if (text.charCodeAt(this.pos) === 58) {
            formatted = true;
            this.pos = this.scanFormatSpec(this.pos + 1, nested);
          }
          if (text.charCodeAt(this.pos) !== 125) miss('unexpected text in interpolation');
          end = this.pos + 1;
          break;
        }
      }
      this.next();
      if (this.kind === T_END) miss('unterminated interpolation');
      if (this.kind === T_NAME && this.depth === 1 && this.value === 'lambda') miss('lambda in interpolation');
      if (this.kind === T_OP && this.value === ':=' && this.depth === 1) miss('walrus in interpolation');
      if (exprStart < 0) exprStart = this.start;
      exprEnd = this.end;
    }
    Object.assign(this, saved);
    this.interpolations--;
    return { interp: true, start: open, end, exprStart, exprEnd, formatted, nested };
  }

  /** A format spec's text up to the closing `}`; `{...}` inside are nested interpolations. */
  private scanFormatSpec(p: number, nested: StringPiece[]): number {
    const text = this.text;
    for (;;) {
      if (p >= this.limit) miss('unterminated format spec');
      const c = text.charCodeAt(p);
      if (c === 125) return p;
      if (c === 10) miss('line break in format spec');
      if (c === 123) {
        const saved = { pos: this.pos, depth: this.depth };
        const piece = this.scanInterpolation(p);
        this.pos = saved.pos;
        this.depth = saved.depth;
        nested.push(piece);
        p = piece.end;
        continue;
      }
      p++;
    }
  }
}
