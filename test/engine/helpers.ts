// Builders for engine inputs in tests: PyValues as the front end would fold them from source.
import { applyLayer } from '../../server/src/engine/index';
import type { DataFormat, EngineOptions, Finding, LayerResult, PyValue, Shape, SymbolicDim } from '../../server/src/engine/types';

export const LAST: EngineOptions = { defaultDataFormat: 'channels_last' };
export const FIRST: EngineOptions = { defaultDataFormat: 'channels_first' };

export const int = (value: number): PyValue => ({ kind: 'int', value });
export const float = (value: number): PyValue => ({ kind: 'float', value });
export const str = (value: string): PyValue => ({ kind: 'str', value });
export const bool = (value: boolean): PyValue => ({ kind: 'bool', value });
export const none: PyValue = { kind: 'none' };
export const unknown: PyValue = { kind: 'unknown', reason: 'test' };
export const tup = (...items: (number | PyValue)[]): PyValue => ({
  kind: 'seq',
  list: false,
  items: items.map((i) => (typeof i === 'number' ? int(i) : i)),
});
export const list = (...items: (number | PyValue)[]): PyValue => ({
  kind: 'seq',
  list: true,
  items: items.map((i) => (typeof i === 'number' ? int(i) : i)),
});

/** Converts a plain JS value to a PyValue: numbers → int, strings → str, arrays → tuple. */
export function py(v: unknown): PyValue {
  if (typeof v === 'number') return Number.isInteger(v) ? int(v) : float(v);
  if (typeof v === 'string') return str(v);
  if (typeof v === 'boolean') return bool(v);
  if (v === null) return none;
  if (Array.isArray(v)) return tup(...v.map(py));
  if (typeof v === 'object' && v !== null && 'kind' in v) return v as PyValue;
  throw new Error(`cannot convert ${String(v)}`);
}

/** Applies a single-input layer (or Input, with `input` undefined). */
export function layer(className: string, args: Record<string, unknown>, input?: Shape | null, options: EngineOptions = LAST): LayerResult {
  const pyArgs: Record<string, PyValue> = {};
  for (const [k, v] of Object.entries(args)) pyArgs[k] = py(v);
  return applyLayer({ className, args: pyArgs }, input === undefined ? [] : [input], options);
}

export function merge(className: string, args: Record<string, unknown>, inputs: (Shape | null)[], options: EngineOptions = LAST): LayerResult {
  const pyArgs: Record<string, PyValue> = {};
  for (const [k, v] of Object.entries(args)) pyArgs[k] = py(v);
  return applyLayer({ className, args: pyArgs }, inputs, options);
}

export function codes(r: LayerResult<SymbolicDim>): string[] {
  return r.findings.map((f) => f.code).sort();
}

export function finding(r: LayerResult<SymbolicDim>, code: string): Finding | undefined {
  return r.findings.find((f) => f.code === code);
}

export function fmtOpt(format: DataFormat): EngineOptions {
  return { defaultDataFormat: format };
}
