// The op functions (tf.nn.*, tf.*, keras.ops.*): expected shapes derived by hand from
// TensorFlow's shape rules (kernel_shape_util, conv_grad_shape_utils, array_ops shape functions)
// and Keras 3's compute_output_spec (keras/src/ops/); messages are the libraries' own wording.
import { describe, expect, it } from 'vitest';
import { applyOp, canonicalOpName, isOp, opSignature, supportedOps } from '../../server/src/engine/index';
import type { LayerResult, PyValue } from '../../server/src/engine/types';
import type { TensorArg } from '../../server/src/engine/ops/registry';
import { FIRST, LAST, codes, finding, py, unknown } from './helpers';

function op(name: string, args: Record<string, unknown>, tensors: Record<string, TensorArg>, options = LAST): LayerResult {
  const pa: Record<string, PyValue> = {};
  for (const [k, v] of Object.entries(args)) pa[k] = py(v);
  const r = applyOp(name, pa, tensors, options);
  const keys = r.findings.map((f) => f.code);
  expect(new Set(keys).size).toBe(keys.length);
  for (const f of r.findings) expect(f.message.trim().endsWith('.')).toBe(true);
  return r;
}
const list = (...items: ((number | null)[] | null)[]): TensorArg => ({ list: items });

describe('tf.nn convolutions', () => {
  it('conv2d: SAME/VALID, strides of length 1, 2 or 4, NCHW, grouped filters', () => {
    const r = op('tf.nn.conv2d', { strides: 2, padding: 'SAME' }, { input: [null, 65, 65, 3], filters: [3, 3, 3, 16] });
    expect(r.output).toEqual([null, 33, 33, 16]);
    expect(r.padding).toEqual({ mode: 'same', before: [1, 1], after: [1, 1] });
    expect(op('tf.nn.conv2d', { strides: [1, 2, 2, 1], padding: 'VALID' }, { input: [8, 9, 10, 3], filters: [3, 3, 3, 4] }).output).toEqual([8, 4, 4, 4]);
    expect(op('tf.nn.conv2d', { strides: [2, 1], padding: 'VALID' }, { input: [8, 9, 10, 3], filters: [3, 3, 3, 4] }).output).toEqual([8, 4, 8, 4]);
    expect(op('tf.nn.conv2d', { strides: 1, padding: 'SAME', data_format: 'NCHW' }, { input: [1, 3, 64, 63], filters: [3, 3, 3, 16] }).output).toEqual([1, 16, 64, 63]);
    // 6 input channels, filters for 3 per group: a grouped convolution.
    expect(op('tf.nn.conv2d', { strides: 1, padding: 'SAME' }, { input: [1, 8, 8, 6], filters: [3, 3, 3, 10] }).findings).toEqual([]);
    expect(op('tf.nn.conv2d', { strides: 1, padding: 'SAME', dilations: 2 }, { input: [1, 8, 8, 3], filters: [3, 3, 3, 1] }).output).toEqual([1, 8, 8, 1]);
    expect(op('tf.nn.conv2d', { strides: 1, padding: 'VALID', dilations: [1, 2, 2, 1] }, { input: [1, 8, 8, 3], filters: [3, 3, 3, 1] }).output).toEqual([1, 4, 4, 1]);
  });

  it('conv2d: explicit pads per dimension', () => {
    // height floor((64 + 1 + 1 - 3) / 2) + 1 = 32, width floor((64 + 2 + 2 - 3) / 2) + 1 = 33.
    const r = op('tf.nn.conv2d', { strides: 2, padding: [[0, 0], [1, 1], [2, 2], [0, 0]] }, { input: [1, 64, 64, 3], filters: [3, 3, 3, 16] });
    expect(r.output).toEqual([1, 32, 33, 16]);
    expect(r.padding).toEqual({ mode: 'explicit', before: [1, 2], after: [1, 2] });
    expect(finding(op('tf.nn.conv2d', { strides: 1, padding: [[1, 0], [1, 1], [1, 1], [0, 0]] }, { input: [1, 8, 8, 3], filters: [3, 3, 3, 1] }), 'invalid-layer-argument')!.message).toContain(
      'Nonzero explicit padding in the batch or depth dimensions is not supported',
    );
    expect(finding(op('tf.nn.conv2d', { strides: 1, padding: [[1, 1], [1, 1]] }, { input: [1, 8, 8, 3], filters: [3, 3, 3, 1] }), 'invalid-layer-argument')!.message).toContain(
      'When padding is a list, it must be of size 4',
    );
  });

  it('conv2d: what TensorFlow rejects', () => {
    expect(finding(op('tf.nn.conv2d', { strides: 1, padding: 'same' }, { input: [1, 8, 8, 3], filters: [3, 3, 3, 1] }), 'invalid-layer-argument')!.message).toBe(
      `TensorFlow raises InvalidArgumentError: Value for attr 'padding' of "same" is not in the list of allowed values: "SAME", "VALID", "EXPLICIT". tf.nn is case-sensitive (Keras layers are not): write padding='SAME'.`,
    );
    expect(finding(op('tf.nn.conv2d', { strides: [2, 2, 2, 2], padding: 'SAME' }, { input: [1, 8, 8, 3], filters: [3, 3, 3, 1] }), 'invalid-layer-argument')!.message).toContain(
      'those entries must be 1',
    );
    expect(finding(op('tf.nn.conv2d', { strides: [1, 2, 2], padding: 'SAME' }, { input: [1, 8, 8, 3], filters: [3, 3, 3, 1] }), 'invalid-layer-argument')!.message).toContain(
      'length 1, 2 or 4',
    );
    expect(finding(op('tf.nn.conv2d', { strides: 1, padding: 'SAME' }, { input: [1, 8, 8, 4], filters: [3, 3, 3, 1] }), 'shape-mismatch')!.message).toContain(
      'input depth must be evenly divisible by filter depth: 4 vs 3',
    );
    expect(finding(op('tf.nn.conv2d', { strides: 1, padding: 'SAME' }, { input: [1, 8, 8, 3], filters: [3, 3, 1] }), 'rank-mismatch')!.message).toContain('rank-4');
    expect(finding(op('tf.nn.conv2d', { strides: 1 }, { input: [1, 8, 8, 3], filters: [3, 3, 3, 1] }), 'invalid-layer-argument')!.message).toBe(
      "Python raises TypeError: conv2d() missing 1 required positional argument: 'padding'.",
    );
  });

  it("'VALID' windows longer than the input: TensorFlow truncates toward zero", () => {
    // L=2, k=3, s=1: (2 - 3 + 1) / 1 = 0 → an empty axis, no error.
    const empty = op('tf.nn.conv2d', { strides: 1, padding: 'VALID' }, { input: [1, 2, 9, 3], filters: [3, 3, 3, 1] });
    expect(empty.output).toEqual([1, 0, 7, 1]);
    expect(finding(empty, 'non-positive-dimension')!.message).toContain('returns an empty tensor');
    // L=1, k=3, s=1: (1 - 3 + 1) / 1 = -1 → TensorFlow raises.
    const neg = op('tf.nn.conv2d', { strides: 1, padding: 'VALID' }, { input: [1, 1, 9, 3], filters: [3, 3, 3, 1] });
    expect(neg.output).toEqual([1, null, 7, 1]);
    expect(finding(neg, 'non-positive-dimension')!.message).toContain('Computed output size would be negative');
    // L=1, k=3, s=2: (1 - 3 + 2) / 2 = 0.
    expect(op('tf.nn.conv2d', { strides: 2, padding: 'VALID' }, { input: [1, 1, 9, 3], filters: [3, 3, 3, 1] }).output).toEqual([1, 0, 4, 1]);
  });

  it('conv1d (stride), conv3d (strides of 5), convolution (N-D)', () => {
    expect(op('tf.nn.conv1d', { stride: 2, padding: 'VALID' }, { input: [null, 10, 4], filters: [3, 4, 8] }).output).toEqual([null, 4, 8]);
    expect(op('tf.nn.conv1d', { stride: 1, padding: 'SAME', data_format: 'NCW' }, { input: [null, 4, 10], filters: [3, 4, 8] }).output).toEqual([null, 8, 10]);
    expect(op('tf.nn.conv3d', { strides: [1, 2, 2, 2, 1], padding: 'SAME' }, { input: [null, 9, 8, 7, 2], filters: [3, 3, 3, 2, 4] }).output).toEqual([null, 5, 4, 4, 4]);
    expect(finding(op('tf.nn.conv3d', { strides: 1, padding: 'SAME' }, { input: [null, 9, 8, 7, 2], filters: [3, 3, 3, 2, 4] }), 'invalid-layer-argument')!.message).toContain(
      'list of 5 ints',
    );
    expect(finding(op('tf.nn.conv3d', { strides: [1, 1, 1, 1, 1], padding: [[0, 0], [1, 1], [1, 1], [1, 1], [0, 0]] }, { input: [null, 9, 8, 7, 2], filters: [3, 3, 3, 2, 4] }), 'invalid-layer-argument')!.message).toContain(
      'explicit pads are not supported here',
    );
    expect(op('tf.nn.convolution', { strides: 2, padding: 'SAME' }, { input: [null, 9, 7, 5, 2], filters: [3, 3, 3, 2, 4] }).output).toEqual([null, 5, 4, 3, 4]);
    expect(op('tf.nn.convolution', { padding: 'VALID' }, { input: [null, 9, 2], filters: [3, 2, 4] }).output).toEqual([null, 7, 4]);
  });

  it('depthwise_conv2d and separable_conv2d', () => {
    expect(op('tf.nn.depthwise_conv2d', { strides: [1, 1, 1, 1], padding: 'SAME' }, { input: [null, 32, 32, 3], filter: [3, 3, 3, 2] }).output).toEqual([null, 32, 32, 6]);
    // floor((32 - 3) / 2) + 1 = 15; 3 · 2 = 6 depthwise channels, then 10.
    const sep = op('tf.nn.separable_conv2d', { strides: [1, 2, 2, 1], padding: 'VALID' }, { input: [null, 32, 32, 3], depthwise_filter: [3, 3, 3, 2], pointwise_filter: [1, 1, 6, 10] });
    expect(sep.output).toEqual([null, 15, 15, 10]);
    const bad = op('tf.nn.separable_conv2d', { strides: [1, 1, 1, 1], padding: 'SAME' }, { input: [null, 8, 8, 3], depthwise_filter: [3, 3, 3, 2], pointwise_filter: [1, 1, 5, 10] });
    expect(codes(bad)).toContain('shape-mismatch');
  });
});

describe('tf.nn transposed convolutions: output_shape against the forward rule', () => {
  it("'SAME': the forward conv of output_shape must give back the input", () => {
    const ok = op('tf.nn.conv2d_transpose', { output_shape: [1, 64, 64, 8], strides: 2, padding: 'SAME' }, { input: [1, 32, 32, 16], filters: [3, 3, 8, 16] });
    expect(ok.output).toEqual([1, 64, 64, 8]);
    expect(ok.findings).toEqual([]);
    // full = (32 - 1)·2 + 3 = 65; the forward SAME pads on 64 are (0, 1), so TF keeps [0, 64): crops 0 and 1.
    expect(ok.padding).toEqual({ mode: 'same', before: [0, 0], after: [1, 1], crop: true });
    // 63 also works: ceil(63 / 2) = 32.
    expect(op('tf.nn.conv2d_transpose', { output_shape: [1, 63, 64, 8], strides: 2, padding: 'SAME' }, { input: [1, 32, 32, 16], filters: [3, 3, 8, 16] }).findings).toEqual([]);
    const bad = op('tf.nn.conv2d_transpose', { output_shape: [1, 66, 64, 8], strides: 2, padding: 'SAME' }, { input: [1, 32, 32, 16], filters: [3, 3, 8, 16] });
    const msg = finding(bad, 'invalid-layer-argument')!.message;
    expect(msg).toContain("Size of out_backprop doesn't match computed");
    expect(msg).toContain('ceil');
    expect(msg).toContain('output sizes that work: 63 to 64');
  });

  it("'VALID': (L - 1)·s + k up to + s - 1", () => {
    // L=4, k=3, s=2: 9 and 10 work.
    expect(op('tf.nn.conv2d_transpose', { output_shape: [1, 9, 10, 8], strides: [1, 2, 2, 1], padding: 'VALID' }, { input: [1, 4, 4, 16], filters: [3, 3, 8, 16] }).findings).toEqual([]);
    const bad = op('tf.nn.conv2d_transpose', { output_shape: [1, 11, 9, 8], strides: 2, padding: 'VALID' }, { input: [1, 4, 4, 16], filters: [3, 3, 8, 16] });
    expect(finding(bad, 'invalid-layer-argument')!.message).toContain('on height output_shape gives 11');
    expect(finding(bad, 'invalid-layer-argument')!.message).toContain('9 to 10');
    expect(op('tf.nn.conv1d_transpose', { output_shape: [2, 20, 3], strides: 2, padding: 'SAME' }, { input: [2, 10, 5], filters: [4, 3, 5] }).output).toEqual([2, 20, 3]);
    expect(op('tf.nn.conv3d_transpose', { output_shape: [1, 8, 8, 8, 2], strides: 2, padding: 'SAME' }, { input: [1, 4, 4, 4, 5], filters: [2, 2, 2, 2, 5] }).findings).toEqual([]);
  });

  it('channels must match the filters', () => {
    const r = op('tf.nn.conv2d_transpose', { output_shape: [1, 64, 64, 8], strides: 2, padding: 'SAME' }, { input: [1, 32, 32, 16], filters: [3, 3, 8, 5] });
    expect(codes(r)).toContain('shape-mismatch');
    const c = op('tf.nn.conv2d_transpose', { output_shape: [1, 64, 64, 7], strides: 2, padding: 'SAME' }, { input: [1, 32, 32, 16], filters: [3, 3, 8, 16] });
    expect(finding(c, 'invalid-layer-argument')!.message).toContain('output_shape has 7 channels');
    expect(op('tf.nn.conv2d_transpose', { output_shape: unknown, strides: 2, padding: 'SAME' }, { input: [1, 32, 32, 16], filters: [3, 3, 8, 16] }).output).toEqual([1, null, null, 8]);
  });
});

describe('tf.nn pooling', () => {
  it('ksize/strides forms, explicit pads only for max_pool 1-D/2-D', () => {
    expect(op('tf.nn.max_pool2d', { ksize: 3, strides: 2, padding: 'SAME' }, { input: [null, 112, 112, 64] }).output).toEqual([null, 56, 56, 64]);
    expect(op('tf.nn.avg_pool2d', { ksize: [1, 3, 3, 1], strides: [1, 2, 2, 1], padding: 'VALID' }, { input: [null, 112, 112, 64] }).output).toEqual([null, 55, 55, 64]);
    expect(op('tf.nn.max_pool2d', { ksize: 3, strides: 1, padding: [[0, 0], [1, 1], [1, 1], [0, 0]] }, { input: [1, 5, 5, 1] }).output).toEqual([1, 5, 5, 1]);
    expect(finding(op('tf.nn.avg_pool2d', { ksize: 3, strides: 1, padding: [[0, 0], [1, 1], [1, 1], [0, 0]] }, { input: [1, 5, 5, 1] }), 'invalid-layer-argument')!.message).toContain(
      'explicit pads are not supported here',
    );
    expect(finding(op('tf.nn.max_pool2d', { ksize: [2, 2, 2, 1], strides: 2, padding: 'VALID' }, { input: [4, 8, 8, 1] }), 'invalid-layer-argument')!.message).toContain(
      'pools only over the spatial axes',
    );
    expect(op('tf.nn.max_pool1d', { ksize: 2, strides: 2, padding: 'VALID' }, { input: [null, 9, 4] }).output).toEqual([null, 4, 4]);
    expect(op('tf.nn.avg_pool3d', { ksize: 2, strides: 2, padding: 'SAME' }, { input: [null, 9, 8, 7, 1] }).output).toEqual([null, 5, 4, 4, 1]);
    expect(op('tf.nn.max_pool', { ksize: 2, strides: 2, padding: 'VALID' }, { input: [null, 9, 4] }).output).toEqual([null, 4, 4]);
    expect(op('tf.nn.avg_pool', { ksize: 2, strides: 2, padding: 'VALID', data_format: 'NCHW' }, { input: [null, 4, 9, 8] }).output).toEqual([null, 4, 4, 4]);
  });
});

describe('keras.ops convolution and pooling', () => {
  it('conv, conv_transpose, depthwise_conv, separable_conv', () => {
    expect(op('keras.ops.conv', { strides: 2, padding: 'SAME' }, { inputs: [null, 65, 65, 3], kernel: [3, 3, 3, 16] }).output).toEqual([null, 33, 33, 16]);
    expect(op('keras.ops.conv', {}, { inputs: [null, 3, 10], kernel: [3, 3, 4] }, FIRST).output).toEqual([null, 4, 8]);
    const rank = op('keras.ops.conv', {}, { inputs: [null, 10, 10, 3], kernel: [3, 3, 4] });
    expect(finding(rank, 'rank-mismatch')!.message).toContain('Kernel shape must have the same length as input');
    // Keras' transposed length (spec §5.1): same → L·s, valid → (L-1)·s + max(k, s), op given → (L-1)·s + (k mod 2) + op.
    expect(op('keras.ops.conv_transpose', { strides: 2, padding: 'same' }, { inputs: [null, 4, 4, 8], kernel: [3, 3, 16, 8] }).output).toEqual([null, 8, 8, 16]);
    expect(op('keras.ops.conv_transpose', { strides: 2 }, { inputs: [null, 4, 4, 8], kernel: [3, 3, 16, 8] }).output).toEqual([null, 9, 9, 16]);
    expect(op('keras.ops.conv_transpose', { strides: 2, padding: 'same', output_padding: 1 }, { inputs: [null, 4, 4, 8], kernel: [3, 3, 16, 8] }).output).toEqual([null, 8, 8, 16]);
    // same, even kernel, output_padding=0: (4 - 1)·2 + 0 + 0 = 6, and ceil(6 / 2) = 3 ≠ 4 (spec §5.2).
    const even = op('keras.ops.conv_transpose', { strides: 2, padding: 'same', output_padding: 0 }, { inputs: [null, 4, 4, 8], kernel: [4, 4, 16, 8] });
    expect(even.output).toEqual([null, 6, 6, 16]);
    expect(finding(even, 'invalid-layer-argument')!.message).toContain("Size of out_backprop doesn't match computed");
    expect(op('keras.ops.depthwise_conv', {}, { inputs: [null, 10, 10, 3], kernel: [3, 3, 3, 2] }).output).toEqual([null, 8, 8, 6]);
    expect(op('keras.ops.separable_conv', { padding: 'same' }, { inputs: [null, 10, 10, 3], depthwise_kernel: [3, 3, 3, 2], pointwise_kernel: [1, 1, 6, 7] }).output).toEqual([null, 10, 10, 7]);
  });

  it("max_pool / average_pool: strides=None means pool_size; Keras rejects a 'valid' size ≤ 0", () => {
    expect(op('keras.ops.max_pool', { pool_size: 2 }, { inputs: [null, 65, 65, 3] }).output).toEqual([null, 32, 32, 3]);
    expect(op('keras.ops.average_pool', { pool_size: 2, padding: 'same' }, { inputs: [null, 65, 65, 3] }).output).toEqual([null, 33, 33, 3]);
    const small = op('keras.ops.max_pool', { pool_size: 3 }, { inputs: [null, 2, 5, 3] });
    expect(small.output).toEqual([null, null, 1, 3]);
    expect(codes(small)).toEqual(['non-positive-dimension']);
    expect(finding(op('keras.ops.max_pool', { pool_size: 2, padding: 'full' }, { inputs: [null, 4, 4, 1] }), 'invalid-layer-argument')!.message).toBe(
      "Keras raises ValueError: Argument `padding` must be either 'valid' or 'same'. Received: padding=full.",
    );
  });
});

describe('reshape', () => {
  it('tf.reshape: -1 inferred, sizes checked', () => {
    expect(op('tf.reshape', { shape: [-1, 8] }, { tensor: [2, 4, 4] }).output).toEqual([4, 8]);
    expect(op('tf.reshape', { shape: [-1, 16] }, { tensor: [null, 4, 4] }).output).toEqual([null, 16]);
    expect(finding(op('tf.reshape', { shape: [5, 5] }, { tensor: [2, 4, 3] }), 'invalid-layer-argument')!.message).toBe(
      'TensorFlow raises InvalidArgumentError: Input to reshape is a tensor with 24 values, but the requested shape has 25.',
    );
    expect(finding(op('tf.reshape', { shape: [-1, 5] }, { tensor: [2, 4, 3] }), 'invalid-layer-argument')!.message).toBe(
      'TensorFlow raises InvalidArgumentError: Input to reshape is a tensor with 24 values, but the requested shape requires a multiple of 5.',
    );
    expect(finding(op('tf.reshape', { shape: [-1, -1] }, { tensor: [2, 4] }), 'invalid-layer-argument')!.message).toBe(
      'TensorFlow raises InvalidArgumentError: Only one input size may be -1, not both 0 and 1.',
    );
    // One unknown input axis and a fully known target: 20 is not a multiple of 3.
    expect(codes(op('tf.reshape', { shape: [4, 5] }, { tensor: [null, 3] }))).toEqual(['invalid-layer-argument']);
    expect(op('tf.reshape', { shape: [unknown, 3] }, { tensor: [2, 6] }).output).toEqual([null, 3]);
  });

  it('keras.ops.reshape: the batch axis is part of newshape', () => {
    expect(op('keras.ops.reshape', { newshape: [-1, 16] }, { x: [null, 4, 4] }).output).toEqual([null, 16]);
    expect(op('keras.ops.reshape', { newshape: [8, 4] }, { x: [2, 4, 4] }).output).toEqual([8, 4]);
    expect(op('keras.ops.reshape', { newshape: [4, 5] }, { x: [null, 3] }).findings).toEqual([]);
    expect(finding(op('keras.ops.reshape', { newshape: [-1, -2] }, { x: [2, 4] }), 'invalid-layer-argument')!.message).toBe(
      'Keras raises ValueError: Each dimension in `newshape` must be a non-negative integer, or `-1` for a single unknown dimension. Received: newshape=(-1, -2).',
    );
  });
});

describe('concatenate, stack, split', () => {
  it('concat', () => {
    expect(op('tf.concat', { axis: -1 }, { values: list([null, 4, 4, 3], [null, 4, 4, 5]) }).output).toEqual([null, 4, 4, 8]);
    expect(op('keras.ops.concatenate', {}, { xs: list([2, 3], [4, 3]) }).output).toEqual([6, 3]);
    const bad = op('tf.concat', { axis: -1 }, { values: list([null, 4, 4, 3], [null, 5, 4, 5]) });
    expect(finding(bad, 'shape-mismatch')!.message).toContain('ConcatOp : Dimension 1 in both shapes must be equal');
    const kbad = op('keras.ops.concatenate', { axis: 1 }, { xs: list([2, 3], [4, 3]) });
    expect(finding(kbad, 'shape-mismatch')!.message).toContain(
      "Every value in `xs` must have the same shape except on the `axis` dim. But found element of shape (4, 3), which is different from the first element's shape (2, 3)",
    );
    expect(op('tf.concat', { axis: 0 }, { values: list([2, 3], null) }).output).toEqual([null, 3]);
  });

  it('stack', () => {
    expect(op('tf.stack', { axis: 1 }, { values: list([2, 3], [2, 3], [2, 3]) }).output).toEqual([2, 3, 3]);
    expect(op('keras.ops.stack', {}, { x: list([2, 3], [2, 3]) }).output).toEqual([2, 2, 3]);
    expect(finding(op('tf.stack', {}, { values: list([2, 3], [2, 4]) }), 'shape-mismatch')!.message).toContain('Shapes of all inputs must match');
  });

  it('split returns several outputs', () => {
    const r = op('tf.split', { num_or_size_splits: 2, axis: 1 }, { value: [null, 10, 3] });
    expect(r.outputs).toEqual([
      [null, 5, 3],
      [null, 5, 3],
    ]);
    expect(op('tf.split', { num_or_size_splits: [2, -1], axis: 1 }, { value: [null, 10, 3] }).outputs).toEqual([
      [null, 2, 3],
      [null, 8, 3],
    ]);
    expect(finding(op('tf.split', { num_or_size_splits: 3, axis: 1 }, { value: [null, 10, 3] }), 'invalid-layer-argument')!.message).toBe(
      'TensorFlow raises InvalidArgumentError: Dimension size must be evenly divisible by 3 but is 10.',
    );
    expect(codes(op('tf.split', { num_or_size_splits: [2, 3], axis: 1 }, { value: [null, 10, 3] }))).toEqual(['invalid-layer-argument']);
    // NumPy split points: [0:2], [2:5], [5:6].
    expect(op('keras.ops.split', { indices_or_sections: [2, 5] }, { x: [6, 4] }).outputs).toEqual([
      [2, 4],
      [3, 4],
      [1, 4],
    ]);
  });
});

describe('transpose, expand_dims, squeeze, pad, flatten, tf.shape', () => {
  it('transpose', () => {
    expect(op('tf.transpose', {}, { a: [null, 3, 5] }).output).toEqual([5, 3, null]);
    expect(op('keras.ops.transpose', { axes: [0, 2, 1] }, { x: [null, 3, 5] }).output).toEqual([null, 5, 3]);
    expect(finding(op('tf.transpose', { perm: [0, 1] }, { a: [null, 3, 5] }), 'invalid-layer-argument')!.message).toBe(
      'TensorFlow raises InvalidArgumentError: transpose expects a vector of size 3. But input(1) is a vector of size 2.',
    );
    expect(finding(op('keras.ops.transpose', { axes: [0, 1, 1] }, { x: [null, 3, 5] }), 'invalid-layer-argument')!.message).toContain('(no duplicates)');
  });

  it('expand_dims and squeeze', () => {
    expect(op('tf.expand_dims', { axis: -1 }, { input: [null, 3] }).output).toEqual([null, 3, 1]);
    expect(finding(op('tf.expand_dims', { axis: 3 }, { input: [null, 3] }), 'invalid-layer-argument')!.message).toBe(
      'TensorFlow raises InvalidArgumentError: Tried to expand dim index 3 for tensor with 2 dimensions.',
    );
    expect(op('keras.ops.expand_dims', { axis: [0, 2] }, { x: [3, 4] }).output).toEqual([1, 3, 1, 4]);
    expect(op('tf.squeeze', {}, { input: [2, 1, 5] }).output).toEqual([2, 5]);
    expect(op('tf.squeeze', {}, { input: [null, 1, 5] }).output).toBeNull();
    expect(op('keras.ops.squeeze', {}, { x: [null, 1, 5] }).output).toEqual([null, 5]);
    expect(op('tf.squeeze', { axis: 1 }, { input: [null, 1, 5] }).output).toEqual([null, 5]);
    expect(finding(op('tf.squeeze', { axis: 2 }, { input: [2, 1, 5] }), 'invalid-layer-argument')!.message).toBe(
      'TensorFlow raises InvalidArgumentError: Can not squeeze dim[2], expected a dimension of 1, got 5.',
    );
  });

  it('pad', () => {
    expect(op('tf.pad', { paddings: [[0, 0], [1, 1], [2, 2], [0, 0]] }, { tensor: [1, 2, 2, 3] }).output).toEqual([1, 4, 6, 3]);
    expect(finding(op('tf.pad', { paddings: [[0, 0], [1, 1], [2, 2], [0, 0]], mode: 'REFLECT' }, { tensor: [1, 2, 2, 3] }), 'invalid-layer-argument')!.message).toContain(
      'paddings must be less than the dimension size: 2, 2 not less than 2',
    );
    expect(op('tf.pad', { paddings: [[0, 0], [1, 1]], mode: 'SYMMETRIC' }, { tensor: [2, 1] }).output).toEqual([2, 3]);
    expect(codes(op('tf.pad', { paddings: [[1, 1]] }, { tensor: [2, 2] }))).toEqual(['invalid-layer-argument']);
    expect(op('keras.ops.pad', { pad_width: 1 }, { x: [2, 3] }).output).toEqual([4, 5]);
    expect(op('keras.ops.pad', { pad_width: [[1, 2]] }, { x: [2, 3] }).output).toEqual([5, 6]);
    expect(op('keras.ops.pad', { pad_width: [[0, 0], [3, 4]] }, { x: [null, 3] }).output).toEqual([null, 10]);
  });

  it('flatten, ravel, batch_flatten, tf.shape', () => {
    expect(op('keras.ops.ravel', {}, { x: [2, 3, 4] }).output).toEqual([24]);
    expect(op('tf.keras.backend.flatten', {}, { x: [null, 3] }).output).toEqual([null]);
    expect(op('tf.keras.backend.batch_flatten', {}, { x: [null, 3, 4] }).output).toEqual([null, 12]);
    const s = op('tf.shape', {}, { input: [null, 3] });
    expect(s.output).toEqual([2]);
    expect(s.steps.join(' ')).toContain('only known at run time');
  });
});

describe('matmul and reductions', () => {
  it('matmul', () => {
    expect(op('keras.ops.matmul', {}, { x1: [null, 8, 4], x2: [4, 5] }).output).toEqual([null, 8, 5]);
    expect(op('keras.ops.matmul', {}, { x1: [3], x2: [3, 4] }).output).toEqual([4]);
    expect(op('keras.ops.matmul', {}, { x1: [2, 1, 3, 4], x2: [5, 4, 6] }).output).toEqual([2, 5, 3, 6]);
    expect(finding(op('keras.ops.matmul', {}, { x1: [null, 8, 4], x2: [5, 6] }), 'shape-mismatch')!.message).toBe(
      'Keras raises ValueError: Inner dimensions (`x1.shape[-1]` and `x2.shape[-2]`) must be equal, but received `x1.shape=(None, 8, 4)` and `x2.shape=(5, 6)`.',
    );
    expect(codes(op('keras.ops.matmul', {}, { x1: [2, 3, 4], x2: [5, 4, 6] }))).toEqual(['shape-mismatch']);
    expect(op('tf.matmul', { transpose_b: true }, { a: [2, 3], b: [5, 3] }).output).toEqual([2, 5]);
    expect(op('tf.linalg.matmul', {}, { a: [7, 2, 3], b: [7, 3, 5] }).output).toEqual([7, 2, 5]);
    expect(codes(op('tf.matmul', {}, { a: [3], b: [3, 4] }))).toEqual(['rank-mismatch']);
  });

  it('reductions', () => {
    expect(op('tf.reduce_mean', { axis: [1, 2] }, { input_tensor: [null, 7, 7, 512] }).output).toEqual([null, 512]);
    expect(op('tf.math.reduce_sum', { axis: [1, 2], keepdims: true }, { input_tensor: [null, 7, 7, 512] }).output).toEqual([null, 1, 1, 512]);
    expect(op('tf.reduce_max', {}, { input_tensor: [null, 7] }).output).toEqual([]);
    expect(op('keras.ops.sum', { axis: -1, keepdims: true }, { x: [2, 3] }).output).toEqual([2, 1]);
    expect(op('keras.ops.max', { keepdims: true }, { x: [2, 3] }).output).toEqual([1, 1]);
    expect(finding(op('tf.reduce_mean', { axis: 4 }, { input_tensor: [null, 7, 7, 512] }), 'invalid-layer-argument')!.message).toBe(
      'TensorFlow raises InvalidArgumentError: Invalid reduction dimension 4 for input with 4 dimensions.',
    );
  });
});

describe('image resize', () => {
  it('(height, width) become size', () => {
    expect(op('tf.image.resize', { size: [224, 224] }, { images: [null, 100, 80, 3] }).output).toEqual([null, 224, 224, 3]);
    expect(op('tf.image.resize', { size: [224, 200] }, { images: [100, 80, 3] }).output).toEqual([224, 200, 3]);
    expect(op('tf.image.resize', { size: [224, 224], preserve_aspect_ratio: true }, { images: [null, 100, 80, 3] }).output).toEqual([null, null, null, 3]);
    expect(finding(op('tf.image.resize', { size: [224] }, { images: [null, 100, 80, 3] }), 'invalid-layer-argument')!.message).toContain("'size' must be a 1-D Tensor of 2 elements");
    expect(op('keras.ops.image.resize', { size: [32, 48] }, { images: [null, 3, 100, 80] }, FIRST).output).toEqual([null, 3, 32, 48]);
    expect(codes(op('keras.ops.image.resize', { size: [32, 48] }, { images: [null, 100] }))).toEqual(['rank-mismatch']);
  });
});

describe('registry', () => {
  it('signatures say which parameters are tensors', () => {
    expect(opSignature('tf.nn.conv2d').map((p) => `${p.name}:${p.kind}:${p.required ? 'req' : 'opt'}`)).toEqual([
      'input:tensor:req',
      'filters:tensor:req',
      'strides:value:req',
      'padding:value:req',
      'data_format:value:opt',
      'dilations:value:opt',
      'name:value:opt',
    ]);
    expect(opSignature('tf.concat')[0]).toEqual({ name: 'values', kind: 'tensors', required: true });
    expect(opSignature('keras.ops.conv').map((p) => p.name)).toEqual(['inputs', 'kernel', 'strides', 'padding', 'data_format', 'dilation_rate']);
    expect(opSignature('keras.ops.max_pool').map((p) => p.name)).toEqual(['inputs', 'pool_size', 'strides', 'padding', 'data_format']);
    expect(canonicalOpName('keras.ops.nn.conv')).toBe('keras.ops.conv');
    expect(canonicalOpName('tf.math.reduce_mean')).toBe('tf.reduce_mean');
    expect(canonicalOpName('keras.ops.flatten')).toBeUndefined();
    expect(isOp('tf.nn.conv2d')).toBe(true);
    expect(isOp('__proto__')).toBe(false);
    expect(supportedOps().length).toBeGreaterThan(50);
    const r = applyOp('tf.nn.conv4d', {}, {}, LAST);
    expect(r.output).toBeNull();
    expect(r.unknownReason).toContain('not an op');
  });
});
