// Spec §12 worked examples, typed in from the spec (not computed by the code under test): the
// output length, TF's per-side pads (crops for transposed convs) and the PyTorch equivalent.
import { describe, expect, it } from 'vitest';
import { FIRST, LAST, codes, layer } from './helpers';
import type { EngineOptions, Shape } from '../../server/src/engine/types';

type Kind = 'Conv' | 'Conv1D' | 'MaxPool' | 'AvgPool' | 'ConvTranspose';
interface Row {
  n: number;
  kind: Kind;
  L: number;
  k: number;
  s: number;
  d: number;
  padding: string;
  op: number | null;
  out: number | 'error';
  before: number | null;
  after: number | null;
  /** Fragments the PyTorch equivalent must contain (1-D form). */
  torch: string[];
}

// prettier-ignore
const ROWS: Row[] = [
  { n: 1, kind: 'Conv', L: 5, k: 3, s: 1, d: 1, padding: 'valid', op: null, out: 3, before: 0, after: 0, torch: ['padding=0'] },
  { n: 2, kind: 'Conv', L: 5, k: 3, s: 1, d: 1, padding: 'same', op: null, out: 5, before: 1, after: 1, torch: ['padding=1'] },
  { n: 3, kind: 'Conv', L: 6, k: 3, s: 2, d: 1, padding: 'same', op: null, out: 3, before: 0, after: 1, torch: ['F.pad(x, (0, 1))', 'padding=0'] },
  { n: 4, kind: 'Conv', L: 7, k: 3, s: 2, d: 1, padding: 'same', op: null, out: 4, before: 1, after: 1, torch: ['padding=1'] },
  { n: 5, kind: 'Conv', L: 224, k: 7, s: 2, d: 1, padding: 'same', op: null, out: 112, before: 2, after: 3, torch: ['F.pad(x, (2, 3))', 'padding=0'] },
  { n: 6, kind: 'Conv', L: 224, k: 3, s: 2, d: 1, padding: 'same', op: null, out: 112, before: 0, after: 1, torch: ['F.pad(x, (0, 1))', 'padding=0'] },
  { n: 7, kind: 'Conv', L: 112, k: 1, s: 2, d: 1, padding: 'same', op: null, out: 56, before: 0, after: 0, torch: ['padding=0'] },
  { n: 8, kind: 'Conv', L: 5, k: 4, s: 1, d: 1, padding: 'same', op: null, out: 5, before: 1, after: 2, torch: ['F.pad(x, (1, 2))', 'padding=0'] },
  { n: 9, kind: 'Conv', L: 5, k: 2, s: 1, d: 1, padding: 'same', op: null, out: 5, before: 0, after: 1, torch: ['F.pad(x, (0, 1))', 'padding=0'] },
  { n: 10, kind: 'Conv', L: 8, k: 4, s: 2, d: 1, padding: 'same', op: null, out: 4, before: 1, after: 1, torch: ['padding=1'] },
  { n: 11, kind: 'Conv', L: 9, k: 4, s: 3, d: 1, padding: 'same', op: null, out: 3, before: 0, after: 1, torch: ['F.pad(x, (0, 1))', 'padding=0'] },
  { n: 12, kind: 'Conv', L: 10, k: 1, s: 4, d: 1, padding: 'same', op: null, out: 3, before: 0, after: 0, torch: ['padding=0'] },
  { n: 13, kind: 'Conv', L: 10, k: 3, s: 1, d: 2, padding: 'same', op: null, out: 10, before: 2, after: 2, torch: ['padding=2'] },
  { n: 14, kind: 'Conv', L: 10, k: 3, s: 1, d: 2, padding: 'valid', op: null, out: 6, before: 0, after: 0, torch: ['padding=0'] },
  { n: 15, kind: 'Conv', L: 10, k: 4, s: 1, d: 3, padding: 'same', op: null, out: 10, before: 4, after: 5, torch: ['F.pad(x, (4, 5))', 'padding=0'] },
  { n: 16, kind: 'Conv', L: 11, k: 5, s: 3, d: 1, padding: 'valid', op: null, out: 3, before: 0, after: 0, torch: ['padding=0'] },
  { n: 17, kind: 'Conv', L: 2, k: 3, s: 1, d: 1, padding: 'valid', op: null, out: 'error', before: null, after: null, torch: [] },
  { n: 18, kind: 'Conv', L: 3, k: 3, s: 4, d: 1, padding: 'valid', op: null, out: 1, before: 0, after: 0, torch: ['padding=0'] },
  { n: 19, kind: 'Conv', L: 1, k: 7, s: 2, d: 1, padding: 'same', op: null, out: 1, before: 3, after: 3, torch: ['padding=3'] },
  { n: 20, kind: 'Conv1D', L: 10, k: 3, s: 1, d: 2, padding: 'causal', op: null, out: 10, before: 4, after: 0, torch: ['F.pad(x, (4, 0))', 'padding=0'] },
  { n: 21, kind: 'Conv1D', L: 7, k: 4, s: 2, d: 1, padding: 'causal', op: null, out: 4, before: 3, after: 0, torch: ['F.pad(x, (3, 0))', 'padding=0'] },
  { n: 22, kind: 'MaxPool', L: 7, k: 2, s: 2, d: 1, padding: 'valid', op: null, out: 3, before: 0, after: 0, torch: ['padding=0'] },
  { n: 23, kind: 'MaxPool', L: 7, k: 2, s: 2, d: 1, padding: 'same', op: null, out: 4, before: 0, after: 1, torch: ["F.pad(x, (0, 1), value=float('-inf'))", 'padding=0'] },
  { n: 24, kind: 'MaxPool', L: 8, k: 3, s: 2, d: 1, padding: 'same', op: null, out: 4, before: 0, after: 1, torch: ["F.pad(x, (0, 1), value=float('-inf'))", 'padding=0'] },
  { n: 25, kind: 'MaxPool', L: 112, k: 3, s: 2, d: 1, padding: 'same', op: null, out: 56, before: 0, after: 1, torch: ["F.pad(x, (0, 1), value=float('-inf'))", 'padding=0'] },
  { n: 26, kind: 'AvgPool', L: 5, k: 3, s: 1, d: 1, padding: 'same', op: null, out: 5, before: 1, after: 1, torch: ['padding=1', 'count_include_pad=False'] },
  { n: 27, kind: 'AvgPool', L: 6, k: 3, s: 3, d: 1, padding: 'valid', op: null, out: 2, before: 0, after: 0, torch: ['padding=0'] },
  { n: 28, kind: 'ConvTranspose', L: 4, k: 3, s: 2, d: 1, padding: 'same', op: null, out: 8, before: 0, after: 1, torch: ['padding=0', '[:, :, 0:8]'] },
  { n: 29, kind: 'ConvTranspose', L: 4, k: 4, s: 2, d: 1, padding: 'same', op: null, out: 8, before: 1, after: 1, torch: ['padding=1, output_padding=0'] },
  { n: 30, kind: 'ConvTranspose', L: 4, k: 3, s: 2, d: 1, padding: 'valid', op: null, out: 9, before: 0, after: 0, torch: ['padding=0, output_padding=0'] },
  { n: 31, kind: 'ConvTranspose', L: 4, k: 1, s: 3, d: 1, padding: 'valid', op: null, out: 12, before: 0, after: -2, torch: ['padding=0, output_padding=2'] },
  { n: 32, kind: 'ConvTranspose', L: 4, k: 3, s: 2, d: 1, padding: 'same', op: 1, out: 8, before: 0, after: 1, torch: ['padding=0', '[:, :, 0:8]'] },
  { n: 33, kind: 'ConvTranspose', L: 4, k: 3, s: 2, d: 1, padding: 'same', op: 0, out: 7, before: 1, after: 1, torch: ['padding=1, output_padding=0'] },
  { n: 34, kind: 'ConvTranspose', L: 4, k: 4, s: 2, d: 1, padding: 'same', op: 1, out: 7, before: 1, after: 2, torch: ['padding=0', '[:, :, 1:8]'] },
  { n: 35, kind: 'ConvTranspose', L: 4, k: 4, s: 2, d: 1, padding: 'same', op: 0, out: 6, before: null, after: null, torch: [] },
  { n: 36, kind: 'ConvTranspose', L: 4, k: 3, s: 2, d: 1, padding: 'valid', op: 1, out: 10, before: 0, after: -1, torch: ['padding=0, output_padding=1'] },
  { n: 37, kind: 'ConvTranspose', L: 5, k: 5, s: 3, d: 1, padding: 'same', op: null, out: 15, before: 1, after: 1, torch: ['padding=1, output_padding=0'] },
  { n: 38, kind: 'ConvTranspose', L: 5, k: 2, s: 3, d: 1, padding: 'same', op: null, out: 15, before: 0, after: -1, torch: ['padding=0, output_padding=1'] },
  { n: 39, kind: 'ConvTranspose', L: 5, k: 3, s: 1, d: 2, padding: 'same', op: null, out: 5, before: 2, after: 2, torch: ['padding=2, output_padding=0'] },
  { n: 40, kind: 'ConvTranspose', L: 5, k: 3, s: 1, d: 2, padding: 'valid', op: null, out: 9, before: 0, after: 0, torch: ['padding=0, output_padding=0'] },
  { n: 41, kind: 'ConvTranspose', L: 3, k: 5, s: 2, d: 1, padding: 'same', op: 1, out: 6, before: 1, after: 2, torch: ['padding=0', '[:, :, 1:7]'] },
];

/** The Keras layers each spec row stands for, with the spatial rank to test it at. */
function layersFor(kind: Kind): { cls: string; rank: number; args: Record<string, unknown> }[] {
  switch (kind) {
    case 'Conv':
      return [
        { cls: 'Conv1D', rank: 1, args: { filters: 4 } },
        { cls: 'Conv2D', rank: 2, args: { filters: 4 } },
        { cls: 'Conv3D', rank: 3, args: { filters: 4 } },
        { cls: 'DepthwiseConv1D', rank: 1, args: {} },
        { cls: 'DepthwiseConv2D', rank: 2, args: { depth_multiplier: 2 } },
        { cls: 'SeparableConv1D', rank: 1, args: { filters: 4 } },
        { cls: 'SeparableConv2D', rank: 2, args: { filters: 4 } },
      ];
    case 'Conv1D':
      return [{ cls: 'Conv1D', rank: 1, args: { filters: 4 } }];
    case 'MaxPool':
      return [1, 2, 3].map((rank) => ({ cls: `MaxPooling${rank}D`, rank, args: {} }));
    case 'AvgPool':
      return [1, 2, 3].map((rank) => ({ cls: `AveragePooling${rank}D`, rank, args: {} }));
    case 'ConvTranspose':
      return [1, 2, 3].map((rank) => ({ cls: `Conv${rank}DTranspose`, rank, args: { filters: 4 } }));
  }
}

function argsFor(row: Row, base: Record<string, unknown>): Record<string, unknown> {
  const isPool = row.kind === 'MaxPool' || row.kind === 'AvgPool';
  const a: Record<string, unknown> = { ...base, padding: row.padding, strides: row.s };
  if (isPool) a.pool_size = row.k;
  else {
    a.kernel_size = row.k;
    a.dilation_rate = row.d;
  }
  if (row.op !== null) a.output_padding = row.op;
  return a;
}

function inputShape(rank: number, L: number, options: EngineOptions): Shape {
  const spatial = Array.from({ length: rank }, () => L);
  return options === FIRST ? [null, 3, ...spatial] : [null, ...spatial, 3];
}

describe('spec §12 worked examples', () => {
  for (const row of ROWS) {
    for (const { cls, rank, args } of layersFor(row.kind)) {
      for (const options of [LAST, FIRST]) {
        const fmtName = options === FIRST ? 'channels_first' : 'channels_last';
        it(`row ${row.n}: ${cls} L=${row.L} k=${row.k} s=${row.s} d=${row.d} ${row.padding}${row.op === null ? '' : ` op=${row.op}`} (${fmtName})`, () => {
          const r = layer(cls, argsFor(row, args), inputShape(rank, row.L, options), options);
          const spatialAxes = options === FIRST ? [2, 3, 4].slice(0, rank) : [1, 2, 3].slice(0, rank);
          if (row.out === 'error') {
            expect(codes(r)).toContain('non-positive-dimension');
            expect(r.output?.[spatialAxes[0]!] ?? null).toBeNull();
            return;
          }
          expect(r.output).not.toBeNull();
          for (const a of spatialAxes) expect(r.output![a]).toBe(row.out);
          if (row.n === 35) {
            // Keras computes 6; TensorFlow rejects it at run time.
            expect(codes(r)).toContain('invalid-layer-argument');
            return;
          }
          expect(r.padding?.before).toEqual(Array.from({ length: rank }, () => row.before));
          expect(r.padding?.after).toEqual(Array.from({ length: rank }, () => row.after));
          expect(r.padding?.crop ?? false).toBe(row.kind === 'ConvTranspose');
          expect(r.findings.map((f) => f.code)).not.toContain('invalid-layer-argument');
          if (rank === 1) for (const frag of row.torch) expect(r.torch).toContain(frag);
        });
      }
    }
  }
});

describe('spec §12 multi-axis sanity lines', () => {
  it('Conv2D(k=(3,5), s=(2,1), same) on 7×6 → 4×6, pads H (1,1), W (2,2)', () => {
    const r = layer('Conv2D', { filters: 8, kernel_size: [3, 5], strides: [2, 1], padding: 'same' }, [null, 7, 6, 3]);
    expect(r.output).toEqual([null, 4, 6, 8]);
    expect(r.padding).toEqual({ mode: 'same', before: [1, 2], after: [1, 2] });
    expect(r.torch).toBe('nn.Conv2d(3, 8, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2))');
  });
  it('Conv2D(k=3, s=2, same) on 224×224 → 112×112, pads (0,1) on both axes', () => {
    const r = layer('Conv2D', { filters: 64, kernel_size: 3, strides: 2, padding: 'same' }, [null, 224, 224, 3]);
    expect(r.output).toEqual([null, 112, 112, 64]);
    expect(r.padding).toEqual({ mode: 'same', before: [0, 0], after: [1, 1] });
    expect(r.torch).toBe('x = F.pad(x, (0, 1, 0, 1))\nnn.Conv2d(3, 64, kernel_size=3, stride=2, padding=0)');
  });
});
