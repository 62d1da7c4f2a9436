// The op vocabulary: how an op's parameters are described (so the front end can map positional
// arguments and tell tensors from plain values) and how tensor arguments are passed in.
import type { EngineOptions, LayerResult, PyValue, Shape } from '../types';

/**
 * A tensor-valued argument of an op: the tensor's shape (null when the shape is unknown), or,
 * for parameters that take a Python list/tuple of tensors (`tf.concat(values)`,
 * `keras.ops.stack(x)`), `{ list: [...] }` with one shape (or null) per element.
 */
export type TensorArg = Shape | null | { list: (Shape | null)[] };

/**
 * One parameter in the op's Python signature. `tensor`: pass the tensor's shape in `tensors`;
 * `tensors`: a list of tensors, pass `{ list }` in `tensors`; `value`: a plain Python value,
 * folded into a PyValue and passed in `args`. A value that may also be given as a tensor
 * (e.g. `tf.reshape`'s `shape` computed by `tf.shape`) is a `value`: pass `{ kind: 'unknown' }`.
 */
export interface OpParam {
  name: string;
  kind: 'tensor' | 'tensors' | 'value';
  /** True when Python requires the argument (no default). */
  required: boolean;
}

export interface OpCallInput {
  args: Record<string, PyValue>;
  tensors: Record<string, TensorArg>;
  options: EngineOptions;
}

export interface OpInfo {
  /** Canonical dotted name, e.g. 'tf.nn.conv2d', 'keras.ops.conv'. */
  name: string;
  aliases?: string[];
  params: OpParam[];
  /** One sentence on what the op does to shapes (for hovers). */
  summary: string;
  apply: (call: OpCallInput, name: string) => LayerResult;
}

export function t(name: string, required = true): OpParam {
  return { name, kind: 'tensor', required };
}
export function ts(name: string, required = true): OpParam {
  return { name, kind: 'tensors', required };
}
export function v(name: string, required = false): OpParam {
  return { name, kind: 'value', required };
}
