// Concatenate and the elementwise merges: Keras 3 output shapes (concatenate.py, base_merge.py
// `_compute_elemwise_op_output_shape`) and shape-mismatch findings with the disagreeing inputs.
import { describe, expect, it } from 'vitest';
import { codes, finding, merge } from './helpers';

describe('Concatenate', () => {
  it('sums the axis (default -1), copies the rest from input 0', () => {
    expect(merge('Concatenate', {}, [[null, 8, 8, 16], [null, 8, 8, 32]]).output).toEqual([null, 8, 8, 48]);
    expect(merge('Concatenate', { axis: 1 }, [[null, 5, 3], [null, 6, 3], [null, 1, 3]]).output).toEqual([null, 12, 3]);
    expect(merge('Concatenate', { axis: -2 }, [[null, 5, 3], [null, 6, 3]]).output).toEqual([null, 11, 3]);
    expect(merge('Concatenate', { axis: 0 }, [[2, 3], [4, 3]]).output).toEqual([6, 3]);
  });

  it('an unknown size on the axis makes it unknown; unknown elsewhere never mismatches', () => {
    const r = merge('Concatenate', {}, [[null, 8, null, 16], [null, 8, 9, null]]);
    expect(r.output).toEqual([null, 8, null, null]);
    expect(r.findings).toEqual([]);
    expect(merge('Concatenate', {}, [[null, 4], null]).output).toEqual([null, null]);
  });

  it('U-Net skip mismatch: both shapes, the disagreeing axes, input indexes', () => {
    const r = merge('Concatenate', {}, [[null, 64, 64, 32], [null, 65, 64, 32], [null, 64, 64, 8]]);
    expect(r.output).toBeNull();
    const f = finding(r, 'shape-mismatch')!;
    expect(f.inputs).toEqual([0, 1]);
    expect(f.message).toContain('on axis 1 input 0 has 64 while input 1 has 65');
    expect(f.message).toContain('(shapes (None, 64, 64, 32) and (None, 65, 64, 32))');
    expect(f.message).toContain('on every axis except axis 3');
    expect(f.message).toContain('A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis');
    expect(codes(r)).toEqual(['shape-mismatch']);
  });

  it('ranks must be equal; the axis must exist', () => {
    const r = merge('Concatenate', {}, [[null, 4, 4], [null, 16]]);
    expect(finding(r, 'shape-mismatch')!.message).toContain('same rank: input 0 (None, 4, 4) has rank 3 but input 1 (None, 16) has rank 2');
    expect(finding(r, 'shape-mismatch')!.inputs).toEqual([0, 1]);
    const a = merge('Concatenate', { axis: 3 }, [[null, 4, 4], [null, 4, 4]]);
    expect(finding(a, 'invalid-layer-argument')!.message).toContain('axis=3 is out of range for rank-3 inputs');
  });

  it('a known batch-size disagreement is a mismatch too (Keras compares it)', () => {
    expect(finding(merge('Concatenate', { axis: -1 }, [[2, 4], [3, 4]]), 'shape-mismatch')!.inputs).toEqual([0, 1]);
  });
});

describe('elementwise merges', () => {
  it.each(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum'])('%s keeps equal shapes', (cls) => {
    expect(merge(cls, {}, [[null, 8, 8, 3], [null, 8, 8, 3]]).output).toEqual([null, 8, 8, 3]);
  });

  it('broadcasts size-1 axes and lower ranks from the right', () => {
    expect(merge('Add', {}, [[null, 8, 1, 3], [null, 1, 5, 3]]).output).toEqual([null, 8, 5, 3]);
    expect(merge('Add', {}, [[null, 5, 3], [null, 3]]).output).toEqual([null, 5, 3]);
    expect(merge('Multiply', {}, [[null, 4], [null, 4, 1]]).output).toEqual([null, 4, 4]);
    expect(merge('Add', {}, [[null, 5, 3], [null, 5, 3], [null, 1, 3]]).output).toEqual([null, 5, 3]);
  });

  it('an unknown dim stays unknown (Keras: None with anything is None)', () => {
    expect(merge('Add', {}, [[null, null, 3], [null, 5, 3]]).output).toEqual([null, null, 3]);
    expect(merge('Add', {}, [[null, 1, 3], [null, null, 3]]).output).toEqual([null, null, 3]);
    expect(merge('Add', {}, [[null, 5, 3], null]).output).toBeNull();
  });

  it('passes a known batch size through', () => {
    expect(merge('Add', {}, [[4, 5], [null, 5]]).output).toEqual([4, 5]);
  });

  it('incompatible sizes: shape-mismatch with both shapes, the axis and the inputs', () => {
    const r = merge('Add', {}, [[null, 32, 32, 64], [null, 32, 32, 32]]);
    expect(r.output).toBeNull();
    const f = finding(r, 'shape-mismatch')!;
    expect(f.inputs).toEqual([0, 1]);
    expect(f.message).toContain('on axis 3 input 0 has 64 but input 1 has 32');
    expect(f.message).toContain('(shapes (None, 32, 32, 64) and (None, 32, 32, 32))');
    expect(f.message).toContain('Inputs have incompatible shapes. Received shapes (32, 32, 64) and (32, 32, 32)');
  });

  it('a mismatch behind an unknown dim is still reported (it fails when the model runs)', () => {
    const r = merge('Maximum', {}, [[null, null, 3], [null, 5, 3], [null, 7, 3]]);
    expect(finding(r, 'shape-mismatch')!.inputs).toEqual([1, 2]);
  });

  it('different known batch sizes cannot be merged', () => {
    const r = merge('Multiply', {}, [[2, 5], [4, 5]]);
    expect(finding(r, 'shape-mismatch')!.message).toContain('Cannot merge tensors with different batch sizes');
  });

  it('Subtract takes exactly two inputs; an empty list is rejected', () => {
    expect(finding(merge('Subtract', {}, [[null, 3], [null, 3], [null, 3]]), 'shape-mismatch')!.message).toContain(
      'A `Subtract` layer should be called on exactly 2 inputs',
    );
    expect(finding(merge('Add', {}, []), 'shape-mismatch')).toBeDefined();
    expect(finding(merge('Concatenate', {}, []), 'shape-mismatch')).toBeDefined();
  });
});

describe('merges checked without an application', () => {
  it('a single unknown input (the layer was never applied) yields no finding', () => {
    for (const cls of ['Add', 'Subtract', 'Concatenate']) {
      const r = merge(cls, {}, [null]);
      expect(r.findings).toEqual([]);
      expect(r.output).toBeNull();
    }
    expect(finding(merge('Subtract', {}, [[null, 3]]), 'shape-mismatch')).toBeDefined();
  });
});
