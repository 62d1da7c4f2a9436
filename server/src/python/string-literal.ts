// String literal values for the fast lowering path, computed from the tokenizer's pieces
// exactly as lower.ts computes them from tree-sitter's string nodes (same escapes, same
// treatment of f-string interpolations and implicit concatenation).
import type { Expr, Span } from './ast';
import type { StringPiece, StringToken } from './tokenize';

/** Lowers one interpolation's expression (the parser). */
export interface InterpolationLowerer {
  interpolation(piece: Extract<StringPiece, { interp: true }>): Expr;
}

/** One string literal, as lower.ts's `string()`. */
export function stringValue(text: string, s: StringToken, lowerer: InterpolationLowerer): Expr {
  const span: Span = { start: s.start, end: s.end };
  if (s.bytes) return { t: 'unknown', why: 'a bytes literal', span };
  const parts: (string | Expr)[] = [];
  let buf = '';
  for (const p of s.pieces) {
    if (!p.interp) {
      const src = text.slice(p.start, p.end);
      buf += s.raw ? src : unescape(src);
    } else {
      if (buf) parts.push(buf);
      buf = '';
      parts.push(lowerer.interpolation(p));
    }
  }
  if (!s.isF || parts.length === 0) return { t: 'str', value: buf, span };
  if (buf) parts.push(buf);
  return { t: 'fstr', parts, span };
}

/** Adjacent literals (`"a" "b"`), as lower.ts's `concatenated_string` case. */
export function concatenatedValue(parts: Expr[], span: Span): Expr {
  if (parts.every((p) => p.t === 'str' && p.value !== null)) {
    return { t: 'str', value: parts.map((p) => (p.t === 'str' ? p.value : '')).join(''), span };
  }
  const fparts: (string | Expr)[] = [];
  for (const p of parts) {
    if (p.t === 'fstr') fparts.push(...p.parts);
    else if (p.t === 'str' && p.value !== null) fparts.push(p.value);
    else return { t: 'str', value: null, span };
  }
  return { t: 'fstr', parts: fparts, span };
}

// A copy of lower.ts's unescape (not exported there); the differential tests compare both paths
// on escapes of every kind.
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|\n|.)/g, (m, e: string) => {
    if (e === '\n') return '';
    if (e[0] === 'x' || e[0] === 'u' || e[0] === 'U') {
      const cp = Number.parseInt(e.slice(1), 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ESCAPES[e] ?? m;
  });
}
