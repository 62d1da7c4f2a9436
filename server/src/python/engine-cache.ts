// The engine is pure, so its results can be reused: the same layer with the same arguments and
// input shapes gives the same result. Re-analysing a document after an edit applies almost
// every layer exactly as before; this cache makes those applications nearly free.
import { applyLayer } from '../engine/index';
import type { EngineOptions, LayerCall, LayerResult, PyValue, SymbolicDim, SymbolicShape } from '../engine/types';

const MAX_ENTRIES = 50_000;

/**
 * The layers seen, as a tree of their arguments: from the class, one step per argument (its
 * name, then its value), to the node of exactly these arguments, which holds the results by
 * input shapes. A step is a lookup of a name and of a number or a text made once, not a key
 * text built and hashed for every layer built (most are built once and applied once).
 */
interface ArgsNode {
  /** Per argument name: the next node by value (ints by number, texts by content, the rest by key). */
  next?: Map<string, ValueSteps>;
  results?: Map<string, LayerResult<SymbolicDim>>;
}

interface ValueSteps {
  ints: Map<number, ArgsNode>;
  strs: Map<string, ArgsNode>;
  /** By valueKey: floats, booleans, None, sequences, layers, unknowns. */
  others: Map<string, ArgsNode>;
}

/** Per default data format, then per class. */
let roots = new Map<string, Map<string, ArgsNode>>();
let entries = 0;
/** Keys of sequences and layers, made once per value object (literal tuples are shared, see toPyValue). */
const valueKeys = new WeakMap<PyValue, string>();
/** Keys of shapes: a layer's output shape is the next layer's input, the same array. */
const shapeKeys = new WeakMap<SymbolicShape, string>();
/** Argument names, quoted: a few dozen names recur in every layer. */
const quotedNames = new Map<string, string>();

/**
 * A text that differs for values the engine could tell apart (the kind, then the value; strings
 * quoted, sequences bracketed, so no two values share one). Scalars are written directly: most
 * are computed (a fresh object per evaluation), where a memo would cost more than it saves.
 */
export function valueKey(v: PyValue | undefined): string {
  if (v === undefined) return 'U';
  switch (v.kind) {
    case 'int':
      return `i${v.value}`;
    case 'float':
      return `f${v.value}`;
    case 'bool':
      return v.value ? 'T' : 'F';
    case 'none':
      return 'N';
    case 'str':
      return JSON.stringify(v.value);
    case 'unknown':
      return `?${JSON.stringify(v.reason)}`;
    default: {
      let k = valueKeys.get(v);
      if (k === undefined) {
        k = v.kind === 'seq' ? seqKey(v.items, v.list) : `L${JSON.stringify(v.call.className)}${argsKey(v.call.args)}${v.call.callArgs ? argsKey(v.call.callArgs) : ''}`;
        valueKeys.set(v, k);
      }
      return k;
    }
  }
}

function seqKey(items: readonly PyValue[], list: boolean): string {
  let k = list ? '[' : '(';
  for (let i = 0; i < items.length; i++) k += (i > 0 ? ',' : '') + valueKey(items[i]);
  return k + (list ? ']' : ')');
}

function argsKey(args: Record<string, PyValue>): string {
  let k = '{';
  for (const name in args) {
    let q = quotedNames.get(name);
    if (q === undefined) {
      q = `${JSON.stringify(name)}=`;
      if (quotedNames.size < 1000) quotedNames.set(name, q);
    }
    k += `${q}${valueKey(args[name])};`;
  }
  return k + '}';
}

/** The node of these arguments (in the order written: another order is only another node). */
function argsNode(className: string, args: Record<string, PyValue>, options: EngineOptions): ArgsNode {
  let byClass = roots.get(options.defaultDataFormat);
  if (!byClass) roots.set(options.defaultDataFormat, (byClass = new Map()));
  let node = byClass.get(className);
  if (!node) byClass.set(className, (node = {}));
  for (const name in args) {
    node.next ??= new Map();
    let steps = node.next.get(name);
    if (!steps) node.next.set(name, (steps = { ints: new Map(), strs: new Map(), others: new Map() }));
    const v = args[name];
    node = v?.kind === 'int' ? step(steps.ints, v.value) : v?.kind === 'str' ? step(steps.strs, v.value) : step(steps.others, valueKey(v));
  }
  return node;
}

function step<K>(map: Map<K, ArgsNode>, key: K): ArgsNode {
  let node = map.get(key);
  if (!node) map.set(key, (node = {}));
  return node;
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
  // One input and no call arguments (nearly every application): the shape's own key, no new text.
  let inputsKey = call.callArgs || inputs.length !== 1 ? `${call.callArgs ? argsKey(call.callArgs) : ''}\u0000${inputs.length}` : shapeKey(inputs[0]);
  if (call.callArgs || inputs.length !== 1) for (const s of inputs) inputsKey += `\u0000${shapeKey(s)}`;
  const node = argsNode(call.className, call.args, options);
  const hit = node.results?.get(inputsKey);
  if (hit) return hit;
  const result = applyLayer(call, inputs, options);
  if (entries >= MAX_ENTRIES) {
    // Forget everything, nodes included; this node is no longer in the tree and is dropped too.
    roots = new Map();
    entries = 0;
  }
  node.results ??= new Map();
  node.results.set(inputsKey, result);
  entries++;
  return result;
}
