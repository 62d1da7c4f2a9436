// MultiHeadAttention, Attention and AdditiveAttention (Keras 3 keras/src/layers/attention/).
// Output shapes are Keras' symbolic ones (compute_output_shape / compute_output_spec); where the
// tensor computed at run time has another shape, the derivation says so.
import type { Dim, LayerResult, Shape } from '../types';
import { LayerContext } from '../context';
import { kerasRaises } from '../findings';
import { fmt } from '../explain';
import { differ } from '../known';
import { intValue, isIntLike, repr, shapeRepr } from '../py';
import { callArgs, finishMulti, flag } from './seq-common';

function shapesRepr(inputs: (Shape | null)[]): string {
  return `[${inputs.map((s) => (s === null ? 'None' : shapeRepr(s))).join(', ')}]`;
}

/** MultiHeadAttention's `output_shape`: an int, a tuple/list of ints, or falsy for "the query's last axis". */
function readOutputShape(ctx: LayerContext): Dim[] | null | 'unknown' {
  const v = ctx.args.raw('output_shape');
  if (v === undefined || v.kind === 'none') return null;
  if (v.kind === 'unknown') return 'unknown';
  if (isIntLike(v)) return intValue(v) === 0 ? null : [intValue(v)];
  if (v.kind === 'seq') {
    if (v.items.length === 0) return null; // `if output_shape:` treats () as not given
    const dims: Dim[] = [];
    for (const it of v.items) {
      if (it.kind === 'unknown' || it.kind === 'none') dims.push(null);
      else if (isIntLike(it)) dims.push(intValue(it));
      else {
        ctx.args.invalid('output_shape', `output_shape=${repr(v)} must hold integers; ${repr(it)} is not one (Keras fails when it builds the output projection).`);
        return 'unknown';
      }
    }
    return dims;
  }
  ctx.args.invalid(
    'output_shape',
    kerasRaises(`Invalid \`output_shape\`: ${repr(v)}. When specified, the \`output_shape\` should be of type tuple, list, or int`),
  );
  return 'unknown';
}

export function applyMultiHeadAttention(ctx: LayerContext, inputs: (Shape | null)[]): LayerResult {
  const { args } = ctx;
  args.requireAll(['num_heads', 'key_dim']);
  const heads = args.raw('num_heads') === undefined ? null : args.int('num_heads', { check: (h) => (h <= 0 ? `num_heads=${h} must be positive: Keras fails when it builds the projections.` : undefined) });
  const keyDim = args.raw('key_dim') === undefined ? null : args.int('key_dim', {
    check: (k) =>
      k === 0
        ? 'Python raises ZeroDivisionError: float division by zero (MultiHeadAttention scales by 1/sqrt(key_dim)); key_dim must be positive.'
        : k < 0
          ? 'Python raises ValueError: math domain error (MultiHeadAttention scales by 1/sqrt(key_dim)); key_dim must be positive.'
          : undefined,
  });
  const outShape = readOutputShape(ctx);
  const dropout = args.raw('dropout');
  const flash = args.raw('flash_attention');
  const flashOn = flash !== undefined && flash.kind === 'bool' && flash.value;
  if (flashOn && dropout !== undefined && (dropout.kind === 'float' || dropout.kind === 'int') && dropout.value > 0) {
    args.invalid('dropout', kerasRaises('Dropout is not supported when flash attention is enabled. Please set dropout to 0.0 to use flash attention'));
  }
  const call = callArgs(ctx);
  const scores = flag(call, 'return_attention_scores', false);
  if (flashOn && scores === true) {
    call.invalid(
      'return_attention_scores',
      kerasRaises('Returning attention scores is not supported when flash attention is enabled. Please disable flash attention to access attention scores'),
    );
  }
  ctx.step(
    `MultiHeadAttention: num_heads=${fmt(heads)}, key_dim=${fmt(keyDim)}, output_shape=${outShape === null ? 'None (the query\'s last axis)' : outShape === 'unknown' ? 'unknown' : `(${outShape.map(fmt).join(', ')})`}.`,
  );
  if (inputs.length < 2) {
    ctx.sink.add('invalid-layer-argument', `Python raises TypeError: MultiHeadAttention.call() missing 1 required positional argument: 'value'.`);
    ctx.unknown('MultiHeadAttention needs a query and a value');
    return ctx.finish(null);
  }
  const [query, value] = inputs as [Shape | null, Shape | null];
  const key = inputs[2] ?? value;
  ctx.step(`query ${query ? shapeRepr(query) : 'unknown'}, value ${value ? shapeRepr(value) : 'unknown'}${inputs[2] !== undefined ? `, key ${key ? shapeRepr(key) : 'unknown'}` : ' (key = value)'}.`);
  if (value !== null && key !== null) {
    const vm = value.slice(1, -1);
    const km = key.slice(1, -1);
    if (vm.length !== km.length || vm.some((d, i) => differ(d, km[i]))) {
      ctx.sink.add(
        'shape-mismatch',
        kerasRaises(
          `All dimensions of \`value\` and \`key\`, except the last one, must be equal. Received: value_shape=${shapeRepr(value)} and key_shape=${shapeRepr(key)}`,
        ),
        undefined,
        [1, 2],
      );
    }
  }
  if (query !== null && value !== null && differ(query[0], value[0])) {
    ctx.sink.add(
      'shape-mismatch',
      `The query has batch size ${fmt(query[0])} and the value ${fmt(value[0])}: the attention einsum fails when the model runs.`,
      undefined,
      [0, 1],
    );
  }
  if (query === null) {
    ctx.unknown('the query shape is not known');
    return ctx.finish(null);
  }
  let out: Shape | null;
  if (outShape === 'unknown') {
    ctx.unknown('output_shape is not known');
    out = null;
  } else if (outShape === null) {
    out = [...query];
    ctx.step(`The output projection maps back to the query's last axis: ${shapeRepr(out)}.`);
  } else {
    out = [...query.slice(0, -1), ...outShape];
    ctx.step(`The output projection gives output_shape on the query's last axis: query[:-1] + (${outShape.map(fmt).join(', ')}) = ${shapeRepr(out)}.`);
  }
  if (scores === null) {
    ctx.unknown('return_attention_scores is not known');
    return ctx.finish(out);
  }
  if (!scores) return ctx.finish(out);
  const T = query[1] ?? null;
  const S = key === null ? null : (key[1] ?? null);
  const scoreShape: Shape = [query[0] ?? null, heads, T, T];
  const axes = args.raw('attention_axes');
  const plain = query.length === 3 && (axes === undefined || axes.kind === 'none');
  ctx.step(
    `return_attention_scores=True: Keras declares the scores as (batch, num_heads, T, T) with T = query.shape[1] = ${fmt(T)} (compute_output_spec)` +
      (plain
        ? S === T
          ? '.'
          : `; the tensor computed at run time is (batch, num_heads, T, S) with S = the key length ${fmt(S)}.`
        : '; at run time the scores have one query and one key axis per attention axis.'),
  );
  return finishMulti(ctx, [out, scoreShape]);
}

export function applyDenseAttention(ctx: LayerContext, inputs: (Shape | null)[]): LayerResult {
  const layer = ctx.layer;
  if (layer === 'Attention') {
    const sm = ctx.args.raw('score_mode');
    if (sm !== undefined && sm.kind !== 'unknown' && !(sm.kind === 'str' && (sm.value === 'dot' || sm.value === 'concat'))) {
      ctx.args.invalid(
        'score_mode',
        kerasRaises(`Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. Received: score_mode=${sm.kind === 'str' ? sm.value : repr(sm)}`),
      );
    }
  }
  const scores = flag(callArgs(ctx), 'return_attention_scores', false);
  ctx.step(`${layer} of ${inputs.length} input(s) [query, value${inputs.length > 2 ? ', key' : ''}]: ${shapesRepr(inputs)}.`);
  // A lone unknown input is a layer checked for its arguments alone (never applied).
  const lone = inputs.length === 1 && inputs[0] === null;
  if (!lone && (inputs.length < 2 || inputs.length > 3)) {
    ctx.sink.add(
      'shape-mismatch',
      kerasRaises(`${layer} layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. Received length: ${inputs.length}`),
    );
    ctx.unknown(`${layer} needs [query, value] or [query, value, key]`);
    return ctx.finish(null);
  }
  if (lone) {
    ctx.unknown('the inputs are not known');
    return ctx.finish(null);
  }
  const q = inputs[0] ?? null;
  const v = inputs[1] ?? null;
  const k = inputs.length > 2 ? (inputs[2] ?? null) : v;
  const kIndex = inputs.length > 2 ? 2 : 1;
  const problems: string[] = [];
  const involved = new Set<number>();
  if (q !== null && k !== null && differ(q[q.length - 1], k[k.length - 1])) {
    problems.push(`the query has ${fmt(q[q.length - 1])} features but the key ${fmt(k[k.length - 1])} (the scores ${layer === 'Attention' ? 'are query·keyᵀ' : 'add query and key'}, so they must match)`);
    involved.add(0).add(kIndex);
  }
  if (v !== null && k !== null && differ(v[1], k[1])) {
    problems.push(`the value has ${fmt(v[1])} timesteps but the key ${fmt(k[1])} (the scores over the key steps weight the value steps)`);
    involved.add(1).add(kIndex);
  }
  if (q !== null && v !== null && differ(q[0], v[0])) {
    problems.push(`the query has batch size ${fmt(q[0])} but the value ${fmt(v[0])}`);
    involved.add(0).add(1);
  }
  if (problems.length > 0) {
    ctx.sink.add(
      'shape-mismatch',
      `${layer} cannot combine its inputs: ${problems.join('; ')}. Keras accepts the shapes when the model is built, but TensorFlow fails when it runs (incompatible shapes)`,
      undefined,
      [...involved].sort((a, b) => a - b),
    );
  }
  if (q === null || v === null) {
    ctx.unknown(q === null ? 'the query shape is not known' : 'the value shape is not known');
    return ctx.finish(null);
  }
  const out: Shape = [...q.slice(0, -1), v[v.length - 1] ?? null];
  ctx.step(`(*query.shape[:-1], value.shape[-1]) = ${shapeRepr(out)}.`);
  if (scores === null) {
    ctx.unknown('return_attention_scores is not known');
    return ctx.finish(out);
  }
  if (!scores) return ctx.finish(out);
  const sc: Shape = [q[0] ?? null, q[1] ?? null, k === null ? null : (k[1] ?? null)];
  ctx.step(`return_attention_scores=True: scores (batch, Tq, Tv) = ${shapeRepr(sc)}.`);
  return finishMulti(ctx, [out, sc]);
}
