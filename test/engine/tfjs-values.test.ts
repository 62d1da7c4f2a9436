// Differential value tests: the engine's per-side padding (crop for transposed convs) against
// what the TensorFlow.js ops actually do. Each run builds small integer tensors, runs the tfjs op
// with 'same' (or 'valid') and compares element-wise with a reference built from OUR pads: an
// explicit tf.pad with our before/after followed by a 'valid' op, or a full transposed conv
// cropped by our crop. Integer data keeps float32 sums exact.
//
// Generator restrictions where tfjs diverges from Keras 3 (spec §10):
// - 3-D 'same' ops (conv3d, conv3dTranspose, maxPool3d, avgPool3d): tfjs-core does not clamp a
//   negative raw total padding, so configurations with (ceil(L/s) - 1)·s + ke < L are excluded.
// - transposed ops have no dilation in tfjs: d = 1.
// - tfjs ops only run channels-last here; the pads are per axis and do not depend on the format
//   (the shape tests cover both formats).
import { beforeAll, describe, expect, it } from 'vitest';
import { fc, runs, tupleArb } from './fc-config';
import { layer } from './helpers';
import { intTensor, maxAbsDiff, tf, tfReady } from './tfjs';
import type { Dim } from '../../server/src/engine/types';

const RUNS = 500;
const TIMEOUT = 120_000;

beforeAll(async () => {
  await tfReady();
});

function known(xs: Dim[] | undefined): number[] {
  expect(xs).toBeDefined();
  for (const x of xs!) expect(x).not.toBeNull();
  return xs as number[];
}

/** tf.pad's paddings for a channels-last tensor with the given spatial pads. */
function padSpec(before: number[], after: number[]): [number, number][] {
  return [[0, 0], ...before.map((b, i) => [b, after[i]!] as [number, number]), [0, 0]];
}

/** True when 'same' needs no clamping: raw P = (ceil(L/s) - 1)·s + ke - L ≥ 0 on every axis. */
function rawPadNonNegative(L: number[], ke: number[], s: number[]): boolean {
  return L.every((l, i) => (Math.ceil(l / s[i]!) - 1) * s[i]! + ke[i]! - l >= 0);
}

interface Win {
  L: number[];
  k: number[];
  s: number[];
  d: number[];
  C: number;
  F: number;
  seed: number;
}

function winArb(n: number, opts: { maxL: number; maxK: number; dilation: boolean }): fc.Arbitrary<Win> {
  return fc
    .record({
      L: tupleArb(fc.integer({ min: 1, max: opts.maxL }), n),
      k: tupleArb(fc.integer({ min: 1, max: opts.maxK }), n),
      s: tupleArb(fc.integer({ min: 1, max: 3 }), n),
      d: tupleArb(fc.integer({ min: 1, max: 3 }), n),
      dilated: opts.dilation ? fc.boolean() : fc.constant(false),
      C: fc.integer({ min: 1, max: 2 }),
      F: fc.integer({ min: 1, max: 2 }),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    })
    .map(({ dilated, ...w }) => ({ ...w, s: dilated ? w.s.map(() => 1) : w.s, d: dilated ? w.d : w.d.map(() => 1) }));
}

const ke = (w: Win): number[] => w.k.map((k, i) => (k - 1) * w.d[i]! + 1);

describe("per-side 'same' padding vs tfjs op values", () => {
  for (const n of [1, 2, 3]) {
    it(
      `Conv${n}D (${RUNS} configurations)`,
      () => {
        const arb = winArb(n, { maxL: n === 3 ? 6 : 10, maxK: n === 3 ? 4 : 5, dilation: n !== 3 }).filter(
          (w) => n !== 3 || rawPadNonNegative(w.L, ke(w), w.s),
        );
        fc.assert(
          fc.property(arb, (w) => {
            const r = layer(`Conv${n}D`, { filters: w.F, kernel_size: w.k, strides: w.s, dilation_rate: w.d, padding: 'same' }, [1, ...w.L, w.C]);
            const before = known(r.padding?.before);
            const after = known(r.padding?.after);
            tf.tidy(() => {
              const x = intTensor([1, ...w.L, w.C], w.seed);
              const f = intTensor([...w.k, w.C, w.F], w.seed + 1);
              const xp = tf.pad(x, padSpec(before, after));
              let got: tf.Tensor;
              let ref: tf.Tensor;
              if (n === 1) {
                got = tf.conv1d(x as tf.Tensor3D, f as tf.Tensor3D, w.s[0]!, 'same', 'NWC', w.d[0]!);
                ref = tf.conv1d(xp as tf.Tensor3D, f as tf.Tensor3D, w.s[0]!, 'valid', 'NWC', w.d[0]!);
              } else if (n === 2) {
                got = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, w.s as [number, number], 'same', 'NHWC', w.d as [number, number]);
                ref = tf.conv2d(xp as tf.Tensor4D, f as tf.Tensor4D, w.s as [number, number], 'valid', 'NHWC', w.d as [number, number]);
              } else {
                got = tf.conv3d(x as tf.Tensor5D, f as tf.Tensor5D, w.s as [number, number, number], 'same');
                ref = tf.conv3d(xp as tf.Tensor5D, f as tf.Tensor5D, w.s as [number, number, number], 'valid');
              }
              expect(got.shape).toEqual(r.output!.map((v, i) => (i === 0 ? 1 : v)));
              expect(maxAbsDiff(got, ref)).toBe(0);
            });
          }),
          runs(RUNS, 100 + n),
        );
      },
      TIMEOUT,
    );
  }

  it(
    `Conv1D padding='causal' (${RUNS} configurations)`,
    () => {
      // tfjs cannot run a causal Conv1D layer (spec §10). Oracle: the definition of a causal
      // convolution, y[t] = Σ_j w[j]·x[t·s - (k-1-j)·d] (zero before the start), computed naively;
      // the tfjs 'valid' conv on the input padded with OUR pads must equal it.
      fc.assert(
        fc.property(winArb(1, { maxL: 12, maxK: 5, dilation: true }), (w) => {
          const r = layer('Conv1D', { filters: 1, kernel_size: w.k, strides: w.s, dilation_rate: w.d, padding: 'causal' }, [1, w.L[0]!, 1]);
          const before = known(r.padding?.before);
          const after = known(r.padding?.after);
          const L = w.L[0]!;
          const k = w.k[0]!;
          const s = w.s[0]!;
          const d = w.d[0]!;
          tf.tidy(() => {
            const x = intTensor([1, L, 1], w.seed);
            const f = intTensor([k, 1, 1], w.seed + 1);
            const xs = x.dataSync();
            const fs = f.dataSync();
            const out = r.output![1]!;
            const naive: number[] = [];
            for (let t = 0; t < out; t++) {
              let acc = 0;
              for (let j = 0; j < k; j++) {
                const idx = t * s - (k - 1 - j) * d;
                if (idx >= 0 && idx < L) acc += fs[j]! * xs[idx]!;
              }
              naive.push(acc);
            }
            const got = tf.conv1d(tf.pad(x, padSpec(before, after)) as tf.Tensor3D, f as tf.Tensor3D, s, 'valid', 'NWC', d);
            expect(Array.from(got.dataSync())).toEqual(naive);
          });
        }),
        runs(RUNS, 110),
      );
    },
    TIMEOUT,
  );

  it(
    `DepthwiseConv2D (${RUNS} configurations)`,
    () => {
      fc.assert(
        fc.property(winArb(2, { maxL: 10, maxK: 5, dilation: true }), fc.integer({ min: 1, max: 2 }), (w, m) => {
          const r = layer('DepthwiseConv2D', { kernel_size: w.k, strides: w.s, dilation_rate: w.d, depth_multiplier: m, padding: 'same' }, [1, ...w.L, w.C]);
          const before = known(r.padding?.before);
          const after = known(r.padding?.after);
          tf.tidy(() => {
            const x = intTensor([1, ...w.L, w.C], w.seed) as tf.Tensor4D;
            const f = intTensor([...w.k, w.C, m], w.seed + 1) as tf.Tensor4D;
            const got = tf.depthwiseConv2d(x, f, w.s as [number, number], 'same', 'NHWC', w.d as [number, number]);
            const ref = tf.depthwiseConv2d(tf.pad(x, padSpec(before, after)), f, w.s as [number, number], 'valid', 'NHWC', w.d as [number, number]);
            expect(got.shape).toEqual([1, ...r.output!.slice(1)]);
            expect(maxAbsDiff(got, ref)).toBe(0);
          });
        }),
        runs(RUNS, 120),
      );
    },
    TIMEOUT,
  );

  for (const n of [1, 2]) {
    it(
      `SeparableConv${n}D (${RUNS} configurations)`,
      () => {
        // 1-D runs as a 2-D separable conv with a width-1 axis (as Keras' TF backend does).
        fc.assert(
          fc.property(winArb(n, { maxL: 10, maxK: 5, dilation: true }), fc.integer({ min: 1, max: 2 }), (w, m) => {
            const r = layer(`SeparableConv${n}D`, { filters: w.F, kernel_size: w.k, strides: w.s, dilation_rate: w.d, depth_multiplier: m, padding: 'same' }, [1, ...w.L, w.C]);
            const two = (xs: number[], fill: number): [number, number] => (n === 1 ? [xs[0]!, fill] : [xs[0]!, xs[1]!]);
            const before = two(known(r.padding?.before), 0);
            const after = two(known(r.padding?.after), 0);
            tf.tidy(() => {
              const x = intTensor([1, ...two(w.L, 1), w.C], w.seed) as tf.Tensor4D;
              const dw = intTensor([...two(w.k, 1), w.C, m], w.seed + 1) as tf.Tensor4D;
              const pw = intTensor([1, 1, w.C * m, w.F], w.seed + 2) as tf.Tensor4D;
              const got = tf.separableConv2d(x, dw, pw, two(w.s, 1), 'same', two(w.d, 1), 'NHWC');
              const ref = tf.separableConv2d(tf.pad(x, padSpec(before, after)), dw, pw, two(w.s, 1), 'valid', two(w.d, 1), 'NHWC');
              expect(maxAbsDiff(got, ref)).toBe(0);
              expect(got.shape[1]).toBe(r.output![1]);
            });
          }),
          runs(RUNS, 130 + n),
        );
      },
      TIMEOUT,
    );
  }

  for (const mode of ['max', 'average'] as const) {
    for (const n of [1, 2, 3]) {
      const cls = `${mode === 'max' ? 'MaxPooling' : 'AveragePooling'}${n}D`;
      it(
        `${cls} (${RUNS} configurations)`,
        () => {
          // Max: padded cells never win (-inf padding). Average: TF divides by the real cells only,
          // so the reference is (sum over the zero-padded window) / (count of real cells).
          const arb = winArb(n, { maxL: n === 3 ? 6 : 10, maxK: n === 3 ? 3 : 4, dilation: false }).filter(
            (w) => n !== 3 || rawPadNonNegative(w.L, w.k, w.s),
          );
          fc.assert(
            fc.property(arb, (w) => {
              const r = layer(cls, { pool_size: w.k, strides: w.s, padding: 'same' }, [1, ...w.L, w.C]);
              const up = (xs: number[], fill: number): number[] => (n === 1 ? [xs[0]!, fill] : xs);
              const before = up(known(r.padding?.before), 0);
              const after = up(known(r.padding?.after), 0);
              const kk = up(w.k, 1);
              const ss = up(w.s, 1);
              const cells = kk.reduce((a, b) => a * b, 1);
              tf.tidy(() => {
                const x = intTensor([1, ...up(w.L, 1), w.C], w.seed);
                const spec = padSpec(before, after);
                let got: tf.Tensor;
                let ref: tf.Tensor;
                if (kk.length === 2) {
                  const x4 = x as tf.Tensor4D;
                  const k2 = kk as [number, number];
                  const s2 = ss as [number, number];
                  if (mode === 'max') {
                    got = tf.maxPool(x4, k2, s2, 'same');
                    ref = tf.maxPool(tf.pad(x4, spec, -Infinity), k2, s2, 'valid');
                  } else {
                    got = tf.avgPool(x4, k2, s2, 'same');
                    const sum = tf.mul(tf.avgPool(tf.pad(x4, spec), k2, s2, 'valid'), cells);
                    const count = tf.mul(tf.avgPool(tf.pad(tf.onesLike(x4), spec), k2, s2, 'valid'), cells);
                    ref = tf.div(sum, count);
                  }
                } else {
                  const x5 = x as tf.Tensor5D;
                  const k3 = kk as [number, number, number];
                  const s3 = ss as [number, number, number];
                  if (mode === 'max') {
                    got = tf.maxPool3d(x5, k3, s3, 'same');
                    ref = tf.maxPool3d(tf.pad(x5, spec, -Infinity), k3, s3, 'valid');
                  } else {
                    got = tf.avgPool3d(x5, k3, s3, 'same');
                    const sum = tf.mul(tf.avgPool3d(tf.pad(x5, spec), k3, s3, 'valid'), cells);
                    const count = tf.mul(tf.avgPool3d(tf.pad(tf.onesLike(x5), spec), k3, s3, 'valid'), cells);
                    ref = tf.div(sum, count);
                  }
                }
                expect(got.shape[1]).toBe(r.output![1]);
                expect(maxAbsDiff(got, ref)).toBeLessThan(1e-4);
              });
            }),
            runs(RUNS, 140 + n + (mode === 'max' ? 0 : 5)),
          );
        },
        TIMEOUT,
      );
    }
  }
});

describe('transposed-conv crops vs tfjs op values', () => {
  for (const n of [1, 2, 3]) {
    it(
      `Conv${n}DTranspose incl. output_padding (${RUNS} configurations)`,
      () => {
        // Reference: the full transposed conv ((L-1)·s + k per axis, tfjs 'valid' with that
        // output shape) cropped by OUR crop, zero-extended at the end where the crop is negative.
        // Excluded: lengths TF rejects at run time ('same', even kernel, output_padding=0: spec
        // §5.2; tfjs computes them silently), and for 3-D the unclamped-padding tfjs bug (spec §10).
        // 1-D runs as 2-D with a width-1 axis (tfjs has no conv1dTranspose).
        const arb = fc
          .tuple(
            winArb(n, { maxL: n === 3 ? 4 : 7, maxK: n === 3 ? 4 : 5, dilation: false }),
            fc.constantFrom('valid', 'same'),
            fc.boolean(),
            tupleArb(fc.nat(), n),
          )
          .map(([w, padding, withOp, opSeed]) => ({ w, padding, op: withOp ? opSeed.map((o, i) => o % w.s[i]!) : undefined }))
          .filter(({ w, padding, op }) => {
            if (padding === 'same' && op && op.some((o, i) => w.k[i]! % 2 === 0 && o === 0)) return false;
            if (n !== 3) return true;
            const out = w.L.map((l, i) => {
              const s = w.s[i]!;
              const k = w.k[i]!;
              if (op === undefined) return padding === 'same' ? l * s : (l - 1) * s + Math.max(k, s);
              return padding === 'same' ? (l - 1) * s + (k % 2) + op[i]! : (l - 1) * s + k + op[i]!;
            });
            return padding === 'valid' || rawPadNonNegative(out, w.k, w.s);
          });
        fc.assert(
          fc.property(arb, ({ w, padding, op }) => {
            const args: Record<string, unknown> = { filters: w.F, kernel_size: w.k, strides: w.s, padding };
            if (op) args.output_padding = op;
            const r = layer(`Conv${n}DTranspose`, args, [1, ...w.L, w.C]);
            expect(r.findings.map((f) => f.code)).not.toContain('invalid-layer-argument');
            const up = (xs: number[], fill: number): number[] => (n === 1 ? [xs[0]!, fill] : xs);
            const cb = up(known(r.padding?.before), 0);
            const ca = up(known(r.padding?.after), 0);
            const out = up(known(r.output!.slice(1, 1 + n)), 1);
            const L = up(w.L, 1);
            const k = up(w.k, 1);
            const s = up(w.s, 1);
            const full = L.map((l, i) => (l - 1) * s[i]! + k[i]!);
            tf.tidy(() => {
              const x = intTensor([1, ...L, w.C], w.seed);
              const f = intTensor([...k, w.F, w.C], w.seed + 1);
              let got: tf.Tensor;
              let whole: tf.Tensor;
              if (L.length === 2) {
                got = tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [1, out[0]!, out[1]!, w.F], s as [number, number], padding as 'same');
                whole = tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [1, full[0]!, full[1]!, w.F], s as [number, number], 'valid');
              } else {
                got = tf.conv3dTranspose(x as tf.Tensor5D, f as tf.Tensor5D, [1, out[0]!, out[1]!, out[2]!, w.F], s as [number, number, number], padding as 'same');
                whole = tf.conv3dTranspose(x as tf.Tensor5D, f as tf.Tensor5D, [1, full[0]!, full[1]!, full[2]!, w.F], s as [number, number, number], 'valid');
              }
              // Extend where TF extends (negative crop), then slice [crop_before, crop_before + out).
              const extended = tf.pad(whole, padSpec(cb.map(() => 0), ca.map((a) => Math.max(0, -a))));
              const ref = tf.slice(extended, [0, ...cb, 0], [1, ...out, w.F]);
              expect(maxAbsDiff(got, ref)).toBe(0);
              // crop_after is what remains of the full result after the kept window.
              full.forEach((fl, i) => expect(ca[i]).toBe(fl - out[i]! - cb[i]!));
            });
          }),
          runs(RUNS, 160 + n),
        );
      },
      TIMEOUT,
    );
  }
});

describe('explicit padding and cropping vs tfjs layer values', () => {
  const pairs = tupleArb(tupleArb(fc.integer({ min: 0, max: 3 }), 2), 2);
  it(
    `ZeroPadding2D (${RUNS} configurations)`,
    () => {
      fc.assert(
        fc.property(tupleArb(fc.integer({ min: 1, max: 8 }), 2), pairs, fc.integer({ min: 1, max: 2 ** 31 - 1 }), (L, p, seed) => {
          const r = layer('ZeroPadding2D', { padding: p }, [1, ...L, 2]);
          const before = known(r.padding?.before);
          const after = known(r.padding?.after);
          tf.tidy(() => {
            const x = intTensor([1, ...L, 2], seed);
            const got = tf.layers.zeroPadding2d({ padding: p as [[number, number], [number, number]] }).apply(x) as tf.Tensor;
            expect(maxAbsDiff(got, tf.pad(x, padSpec(before, after)))).toBe(0);
          });
        }),
        runs(RUNS, 170),
      );
    },
    TIMEOUT,
  );

  it(
    `Cropping2D (${RUNS} configurations)`,
    () => {
      fc.assert(
        fc.property(tupleArb(fc.integer({ min: 7, max: 12 }), 2), pairs, fc.integer({ min: 1, max: 2 ** 31 - 1 }), (L, p, seed) => {
          const r = layer('Cropping2D', { cropping: p }, [1, ...L, 2]);
          const before = known(r.padding?.before);
          const out = known(r.output!.slice(1, 3));
          tf.tidy(() => {
            const x = intTensor([1, ...L, 2], seed);
            const got = tf.layers.cropping2D({ cropping: p as [[number, number], [number, number]] }).apply(x) as tf.Tensor;
            expect(maxAbsDiff(got, tf.slice(x, [0, ...before, 0], [1, ...out, 2]))).toBe(0);
          });
        }),
        runs(RUNS, 180),
      );
    },
    TIMEOUT,
  );
  // CenterCrop is not compared here: tfjs' CenterCrop forces a width offset of 1 when Keras'
  // would be 0 and crops through cropAndResize, so it is no oracle for Keras' int(diff / 2)
  // offsets; test/engine/layers-image.test.ts checks them against the Keras source rule.
});
