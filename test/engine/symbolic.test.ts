// The symbolic size algebra (sym.ts): canonical simplification, printing and parsing, equality
// verdicts, bounds. The simplifier's identities are checked by property tests: for random
// expression trees and random values of the variables, the simplified size evaluates exactly like
// the tree as written, and its text reads back as the same size.
import { describe, expect, it } from 'vitest';
import {
  assignSymbols,
  dimBounds,
  dimEquals,
  dimExpr,
  dimVariables,
  evalDim,
  evalExpr,
  formatDim,
  parseDim,
  parseExpr,
  simplifyExpr,
  symVar,
  type SymExpr,
} from '../../server/src/engine/index';
import { CANON_PERIOD_MAX, quasiLinear } from '../../server/src/engine/sym';
import { fc, runs } from './fc-config';

const H: SymExpr = { op: 'var', name: 'H' };
const W: SymExpr = { op: 'var', name: 'W' };
const k = (value: number): SymExpr => ({ op: 'const', value });
const add = (...terms: SymExpr[]): SymExpr => ({ op: 'add', terms });
const mul = (...factors: SymExpr[]): SymExpr => ({ op: 'mul', factors });
const fdiv = (arg: SymExpr, by: number): SymExpr => ({ op: 'floordiv', arg, by });
const cdiv = (arg: SymExpr, by: number): SymExpr => ({ op: 'ceildiv', arg, by });
const s = (e: SymExpr): string | number => simplifyExpr(e);

describe('simplification', () => {
  it('the identities of the issue', () => {
    expect(s(cdiv(cdiv(H, 2), 2))).toBe('ceil(H/4)');
    expect(s(add(fdiv(add(H, k(-1)), 1), k(1)))).toBe('H');
    expect(s(cdiv(H, 1))).toBe('H');
    expect(s(mul(k(2), mul(H, k(1))))).toBe('2*H');
    expect(s(add(add(H, k(1)), k(-1)))).toBe('H');
  });

  it('constant folding; a size that simplifies to a constant is a number', () => {
    expect(s(add(k(3), mul(k(4), k(2))))).toBe(11);
    expect(s(add(H, mul(k(-1), H)))).toBe(0);
    expect(s(fdiv(k(7), 2))).toBe(3);
    expect(s(cdiv(k(7), 2))).toBe(4);
    expect(s(fdiv(k(-7), 2))).toBe(-4);
    expect(s(mul(H, k(0)))).toBe(0);
    expect(parseDim('2*3 + 1')).toBe(7);
  });

  it('whole multiples leave a division; common factors cancel; nested divisions merge', () => {
    expect(s(fdiv(add(mul(k(2), H), k(1)), 2))).toBe('H');
    expect(s(fdiv(add(mul(k(6), H), k(4)), 4))).toBe('H + floor(H/2) + 1');
    expect(s(fdiv(mul(k(4), H), 6))).toBe('floor(2*H/3)');
    expect(s(fdiv(fdiv(H, 2), 3))).toBe('floor(H/6)');
    expect(s(fdiv(add(fdiv(H, 2), W), 3))).toBe('floor((H + 2*W)/6)');
    expect(s(cdiv(cdiv(cdiv(cdiv(H, 2), 2), 2), 2))).toBe('ceil(H/16)');
    expect(s(mul(k(16), cdiv(H, 16)))).toBe('16*ceil(H/16)');
  });

  it("Keras' window formulas come out short", () => {
    // 'valid' k=3 s=1: floor((H - 3)/1) + 1
    expect(s(add(fdiv(add(H, k(-3)), 1), k(1)))).toBe('H - 2');
    // 'valid' k=3 s=2: floor((H - 3)/2) + 1 = ceil(H/2) - 1
    expect(s(add(fdiv(add(H, k(-3)), 2), k(1)))).toBe('ceil(H/2) - 1');
    // 'valid' pool 2 s=2: floor((H - 2)/2) + 1 = floor(H/2)
    expect(s(add(fdiv(add(H, k(-2)), 2), k(1)))).toBe('floor(H/2)');
    // transposed 'valid' k=3 s=2: (H - 1)·2 + 3
    expect(s(add(mul(add(H, k(-1)), k(2)), k(3)))).toBe('2*H + 1');
  });

  it('products of sizes (Flatten): canonical monomials, printed factored per variable', () => {
    expect(s(mul(cdiv(H, 2), cdiv(W, 2), k(64)))).toBe('64*ceil(H/2)*ceil(W/2)');
    expect(s(mul(W, H))).toBe('H*W');
    expect(s(mul(add(H, k(1)), add(W, k(-1))))).toBe('(H + 1)*(W - 1)');
    expect(s(mul(k(8), add(cdiv(H, 2), k(-1)), add(cdiv(W, 2), k(-1))))).toBe('8*(ceil(H/2) - 1)*(ceil(W/2) - 1)');
    expect(s(add(mul(H, W), k(1)))).toBe('H*W + 1');
    expect(s(mul(k(-2), add(H, k(1)), add(W, k(1))))).toBe('-2*(H + 1)*(W + 1)');
    expect(s(fdiv(mul(k(8), add(H, k(-1)), W), 7))).toBe('floor(8*(H - 1)*W/7)');
    expect(s(mul(H, H, k(3)))).toBe('3*H*H');
  });

  it('prints the division with the smaller offset, ceil or floor', () => {
    expect(parseDim('floor((H + 3)/4)')).toBe('ceil(H/4)');
    expect(parseDim('floor((H + 2)/4)')).toBe('ceil((H - 1)/4)');
    expect(parseDim('floor((H + 1)/4)')).toBe('floor((H + 1)/4)');
    expect(parseDim('floor((H + 5)/8)')).toBe('ceil((H - 2)/8)');
    expect(parseDim('ceil((H - 3)/4)')).toBe('floor(H/4)');
    expect(parseDim('ceil(H/2) - 1')).toBe('ceil(H/2) - 1');
  });
});

describe('formatting', () => {
  it('numbers, None and symbolic sizes', () => {
    expect(formatDim(65)).toBe('65');
    expect(formatDim(null)).toBe('None');
    expect(formatDim(undefined)).toBe('None');
    expect(formatDim(parseDim('ceil(H/2)'))).toBe('ceil(H/2)');
    expect(formatDim(parseDim('2 * ceil(H / 4)'))).toBe('2*ceil(H/4)');
    expect(formatDim(parseDim('H-2'))).toBe('H - 2');
    expect(formatDim(parseDim('floor((H - 3)/2) + 1'))).toBe('ceil(H/2) - 1');
    expect(formatDim(parseDim('-H + 5'))).toBe('-H + 5');
    expect(formatDim(parseDim('None'))).toBe('None');
  });

  it('a symbolic size is its text: JSON, String() and === work as for any string', () => {
    const d = parseDim('ceil(ceil(H/2)/2)');
    expect(JSON.stringify([null, d, 3])).toBe('[null,"ceil(H/4)",3]');
    expect(String(d)).toBe('ceil(H/4)');
    expect(d).toBe(parseDim('ceil(H/4)'));
    expect(structuredClone({ d })).toEqual({ d: 'ceil(H/4)' });
  });

  it('the expression tree of a canonical size', () => {
    expect(dimExpr(parseDim('2*ceil(H/4)') as string as never)).toEqual(mul(k(2), cdiv(H, 4)));
    expect(dimExpr(parseDim('H - 2') as never)).toEqual(add(H, k(-2)));
    expect(dimExpr(7)).toEqual(k(7));
  });

  it('rejects what is not a size expression', () => {
    expect(() => parseExpr('H +')).toThrow();
    expect(() => parseExpr('floor(H + 1/2)')).toThrow();
    expect(() => parseExpr('ceil(H/0)')).toThrow();
    expect(() => parseExpr('h')).toThrow();
    expect(() => parseExpr('H ** 2')).toThrow();
    expect(() => symVar('height')).toThrow();
    expect(symVar('H2')).toBe('H2');
  });
});

describe('evaluation, variables, bounds', () => {
  it('evalDim with exact floor semantics', () => {
    const d = parseDim('ceil(H/2) - 1');
    expect(evalDim(d, { H: 65 })).toBe(32);
    expect(evalDim(d, { H: 64 })).toBe(31);
    expect(evalDim(parseDim('64*ceil(H/2)*ceil(W/2)'), { H: 65, W: 64 })).toBe(64 * 33 * 32);
    expect(evalDim(parseDim('floor(H/2)'), { H: -3 })).toBe(-2);
    expect(evalDim(d, {})).toBeNull();
    expect(evalDim(null, { H: 1 })).toBeNull();
    expect(evalDim(5, {})).toBe(5);
  });

  it('dimVariables', () => {
    expect(dimVariables(parseDim('floor((H + 2*W)/6) + D'))).toEqual(['D', 'H', 'W']);
    expect(dimVariables(5)).toEqual([]);
    expect(dimVariables(null)).toEqual([]);
  });

  it('bounds over positive sizes', () => {
    expect(dimBounds(parseDim('H - 2') as never)).toEqual({ lo: -1, hi: Infinity });
    expect(dimBounds(parseDim('ceil(H/16)') as never)).toEqual({ lo: 1, hi: Infinity });
    expect(dimBounds(parseDim('16*ceil(H/16) - H') as never).lo).toBeLessThanOrEqual(0);
  });
});

describe('dimEquals', () => {
  const p = parseDim;
  it('true when provably equal, false when different for every positive size, else undefined', () => {
    expect(dimEquals(p('ceil(ceil(H/2)/2)'), p('ceil(H/4)'))).toBe(true);
    expect(dimEquals(p('floor(H/2) + ceil(H/2)'), p('H'))).toBe(true); // not structural: by periodicity
    expect(dimEquals(p('H + 1'), p('H'))).toBe(false);
    expect(dimEquals(p('2*H'), p('2*H + 1'))).toBe(false);
    expect(dimEquals(p('2*floor(H/2)'), p('2*floor(H/2) + 1'))).toBe(false);
    expect(dimEquals(p('2*ceil(H/2)'), p('H'))).toBeUndefined();
    expect(dimEquals(p('16*ceil(H/16)'), p('H'))).toBeUndefined();
    expect(dimEquals(p('ceil(H/2)'), 0)).toBe(false);
    expect(dimEquals(p('ceil(H/2)'), 1)).toBeUndefined();
    expect(dimEquals(p('2*H'), 3)).toBe(false); // 2H is never 3: by periodicity
    expect(dimEquals(p('H*W'), p('H'))).toBeUndefined();
    expect(dimEquals(p('H'), p('W'))).toBeUndefined();
    expect(dimEquals(null, p('H'))).toBeUndefined();
    expect(dimEquals(3, 3)).toBe(true);
    expect(dimEquals(3, 4)).toBe(false);
  });
});

describe('assignSymbols', () => {
  it('H and W for images (by data format), L for sequences, D/H/W for volumes; suffixes when taken', () => {
    expect(assignSymbols([null, null, null, 3], { dataFormat: 'channels_last' })).toEqual({
      shape: [null, 'H', 'W', 3],
      symbols: [
        { name: 'H', axis: 1, literal: null },
        { name: 'W', axis: 2, literal: null },
      ],
    });
    expect(assignSymbols([null, 3, null, null], { dataFormat: 'channels_first' }).shape).toEqual([null, 3, 'H', 'W']);
    expect(assignSymbols([null, null, 16], { dataFormat: 'channels_last' }).shape).toEqual([null, 'L', 16]);
    expect(assignSymbols([null, null, null, null, 1], { dataFormat: 'channels_last' }).shape).toEqual([null, 'D', 'H', 'W', 1]);
    expect(assignSymbols([null, 64, null, 3], { dataFormat: 'channels_last', taken: new Set(['H', 'W']) }).shape).toEqual([null, 64, 'W2', 3]);
    expect(assignSymbols([null, 65, 65, 3], { dataFormat: 'channels_last', literals: true }).symbols).toEqual([
      { name: 'H', axis: 1, literal: 65 },
      { name: 'W', axis: 2, literal: 65 },
    ]);
    expect(assignSymbols([null, 10], { dataFormat: 'channels_last' }).shape).toEqual([null, 10]);
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests.

const exprArb: fc.Arbitrary<SymExpr> = fc.letrec<{ e: SymExpr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: fc.constantFrom(H, W) },
    { weight: 2, arbitrary: fc.integer({ min: -9, max: 9 }).map(k) },
    { weight: 2, arbitrary: fc.array(tie('e'), { minLength: 1, maxLength: 3 }).map((terms) => add(...terms)) },
    { weight: 1, arbitrary: fc.tuple(tie('e'), fc.integer({ min: -4, max: 6 })).map(([e, c]) => mul(k(c), e)) },
    { weight: 1, arbitrary: fc.tuple(tie('e'), tie('e')).map(([a, b]) => mul(a, b)) },
    { weight: 2, arbitrary: fc.tuple(tie('e'), fc.integer({ min: 1, max: 8 })).map(([e, c]) => fdiv(e, c)) },
    { weight: 2, arbitrary: fc.tuple(tie('e'), fc.integer({ min: 1, max: 8 })).map(([e, c]) => cdiv(e, c)) },
  ),
})).e;

const envArb = fc.record({ H: fc.integer({ min: -40, max: 300 }), W: fc.integer({ min: -40, max: 300 }) });

function tryEval(e: SymExpr, env: Record<string, number>): number | undefined {
  const v = evalExpr(e, env);
  return Number.isSafeInteger(v) && Math.abs(v) < 2 ** 40 ? v : undefined;
}

describe('simplification is exact (property tests)', () => {
  it('the simplified size evaluates like the expression as written, for every integer value', () => {
    fc.assert(
      fc.property(exprArb, fc.array(envArb, { minLength: 8, maxLength: 8 }), (e, envs) => {
        const d = simplifyExpr(e);
        for (const env of envs) {
          const want = tryEval(e, env);
          if (want === undefined) continue;
          expect(evalDim(d, env)).toBe(want);
        }
      }),
      runs(600, 1),
    );
  });

  it('the text reads back as the same size (canonical round trip)', () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        const d = simplifyExpr(e);
        expect(parseDim(formatDim(d))).toBe(d);
        if (typeof d === 'string') expect(simplifyExpr(dimExpr(d as never))).toBe(d);
      }),
      runs(600, 2),
    );
  });

  // Where the canonical form is complete: sums of parts in one variable each (quasi-linear:
  // multiples, nested floor/ceil divisions), and polynomials. (A division over several variables,
  // floor((H + W)/2), keeps its normal form, which is exact but not always unique.)
  const ql = (name: string): fc.Arbitrary<SymExpr> =>
    fc.letrec<{ e: SymExpr }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        { weight: 3, arbitrary: fc.constant<SymExpr>({ op: 'var', name }) },
        { weight: 2, arbitrary: fc.integer({ min: -9, max: 9 }).map(k) },
        { weight: 2, arbitrary: fc.array(tie('e'), { minLength: 1, maxLength: 3 }).map((terms) => add(...terms)) },
        { weight: 1, arbitrary: fc.tuple(tie('e'), fc.integer({ min: -4, max: 6 })).map(([e, c]) => mul(k(c), e)) },
        { weight: 2, arbitrary: fc.tuple(tie('e'), fc.integer({ min: 1, max: 8 })).map(([e, c]) => fdiv(e, c)) },
        { weight: 2, arbitrary: fc.tuple(tie('e'), fc.integer({ min: 1, max: 8 })).map(([e, c]) => cdiv(e, c)) },
      ),
    })).e;
  const separable = fc.tuple(ql('H'), ql('W')).map(([a, b]) => add(a, b));
  const polynomial = fc.letrec<{ e: SymExpr }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small' },
      { weight: 3, arbitrary: fc.constantFrom(H, W) },
      { weight: 2, arbitrary: fc.integer({ min: -9, max: 9 }).map(k) },
      { weight: 2, arbitrary: fc.array(tie('e'), { minLength: 1, maxLength: 3 }).map((terms) => add(...terms)) },
      { weight: 2, arbitrary: fc.tuple(tie('e'), tie('e')).map(([a, b]) => mul(a, b)) },
    ),
  })).e;

  it('equal by algebra compares equal structurally (one variable): commutativity, associativity, nested divisions, Hermite', () => {
    fc.assert(
      fc.property(ql('H'), ql('H'), ql('H'), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), (a, b, c, x, y) => {
        // Canonical up to a period of CANON_PERIOD_MAX (beyond: exact but not necessarily unique).
        const period = (e: SymExpr): number => {
          const d = simplifyExpr(e);
          return typeof d === 'number' ? 1 : (quasiLinear(d)?.period ?? Infinity);
        };
        if ([a, b, c].some((e) => period(e) * x * y > CANON_PERIOD_MAX)) return;
        expect(s(add(a, b))).toBe(s(add(b, a)));
        expect(s(add(add(a, b), c))).toBe(s(add(a, add(b, c))));
        expect(s(mul(k(x), add(a, b)))).toBe(s(add(mul(k(x), a), mul(k(x), b))));
        expect(s(fdiv(fdiv(a, x), y))).toBe(s(fdiv(a, x * y)));
        expect(s(cdiv(cdiv(a, x), y))).toBe(s(cdiv(a, x * y)));
        expect(s(add(fdiv(add(a, mul(k(x), b)), x), mul(k(-1), b)))).toBe(s(fdiv(a, x)));
        expect(s(cdiv(a, x))).toBe(s(fdiv(add(a, k(x - 1)), x)));
        // Hermite: floor(a/x) + floor((a+1)/x) + ... + floor((a+x-1)/x) = a
        expect(s(add(...Array.from({ length: x }, (_, i) => fdiv(add(a, k(i)), x))))).toBe(s(a));
      }),
      runs(400, 3),
    );
  });

  it('equal by algebra compares equal structurally (separable sums, polynomials)', () => {
    fc.assert(
      fc.property(separable, separable, fc.integer({ min: 1, max: 6 }), (a, b, x) => {
        expect(s(add(a, b))).toBe(s(add(b, a)));
        expect(s(mul(k(x), add(a, b)))).toBe(s(add(mul(k(x), b), mul(k(x), a))));
        expect(s(add(fdiv(add(a, mul(k(x), b)), x), mul(k(-1), b)))).toBe(s(fdiv(a, x)));
      }),
      runs(300, 5),
    );
    fc.assert(
      fc.property(polynomial, polynomial, polynomial, (a, b, c) => {
        expect(s(mul(a, b))).toBe(s(mul(b, a)));
        expect(s(mul(mul(a, b), c))).toBe(s(mul(a, mul(b, c))));
        expect(s(mul(add(a, b), c))).toBe(s(add(mul(a, c), mul(b, c))));
      }),
      runs(300, 6),
    );
  });

  it('dimEquals is sound: true only when equal and false only when different, at every positive size tried', () => {
    const small = fc.letrec<{ e: SymExpr }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small' },
        { weight: 3, arbitrary: fc.constant(H) },
        { weight: 2, arbitrary: fc.integer({ min: -6, max: 6 }).map(k) },
        { weight: 2, arbitrary: fc.array(tie('e'), { minLength: 1, maxLength: 3 }).map((terms) => add(...terms)) },
        { weight: 1, arbitrary: fc.tuple(tie('e'), fc.integer({ min: -3, max: 4 })).map(([e, c]) => mul(k(c), e)) },
        { weight: 2, arbitrary: fc.tuple(tie('e'), fc.integer({ min: 1, max: 6 })).map(([e, c]) => fdiv(e, c)) },
        { weight: 2, arbitrary: fc.tuple(tie('e'), fc.integer({ min: 1, max: 6 })).map(([e, c]) => cdiv(e, c)) },
      ),
    })).e;
    fc.assert(
      fc.property(small, small, (a, b) => {
        const verdict = dimEquals(simplifyExpr(a), simplifyExpr(b));
        if (verdict === undefined) return;
        for (let h = 1; h <= 400; h++) {
          const x = evalExpr(a, { H: h });
          const y = evalExpr(b, { H: h });
          if (verdict) expect(x).toBe(y);
          else expect(x).not.toBe(y);
        }
      }),
      runs(600, 4),
    );
  });
});
