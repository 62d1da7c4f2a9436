// TensorFlow.js as an independent oracle (CPU backend, pure JS). Only imported by the
// differential tests.
import * as tf from '@tensorflow/tfjs';
import type { DataFormat } from '../../server/src/engine/types';

let ready: Promise<void> | undefined;

export function tfReady(): Promise<void> {
  ready ??= (async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  })();
  return ready;
}

export { tf };

export function tfFormat(f: DataFormat): 'channelsLast' | 'channelsFirst' {
  return f === 'channels_first' ? 'channelsFirst' : 'channelsLast';
}

/** A shape tfjs accepts: null for unknown. */
export type TfShape = (number | null)[];

export function shapeOf(layer: { computeOutputShape(s: TfShape): unknown }, input: TfShape): TfShape {
  return layer.computeOutputShape(input) as TfShape;
}

/** Deterministic small integers (exact in float32) from a seed, so failures replay exactly. */
export function intTensor(shape: number[], seed: number, lo = -3, hi = 3): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  let x = (seed >>> 0) || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    data[i] = lo + (x % (hi - lo + 1));
  }
  return tf.tensor(data, shape);
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  if (a.shape.join(',') !== b.shape.join(',')) return Infinity;
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}
