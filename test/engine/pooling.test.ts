// Max/AveragePooling1D/2D/3D and the global poolings (spec §6, §7), hand-derived values.
import { describe, expect, it } from 'vitest';
import { FIRST, codes, finding, layer, none, tup } from './helpers';

describe('MaxPooling / AveragePooling', () => {
  it('strides=None means pool_size; MaxPooling defaults pool_size to 2', () => {
    expect(layer('MaxPooling2D', {}, [null, 9, 8, 3]).output).toEqual([null, 4, 4, 3]);
    expect(layer('MaxPooling2D', { pool_size: 3, strides: none }, [null, 9, 8, 3]).output).toEqual([null, 3, 2, 3]);
    expect(layer('MaxPooling1D', {}, [null, 9, 3]).output).toEqual([null, 4, 3]);
    expect(layer('MaxPooling3D', {}, [null, 4, 5, 6, 1]).output).toEqual([null, 2, 2, 3, 1]);
  });

  it('Keras 3 AveragePooling has no default pool_size', () => {
    const r = layer('AveragePooling2D', {}, [null, 8, 8, 3]);
    expect(finding(r, 'invalid-layer-argument')!.message).toBe(
      "Python raises TypeError: AveragePooling2D.__init__() missing 1 required positional argument: 'pool_size'.",
    );
    expect(r.output).toEqual([null, null, null, 3]);
  });

  it('same pooling pads TF-style and flags stride findings like convolutions', () => {
    const r = layer('MaxPooling2D', { pool_size: 3, strides: 2, padding: 'same' }, [null, 112, 111, 8]);
    expect(r.output).toEqual([null, 56, 56, 8]);
    expect(r.padding).toEqual({ mode: 'same', before: [0, 1], after: [1, 1] });
    expect(codes(r)).toEqual(['same-asymmetric-padding', 'same-stride-downsamples', 'same-stride-uneven']);
    expect(finding(r, 'same-stride-uneven')!.message).toContain('width 111 → ceil(111 / 2) = 56');
    expect(finding(r, 'same-stride-downsamples')!.message).toContain('height 112 → 56');
    expect(finding(r, 'same-asymmetric-padding')!.message).toContain("value=float('-inf')");
    expect(r.torch).toBe("x = F.pad(x, (1, 1, 0, 1), value=float('-inf'))\nnn.MaxPool2d(kernel_size=3, stride=2, padding=0)");
  });

  it('average pooling: count_include_pad=False, exact ratio form when pads are asymmetric', () => {
    const sym = layer('AveragePooling1D', { pool_size: 3, strides: 1, padding: 'same' }, [null, 5, 2]);
    expect(sym.torch).toBe('nn.AvgPool1d(kernel_size=3, stride=1, padding=1, count_include_pad=False)');
    const asym = layer('AveragePooling2D', { pool_size: 2, strides: 2, padding: 'same' }, [null, 7, 7, 2]);
    expect(asym.padding).toEqual({ mode: 'same', before: [0, 0], after: [1, 1] });
    expect(asym.torch).toBe(
      'F.avg_pool2d(F.pad(x, (0, 1, 0, 1)), kernel_size=2, stride=2) / F.avg_pool2d(F.pad(torch.ones_like(x), (0, 1, 0, 1)), kernel_size=2, stride=2)',
    );
    expect(finding(asym, 'same-asymmetric-padding')!.message).toContain('no single-call equivalent');
  });

  it('upper-case padding is an error in Keras 3 pooling, but the shape is still computed as lower-case', () => {
    const r = layer('MaxPooling2D', { pool_size: 2, padding: 'SAME' }, [null, 7, 7, 3]);
    expect(r.output).toEqual([null, 4, 4, 3]);
    const f = finding(r, 'invalid-layer-argument')!;
    expect(f.argument).toBe('padding');
    expect(f.message).toContain("Argument `padding` must be either 'valid' or 'same'. Received: padding=SAME");
    expect(f.message).toContain('building a model');
    expect(f.message).toContain("padding='same'");
    const bad = layer('AveragePooling1D', { pool_size: 2, padding: 'full' }, [null, 7, 3]);
    expect(bad.output).toEqual([null, null, 3]);
    expect(finding(bad, 'invalid-layer-argument')!.message).toContain('Received: padding=full');
  });

  it('pool_size must be positive, strides 0 passes standardize_tuple but is rejected', () => {
    const r = layer('MaxPooling2D', { pool_size: [2, 0] }, [null, 8, 8, 1]);
    expect(finding(r, 'invalid-layer-argument')!.message).toContain('The `pool_size` argument must be a tuple of 2 integers. Received pool_size=(2, 0), including values {0}');
    const z = layer('MaxPooling2D', { pool_size: 2, strides: [0, 2] }, [null, 8, 8, 1]);
    expect(z.output).toEqual([null, null, 4, 1]);
    expect(finding(z, 'invalid-layer-argument')!.message).toContain('strides=(0, 2) contains 0');
  });

  it("valid pooling larger than the input: non-positive-dimension naming the pool window", () => {
    const r = layer('AveragePooling3D', { pool_size: [2, 4, 2] }, [null, 4, 3, 4, 1]);
    expect(r.output).toEqual([null, 2, null, 2, 1]);
    const f = finding(r, 'non-positive-dimension')!;
    expect(f.message).toContain('height input 3 is smaller than the pool window 4');
    expect(f.message).toContain('the smallest height that works is 4');
  });

  it('channels_first and rank checks', () => {
    expect(layer('MaxPooling1D', { pool_size: 3 }, [null, 4, 10], FIRST).output).toEqual([null, 4, 3]);
    const r = layer('MaxPooling2D', {}, [null, 10, 3]);
    expect(finding(r, 'rank-mismatch')!.message).toContain('expects a rank-4 input');
  });

  it('no finding for stride-1 same pooling with an odd window', () => {
    expect(layer('MaxPooling2D', { pool_size: 3, strides: 1, padding: 'same' }, [null, 10, 10, 1]).findings).toEqual([]);
  });
});

describe('Global pooling', () => {
  it('reduces the spatial axes, keepdims keeps them as 1 in the data format', () => {
    expect(layer('GlobalAveragePooling2D', {}, [null, 7, 7, 512]).output).toEqual([null, 512]);
    expect(layer('GlobalMaxPooling2D', { keepdims: true }, [null, 7, 7, 512]).output).toEqual([null, 1, 1, 512]);
    expect(layer('GlobalMaxPooling3D', { keepdims: true }, [4, 64, 2, 3, 5], FIRST).output).toEqual([4, 64, 1, 1, 1]);
    expect(layer('GlobalAvgPool1D', {}, [null, null, 16]).output).toEqual([null, 16]);
    expect(layer('GlobalAveragePooling1D', {}, [null, 16, 10], FIRST).output).toEqual([null, 16]);
  });

  it('torch equivalent and rank check', () => {
    expect(layer('GlobalAveragePooling2D', { keepdims: true }, [null, 7, 7, 5]).torch).toBe('x.mean(dim=(2, 3), keepdim=True)');
    expect(layer('GlobalMaxPooling1D', {}, [null, 7, 5]).torch).toBe('x.amax(dim=(2,))');
    expect(finding(layer('GlobalAveragePooling2D', {}, [null, 7, 5]), 'rank-mismatch')).toBeDefined();
  });

  it('an invalid data_format is reported with Keras wording', () => {
    const r = layer('GlobalAveragePooling2D', { data_format: 'NCHW' }, [null, 7, 7, 5]);
    expect(finding(r, 'invalid-layer-argument')!.message).toBe(
      "Keras raises ValueError: The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=NCHW.",
    );
    expect(r.output).toEqual([null, null]);
  });
});

describe('argument forms shared by all windows', () => {
  it('accepts lists as well as tuples', () => {
    const r = layer('Conv2D', { filters: 1, kernel_size: tup(3, 3), strides: [2, 2] }, [null, 9, 9, 1]);
    expect(r.output).toEqual([null, 4, 4, 1]);
  });
});
