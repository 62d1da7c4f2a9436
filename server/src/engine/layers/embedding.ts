// Embedding (Keras 3 keras/src/layers/core/embedding.py): output = (*input_shape, output_dim)
// for an integer input of any rank. Keras 3 dropped `input_length` (it warns and ignores it).
import type { LayerResult, Shape } from '../types';
import { LayerContext } from '../context';
import { fmt, inputStep } from '../explain';
import { intValue, isIntLike, repr } from '../py';

function readSize(ctx: LayerContext, name: 'input_dim' | 'output_dim'): number | null {
  const v = ctx.args.raw(name);
  if (v === undefined || v.kind === 'unknown') return null;
  if (!isIntLike(v) || !Number.isSafeInteger(intValue(v))) {
    ctx.args.invalid(name, `\`${name}\` must be an integer. Received ${name}=${repr(v)}: Keras fails when it creates the embeddings matrix (input_dim, output_dim).`);
    return null;
  }
  const n = intValue(v);
  if (n < 0) {
    ctx.args.invalid(
      name,
      `${name}=${n} is negative: Keras accepts it when the layer is created, but building the embeddings matrix of shape (input_dim, output_dim) fails.`,
    );
    return null;
  }
  return n;
}

export function applyEmbedding(ctx: LayerContext, input: Shape | null): LayerResult {
  ctx.args.requireAll(['input_dim', 'output_dim']);
  const inDim = readSize(ctx, 'input_dim');
  const outDim = readSize(ctx, 'output_dim');
  ctx.step(`Embedding: input_dim=${fmt(inDim)} (vocabulary size), output_dim=${fmt(outDim)}; every integer index becomes a vector of output_dim.`);
  const len = ctx.args.raw('input_length');
  if (len !== undefined && len.kind !== 'none') {
    ctx.step('input_length is ignored by Keras 3 (it warns "Argument `input_length` is deprecated. Just remove it."); the sequence length comes from the input.');
  }
  if (input === null) {
    ctx.unknown('the input shape is not known');
    return ctx.finish(null);
  }
  ctx.step(inputStep(input));
  if (outDim === null) ctx.unknown('output_dim is not known');
  ctx.step(`(*input_shape, output_dim): a new last axis of ${fmt(outDim)}.`);
  ctx.torch = `nn.Embedding(${inDim === null ? 'num_embeddings' : inDim}, ${outDim === null ? 'embedding_dim' : outDim})`;
  return ctx.finish([...input, outDim]);
}
