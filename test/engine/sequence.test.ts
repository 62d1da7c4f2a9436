// Embedding, the recurrent layers, ConvLSTM, Bidirectional, TimeDistributed, the attention
// layers, Lambda and Dot. Expected shapes are derived by hand from Keras 3's
// compute_output_shape / compute_output_spec (keras/src/layers/rnn/, attention/, core/,
// merging/dot.py); messages are Keras' own wording.
import { describe, expect, it } from 'vitest';
import { applyLayer, functionalMergeName, layerCallSignature, layerInputKind, layerSignature } from '../../server/src/engine/index';
import type { LayerResult, PyValue, Shape } from '../../server/src/engine/types';
import { FIRST, LAST, codes, finding, float, int, layer, merge, none, py, str, unknown } from './helpers';

const L = (className: string, args: Record<string, unknown> = {}): PyValue => {
  const pa: Record<string, PyValue> = {};
  for (const [k, v] of Object.entries(args)) pa[k] = py(v);
  return { kind: 'layer', call: { className, args: pa } };
};

function call(className: string, args: Record<string, unknown>, inputs: (Shape | null)[], callArgs: Record<string, unknown> = {}, options = LAST): LayerResult {
  const pa: Record<string, PyValue> = {};
  for (const [k, v] of Object.entries(args)) pa[k] = py(v);
  const ca: Record<string, PyValue> = {};
  for (const [k, v] of Object.entries(callArgs)) ca[k] = py(v);
  return applyLayer({ className, args: pa, callArgs: ca }, inputs, options);
}

function wellFormed(r: LayerResult): void {
  const keys = r.findings.map((f) => `${f.code}/${f.via ?? ''}`);
  expect(new Set(keys).size).toBe(keys.length);
  for (const f of r.findings) expect(f.message.trim().endsWith('.')).toBe(true);
  if (r.outputs) expect(r.outputs[0]).toEqual(r.output);
}

describe('Embedding', () => {
  it('appends output_dim to any input shape; input_length is ignored', () => {
    expect(layer('Embedding', { input_dim: 1000, output_dim: 64 }, [null, 10]).output).toEqual([null, 10, 64]);
    expect(layer('Embedding', { input_dim: 50, output_dim: 16 }, [null, 5, 7]).output).toEqual([null, 5, 7, 16]);
    expect(layer('Embedding', { input_dim: 50, output_dim: 16 }, [8]).output).toEqual([8, 16]);
    const r = layer('Embedding', { input_dim: 1000, output_dim: 64, input_length: 99 }, [null, 10]);
    expect(r.output).toEqual([null, 10, 64]);
    expect(r.steps.join(' ')).toContain('input_length is ignored by Keras 3');
    expect(r.torch).toBe('nn.Embedding(1000, 64)');
  });

  it('reports missing and negative sizes', () => {
    expect(finding(layer('Embedding', { output_dim: 4 }, [null, 3]), 'invalid-layer-argument')!.message).toBe(
      "Python raises TypeError: Embedding.__init__() missing 1 required positional argument: 'input_dim'.",
    );
    const r = layer('Embedding', { input_dim: 10, output_dim: -2 }, [null, 3]);
    expect(finding(r, 'invalid-layer-argument')!.message).toContain('output_dim=-2 is negative');
    expect(r.output).toEqual([null, 3, null]);
  });
});

describe('SimpleRNN / LSTM / GRU', () => {
  it('last step, every step, and the states of return_state', () => {
    expect(layer('LSTM', { units: 8 }, [null, 10, 4]).output).toEqual([null, 8]);
    expect(layer('LSTM', { units: 8, return_sequences: true }, [32, 10, 4]).output).toEqual([32, 10, 8]);
    const lstm = layer('LSTM', { units: 8, return_sequences: true, return_state: true }, [null, 10, 4]);
    expect(lstm.outputs).toEqual([
      [null, 10, 8],
      [null, 8],
      [null, 8],
    ]);
    const gru = layer('GRU', { units: 5, return_state: true }, [null, null, 3]);
    expect(gru.outputs).toEqual([
      [null, 5],
      [null, 5],
    ]);
    const rnn = layer('SimpleRNN', { units: 2, return_sequences: true, return_state: true, go_backwards: true }, [4, 6, 3]);
    expect(rnn.outputs).toEqual([
      [4, 6, 2],
      [4, 2],
    ]);
    for (const r of [lstm, gru, rnn]) wellFormed(r);
    expect(layer('GRU', { units: 5 }, [null, 7, 3]).outputs).toBeUndefined();
    expect(layer('GRU', { units: 5 }, [null, 7, 3]).torch).toBe('nn.GRU(3, 5, batch_first=True)');
  });

  it('needs a rank-3 input and positive units', () => {
    const r = layer('SimpleRNN', { units: 3 }, [null, 4]);
    expect(r.output).toBeNull();
    expect(finding(r, 'rank-mismatch')!.message).toBe('SimpleRNN expects a rank-3 input (batch, timesteps, features), but got rank 2: (None, 4).');
    expect(finding(layer('GRU', { units: 0 }, [null, 10, 4]), 'invalid-layer-argument')!.message).toBe(
      'Keras raises ValueError: Received an invalid value for argument `units`, expected a positive integer, got 0.',
    );
    expect(finding(layer('LSTM', { units: 4, use_cudnn: 'yes' }, [null, 10, 4]), 'invalid-layer-argument')!.message).toBe(
      "Keras raises ValueError: Invalid valid received for argument `use_cudnn`. Expected one of {'auto', True, False}. Received: use_cudnn=yes.",
    );
    expect(layer('LSTM', { units: 4, use_cudnn: false }, [null, 10, 4]).findings).toEqual([]);
  });

  it('unknown flags leave the output unknown; unknown units only the last axis', () => {
    expect(layer('LSTM', { units: 4, return_sequences: unknown }, [null, 10, 4]).output).toBeNull();
    expect(layer('LSTM', { units: unknown }, [null, 10, 4]).output).toEqual([null, null]);
    expect(layer('LSTM', { units: 4 }, null).output).toEqual([null, 4]);
  });
});

describe('ConvLSTM1D/2D/3D', () => {
  it('the conv window on each step, time kept with return_sequences', () => {
    // 65 with k=3, s=2, 'same': ceil(65/2) = 33.
    const r = layer('ConvLSTM2D', { filters: 16, kernel_size: 3, padding: 'same', strides: 2, return_sequences: true }, [null, 5, 65, 65, 3]);
    expect(r.output).toEqual([null, 5, 33, 33, 16]);
    expect(r.padding).toEqual({ mode: 'same', before: [1, 1], after: [1, 1] });
    expect(r.axes.map((a) => a.axis)).toEqual([2, 3]);
    expect(codes(r)).toContain('same-stride-uneven');
    // valid: 64 - 3 + 1 = 62; the last step only.
    expect(layer('ConvLSTM2D', { filters: 4, kernel_size: 3 }, [null, 5, 64, 64, 3]).output).toEqual([null, 62, 62, 4]);
    // ConvLSTM1D: 20 - 3 + 1 = 18; return_state adds h and c with the step shape.
    expect(layer('ConvLSTM1D', { filters: 4, kernel_size: 3, return_state: true }, [null, 7, 20, 2]).outputs).toEqual([
      [null, 18, 4],
      [null, 18, 4],
      [null, 18, 4],
    ]);
    // ConvLSTM3D k=2, s=2 valid: floor((8-2)/2)+1 = 4, floor((9-2)/2)+1 = 4, floor((10-2)/2)+1 = 5.
    expect(layer('ConvLSTM3D', { filters: 2, kernel_size: 2, strides: 2 }, [null, 3, 8, 9, 10, 1]).output).toEqual([null, 4, 4, 5, 2]);
    // channels_first: (batch, time, channels, rows, cols); 32 - 2 = 30, 30 - 2 = 28.
    expect(layer('ConvLSTM2D', { filters: 16, kernel_size: 3, data_format: 'channels_first' }, [null, 5, 3, 32, 30]).output).toEqual([null, 16, 30, 28]);
    expect(layer('ConvLSTM2D', { filters: 16, kernel_size: 3 }, [null, 5, 3, 32, 30], FIRST).output).toEqual([null, 16, 30, 28]);
  });

  it('reports what Keras rejects', () => {
    expect(finding(layer('ConvLSTM2D', { filters: 4, kernel_size: 3, strides: 2, dilation_rate: 2 }, [null, 5, 9, 9, 1]), 'invalid-layer-argument')!.message).toBe(
      'Keras raises ValueError: Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please provide `strides=1` or `dilation_rate=1`. Received: strides=(2, 2) and dilation_rate=(2, 2).',
    );
    expect(finding(layer('ConvLSTM2D', { filters: 4, kernel_size: 3, strides: 0 }, [null, 5, 9, 9, 1]), 'invalid-layer-argument')!.message).toContain('contains 0');
    expect(finding(layer('ConvLSTM1D', { filters: 4, kernel_size: 3, padding: 'causal' }, [null, 5, 9, 1]), 'invalid-layer-argument')!.message).toContain(
      "one of {'valid', 'same'}",
    );
    const small = layer('ConvLSTM2D', { filters: 4, kernel_size: 5 }, [null, 5, 4, 9, 1]);
    expect(codes(small)).toEqual(['non-positive-dimension']);
    expect(small.output).toEqual([null, null, 5, 4]);
    expect(finding(layer('ConvLSTM2D', { filters: 4, kernel_size: 3 }, [null, 9, 9, 1]), 'rank-mismatch')!.message).toContain('rank-5');
  });
});

describe('Bidirectional', () => {
  const x: Shape = [null, 10, 4];
  it('merge modes and return_state', () => {
    expect(layer('Bidirectional', { layer: L('LSTM', { units: 32, return_sequences: true }) }, x).output).toEqual([null, 10, 64]);
    expect(layer('Bidirectional', { layer: L('GRU', { units: 32 }), merge_mode: 'sum' }, x).output).toEqual([null, 32]);
    expect(layer('Bidirectional', { layer: L('GRU', { units: 32 }), merge_mode: 'ave' }, x).output).toEqual([null, 32]);
    const sep = layer('Bidirectional', { layer: L('LSTM', { units: 32, return_sequences: true }), merge_mode: none }, x);
    expect(sep.outputs).toEqual([
      [null, 10, 32],
      [null, 10, 32],
    ]);
    const st = layer('Bidirectional', { layer: L('LSTM', { units: 32, return_state: true }) }, x);
    expect(st.outputs).toEqual([[null, 64], [null, 32], [null, 32], [null, 32], [null, 32]]);
    const both = layer('Bidirectional', { layer: L('GRU', { units: 8, return_sequences: true, return_state: true }), merge_mode: none }, x);
    expect(both.outputs).toEqual([[null, 10, 8], [null, 10, 8], [null, 8], [null, 8]]);
    const conv = layer('Bidirectional', { layer: L('ConvLSTM2D', { filters: 3, kernel_size: 3, padding: 'same', return_sequences: true }) }, [null, 4, 8, 8, 2]);
    expect(conv.output).toEqual([null, 4, 8, 8, 6]);
    for (const r of [sep, st, both, conv]) wellFormed(r);
  });

  it("reports Keras' constructor checks", () => {
    expect(finding(layer('Bidirectional', { layer: L('LSTM', { units: 3 }), merge_mode: 'avg' }, x), 'invalid-layer-argument')!.message).toBe(
      'Keras raises ValueError: Invalid merge mode. Received: avg. Merge mode should be one of {"sum", "mul", "ave", "concat", None}.',
    );
    expect(finding(layer('Bidirectional', { layer: L('Dense', { units: 3 }) }, x), 'invalid-layer-argument')!.message).toContain(
      "Unrecognized keyword arguments passed to Dense: {'go_backwards': True}",
    );
    expect(finding(layer('Bidirectional', { layer: L('LSTM', { units: 3, go_backwards: true }) }, x), 'invalid-layer-argument')!.message).toContain(
      'Forward layer and backward layer should have different `go_backwards` value. Received: forward_layer.go_backwards True, backward_layer.go_backwards=True',
    );
    expect(finding(layer('Bidirectional', { layer: L('LSTM', { units: 3 }), backward_layer: L('LSTM', { units: 3 }) }, x), 'invalid-layer-argument')!.message).toContain(
      'should have different `go_backwards` value',
    );
    const seqDiff = layer('Bidirectional', { layer: L('LSTM', { units: 3, return_sequences: true }), backward_layer: L('LSTM', { units: 3, go_backwards: true }) }, x);
    expect(finding(seqDiff, 'invalid-layer-argument')!.message).toContain(
      'Forward layer and backward layer are expected to have the same value for attribute "return_sequences", got "True" for forward layer and "False" for backward layer',
    );
    expect(finding(layer('Bidirectional', { layer: int(3) }, x), 'invalid-layer-argument')!.message).toBe(
      'Keras raises ValueError: Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. Received: 3.',
    );
  });

  it("a backward layer with other units: Keras' declared concat shape is 2·forward", () => {
    const r = layer('Bidirectional', { layer: L('LSTM', { units: 8 }), backward_layer: L('LSTM', { units: 4, go_backwards: true }) }, x);
    expect(r.output).toEqual([null, 16]);
    expect(finding(r, 'shape-mismatch')!.message).toContain('8 + 4 features');
  });

  it("the wrapped layer's argument findings come back with via, input findings as the wrapper's", () => {
    const r = layer('Bidirectional', { layer: L('LSTM', { units: 0 }) }, x);
    const f = r.findings.find((g) => g.via === 'layer')!;
    expect(f.code).toBe('invalid-layer-argument');
    expect(f.argument).toBe('units');
    wellFormed(r);
    const rank = layer('Bidirectional', { layer: L('LSTM', { units: 3 }) }, [null, 4]);
    expect(finding(rank, 'rank-mismatch')!.via).toBeUndefined();
    expect(rank.output).toBeNull();
  });
});

describe('TimeDistributed', () => {
  it('applies the layer per step and puts the time axis back', () => {
    // Keras' docstring example: Conv2D(64, (3, 3)) on (32, 10, 128, 128, 3) → (32, 10, 126, 126, 64).
    const r = layer('TimeDistributed', { layer: L('Conv2D', { filters: 64, kernel_size: [3, 3] }) }, [32, 10, 128, 128, 3]);
    expect(r.output).toEqual([32, 10, 126, 126, 64]);
    expect(r.axes.map((a) => a.axis)).toEqual([2, 3]);
    expect(layer('TimeDistributed', { layer: L('Dense', { units: 8 }) }, [null, 10, 16]).output).toEqual([null, 10, 8]);
    expect(layer('TimeDistributed', { layer: L('Flatten') }, [null, 7, 4, 5]).output).toEqual([null, 7, 20]);
    const same = layer('TimeDistributed', { layer: L('Conv2D', { filters: 4, kernel_size: 3, strides: 2, padding: 'same' }) }, [null, 3, 65, 65, 3]);
    expect(same.output).toEqual([null, 3, 33, 33, 4]);
    expect(same.findings.find((f) => f.code === 'same-stride-uneven')!.via).toBe('layer');
    wellFormed(same);
  });

  it('needs rank ≥ 3 and a layer', () => {
    const r = layer('TimeDistributed', { layer: L('Dense', { units: 8 }) }, [null, 16]);
    expect(r.output).toBeNull();
    expect(finding(r, 'rank-mismatch')!.message).toContain(
      'Keras raises ValueError: `TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, received: (None, 16).',
    );
    expect(finding(layer('TimeDistributed', { layer: str('dense') }, [null, 3, 4]), 'invalid-layer-argument')!.message).toBe(
      "Keras raises ValueError: Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. Received: 'dense'.",
    );
  });
});

describe('MultiHeadAttention', () => {
  const q: Shape = [null, 8, 16];
  const v: Shape = [null, 4, 16];
  it('the query shape, or query[:-1] + output_shape', () => {
    expect(call('MultiHeadAttention', { num_heads: 2, key_dim: 2 }, [q, v]).output).toEqual([null, 8, 16]);
    expect(call('MultiHeadAttention', { num_heads: 2, key_dim: 2, output_shape: 32 }, [q, v]).output).toEqual([null, 8, 32]);
    expect(call('MultiHeadAttention', { num_heads: 2, key_dim: 2, output_shape: [2, 5] }, [q, v]).output).toEqual([null, 8, 2, 5]);
    expect(call('MultiHeadAttention', { num_heads: 4, key_dim: 8 }, [[null, 5, 6, 12], [null, 5, 6, 3]]).output).toEqual([null, 5, 6, 12]);
  });

  it("return_attention_scores: Keras' symbolic scores are (batch, heads, T, T)", () => {
    const r = call('MultiHeadAttention', { num_heads: 2, key_dim: 2 }, [q, v], { return_attention_scores: true });
    expect(r.outputs).toEqual([
      [null, 8, 16],
      [null, 2, 8, 8],
    ]);
    expect(r.steps.join(' ')).toContain('(batch, num_heads, T, S) with S = the key length 4');
    wellFormed(r);
  });

  it('value and key must agree except on the last axis', () => {
    const r = call('MultiHeadAttention', { num_heads: 2, key_dim: 2 }, [q, v, [null, 5, 16]]);
    expect(finding(r, 'shape-mismatch')!.message).toBe(
      'Keras raises ValueError: All dimensions of `value` and `key`, except the last one, must be equal. Received: value_shape=(None, 4, 16) and key_shape=(None, 5, 16).',
    );
    expect(call('MultiHeadAttention', { num_heads: 2, key_dim: 2 }, [q, v, [null, 4, 7]]).findings).toEqual([]);
    expect(finding(call('MultiHeadAttention', { num_heads: 2, key_dim: 2 }, [q]), 'invalid-layer-argument')!.message).toBe(
      "Python raises TypeError: MultiHeadAttention.call() missing 1 required positional argument: 'value'.",
    );
    expect(finding(call('MultiHeadAttention', { num_heads: 2, key_dim: 0 }, [q, v]), 'invalid-layer-argument')!.message).toContain('ZeroDivisionError');
  });
});

describe('Attention / AdditiveAttention', () => {
  it('(*query[:-1], value[-1]) and scores (batch, Tq, Tv)', () => {
    const r = call('Attention', {}, [
      [null, 8, 16],
      [null, 4, 16],
    ], { return_attention_scores: true });
    expect(r.outputs).toEqual([
      [null, 8, 16],
      [null, 8, 4],
    ]);
    const k = call('AdditiveAttention', {}, [
      [2, 8, 16],
      [2, 5, 10],
      [2, 5, 16],
    ]);
    expect(k.output).toEqual([2, 8, 10]);
    expect(k.findings).toEqual([]);
  });

  it('reports inputs TensorFlow cannot combine and bad lists', () => {
    const r = merge('Attention', {}, [
      [null, 8, 16],
      [null, 4, 10],
    ]);
    expect(finding(r, 'shape-mismatch')!.message).toContain('the query has 16 features but the key 10');
    expect(finding(merge('Attention', {}, [[null, 8, 16]].concat([[null, 2, 16], [null, 2, 16], [null, 2, 16]]) as Shape[]), 'shape-mismatch')!.message).toBe(
      'Keras raises ValueError: Attention layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. Received length: 4.',
    );
    expect(finding(merge('Attention', { score_mode: 'cos' }, [[null, 2, 3], [null, 2, 3]]), 'invalid-layer-argument')!.message).toBe(
      "Keras raises ValueError: Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. Received: score_mode=cos.",
    );
  });
});

describe('Lambda and Dot', () => {
  it('Lambda: known only with an output_shape tuple', () => {
    expect(layer('Lambda', { function: unknown, output_shape: [5] }, [null, 3]).output).toEqual([null, 5]);
    expect(layer('Lambda', { function: unknown, output_shape: [none, 4] }, [7, 3]).output).toEqual([7, null, 4]);
    const r = layer('Lambda', { function: unknown }, [null, 3]);
    expect(r.output).toBeNull();
    expect(r.unknownReason).toContain('output_shape');
    expect(finding(layer('Lambda', { function: unknown, output_shape: 5 }, [null, 3]), 'invalid-layer-argument')!.message).toContain('output_shape=(5,)');
  });

  it('Dot: Keras examples and checks', () => {
    // Keras docstring: (2, 3, 5) · (2, 10, 3) with axes=(1, 2) → (2, 5, 10).
    expect(merge('Dot', { axes: [1, 2] }, [[2, 3, 5], [2, 10, 3]]).output).toEqual([2, 5, 10]);
    expect(merge('Dot', { axes: 1 }, [[null, 8], [null, 8]]).output).toEqual([null, 1]);
    expect(merge('Dot', { axes: -1 }, [[null, 4, 8], [null, 6, 8]]).output).toEqual([null, 4, 6]);
    expect(finding(merge('Dot', { axes: [1, 1] }, [[null, 3, 5], [null, 4, 5]]), 'shape-mismatch')!.message).toBe(
      'Keras raises ValueError: Incompatible input shapes: axis values 3 (at axis 1) != 4 (at axis 1). Full input shapes: (None, 3, 5), (None, 4, 5).',
    );
    expect(finding(merge('Dot', { axes: 0 }, [[4, 3], [4, 3]]), 'invalid-layer-argument')!.message).toContain('Cannot perform batch_dot over axis 0');
    expect(finding(merge('Dot', { axes: [1, 2, 3] }, [[4, 3], [4, 3]]), 'invalid-layer-argument')!.message).toBe(
      'Keras raises ValueError: Invalid format for argument `axes`: it should contain two elements. Received: axes=(1, 2, 3).',
    );
    expect(finding(merge('Dot', { axes: float(1) }, [[4, 3], [4, 3]]), 'invalid-layer-argument')!.message).toContain('TypeError');
  });
});

describe('API for the front end', () => {
  it('call signatures, input kinds and signatures', () => {
    expect(layerCallSignature('MultiHeadAttention').tensors).toEqual(['query', 'value', 'key']);
    expect(layerCallSignature('MultiHeadAttention').params).toContain('return_attention_scores');
    expect(layerCallSignature('LSTM')).toEqual({ params: ['sequences', 'initial_state', 'mask', 'training'], tensors: ['sequences'] });
    expect(layerCallSignature('Conv2D')).toEqual({ params: ['inputs'], tensors: ['inputs'] });
    expect(layerInputKind('MultiHeadAttention')).toBe('multi');
    expect(layerInputKind('Attention')).toBe('list');
    expect(layerInputKind('Dot')).toBe('list');
    expect(functionalMergeName('dot')).toBe('Dot');
    expect(layerSignature('LSTM').slice(0, 3)).toEqual(['units', 'activation', 'recurrent_activation']);
    expect(layerSignature('LSTM').indexOf('return_sequences')).toBe(18);
    expect(layerSignature('GRU').at(-2)).toBe('reset_after');
    expect(layerSignature('SimpleRNN').at(-1)).toBe('seed');
    expect(layerSignature('Bidirectional')).toEqual(['layer', 'merge_mode', 'weights', 'backward_layer']);
    expect(layerSignature('ConvLSTM2D').slice(0, 6)).toEqual(['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate']);
  });
});
