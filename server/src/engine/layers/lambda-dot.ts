// Lambda (Keras 3 keras/src/layers/core/lambda_layer.py) and Dot (merging/dot.py).
// Lambda: Keras infers the output by tracing the function, which a static engine cannot do, so
// the output is known only when `output_shape` is a tuple (then (batch,) + output_shape).
import type { Dim, LayerResult, Shape } from '../types';
import { LayerContext } from '../context';
import { kerasRaises } from '../findings';
import { differ } from '../known';
import { intValue, isIntLike, repr, shapeRepr } from '../py';

export function applyLambda(ctx: LayerContext, input: Shape | null): LayerResult {
  ctx.args.requireAll(['function']);
  const v = ctx.args.raw('output_shape');
  if (v === undefined || v.kind === 'none') {
    ctx.step('Lambda without output_shape: Keras infers the output by tracing the function on a symbolic input, which Shapewise does not do.');
    ctx.unknown('a Lambda output depends on its function (pass output_shape=(...) to declare it)');
    return ctx.finish(null);
  }
  if (v.kind === 'unknown') {
    ctx.unknown('output_shape is not known (a callable output_shape is computed from the input shape)');
    return ctx.finish(null);
  }
  if (v.kind !== 'seq') {
    ctx.args.invalid(
      'output_shape',
      `output_shape=${repr(v)} is not a tuple: Keras computes (batch_size,) + output_shape, which fails for ${v.kind === 'int' ? 'an int (write output_shape=(' + repr(v) + ',))' : 'this value'}.`,
    );
    ctx.unknown('output_shape is invalid');
    return ctx.finish(null);
  }
  const dims: Dim[] = [];
  for (const it of v.items) {
    if (it.kind === 'none' || it.kind === 'unknown') dims.push(null);
    else if (isIntLike(it) && intValue(it) >= 0) dims.push(intValue(it));
    else {
      ctx.args.invalid('output_shape', `output_shape=${repr(v)} must hold non-negative integers or None; ${repr(it)} is not one.`);
      ctx.unknown('output_shape is invalid');
      return ctx.finish(null);
    }
  }
  const batch: Dim = input === null ? null : (input[0] ?? null);
  const out: Shape = [batch, ...dims];
  ctx.step(`Lambda with output_shape=${repr(v)}: Keras declares (batch,) + output_shape = ${shapeRepr(out)} without checking it against the function.`);
  return ctx.finish(out);
}

/** Dot's `axes`: an int or a pair of ints; null when unknown or invalid (reported). */
function readAxes(ctx: LayerContext): [number, number] | number | null {
  const v = ctx.args.raw('axes');
  if (v === undefined || v.kind === 'unknown') return null;
  if (isIntLike(v)) return intValue(v);
  if (v.kind !== 'seq') {
    ctx.args.invalid('axes', kerasRaises(`Invalid type for argument \`axes\`: it should be a list or an int. Received: axes=${repr(v)}`, 'TypeError'));
    return null;
  }
  if (v.items.length !== 2) {
    ctx.args.invalid('axes', kerasRaises(`Invalid format for argument \`axes\`: it should contain two elements. Received: axes=${repr(v)}`));
    return null;
  }
  const [a, b] = v.items as [typeof v.items[0], typeof v.items[0]];
  if (a.kind === 'unknown' || b.kind === 'unknown') return null;
  if (a.kind !== 'int' || b.kind !== 'int') {
    ctx.args.invalid('axes', kerasRaises(`Invalid format for argument \`axes\`: list elements should be integers. Received: axes=${repr(v)}`));
    return null;
  }
  return [a.value, b.value];
}

export function applyDot(ctx: LayerContext, inputs: (Shape | null)[]): LayerResult {
  ctx.args.requireAll(['axes']);
  const axes = readAxes(ctx);
  ctx.step(`Dot(axes=${axes === null ? 'unknown' : Array.isArray(axes) ? `(${axes.join(', ')})` : axes}) of ${inputs.length} input(s).`);
  const lone = inputs.length === 1 && inputs[0] === null;
  if (lone) {
    ctx.unknown('the inputs are not known');
    return ctx.finish(null);
  }
  if (inputs.length !== 2) {
    ctx.sink.add(
      'shape-mismatch',
      kerasRaises(`A \`Dot\` layer should be called on a list of 2 inputs. Received: input_shape=[${inputs.map((s) => (s === null ? 'None' : shapeRepr(s))).join(', ')}]`),
    );
    ctx.unknown('Dot needs exactly two inputs');
    return ctx.finish(null);
  }
  const [x, y] = inputs as [Shape | null, Shape | null];
  if (x === null || y === null || axes === null) {
    ctx.unknown(axes === null ? 'axes is not known' : 'an input shape is not known');
    return ctx.finish(null);
  }
  for (const [s, i] of [[x, 0], [y, 1]] as const) {
    if (s.length < 2) {
      ctx.sink.add('rank-mismatch', `Dot expects inputs of rank 2 or more (batch axis included), but input ${i} has rank ${s.length}: ${shapeRepr(s)}.`);
      ctx.unknown('Dot needs inputs of rank 2 or more');
      return ctx.finish(null);
    }
  }
  // Keras: an int axis applies to both (negative: modulo each rank); a pair is used as given.
  const pair: [number, number] = Array.isArray(axes)
    ? axes
    : axes < 0
      ? [((axes % x.length) + x.length) % x.length, ((axes % y.length) + y.length) % y.length]
      : [axes, axes];
  const norm = pair.map((a, i) => {
    const r = (i === 0 ? x : y).length;
    return a < -r || a >= r ? null : a < 0 ? a + r : a;
  });
  if (norm[0] === null || norm[1] === null) {
    ctx.args.invalid('axes', `axes=${repr(ctx.args.raw('axes')!)} is out of range for inputs of rank ${x.length} and ${y.length}.`);
    ctx.unknown('axes is out of range');
    return ctx.finish(null);
  }
  const [a0, a1] = norm as [number, number];
  if (a0 === 0 || a1 === 0) {
    ctx.args.invalid(
      'axes',
      kerasRaises(
        'Cannot perform batch_dot over axis 0. If your inputs are not batched, add a dummy batch dimension to your inputs using keras.ops.expand_dims(x, 0)',
      ),
    );
  }
  if (differ(x[a0], y[a1])) {
    ctx.sink.add(
      'shape-mismatch',
      kerasRaises(
        `Incompatible input shapes: axis values ${x[a0]} (at axis ${pair[0]}) != ${y[a1]} (at axis ${pair[1]}). Full input shapes: ${shapeRepr(x)}, ${shapeRepr(y)}`,
      ),
      undefined,
      [0, 1],
    );
    ctx.unknown('the dot axes differ in size');
    return ctx.finish(null);
  }
  const xs = x.filter((_, i) => i !== a0);
  const ys = y.filter((_, i) => i !== a1).slice(1);
  const out: Shape = [...xs, ...ys];
  if (out.length === 1) out.push(1);
  ctx.step(`x without axis ${a0}, then y without its batch axis and axis ${a1}${xs.length + ys.length === 1 ? ', then a trailing 1 (Keras keeps rank ≥ 2)' : ''}: ${shapeRepr(out)}.`);
  return ctx.finish(out);
}
