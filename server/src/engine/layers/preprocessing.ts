// The lookup and encoding preprocessing layers, by Keras 3's compute_output_shape:
// TextVectorization ('int': (batch, output_sequence_length); other modes: (batch, max_tokens)),
// StringLookup / IntegerLookup ('int' keeps the shape; the encodings give (batch, vocabulary
// size)), CategoryEncoding / Hashing (one_hot replaces a last axis of 1 by num_tokens) and
// Discretization ('int' keeps the shape). A size that depends on adapt() stays unknown.
import type { Dim, LayerResult, PyValue, Shape } from '../types';
import { LayerContext } from '../context';
import { fmt, inputStep } from '../explain';
import { intValue, isIntLike } from '../py';

function str(v: PyValue | undefined, fallback: string): string | null {
  if (v === undefined || v.kind === 'none') return fallback;
  return v.kind === 'str' ? v.value.toLowerCase() : null;
}

function count(v: PyValue | undefined): number | null {
  return v !== undefined && isIntLike(v) ? intValue(v) : null;
}

function start(ctx: LayerContext, input: Shape | null): Shape | null {
  if (input === null) {
    ctx.unknown('the input shape is not known');
    return null;
  }
  ctx.step(inputStep(input));
  return input;
}

export function applyTextVectorization(ctx: LayerContext, input: Shape | null): LayerResult {
  const mode = str(ctx.args.raw('output_mode'), 'int');
  const x = start(ctx, input);
  if (x === null) return ctx.finish(null);
  if (mode === 'int') {
    const raw = ctx.args.raw('output_sequence_length');
    const len = raw === undefined || raw.kind === 'none' ? null : count(raw);
    ctx.step(`output_mode='int': one token index per position, padded or truncated to output_sequence_length=${fmt(len)}.`);
    return ctx.finish([x[0] ?? null, len]);
  }
  const tokens = count(ctx.args.raw('max_tokens'));
  if (mode === null || tokens === null) {
    ctx.unknown('the vocabulary size is only known after adapt()');
    return ctx.finish(null);
  }
  ctx.step(`output_mode='${mode}': one value per vocabulary entry, max_tokens=${tokens}.`);
  return ctx.finish([x[0] ?? null, tokens]);
}

/** StringLookup / IntegerLookup: the encoded size is len(vocabulary) + the OOV indices. */
export function applyLookup(ctx: LayerContext, input: Shape | null): LayerResult {
  const mode = str(ctx.args.raw('output_mode'), 'int');
  const x = start(ctx, input);
  if (x === null) return ctx.finish(null);
  if (mode === 'int') {
    ctx.step("output_mode='int': each value becomes its index; the shape is kept.");
    return ctx.finish([...x]);
  }
  const pad = ctx.args.raw('pad_to_max_tokens');
  const vocab = ctx.args.raw('vocabulary');
  let depth: Dim = null;
  if (pad?.kind === 'bool' && pad.value) depth = count(ctx.args.raw('max_tokens'));
  else if (vocab?.kind === 'seq') {
    // Outside 'int' mode the mask token is not part of the vocabulary (Keras drops it).
    const oov = ctx.args.raw('num_oov_indices');
    const oovCount = oov === undefined ? 1 : count(oov);
    depth = oovCount === null ? null : vocab.items.length + oovCount;
  }
  if (mode === null || depth === null) {
    ctx.unknown('the vocabulary size is only known after adapt()');
    return ctx.finish(null);
  }
  ctx.step(`output_mode='${mode}': one value per vocabulary index, ${depth} in all (the vocabulary plus the OOV indices).`);
  return ctx.finish([x[0] ?? null, depth]);
}

/** CategoryEncoding(num_tokens) / Hashing(num_bins) encodings. */
export function applyEncoding(ctx: LayerContext, input: Shape | null, sizeArg: 'num_tokens' | 'num_bins', fallback: string): LayerResult {
  const mode = str(ctx.args.raw('output_mode'), fallback);
  const x = start(ctx, input);
  if (x === null) return ctx.finish(null);
  if (mode === 'int') return ctx.finish([...x]);
  const n = count(ctx.args.raw(sizeArg));
  if (mode === null) {
    ctx.unknown('output_mode is not known');
    return ctx.finish(null);
  }
  if (n === null) ctx.unknown(`${sizeArg} is not known`);
  // one_hot replaces a last axis of size 1 (or appends to a rank-1 input); the others reduce it.
  const out: Shape = mode === 'one_hot' && (x[x.length - 1] !== 1 || x.length === 1) ? [...x, n] : [...x.slice(0, -1), n];
  ctx.step(`output_mode='${mode}': the last axis becomes ${fmt(n)} (${sizeArg}).`);
  return ctx.finish(out);
}
