// keras.Input / keras.layers.InputLayer: the output is `(batch_size, *shape)` or `batch_shape`,
// validated as Keras' InputLayer and `standardize_shape` do.
import type { Dim, LayerResult, PyValue, Shape } from '../types';
import { LayerContext } from '../context';
import { kerasRaises } from '../findings';
import { isIntLike, intValue, isSafeSize, repr, typeRepr } from '../py';

/** Python's `tuple(shape)` repr, which Keras prints inside its shape errors. */
function asTupleRepr(v: PyValue): string {
  return v.kind === 'seq' ? repr({ ...v, list: false }) : repr(v);
}

/** Keras `standardize_shape`; returns null (with a finding) when Keras would reject it. */
function standardizeShape(ctx: LayerContext, argName: string, v: PyValue, prefix: Dim[] = []): Shape | null {
  if (v.kind === 'unknown') return null;
  if (v.kind !== 'seq') {
    if (v.kind === 'str') {
      ctx.args.invalid(
        argName,
        kerasRaises(`Cannot convert '${asTupleRepr({ kind: 'seq', list: false, items: [...v.value].map((c) => ({ kind: 'str', value: c })) })}' to a shape. Found invalid entry '${v.value[0] ?? ''}' of type '<class 'str'>'`),
      );
      return null;
    }
    ctx.args.invalid(argName, kerasRaises(`Cannot convert '${repr(v)}' to a shape`, 'ValueError', `Write ${argName}=(${repr(v)},) for a 1-D shape.`));
    return null;
  }
  const dims: Dim[] = [...prefix];
  for (const item of v.items) {
    if (item.kind === 'none' || item.kind === 'unknown') {
      dims.push(null);
      continue;
    }
    if (item.kind !== 'int') {
      const shown = item.kind === 'str' ? item.value : repr(item);
      ctx.args.invalid(
        argName,
        kerasRaises(`Cannot convert '${asTupleRepr(v)}' to a shape. Found invalid entry '${shown}' of type '${typeRepr(item)}'`),
      );
      return null;
    }
    if (item.value < 0) {
      ctx.args.invalid(argName, kerasRaises(`Cannot convert '${asTupleRepr(v)}' to a shape. Negative dimensions are not allowed`));
      return null;
    }
    if (!isSafeSize(item.value)) {
      ctx.args.invalid(argName, `${argName}=${repr(v)} contains a dimension too large for any tensor.`);
      return null;
    }
    dims.push(item.value);
  }
  return dims;
}

export function applyInput(ctx: LayerContext): LayerResult {
  const a = ctx.args;
  const isLayer = ctx.layer === 'InputLayer';
  let shape = a.raw('shape');
  let batchShape = a.raw('batch_shape');
  if (isLayer) {
    // InputLayer still honours the deprecated Keras 2 spellings.
    shape = shape ?? a.raw('input_shape');
    batchShape = batchShape ?? a.raw('batch_input_shape');
  }
  const present = (v: PyValue | undefined): v is PyValue => v !== undefined && v.kind !== 'none';
  const batchSize = a.raw('batch_size');
  const tensor = a.raw(isLayer ? 'input_tensor' : 'tensor');

  if (present(tensor) && !present(shape) && !present(batchShape)) {
    ctx.step(`${ctx.layer} wraps an existing tensor; its shape is that tensor's.`);
    ctx.unknown('the shape comes from the wrapped tensor');
    return ctx.finish(null);
  }
  if (present(shape) && present(batchShape)) {
    a.invalid('batch_shape', kerasRaises('You cannot pass both `shape` and `batch_shape` at the same time'));
  }
  if (present(batchSize) && present(batchShape)) {
    a.invalid('batch_size', kerasRaises('You cannot pass both `batch_size` and `batch_shape` at the same time'));
  }
  if (!present(shape) && !present(batchShape)) {
    a.invalid('shape', kerasRaises('You must pass a `shape` argument'));
    ctx.unknown('no shape was given');
    return ctx.finish(null);
  }

  let out: Shape | null;
  if (present(shape)) {
    let batch: Dim = null;
    if (present(batchSize)) {
      if (batchSize.kind === 'unknown') batch = null;
      else if (isIntLike(batchSize) && batchSize.kind === 'int' && batchSize.value >= 0) batch = intValue(batchSize);
      else {
        a.invalid(
          'batch_size',
          kerasRaises(
            `Cannot convert '(${repr(batchSize)}, ...)' to a shape. Found invalid entry '${repr(batchSize)}' of type '${typeRepr(batchSize)}'`,
            'ValueError',
            '`batch_size` must be a non-negative integer.',
          ),
        );
      }
    }
    out = standardizeShape(ctx, 'shape', shape, [batch]);
    ctx.step(`${ctx.layer}: shape=${repr(shape)}, batch_size=${present(batchSize) ? repr(batchSize) : 'None'} → batch shape (batch_size, *shape).`);
  } else {
    out = standardizeShape(ctx, 'batch_shape', batchShape!);
    ctx.step(`${ctx.layer}: batch_shape=${repr(batchShape!)} (batch axis included).`);
    if (out !== null && out.length === 0) {
      ctx.step('A rank-0 batch_shape has no batch axis.');
    }
  }
  if (out === null) {
    const v = present(shape) ? shape : batchShape!;
    ctx.unknown(v.kind === 'unknown' ? `the shape is not known (${v.reason})` : 'the shape is invalid');
  } else if (out.slice(1).some((d) => d === null)) {
    ctx.unknown('some dimensions are None or not known');
  }
  return ctx.finish(out);
}
