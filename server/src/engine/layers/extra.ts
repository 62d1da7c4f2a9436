// Dispatch for the layers of catalog-extra.ts; returns undefined for every other layer.
import type { LayerResult, Shape } from '../types';
import type { LayerContext } from '../context';
import { applyEmbedding } from './embedding';
import { applyConvLstm, applyRecurrent, applyRnnCell, applyRnnLayer } from './recurrent';
import { applyBidirectional, applyTimeDistributed, type ApplyFn } from './wrappers';
import { applyDenseAttention, applyMultiHeadAttention } from './attention';
import { applyDot, applyLambda } from './lambda-dot';
import { applyEncoding, applyLookup, applyTextVectorization } from './preprocessing';

export function dispatchExtra(ctx: LayerContext, name: string, inputs: (Shape | null)[], apply: ApplyFn): LayerResult | undefined {
  const x = inputs[0] ?? null;
  switch (name) {
    case 'Embedding':
      return applyEmbedding(ctx, x);
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return applyRecurrent(ctx, name, x);
    case 'TextVectorization':
      return applyTextVectorization(ctx, x);
    case 'StringLookup':
    case 'IntegerLookup':
      return applyLookup(ctx, x);
    case 'CategoryEncoding':
      return applyEncoding(ctx, x, 'num_tokens', 'multi_hot');
    case 'Hashing':
    case 'Discretization':
      return applyEncoding(ctx, x, 'num_bins', 'int');
    case 'RNN':
      return applyRnnLayer(ctx, x);
    case 'SimpleRNNCell':
    case 'LSTMCell':
    case 'GRUCell':
    case 'StackedRNNCells':
      return applyRnnCell(ctx);
    case 'ConvLSTM1D':
    case 'ConvLSTM2D':
    case 'ConvLSTM3D':
      return applyConvLstm(ctx, Number(name[8]), x);
    case 'Bidirectional':
      return applyBidirectional(ctx, x, apply);
    case 'TimeDistributed':
      return applyTimeDistributed(ctx, x, apply);
    case 'MultiHeadAttention':
      return applyMultiHeadAttention(ctx, inputs);
    case 'Attention':
    case 'AdditiveAttention':
      return applyDenseAttention(ctx, inputs);
    case 'Lambda':
      return applyLambda(ctx, x);
    case 'Dot':
      return applyDot(ctx, inputs);
    default:
      return undefined;
  }
}
