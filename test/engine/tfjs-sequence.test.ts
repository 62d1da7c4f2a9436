// Differential property tests for the sequence layers: the engine's output shapes (including
// every tensor of return_state / merge_mode=None) against tfjs-layers' computeOutputShape,
// 1,000 random configurations per layer. tfjs-layers follows Keras here; where it does not
// (it has no Conv1D/3D ConvLSTM, no MultiHeadAttention/Attention), those layers are covered by
// the hand-derived tests in sequence.test.ts instead.
import { beforeAll, describe, expect, it } from 'vitest';
import { fc, lengthArb, runs } from './fc-config';
import { py } from './helpers';
import { tf, tfFormat, tfReady, type TfShape } from './tfjs';
import { applyLayer } from '../../server/src/engine/index';
import type { DataFormat, LayerResult, PyValue, Shape } from '../../server/src/engine/types';

const RUNS = 1000;

beforeAll(async () => {
  await tfReady();
});

function apply(className: string, args: Record<string, unknown>, input: Shape | Shape[], multi = false, format: DataFormat = 'channels_last'): LayerResult {
  const pa: Record<string, PyValue> = {};
  for (const [k, v] of Object.entries(args)) pa[k] = py(v);
  return applyLayer({ className, args: pa }, multi ? (input as Shape[]) : [input as Shape], { defaultDataFormat: format });
}

/** The engine's shapes as tfjs lists them: one shape, or the list of shapes. */
function shapes(r: LayerResult): unknown {
  return r.outputs ?? r.output;
}

function wellFormed(r: LayerResult): void {
  const keys = r.findings.map((f) => `${f.code}/${f.via ?? ''}`);
  expect(new Set(keys).size).toBe(keys.length);
}

const rnnArb = fc.record({
  units: fc.integer({ min: 1, max: 64 }),
  seq: fc.boolean(),
  state: fc.boolean(),
  back: fc.boolean(),
  batch: lengthArb(1, 16, 3),
  T: lengthArb(1, 50, 2),
  F: lengthArb(1, 32, 1),
});

describe('recurrent layers vs tfjs-layers computeOutputShape', () => {
  const kinds = [
    ['LSTM', (a: object) => tf.layers.lstm(a as never)],
    ['GRU', (a: object) => tf.layers.gru(a as never)],
    ['SimpleRNN', (a: object) => tf.layers.simpleRNN(a as never)],
  ] as const;
  for (const [name, make] of kinds) {
    it(`${name} (${RUNS} configurations)`, () => {
      fc.assert(
        fc.property(rnnArb, (c) => {
          const input: Shape = [c.batch, c.T, c.F];
          const r = apply(name, { units: c.units, return_sequences: c.seq, return_state: c.state, go_backwards: c.back }, input);
          wellFormed(r);
          const t = make({ units: c.units, returnSequences: c.seq, returnState: c.state, goBackwards: c.back });
          expect(shapes(r)).toEqual(t.computeOutputShape(input as TfShape));
        }),
        runs(RUNS, 101),
      );
    });
  }

  it(`Embedding (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(fc.array(lengthArb(1, 30, 1), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 64 }), (input, inDim, outDim) => {
        const r = apply('Embedding', { input_dim: inDim, output_dim: outDim }, input);
        expect(r.output).toEqual(tf.layers.embedding({ inputDim: inDim, outputDim: outDim }).computeOutputShape(input as TfShape));
      }),
      runs(RUNS, 102),
    );
  });

  it(`Bidirectional over LSTM/GRU/SimpleRNN, every merge mode (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(rnnArb, fc.constantFrom('concat', 'sum', 'mul', 'ave', null), fc.constantFrom('LSTM', 'GRU', 'SimpleRNN'), (c, mode, kind) => {
        const input: Shape = [c.batch, c.T, c.F];
        const inner = { units: c.units, return_sequences: c.seq, return_state: c.state };
        const pa: Record<string, PyValue> = {};
        for (const [k, v] of Object.entries(inner)) pa[k] = py(v);
        const r = apply('Bidirectional', { layer: { kind: 'layer', call: { className: kind, args: pa } }, merge_mode: mode }, input);
        wellFormed(r);
        const tArgs = { units: c.units, returnSequences: c.seq, returnState: c.state };
        const tInner = kind === 'LSTM' ? tf.layers.lstm(tArgs) : kind === 'GRU' ? tf.layers.gru(tArgs) : tf.layers.simpleRNN(tArgs);
        const t = tf.layers.bidirectional({ layer: tInner as never, mergeMode: mode as never });
        expect(shapes(r)).toEqual(t.computeOutputShape(input as TfShape));
      }),
      runs(RUNS, 103),
    );
  });

  it(`ConvLSTM2D: conv window, strides, padding, data format, return flags (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(
        fc.record({
          filters: fc.integer({ min: 1, max: 16 }),
          k: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })),
          s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
          padding: fc.constantFrom('valid', 'same'),
          format: fc.constantFrom<DataFormat>('channels_last', 'channels_first'),
          T: lengthArb(1, 6, 1),
          H: fc.integer({ min: 1, max: 40 }),
          W: fc.integer({ min: 1, max: 40 }),
          C: fc.integer({ min: 1, max: 4 }),
          seq: fc.boolean(),
          state: fc.boolean(),
        }),
        (c) => {
          const input: Shape = c.format === 'channels_first' ? [null, c.T, c.C, c.H, c.W] : [null, c.T, c.H, c.W, c.C];
          const r = apply(
            'ConvLSTM2D',
            { filters: c.filters, kernel_size: c.k, strides: c.s, padding: c.padding, data_format: c.format, return_sequences: c.seq, return_state: c.state },
            input,
          );
          wellFormed(r);
          // Keras 3 rejects a 'valid' window longer than the input; tfjs returns 0 or a negative
          // size there (spec §10). The Keras rule is the oracle: unknown size plus a finding.
          const tooSmall = c.padding === 'valid' && (c.H < c.k[0] || c.W < c.k[1]);
          expect(r.findings.some((f) => f.code === 'non-positive-dimension')).toBe(tooSmall);
          if (tooSmall) return;
          const t = tf.layers.convLstm2d({
            filters: c.filters,
            kernelSize: c.k,
            strides: c.s,
            padding: c.padding as 'valid',
            dataFormat: tfFormat(c.format),
            returnSequences: c.seq,
            returnState: c.state,
          });
          expect(shapes(r)).toEqual(t.computeOutputShape(input as TfShape));
        },
      ),
      runs(RUNS, 104),
    );
  });

  it(`TimeDistributed(Dense / Conv2D / Flatten) (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom('Dense', 'Conv2D', 'Flatten'),
        lengthArb(1, 8, 1),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom('valid', 'same'),
        (inner, T, H, W, k, s, padding) => {
          let input: Shape;
          let args: Record<string, unknown>;
          let t;
          if (inner === 'Dense') {
            input = [null, T, H];
            args = { units: W };
            t = tf.layers.dense({ units: W });
          } else if (inner === 'Flatten') {
            input = [null, T, H, W];
            args = {};
            t = tf.layers.flatten();
          } else {
            if (padding === 'valid' && (H < k || W < k)) return; // Keras raises; tested in sequence.test.ts
            input = [null, T, H, W, 2];
            args = { filters: 3, kernel_size: k, strides: s, padding };
            t = tf.layers.conv2d({ filters: 3, kernelSize: k, strides: s, padding: padding as 'valid' });
          }
          const pa: Record<string, PyValue> = {};
          for (const [key, val] of Object.entries(args)) pa[key] = py(val);
          const r = apply('TimeDistributed', { layer: { kind: 'layer', call: { className: inner, args: pa } } }, input);
          wellFormed(r);
          expect(r.output).toEqual(tf.layers.timeDistributed({ layer: t }).computeOutputShape(input as TfShape));
        },
      ),
      runs(RUNS, 105),
    );
  });

  it(`Dot with int and pair axes (${RUNS} configurations)`, () => {
    fc.assert(
      fc.property(
        // tfjs-layers' Dot stops at rank 3 ("does not support tensors of 4D or higher rank yet").
        fc.integer({ min: 2, max: 3 }),
        fc.integer({ min: 2, max: 3 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 8, maxLength: 8 }),
        fc.nat(),
        fc.boolean(),
        (r1, r2, sizes, pick, pair) => {
          // Choose axes (not 0) and make the two reduced axes equal so the product exists.
          const a0 = 1 + (pick % (r1 - 1));
          const a1 = 1 + ((pick >> 3) % (r2 - 1));
          const x: Shape = [3, ...sizes.slice(0, r1 - 1)];
          const y: Shape = [3, ...sizes.slice(4, 4 + r2 - 1)];
          y[a1] = x[a0]!;
          if (!pair && (a0 !== a1)) return;
          const axes = pair ? [a0, a1] : a0;
          const r = apply('Dot', { axes }, [x, y], true);
          wellFormed(r);
          expect(r.output).toEqual(tf.layers.dot({ axes: axes as number }).computeOutputShape([x, y] as never));
        },
      ),
      runs(RUNS, 106),
    );
  });
});
