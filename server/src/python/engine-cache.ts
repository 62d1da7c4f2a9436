// The engine is pure, so its results can be reused: the same layer with the same arguments and
// input shapes gives the same result. Re-analysing a document after an edit applies almost
// every layer exactly as before; this cache makes those applications nearly free.
import { applyLayer } from '../engine/index';
import type { EngineOptions, LayerCall, LayerResult, PyValue, SymbolicDim, SymbolicShape } from '../engine/types';

const MAX_ENTRIES = 50_000;
const cache = new Map<string, LayerResult<SymbolicDim>>();
/** Keys of engine values, made once per value object (literal values are shared, see toPyValue). */
const valueKeys = new WeakMap<PyValue, string>();

function valueKey(v: PyValue): string {
  let k = valueKeys.get(v);
  if (k === undefined) {
    k = JSON.stringify(v);
    valueKeys.set(v, k);
  }
  return k;
}

function argsKey(args: Record<string, PyValue>): string {
  let k = '';
  for (const name in args) k += `${name}=${valueKey(args[name])};`;
  return k;
}

/** `applyLayer`, memoised. Results are shared between callers: never mutate them. */
export function applyLayerCached(call: LayerCall, inputs: (SymbolicShape | null)[], options: EngineOptions): LayerResult<SymbolicDim> {
  const callArgs = call.callArgs ? JSON.stringify(call.callArgs) : '';
  const key = `${call.className}\u0000${argsKey(call.args)}\u0000${callArgs}\u0000${JSON.stringify(inputs)}\u0000${options.defaultDataFormat}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = applyLayer(call, inputs, options);
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, result);
  return result;
}
