// The engine is pure, so its results can be reused: the same layer with the same arguments and
// input shapes gives the same result. Re-analysing a document after an edit applies almost
// every layer exactly as before; this cache makes those applications nearly free.
import { applyLayer } from '../engine/index';
import type { EngineOptions, LayerCall, LayerResult, PyValue, SymbolicDim, SymbolicShape } from '../engine/types';

const MAX_ENTRIES = 50_000;
/**
 * Two levels: the layer (class and arguments), then its inputs. A layer's key is made once per
 * arguments object and keeps its hash, so an application hashes only its short inputs key.
 */
const cache = new Map<string, Map<string, LayerResult<SymbolicDim>>>();
let entries = 0;
/** Keys of engine values, made once per value object (literal values are shared, see toPyValue). */
const valueKeys = new WeakMap<PyValue, string>();
/** Keys of argument records: a layer object's arguments are made once and never change. */
const layerKeys = new WeakMap<Record<string, PyValue>, { className: string; key: string }>();
/** Keys of shapes: a layer's output shape is the next layer's input, the same array. */
const shapeKeys = new WeakMap<SymbolicShape, string>();

function valueKey(v: PyValue): string {
  let k = valueKeys.get(v);
  if (k === undefined) {
    k = JSON.stringify(v);
    valueKeys.set(v, k);
  }
  return k;
}

function layerKeyOf(className: string, args: Record<string, PyValue>): string {
  const known = layerKeys.get(args);
  if (known?.className === className) return known.key;
  let key = `${className}\u0000`;
  for (const name in args) key += `${name}=${valueKey(args[name])};`;
  layerKeys.set(args, { className, key });
  return key;
}

function shapeKey(shape: SymbolicShape | null): string {
  if (shape === null) return '?';
  let k = shapeKeys.get(shape);
  if (k === undefined) {
    // null and the string 'null' must differ: open sizes are written as empty.
    k = shape.map((d) => (d === null ? '' : typeof d === 'number' ? String(d) : JSON.stringify(d))).join(',');
    shapeKeys.set(shape, k);
  }
  return k;
}

/** `applyLayer`, memoised. Results are shared between callers: never mutate them. */
export function applyLayerCached(call: LayerCall, inputs: (SymbolicShape | null)[], options: EngineOptions): LayerResult<SymbolicDim> {
  const layerKey = layerKeyOf(call.className, call.args);
  let inputsKey = `${options.defaultDataFormat}\u0000${call.callArgs ? JSON.stringify(call.callArgs) : ''}`;
  for (const s of inputs) inputsKey += `\u0000${shapeKey(s)}`;
  let byInputs = cache.get(layerKey);
  const hit = byInputs?.get(inputsKey);
  if (hit) return hit;
  const result = applyLayer(call, inputs, options);
  if (entries >= MAX_ENTRIES) {
    cache.clear();
    entries = 0;
    byInputs = undefined;
  }
  if (!byInputs) {
    byInputs = new Map();
    cache.set(layerKey, byInputs);
  }
  byInputs.set(inputsKey, result);
  entries++;
  return result;
}
