// A tiny functional-graph builder over the engine's own layers: each Keras application is
// written as the same sequence of layer calls as its Keras source, and every size comes from
// applyLayer (so the padding/stride arithmetic is exactly the engine's). Shape-preserving layers
// (BatchNormalization, activations, Dropout, LayerNormalization, ...) are passed through without
// a call. Named layers are recorded for `get_layer(name).output`.
import type { DataFormat, EngineOptions, Finding, LayerCall, PyValue, Shape } from '../types';
import { asInput } from '../known';
import { layoutFor } from '../layout';

export type T = Shape | null;
export type Apply = (call: LayerCall, inputs: T[], options: EngineOptions) => { output: unknown; findings: Finding[]; outputs?: unknown };

/** An argument that depends on a size the analysis does not know (e.g. filters = 6 · unknown channels). */
export const UNK: PyValue = { kind: 'unknown', reason: 'depends on a size that is not known' };

/** Plain JS → PyValue: numbers (ints, floats), strings, booleans, null, arrays (tuples). */
export function py(v: unknown): PyValue {
  if (typeof v === 'number') return Number.isInteger(v) ? { kind: 'int', value: v } : { kind: 'float', value: v };
  if (typeof v === 'string') return { kind: 'str', value: v };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (v === null || v === undefined) return { kind: 'none' };
  if (Array.isArray(v)) return { kind: 'seq', list: false, items: v.map(py) };
  return v as PyValue;
}

/** The first failure met while building the network: the layer, and Keras' finding. */
export interface BuildFailure {
  layer: string;
  finding: Finding;
}

const FAILURES = new Set(['non-positive-dimension', 'invalid-layer-argument', 'shape-mismatch', 'rank-mismatch']);

export class Graph {
  readonly named = new Map<string, T>();
  failure?: BuildFailure;
  layers = 0;
  /** Why part of the network could not be computed (beyond an unknown input). */
  readonly notes: string[] = [];

  constructor(
    readonly options: EngineOptions,
    readonly format: DataFormat,
    private readonly apply: Apply,
  ) {}

  /** Channel axis index of a rank-4 tensor in this graph's format. */
  get channelAxis(): number {
    return this.format === 'channels_first' ? 1 : 3;
  }

  /** Height and width of a rank-4 tensor. */
  hw(x: T): [Shape[number], Shape[number]] {
    if (x === null) return [null, null];
    const lay = layoutFor(2, this.format);
    return [x[lay.spatial[0]!] ?? null, x[lay.spatial[1]!] ?? null];
  }

  channels(x: T): Shape[number] {
    return x === null ? null : (x[this.channelAxis] ?? null);
  }

  record(name: string | undefined, x: T): T {
    if (name !== undefined) this.named.set(name, x);
    return x;
  }

  /** A layer that keeps the shape (BatchNormalization, Activation, ReLU, Dropout, LayerNormalization, Rescaling, ...). */
  keep(x: T, name?: string): T {
    return this.record(name, x);
  }

  private run(className: string, args: Record<string, unknown>, inputs: T[], name?: string): T {
    this.layers++;
    if (this.failure || inputs.some((i) => i === null)) return this.record(name, null);
    const pyArgs: Record<string, PyValue> = {};
    for (const [k, v] of Object.entries(args)) pyArgs[k] = py(v);
    const r = this.apply({ className, args: pyArgs }, inputs, this.options);
    const bad = r.findings.find((f) => FAILURES.has(f.code));
    if (bad) {
      this.failure = { layer: name ?? className, finding: bad };
      return this.record(name, null);
    }
    return this.record(name, asInput(r.output as Shape | null));
  }

  layer(className: string, args: Record<string, unknown>, x: T, name?: string): T {
    return this.run(className, args, [x], name);
  }

  merge(className: string, args: Record<string, unknown>, xs: T[], name?: string): T {
    return this.run(className, args, xs, name);
  }

  /** Keras' axis for concatenation along channels. */
  concat(xs: T[], name?: string): T {
    return this.merge('Concatenate', { axis: this.format === 'channels_first' ? 1 : -1 }, xs, name);
  }

  add(xs: T[], name?: string): T {
    return this.merge('Add', {}, xs, name);
  }
}
