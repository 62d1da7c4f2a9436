// Shared pieces of the sequence, attention and wrapper layers: reading `__call__` arguments,
// boolean flags as Keras reads them (Python truthiness), and finishing a multi-output result.
import type { LayerResult, PyValue, Shape } from '../types';
import { ArgReader } from '../args';
import type { LayerContext } from '../context';
import { repr } from '../py';

/** An ArgReader over the layer's `__call__` keyword arguments (same finding sink). */
export function callArgs(ctx: LayerContext): ArgReader {
  return new ArgReader({ className: ctx.layer, args: ctx.call.callArgs ?? {} }, ctx.sink);
}

/**
 * A flag such as `return_sequences`, read with Python truthiness (Keras stores and tests it
 * with `if`). null when unknown; non-bool values are truthy unless 0, '', None or empty.
 */
export function flag(reader: ArgReader, name: string, fallback: boolean): boolean | null {
  const v = reader.raw(name);
  if (v === undefined) return fallback;
  return truthy(v);
}

export function truthy(v: PyValue): boolean | null {
  switch (v.kind) {
    case 'bool':
      return v.value;
    case 'int':
    case 'float':
      return v.value !== 0;
    case 'str':
      return v.value.length > 0;
    case 'none':
      return false;
    case 'seq':
      return v.items.length > 0;
    case 'layer':
      return true;
    case 'unknown':
      return null;
  }
}

/** `True`/`False`/`unknown` for derivation steps. */
export function flagText(b: boolean | null): string {
  return b === null ? 'unknown' : b ? 'True' : 'False';
}

/** Finishes a result that returns several tensors: `output` is the first, `outputs` all. */
export function finishMulti(ctx: LayerContext, outputs: (Shape | null)[]): LayerResult {
  const r = ctx.finish(outputs[0] ?? null);
  if (outputs.length > 1) {
    r.outputs = outputs;
    r.steps.push(`Returns ${outputs.length} tensors: ${outputs.map(shapeText).join(', ')}.`);
  }
  return r;
}

function shapeText(s: Shape | null): string {
  return s === null ? 'unknown' : `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`;
}

export { repr };
