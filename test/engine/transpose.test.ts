// Conv1D/2D/3DTranspose: Keras' output length (spec §5.1), TF's crop (§5.2), output_padding
// validation, the TF run-time failure, the same-transpose-upsamples/asymmetric findings and the
// PyTorch form. Values are hand-derived from the spec's closed forms.
import { describe, expect, it } from 'vitest';
import { FIRST, codes, finding, layer, none, tup } from './helpers';

describe('Conv2DTranspose', () => {
  it("U-Net block from the seeds: 12×16, k=3, s=2, same → 24×32, crop (0, 1), upsampling finding", () => {
    const r = layer('Conv2DTranspose', { filters: 64, kernel_size: 3, strides: 2, padding: 'same' }, [null, 12, 16, 128]);
    expect(r.output).toEqual([null, 24, 32, 64]);
    expect(r.padding).toEqual({ mode: 'same', before: [0, 0], after: [1, 1], crop: true });
    expect(r.axes[0]!.formula).toBe('12·2 = 24');
    expect(r.axes[0]!.paddingFormula).toBe('full = (12 - 1)·2 + 3 = 25; TensorFlow keeps 24 cells: crops 0 at the start, 1 at the end');
    const up = finding(r, 'same-transpose-upsamples')!;
    expect(up.argument).toBe('padding');
    expect(up.message).toContain('height 12 → 12·2 = 24');
    expect(up.message).toContain('width 16 → 16·2 = 32');
    expect(up.message).toContain('not output = input');
    const asym = finding(r, 'same-asymmetric-padding')!;
    expect(asym.message).toContain('height 0 at the start / 1 at the end');
    expect(asym.message).toContain('y[:, :, 0:24, 0:32]');
    expect(r.torch).toBe('y = nn.ConvTranspose2d(128, 64, kernel_size=3, stride=2, padding=0, output_padding=0)(x)\ny = y[:, :, 0:24, 0:32]');
  });

  it('k=4, s=2, same: symmetric crop, a direct PyTorch (padding, output_padding)', () => {
    const r = layer('Conv2DTranspose', { filters: 8, kernel_size: 4, strides: 2, padding: 'same' }, [null, 3, 8, 8], FIRST);
    expect(r.output).toEqual([null, 8, 16, 16]);
    expect(r.padding).toEqual({ mode: 'same', before: [1, 1], after: [1, 1], crop: true });
    expect(r.torch).toBe('nn.ConvTranspose2d(3, 8, kernel_size=4, stride=2, padding=1, output_padding=0)');
    expect(codes(r)).toEqual(['same-transpose-upsamples']);
  });

  it('valid with k < s extends with zero cells at the end (negative crop)', () => {
    const r = layer('Conv2DTranspose', { filters: 2, kernel_size: 1, strides: 3 }, [null, 4, 5, 1]);
    // (L-1)·3 + max(1, 3): 12 and 15; crop_after = 1 - 3 = -2
    expect(r.output).toEqual([null, 12, 15, 2]);
    expect(r.padding).toEqual({ mode: 'valid', before: [0, 0], after: [-2, -2], crop: true });
    expect(r.axes[0]!.paddingFormula).toContain('extended by 2 zero cell(s)');
    expect(r.torch).toBe('nn.ConvTranspose2d(1, 2, kernel_size=1, stride=3, padding=0, output_padding=2)');
    expect(codes(r)).toEqual([]);
  });

  it('output_padding: Keras length and TF crop; None behaves as omitted', () => {
    const r = layer('Conv2DTranspose', { filters: 2, kernel_size: 3, strides: 2, padding: 'same', output_padding: 0 }, [null, 4, 4, 1]);
    // (4-1)·2 + 1 + 0 = 7, crop_before = floor((3-1-0)/2) = 1, after = 2 - 1 = 1
    expect(r.output).toEqual([null, 7, 7, 2]);
    expect(r.padding).toEqual({ mode: 'same', before: [1, 1], after: [1, 1], crop: true });
    expect(r.torch).toBe('nn.ConvTranspose2d(1, 2, kernel_size=3, stride=2, padding=1, output_padding=0)');
    expect(finding(r, 'same-transpose-upsamples')!.message).toContain('height 4 → (4 - 1)·2 + (3 mod 2) + 0 = 7');
    const omitted = layer('Conv2DTranspose', { filters: 2, kernel_size: 3, strides: 2, padding: 'same', output_padding: none }, [null, 4, 4, 1]);
    expect(omitted.output).toEqual([null, 8, 8, 2]);
  });

  it('rejects output_padding ≥ strides with Keras 3.14 wording', () => {
    const r = layer('Conv2DTranspose', { filters: 2, kernel_size: 3, strides: [2, 3], output_padding: [1, 3] }, [null, 4, 4, 1]);
    const f = finding(r, 'invalid-layer-argument')!;
    expect(f.argument).toBe('output_padding');
    expect(f.message).toContain('At dimension 1, `output_padding` is 3 but `strides` is 3. Received: output_padding=(1, 3), strides=(2, 3)');
    expect(f.message).toContain('3.14');
    const neg = layer('Conv2DTranspose', { filters: 2, kernel_size: 3, strides: 2, output_padding: -1 }, [null, 4, 4, 1]);
    expect(finding(neg, 'invalid-layer-argument')!.message).toContain('including values {-1} that do not satisfy `value >= 0`');
  });

  it('flags the length TensorFlow rejects at run time (same, even kernel, output_padding=0)', () => {
    const r = layer('Conv2DTranspose', { filters: 2, kernel_size: 4, strides: 2, padding: 'same', output_padding: [0, 1] }, [null, 4, 4, 1]);
    expect(r.output).toEqual([null, 6, 7, 2]);
    const f = finding(r, 'invalid-layer-argument')!;
    expect(f.argument).toBe('output_padding');
    expect(f.message).toContain('TensorFlow will fail at run time');
    expect(f.message).toContain("on height Keras computes 6, but the forward 'same' conv of length 6 with stride 2 gives ceil(6 / 2) = 3, not 4");
    expect(f.message).not.toContain('width');
    // The failure does not depend on the input length, so it is reported when it is unknown too.
    const u = layer('Conv2DTranspose', { filters: 2, kernel_size: 4, strides: 2, padding: 'same', output_padding: 0 }, [null, null, null, 1]);
    expect(finding(u, 'invalid-layer-argument')!.message).toContain('never maps back to n');
  });

  it('same-transpose-upsamples is emitted when n is unknown, as n → n·s', () => {
    const r = layer('Conv2DTranspose', { filters: 2, kernel_size: 2, strides: [2, 1], padding: 'same' }, [null, null, 5, 1]);
    expect(r.output).toEqual([null, null, 5, 2]);
    const f = finding(r, 'same-transpose-upsamples')!;
    expect(f.message).toContain('height n → n·2');
    expect(f.message).not.toContain('width');
  });

  it('no upsampling finding for stride 1 or valid', () => {
    expect(codes(layer('Conv2DTranspose', { filters: 2, kernel_size: 3, padding: 'same' }, [null, 5, 5, 1]))).toEqual([]);
    expect(codes(layer('Conv2DTranspose', { filters: 2, kernel_size: 3, strides: 2 }, [null, 5, 5, 1]))).toEqual([]);
  });

  it('stride-1 even kernel same: crop (0, 1) is asymmetric and has no PyTorch (p, q)', () => {
    const r = layer('Conv2DTranspose', { filters: 2, kernel_size: 2, padding: 'same' }, [null, 5, 5, 1]);
    expect(r.output).toEqual([null, 5, 5, 2]);
    expect(r.padding).toEqual({ mode: 'same', before: [0, 0], after: [1, 1], crop: true });
    expect(codes(r)).toEqual(['same-asymmetric-padding']);
    expect(r.torch).toContain('y[:, :, 0:5, 0:5]');
  });

  it('dilation (stride 1) uses the effective kernel; strides and dilation together are rejected', () => {
    const r = layer('Conv2DTranspose', { filters: 2, kernel_size: 3, dilation_rate: 2 }, [null, 5, 5, 1]);
    expect(r.output).toEqual([null, 9, 9, 2]);
    expect(r.torch).toBe('nn.ConvTranspose2d(1, 2, kernel_size=3, stride=1, padding=0, output_padding=0, dilation=2)');
    const bad = layer('Conv2DTranspose', { filters: 2, kernel_size: 3, dilation_rate: 2, strides: 2 }, [null, 5, 5, 1]);
    expect(finding(bad, 'invalid-layer-argument')!.message).toContain('`strides > 1` not supported in conjunction with `dilation_rate > 1`');
  });
});

describe('Conv1DTranspose and Conv3DTranspose', () => {
  it('Conv1DTranspose on (None, 5, 4)', () => {
    const r = layer('Conv1DTranspose', { filters: 3, kernel_size: 5, strides: 3, padding: 'same' }, [null, 5, 4]);
    expect(r.output).toEqual([null, 15, 3]);
    expect(r.padding).toEqual({ mode: 'same', before: [1], after: [1], crop: true });
    expect(r.torch).toBe('nn.ConvTranspose1d(4, 3, kernel_size=5, stride=3, padding=1, output_padding=0)');
  });

  it('Conv3DTranspose per axis, channels_first', () => {
    const r = layer('Conv3DTranspose', { filters: 6, kernel_size: [2, 3, 4], strides: [2, 2, 2], padding: 'valid', output_padding: tup(1, 0, 1) }, [null, 2, 3, 4, 5], FIRST);
    // (L-1)·2 + k + op: 3·… depth (3-1)·2+2+1 = 7, height (4-1)·2+3+0 = 9, width (5-1)·2+4+1 = 13
    expect(r.output).toEqual([null, 6, 7, 9, 13]);
    expect(r.padding).toEqual({ mode: 'valid', before: [0, 0, 0], after: [-1, 0, -1], crop: true });
  });

  it('rejects the wrong rank', () => {
    const r = layer('Conv3DTranspose', { filters: 6, kernel_size: 2 }, [null, 4, 4, 3]);
    expect(r.output).toBeNull();
    expect(finding(r, 'rank-mismatch')!.message).toContain('expects a rank-5 input');
  });
});

describe("spec §5.2 claim: with output_padding < strides, only 'same' + even kernel + output_padding=0 fails in TF", () => {
  it('exhaustive grid L 1..12, k 1..7, s 1..4, every op < s (and no op), valid and same', () => {
    // TF's validity rule, written here independently: the forward conv of length `out` with the
    // same kernel, stride and padding must give back L.
    const forward = (out: number, k: number, s: number, same: boolean): number => (same ? Math.ceil(out / s) : Math.floor((out - k) / s) + 1);
    let checked = 0;
    for (let L = 1; L <= 12; L++)
      for (let k = 1; k <= 7; k++)
        for (let s = 1; s <= 4; s++)
          for (const padding of ['valid', 'same'])
            for (let op = -1; op < s; op++) {
              const args: Record<string, unknown> = { filters: 1, kernel_size: k, strides: s, padding };
              if (op >= 0) args.output_padding = op;
              const r = layer('Conv1DTranspose', args, [null, L, 1]);
              const out = r.output![1]!;
              const tfFails = out <= 0 || forward(out, k, s, padding === 'same') !== L;
              expect(tfFails).toBe(padding === 'same' && op === 0 && k % 2 === 0);
              expect(codes(r).includes('invalid-layer-argument')).toBe(tfFails);
              checked++;
            }
    expect(checked).toBe(12 * 7 * 2 * (2 + 3 + 4 + 5));
  });
});
