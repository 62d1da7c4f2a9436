// Layers applied to symbolic sizes: each family's Keras rule carried exactly (ceil(H/2),
// H - 2, 2*H, H + 2, ...), pads known only where they do not depend on the size (stride 1),
// no finding that would need the size's value, and SizeConstraints where sizes must agree. A
// property test checks that every symbolic result, evaluated at a size, is what the engine
// computes for that size, and that a constraint fails exactly where the numeric engine reports.
import { describe, expect, it } from 'vitest';
import {
  applyLayer,
  constraintHolds,
  evalDim,
  inputSizeConstraintMessage,
  solveConstraint,
  type LayerResult,
  type PyValue,
  type SizeConstraint,
  type SymbolicDim,
  type SymbolicShape,
} from '../../server/src/engine/index';
import { LAST, codes, finding, py } from './helpers';
import { fc, runs } from './fc-config';

const H = 'H' as SymbolicDim;
const W = 'W' as SymbolicDim;

function sym(className: string, args: Record<string, unknown>, ...inputs: (SymbolicShape | null)[]): LayerResult<SymbolicDim> {
  const pyArgs: Record<string, PyValue> = {};
  for (const [k, v] of Object.entries(args)) pyArgs[k] = py(v);
  return applyLayer({ className, args: pyArgs }, inputs, LAST);
}

const img: SymbolicShape = [null, H, W, 3];

describe('forward windows', () => {
  it("'same' with stride: ceil(H/s); pads unknown (they depend on H mod s); no finding needing the size", () => {
    const r = sym('Conv2D', { filters: 8, kernel_size: 3, strides: 2, padding: 'same' }, img);
    expect(r.output).toEqual([null, 'ceil(H/2)', 'ceil(W/2)', 8]);
    expect(r.padding).toEqual({ mode: 'same', before: [null, null], after: [null, null] });
    expect(r.findings).toEqual([]);
    expect(r.constraints).toBeUndefined();
    expect(r.axes[0]).toMatchObject({ input: 'H', output: 'ceil(H/2)', formula: 'ceil(H / 2) = ceil(H/2)' });
    expect(r.axes[0]!.paddingFormula).toContain('depends on H mod 2');
    expect(r.steps).toContain('Output shape (None, ceil(H/2), ceil(W/2), 8).');
    expect(r.unknownReason).toBeUndefined();
  });

  it("'same' with stride 1: the size is kept and the pads are known (spec §1.4), so the asymmetric-pad finding still holds", () => {
    const r = sym('Conv2D', { filters: 8, kernel_size: 2, padding: 'same' }, img);
    expect(r.output).toEqual([null, 'H', 'W', 8]);
    expect(r.padding).toEqual({ mode: 'same', before: [0, 0], after: [1, 1] });
    expect(codes(r)).toEqual(['same-asymmetric-padding']);
  });

  it("'valid': floor((H - ke)/s) + 1, and a condition H ≥ ke", () => {
    const r = sym('Conv2D', { filters: 8, kernel_size: 3 }, img);
    expect(r.output).toEqual([null, 'H - 2', 'W - 2', 8]);
    expect(r.findings).toEqual([]);
    expect(r.constraints).toEqual([
      expect.objectContaining({ kind: 'atLeast', a: 'H', b: 3, axis: 1, argument: 'padding' }),
      expect.objectContaining({ kind: 'atLeast', a: 'W', b: 3, axis: 2 }),
    ]);
    expect(solveConstraint(r.constraints![0]!).text).toBe('H must be at least 3');
    const s2 = sym('Conv2D', { filters: 8, kernel_size: 3, strides: 2 }, img);
    expect(s2.output).toEqual([null, 'ceil(H/2) - 1', 'ceil(W/2) - 1', 8]);
    const dil = sym('Conv1D', { filters: 4, kernel_size: 3, dilation_rate: 2 }, [null, 'L' as SymbolicDim, 16]);
    expect(dil.output).toEqual([null, 'L - 4', 4]);
    expect(dil.constraints![0]).toMatchObject({ a: 'L', b: 5 });
  });

  it('no condition when the window fits every size (2*H ≥ 2)', () => {
    const r = sym('Conv1D', { filters: 4, kernel_size: 2 }, [null, '2*H' as SymbolicDim, 16]);
    expect(r.output).toEqual([null, '2*H - 1', 4]);
    expect(r.constraints).toBeUndefined();
  });

  it('pooling: MaxPooling2D() halves with floor, AveragePooling same rounds up; causal Conv1D', () => {
    const m = sym('MaxPooling2D', {}, img);
    expect(m.output).toEqual([null, 'floor(H/2)', 'floor(W/2)', 3]);
    expect(m.constraints?.map((c) => c.b)).toEqual([2, 2]);
    expect(sym('AveragePooling2D', { pool_size: 3, strides: 2, padding: 'same' }, img).output).toEqual([null, 'ceil(H/2)', 'ceil(W/2)', 3]);
    const c = sym('Conv1D', { filters: 4, kernel_size: 3, padding: 'causal' }, [null, 'L' as SymbolicDim, 2]);
    expect(c.output).toEqual([null, 'L', 4]);
    expect(c.padding).toEqual({ mode: 'causal', before: [2], after: [0] });
  });

  it('global pooling and channels pass through', () => {
    expect(sym('GlobalAveragePooling2D', {}, [null, 'ceil(H/4)' as SymbolicDim, W, 64]).output).toEqual([null, 64]);
    expect(sym('DepthwiseConv2D', { kernel_size: 3, padding: 'same', depth_multiplier: 2 }, img).output).toEqual([null, 'H', 'W', 6]);
  });
});

describe('transposed convolutions', () => {
  it("'same': H·s (same-transpose-upsamples says so with the symbol); 'valid': (H - 1)·s + max(ke, s)", () => {
    const r = sym('Conv2DTranspose', { filters: 4, kernel_size: 2, strides: 2, padding: 'same' }, [null, 'ceil(H/16)' as SymbolicDim, W, 8]);
    expect(r.output).toEqual([null, '2*ceil(H/16)', '2*W', 4]);
    expect(r.padding).toEqual({ mode: 'same', before: [0, 0], after: [0, 0], crop: true });
    expect(finding(r, 'same-transpose-upsamples')!.message).toContain('height ceil(H/16) → ceil(H/16)·2 = 2*ceil(H/16)');
    expect(sym('Conv2DTranspose', { filters: 4, kernel_size: 3, strides: 2 }, img).output).toEqual([null, '2*H + 1', '2*W + 1', 4]);
    const op = sym('Conv1DTranspose', { filters: 4, kernel_size: 3, strides: 2, padding: 'same', output_padding: 1 }, [null, 'L' as SymbolicDim, 8]);
    expect(op.output).toEqual([null, '2*L', 4]);
    expect(codes(op)).toEqual(['same-asymmetric-padding', 'same-transpose-upsamples']); // crops do not depend on L
  });

  it('an even kernel with output_padding=0 still fails for every size (closed form, no guess)', () => {
    const r = sym('Conv1DTranspose', { filters: 4, kernel_size: 2, strides: 2, padding: 'same', output_padding: 0 }, [null, 'L' as SymbolicDim, 8]);
    expect(finding(r, 'invalid-layer-argument')!.message).toContain('even effective kernel 2 with output_padding=0');
  });

  it('a compound size is parenthesised in formulas', () => {
    const r = sym('Conv1DTranspose', { filters: 4, kernel_size: 2, strides: 2, padding: 'same' }, [null, 'L - 2' as SymbolicDim, 8]);
    expect(r.axes[0]!.formula).toBe('(L - 2)·2 = 2*L - 4');
  });
});

describe('padding, cropping, upsampling', () => {
  it('ZeroPadding: H + a + b; UpSampling: H·size; Cropping: H - a - b with a condition H ≥ a + b + 1', () => {
    expect(sym('ZeroPadding2D', { padding: [[1, 2], [0, 1]] }, img).output).toEqual([null, 'H + 3', 'W + 1', 3]);
    expect(sym('UpSampling2D', { size: [2, 3] }, img).output).toEqual([null, '2*H', '3*W', 3]);
    const c = sym('Cropping2D', { cropping: [[1, 2], [0, 0]] }, img);
    expect(c.output).toEqual([null, 'H - 3', 'W', 3]);
    expect(c.constraints).toEqual([expect.objectContaining({ kind: 'atLeast', a: 'H', b: 4, argument: 'cropping' })]);
    expect(c.findings).toEqual([]);
    expect(sym('Cropping1D', { cropping: [1, 1] }, [null, '2*L + 2' as SymbolicDim, 3]).constraints).toBeUndefined();
  });
});

describe('core layers', () => {
  it('Flatten multiplies the sizes; Dense after it needs them fixed', () => {
    const f = sym('Flatten', {}, [null, 'ceil(H/2)' as SymbolicDim, 'ceil(W/2)' as SymbolicDim, 64]);
    expect(f.output).toEqual([null, '64*ceil(H/2)*ceil(W/2)']);
    const d = sym('Dense', { units: 10 }, f.output);
    expect(d.output).toEqual([null, 10]);
    expect(d.torch).toBe('nn.Linear(64*ceil(H/2)*ceil(W/2), 10)');
    expect(d.constraints).toEqual([expect.objectContaining({ kind: 'fixed', a: '64*ceil(H/2)*ceil(W/2)', b: null, axis: 1 })]);
    expect(solveConstraint(d.constraints![0]!).text).toBe('H and W must be fixed sizes (written as numbers in the Input)');
    expect(sym('Dense', { units: 10 }, [null, H, 16]).constraints).toBeUndefined();
  });

  it('Reshape: an exact -1 needs nothing; an inexact one a divisibility condition; a fixed target an equality', () => {
    expect(sym('Reshape', { target_shape: [-1, 64] }, [null, H, W, 64]).output).toEqual([null, 'H*W', 64]);
    const div = sym('Reshape', { target_shape: [-1, 7] }, [null, H, W, 3]);
    expect(div.output).toEqual([null, 'floor(3*H*W/7)', 7]);
    expect(div.constraints).toEqual([expect.objectContaining({ kind: 'divisible', a: '3*H*W', b: 7, argument: 'target_shape' })]);
    const one = sym('Reshape', { target_shape: [-1, 7] }, [null, H, 3]);
    expect(solveConstraint(one.constraints![0]!).text).toBe('H must be a multiple of 7');
    const eq = sym('Reshape', { target_shape: [16, 16, 3] }, [null, H, W, 3]);
    expect(eq.output).toEqual([null, 16, 16, 3]);
    expect(eq.constraints).toEqual([expect.objectContaining({ kind: 'equal', a: '3*H*W', b: 768 })]);
    expect(solveConstraint(eq.constraints![0]!).joint).toBe('3*H*W must equal 768');
  });

  it('Reshape that can never fit is reported as before (never a multiple: 2*H into 3s)', () => {
    const r = sym('Reshape', { target_shape: [-1, 2] }, [null, '2*H + 1' as SymbolicDim]);
    expect(finding(r, 'invalid-layer-argument')!.message).toContain('2*H + 1 values per sample are not a multiple of 2');
  });

  it('Permute and RepeatVector move the symbols', () => {
    expect(sym('Permute', { dims: [2, 1, 3] }, img).output).toEqual([null, 'W', 'H', 3]);
    expect(sym('RepeatVector', { n: 3 }, [null, H]).output).toEqual([null, 3, 'H']);
  });
});

describe('merges', () => {
  it('Concatenate: the axis sizes add up; other axes that agree for some sizes give an equality condition', () => {
    const r = sym('Concatenate', {}, [null, '2*ceil(H/2)' as SymbolicDim, W, 8], [null, H, W, 4]);
    expect(r.output).toEqual([null, '2*ceil(H/2)', 'W', 12]);
    expect(r.findings).toEqual([]);
    expect(r.constraints).toEqual([
      {
        kind: 'equal',
        a: '2*ceil(H/2)',
        b: 'H',
        axis: 1,
        inputs: [0, 1],
        description: 'Concatenate(axis=-1) needs axis 1 to agree: 2*ceil(H/2) (input 0) = H (input 1)',
      },
    ]);
    expect(sym('Concatenate', { axis: 1 }, [null, H, 3], [null, '2*H' as SymbolicDim, 3]).output).toEqual([null, '3*H', 3]);
  });

  it('sizes that can never agree are a shape-mismatch, with the symbols', () => {
    const r = sym('Concatenate', {}, [null, 'H + 1' as SymbolicDim, W, 8], [null, H, W, 4]);
    expect(r.output).toBeNull();
    expect(finding(r, 'shape-mismatch')!.message).toContain('on axis 1 input 0 has H + 1 while input 1 has H');
    expect(finding(r, 'shape-mismatch')!.message).toContain('(shapes (None, H + 1, W, 8) and (None, H, W, 4))');
    expect(r.constraints).toBeUndefined();
  });

  it('equal by simplification: no condition', () => {
    const r = sym('Add', {}, [null, 'ceil(ceil(H/2)/2)' as SymbolicDim, 8], [null, 'ceil(H/4)' as SymbolicDim, 8]);
    expect(r.output).toEqual([null, 'ceil(H/4)', 8]);
    expect(r.constraints).toBeUndefined();
  });

  it('elementwise merges: an equality condition; against a known size the result is that size', () => {
    const r = sym('Add', {}, [null, 'ceil(H/16)' as SymbolicDim, 8], [null, 4, 8]);
    expect(r.output).toEqual([null, 4, 8]);
    expect(r.constraints).toEqual([expect.objectContaining({ kind: 'equal', a: 'ceil(H/16)', b: 4, axis: 1, inputs: [0, 1] })]);
    expect(solveConstraint(r.constraints![0]!).text).toBe('H must be 49, 50, 51, 52, 53, 54, 55, 56 or …');
    expect(solveConstraint(r.constraints![0]!).variables[0]).toMatchObject({ also: range(49, 64), residues: [], min: 49 });
    expect(sym('Multiply', {}, [null, H, 8], [null, 1, 8]).constraints).toBeUndefined();
    const never = sym('Subtract', {}, [null, 'H + 1' as SymbolicDim, 8], [null, 'H + 2' as SymbolicDim, 8]);
    expect(codes(never)).toEqual(['shape-mismatch']);
    // H + 1 vs H never line up, but at H = 1 Keras broadcasts: no finding (no guess), a condition no size meets
    const once = sym('Add', {}, [null, 'H + 1' as SymbolicDim, 8], [null, H, 8]);
    expect(once.findings).toEqual([]);
    expect(solveConstraint(once.constraints![0]!).text).toBe('no size of H works');
  });

  it('symbolic input text is read in canonical form; text that is not a size is unknown', () => {
    expect(sym('ReLU', {}, [null, 'ceil(ceil(H/2)/2)' as SymbolicDim, 8]).output).toEqual([null, 'ceil(H/4)', 8]);
    expect(sym('ReLU', {}, [null, 'not a size' as SymbolicDim, 8]).output).toEqual([null, null, 8]);
  });
});

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

describe('U-Net on (None, H, W, 3)', () => {
  function unet(depth: number, input: SymbolicShape): { out: SymbolicShape; constraints: SizeConstraint[]; sizes: SymbolicDim[] } {
    let x = input;
    const skips: SymbolicShape[] = [];
    const constraints: SizeConstraint[] = [];
    const sizes: SymbolicDim[] = [];
    for (let i = 0; i < depth; i++) {
      const c = sym('Conv2D', { filters: 16, kernel_size: 3, padding: 'same' }, x).output!;
      skips.push(c);
      x = sym('Conv2D', { filters: 16, kernel_size: 3, strides: 2, padding: 'same' }, c).output!;
      sizes.push(x[1] ?? null);
    }
    for (let i = depth - 1; i >= 0; i--) {
      const u = sym('Conv2DTranspose', { filters: 16, kernel_size: 2, strides: 2, padding: 'same' }, x).output!;
      sizes.push(u[1] ?? null);
      const m = sym('Concatenate', {}, u, skips[i]!);
      constraints.push(...(m.constraints ?? []));
      x = m.output!;
    }
    return { out: x, constraints, sizes };
  }

  it('4 stride-2 stages down and 4 up give 16*ceil(H/16); the skip with H needs multiples of 16', () => {
    const { out, constraints, sizes } = unet(4, img);
    expect(sizes).toEqual(['ceil(H/2)', 'ceil(H/4)', 'ceil(H/8)', 'ceil(H/16)', '2*ceil(H/16)', '4*ceil(H/16)', '8*ceil(H/16)', '16*ceil(H/16)']);
    expect(out).toEqual([null, '16*ceil(H/16)', '16*ceil(W/16)', 32]);
    const last = constraints.filter((c) => c.b === 'H' || c.b === 'W');
    expect(last.map((c) => solveConstraint(c).variables[0])).toEqual([
      { variable: 'H', modulus: 16, residues: [0], from: 1, also: [], min: 16, exact: true, text: 'H must be a multiple of 16' },
      { variable: 'W', modulus: 16, residues: [0], from: 1, also: [], min: 16, exact: true, text: 'W must be a multiple of 16' },
    ]);
    const message = inputSizeConstraintMessage(constraints.map((constraint) => ({ constraint, layer: 'Concatenate', where: 'line 41' })));
    // The first skip that breaks, in program order (the deepest): 2*ceil(65/16) = 10 vs ceil(65/8) = 9.
    expect(message).toBe('H and W must be multiples of 16 for the skip connections to line up: 65 gives 10 vs 9 at Concatenate, line 41.');
  });

  it('one level: 2*ceil(H/2) vs H, so 65 gives 66 vs 65', () => {
    const { constraints } = unet(1, img);
    expect(inputSizeConstraintMessage(constraints.map((constraint) => ({ constraint, layer: 'Concatenate', where: 'line 41' })))).toBe(
      'H and W must be even for the skip connections to line up: 65 gives 66 vs 65 at Concatenate, line 41.',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Symbolic = numeric, evaluated.

type Step = { cls: string; args: Record<string, unknown> };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc
    .record({ k: fc.integer({ min: 1, max: 5 }), s: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 2 }), same: fc.boolean() })
    .map(({ k, s, d, same }) => ({ cls: 'Conv1D', args: { filters: 2, kernel_size: k, strides: d > 1 ? 1 : s, dilation_rate: d, padding: same ? 'same' : 'valid' } })),
  fc
    .record({ k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }), same: fc.boolean() })
    .map(({ k, s, same }) => ({ cls: 'MaxPooling1D', args: { pool_size: k, strides: s, padding: same ? 'same' : 'valid' } })),
  fc
    .record({ k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }), same: fc.boolean() })
    .map(({ k, s, same }) => ({ cls: 'Conv1DTranspose', args: { filters: 2, kernel_size: k, strides: s, padding: same ? 'same' : 'valid' } })),
  fc.record({ a: fc.integer({ min: 0, max: 3 }), b: fc.integer({ min: 0, max: 3 }) }).map(({ a, b }) => ({ cls: 'ZeroPadding1D', args: { padding: [a, b] } })),
  fc.record({ a: fc.integer({ min: 0, max: 3 }), b: fc.integer({ min: 0, max: 3 }) }).map(({ a, b }) => ({ cls: 'Cropping1D', args: { cropping: [a, b] } })),
  fc.integer({ min: 1, max: 3 }).map((n) => ({ cls: 'UpSampling1D', args: { size: n } })),
);

function run(steps: Step[], L: SymbolicDim): { out: SymbolicDim; constraints: SizeConstraint[] } | 'stops' {
  let x: SymbolicShape = [null, L, 2];
  const constraints: SizeConstraint[] = [];
  for (const st of steps) {
    const r = sym(st.cls, st.args, x);
    if (r.output === null || r.findings.some((f) => f.code === 'non-positive-dimension')) return 'stops';
    constraints.push(...(r.constraints ?? []));
    x = r.output;
  }
  return { out: x[1] ?? null, constraints };
}

describe('symbolic results evaluate to the numeric ones (property)', () => {
  it('1-D chains of conv, pool, transposed conv, padding, cropping, upsampling', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 5 }), fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 6, maxLength: 6 }), (steps, Ls) => {
        const s = run(steps, 'L' as SymbolicDim);
        expect(s).not.toBe('stops');
        if (s === 'stops') return;
        for (const L of Ls) {
          const n = run(steps, L);
          const holds = s.constraints.every((c) => constraintHolds(c, { L }) === true);
          if (n === 'stops') {
            // the numeric engine stops only where a size condition fails
            expect(holds).toBe(false);
            continue;
          }
          expect(holds).toBe(true);
          expect(evalDim(s.out, { L })).toBe(n.out);
        }
      }),
      runs(600, 7),
    );
  });

  it('merges: a condition fails exactly where the numeric engine reports a shape-mismatch', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 3 }),
        fc.array(stepArb, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('Concatenate', 'Add'),
        fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 5, maxLength: 5 }),
        (p1, p2, merge, Ls) => {
          const a = run(p1, 'L' as SymbolicDim);
          const b = run(p2, 'L' as SymbolicDim);
          if (a === 'stops' || b === 'stops') return;
          const m = sym(merge, merge === 'Concatenate' ? { axis: -1 } : {}, [null, a.out, 2], [null, b.out, 2]);
          for (const L of Ls) {
            const na = run(p1, L);
            const nb = run(p2, L);
            if (na === 'stops' || nb === 'stops') continue;
            const nm = applyLayer({ className: merge, args: merge === 'Concatenate' ? { axis: py(-1) } : {} }, [[null, na.out as number, 2], [null, nb.out as number, 2]], LAST);
            const mismatch = nm.findings.some((f) => f.code === 'shape-mismatch');
            if (m.findings.some((f) => f.code === 'shape-mismatch')) {
              expect(mismatch).toBe(true);
              continue;
            }
            const holds = (m.constraints ?? []).every((c) => constraintHolds(c, { L }) === true);
            if (holds) {
              expect(mismatch).toBe(false);
              expect(m.output!.map((d) => evalDim(d, { L }))).toEqual(nm.output);
            } else if (!mismatch) {
              // Keras accepts it only by broadcasting a size of 1 (the merge's Add), never for Concatenate.
              expect(merge).toBe('Add');
              expect([na.out, nb.out]).toContain(1);
            }
          }
        },
      ),
      runs(600, 8),
    );
  });
});
