// Symbolic sizes: `ceil(H/2)`, `2*ceil(H/4)`, `H - 2`, `3*H*W`. A symbolic dimension is its
// canonical text (a branded string), so it is plain JSON, survives structured clone, prints as
// itself, and two provably-equal-by-normalisation sizes are `===`. Internally the text is parsed
// (and cached) into a normal form: a polynomial with integer coefficients over atoms, where an
// atom is a variable (H, W, H2, …) or `floor(N/c)` of a normalised polynomial N and a constant
// c ≥ 2. The normalisation (see floorDivPoly) is exact for every integer value of the variables.
import type { Dim, SymbolicDim, SymDim, Shape } from './types';

// ---------------------------------------------------------------------------------------------
// The expression language (a plain tree, for building and for the data view of a size).

/** A symbolic size expression, as written (not necessarily simplified). */
export type SymExpr =
  | { op: 'const'; value: number }
  | { op: 'var'; name: string }
  | { op: 'add'; terms: SymExpr[] }
  | { op: 'mul'; factors: SymExpr[] }
  | { op: 'floordiv'; arg: SymExpr; by: number }
  | { op: 'ceildiv'; arg: SymExpr; by: number };

/** Variable names: a capital letter, then letters, digits or `_` (H, W, D, L, H2, W_in). */
const VAR_NAME = /^[A-Z][A-Za-z0-9_]*$/;

export function isVariableName(name: string): boolean {
  return VAR_NAME.test(name);
}

class SymError extends Error {}

// ---------------------------------------------------------------------------------------------
// Normal form.

interface VarAtom {
  readonly v: string;
}
interface FloorAtom {
  readonly n: Poly;
  readonly d: number;
}
type Atom = VarAtom | FloorAtom;

interface Mono {
  readonly k: number;
  /** Sorted by atom key; repeated atoms are powers. Never empty. */
  readonly a: readonly Atom[];
  readonly key: string;
}

interface Poly {
  /** Sorted by key, merged, no zero coefficient. */
  readonly m: readonly Mono[];
  readonly c: number;
  readonly key: string;
}

function isVar(a: Atom): a is VarAtom {
  return 'v' in a;
}

const atomKeys = new WeakMap<object, string>();
function atomKey(a: Atom): string {
  let k = atomKeys.get(a);
  if (k === undefined) {
    k = isVar(a) ? a.v : `~${a.n.key}/${a.d}`; // '~' sorts after letters: variables print first
    atomKeys.set(a, k);
  }
  return k;
}

function checkInt(n: number): number {
  if (!Number.isSafeInteger(n)) throw new SymError('symbolic size too large for exact arithmetic');
  return n === 0 ? 0 : n; // never -0
}

function mono(k: number, atoms: readonly Atom[]): Mono {
  const a = [...atoms].sort((x, y) => cmp(atomKey(x), atomKey(y)));
  return { k: checkInt(k), a, key: a.map(atomKey).join('*') };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function poly(monos: readonly Mono[], c: number): Poly {
  const byKey = new Map<string, Mono>();
  for (const m of monos) {
    const prev = byKey.get(m.key);
    byKey.set(m.key, prev ? { k: checkInt(prev.k + m.k), a: prev.a, key: m.key } : m);
  }
  const m = [...byKey.values()].filter((x) => x.k !== 0).sort((x, y) => cmp(x.key, y.key));
  const cc = checkInt(c);
  return { m, c: cc, key: `${m.map((x) => `${x.k}${x.key}`).join('+')}|${cc}` };
}

const constP = (c: number): Poly => poly([], c);
const varP = (name: string): Poly => poly([mono(1, [{ v: name }])], 0);

function addP(p: Poly, q: Poly): Poly {
  return poly([...p.m, ...q.m], p.c + q.c);
}

function scaleP(p: Poly, k: number): Poly {
  if (k === 0) return constP(0);
  return poly(
    p.m.map((x) => ({ k: checkInt(x.k * k), a: x.a, key: x.key })),
    p.c * k,
  );
}

function subP(p: Poly, q: Poly): Poly {
  return addP(p, scaleP(q, -1));
}

function mulP(p: Poly, q: Poly): Poly {
  const out: Mono[] = [];
  for (const x of p.m) {
    for (const y of q.m) out.push(mono(x.k * y.k, [...x.a, ...y.a]));
    if (q.c !== 0) out.push({ k: checkInt(x.k * q.c), a: x.a, key: x.key });
  }
  if (p.c !== 0) for (const y of q.m) out.push({ k: checkInt(y.k * p.c), a: y.a, key: y.key });
  return poly(out, p.c * q.c);
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}

/** Exact floor division of safe integers. */
function fdiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  while (q * b > a) q--;
  while ((q + 1) * b <= a) q++;
  return q === 0 ? 0 : q;
}

function mod(a: number, b: number): number {
  return a - fdiv(a, b) * b;
}

/**
 * floor(N / c), c ≥ 1, in normal form. Rules (each exact for all integer values of the
 * variables):
 *   1. c = 1: N.
 *   2. Whole multiples leave: floor((c·q·X + r·X + k)/c) = q·X + floor((r·X + k mod c)/c) + k div c,
 *      so every coefficient inside ends in [1, c) and the constant in [0, c); nothing left → constant.
 *   3. A nested floor with coefficient 1 is absorbed: floor((floor(A/a) + B)/c) = floor((A + a·B)/(a·c)).
 *   4. A common factor g of c and every coefficient inside: floor((g·X + r)/(g·c')) = floor((X + r div g)/c').
 */
function floorDivP(N: Poly, c: number): Poly {
  if (!Number.isSafeInteger(c) || c < 1) throw new SymError(`cannot divide by ${c}`);
  if (c === 1) return N;
  // A numerator with products (3*H*W) is split only when c divides it exactly: a partial split
  // (floor((8*H*W + 1)/7) = H*W + floor((H*W + 1)/7)) is exact but unreadable.
  if (N.m.some((x) => x.a.length > 1) && N.m.some((x) => x.k % c !== 0)) {
    const g = N.m.reduce((acc, x) => gcd(acc, x.k), c);
    if (g > 1) return floorDivP(poly(N.m.map((x) => ({ k: x.k / g, a: x.a, key: x.key })), fdiv(N.c, g)), c / g);
    const nested = N.m.find((x) => x.k === 1 && x.a.length === 1 && !isVar(x.a[0]!));
    if (nested) {
      const f = nested.a[0] as FloorAtom;
      const rest = poly(N.m.filter((x) => x !== nested), N.c);
      return floorDivP(addP(f.n, scaleP(rest, f.d)), f.d * c);
    }
    return poly([mono(1, [{ n: N, d: c }])], 0);
  }
  const outside: Mono[] = [];
  const inside: Mono[] = [];
  for (const x of N.m) {
    const q = fdiv(x.k, c);
    const r = x.k - q * c;
    if (q !== 0) outside.push({ k: q, a: x.a, key: x.key });
    if (r !== 0) inside.push({ k: r, a: x.a, key: x.key });
  }
  const cq = fdiv(N.c, c);
  const cr = N.c - cq * c;
  const out = poly(outside, cq);
  if (inside.length === 0) return out; // floor(cr / c) = 0
  // 3. absorb a nested floor with coefficient 1
  const nested = inside.find((x) => x.k === 1 && x.a.length === 1 && !isVar(x.a[0]!));
  if (nested) {
    const f = nested.a[0] as FloorAtom;
    const rest = poly(
      inside.filter((x) => x !== nested),
      cr,
    );
    return addP(out, floorDivP(addP(f.n, scaleP(rest, f.d)), f.d * c));
  }
  // 4. common factor
  const g = inside.reduce((acc, x) => gcd(acc, x.k), c);
  if (g > 1) {
    const reduced = poly(
      inside.map((x) => ({ k: x.k / g, a: x.a, key: x.key })),
      fdiv(cr, g),
    );
    return addP(out, floorDivP(reduced, c / g));
  }
  const atom: FloorAtom = { n: poly(inside, cr), d: c };
  return addP(out, poly([mono(1, [atom])], 0));
}

function ceilDivP(N: Poly, c: number): Poly {
  return floorDivP(addP(N, constP(c - 1)), c);
}

function isConstP(p: Poly): boolean {
  return p.m.length === 0;
}

// ---------------------------------------------------------------------------------------------
// Printing (the canonical text) and parsing it back.

function formatP(p: Poly): string {
  const f = factorSeparable(p);
  if (f) {
    const head = f.c === 1 ? '' : f.c === -1 ? '-' : `${f.c}*`;
    return head + f.factors.map((x) => (isSumText(formatP(x)) ? `(${formatP(x)})` : formatP(x))).join('*');
  }
  return formatExpanded(p);
}

/** True when the text has a top-level + or - (so it needs parentheses as a factor). */
function isSumText(t: string): boolean {
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]!;
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && (ch === '+' || (ch === '-' && i > 0))) return true;
  }
  return t.startsWith('-');
}

/**
 * A product of sizes in different variables, as Flatten makes it ((ceil(H/2) - 1)·(ceil(W/2) - 1)·8),
 * factored back for printing: a constant and one factor per variable. Undefined when the size is
 * not such a product, or when factoring would not make it shorter (a single monomial).
 */
function factorSeparable(p: Poly): { c: number; factors: Poly[] } | undefined {
  if (p.m.length < 2) return undefined;
  const vars = new Set<string>();
  for (const x of p.m) {
    for (const a of x.a) {
      const v = atomVariable(a);
      if (v === undefined) return undefined;
      vars.add(v);
    }
  }
  const V = [...vars].sort();
  if (V.length < 2) return undefined;
  const factors: Poly[] = [];
  let rest = p;
  for (const v of V.slice(0, -1)) {
    const groups = new Map<string, { vPart: Atom[]; others: Mono[]; c: number }>();
    const put = (vPart: Atom[], others: Atom[], k: number): void => {
      const key = vPart.map(atomKey).sort().join('*');
      const g = groups.get(key) ?? { vPart, others: [], c: 0 };
      if (others.length === 0) g.c += k;
      else g.others.push(mono(k, others));
      groups.set(key, g);
    };
    for (const x of rest.m) put(x.a.filter((a) => atomVariable(a) === v), x.a.filter((a) => atomVariable(a) !== v), x.k);
    if (rest.c !== 0) put([], [], rest.c);
    const Rs = [...groups.values()].map((g) => ({ vPart: g.vPart, R: poly(g.others, g.c) }));
    const prim = primitive(Rs[0]!.R).p;
    if (isConstP(prim)) return undefined;
    let fv = constP(0);
    for (const { vPart, R } of Rs) {
      const alpha = ratio(R, prim);
      if (alpha === undefined) return undefined;
      fv = addP(fv, vPart.length === 0 ? constP(alpha) : poly([mono(alpha, vPart)], 0));
    }
    factors.push(fv);
    rest = prim;
  }
  factors.push(rest);
  let c = 1;
  const prims = factors.map((x) => {
    const { p: q, content } = primitive(x);
    c *= content;
    return q;
  });
  if (prims.some(isConstP) || prims.every((x) => x.m.length === 1 && x.c === 0)) return undefined;
  return { c, factors: prims };
}

/** p = content · q with q's coefficients coprime and its first monomial positive. */
function primitive(p: Poly): { p: Poly; content: number } {
  let g = p.m.reduce((acc, x) => gcd(acc, x.k), p.c);
  if (g === 0) return { p, content: 1 };
  const first = p.m[0]?.k ?? p.c;
  if (first < 0) g = -g;
  return { p: poly(p.m.map((x) => ({ k: x.k / g, a: x.a, key: x.key })), p.c / g), content: g };
}

/** The integer α with R = α·q, if there is one. */
function ratio(R: Poly, q: Poly): number | undefined {
  const lead = q.m[0];
  const rk = lead ? R.m.find((x) => x.key === lead.key)?.k : undefined;
  const alpha = lead ? (rk === undefined ? undefined : rk / lead.k) : q.c === 0 ? undefined : R.c / q.c;
  if (alpha === undefined || !Number.isInteger(alpha)) return undefined;
  return scaleP(q, alpha).key === R.key ? alpha : undefined;
}

function formatExpanded(p: Poly): string {
  // Higher degree first (H*W before H), a positive term first when there is one.
  const vars = (x: Mono): string => [...new Set(x.a.flatMap(atomVars))].sort().join(',');
  const monos = [...p.m].sort((x, y) => y.a.length - x.a.length || cmp(vars(x), vars(y)) || cmp(x.key, y.key));
  const firstPos = monos.findIndex((x) => x.k > 0);
  if (firstPos > 0) monos.unshift(...monos.splice(firstPos, 1));
  const parts: { neg: boolean; text: string }[] = monos.map((x) => ({ neg: x.k < 0, text: monoText(Math.abs(x.k), x.a) }));
  if (p.c !== 0 || parts.length === 0) parts.push({ neg: p.c < 0, text: String(Math.abs(p.c)) });
  return parts.map((t, i) => (i === 0 ? (t.neg ? `-${t.text}` : t.text) : `${t.neg ? ' - ' : ' + '}${t.text}`)).join('');
}

function atomVars(a: Atom): string[] {
  return isVar(a) ? [a.v] : a.n.m.flatMap((x) => x.a.flatMap(atomVars));
}

function monoText(k: number, atoms: readonly Atom[]): string {
  const a = atoms.map(atomText).join('*');
  return k === 1 ? a : `${k}*${a}`;
}

function atomText(a: Atom): string {
  if (isVar(a)) return a.v;
  if (hasProducts(a.n)) {
    // Not normalised into [0, d) (see floorDivP): printed as it is, factored where it can be.
    const t = formatP(a.n);
    return `floor(${isSumText(t) ? `(${t})` : t}/${a.d})`;
  }
  const r = a.n.c;
  const X = poly(a.n.m, 0);
  // floor((X + r)/d) = ceil((X + r - d + 1)/d): print the form with the smaller offset.
  const ceilOffset = r - a.d + 1;
  const useCeil = Math.abs(ceilOffset) < r;
  const off = useCeil ? ceilOffset : r;
  const inner = formatP(addP(X, constP(off)));
  return `${useCeil ? 'ceil' : 'floor'}(${isSumText(inner) ? `(${inner})` : inner}/${a.d})`;
}

type Tok = { t: 'int'; v: number } | { t: 'name'; v: string } | { t: 'op'; v: string };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === ' ') {
      i++;
    } else if (/[0-9]/.test(ch)) {
      let j = i;
      while (j < s.length && /[0-9]/.test(s[j]!)) j++;
      out.push({ t: 'int', v: checkInt(Number(s.slice(i, j))) });
      i = j;
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i;
      while (j < s.length && /[A-Za-z0-9_]/.test(s[j]!)) j++;
      out.push({ t: 'name', v: s.slice(i, j) });
      i = j;
    } else if ('+-*/()'.includes(ch)) {
      out.push({ t: 'op', v: ch });
      i++;
    } else {
      throw new SymError(`unexpected '${ch}' in a symbolic size`);
    }
  }
  return out;
}

/**
 * Parses a size expression: integers, variables, `+`, `-`, `*`, parentheses, and
 * `floor(X/c)` / `ceil(X/c)` with a positive integer c, where X is a product (a sum must be in
 * parentheses). Throws on anything else.
 */
export function parseExpr(text: string): SymExpr {
  const toks = tokenize(text);
  let i = 0;
  const peek = (): Tok | undefined => toks[i];
  const isOp = (v: string): boolean => {
    const t = peek();
    return t !== undefined && t.t === 'op' && t.v === v;
  };
  const expect = (v: string): void => {
    if (!isOp(v)) throw new SymError(`expected '${v}' in '${text}'`);
    i++;
  };
  const sum = (): SymExpr => {
    const terms: SymExpr[] = [];
    let neg = false;
    if (isOp('-')) {
      neg = true;
      i++;
    }
    terms.push(neg ? negate(prod()) : prod());
    while (isOp('+') || isOp('-')) {
      const minus = isOp('-');
      i++;
      const p = prod();
      terms.push(minus ? negate(p) : p);
    }
    return terms.length === 1 ? terms[0]! : { op: 'add', terms };
  };
  const prod = (): SymExpr => {
    const factors = [atom()];
    while (isOp('*')) {
      i++;
      factors.push(atom());
    }
    return factors.length === 1 ? factors[0]! : { op: 'mul', factors };
  };
  const atom = (): SymExpr => {
    const t = peek();
    if (t === undefined) throw new SymError(`unexpected end of '${text}'`);
    i++;
    if (t.t === 'int') return { op: 'const', value: t.v };
    if (t.t === 'op' && t.v === '(') {
      const e = sum();
      expect(')');
      return e;
    }
    if (t.t === 'name' && (t.v === 'floor' || t.v === 'ceil')) {
      expect('(');
      const arg = prod();
      expect('/');
      const d = peek();
      if (d === undefined || d.t !== 'int' || d.v < 1) throw new SymError(`'${t.v}' needs a positive integer divisor in '${text}'`);
      i++;
      expect(')');
      return { op: t.v === 'floor' ? 'floordiv' : 'ceildiv', arg, by: d.v };
    }
    if (t.t === 'name' && isVariableName(t.v)) return { op: 'var', name: t.v };
    throw new SymError(`unexpected '${t.v}' in '${text}'`);
  };
  const e = sum();
  if (i !== toks.length) throw new SymError(`unexpected '${String(toks[i]!.v)}' in '${text}'`);
  return e;
}

function negate(e: SymExpr): SymExpr {
  return { op: 'mul', factors: [{ op: 'const', value: -1 }, e] };
}

function exprToPoly(e: SymExpr): Poly {
  switch (e.op) {
    case 'const':
      return constP(checkInt(e.value));
    case 'var':
      if (!isVariableName(e.name)) throw new SymError(`'${e.name}' is not a size variable name`);
      return varP(e.name);
    case 'add':
      return e.terms.reduce((acc, t) => addP(acc, exprToPoly(t)), constP(0));
    case 'mul':
      return e.factors.reduce((acc, t) => mulP(acc, exprToPoly(t)), constP(1));
    case 'floordiv':
      return floorDivP(exprToPoly(e.arg), e.by);
    case 'ceildiv':
      return ceilDivP(exprToPoly(e.arg), e.by);
  }
}

// ---------------------------------------------------------------------------------------------
// The canonical form of the parts that depend on one variable only.
//
// A sum of single-atom terms in one variable v (c·v, c·floor(N/d) with N built from v alone) is
// a quasi-linear function f: f(v + P) = f(v) + K. Such a function is determined by f(0) and its
// increments Δ(j) = f(j + 1) - f(j), which are P-periodic; the canonical form is derived from
// those alone, so every way of writing the same function gives the same text:
//   1. K < 0: the form of -f, negated.
//   2. Δ constant: a·v + f(0).
//   3. Δ takes two values u < w: a·v + c·floor((m·v + r)/p) + f(0) with a = u, c = w - u, for the
//      first m (coprime to p, the least period of Δ), then r, that fits: floor(2*H/3), 16*ceil(H/16).
//   4. Otherwise, greedily: a = min Δ, then for each divisor d of p (ascending) and each residue
//      class j mod d, the largest multiple of floor((v + d - 1 - j)/d) (which steps up exactly
//      after v ≡ j mod d) that keeps the remaining increments ≥ 0: ceil(H/2) + ceil(H/4).
// Parts over several variables (products, floor((H + W)/2)) keep the normal form.

/** Sizes in one variable whose period exceeds this keep their normal form (exact, maybe not unique). */
export const CANON_PERIOD_MAX = 1 << 16;
const FIT_PERIOD_MAX = 64;

function atomVariable(a: Atom): string | undefined {
  if (isVar(a)) return a.v;
  let v: string | undefined;
  for (const x of a.n.m) {
    if (x.a.length !== 1) return undefined;
    const w = atomVariable(x.a[0]!);
    if (w === undefined || (v !== undefined && w !== v)) return undefined;
    v = w;
  }
  return v;
}

function canonicalP(p: Poly): Poly {
  const groups = new Map<string, Mono[]>();
  const rest: Mono[] = [];
  for (const x of p.m) {
    const v = x.a.length === 1 ? atomVariable(x.a[0]!) : undefined;
    if (v === undefined) rest.push(x);
    else groups.set(v, [...(groups.get(v) ?? []), x]);
  }
  if (groups.size === 0) return p;
  let out = poly(rest, p.c);
  for (const [v, monos] of groups) {
    const g = poly(monos, 0);
    out = addP(out, canonicalUnivariate(g, v) ?? g);
  }
  return out;
}

function canonicalUnivariate(g: Poly, v: string): Poly | undefined {
  const P = periodP(g);
  if (P === undefined || P > CANON_PERIOD_MAX) return undefined;
  const at = (x: number): number => evalP(g, { [v]: x });
  const f0 = at(0);
  const K = at(P) - f0;
  if (K < 0) {
    const neg = canonicalUnivariate(scaleP(g, -1), v);
    return neg === undefined ? undefined : scaleP(neg, -1);
  }
  const delta: number[] = [];
  let prev = f0;
  for (let j = 0; j < P; j++) {
    const next = at(j + 1);
    delta.push(next - prev);
    prev = next;
  }
  const p = divisorsOf(P).find((d) => delta.every((x, j) => x === delta[j % d])) ?? P;
  const D = delta.slice(0, p);
  const lo = Math.min(...D);
  const hi = Math.max(...D);
  const vP = varP(v);
  let out = addP(scaleP(vP, lo), constP(f0));
  if (lo === hi) return out;
  // 3. one floor term
  if (p <= FIT_PERIOD_MAX && D.every((x) => x === lo || x === hi)) {
    for (let m = 1; m < p; m++) {
      if (gcd(m, p) !== 1) continue;
      for (let r = 0; r < p; r++) {
        let fits = true;
        for (let j = 0; j < p && fits; j++) {
          const step = fdiv(m * (j + 1) + r, p) - fdiv(m * j + r, p);
          if ((step === 1) !== (D[j] === hi)) fits = false;
        }
        if (fits) return addP(out, scaleP(floorDivP(addP(scaleP(vP, m), constP(r)), p), hi - lo));
      }
    }
  }
  // 4. greedy over the divisors of p
  const rem = D.map((x) => x - lo);
  for (const d of divisorsOf(p)) {
    if (d === 1) continue;
    for (let j = 0; j < d; j++) {
      let c = Infinity;
      for (let i = j; i < p; i += d) c = Math.min(c, rem[i]!);
      if (c <= 0) continue;
      for (let i = j; i < p; i += d) rem[i] = rem[i]! - c;
      out = addP(out, scaleP(floorDivP(addP(vP, constP(d - 1 - j)), d), c));
    }
  }
  return out;
}

function divisorsOf(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

// The parse cache: canonical text → normal form. A cache only (bounded, cleared when full).
const CACHE_MAX = 20000;
const cache = new Map<string, Poly>();

function polyOf(d: SymDim | number): Poly {
  if (typeof d === 'number') return constP(checkInt(d));
  let p = cache.get(d);
  if (p === undefined) {
    p = exprToPoly(parseExpr(d));
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(d, p);
  }
  return p;
}

/** The Dim for a normal form: a number when constant, else the canonical text. */
function dimOf(p0: Poly): number | SymDim {
  const p = canonicalP(p0);
  if (isConstP(p)) return p.c;
  const text = formatP(p) as SymDim;
  if (!cache.has(text)) {
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(text, p);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// The public Dim-level API.

/** True for a symbolic size (as opposed to a number or null). */
export function isSymDim(d: unknown): d is SymDim {
  return typeof d === 'string';
}

/** A size variable: `symVar('H')`. Throws on a name that is not `[A-Z][A-Za-z0-9_]*`. */
export function symVar(name: string): SymDim {
  if (!isVariableName(name)) throw new Error(`'${name}' is not a size variable name (use e.g. H, W, D, L, H2)`);
  return name as SymDim;
}

/** Simplifies an expression to its canonical Dim (a number when it is constant). */
export function simplifyExpr(e: SymExpr): number | SymDim {
  return dimOf(exprToPoly(e));
}

/**
 * Reads a size as text: `65`, `None`, `ceil(H/2)`, `2*ceil(H/4)`, `H - 2`, `(H + 1)*W`; the
 * result is canonical. Throws on text that is not a size expression.
 */
export function parseDim(text: string): SymbolicDim {
  const t = text.trim();
  if (t === 'None' || t === 'null') return null;
  if (/^-?\d+$/.test(t)) return checkInt(Number(t));
  return simplifyExpr(parseExpr(t));
}

/** The canonical expression tree of a size (`ceildiv` where the text says `ceil`). */
export function dimExpr(d: number | SymDim): SymExpr {
  return polyExpr(polyOf(d));
}

function polyExpr(p: Poly): SymExpr {
  const terms: SymExpr[] = p.m.map((x) => {
    const factors: SymExpr[] = x.a.map(atomExpr);
    if (x.k !== 1) factors.unshift({ op: 'const', value: x.k });
    return factors.length === 1 ? factors[0]! : { op: 'mul', factors };
  });
  if (p.c !== 0 || terms.length === 0) terms.push({ op: 'const', value: p.c });
  return terms.length === 1 ? terms[0]! : { op: 'add', terms };
}

function hasProducts(p: Poly): boolean {
  return p.m.some((x) => x.a.length > 1);
}

function atomExpr(a: Atom): SymExpr {
  if (isVar(a)) return { op: 'var', name: a.v };
  if (hasProducts(a.n)) return { op: 'floordiv', arg: polyExpr(a.n), by: a.d };
  const r = a.n.c;
  const ceilOffset = r - a.d + 1;
  const useCeil = Math.abs(ceilOffset) < r;
  const arg = polyExpr(addP(poly(a.n.m, 0), constP(useCeil ? ceilOffset : r)));
  return { op: useCeil ? 'ceildiv' : 'floordiv', arg, by: a.d };
}

/** A size for people: `65`, `None`, `ceil(H/2)`, `2*ceil(H/4)`, `H - 2`. */
export function formatDim(d: SymbolicDim | undefined): string {
  if (d === null || d === undefined) return 'None';
  return String(d);
}

/** The JSON form of a size: a number, null, or the symbolic size's text. */
export function dimToJSON(d: SymbolicDim | undefined): number | string | null {
  return d === undefined ? null : d;
}

export function shapeToJSON(s: readonly SymbolicDim[] | null): (number | string | null)[] | null {
  return s === null ? null : s.map(dimToJSON);
}

/** The variables a size depends on, sorted. */
export function dimVariables(d: SymbolicDim | undefined): string[] {
  if (!isSymDim(d)) return [];
  const out = new Set<string>();
  const walk = (p: Poly): void => {
    for (const x of p.m) {
      for (const a of x.a) {
        if (isVar(a)) out.add(a.v);
        else walk(a.n);
      }
    }
  };
  walk(polyOf(d));
  return [...out].sort();
}

/**
 * The size for given variable values; null when the size is unknown or a variable it needs is
 * missing from `env`.
 */
export function evalDim(d: SymbolicDim | undefined, env: Readonly<Record<string, number>>): number | null {
  if (d === null || d === undefined) return null;
  if (typeof d === 'number') return d;
  try {
    return evalP(polyOf(d), env);
  } catch {
    return null;
  }
}

function evalP(p: Poly, env: Readonly<Record<string, number>>): number {
  let s = p.c;
  for (const x of p.m) {
    let t = x.k;
    for (const a of x.a) t = checkInt(t * evalAtom(a, env));
    s = checkInt(s + t);
  }
  return s;
}

function evalAtom(a: Atom, env: Readonly<Record<string, number>>): number {
  if (isVar(a)) {
    const v = env[a.v];
    if (v === undefined || !Number.isSafeInteger(v)) throw new SymError(`no value for ${a.v}`);
    return v;
  }
  return fdiv(evalP(a.n, env), a.d);
}

/** Evaluates an (unsimplified) expression tree directly, with exact integer semantics. */
export function evalExpr(e: SymExpr, env: Readonly<Record<string, number>>): number {
  switch (e.op) {
    case 'const':
      return e.value;
    case 'var': {
      const v = env[e.name];
      if (v === undefined) throw new Error(`no value for ${e.name}`);
      return v;
    }
    case 'add':
      return e.terms.reduce((s, t) => s + evalExpr(t, env), 0) + 0;
    case 'mul':
      return e.factors.reduce((s, t) => s * evalExpr(t, env), 1) + 0;
    case 'floordiv':
      return fdiv(evalExpr(e.arg, env), e.by);
    case 'ceildiv':
      return -fdiv(-evalExpr(e.arg, env), e.by) || 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Arithmetic on known-or-symbolic sizes (null is handled by the callers in dim.ts).

type Sized = number | SymDim;

function lift(f: () => Poly): Sized | null {
  try {
    return dimOf(f());
  } catch (e) {
    if (e instanceof SymError) return null;
    throw e;
  }
}

export function symAdd(a: Sized, b: Sized): Sized | null {
  return lift(() => addP(polyOf(a), polyOf(b)));
}

export function symSub(a: Sized, b: Sized): Sized | null {
  return lift(() => subP(polyOf(a), polyOf(b)));
}

export function symMul(a: Sized, b: Sized): Sized | null {
  return lift(() => mulP(polyOf(a), polyOf(b)));
}

/** floor(a / c) for a positive integer c. */
export function symFloorDiv(a: Sized, c: number): Sized | null {
  return lift(() => floorDivP(polyOf(a), c));
}

/** ceil(a / c) for a positive integer c. */
export function symCeilDiv(a: Sized, c: number): Sized | null {
  return lift(() => ceilDivP(polyOf(a), c));
}

/** a / c when c divides a for every value of the variables (every coefficient), else undefined. */
export function symExactDiv(a: Sized, c: number): Sized | undefined {
  if (c === 0) return undefined;
  const p = polyOf(a);
  if (p.c % c !== 0 || p.m.some((x) => x.k % c !== 0)) return undefined;
  return lift(() => poly(p.m.map((x) => ({ k: x.k / c, a: x.a, key: x.key })), p.c / c)) ?? undefined;
}

// ---------------------------------------------------------------------------------------------
// Reasoning over all positive values of the variables.

/**
 * Bounds of a size over all positive integer values of its variables (interval arithmetic:
 * sound, not always tight). `-Infinity`/`Infinity` where unbounded.
 */
export function dimBounds(d: number | SymDim): { lo: number; hi: number } {
  const [lo, hi] = boundsP(polyOf(d));
  return { lo, hi };
}

type Interval = [number, number];

function imul(x: Interval, y: Interval): Interval {
  const prods = [x[0] * y[0], x[0] * y[1], x[1] * y[0], x[1] * y[1]].map((v) => (Number.isNaN(v) ? 0 : v));
  return [Math.min(...prods), Math.max(...prods)];
}

function boundsP(p: Poly): Interval {
  let lo = p.c;
  let hi = p.c;
  for (const x of p.m) {
    let t: Interval = [x.k, x.k];
    for (const a of x.a) t = imul(t, boundsAtom(a));
    lo += t[0];
    hi += t[1];
  }
  return [Number.isNaN(lo) ? -Infinity : lo, Number.isNaN(hi) ? Infinity : hi];
}

function boundsAtom(a: Atom): Interval {
  if (isVar(a)) return [1, Infinity];
  const [lo, hi] = boundsP(a.n);
  return [Number.isFinite(lo) ? Math.floor(lo / a.d) : lo, Number.isFinite(hi) ? Math.floor(hi / a.d) : hi];
}

/**
 * The structure of a size in one variable whose atoms are all linear (no products of
 * variables): f(v + P) = f(v) + K for every integer v. Undefined when the size is not of that
 * form or the period would be very large.
 */
export function quasiLinear(d: number | SymDim): { variable: string | null; period: number; step: number } | undefined {
  const p = polyOf(d);
  const vars = dimVariables(typeof d === 'number' ? undefined : d);
  if (vars.length > 1) return undefined;
  const P = periodP(p);
  if (P === undefined) return undefined;
  const v = vars[0] ?? null;
  if (v === null) return { variable: null, period: 1, step: 0 };
  const step = evalP(p, { [v]: 1 + P }) - evalP(p, { [v]: 1 });
  return { variable: v, period: P, step };
}

const PERIOD_MAX = 1 << 20;

function periodP(p: Poly): number | undefined {
  return qlInfo(p)?.P;
}

/**
 * Period and step of a sum of single-atom terms: f(v + P) = f(v) + K. A floor(N/c) whose
 * numerator has period P_N and step K_N repeats after t = c / gcd(K_N, c) numerator periods,
 * stepping by t·K_N/c.
 */
function qlInfo(p: Poly): { P: number; K: number } | undefined {
  const parts: { k: number; P: number; K: number }[] = [];
  for (const x of p.m) {
    if (x.a.length !== 1) return undefined;
    const a = x.a[0]!;
    if (isVar(a)) {
      parts.push({ k: x.k, P: 1, K: 1 });
      continue;
    }
    const inner = qlInfo(a.n);
    if (inner === undefined) return undefined;
    const t = a.d / gcd(inner.K, a.d);
    parts.push({ k: x.k, P: inner.P * t, K: (t * inner.K) / a.d });
  }
  let P = 1;
  for (const q of parts) {
    P = lcm(P, q.P);
    if (P > PERIOD_MAX) return undefined;
  }
  const K = parts.reduce((acc, q) => acc + q.k * q.K * (P / q.P), 0);
  return Number.isSafeInteger(K) ? { P, K } : undefined;
}

/**
 * Whether two sizes are equal: true when provably equal for every value of the variables,
 * false when provably different for every positive value, undefined when it depends (or when
 * either is unknown).
 */
export function dimEquals(a: SymbolicDim | undefined, b: SymbolicDim | undefined): boolean | undefined {
  if (a === null || b === null || a === undefined || b === undefined) return undefined;
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return false;
  let diff: Poly;
  try {
    diff = subP(polyOf(a), polyOf(b));
  } catch {
    return undefined;
  }
  if (isConstP(diff)) return diff.c === 0;
  const [lo, hi] = boundsP(diff);
  if (lo > 0 || hi < 0) return false;
  const dd = dimOf(diff);
  const ql = quasiLinear(dd);
  // One evaluation per value of a period, on every comparison: up to a period of 2^16 (strides
  // of 1009 and 997 typed into one model gave a period of about 2^20, and seconds per layer).
  if (ql && ql.variable !== null && ql.period <= CANON_PERIOD_MAX) {
    const v = ql.variable;
    let zeros = 0;
    for (let h = 1; h <= ql.period; h++) {
      const x = evalP(diff, { [v]: h });
      if (ql.step === 0) {
        if (x === 0) zeros++;
      } else if ((-x) % ql.step === 0 && -x / ql.step >= 0) {
        zeros++;
      }
    }
    if (ql.step === 0 && zeros === ql.period) return true;
    if (zeros === 0) return false;
  }
  return undefined;
}

/** Whether `m` divides `a` for every value (true), for none (false), or it depends (undefined). */
export function dimDivisible(a: number | SymDim, m: number): boolean | undefined {
  if (m === 0) return false;
  if (typeof a === 'number') return a % m === 0;
  if (symExactDiv(a, m) !== undefined) return true;
  const ql = quasiLinear(a);
  if (ql && ql.variable !== null && ql.period * m <= PERIOD_MAX) {
    const p = polyOf(a);
    let hits = 0;
    const n = ql.period * Math.abs(m);
    for (let h = 1; h <= n; h++) if (mod(evalP(p, { [ql.variable]: h }), m) === 0) hits++;
    if (hits === n) return true;
    if (hits === 0) return false;
  }
  return undefined;
}

/** Whether a shape has a symbolic dimension. */
export function hasSymbolic(s: readonly SymbolicDim[] | null): boolean {
  return s !== null && s.some(isSymDim);
}

/** The shape with every symbolic dimension replaced by null (what Keras itself sees: None). */
export function eraseSymbols(s: readonly SymbolicDim[]): Shape {
  return s.map((d): Dim => (isSymDim(d) ? null : d));
}

/** The shape with its variables replaced by values (symbolic dims whose variables are all given become numbers). */
export function substituteShape(s: readonly SymbolicDim[], env: Readonly<Record<string, number>>): SymbolicDim[] {
  return s.map((d) => {
    if (!isSymDim(d)) return d;
    const v = evalDim(d, env);
    return v === null ? d : v;
  });
}

/** One symbol given to an Input's size. */
export interface AssignedSymbol {
  /** The variable: H, W, D, L (suffixed 2, 3, … when already taken). */
  name: string;
  /** Its axis in the full shape. */
  axis: number;
  /** The size the code wrote there (null for None). */
  literal: number | null;
}

/**
 * Symbols for an Input's spatial sizes (batch and channel axes are left alone): L for a rank-3
 * (batch, steps, channels) input, H and W for rank 4, D, H and W for rank 5, placed by
 * `dataFormat`. Only None sizes by default; with `literals: true` written sizes too (a shadow
 * pass, to name the sizes that work when a literal breaks a merge). Names in `taken` are avoided
 * with one suffix for the whole Input: H2 and W2 for a second image input.
 */
export function assignSymbols(
  shape: readonly SymbolicDim[],
  opts: {
    dataFormat: 'channels_last' | 'channels_first';
    /** Names already given (a Set, or the caller's map of them). */
    taken?: { has(name: string): boolean };
    literals?: boolean;
    /**
     * Where to start looking for a free suffix, per list of names, kept by a caller whose `taken`
     * only grows (the suffixes below the last one found stay taken): 10,000 Inputs made in a loop
     * otherwise try every suffix below theirs, seconds in all.
     */
    suffixFrom?: Map<string, number>;
  },
): { shape: SymbolicDim[]; symbols: AssignedSymbol[] } {
  const rank = shape.length;
  const names = rank === 3 ? ['L'] : rank === 4 ? ['H', 'W'] : rank === 5 ? ['D', 'H', 'W'] : [];
  const first = opts.dataFormat === 'channels_first' ? 2 : 1;
  const taken = opts.taken ?? new Set<string>();
  // Suffix k: none for 1, then 2, 3, ...
  const key = names.join(' ');
  let k = opts.suffixFrom?.get(key) ?? 1;
  while (names.some((n) => taken.has(n + (k === 1 ? '' : String(k))))) k++;
  opts.suffixFrom?.set(key, k);
  const suffix = k === 1 ? '' : String(k);
  const out = [...shape];
  const symbols: AssignedSymbol[] = [];
  names.forEach((n, i) => {
    const axis = first + i;
    const d = shape[axis];
    if (d === null || (opts.literals === true && typeof d === 'number')) {
      const name = n + suffix;
      out[axis] = symVar(name);
      symbols.push({ name, axis, literal: typeof d === 'number' ? d : null });
    }
  });
  return { shape: out, symbols };
}

/**
 * The shape with every symbolic size in canonical form (`ceil(ceil(H/2)/2)` → `ceil(H/4)`); text
 * that is not a size expression becomes null (unknown). Shapes without symbols are returned as is.
 */
export function canonicalShape(s: readonly SymbolicDim[]): SymbolicDim[] {
  if (!s.some(isSymDim)) return s as SymbolicDim[];
  return s.map((d) => {
    if (!isSymDim(d)) return d;
    try {
      return parseDim(d);
    } catch {
      return null;
    }
  });
}
