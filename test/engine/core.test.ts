// Input/InputLayer, Dense, Flatten, Reshape, Permute, RepeatVector, the shape-preserving layers,
// Resizing and CenterCrop — expected values from Keras 3's compute_output_shape rules.
import { describe, expect, it } from 'vitest';
import { FIRST, codes, finding, float, int, layer, list, none, str, tup, unknown } from './helpers';

describe('Input / InputLayer', () => {
  it('output = (batch_size, *shape) or batch_shape', () => {
    expect(layer('Input', { shape: [32, 32, 3] }).output).toEqual([null, 32, 32, 3]);
    expect(layer('Input', { shape: tup(none, 3) }).output).toEqual([null, null, 3]);
    expect(layer('Input', { shape: list(10), batch_size: 8 }).output).toEqual([8, 10]);
    expect(layer('Input', { batch_shape: [4, 28, 28] }).output).toEqual([4, 28, 28]);
    expect(layer('Input', { shape: tup() }).output).toEqual([null]);
    expect(layer('InputLayer', { shape: [5] }).output).toEqual([null, 5]);
    expect(layer('InputLayer', { input_shape: [5] }).output).toEqual([null, 5]);
    expect(layer('InputLayer', { batch_input_shape: [2, 5] }).output).toEqual([2, 5]);
  });

  it('unknown entries stay unknown, an unknown shape gives no output and no finding', () => {
    expect(layer('Input', { shape: tup(unknown, 3) }).output).toEqual([null, null, 3]);
    const r = layer('Input', { shape: unknown });
    expect(r.output).toBeNull();
    expect(r.findings).toEqual([]);
    expect(r.unknownReason).toContain('not known');
    expect(layer('Input', { tensor: unknown }).output).toBeNull();
  });

  it('reports what standardize_shape and InputLayer reject', () => {
    expect(finding(layer('Input', { shape: 32 }), 'invalid-layer-argument')!.message).toBe(
      "Keras raises ValueError: Cannot convert '32' to a shape. Write shape=(32,) for a 1-D shape.",
    );
    expect(finding(layer('Input', { shape: [32, -1] }), 'invalid-layer-argument')!.message).toBe(
      "Keras raises ValueError: Cannot convert '(32, -1)' to a shape. Negative dimensions are not allowed.",
    );
    expect(finding(layer('Input', { shape: list(32, float(3)) }), 'invalid-layer-argument')!.message).toBe(
      "Keras raises ValueError: Cannot convert '(32, 3.0)' to a shape. Found invalid entry '3.0' of type '<class 'float'>'.",
    );
    expect(finding(layer('Input', {}), 'invalid-layer-argument')!.message).toBe('Keras raises ValueError: You must pass a `shape` argument.');
    expect(finding(layer('Input', { shape: [3], batch_shape: [none, 3] }), 'invalid-layer-argument')!.message).toContain(
      'You cannot pass both `shape` and `batch_shape` at the same time',
    );
    expect(finding(layer('Input', { batch_size: 2, batch_shape: [none, 3] }), 'invalid-layer-argument')!.message).toContain(
      'You cannot pass both `batch_size` and `batch_shape` at the same time',
    );
  });
});

describe('Dense', () => {
  it('acts on the last axis for any rank ≥ 2', () => {
    expect(layer('Dense', { units: 10 }, [null, 784]).output).toEqual([null, 10]);
    const r = layer('Dense', { units: 4 }, [null, 7, 5, 3]);
    expect(r.output).toEqual([null, 7, 5, 4]);
    expect(r.torch).toBe('nn.Linear(3, 4)');
    expect(layer('Dense', { units: 4 }, [null, null]).torch).toBe('nn.Linear(in_features, 4)');
  });

  it('units must be a positive int; rank ≥ 2', () => {
    for (const bad of [0, -3, float(3), str('3')]) {
      const r = layer('Dense', { units: bad }, [null, 5]);
      expect(finding(r, 'invalid-layer-argument')!.message).toContain('Received an invalid value for `units`, expected a positive integer. Received: units=');
      expect(r.output).toEqual([null, null]);
    }
    expect(finding(layer('Dense', { units: 3 }, [null]), 'rank-mismatch')!.message).toBe(
      'Dense expects an input of rank 2 or more (batch, ..., features), but got rank 1: (None,).',
    );
    expect(finding(layer('Dense', {}, [null, 3]), 'invalid-layer-argument')!.message).toContain("missing 1 required positional argument: 'units'");
  });
});

describe('Flatten', () => {
  it('multiplies the non-batch axes; unknown if any is unknown; rank 1 becomes (batch, 1)', () => {
    expect(layer('Flatten', {}, [null, 7, 7, 64]).output).toEqual([null, 3136]);
    expect(layer('Flatten', {}, [3, 64, 7, 7], FIRST).output).toEqual([3, 3136]);
    expect(layer('Flatten', {}, [null, null, 7]).output).toEqual([null, null]);
    expect(layer('Flatten', {}, [null]).output).toEqual([null, 1]);
    expect(layer('Flatten', {}, null).output).toEqual([null, null]);
  });
});

describe('Reshape', () => {
  it('infers one -1 from the total size', () => {
    const r = layer('Reshape', { target_shape: [-1, 4] }, [null, 6, 2]);
    expect(r.output).toEqual([null, 3, 4]);
    expect(r.steps.join(' ')).toContain('-1 = 12 / 4 = 3');
    expect(layer('Reshape', { target_shape: [3, 4] }, [null, 12]).output).toEqual([null, 3, 4]);
    expect(layer('Reshape', { target_shape: [-1] }, [5, 2, 2, 3]).output).toEqual([5, 12]);
  });

  it('with an unknown input dimension the -1 stays unknown and nothing is checked', () => {
    const r = layer('Reshape', { target_shape: [-1, 4] }, [null, null, 2]);
    expect(r.output).toEqual([null, null, 4]);
    expect(r.findings).toEqual([]);
    expect(layer('Reshape', { target_shape: [5, 5] }, [null, null, 2]).findings).toEqual([]);
    expect(layer('Reshape', { target_shape: tup(unknown, -1) }, [null, 4, 2]).output).toEqual([null, null, null]);
  });

  it('a total-size mismatch is an invalid-layer-argument with both sizes', () => {
    const r = layer('Reshape', { target_shape: [4, 4] }, [null, 5, 6]);
    const f = finding(r, 'invalid-layer-argument')!;
    expect(f.argument).toBe('target_shape');
    expect(f.message).toContain('The total size of the tensor must be unchanged. Received: input_shape=(5, 6), target_shape=(4, 4)');
    expect(f.message).toContain('5·6 = 30 values per sample, the target 4·4 = 16');
    const div = layer('Reshape', { target_shape: [-1, 7] }, [null, 5, 6]);
    expect(finding(div, 'invalid-layer-argument')!.message).toContain('cannot by divided by the specified dimensions in target_shape');
    expect(div.output).toEqual([null, null, 7]);
    const two = layer('Reshape', { target_shape: [-1, -1] }, [null, 5, 6]);
    expect(finding(two, 'invalid-layer-argument')!.message).toContain('must not contain more than one `-1` value');
    const notTuple = layer('Reshape', { target_shape: 10 }, [null, 10]);
    expect(finding(notTuple, 'invalid-layer-argument')!.message).toContain("'int' object is not iterable");
    const none_ = layer('Reshape', { target_shape: tup(none, 2) }, [null, 10]);
    expect(finding(none_, 'invalid-layer-argument')!.message).toContain('None is not allowed');
  });
});

describe('Permute and RepeatVector', () => {
  it('Permute reorders the non-batch axes (1-based)', () => {
    const r = layer('Permute', { dims: [2, 1] }, [null, 10, 64]);
    expect(r.output).toEqual([null, 64, 10]);
    expect(r.torch).toBe('x.permute(0, 2, 1)');
    expect(layer('Permute', { dims: [3, 1, 2] }, [4, 5, 6, 7]).output).toEqual([4, 7, 5, 6]);
  });

  it('Permute validates dims and the rank', () => {
    expect(finding(layer('Permute', { dims: [0, 1] }, [null, 5, 6]), 'invalid-layer-argument')!.message).toContain(
      'The set of indices in `dims` must be consecutive and start from 1. Received dims=(0, 1)',
    );
    expect(finding(layer('Permute', { dims: [2, 1, 3] }, [null, 5, 6]), 'rank-mismatch')!.message).toContain('expects a rank-4 input');
  });

  it('RepeatVector: (batch, features) → (batch, n, features)', () => {
    expect(layer('RepeatVector', { n: 3 }, [null, 32]).output).toEqual([null, 3, 32]);
    expect(layer('RepeatVector', { n: unknown }, [null, 32]).output).toEqual([null, null, 32]);
    expect(finding(layer('RepeatVector', { n: float(3) }, [null, 32]), 'invalid-layer-argument')!.message).toBe(
      "Keras raises TypeError: Expected an integer value for `n`, got <class 'float'>.",
    );
    expect(finding(layer('RepeatVector', { n: 3 }, [null, 4, 32]), 'rank-mismatch')!.message).toContain('rank-2');
  });
});

describe('shape-preserving layers', () => {
  const layers = [
    'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax', 'ThresholdedReLU', 'BatchNormalization',
    'LayerNormalization', 'UnitNormalization', 'Dropout', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
    'ActivityRegularization', 'Rescaling', 'Normalization', 'Identity', 'Masking', 'RMSNormalization',
  ];
  it.each(layers)('%s keeps the shape', (cls) => {
    const r = layer(cls, cls === 'Dropout' ? { rate: 0.5 } : {}, [null, 7, null, 3]);
    expect(r.output).toEqual([null, 7, null, 3]);
    expect(codes(r)).toEqual([]);
  });

  it('spatial dropouts check their rank; Dropout checks rate', () => {
    expect(layer('SpatialDropout2D', { rate: 0.1 }, [null, 4, 4, 3]).output).toEqual([null, 4, 4, 3]);
    expect(finding(layer('SpatialDropout1D', { rate: 0.1 }, [null, 4, 4, 3]), 'rank-mismatch')!.message).toContain('rank-3');
    expect(finding(layer('SpatialDropout3D', { rate: 0.1 }, [null, 4, 3]), 'rank-mismatch')!.message).toContain('rank-5');
    expect(finding(layer('Dropout', { rate: 1.5 }, [null, 4]), 'invalid-layer-argument')!.message).toContain(
      'Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate=1.5',
    );
  });

  it('GroupNormalization checks groups against the channels', () => {
    expect(codes(layer('GroupNormalization', { groups: 8 }, [null, 5, 5, 32]))).toEqual([]);
    expect(finding(layer('GroupNormalization', {}, [null, 5, 5, 16]), 'invalid-layer-argument')!.message).toContain(
      'Number of groups (32) cannot be more than the number of channels (16)',
    );
    expect(finding(layer('GroupNormalization', { groups: 5 }, [null, 5, 5, 16]), 'invalid-layer-argument')!.message).toContain(
      'Number of groups (5) must be a multiple of the number of channels (16)',
    );
    expect(codes(layer('GroupNormalization', { groups: -1 }, [null, 5, 5, 16]))).toEqual([]);
    expect(codes(layer('GroupNormalization', {}, [null, 5, 5, null]))).toEqual([]);
    expect(codes(layer('GroupNormalization', { groups: 4, axis: 1 }, [null, 16, 5, 5]))).toEqual([]);
  });
});

describe('Resizing and CenterCrop', () => {
  it('Resizing outputs exactly (height, width) in either format', () => {
    expect(layer('Resizing', { height: 64, width: 32 }, [null, 100, 80, 3]).output).toEqual([null, 64, 32, 3]);
    expect(layer('Resizing', { height: 64, width: 32 }, [null, 3, 100, 80], FIRST).output).toEqual([null, 3, 64, 32]);
    expect(layer('Resizing', { height: 64, width: unknown }, [null, 100, 80, 3]).output).toEqual([null, 64, null, 3]);
    // Keras treats rank 3 as one unbatched image: its first two axes are height and width.
    expect(layer('Resizing', { height: 8, width: 9 }, [null, 100, 3]).output).toEqual([8, 9, 3]);
    expect(finding(layer('Resizing', { height: 8, width: 9 }, [null, 100]), 'rank-mismatch')).toBeDefined();
  });

  it('CenterCrop crops int((L - target) / 2) at the start and the rest at the end', () => {
    const r = layer('CenterCrop', { height: 4, width: 5 }, [null, 9, 7, 3]);
    expect(r.output).toEqual([null, 4, 5, 3]);
    expect(r.padding).toEqual({ mode: 'center', before: [2, 1], after: [3, 1], crop: true });
    const small = layer('CenterCrop', { height: 10, width: 5 }, [null, 9, 7, 3]);
    expect(small.output).toEqual([null, 10, 5, 3]);
    expect(small.padding).toBeUndefined();
    expect(small.steps.join(' ')).toContain('resizes');
    expect(layer('CenterCrop', { height: 2, width: 2 }, [null, 3, 6, 6], FIRST).output).toEqual([null, 3, 2, 2]);
    expect(finding(layer('CenterCrop', { height: 2 }, [null, 6, 6, 3]), 'invalid-layer-argument')!.message).toContain("'width'");
  });
});

describe('unknown layers', () => {
  it('are not computed, with a reason', () => {
    const r = layer('LSTMCell', { units: int(3) }, [null, 5, 3]);
    expect(r.output).toBeNull();
    expect(r.unknownReason).toContain('LSTMCell');
    expect(r.findings).toEqual([]);
  });
});
