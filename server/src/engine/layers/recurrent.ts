// SimpleRNN, LSTM, GRU and ConvLSTM1D/2D/3D (Keras 3 keras/src/layers/rnn/): the output is the
// last step (batch, units) or every step (batch, timesteps, units); with return_state=True the
// call returns [output, *states] with one state per cell state (LSTM: h and c; GRU, SimpleRNN:
// h). go_backwards, stateful and unroll do not change any shape.
import type { AxisDetail, Dim, LayerCall, LayerResult, PyValue, Shape } from '../types';
import { LayerContext, inputOrUnknown } from '../context';
import { kerasRaises } from '../findings';
import { checkRank, layoutFor } from '../layout';
import { axisSteps, fmt, inputStep } from '../explain';
import { computeWindows, windowFindings } from '../window';
import { intValue, isIntLike, pyInt, repr, tupleRepr } from '../py';
import { finishMulti, flag, flagText } from './seq-common';

export type RecurrentKind = 'SimpleRNN' | 'LSTM' | 'GRU';

/** Number of state tensors each cell carries. */
const STATES: Record<RecurrentKind, number> = { SimpleRNN: 1, LSTM: 2, GRU: 1 };

/** The flags every RNN layer reads. */
export interface RnnFlags {
  returnSequences: boolean | null;
  returnState: boolean | null;
  goBackwards: boolean | null;
  stateful: boolean | null;
}

export function readRnnFlags(ctx: LayerContext): RnnFlags {
  const a = ctx.args;
  return {
    returnSequences: flag(a, 'return_sequences', false),
    returnState: flag(a, 'return_state', false),
    goBackwards: flag(a, 'go_backwards', false),
    stateful: flag(a, 'stateful', false),
  };
}

function readUnits(ctx: LayerContext): number | null {
  const v = ctx.args.raw('units');
  if (v === undefined || v.kind === 'unknown') return null;
  if (isIntLike(v) && Number.isSafeInteger(intValue(v))) {
    const u = intValue(v);
    if (u <= 0) {
      ctx.args.invalid('units', kerasRaises(`Received an invalid value for argument \`units\`, expected a positive integer, got ${u}`));
      return null;
    }
    return u;
  }
  ctx.args.invalid(
    'units',
    `\`units\` must be a positive integer. Received units=${repr(v)}: Keras fails when it creates the kernel (shape (input_dim, units)).`,
  );
  return null;
}

function checkCudnn(ctx: LayerContext): void {
  const v = ctx.args.raw('use_cudnn');
  if (v === undefined || v.kind === 'unknown') return;
  const ok = (v.kind === 'str' && v.value === 'auto') || v.kind === 'bool';
  if (!ok) {
    ctx.args.invalid(
      'use_cudnn',
      kerasRaises(`Invalid valid received for argument \`use_cudnn\`. Expected one of {'auto', True, False}. Received: use_cudnn=${v.kind === 'str' ? v.value : repr(v)}`),
    );
  }
}

/** Notes Keras' build-time requirements that rest on a None dimension (no finding: unknown ≠ None). */
function noteRuntimeNeeds(ctx: LayerContext, x: Shape, f: RnnFlags): void {
  if (f.stateful === true && x[0] === null) {
    ctx.step(
      'stateful=True needs a static batch size: if the batch axis is really None here, Keras raises ValueError ' +
        '("When using `stateful=True` in a RNN, the batch size must be static"); pass batch_size to Input.',
    );
  }
  const unroll = flag(ctx.args, 'unroll', false);
  if (unroll === true && x[1] === null) {
    ctx.step('unroll=True needs a known number of timesteps: if it is really None, Keras raises ValueError ("Cannot unroll a RNN if the time dimension is undefined").');
  }
}

/** Output and state shapes from the per-step output shape `step` = (batch, *features). */
/** The (batch, timesteps, features) input, its step and runtime notes; null (reported) at another rank. */
function sequenceInput(ctx: LayerContext, input: Shape | null, f: RnnFlags): Shape | null {
  const x = inputOrUnknown(ctx, input, 3);
  if (input !== null) ctx.step(inputStep(x));
  if (!checkRank(ctx.layer, x, 3, ctx.sink, '(batch, timesteps, features)')) {
    ctx.unknown(`${ctx.layer} cannot take a rank-${x.length} input`);
    return null;
  }
  noteRuntimeNeeds(ctx, x, f);
  return x;
}

function rnnOutputs(batch: Dim, time: Dim, feature: Dim[], f: RnnFlags, states: number): (Shape | null)[] | null {
  if (f.returnSequences === null || f.returnState === null) return null;
  const out: Shape = f.returnSequences ? [batch, time, ...feature] : [batch, ...feature];
  if (!f.returnState) return [out];
  return [out, ...Array.from({ length: states }, (): Shape => [batch, ...feature])];
}

export function applyRecurrent(ctx: LayerContext, kind: RecurrentKind, input: Shape | null): LayerResult {
  ctx.args.requireAll(['units']);
  const units = readUnits(ctx);
  const f = readRnnFlags(ctx);
  if (kind !== 'SimpleRNN') checkCudnn(ctx);
  ctx.step(
    `${ctx.layer}: units=${fmt(units)}, return_sequences=${flagText(f.returnSequences)}, return_state=${flagText(f.returnState)}` +
      `${f.goBackwards ? ', go_backwards=True (reverses the time order, not the shape)' : ''}.`,
  );
  const x = sequenceInput(ctx, input, f);
  if (!x) return ctx.finish(null);
  if (units === null) ctx.unknown('units is not known');
  const outs = rnnOutputs(x[0] ?? null, x[1] ?? null, [units], f, STATES[kind]);
  if (outs === null) {
    ctx.unknown('return_sequences or return_state is not known');
    return ctx.finish(null);
  }
  ctx.step(
    f.returnSequences
      ? `Every step's output is kept: (batch, timesteps, units) = (${fmt(x[0])}, ${fmt(x[1])}, ${fmt(units)}).`
      : `Only the last step's output is kept: (batch, units) = (${fmt(x[0])}, ${fmt(units)}); the ${fmt(x[1])} timesteps are consumed.`,
  );
  if (f.returnState) {
    ctx.step(
      kind === 'LSTM'
        ? 'return_state=True: the call returns [output, state_h, state_c], each state (batch, units).'
        : 'return_state=True: the call returns [output, state], the state (batch, units).',
    );
  }
  const inF = x[2] ?? null;
  const torchName = kind === 'SimpleRNN' ? 'nn.RNN' : kind === 'LSTM' ? 'nn.LSTM' : 'nn.GRU';
  ctx.torch = `${torchName}(${inF === null ? 'input_size' : inF}, ${units === null ? 'hidden_size' : units}, batch_first=True)`;
  return finishMulti(ctx, outs);
}

const CELL_STATES: Record<string, number> = { SimpleRNNCell: 1, LSTMCell: 2, GRUCell: 1 };

/** The cells of RNN(cell): one cell, a list of cells or StackedRNNCells(cells); null if not known. */
function rnnCells(v: PyValue | undefined): LayerCall[] | null {
  if (v === undefined || v.kind === 'unknown') return null;
  if (v.kind === 'layer') {
    if (v.call.className === 'StackedRNNCells') return rnnCells(v.call.args.cells);
    return [v.call];
  }
  if (v.kind === 'seq') {
    const cells = v.items.map((i) => (i.kind === 'layer' ? i.call : null));
    return cells.length > 0 && cells.every((c) => c !== null) ? (cells as LayerCall[]) : null;
  }
  return null;
}

/** keras.layers.RNN(cell): the output size is the last cell's units (Keras' cell.output_size). */
export function applyRnnLayer(ctx: LayerContext, input: Shape | null): LayerResult {
  ctx.args.requireAll(['cell']);
  const f = readRnnFlags(ctx);
  const cells = rnnCells(ctx.args.raw('cell'));
  const last = cells?.[cells.length - 1];
  const rawUnits = last && last.className in CELL_STATES ? last.args.units : undefined;
  const units = rawUnits !== undefined && isIntLike(rawUnits) && intValue(rawUnits) > 0 ? intValue(rawUnits) : null;
  ctx.step(
    `RNN over ${cells ? cells.map((c) => c.className).join(', ') : 'a cell the analysis cannot see'}: output size ${fmt(units)}, ` +
      `return_sequences=${flagText(f.returnSequences)}, return_state=${flagText(f.returnState)}.`,
  );
  const x = sequenceInput(ctx, input, f);
  if (!x) return ctx.finish(null);
  if (units === null) ctx.unknown('the output size of the cell is not known');
  // States of several cells come back nested per cell: only a single cell's are followed.
  const states = cells?.length === 1 && last ? CELL_STATES[last.className] : undefined;
  if (f.returnState === true && states === undefined) {
    ctx.unknown('the states of these cells are not followed');
    return ctx.finish(null);
  }
  const outs = rnnOutputs(x[0] ?? null, x[1] ?? null, [units], f, states ?? 1);
  if (outs === null) {
    ctx.unknown('return_sequences or return_state is not known');
    return ctx.finish(null);
  }
  return finishMulti(ctx, outs);
}

/** A cell on its own is only passed to RNN: its call (one step with states) is not analysed. */
export function applyRnnCell(ctx: LayerContext): LayerResult {
  ctx.unknown(`${ctx.layer} is a cell: it is analysed inside keras.layers.RNN`);
  return ctx.finish(null);
}

export function applyConvLstm(ctx: LayerContext, n: number, input: Shape | null): LayerResult {
  const { args, sink } = ctx;
  args.requireAll(['filters', 'kernel_size']);
  const k = args.tuple('kernel_size', n);
  // ConvLSTMCell standardises strides with allow_zero=True (a Keras quirk); 0 then breaks the shape math.
  const s = args.tuple('strides', n, { default: pyInt(1), allowZero: true });
  if (s.some((v) => v === 0)) {
    args.invalid(
      'strides',
      `strides=${tupleRepr(s)} contains 0: ConvLSTM accepts it when the layer is created (standardize_tuple with allow_zero=True), ` +
        'but its output-shape computation divides by zero and TensorFlow rejects a zero stride. Use strides ≥ 1.',
    );
    s.forEach((v, i) => v === 0 && (s[i] = null));
  }
  const d = args.tuple('dilation_rate', n, { default: pyInt(1) });
  const mode = args.convPadding(false);
  const format = args.dataFormat(ctx.options.defaultDataFormat);
  let filters: number | null = null;
  const fr = args.raw('filters');
  if (fr !== undefined && fr.kind !== 'unknown') {
    if (isIntLike(fr) && intValue(fr) > 0) filters = intValue(fr);
    else args.invalid('filters', `\`filters\` must be a positive integer. Received filters=${repr(fr)}: Keras fails when it creates the kernel.`);
  }
  if (s.some((v) => v !== null && v > 1) && d.some((v) => v !== null && v > 1)) {
    args.invalid(
      'strides',
      kerasRaises(
        `Specifying \`strides > 1\` is not compatible with \`dilation_rate > 1\`. Please provide \`strides=1\` or \`dilation_rate=1\`. ` +
          `Received: strides=${tupleRepr(s)} and dilation_rate=${tupleRepr(d)}`,
      ),
    );
  }
  const f = readRnnFlags(ctx);
  ctx.step(
    `${ctx.layer}: filters=${fmt(filters)}, kernel_size=${tupleRepr(k)}, strides=${tupleRepr(s)}, padding=${mode === null ? 'unknown' : `'${mode}'`}, ` +
      `dilation_rate=${tupleRepr(d)}, data_format=${format ?? 'unknown'}, return_sequences=${flagText(f.returnSequences)}, return_state=${flagText(f.returnState)}.`,
  );
  const rank = n + 3;
  const x = inputOrUnknown(ctx, input, rank);
  if (input !== null) ctx.step(inputStep(x));
  const what = format === 'channels_first' ? `(batch, timesteps, channels, ${layoutFor(n, 'channels_last').names.join(', ')})` : `(batch, timesteps, ${layoutFor(n, 'channels_last').names.join(', ')}, channels)`;
  if (!checkRank(ctx.layer, x, rank, sink, what)) {
    ctx.unknown(`${ctx.layer} cannot take a rank-${x.length} input`);
    return ctx.finish(null);
  }
  if (format === null) {
    ctx.unknown('the data_format is not known');
    return ctx.finish(null);
  }
  noteRuntimeNeeds(ctx, x, f);
  // The cell sees one step: (batch, *spatial, channels); its axes sit one further right in the full shape.
  const lay = layoutFor(n, format);
  const step: Shape = [x[0] ?? null, ...x.slice(2)];
  const w = {
    layer: ctx.layer,
    family: 'conv' as const,
    mode,
    axisIndex: lay.spatial.map((a) => a + 1),
    names: lay.names,
    L: lay.spatial.map((a) => step[a] ?? null),
    k,
    s,
    d,
  };
  const r = computeWindows(w);
  const axes: AxisDetail[] = r.axes;
  ctx.axes = axes;
  windowFindings(w, r, sink, `ZeroPadding${n}D`);
  if (mode === null) ctx.unknown('the padding mode is not known');
  else ctx.padding = { mode, before: r.before, after: r.after };
  if (r.nonPositive.length > 0) ctx.unknown("'valid' padding leaves no output on some axis");
  if (w.L.some((L) => L === null)) {
    ctx.unknown('some input dimensions are not known');
    ctx.step('ConvLSTM needs static spatial sizes and channels when it is built: Keras raises ValueError if they are really None.');
  }
  if (filters === null) ctx.unknown('the number of filters is not known');
  ctx.steps.push(...axisSteps(axes));
  ctx.step(`channels: filters = ${fmt(filters)} (the state has the same shape as one output step).`);
  const stepOut: Shape = [...step];
  lay.spatial.forEach((a, i) => (stepOut[a] = r.out[i] ?? null));
  stepOut[lay.channel] = filters;
  const outs = rnnOutputs(x[0] ?? null, x[1] ?? null, stepOut.slice(1), f, 2);
  if (outs === null) {
    ctx.unknown('return_sequences or return_state is not known');
    return ctx.finish(null);
  }
  if (f.returnState) ctx.step('return_state=True: the call returns [output, state_h, state_c], each state one step (batch, …, filters).');
  return finishMulti(ctx, outs);
}
