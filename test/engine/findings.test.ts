// Every diagnostic code with the content design/diagnostics.md requires of its message, one
// finding per code per application, and no finding resting on an unknown dimension.
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../server/src/engine/index';
import { codes, finding, layer, merge } from './helpers';

const SAME_S2 = [
  ['Conv2D', { filters: 4, kernel_size: 3 }],
  ['DepthwiseConv2D', { kernel_size: 3 }],
  ['SeparableConv2D', { filters: 4, kernel_size: 3 }],
  ['MaxPooling2D', { pool_size: 3 }],
  ['AveragePooling2D', { pool_size: 3 }],
] as const;

describe('same-stride-downsamples', () => {
  it.each(SAME_S2)('%s: n → n/s because of the stride', (cls, args) => {
    const r = layer(cls, { ...args, strides: 2, padding: 'same' }, [null, 64, 64, 3]);
    const f = finding(r, 'same-stride-downsamples')!;
    expect(f.argument).toBe('padding');
    expect(f.message).toContain("'same' padding does not keep the size here");
    expect(f.message).toContain('height 64 → 32 (64 / 2)');
    expect(f.message).toContain('width 64 → 32');
    expect(f.message).toContain('because of the stride: the window moves 2 cells at a time');
    expect(codes(r)).not.toContain('same-stride-uneven');
  });
});

describe('same-stride-uneven', () => {
  it.each(SAME_S2)('%s: ceil, the padding, and the upsampling that does not give n back', (cls, args) => {
    const r = layer(cls, { ...args, strides: 2, padding: 'same' }, [null, 65, 64, 3]);
    const f = finding(r, 'same-stride-uneven')!;
    expect(f.argument).toBe('padding');
    expect(f.message).toContain('height 65 → ceil(65 / 2) = 33');
    expect(f.message).toContain('TensorFlow pads 1 before and 1 after');
    expect(f.message).toContain('2·33 = 66 ≠ 65');
    expect(f.message).toContain('U-Net');
    expect(f.message).not.toContain('width 64');
    // The divisible axis is reported by the other code.
    expect(finding(r, 'same-stride-downsamples')!.message).toContain('width 64 → 32');
  });

  it('stride 3, per-axis strides', () => {
    const r = layer('Conv2D', { filters: 1, kernel_size: 3, strides: [3, 1], padding: 'same' }, [null, 10, 10, 1]);
    expect(finding(r, 'same-stride-uneven')!.message).toContain('3·4 = 12 ≠ 10');
    expect(codes(r)).toEqual(['same-stride-uneven']);
  });
});

describe('same-asymmetric-padding', () => {
  it('gives the exact pads per axis and the symmetric-framework equivalent', () => {
    const r = layer('Conv2D', { filters: 4, kernel_size: 3, strides: 2, padding: 'same' }, [null, 224, 224, 3]);
    const f = finding(r, 'same-asymmetric-padding')!;
    expect(f.argument).toBe('padding');
    expect(f.message).toContain('height 0 before / 1 after and width 0 before / 1 after');
    expect(f.message).toContain('PyTorch padding=1 pads 1/1 here where TensorFlow pads 0/1');
    expect(f.message).toContain('shifted');
    expect(f.message).toContain("ZeroPadding2D(((0, 1), (0, 1))) then padding='valid'");
    expect(f.message).toContain('F.pad(x, (0, 1, 0, 1))');
  });

  it('flags stride-1 even kernels (pads known even for unknown lengths), mentioning padding=\'same\' in PyTorch', () => {
    const r = layer('Conv1D', { filters: 4, kernel_size: 4, padding: 'same' }, [null, null, 3]);
    const f = finding(r, 'same-asymmetric-padding')!;
    expect(f.message).toContain('steps 1 before / 2 after');
    expect(f.message).toContain("PyTorch's padding='same'");
    expect(f.message).toContain('ZeroPadding1D((1, 2))');
  });

  it('nothing for a stride-1 odd kernel, for valid, for causal', () => {
    expect(layer('Conv2D', { filters: 4, kernel_size: 3, padding: 'same' }, [null, 10, 11, 3]).findings).toEqual([]);
    expect(layer('Conv2D', { filters: 4, kernel_size: 5, dilation_rate: 2, padding: 'same' }, [null, 10, 11, 3]).findings).toEqual([]);
    expect(layer('Conv2D', { filters: 4, kernel_size: 2 }, [null, 10, 11, 3]).findings).toEqual([]);
    expect(layer('Conv1D', { filters: 4, kernel_size: 4, padding: 'causal' }, [null, 10, 3]).findings).toEqual([]);
  });

  it('symmetric strided pads are not flagged (k=7, s=2, L=225 pads 3/3)', () => {
    const r = layer('Conv2D', { filters: 4, kernel_size: 7, strides: 2, padding: 'same' }, [null, 225, 225, 3]);
    expect(r.padding).toEqual({ mode: 'same', before: [3, 3], after: [3, 3] });
    expect(codes(r)).toEqual(['same-stride-uneven']);
  });
});

describe('non-positive-dimension', () => {
  it('says the input length, the effective window and the smallest input that works', () => {
    const r = layer('Conv1D', { filters: 1, kernel_size: 3, dilation_rate: 3 }, [null, 6, 1]);
    const f = finding(r, 'non-positive-dimension')!;
    expect(f.message).toContain('steps input 6');
    expect(f.message).toContain('effective window 7');
    expect(f.message).toContain('(3 - 1)·3 + 1');
    expect(f.message).toContain('the smallest steps that works is 7');
    expect(f.message).toContain('Computed output size would be zero or negative');
  });
});

describe('non-positive-dimension without the stride', () => {
  it('an input shorter than the window fails whatever the stride, so an unknown stride does not hide it', () => {
    const r = layer('Conv2D', { filters: 1, kernel_size: 5, strides: [2, 2].map(() => ({ kind: 'unknown', reason: 't' })) }, [null, 3, 9, 1]);
    expect(r.output).toEqual([null, null, null, 1]);
    expect(finding(r, 'non-positive-dimension')!.message).toContain('height input 3 is smaller than the effective window 5 (kernel 5), so no window fits');
  });
});

describe('rank-mismatch', () => {
  it('says the expected and the actual rank', () => {
    const f = finding(layer('MaxPooling2D', {}, [null, 128]), 'rank-mismatch')!;
    expect(f.message).toContain('rank-4');
    expect(f.message).toContain('got rank 2: (None, 128)');
  });
});

describe('shape-mismatch', () => {
  it('names both shapes, the axis and the inputs involved', () => {
    const f = finding(merge('Concatenate', {}, [[null, 32, 32, 8], [null, 33, 32, 8]]), 'shape-mismatch')!;
    expect(f.inputs).toEqual([0, 1]);
    expect(f.message).toContain('axis 1');
    expect(f.message).toContain('(None, 32, 32, 8)');
    expect(f.message).toContain('(None, 33, 32, 8)');
  });
});

describe('general rules', () => {
  it('a finding never rests on an unknown dimension', () => {
    for (const cls of ['Conv2D', 'MaxPooling2D', 'SeparableConv2D']) {
      const r = layer(cls, { filters: 1, kernel_size: 3, pool_size: 3, strides: 2, padding: 'same' }, [null, null, null, 3]);
      expect(r.findings).toEqual([]);
      const v = layer(cls, { filters: 1, kernel_size: 9, pool_size: 9 }, [null, null, null, 3]);
      expect(v.findings).toEqual([]);
    }
    expect(merge('Add', {}, [[null, null, 3], [null, 4, null]]).findings).toEqual([]);
    expect(layer('Cropping2D', { cropping: 50 }, [null, null, null, 3]).findings).toEqual([]);
  });

  it('findings are complete sentences with a known code, one per code', () => {
    const r = layer('Conv2D', { filters: 0, kernel_size: 3, strides: 2, padding: 'same', groups: 0 }, [null, 65, 64, 3]);
    for (const f of r.findings) {
      expect(DIAGNOSTIC_CODES).toContain(f.code);
      expect(f.message).toMatch(/\.$/);
      expect(f.message).not.toMatch(/\.\.$/);
      expect(f.message).not.toMatch(/\. \./);
    }
    const c = codes(r);
    expect(new Set(c).size).toBe(c.length);
  });
});
