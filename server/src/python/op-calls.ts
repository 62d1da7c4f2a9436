// Low-level ops on tensors (tf.nn.conv2d, tf.reshape, keras.ops.conv, ...): arguments mapped to
// the op's signature, tensor parameters passed as shapes, the result reported like a layer.
import type { SourceRange } from '../analysis-types';
import { applyOp, eraseSymbols, opSignature, type TensorArg } from '../engine/index';
import type { PyValue, Shape, SymbolicShape } from '../engine/types';
import type { Expr } from './ast';
import { iterate } from './builtins';
import type { CallArgs, Interpreter } from './interpreter';
import { argReportsOf, calleeNameRange, toTensor, unlessSpeculative } from './layer-calls';
import { NONE, toPyValue, unknown, type Tensor, type Val } from './values';

type CallExpr = Extract<Expr, { t: 'call' }>;

/** A tensor argument's shape; a nested Python list of numbers is a constant tensor too. */
function shapeOf(v: Val): SymbolicShape | null {
  if (v.k === 'tensor') return v.t.shape;
  if (v.k === 'seq') {
    const dims: number[] = [];
    let cur: Val = v;
    while (cur.k === 'seq') {
      dims.push(cur.items.length);
      if (cur.items.length === 0) break;
      cur = cur.items[0];
    }
    return cur.k === 'int' || cur.k === 'float' || cur.k === 'bool' || cur.k === 'seq' ? [...dims] : null;
  }
  if (v.k === 'int' || v.k === 'float') return [];
  return null;
}

/** Ops work on numbers; a symbolic size is passed as unknown. */
function numeric(shape: SymbolicShape | null): Shape | null {
  return shape ? eraseSymbols(shape) : null;
}

/** `label`: the name reports use, when not the op's (numpy.reshape runs as keras.ops.reshape). */
export function applyOpCall(interp: Interpreter, op: string, args: CallArgs, e: CallExpr, label = op): Val {
  interp.budget.tick(10);
  const params = opSignature(op);
  const bound = new Map<string, Val>();
  args.positional.forEach((v, i) => {
    if (params[i]) bound.set(params[i].name, v);
  });
  for (const [k, v] of args.keywords) bound.set(k, v);
  const engineArgs: Record<string, PyValue> = {};
  const tensors: Record<string, TensorArg> = {};
  const inputs: Tensor[] = [];
  for (const p of params) {
    const v = bound.get(p.name);
    if (v === undefined) {
      if (args.opaque) engineArgs[p.name] = { kind: 'unknown', reason: args.opaque };
      continue;
    }
    if (p.kind === 'tensor') {
      tensors[p.name] = numeric(shapeOf(v));
      inputs.push(toTensor(v.k === 'tensor' ? v : { k: 'tensor', t: { shape: shapeOf(v) } }));
    } else if (p.kind === 'tensors') {
      const items = iterate(v);
      tensors[p.name] = items ? { list: items.map((i) => numeric(shapeOf(i))) } : null;
      if (items) inputs.push(...items.map((i) => toTensor(i.k === 'tensor' ? i : { k: 'tensor', t: { shape: shapeOf(i) } })));
    } else engineArgs[p.name] = toPyValue(v);
  }
  const result = unlessSpeculative(interp, applyOp(op, engineArgs, tensors, interp.keras.options));
  const expression: SourceRange = e.span;
  const rec = interp.recorder;
  rec.addLayer(
    {
      className: label,
      construct: expression,
      name: calleeNameRange(e),
      args: argReportsOf(args, params.map((p) => p.name)),
      application: 'functional',
      expression,
      hintAt: expression.end,
      inputs: inputs.map((t) => t.shape),
      result,
      applicationIndex: 0,
    },
    inputs,
  );
  if (result.output === null && result.unknownReason) rec.addUnknown(expression, result.unknownReason);
  const origin = rec.origin(label, expression);
  const tensorOf = (shape: Shape | null): Val => ({ k: 'tensor', t: { shape, origin, rankOrigin: origin, why: shape ? undefined : result.unknownReason } });
  // tf.stack of scalar sizes ([batch, 30, 30, 16]) is a shape tensor whose elements are known.
  const stacked = op === 'tf.stack' || op === 'keras.ops.stack' ? iterate(bound.get(op === 'tf.stack' ? 'values' : 'x') ?? NONE) : undefined;
  if (stacked && result.output?.length === 1 && stacked.every((v) => v.k === 'int' || v.k === 'unknown' || (v.k === 'tensor' && v.t.shape?.length === 0))) {
    const values = stacked.map((v): Val => (v.k === 'int' ? v : unknown('a size only known when the model runs')));
    return { k: 'tensor', t: { shape: result.output, origin, rankOrigin: origin, values } };
  }
  const measured = op === 'tf.shape' ? inputs[0]?.shape : undefined;
  if (measured && result.output) {
    // Indexing tf.shape(x) gives x's static sizes, as TensorFlow's shape inference does.
    const values = measured.map((d): Val => (typeof d === 'number' ? { k: 'int', v: d } : unknown('a size only known when the model runs')));
    return { k: 'tensor', t: { shape: result.output, origin, rankOrigin: origin, values } };
  }
  if (result.outputs && result.outputs.length > 1) return { k: 'seq', items: result.outputs.map(tensorOf), list: true };
  return tensorOf(result.output);
}
