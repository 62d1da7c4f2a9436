// Differential property tests for the op functions: the engine's output shapes against the
// shapes of tensors TensorFlow.js actually computes (tfjs-core ops on zero tensors), 1,000
// random configurations per op. Where tfjs cannot serve as the oracle it says so:
// - tf.nn.conv*_transpose: tfjs accepts any output_shape silently; the oracle for TensorFlow's
//   validity rule (spec §5.2) is tfjs' *forward* convolution of the proposed output size.
// - keras.ops.conv_transpose: the oracle is tfjs-layers' Conv2DTranspose.computeOutputShape
//   (Keras' deconv length); output_padding is covered by the hand-derived tests.
// - 'VALID' windows far longer than the input: tfjs' ceil rule and TensorFlow's truncating
//   rule disagree below L = k - 1 (spec §10); those sizes are unit-tested in ops.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { fc, runs, tupleArb } from './fc-config';
import { py } from './helpers';
import { tf, tfReady } from './tfjs';
import { applyOp } from '../../server/src/engine/index';
import type { LayerResult, PyValue, Shape } from '../../server/src/engine/types';
import type { TensorArg } from '../../server/src/engine/ops/registry';

const RUNS = 1000;
const LAST = { defaultDataFormat: 'channels_last' as const };

beforeAll(async () => {
  await tfReady();
});

function op(name: string, args: Record<string, unknown>, tensors: Record<string, TensorArg>): LayerResult {
  const pa: Record<string, PyValue> = {};
  for (const [k, v] of Object.entries(args)) pa[k] = py(v);
  const r = applyOp(name, pa, tensors, LAST);
  const codes = r.findings.map((f) => f.code);
  expect(new Set(codes).size).toBe(codes.length);
  return r;
}

/** The shape tfjs computes, with the batch axis replaced by null when the engine was told it is unknown. */
function tfShape(f: () => tf.Tensor | tf.Tensor[], unknownBatch = false): Shape | Shape[] {
  let shapes: number[][] = [];
  let many = false;
  tf.tidy(() => {
    const t = f();
    many = Array.isArray(t);
    shapes = (Array.isArray(t) ? t : [t]).map((x) => x.shape);
  });
  const fix = (s: number[]): Shape => (unknownBatch ? [null, ...s.slice(1)] : [...s]);
  return many ? shapes.map(fix) : fix(shapes[0]!);
}

const zeros = (s: number[]): tf.Tensor => tf.zeros(s);

function spatialWindow(n: number, maxL = 20) {
  return fc
    .record({
      L: tupleArb(fc.integer({ min: 1, max: maxL }), n),
      k: tupleArb(fc.integer({ min: 1, max: 5 }), n),
      s: tupleArb(fc.integer({ min: 1, max: 3 }), n),
      d: tupleArb(fc.integer({ min: 1, max: 3 }), n),
      dilated: fc.boolean(),
      C: fc.integer({ min: 1, max: 4 }),
      out: fc.integer({ min: 1, max: 5 }),
      batch: fc.integer({ min: 1, max: 2 }),
      unknownBatch: fc.boolean(),
    })
    .map(({ dilated, ...c }) => ({ ...c, s: dilated ? c.s.map(() => 1) : c.s, d: dilated ? c.d : c.d.map(() => 1) }));
}

/** TensorFlow and tfjs agree on 'VALID' sizes when L ≥ ke - 1 (see the header). */
function validOk(c: { L: number[]; k: number[]; d: number[] }): boolean {
  return c.L.every((L, i) => L >= (c.k[i]! - 1) * c.d[i]! + 1 - 1);
}

describe('tf.nn convolutions vs tfjs-core', () => {
  it(`tf.nn.conv2d: SAME / VALID / explicit, NHWC / NCHW, every strides form (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(spatialWindow(2), fc.constantFrom('SAME', 'VALID', 'explicit'), fc.constantFrom('NHWC', 'NCHW'), fc.constantFrom('int', 'pair', 'full'), tupleArb(fc.integer({ min: 0, max: 3 }), 4), (c, padding, fmt, sform, pads) => {
        if (padding === 'VALID' && !validOk(c)) return;
        if (sform === 'int' && c.s[0] !== c.s[1]) sform = 'pair';
        const cf = fmt === 'NCHW';
        const input = cf ? [c.batch, c.C, ...c.L] : [c.batch, ...c.L, c.C];
        const filters = [...c.k, c.C, c.out];
        const strides = sform === 'int' ? c.s[0] : sform === 'pair' ? c.s : cf ? [1, 1, ...c.s] : [1, ...c.s, 1];
        const dil = c.d[0] === c.d[1] ? c.d[0] : c.d;
        const explicit = cf ? [[0, 0], [0, 0], [pads[0], pads[1]], [pads[2], pads[3]]] : [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]];
        if (padding === 'explicit' && c.L.some((L, i) => L + pads[2 * i]! + pads[2 * i + 1]! < (c.k[i]! - 1) * c.d[i]!)) return;
        const engineInput: Shape = c.unknownBatch ? [null, ...input.slice(1)] : input;
        const r = op('tf.nn.conv2d', { strides, padding: padding === 'explicit' ? explicit : padding, data_format: fmt, dilations: dil }, { input: engineInput, filters });
        const expected = tfShape(
          () => tf.conv2d(zeros(input) as tf.Tensor4D, zeros(filters) as tf.Tensor4D, c.s as [number, number], padding === 'explicit' ? (explicit as never) : (padding.toLowerCase() as 'same'), fmt as 'NHWC', c.d as [number, number]),
          c.unknownBatch,
        );
        expect(r.output).toEqual(expected);
      }),
      runs(RUNS, 201),
    );
  });

  it(`tf.nn.conv1d (stride, dilations) (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(spatialWindow(1, 30), fc.constantFrom('SAME', 'VALID'), (c, padding) => {
        if (padding === 'VALID' && !validOk(c)) return;
        const input = [c.batch, c.L[0]!, c.C];
        const filters = [c.k[0]!, c.C, c.out];
        const r = op('tf.nn.conv1d', { stride: c.s[0], padding, dilations: c.d[0] }, { input, filters });
        expect(r.output).toEqual(tfShape(() => tf.conv1d(zeros(input) as tf.Tensor3D, zeros(filters) as tf.Tensor3D, c.s[0]!, padding.toLowerCase() as 'same', 'NWC', c.d[0]!)));
      }),
      runs(RUNS, 202),
    );
  });

  it(`tf.nn.conv3d (strides of length 5) (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(spatialWindow(3, 9), fc.constantFrom('SAME', 'VALID'), (c, padding) => {
        const d = [1, 1, 1];
        if (padding === 'VALID' && !validOk({ ...c, d })) return;
        const input = [c.batch, ...c.L, c.C];
        const filters = [...c.k, c.C, c.out];
        const r = op('tf.nn.conv3d', { strides: [1, ...c.s, 1], padding }, { input, filters });
        expect(r.output).toEqual(tfShape(() => tf.conv3d(zeros(input) as tf.Tensor5D, zeros(filters) as tf.Tensor5D, c.s as [number, number, number], padding.toLowerCase() as 'same')));
      }),
      runs(RUNS, 203),
    );
  });

  it(`tf.nn.depthwise_conv2d and tf.nn.separable_conv2d (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(spatialWindow(2), fc.constantFrom('SAME', 'VALID'), fc.integer({ min: 1, max: 3 }), fc.boolean(), (c, padding, mult, separable) => {
        const d = [1, 1];
        if (padding === 'VALID' && !validOk({ ...c, d })) return;
        const input = [c.batch, ...c.L, c.C];
        const dw = [...c.k, c.C, mult];
        const pw = [1, 1, c.C * mult, c.out];
        const strides = [1, ...c.s, 1];
        if (separable) {
          const r = op('tf.nn.separable_conv2d', { strides, padding }, { input, depthwise_filter: dw, pointwise_filter: pw });
          expect(r.output).toEqual(tfShape(() => tf.separableConv2d(zeros(input) as tf.Tensor4D, zeros(dw) as tf.Tensor4D, zeros(pw) as tf.Tensor4D, c.s as [number, number], padding.toLowerCase() as 'same')));
        } else {
          const r = op('tf.nn.depthwise_conv2d', { strides, padding }, { input, filter: dw });
          expect(r.output).toEqual(tfShape(() => tf.depthwiseConv2d(zeros(input) as tf.Tensor4D, zeros(dw) as tf.Tensor4D, c.s as [number, number], padding.toLowerCase() as 'same')));
        }
      }),
      runs(RUNS, 204),
    );
  });

  it(`keras.ops.conv (lower-case padding, Keras' ≤ 0 rule) (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(spatialWindow(2), fc.constantFrom('same', 'valid', 'SAME'), (c, padding) => {
        const input = [c.batch, ...c.L, c.C];
        const kernel = [...c.k, c.C, c.out];
        const r = op('keras.ops.conv', { strides: c.s, padding, dilation_rate: c.d }, { inputs: input, kernel });
        const tooSmall = padding === 'valid' && c.L.some((L, i) => L < (c.k[i]! - 1) * c.d[i]! + 1);
        // Keras 3 rejects a 'valid' size ≤ 0 (the oracle there: unknown size plus a finding).
        expect(r.findings.some((f) => f.code === 'non-positive-dimension')).toBe(tooSmall);
        if (tooSmall) return;
        expect(r.output).toEqual(tfShape(() => tf.conv2d(zeros(input) as tf.Tensor4D, zeros(kernel) as tf.Tensor4D, c.s as [number, number], padding.toLowerCase() as 'same', 'NHWC', c.d as [number, number])));
      }),
      runs(RUNS, 205),
    );
  });
});

describe('transposed convolutions', () => {
  it(`tf.nn.conv2d_transpose: output_shape accepted iff tfjs' forward conv of it gives the input back (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(
        tupleArb(fc.integer({ min: 1, max: 12 }), 2),
        tupleArb(fc.integer({ min: 1, max: 5 }), 2),
        tupleArb(fc.integer({ min: 1, max: 4 }), 2),
        tupleArb(fc.integer({ min: -3, max: 3 }), 2),
        fc.constantFrom('SAME', 'VALID'),
        (L, k, s, jitter, padding) => {
          // Propose output sizes around Keras' own length, valid or not.
          const o = L.map((l, i) => Math.max(1, (padding === 'SAME' ? l * s[i]! : (l - 1) * s[i]! + Math.max(k[i]!, s[i]!)) + jitter[i]!));
          const input = [1, ...L, 3];
          const filters = [...k, 2, 3];
          const r = op('tf.nn.conv2d_transpose', { output_shape: [1, ...o, 2], strides: s, padding }, { input, filters });
          // A forward conv that tfjs cannot compute (negative size) cannot give the input back either.
          let back: Shape | null = null;
          try {
            back = tfShape(() => tf.conv2d(zeros([1, ...o, 2]) as tf.Tensor4D, zeros([...k, 2, 3]) as tf.Tensor4D, s as [number, number], padding.toLowerCase() as 'same')) as Shape;
          } catch {
            back = null;
          }
          const consistent = back !== null && back[1] === L[0] && back[2] === L[1];
          expect(r.findings.some((f) => f.code === 'invalid-layer-argument')).toBe(!consistent);
          expect(r.output).toEqual([1, ...o, 2]);
          if (consistent) {
            expect(r.output).toEqual(tfShape(() => tf.conv2dTranspose(zeros(input) as tf.Tensor4D, zeros(filters) as tf.Tensor4D, [1, o[0]!, o[1]!, 2], s as [number, number], padding.toLowerCase() as 'same')));
          }
        },
      ),
      runs(RUNS, 206),
    );
  });

  it(`keras.ops.conv_transpose vs tfjs-layers Conv2DTranspose lengths (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(tupleArb(fc.integer({ min: 1, max: 30 }), 2), tupleArb(fc.integer({ min: 1, max: 6 }), 2), tupleArb(fc.integer({ min: 1, max: 4 }), 2), fc.constantFrom('same', 'valid'), (L, k, s, padding) => {
        const r = op('keras.ops.conv_transpose', { strides: s, padding }, { inputs: [null, ...L, 3], kernel: [...k, 5, 3] });
        const t = tf.layers.conv2dTranspose({ filters: 5, kernelSize: k, strides: s, padding: padding as 'same' });
        expect(r.output).toEqual(t.computeOutputShape([null, ...L, 3]));
      }),
      runs(RUNS, 207),
    );
  });
});

describe('pooling vs tfjs-core', () => {
  it(`tf.nn.max_pool2d / avg_pool2d and keras.ops.max_pool / average_pool (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(spatialWindow(2), fc.constantFrom('SAME', 'VALID'), fc.boolean(), fc.boolean(), (c, padding, max, keras) => {
        if (c.L.some((L, i) => L < c.k[i]!) && padding === 'VALID') return; // Keras raises; TensorFlow's rule unit-tested
        const input = [c.batch, ...c.L, c.C];
        const expected = tfShape(() => (max ? tf.maxPool : tf.avgPool)(zeros(input) as tf.Tensor4D, c.k as [number, number], c.s as [number, number], padding.toLowerCase() as 'same'));
        const r = keras
          ? op(max ? 'keras.ops.max_pool' : 'keras.ops.average_pool', { pool_size: c.k, strides: c.s, padding: padding.toLowerCase() }, { inputs: input })
          : op(max ? 'tf.nn.max_pool2d' : 'tf.nn.avg_pool2d', { ksize: c.k, strides: [1, ...c.s, 1], padding }, { input });
        expect(r.output).toEqual(expected);
      }),
      runs(RUNS, 208),
    );
  });

  it(`tf.nn.max_pool3d / avg_pool3d (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(spatialWindow(3, 9), fc.constantFrom('SAME', 'VALID'), fc.boolean(), (c, padding, max) => {
        if (c.L.some((L, i) => L < c.k[i]!) && padding === 'VALID') return;
        const input = [c.batch, ...c.L, c.C];
        const r = op(max ? 'tf.nn.max_pool3d' : 'tf.nn.avg_pool3d', { ksize: c.k, strides: c.s, padding }, { input });
        expect(r.output).toEqual(tfShape(() => (max ? tf.maxPool3d : tf.avgPool3d)(zeros(input) as tf.Tensor5D, c.k as [number, number, number], c.s as [number, number, number], padding.toLowerCase() as 'same')));
      }),
      runs(RUNS, 209),
    );
  });
});

const shapeArb = (min: number, max: number) => fc.array(fc.integer({ min: 1, max: 4 }), { minLength: min, maxLength: max });

describe('shape ops vs tfjs-core', () => {
  it(`reshape with one -1 (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(shapeArb(1, 4), fc.nat(), fc.boolean(), (s, pick, keras) => {
        const total = s.reduce((a, b) => a * b, 1);
        const divisors = Array.from({ length: total }, (_, i) => i + 1).filter((d) => total % d === 0);
        const d = divisors[pick % divisors.length]!;
        const target = pick % 3 === 0 ? [d, -1] : pick % 3 === 1 ? [-1, d] : [total / d, d];
        const r = keras ? op('keras.ops.reshape', { newshape: target }, { x: s }) : op('tf.reshape', { shape: target }, { tensor: s });
        expect(r.output).toEqual(tfShape(() => tf.reshape(zeros(s), target)));
      }),
      runs(RUNS, 210),
    );
  });

  it(`concat and stack (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(shapeArb(1, 4), fc.integer({ min: 1, max: 4 }), fc.nat(), fc.boolean(), fc.boolean(), (s, n, pick, stackIt, keras) => {
        if (stackIt) {
          const axis = (pick % (s.length + 1)) - (pick % 2 === 0 ? 0 : s.length + 1);
          const items = Array.from({ length: n }, () => s);
          const r = keras ? op('keras.ops.stack', { axis }, { x: { list: items } }) : op('tf.stack', { axis }, { values: { list: items } });
          expect(r.output).toEqual(tfShape(() => tf.stack(items.map(zeros), axis)));
        } else {
          const axis = pick % s.length;
          const items = Array.from({ length: n }, (_, i) => s.map((d, j) => (j === axis ? d + i : d)));
          const r = keras ? op('keras.ops.concatenate', { axis }, { xs: { list: items } }) : op('tf.concat', { axis: axis - s.length }, { values: { list: items } });
          expect(r.output).toEqual(tfShape(() => tf.concat(items.map(zeros), axis)));
        }
      }),
      runs(RUNS, 211),
    );
  });

  it(`transpose, expand_dims, squeeze (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(shapeArb(1, 5), fc.nat(), fc.constantFrom('transpose', 'expand', 'squeeze'), fc.boolean(), (s, pick, which, keras) => {
        if (which === 'transpose') {
          const perm = [...s.keys()].sort((a, b) => ((a * 7919 + pick) % 13) - ((b * 7919 + pick) % 13));
          const r = keras ? op('keras.ops.transpose', { axes: perm }, { x: s }) : op('tf.transpose', { perm }, { a: s });
          expect(r.output).toEqual(tfShape(() => tf.transpose(zeros(s), perm)));
        } else if (which === 'expand') {
          const axis = (pick % (2 * s.length + 2)) - (s.length + 1);
          const r = keras ? op('keras.ops.expand_dims', { axis }, { x: s }) : op('tf.expand_dims', { axis }, { input: s });
          expect(r.output).toEqual(tfShape(() => tf.expandDims(zeros(s), axis)));
        } else {
          const ones = s.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
          const axis = ones.length > 0 && pick % 2 === 0 ? [ones[pick % ones.length]!] : undefined;
          const r = keras ? op('keras.ops.squeeze', axis ? { axis } : {}, { x: s }) : op('tf.squeeze', axis ? { axis } : {}, { input: s });
          expect(r.output).toEqual(tfShape(() => tf.squeeze(zeros(s), axis)));
        }
      }),
      runs(RUNS, 212),
    );
  });

  it(`split into equal parts or sizes (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(shapeArb(1, 3), fc.nat(), fc.integer({ min: 1, max: 4 }), (s0, pick, n) => {
        const axis = pick % s0.length;
        const s = s0.map((d, i) => (i === axis ? d * n : d));
        // tfjs rejects a lone [-1] (TensorFlow accepts it): size lists have two or more entries.
        const sizes = pick % 2 === 0 || n === 1 ? n : Array.from({ length: n }, (_, i) => (i === n - 1 ? -1 : s0[axis]!));
        const r = op('tf.split', { num_or_size_splits: sizes, axis }, { value: s });
        expect(r.outputs ?? [r.output]).toEqual(tfShape(() => tf.split(zeros(s), sizes as number, axis)));
      }),
      runs(RUNS, 213),
    );
  });

  it(`pad (constant) (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(shapeArb(1, 4), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }), fc.boolean(), (s, p, keras) => {
        const pads = s.map((_, i) => [p[2 * i]!, p[2 * i + 1]!] as [number, number]);
        const r = keras ? op('keras.ops.pad', { pad_width: pads }, { x: s }) : op('tf.pad', { paddings: pads }, { tensor: s });
        expect(r.output).toEqual(tfShape(() => tf.pad(zeros(s), pads)));
      }),
      runs(RUNS, 214),
    );
  });

  it(`matmul with batch broadcasting and transposes (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(shapeArb(0, 2), shapeArb(0, 2), tupleArb(fc.integer({ min: 1, max: 5 }), 3), fc.boolean(), fc.boolean(), fc.boolean(), (b1, b2, [m, k, n], ta, tb, keras) => {
        // Broadcast-compatible batch axes: where both have an axis, one of them is 1 or they agree.
        const len = Math.min(b1.length, b2.length);
        for (let i = 1; i <= len; i++) if (b1[b1.length - i] !== b2[b2.length - i]) b2[b2.length - i] = 1;
        if (keras) {
          const a = [...b1, m, k];
          const b = [...b2, k, n];
          const r = op('keras.ops.matmul', {}, { x1: a, x2: b });
          expect(r.output).toEqual(tfShape(() => tf.matMul(zeros(a), zeros(b))));
        } else {
          const a = [...b1, ...(ta ? [k, m] : [m, k])];
          const b = [...b2, ...(tb ? [n, k] : [k, n])];
          const r = op('tf.matmul', { transpose_a: ta, transpose_b: tb }, { a, b });
          expect(r.output).toEqual(tfShape(() => tf.matMul(zeros(a), zeros(b), ta, tb)));
        }
      }),
      runs(RUNS, 215),
    );
  });

  it(`reductions with axis and keepdims (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(shapeArb(1, 4), fc.nat(), fc.boolean(), fc.constantFrom('mean', 'sum', 'max'), fc.boolean(), (s, pick, keep, which, keras) => {
        const all = [...s.keys()];
        const axis = pick % 3 === 0 ? undefined : all.filter((i) => ((pick >> (i + 2)) & 1) === 1).map((i) => (i % 2 === 0 ? i : i - s.length));
        const args: Record<string, unknown> = { keepdims: keep };
        if (axis !== undefined) args.axis = axis;
        const name = keras ? `keras.ops.${which}` : `tf.reduce_${which}`;
        const r = op(name, args, keras ? { x: s } : { input_tensor: s });
        const f = which === 'mean' ? tf.mean : which === 'sum' ? tf.sum : tf.max;
        expect(r.output).toEqual(tfShape(() => f(zeros(s), axis, keep)));
      }),
      runs(RUNS, 216),
    );
  });

  it(`image resize (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), tupleArb(fc.integer({ min: 1, max: 12 }), 2), tupleArb(fc.integer({ min: 1, max: 12 }), 2), fc.boolean(), fc.boolean(), (b, hw, size, batched, keras) => {
        const input = batched ? [b, ...hw, 2] : [...hw, 2];
        const r = keras ? op('keras.ops.image.resize', { size }, { images: input }) : op('tf.image.resize', { size }, { images: input });
        expect(r.output).toEqual(tfShape(() => tf.image.resizeBilinear(zeros(input) as tf.Tensor4D, size as [number, number])));
      }),
      runs(RUNS, 217),
    );
  });
});
