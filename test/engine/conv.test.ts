// Conv1D/2D/3D, DepthwiseConv1D/2D, SeparableConv1D/2D: shapes, channels, both data formats,
// unknown dims and arguments, Keras' argument errors, the hover derivation and PyTorch form.
// Expected values are worked out by hand from spec §2–§4.
import { describe, expect, it } from 'vitest';
import { FIRST, codes, finding, layer, tup, unknown } from './helpers';

describe('Conv2D', () => {
  it('computes the seed question (65×65, k=3, s=2, same) with the formulas in the user numbers', () => {
    const r = layer('Conv2D', { filters: 32, kernel_size: 3, strides: 2, padding: 'same' }, [null, 65, 65, 3]);
    expect(r.output).toEqual([null, 33, 33, 32]);
    expect(r.padding).toEqual({ mode: 'same', before: [1, 1], after: [1, 1] });
    expect(r.axes[0]).toMatchObject({ axis: 1, name: 'height', input: 65, output: 33, kernel: 3, stride: 2, dilation: 1, effectiveKernel: 3, before: 1, after: 1 });
    expect(r.axes[0]!.formula).toBe('ceil(65 / 2) = 33');
    expect(r.axes[0]!.paddingFormula).toBe('P = max((33 - 1)·2 + 3 - 65, 0) = 2 → 1 before, 1 after');
    expect(r.steps.join('\n')).toContain('height: ceil(65 / 2) = 33; P = max((33 - 1)·2 + 3 - 65, 0) = 2 → 1 before, 1 after.');
    expect(r.steps[r.steps.length - 1]).toBe('Output shape (None, 33, 33, 32).');
    expect(r.torch).toBe('nn.Conv2d(3, 32, kernel_size=3, stride=2, padding=1)');
    expect(codes(r)).toEqual(['same-stride-uneven']);
  });

  it('channels_first puts channels at axis 1 and spatial axes after it', () => {
    const r = layer('Conv2D', { filters: 16, kernel_size: [3, 5], strides: [1, 2], padding: 'valid' }, [null, 3, 20, 21], FIRST);
    // height floor((20-3)/1)+1 = 18, width floor((21-5)/2)+1 = 9
    expect(r.output).toEqual([null, 16, 18, 9]);
    expect(r.axes.map((a) => a.axis)).toEqual([2, 3]);
    const explicit = layer('Conv2D', { filters: 16, kernel_size: [3, 5], strides: [1, 2], data_format: 'channels_first' }, [null, 3, 20, 21]);
    expect(explicit.output).toEqual([null, 16, 18, 9]);
    const upper = layer('Conv2D', { filters: 16, kernel_size: 3, data_format: 'Channels_First' }, [null, 3, 20, 21]);
    expect(upper.output).toEqual([null, 16, 18, 19]);
  });

  it('passes the batch dimension through and keeps unknown axes unknown per axis', () => {
    const r = layer('Conv2D', { filters: 8, kernel_size: 3, strides: 2, padding: 'same' }, [7, null, 64, 3]);
    expect(r.output).toEqual([7, null, 32, 8]);
    expect(r.padding).toEqual({ mode: 'same', before: [null, 0], after: [null, 1] });
    expect(r.unknownReason).toMatch(/not known/);
    // Only the known axis is flagged.
    expect(finding(r, 'same-stride-downsamples')!.message).toContain('width 64 → 32');
    expect(finding(r, 'same-stride-downsamples')!.message).not.toContain('height');
  });

  it('knows stride-1 same pads even when the length is unknown (spec §1.4)', () => {
    const r = layer('Conv2D', { filters: 8, kernel_size: 4, padding: 'same' }, [null, null, null, 3]);
    expect(r.output).toEqual([null, null, null, 8]);
    expect(r.padding).toEqual({ mode: 'same', before: [1, 1], after: [2, 2] });
    expect(codes(r)).toEqual(['same-asymmetric-padding']);
  });

  it('an unknown filters argument leaves only the channel axis unknown, without a finding', () => {
    const r = layer('Conv2D', { filters: unknown, kernel_size: 3 }, [null, 10, 12, 3]);
    expect(r.output).toEqual([null, 8, 10, null]);
    expect(r.findings).toEqual([]);
    expect(r.torch).toBe('nn.Conv2d(3, out_channels, kernel_size=3, stride=1, padding=0)');
  });

  it('unknown strides make the spatial axes unknown, channels stay known, no finding', () => {
    const r = layer('Conv2D', { filters: 8, kernel_size: 3, strides: unknown, padding: 'same' }, [null, 10, 12, 3]);
    expect(r.output).toEqual([null, null, null, 8]);
    expect(r.findings).toEqual([]);
    const partial = layer('Conv2D', { filters: 8, kernel_size: 3, strides: tup(2, unknown), padding: 'same' }, [null, 10, 12, 3]);
    expect(partial.output).toEqual([null, 5, null, 8]);
  });

  it('an unknown input shape still yields the layer rank and channels', () => {
    const r = layer('Conv2D', { filters: 8, kernel_size: 3 }, null);
    expect(r.output).toEqual([null, null, null, 8]);
    expect(r.unknownReason).toContain('input shape is not known');
    expect(r.findings).toEqual([]);
  });

  it('groups: output channels = filters; channel and filter divisibility are checked', () => {
    const ok = layer('Conv2D', { filters: 8, kernel_size: 1, groups: 4 }, [null, 5, 5, 12]);
    expect(ok.output).toEqual([null, 5, 5, 8]);
    expect(ok.torch).toBe('nn.Conv2d(12, 8, kernel_size=1, stride=1, padding=0, groups=4)');
    const badFilters = layer('Conv2D', { filters: 6, kernel_size: 1, groups: 4 }, [null, 5, 5, 12]);
    expect(finding(badFilters, 'invalid-layer-argument')).toMatchObject({ argument: 'groups' });
    expect(finding(badFilters, 'invalid-layer-argument')!.message).toContain(
      'The number of filters must be evenly divisible by the number of groups. Received: groups=4, filters=6',
    );
    const badChannels = layer('Conv2D', { filters: 8, kernel_size: 1, groups: 4 }, [null, 5, 5, 6]);
    expect(finding(badChannels, 'invalid-layer-argument')!.message).toContain(
      'Received groups=4, but the input has 6 channels (full input shape is (None, 5, 5, 6))',
    );
    const zero = layer('Conv2D', { filters: 8, kernel_size: 1, groups: 0 }, [null, 5, 5, 6]);
    expect(finding(zero, 'invalid-layer-argument')!.message).toContain('The number of groups must be a positive integer. Received: groups=0');
  });

  it('rejects strides > 1 with dilation > 1, even on different axes', () => {
    const r = layer('Conv2D', { filters: 4, kernel_size: 3, strides: [2, 1], dilation_rate: [1, 2] }, [null, 10, 10, 3]);
    const f = finding(r, 'invalid-layer-argument')!;
    expect(f.argument).toBe('strides');
    expect(f.message).toContain('`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2, 1) and dilation_rate=(1, 2)');
  });

  it('dilation: effective kernel (k-1)·d+1 in formula, torch and findings', () => {
    const r = layer('Conv2D', { filters: 4, kernel_size: 3, dilation_rate: 2, padding: 'valid' }, [null, 10, 10, 3]);
    expect(r.output).toEqual([null, 6, 6, 4]);
    expect(r.axes[0]).toMatchObject({ kernel: 3, dilation: 2, effectiveKernel: 5, formula: 'floor((10 - 5) / 1) + 1 = 6' });
    expect(r.torch).toBe('nn.Conv2d(3, 4, kernel_size=3, stride=1, padding=0, dilation=2)');
  });

  it('rejects a rank that is not 4 with expected and actual rank', () => {
    const r = layer('Conv2D', { filters: 4, kernel_size: 3 }, [null, 100]);
    expect(r.output).toBeNull();
    expect(finding(r, 'rank-mismatch')!.message).toBe(
      'Conv2D expects a rank-4 input (batch, height, width, channels), but got rank 2: (None, 100).',
    );
    const first = layer('Conv2D', { filters: 4, kernel_size: 3 }, [null, 3, 5, 5, 5], FIRST);
    expect(finding(first, 'rank-mismatch')!.message).toContain('rank-4 input (batch, channels, height, width), but got rank 5');
  });

  it('reports missing required arguments as Python does', () => {
    const r = layer('Conv2D', { filters: 4 }, [null, 8, 8, 3]);
    expect(finding(r, 'invalid-layer-argument')!.message).toBe(
      "Python raises TypeError: Conv2D.__init__() missing 1 required positional argument: 'kernel_size'.",
    );
    expect(r.output).toEqual([null, null, null, 4]);
  });

  it('a valid window larger than the input is a non-positive-dimension with the smallest working input', () => {
    const r = layer('Conv2D', { filters: 4, kernel_size: [5, 2] }, [null, 3, 9, 1]);
    expect(r.output).toEqual([null, null, 8, 4]);
    const f = finding(r, 'non-positive-dimension')!;
    expect(f.message).toContain('height input 3 is smaller than the effective window 5');
    expect(f.message).toContain('floor((3 - 5) / 1) + 1 = -1');
    expect(f.message).toContain('the smallest height that works is 5');
    expect(f.message).not.toContain('width');
    expect(codes(r)).toEqual(['non-positive-dimension']);
  });
});

describe('Conv1D and Conv3D', () => {
  it('Conv1D causal pads d·(k-1) on the left, output as same, never flagged as asymmetric', () => {
    const r = layer('Conv1D', { filters: 2, kernel_size: 3, dilation_rate: 2, padding: 'causal' }, [null, 10, 4]);
    expect(r.output).toEqual([null, 10, 2]);
    expect(r.padding).toEqual({ mode: 'causal', before: [4], after: [0] });
    expect(r.axes[0]!.paddingFormula).toBe('causal: d·(k - 1) = 2·(3 - 1) = 4 before, 0 after');
    expect(r.findings).toEqual([]);
    expect(r.torch).toBe('x = F.pad(x, (4, 0))\nnn.Conv1d(4, 2, kernel_size=3, stride=1, padding=0, dilation=2)');
    const upper = layer('Conv1D', { filters: 2, kernel_size: 3, padding: 'Causal' }, [null, 10, 4]);
    expect(upper.padding?.mode).toBe('causal');
  });

  it('causal with stride still reports the stride findings of a same-length layer', () => {
    const r = layer('Conv1D', { filters: 2, kernel_size: 4, strides: 2, padding: 'causal' }, [null, 7, 1]);
    expect(r.output).toEqual([null, 4, 2]);
    expect(r.findings).toEqual([]);
  });

  it.each(['Conv2D', 'Conv3D', 'SeparableConv1D', 'DepthwiseConv1D', 'Conv1DTranspose'])('%s rejects causal padding', (cls) => {
    const rank = cls.includes('3D') ? 3 : cls.includes('2D') ? 2 : 1;
    const shape = [null, ...Array.from({ length: rank }, () => 8), 2];
    const r = layer(cls, { filters: 2, kernel_size: 3, padding: 'causal' }, shape);
    const f = finding(r, 'invalid-layer-argument')!;
    expect(f.argument).toBe('padding');
    expect(f.message).toContain("one of {'valid', 'same'}. Received: causal");
    expect(f.message).toContain(`not for ${cls}`);
  });

  it('Conv1D channels_first reads steps from axis 2', () => {
    const r = layer('Conv1D', { filters: 5, kernel_size: 4, strides: 3, padding: 'same' }, [2, 6, 11], FIRST);
    expect(r.output).toEqual([2, 5, 4]);
    expect(r.padding).toEqual({ mode: 'same', before: [1], after: [1] });
  });

  it('Conv3D computes three independent axes', () => {
    const r = layer('Conv3D', { filters: 4, kernel_size: [3, 2, 1], strides: [2, 2, 3], padding: 'same' }, [null, 9, 8, 10, 1]);
    // depth ceil(9/2)=5 P=max(4·2+3-9,0)=2 (1,1); height 4, P=max(3·2+2-8,0)=0; width ceil(10/3)=4, P=max(9+1-10,0)=0
    expect(r.output).toEqual([null, 5, 4, 4, 4]);
    expect(r.padding).toEqual({ mode: 'same', before: [1, 0, 0], after: [1, 0, 0] });
    expect(r.axes.map((a) => a.name)).toEqual(['depth', 'height', 'width']);
    expect(r.torch).toBe('nn.Conv3d(1, 4, kernel_size=(3, 2, 1), stride=(2, 2, 3), padding=(1, 0, 0))');
  });
});

describe('DepthwiseConv and SeparableConv', () => {
  it('depthwise channels = C · depth_multiplier; torch uses groups=C', () => {
    const r = layer('DepthwiseConv2D', { kernel_size: 3, depth_multiplier: 3, padding: 'same' }, [null, 8, 8, 5]);
    expect(r.output).toEqual([null, 8, 8, 15]);
    expect(r.torch).toBe('nn.Conv2d(5, 15, kernel_size=3, stride=1, padding=1, groups=5)');
    const unknownC = layer('DepthwiseConv2D', { kernel_size: 3 }, [null, 8, 8, null]);
    expect(unknownC.output).toEqual([null, 6, 6, null]);
    expect(unknownC.torch).toBe('nn.Conv2d(in_channels, in_channels, kernel_size=3, stride=1, padding=0, groups=in_channels)');
  });

  it('depthwise/separable accept strides > 1 with dilation > 1 (Keras ≥ 3.15) with the §2 shape and pads', () => {
    const r = layer('DepthwiseConv2D', { kernel_size: 3, strides: 2, dilation_rate: 2, padding: 'same' }, [null, 11, 11, 2]);
    // ke = 5, out = ceil(11/2) = 6, P = max(5·2 + 5 - 11, 0) = 4 → (2, 2)
    expect(r.output).toEqual([null, 6, 6, 2]);
    expect(r.padding).toEqual({ mode: 'same', before: [2, 2], after: [2, 2] });
    expect(codes(r)).not.toContain('invalid-layer-argument');
    expect(r.steps.join(' ')).toContain('Keras 3.14 and earlier reject it');
    const sep = layer('SeparableConv1D', { filters: 3, kernel_size: 3, strides: 2, dilation_rate: 2 }, [null, 20, 2]);
    expect(sep.output).toEqual([null, 8, 3]);
    expect(codes(sep)).toEqual([]);
  });

  it('rejects a non-positive depth_multiplier and filters', () => {
    const r = layer('DepthwiseConv2D', { kernel_size: 3, depth_multiplier: 0 }, [null, 8, 8, 5]);
    expect(finding(r, 'invalid-layer-argument')!.message).toContain(
      'Invalid value for argument `depth_multiplier`. Expected a strictly positive value. Received depth_multiplier=0',
    );
    const s = layer('SeparableConv2D', { filters: -1, kernel_size: 3 }, [null, 8, 8, 5]);
    expect(finding(s, 'invalid-layer-argument')!.message).toContain('Expected a strictly positive value. Received filters=-1');
  });

  it('separable: channels = filters, torch is depthwise then pointwise', () => {
    const r = layer('SeparableConv2D', { filters: 7, kernel_size: 3, strides: 2, depth_multiplier: 2, padding: 'same' }, [null, 10, 10, 4]);
    expect(r.output).toEqual([null, 5, 5, 7]);
    expect(r.padding).toEqual({ mode: 'same', before: [0, 0], after: [1, 1] });
    expect(r.torch).toBe('x = F.pad(x, (0, 1, 0, 1))\nnn.Conv2d(4, 8, kernel_size=3, stride=2, padding=0, groups=4)\nnn.Conv2d(8, 7, kernel_size=1)');
  });

  it('DepthwiseConv1D has one steps axis', () => {
    const r = layer('DepthwiseConv1D', { kernel_size: 5, strides: 2 }, [null, 3, 17], FIRST);
    expect(r.output).toEqual([null, 3, 7]);
  });
});

describe('derivation steps', () => {
  it('show the effective kernel of a dilated window', () => {
    const r = layer('Conv1D', { filters: 2, kernel_size: 3, dilation_rate: 2 }, [null, 100, 3]);
    expect(r.steps).toContain('steps: effective kernel (3 - 1)·2 + 1 = 5; floor((100 - 5) / 1) + 1 = 96; valid: no padding.');
  });
});
