// Differential property tests: the engine's output shape against tfjs-layers'
// computeOutputShape, 5,000 random configurations per layer family. Where tfjs-layers diverges
// from Keras 3 (spec §10) the generator avoids the divergence or the spec's Keras 3 rule is the
// oracle; each such place says so. Padding strings are always lower-case here: tfjs is
// case-sensitive while Keras 3 convolutions lower-case them (spec §1.2, §10); the case rules are
// unit-tested in args.test.ts and pooling.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { fc, lengthArb, runs, tupleArb } from './fc-config';
import { layer } from './helpers';
import { shapeOf, tf, tfFormat, tfReady, type TfShape } from './tfjs';
import type { DataFormat, LayerResult, Shape } from '../../server/src/engine/types';

const RUNS = 5000;
const TIMEOUT = 120_000;

beforeAll(async () => {
  await tfReady();
});

const formatArb = fc.constantFrom<DataFormat>('channels_last', 'channels_first');
const paddingArb = fc.constantFrom('valid', 'same');

function withChannels(spatial: (number | null)[], C: number | null, format: DataFormat): Shape {
  return format === 'channels_first' ? [null, C, ...spatial] : [null, ...spatial, C];
}

function spatialOf(shape: readonly (number | null)[], n: number, format: DataFormat): (number | null)[] {
  return format === 'channels_first' ? shape.slice(2, 2 + n) : shape.slice(1, 1 + n);
}

function channelOf(shape: readonly (number | null)[], format: DataFormat): number | null {
  return format === 'channels_first' ? (shape[1] ?? null) : (shape[shape.length - 1] ?? null);
}

/** The engine's result must be well-formed whatever the input (invariants checked on every run). */
function wellFormed(r: LayerResult): void {
  const codes = r.findings.map((f) => f.code);
  expect(new Set(codes).size).toBe(codes.length);
  for (const f of r.findings) expect(f.message.trim().endsWith('.')).toBe(true);
}

/**
 * Compares spatial axes. For 'valid' windows longer than the input, Keras 3 raises while tfjs
 * returns 0 or a negative length (spec §10, "valid with L < ke"): the oracle there is the spec's
 * Keras 3 rule, an unknown output dimension plus a non-positive-dimension finding.
 */
function expectSpatial(
  r: LayerResult,
  expected: TfShape,
  n: number,
  format: DataFormat,
  tooSmall: boolean[],
): void {
  expect(r.output).not.toBeNull();
  const ours = spatialOf(r.output!, n, format);
  const theirs = spatialOf(expected, n, format);
  ours.forEach((o, i) => {
    if (tooSmall[i]) expect(o).toBeNull();
    else expect(o).toBe(theirs[i]);
  });
  expect(r.findings.some((f) => f.code === 'non-positive-dimension')).toBe(tooSmall.some(Boolean));
}

interface WindowCfg {
  L: (number | null)[];
  k: number[];
  s: number[];
  d: number[];
  padding: string;
  format: DataFormat;
  C: number | null;
  filters: number;
}

/** Kernel/stride/dilation per axis; Keras rejects strides > 1 with dilation > 1 (spec §3), so one of them is 1. */
function windowArb(n: number, opts: { maxL?: number; dilation?: boolean; knownC?: boolean; maxK?: number } = {}): fc.Arbitrary<WindowCfg> {
  return fc
    .record({
      L: tupleArb(lengthArb(1, opts.maxL ?? 70), n),
      k: tupleArb(fc.integer({ min: 1, max: opts.maxK ?? 7 }), n),
      s: tupleArb(fc.integer({ min: 1, max: 4 }), n),
      d: tupleArb(fc.integer({ min: 1, max: 3 }), n),
      dilated: opts.dilation === false ? fc.constant(false) : fc.boolean(),
      padding: paddingArb,
      format: formatArb,
      C: opts.knownC ? fc.integer({ min: 1, max: 8 }) : lengthArb(1, 8),
      filters: fc.integer({ min: 1, max: 16 }),
    })
    .map(({ dilated, ...c }) => ({
      ...c,
      s: dilated ? c.s.map(() => 1) : c.s,
      d: dilated ? c.d : c.d.map(() => 1),
    }));
}

function tooSmallAxes(c: { L: (number | null)[]; k: number[]; d: number[]; padding: string }): boolean[] {
  return c.L.map((L, i) => c.padding === 'valid' && L !== null && L < (c.k[i]! - 1) * c.d[i]! + 1);
}

/** An int argument when all axes agree (exercises the int form), else the tuple. */
function intOrTuple(xs: number[], asInt: boolean): number | number[] {
  return asInt && xs.every((x) => x === xs[0]) ? xs[0]! : xs;
}

describe('output shapes vs tfjs-layers computeOutputShape', () => {
  for (const n of [1, 2, 3]) {
    it(
      `Conv${n}D (${RUNS} configurations)`,
      () => {
        fc.assert(
          fc.property(windowArb(n), fc.boolean(), (c, asInt) => {
            const input = withChannels(c.L, c.C, c.format);
            const r = layer(
              `Conv${n}D`,
              { filters: c.filters, kernel_size: intOrTuple(c.k, asInt), strides: c.s, dilation_rate: c.d, padding: c.padding, data_format: c.format },
              input,
            );
            wellFormed(r);
            const args = { filters: c.filters, kernelSize: c.k, strides: c.s, dilationRate: (n === 1 ? c.d[0] : c.d) as [number], padding: c.padding as 'valid', dataFormat: tfFormat(c.format) };
            const t = n === 1 ? tf.layers.conv1d(args) : n === 2 ? tf.layers.conv2d(args) : tf.layers.conv3d(args);
            const expected = shapeOf(t, input);
            expectSpatial(r, expected, n, c.format, tooSmallAxes(c));
            expect(channelOf(r.output!, c.format)).toBe(c.filters);
          }),
          runs(RUNS, n),
        );
      },
      TIMEOUT,
    );
  }

  it(
    `Conv1D padding='causal' (${RUNS} configurations)`,
    () => {
      // tfjs-layers computes a causal Conv1D with the 'valid' formula (spec §10); Keras 3's causal
      // length is the 'same' length (spec §2), so tfjs' 'same' shape is the oracle here.
      fc.assert(
        fc.property(windowArb(1), (c) => {
          const input = withChannels(c.L, c.C, c.format);
          const r = layer('Conv1D', { filters: c.filters, kernel_size: c.k, strides: c.s, dilation_rate: c.d, padding: 'causal', data_format: c.format }, input);
          wellFormed(r);
          const t = tf.layers.conv1d({ filters: c.filters, kernelSize: c.k, strides: c.s, dilationRate: c.d[0], padding: 'same', dataFormat: tfFormat(c.format) });
          expectSpatial(r, shapeOf(t, input), 1, c.format, [false]);
          expect(r.padding).toEqual({ mode: 'causal', before: [c.d[0]! * (c.k[0]! - 1)], after: [0] });
          expect(r.findings.map((f) => f.code)).not.toContain('same-asymmetric-padding');
        }),
        runs(RUNS, 10),
      );
    },
    TIMEOUT,
  );

  for (const n of [1, 2, 3]) {
    it(
      `Conv${n}DTranspose (${RUNS} configurations)`,
      () => {
        // tfjs' transposed layers ignore dilation and have no output_padding (spec §10): d = 1 and
        // output_padding=None here; both are covered by the spec-table and unit tests. tfjs has no
        // Conv1DTranspose: the 1-D case is Conv2DTranspose with a width-1 axis.
        fc.assert(
          fc.property(windowArb(n, { dilation: false, knownC: true }), (c) => {
            const input = withChannels(c.L, c.C, c.format);
            const r = layer(`Conv${n}DTranspose`, { filters: c.filters, kernel_size: c.k, strides: c.s, padding: c.padding, data_format: c.format }, input);
            wellFormed(r);
            let expected: TfShape;
            if (n === 1) {
              const t = tf.layers.conv2dTranspose({ filters: c.filters, kernelSize: [c.k[0]!, 1], strides: [c.s[0]!, 1], padding: c.padding as 'valid', dataFormat: tfFormat(c.format) });
              const e2 = shapeOf(t, withChannels([c.L[0]!, 1], c.C, c.format));
              expected = c.format === 'channels_first' ? [e2[0]!, e2[1]!, e2[2]!] : [e2[0]!, e2[1]!, e2[3]!];
            } else {
              const args = { filters: c.filters, kernelSize: c.k, strides: c.s, padding: c.padding as 'valid', dataFormat: tfFormat(c.format) };
              expected = shapeOf(n === 2 ? tf.layers.conv2dTranspose(args) : tf.layers.conv3dTranspose(args), input);
            }
            expect(r.output).toEqual(expected);
          }),
          runs(RUNS, 20 + n),
        );
      },
      TIMEOUT,
    );
  }

  it(
    `DepthwiseConv2D (${RUNS} configurations)`,
    () => {
      // tfjs' DepthwiseConv2D ignores dilation_rate (spec §10): d = 1. Its shape function also
      // multiplies an unknown channel count (null · m = 0 in JS), so C is known here.
      fc.assert(
        fc.property(windowArb(2, { dilation: false, knownC: true }), fc.integer({ min: 1, max: 3 }), (c, m) => {
          const input = withChannels(c.L, c.C, c.format);
          const r = layer('DepthwiseConv2D', { kernel_size: c.k, strides: c.s, padding: c.padding, depth_multiplier: m, data_format: c.format }, input);
          wellFormed(r);
          const t = tf.layers.depthwiseConv2d({ kernelSize: c.k as [number, number], strides: c.s as [number, number], padding: c.padding as 'valid', depthMultiplier: m, dataFormat: tfFormat(c.format) });
          const expected = shapeOf(t, input);
          expectSpatial(r, expected, 2, c.format, tooSmallAxes(c));
          expect(channelOf(r.output!, c.format)).toBe(channelOf(expected, c.format));
        }),
        runs(RUNS, 30),
      );
    },
    TIMEOUT,
  );

  for (const n of [1, 2]) {
    it(
      `SeparableConv${n}D (${RUNS} configurations)`,
      () => {
        // tfjs has no SeparableConv1D: the 1-D case is SeparableConv2D with a width-1 axis, which is
        // also how Keras' TF backend runs it.
        fc.assert(
          fc.property(windowArb(n), fc.integer({ min: 1, max: 3 }), (c, m) => {
            const input = withChannels(c.L, c.C, c.format);
            const r = layer(`SeparableConv${n}D`, { filters: c.filters, kernel_size: c.k, strides: c.s, dilation_rate: c.d, padding: c.padding, depth_multiplier: m, data_format: c.format }, input);
            wellFormed(r);
            const pad = (xs: number[]): number[] => (n === 1 ? [xs[0]!, 1] : xs);
            const t = tf.layers.separableConv2d({
              filters: c.filters,
              kernelSize: pad(c.k),
              strides: pad(c.s),
              dilationRate: pad(c.d) as [number, number],
              padding: c.padding as 'valid',
              depthMultiplier: m,
              dataFormat: tfFormat(c.format),
            });
            const e = shapeOf(t, withChannels(n === 1 ? [c.L[0]!, 1] : c.L, c.C, c.format));
            const expected = n === 1 ? withChannels([spatialOf(e, 2, c.format)[0]!], c.filters, c.format) : e;
            expectSpatial(r, expected, n, c.format, tooSmallAxes(c));
            expect(channelOf(r.output!, c.format)).toBe(c.filters);
          }),
          runs(RUNS, 40 + n),
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
          // tfjs' 1-D pooling layers are channels-last only: for channels_first the oracle is the
          // channels-last shape with the axes swapped (the per-axis formula is format-independent).
          fc.assert(
            fc.property(windowArb(n, { dilation: false }), fc.boolean(), (c, stridesNone) => {
              const input = withChannels(c.L, c.C, c.format);
              const args: Record<string, unknown> = { pool_size: c.k, padding: c.padding, data_format: c.format };
              if (!stridesNone) args.strides = c.s;
              const r = layer(cls, args, input);
              wellFormed(r);
              const strides = stridesNone ? c.k : c.s;
              let expected: TfShape;
              if (n === 1) {
                const t = (mode === 'max' ? tf.layers.maxPooling1d : tf.layers.averagePooling1d)({ poolSize: c.k[0]!, strides: strides[0]!, padding: c.padding as 'valid' });
                const e = shapeOf(t, [null, c.L[0]!, c.C]);
                expected = withChannels([e[1]!], c.C, c.format);
              } else {
                const a = { poolSize: c.k, strides, padding: c.padding as 'valid', dataFormat: tfFormat(c.format) };
                const t =
                  n === 2
                    ? (mode === 'max' ? tf.layers.maxPooling2d : tf.layers.averagePooling2d)(a as never)
                    : (mode === 'max' ? tf.layers.maxPooling3d : tf.layers.averagePooling3d)(a as never);
                expected = shapeOf(t, input);
              }
              expectSpatial(r, expected, n, c.format, tooSmallAxes(c));
              expect(channelOf(r.output!, c.format)).toBe(c.C);
            }),
            runs(RUNS, 50 + n + (mode === 'max' ? 0 : 5)),
          );
        },
        TIMEOUT,
      );
    }
  }

  for (const n of [1, 2]) {
    it(
      `Global pooling ${n}D (${RUNS} configurations)`,
      () => {
        // tfjs global pooling has no keepdims and its 1-D layers are channels-last only: the
        // keepdims=True and channels_first 1-D shapes use the spec §7 rule.
        fc.assert(
          fc.property(tupleArb(lengthArb(1, 50), n), lengthArb(1, 16), formatArb, fc.boolean(), fc.constantFrom('max', 'average'), (L, C, format, keepdims, mode) => {
            const input = withChannels(L, C, format);
            const cls = `Global${mode === 'max' ? 'Max' : 'Average'}Pooling${n}D`;
            const r = layer(cls, { data_format: format, keepdims }, input);
            wellFormed(r);
            if (keepdims) {
              expect(r.output).toEqual(withChannels(L.map(() => 1), C, format));
              return;
            }
            let expected: TfShape;
            if (n === 1) {
              const t = (mode === 'max' ? tf.layers.globalMaxPooling1d : tf.layers.globalAveragePooling1d)({});
              expected = shapeOf(t, [null, L[0]!, C]);
            } else {
              const t = (mode === 'max' ? tf.layers.globalMaxPooling2d : tf.layers.globalAveragePooling2d)({ dataFormat: tfFormat(format) });
              expected = shapeOf(t, input);
            }
            expect(r.output).toEqual(expected);
          }),
          runs(RUNS, 60 + n),
        );
      },
      TIMEOUT,
    );
  }

  /** The three ways to write a 2-D pad/crop argument, with tfjs' equivalent. */
  const pairsArb = fc.oneof(
    fc.integer({ min: 0, max: 4 }).map((p) => ({ keras: p as unknown, tfjs: p as unknown, pairs: [[p, p], [p, p]] })),
    tupleArb(fc.integer({ min: 0, max: 4 }), 2).map(([a, b]) => ({ keras: [a, b] as unknown, tfjs: [a, b] as unknown, pairs: [[a!, a!], [b!, b!]] })),
    tupleArb(tupleArb(fc.integer({ min: 0, max: 4 }), 2), 2).map((p) => ({ keras: p as unknown, tfjs: p as unknown, pairs: p })),
  );

  it(
    `ZeroPadding2D (${RUNS} configurations)`,
    () => {
      fc.assert(
        fc.property(tupleArb(lengthArb(1, 40), 2), lengthArb(1, 8), formatArb, pairsArb, (L, C, format, p) => {
          const input = withChannels(L, C, format);
          const r = layer('ZeroPadding2D', { padding: p.keras, data_format: format }, input);
          wellFormed(r);
          const t = tf.layers.zeroPadding2d({ padding: p.tfjs as never, dataFormat: tfFormat(format) });
          expect(r.output).toEqual(shapeOf(t, input));
          expect(r.padding).toEqual({ mode: 'explicit', before: p.pairs.map((x) => x[0]), after: p.pairs.map((x) => x[1]) });
        }),
        runs(RUNS, 70),
      );
    },
    TIMEOUT,
  );

  it(
    `Cropping2D (${RUNS} configurations)`,
    () => {
      // tfjs' Cropping2D subtracts from an unknown (null) dimension and never checks for a crop
      // larger than the input (spec §10, "Cropping too large"): unknown dims and over-cropping use
      // the spec §8 rule (None stays None; before + after ≥ L is a non-positive-dimension).
      fc.assert(
        fc.property(tupleArb(lengthArb(1, 40), 2), lengthArb(1, 8), formatArb, pairsArb, (L, C, format, p) => {
          const input = withChannels(L, C, format);
          const r = layer('Cropping2D', { cropping: p.keras, data_format: format }, input);
          wellFormed(r);
          const t = tf.layers.cropping2D({ cropping: p.tfjs as never, dataFormat: tfFormat(format) });
          const known = L.map((x) => (x === null ? 1000 : x));
          const expected = spatialOf(shapeOf(t, withChannels(known, C, format)), 2, format);
          const ours = spatialOf(r.output!, 2, format);
          let over = false;
          L.forEach((x, i) => {
            const crop = p.pairs[i]![0]! + p.pairs[i]![1]!;
            if (x === null) expect(ours[i]).toBeNull();
            else if (crop >= x) {
              over = true;
              expect(ours[i]).toBeNull();
            } else expect(ours[i]).toBe(expected[i]);
          });
          expect(r.findings.some((f) => f.code === 'non-positive-dimension')).toBe(over);
          expect(channelOf(r.output!, format)).toBe(C);
        }),
        runs(RUNS, 80),
      );
    },
    TIMEOUT,
  );

  it(
    `UpSampling2D (${RUNS} configurations)`,
    () => {
      fc.assert(
        fc.property(tupleArb(lengthArb(1, 40), 2), lengthArb(1, 8), formatArb, tupleArb(fc.integer({ min: 1, max: 5 }), 2), fc.boolean(), (L, C, format, size, asInt) => {
          const input = withChannels(L, C, format);
          const size2 = asInt ? [size[0]!, size[0]!] : size;
          const r = layer('UpSampling2D', { size: asInt ? size[0] : size, data_format: format }, input);
          wellFormed(r);
          const t = tf.layers.upSampling2d({ size: size2, dataFormat: tfFormat(format) });
          expect(r.output).toEqual(shapeOf(t, input));
        }),
        runs(RUNS, 90),
      );
    },
    TIMEOUT,
  );
});

