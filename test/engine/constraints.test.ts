// The constraint solver (constraints.ts): the sizes of one variable for which a condition holds
// (multiples, residues, ranges, finite lists, none), exact for quasi-linear sizes; intersections;
// the nearest sizes that work around a literal; the input-size-constraint message and the hint a
// literal shape-mismatch can carry.
import { describe, expect, it } from 'vitest';
import {
  combineSolutions,
  constraintHolds,
  evalExpr,
  inputSizeConstraintMessage,
  nearestSizes,
  nearestValid,
  parseDim,
  simplifyExpr,
  sizesThatWorkHint,
  solutionHas,
  SolveBudget,
  solveConstraint,
  withHint,
  withLiteral,
  type SizeConstraint,
  type SymExpr,
} from '../../server/src/engine/index';
import { fc, runs } from './fc-config';

const eq = (a: string | number, b: string | number): SizeConstraint => ({
  kind: 'equal',
  a: typeof a === 'string' ? parseDim(a) : a,
  b: typeof b === 'string' ? parseDim(b) : b,
  description: 'test',
});
const atLeast = (a: string, b: number): SizeConstraint => ({ kind: 'atLeast', a: parseDim(a), b, description: 'test' });
const divisible = (a: string, b: number): SizeConstraint => ({ kind: 'divisible', a: parseDim(a), b, description: 'test' });
const solve = (c: SizeConstraint) => solveConstraint(c).variables[0]!;

describe('solveConstraint', () => {
  it('multiples: 16*ceil(H/16) = H', () => {
    expect(solve(eq('16*ceil(H/16)', 'H'))).toEqual({
      variable: 'H',
      modulus: 16,
      residues: [0],
      from: 1,
      also: [],
      min: 16,
      exact: true,
      text: 'H must be a multiple of 16',
    });
    expect(solveConstraint(eq('16*ceil(H/16)', 'H'))).toMatchObject({ satisfiable: true, always: false, variablesInvolved: ['H'] });
  });

  it('residues: 4*floor(H/4) + 1 = H is H ≡ 1 (mod 4); several residues are listed with ranges', () => {
    expect(solve(eq('4*floor(H/4) + 1', 'H'))).toMatchObject({ modulus: 4, residues: [1], min: 1, text: 'H must be ≡ 1 (mod 4)' });
    expect(solve(eq('2*ceil(H/16)', 'ceil(H/8)')).text).toBe('H mod 16 must be 0 or 9–15');
    expect(solve(eq('2*ceil(H/2)', 'ceil(H/2) + floor(H/2)')).text).toBe('H must be even');
    expect(solve(divisible('H + 1', 3)).text).toBe('H must be ≡ 2 (mod 3)');
    expect(solve(eq('3*ceil(H/3)', '3*floor(H/3)')).text).toBe('H must be a multiple of 3');
    expect(solve(eq('ceil(H/3)', 'floor(H/3)')).text).toBe('H must be a multiple of 3');
    expect(solve(eq('2*ceil(H/4)', 'ceil(H/2)')).text).toBe('H mod 4 must be 0 or 3');
    expect(solve(eq('ceil(H/2)', 'floor(H/2)')).text).toBe('H must be even');
    expect(solve(eq('2*floor(H/2)', 'H - 1')).text).toBe('H must be odd');
    expect(solve(eq('3*floor(H/3)', 'H')).text).toBe('H must be a multiple of 3');
    expect(solve(atLeast('3*floor(H/3) - H', 0)).text).toBe('H must be a multiple of 3');
    expect(solve(atLeast('H - 3*floor(H/3)', 1)).text).toBe('H must not be a multiple of 3');
  });

  it('ranges, finite lists and none', () => {
    expect(solve(atLeast('H - 4', 1))).toMatchObject({ modulus: 1, residues: [0], from: 5, min: 5, text: 'H must be at least 5' });
    expect(solve(atLeast('ceil(H/4)', 5)).text).toBe('H must be at least 17');
    expect(solve(eq('ceil(H/2)', 3))).toMatchObject({ residues: [], also: [5, 6], text: 'H must be 5 or 6' });
    expect(solve(eq('H + 2', '2*H - 1')).text).toBe('H must be 3');
    expect(solve(eq('H + 1', 'H'))).toMatchObject({ min: null, text: 'no size of H works' });
    expect(solveConstraint(eq('H + 1', 'H')).satisfiable).toBe(false);
    expect(solveConstraint(atLeast('H', 1))).toMatchObject({ always: true, text: '' });
    expect(solveConstraint(atLeast('2*H - 1', 1)).always).toBe(true);
  });

  it('a periodic set with a threshold', () => {
    const s = combineSolutions([solve(eq('16*ceil(H/16)', 'H')), solve(atLeast('H', 20))]);
    expect(s).toMatchObject({ modulus: 16, residues: [0], min: 32, exact: true, text: 'H must be a multiple of 16 and at least 32' });
  });

  it('intersections: multiples of 16 and of 8 are multiples of 16; of 4 and of 6, of 12', () => {
    const m = (n: number) => solve(eq(`${n}*ceil(H/${n})`, 'H'));
    expect(combineSolutions([m(16), m(8)]).text).toBe('H must be a multiple of 16');
    expect(combineSolutions([m(4), m(6)]).text).toBe('H must be a multiple of 12');
    expect(combineSolutions([m(4), solve(eq('4*floor(H/4) + 1', 'H'))]).text).toBe('no size of H works');
    expect(() => combineSolutions([m(4), solve(eq('W', '2*floor(W/2)'))])).toThrow();
  });

  it('conditions on several variables are stated jointly', () => {
    const s = solveConstraint(eq('3*H*W', 12288));
    expect(s).toMatchObject({ variables: [], joint: '3*H*W must equal 12288', satisfiable: undefined, variablesInvolved: ['H', 'W'] });
    expect(nearestValid(s, 65, { variable: 'H', env: { W: 64 } })).toEqual({ variable: 'H', value: 65, works: false, below: 64, above: null });
    expect(nearestValid(s, 65, { variable: 'H' })).toEqual({ variable: 'H', value: 65, works: true, below: null, above: null });
  });

  it('Dense: sizes that must be fixed', () => {
    const s = solveConstraint({ kind: 'fixed', a: parseDim('64*ceil(H/2)*ceil(W/2)'), b: null, description: 'test' });
    expect(s.text).toBe('H and W must be fixed sizes (written as numbers in the Input)');
    expect(s.variables.map((v) => v.fixed)).toEqual([true, true]);
  });

  it('a condition that is not quasi-linear is searched (1..4096), not proven', () => {
    const s = solve(eq('ceil(H/2)*ceil(H/2)', 16));
    expect(s).toMatchObject({ also: [7, 8], residues: [], exact: false, text: 'H must be 7 or 8' });
  });
});

describe('nearest sizes that work', () => {
  it('65 → 64 and 80 for multiples of 16; a working size gives itself as works', () => {
    const c = eq('16*ceil(H/16)', 'H');
    expect(nearestValid(c, 65)).toEqual({ variable: 'H', value: 65, works: false, below: 64, above: 80 });
    expect(nearestValid(solveConstraint(c), 64)).toMatchObject({ works: true, below: 48, above: 80 });
    expect(nearestValid(solve(c), 8)).toMatchObject({ works: false, below: null, above: 16 });
    expect(nearestValid(solve(atLeast('H - 4', 1)), 3)).toMatchObject({ below: null, above: 5 });
    expect(nearestValid(solve(eq('ceil(H/2)', 3)), 9)).toMatchObject({ below: 6, above: null });
  });

  it('nearestSizes intersects every condition per variable at the literal sizes, and the hint names them', () => {
    const cs = [eq('2*ceil(H/16)', 'ceil(H/8)'), eq('16*ceil(H/16)', 'H'), eq('16*ceil(W/16)', 'W'), atLeast('H', 3)];
    const n = nearestSizes(cs, { H: 65, W: 65 });
    expect(n).toEqual([
      { variable: 'H', value: 65, works: false, below: 64, above: 80 },
      { variable: 'W', value: 65, works: false, below: 64, above: 80 },
    ]);
    expect(sizesThatWorkHint(n)).toBe('Sizes that work: 64 or 80 (for H and W).');
    expect(sizesThatWorkHint(n, (v) => (v === 'H' ? 'the height' : 'the width'))).toBe('Sizes that work: 64 or 80 (for the height and the width).');
    expect(sizesThatWorkHint(nearestSizes(cs, { H: 64, W: 65 }))).toBe('Sizes that work: 64 or 80 (for W).');
    expect(sizesThatWorkHint(nearestSizes(cs, { H: 64, W: 64 }))).toBeUndefined();
  });

  it('a size typed huge is placed from the solution, not by trying every size below it', () => {
    expect(nearestValid(solve(eq('16*ceil(H/16)', 'H')), 10 ** 12)).toEqual({ variable: 'H', value: 10 ** 12, works: true, below: 10 ** 12 - 16, above: 10 ** 12 + 16 });
    // Nothing works: 2*ceil(H/2) is at most H + 1.
    const none = solve(eq('2*ceil(H/2)', 'H + 2'));
    expect(none.text).toBe('no size of H works');
    expect(nearestValid(none, 10 ** 12)).toEqual({ variable: 'H', value: 10 ** 12, works: false, below: null, above: null });
  });

  it('a condition too costly to solve exactly is searched, and nearestSizes names no sizes when its budget cannot pay even that', () => {
    // Strides of 1009 and 997 on one axis: a period of 1009 × 997, about 2^20.
    const c = eq('1009*ceil(H/1009)', '997*ceil(H/997)');
    const s = solve(c);
    expect(s.exact).toBe(false);
    // Multiples of 1,005,973 work: past the searched range, so nothing is claimed beyond it.
    expect(s.text).toBe('no size of H up to 4096 works');
    expect(nearestSizes([c], { H: 65_000 })).toEqual([{ variable: 'H', value: 65_000, works: false, below: null, above: null }]);
    expect(nearestSizes([c], { H: 65_000 }, new SolveBudget(10_000))).toEqual([]);
  });

  it('withLiteral evaluates a condition at literal sizes', () => {
    expect(withLiteral(eq('16*ceil(H/16)', 'H'), { H: 65 })).toMatchObject({ holds: false, a: 80, b: 65 });
    expect(withLiteral(eq('16*ceil(H/16)', 'H'), {})).toMatchObject({ holds: undefined, a: null, b: null });
    expect(constraintHolds(divisible('3*H*W', 7), { H: 7, W: 1 })).toBe(true);
  });
});

describe('the input-size-constraint message', () => {
  const site = (constraint: SizeConstraint, layer = 'Concatenate', where = 'line 41') => ({ constraint, layer, where });

  it('one sentence per reason, conditions intersected per variable, with an example that breaks', () => {
    expect(inputSizeConstraintMessage([site(eq('2*ceil(H/2)', 'H')), site(eq('2*ceil(W/2)', 'W'))])).toBe(
      'H and W must be even for the skip connections to line up: 65 gives 66 vs 65 at Concatenate, line 41.',
    );
    expect(
      inputSizeConstraintMessage([
        site(atLeast('H', 3), 'Conv2D', 'line 12'),
        site(eq('16*ceil(H/16)', 'H'), 'Concatenate', 'line 41'),
        site(eq('4*ceil(W/4)', 'W'), 'Add', 'line 44'),
      ]),
    ).toBe(
      "H must be at least 3 for every 'valid' window and crop to leave an output: 2 gives 2, less than 3 at Conv2D, line 12. " +
        'H must be a multiple of 16, and W must be a multiple of 4 for the skip connections to line up: 65 gives 80 vs 65 at Concatenate, line 41.',
    );
  });

  it('Reshape and Dense', () => {
    expect(inputSizeConstraintMessage([site(divisible('3*H', 7), 'Reshape', 'line 9')].map((s) => ({ ...s, constraint: { ...s.constraint, argument: 'target_shape' } })))).toBe(
      "H must be a multiple of 7 for Reshape's target_shape to fit: 64 gives 192, not a multiple of 7 at Reshape, line 9.",
    );
    expect(inputSizeConstraintMessage([site({ kind: 'fixed', a: parseDim('3*H*W'), b: null, description: 'd' }, 'Dense', 'line 50')])).toBe(
      'H and W must be fixed sizes (written as numbers in the Input) because Dense needs a fixed number of input features (Dense, line 50).',
    );
  });

  it('a given example size; nothing to say when every size works', () => {
    expect(inputSizeConstraintMessage([site(eq('16*ceil(H/16)', 'H'))], { example: 100 })).toBe(
      'H must be a multiple of 16 for the skip connections to line up: 100 gives 112 vs 100 at Concatenate, line 41.',
    );
    expect(inputSizeConstraintMessage([site(atLeast('2*H', 2))])).toBeUndefined();
    expect(inputSizeConstraintMessage([])).toBeUndefined();
  });

  it('withHint appends a sentence to a finding once', () => {
    const f = { code: 'shape-mismatch' as const, message: 'Concatenate cannot combine its inputs.', inputs: [0, 1] };
    const g = withHint(f, 'Sizes that work: 64 or 80 (for H and W)');
    expect(g).toEqual({ ...f, message: 'Concatenate cannot combine its inputs. Sizes that work: 64 or 80 (for H and W).' });
    expect(withHint(g, 'Sizes that work: 64 or 80 (for H and W).')).toBe(g);
    expect(withHint(f, undefined)).toBe(f);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: the described set is exactly where the condition holds.

const qlArb: fc.Arbitrary<SymExpr> = fc.letrec<{ e: SymExpr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small' },
    { weight: 3, arbitrary: fc.constant<SymExpr>({ op: 'var', name: 'H' }) },
    { weight: 2, arbitrary: fc.integer({ min: -8, max: 8 }).map((value): SymExpr => ({ op: 'const', value })) },
    { weight: 2, arbitrary: fc.array(tie('e'), { minLength: 1, maxLength: 3 }).map((terms): SymExpr => ({ op: 'add', terms })) },
    { weight: 1, arbitrary: fc.tuple(tie('e'), fc.integer({ min: -3, max: 4 })).map(([e, c]): SymExpr => ({ op: 'mul', factors: [{ op: 'const', value: c }, e] })) },
    { weight: 2, arbitrary: fc.tuple(tie('e'), fc.integer({ min: 1, max: 8 })).map(([arg, by]): SymExpr => ({ op: 'floordiv', arg, by })) },
    { weight: 2, arbitrary: fc.tuple(tie('e'), fc.integer({ min: 1, max: 8 })).map(([arg, by]): SymExpr => ({ op: 'ceildiv', arg, by })) },
  ),
})).e;

describe('solutions are exact (property)', () => {
  it('for quasi-linear sizes in H: member ⇔ the condition holds, for H in 1..600; nearest values are the nearest', () => {
    fc.assert(
      fc.property(qlArb, qlArb, fc.constantFrom<SizeConstraint['kind']>('equal', 'atLeast', 'divisible'), fc.integer({ min: 1, max: 9 }), (x, y, kind, m) => {
        const a = simplifyExpr(x);
        const b = kind === 'divisible' ? m : simplifyExpr(y);
        const c: SizeConstraint = { kind, a, b, description: 'p' };
        const sol = solveConstraint(c);
        if (sol.variables.length === 0) return;
        const v = sol.variables[0]!;
        expect(v.exact).toBe(true);
        const holds = (h: number): boolean => {
          const av = evalExpr(x, { H: h });
          const bv = kind === 'divisible' ? m : evalExpr(y, { H: h });
          return kind === 'equal' ? av === bv : kind === 'atLeast' ? av >= bv : av % bv === 0;
        };
        for (let h = 1; h <= 600; h++) if (solutionHas(v, h) !== holds(h)) expect([h, solutionHas(v, h)]).toEqual([h, holds(h)]);
        expect(v.min).toBe(Array.from({ length: 600 }, (_, i) => i + 1).find(holds) ?? v.min);
        const n = nearestValid(v, 300);
        if (n.below !== null) {
          expect(holds(n.below)).toBe(true);
          for (let h = n.below + 1; h < 300; h++) expect(holds(h)).toBe(false);
        }
        if (n.above !== null && n.above <= 1000) {
          expect(holds(n.above)).toBe(true);
          for (let h = 301; h < n.above; h++) expect(holds(h)).toBe(false);
        }
      }),
      runs(500, 11),
    );
  });
});
