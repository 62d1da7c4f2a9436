// ZeroPadding, Cropping, UpSampling 1D/2D/3D (spec §8), hand-derived values and Keras' errors.
import { describe, expect, it } from 'vitest';
import { FIRST, codes, finding, float, layer, str, tup } from './helpers';

describe('ZeroPadding', () => {
  it('2D forms: int, symmetric pair, pairs; default (1, 1)', () => {
    expect(layer('ZeroPadding2D', {}, [null, 5, 6, 3]).output).toEqual([null, 7, 8, 3]);
    expect(layer('ZeroPadding2D', { padding: 2 }, [null, 5, 6, 3]).output).toEqual([null, 9, 10, 3]);
    expect(layer('ZeroPadding2D', { padding: [1, 3] }, [null, 5, 6, 3]).output).toEqual([null, 7, 12, 3]);
    const r = layer('ZeroPadding2D', { padding: [[0, 1], [2, 3]] }, [null, 5, null, 3]);
    expect(r.output).toEqual([null, 6, null, 3]);
    expect(r.padding).toEqual({ mode: 'explicit', before: [0, 2], after: [1, 3] });
    expect(r.torch).toBe('F.pad(x, (2, 3, 0, 1))');
    expect(r.axes[0]!.formula).toBe('5 + 0 + 1 = 6');
    expect(r.findings).toEqual([]);
  });

  it('1D and 3D; channels_first', () => {
    expect(layer('ZeroPadding1D', {}, [null, 5, 2]).output).toEqual([null, 7, 2]);
    expect(layer('ZeroPadding1D', { padding: [0, 4] }, [null, 2, 5], FIRST).output).toEqual([null, 2, 9]);
    expect(layer('ZeroPadding3D', {}, [null, 1, 2, 3, 4]).output).toEqual([null, 3, 4, 5, 4]);
    expect(layer('ZeroPadding3D', { padding: [1, 0, 2] }, [null, 4, 1, 2, 3], FIRST).output).toEqual([null, 4, 3, 2, 7]);
  });

  it('reports the wrong arity and negative entries with Keras wording', () => {
    const arity = layer('ZeroPadding2D', { padding: [1, 2, 3] }, [null, 5, 6, 3]);
    expect(finding(arity, 'invalid-layer-argument')!.message).toBe('Keras raises ValueError: `padding` should have two elements. Received: padding=(1, 2, 3).');
    const arity3 = layer('ZeroPadding3D', { padding: [1, 2] }, [null, 5, 6, 3, 1]);
    expect(finding(arity3, 'invalid-layer-argument')!.message).toBe('Keras raises ValueError: `padding` should have 3 elements. Received: (1, 2).');
    const neg = layer('ZeroPadding2D', { padding: [[1, -2], 3] }, [null, 5, 6, 3]);
    expect(finding(neg, 'invalid-layer-argument')!.message).toContain(
      'The `1st entry of padding` argument must be a tuple of 2 integers. Received 1st entry of padding=(1, -2), including values {-2} that do not satisfy `value >= 0`',
    );
    expect(neg.output).toEqual([null, null, 12, 3]);
    const negInt = layer('ZeroPadding2D', { padding: -1 }, [null, 5, 6, 3]);
    expect(finding(negInt, 'invalid-layer-argument')!.message).toContain('TensorFlow rejects negative paddings');
    const neg1d = layer('ZeroPadding1D', { padding: -1 }, [null, 5, 6]);
    expect(finding(neg1d, 'invalid-layer-argument')!.message).toContain('including values {-1}');
  });
});

describe('Cropping', () => {
  it('2D forms and crop info; default crops nothing', () => {
    expect(layer('Cropping2D', {}, [null, 5, 6, 3]).output).toEqual([null, 5, 6, 3]);
    const r = layer('Cropping2D', { cropping: [[1, 0], [2, 2]] }, [null, 5, 6, 3]);
    expect(r.output).toEqual([null, 4, 2, 3]);
    expect(r.padding).toEqual({ mode: 'explicit', before: [1, 2], after: [0, 2], crop: true });
    expect(r.torch).toBe('x[:, :, 1:, 2:-2]');
    expect(layer('Cropping2D', { cropping: 1 }, [null, 3, 6, 5], FIRST).output).toEqual([null, 3, 4, 3]);
  });

  it('1D (default (1, 1), no data_format) and 3D (default 1 per side)', () => {
    expect(layer('Cropping1D', {}, [null, 5, 2]).output).toEqual([null, 3, 2]);
    expect(layer('Cropping1D', { cropping: [0, 2] }, [null, 5, 2], FIRST).output).toEqual([null, 3, 2]);
    expect(layer('Cropping3D', {}, [null, 3, 4, 5, 2]).output).toEqual([null, 1, 2, 3, 2]);
  });

  it('cropping the whole axis is a non-positive-dimension with the smallest working input', () => {
    const r = layer('Cropping2D', { cropping: [[2, 3], [0, 0]] }, [null, 5, 6, 3]);
    expect(r.output).toEqual([null, null, 6, 3]);
    const f = finding(r, 'non-positive-dimension')!;
    expect(f.argument).toBe('cropping');
    expect(f.message).toContain('height 5 - 2 - 3 = 0 (the smallest height that works is 6)');
    expect(f.message).toContain('Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input. Received: input_shape=(None, 5, 6, 3), cropping=((2, 3), (0, 0))');
    const one = layer('Cropping1D', { cropping: [3, 3] }, [null, 5, 2]);
    expect(finding(one, 'non-positive-dimension')!.message).toContain('`cropping` parameter of `Cropping1D` layer must be smaller than the input length');
    expect(codes(layer('Cropping2D', { cropping: 2 }, [null, null, 6, 3]))).toEqual([]);
  });

  it('negative crops are rejected', () => {
    const r = layer('Cropping2D', { cropping: -1 }, [null, 5, 6, 3]);
    expect(finding(r, 'invalid-layer-argument')!.message).toBe('Keras raises ValueError: `cropping` cannot be negative. Received: cropping=-1.');
    const t = layer('Cropping3D', { cropping: [1, 2] }, [null, 5, 6, 3, 1]);
    expect(finding(t, 'invalid-layer-argument')!.message).toContain('`cropping` should have 3 elements');
  });
});

describe('UpSampling', () => {
  it('scales each spatial axis, None stays None', () => {
    expect(layer('UpSampling2D', {}, [null, 5, null, 3]).output).toEqual([null, 10, null, 3]);
    const r = layer('UpSampling2D', { size: [2, 3], interpolation: 'bilinear' }, [null, 3, 5, 6], FIRST);
    expect(r.output).toEqual([null, 3, 10, 18]);
    expect(r.torch).toBe("nn.Upsample(scale_factor=(2, 3), mode='bilinear', align_corners=False)");
    expect(layer('UpSampling1D', { size: 3 }, [null, 5, 2]).output).toEqual([null, 15, 2]);
    expect(layer('UpSampling3D', {}, [null, 1, 2, 3, 4]).output).toEqual([null, 2, 4, 6, 4]);
  });

  it('size must be a positive int', () => {
    const r = layer('UpSampling1D', { size: float(2) }, [null, 5, 2]);
    expect(finding(r, 'invalid-layer-argument')!.message).toBe('Keras raises ValueError: Argument `size` should be a positive integer. Received: size=2.0.');
    const z = layer('UpSampling2D', { size: 0 }, [null, 5, 5, 2]);
    expect(finding(z, 'invalid-layer-argument')!.message).toContain('The `size` argument must be a tuple of 2 integers. Received size=0, including values {0}');
    const s = layer('UpSampling2D', { size: str('2') }, [null, 5, 5, 2]);
    expect(finding(s, 'invalid-layer-argument')).toBeDefined();
  });

  it('rank is checked', () => {
    expect(finding(layer('UpSampling2D', {}, [null, 5, 2]), 'rank-mismatch')!.message).toContain('rank-4');
    expect(finding(layer('ZeroPadding1D', {}, [null, 5, 5, 2]), 'rank-mismatch')!.message).toContain('rank-3');
  });
});

describe('tuple args given as nested tuples of the builder helper', () => {
  it('accepts PyValue tuples directly', () => {
    expect(layer('Cropping2D', { cropping: tup(tup(1, 1), tup(0, 0)) }, [null, 5, 6, 3]).output).toEqual([null, 3, 6, 3]);
  });
});
