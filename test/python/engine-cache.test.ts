// The engine cache is invisible: for any arguments and inputs it answers what applyLayer
// answers, and the same layer on the same inputs gets the stored result.
import { describe, expect, it } from 'vitest';
import { applyLayer } from '../../server/src/engine/index';
import type { EngineOptions, LayerCall, PyValue, SymbolicShape } from '../../server/src/engine/types';
import { applyLayerCached } from '../../server/src/python/engine-cache';

const int = (value: number): PyValue => ({ kind: 'int', value });
const float = (value: number): PyValue => ({ kind: 'float', value });
const str = (value: string): PyValue => ({ kind: 'str', value });
const tuple = (...items: PyValue[]): PyValue => ({ kind: 'seq', items, list: false });
const list = (...items: PyValue[]): PyValue => ({ kind: 'seq', items, list: true });
const last: EngineOptions = { defaultDataFormat: 'channels_last' };
const first: EngineOptions = { defaultDataFormat: 'channels_first' };

/** Calls the engine could tell apart, each in a fresh object (as the interpreter builds them). */
const calls: (() => LayerCall)[] = [
  () => ({ className: 'Conv2D', args: { filters: int(8), kernel_size: int(3) } }),
  () => ({ className: 'Conv2D', args: { filters: int(8), kernel_size: float(3) } }),
  () => ({ className: 'Conv2D', args: { filters: int(8), kernel_size: str('3') } }),
  () => ({ className: 'Conv2D', args: { filters: int(8), kernel_size: tuple(int(3), int(3)) } }),
  () => ({ className: 'Conv2D', args: { filters: int(8), kernel_size: list(int(3), int(3)) } }),
  () => ({ className: 'Conv2D', args: { filters: int(8), kernel_size: int(3), padding: str('same') } }),
  () => ({ className: 'Conv2D', args: { filters: int(8), kernel_size: int(3), strides: { kind: 'bool', value: true } } }),
  () => ({ className: 'Conv2D', args: { filters: int(8), kernel_size: int(3), strides: { kind: 'none' } } }),
  () => ({ className: 'Conv2D', args: { filters: int(8), kernel_size: int(3), strides: { kind: 'unknown', reason: 'x' } } }),
  () => ({ className: 'Conv2D', args: { filters: int(Infinity), kernel_size: int(3) } }),
  () => ({ className: 'Conv2D', args: { filters: int(-Infinity), kernel_size: int(3) } }),
  () => ({ className: 'Conv1D', args: { filters: int(8), kernel_size: int(3) } }),
  () => ({ className: 'Dense', args: { units: int(4) } }),
  () => ({ className: 'Dense', args: { units: int(4), 'units=4;': int(5) } }),
  () => ({ className: 'TimeDistributed', args: { layer: { kind: 'layer', call: { className: 'Dense', args: { units: int(4) } } } } }),
  () => ({ className: 'TimeDistributed', args: { layer: { kind: 'layer', call: { className: 'Dense', args: { units: int(5) } } } } }),
  () => ({ className: 'MultiHeadAttention', args: { num_heads: int(2), key_dim: int(4) } }),
  () => ({ className: 'MultiHeadAttention', args: { num_heads: int(2), key_dim: int(4) }, callArgs: { return_attention_scores: { kind: 'bool', value: true } } }),
];

const inputs: (SymbolicShape | null)[][] = [[[null, 16, 16, 3]], [[null, 16, 3]], [null], [[null, 8, 4], [null, 8, 4]], [[null, 'H' as SymbolicShape[number], 16, 3]]];

describe('applyLayerCached', () => {
  it('answers what applyLayer answers, whatever was asked before', () => {
    for (const options of [last, first]) {
      for (let round = 0; round < 2; round++) {
        for (const make of calls) {
          for (const shapes of inputs) {
            const cached = applyLayerCached(make(), shapes.map((s) => (s ? [...s] : s)), options);
            expect(cached).toEqual(applyLayer(make(), shapes, options));
          }
        }
      }
    }
  });

  it('gives the stored result to the same layer on the same inputs', () => {
    const shape: SymbolicShape = [null, 32, 32, 3];
    const a = applyLayerCached(calls[0](), [shape], last);
    expect(applyLayerCached(calls[0](), [shape], last)).toBe(a);
    expect(applyLayerCached(calls[0](), [[null, 32, 32, 3]], last)).toBe(a);
  });
});
