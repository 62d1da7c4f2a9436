// TimeDistributed and Bidirectional (Keras 3 keras/src/layers/rnn/time_distributed.py and
// bidirectional.py). The wrapped layer arrives as a `{ kind: 'layer', call }` argument and is
// applied through the engine itself, so every layer the engine knows can be wrapped. Findings
// about the wrapped layer's own arguments come back with `via` set to the wrapper argument
// ('layer' / 'backward_layer'); findings about the input (rank, sizes) are the wrapper's own.
import type { AxisDetail, Dim, Finding, LayerCall, LayerResult, PyValue, Shape } from '../types';
import { LayerContext, inputOrUnknown } from '../context';
import { kerasRaises } from '../findings';
import { checkMinRank } from '../layout';
import { fmt, inputStep } from '../explain';
import { asInput, differ } from '../known';
import { mul } from '../dim';
import { repr, shapeRepr } from '../py';
import { finishMulti, flagText, truthy } from './seq-common';

/** Applies a layer through the engine's public entry point (injected to avoid an import cycle). */
export type ApplyFn = (call: LayerCall, inputs: (Shape | null)[]) => LayerResult;

const RECURRENT = new Set(['SimpleRNN', 'LSTM', 'GRU', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D', 'RNN']);

/** The wrapped layer's call, null when unknown or not a layer (reported as Keras does). */
function layerArg(ctx: LayerContext, name: string, wrapper: string): LayerCall | null {
  const v = ctx.args.raw(name);
  if (v === undefined || v.kind === 'unknown' || (name === 'backward_layer' && v.kind === 'none')) return null;
  if (v.kind === 'layer') return v.call;
  const msg =
    name === 'backward_layer'
      ? `\`backward_layer\` need to be a \`keras.layers.Layer\` instance. Received: ${repr(v)}`
      : `Please initialize \`${wrapper}\` layer with a \`keras.layers.Layer\` instance. Received: ${repr(v)}`;
  ctx.args.invalid(name, kerasRaises(msg));
  return null;
}

/** Copies the inner result's findings: argument findings stay the inner layer's (via), the rest become the wrapper's. */
function adoptFindings(ctx: LayerContext, inner: LayerResult, via: string, extra: Finding[]): void {
  for (const f of inner.findings) {
    if (f.argument !== undefined || f.via !== undefined) {
      if (!extra.some((e) => e.code === f.code && e.via === (f.via ?? via))) extra.push({ ...f, via: f.via ?? via });
    } else {
      ctx.sink.add(f.code, f.message, undefined, f.inputs);
    }
  }
}

function innerSteps(ctx: LayerContext, label: string, inner: LayerResult): void {
  for (const s of inner.steps) ctx.step(`${label}: ${s}`);
}

function withExtra(r: LayerResult, extra: Finding[]): LayerResult {
  if (extra.length > 0) r.findings = [...r.findings, ...extra];
  return r;
}

export function applyTimeDistributed(ctx: LayerContext, input: Shape | null, apply: ApplyFn): LayerResult {
  ctx.args.requireAll(['layer']);
  const inner = layerArg(ctx, 'layer', 'TimeDistributed');
  ctx.step(`TimeDistributed(${inner ? inner.className : 'unknown layer'}): applies the layer to every timestep (axis 1) with the same weights.`);
  const x = inputOrUnknown(ctx, input, 3);
  if (input !== null) ctx.step(inputStep(x));
  if (!checkMinRank('TimeDistributed', x, 3, ctx.sink, '(batch, timesteps, ...)')) {
    ctx.sink.add(
      'rank-mismatch',
      kerasRaises(`\`TimeDistributed\` Layer should be passed an \`input_shape\` with at least 3 dimensions, received: ${shapeRepr(x)}`),
    );
    ctx.unknown('TimeDistributed needs an input of rank 3 or more');
    return ctx.finish(null);
  }
  if (inner === null) {
    ctx.unknown('the wrapped layer is not known');
    return ctx.finish(null);
  }
  // An unknown input has an unknown rank: the step is unknown too, so the wrapped layer's own
  // rank rule decides the output rank (Conv2D: 4) or leaves it unknown (Dense).
  const child: Shape | null = input === null ? null : [x[0] ?? null, ...x.slice(2)];
  if (child !== null) ctx.step(`Each step is ${shapeRepr(child)} (the time axis removed).`);
  const r = apply(inner, [child]);
  const extra: Finding[] = [];
  adoptFindings(ctx, r, 'layer', extra);
  innerSteps(ctx, inner.className, r);
  ctx.axes = r.axes.map((a): AxisDetail => ({ ...a, axis: a.axis + 1 }));
  if (r.padding) ctx.padding = r.padding;
  if (r.outputs !== undefined) {
    ctx.unknown(`${inner.className} returns several tensors here, which TimeDistributed cannot stack`);
    return withExtra(ctx.finish(null), extra);
  }
  const ro = asInput(r.output);
  if (ro === null) {
    ctx.unknown(r.unknownReason ?? `the output of ${inner.className} is not known`);
    return withExtra(ctx.finish(null), extra);
  }
  if (r.unknownReason) ctx.unknown(r.unknownReason);
  const out: Shape = [ro[0] ?? null, x[1] ?? null, ...ro.slice(1)];
  ctx.step(`(batch, timesteps) + the step output without its batch axis: ${shapeRepr(out)}.`);
  return withExtra(ctx.finish(out), extra);
}

const MERGE_MODES = ['sum', 'mul', 'ave', 'concat'];

function boolArg(call: LayerCall, name: string, fallback: boolean): boolean | null {
  const v: PyValue | undefined = call.args[name];
  return v === undefined ? fallback : truthy(v);
}

export function applyBidirectional(ctx: LayerContext, input: Shape | null, apply: ApplyFn): LayerResult {
  const { args } = ctx;
  args.requireAll(['layer']);
  const layer = layerArg(ctx, 'layer', 'Bidirectional');
  const backward = layerArg(ctx, 'backward_layer', 'Bidirectional');
  // merge_mode: one of sum, mul, ave, concat or None ('none' below); undefined = unknown.
  let mode: string | undefined;
  const mv = args.raw('merge_mode');
  if (mv === undefined) mode = 'concat';
  else if (mv.kind === 'none') mode = 'none';
  else if (mv.kind === 'str' && MERGE_MODES.includes(mv.value)) mode = mv.value;
  else if (mv.kind !== 'unknown') {
    args.invalid(
      'merge_mode',
      kerasRaises(`Invalid merge mode. Received: ${mv.kind === 'str' ? mv.value : repr(mv)}. Merge mode should be one of {"sum", "mul", "ave", "concat", None}`),
    );
  }
  ctx.step(
    `Bidirectional(${layer ? layer.className : 'unknown layer'}${backward ? `, backward_layer=${backward.className}` : ''}), merge_mode=${mode === undefined ? 'unknown' : mode === 'none' ? 'None' : `'${mode}'`}: ` +
      'a forward copy and a backward copy (go_backwards=True) read the same input.',
  );

  if (layer !== null && !RECURRENT.has(layer.className)) {
    args.invalid(
      'layer',
      backward === null
        ? kerasRaises(
            `Unrecognized keyword arguments passed to ${layer.className}: {'go_backwards': True}`,
            'ValueError',
            `Bidirectional builds its backward copy of the wrapped layer with go_backwards=True, which only recurrent layers (SimpleRNN, LSTM, GRU, ConvLSTM, RNN) accept.`,
          )
        : `Bidirectional needs recurrent layers (with go_backwards, return_sequences and return_state); ${layer.className} is not one.`,
    );
  }
  // Keras' _verify_layer_config.
  if (layer !== null) {
    const fwdGo = boolArg(layer, 'go_backwards', false);
    const bwdGo = backward !== null ? boolArg(backward, 'go_backwards', false) : true;
    if (fwdGo !== null && bwdGo !== null && fwdGo === bwdGo) {
      args.invalid(
        backward !== null ? 'backward_layer' : 'layer',
        kerasRaises(
          `Forward layer and backward layer should have different \`go_backwards\` value. Received: forward_layer.go_backwards ${flagText(fwdGo)}, backward_layer.go_backwards=${flagText(bwdGo)}`,
          'ValueError',
          backward === null ? 'Without backward_layer the backward copy always has go_backwards=True, so the wrapped layer must not set it.' : undefined,
        ),
      );
    }
    if (backward !== null) {
      for (const a of ['stateful', 'return_sequences', 'return_state']) {
        const fa = boolArg(layer, a, false);
        const ba = boolArg(backward, a, false);
        if (fa !== null && ba !== null && fa !== ba) {
          args.invalid(
            'backward_layer',
            kerasRaises(
              `Forward layer and backward layer are expected to have the same value for attribute "${a}", got "${flagText(fa)}" for forward layer and "${flagText(ba)}" for backward layer`,
            ),
          );
        }
      }
    }
  }

  if (input !== null) ctx.step(inputStep(input));
  if (layer === null) {
    ctx.unknown('the wrapped layer is not known');
    return ctx.finish(null);
  }
  const extra: Finding[] = [];
  const fwd = apply(layer, [input]);
  adoptFindings(ctx, fwd, 'layer', extra);
  innerSteps(ctx, `forward ${layer.className}`, fwd);
  let bwd: LayerResult | null = null;
  if (backward !== null) {
    bwd = apply(backward, [input]);
    adoptFindings(ctx, bwd, 'backward_layer', extra);
    innerSteps(ctx, `backward ${backward.className}`, bwd);
  }
  ctx.axes = fwd.axes;
  if (fwd.padding) ctx.padding = fwd.padding;
  const returnState = boolArg(layer, 'return_state', false);
  const fwdShapes = (fwd.outputs ?? [fwd.output]).map(asInput);
  if (fwd.output === null || returnState === null || mode === undefined) {
    ctx.unknown(fwd.output === null ? (fwd.unknownReason ?? 'the forward layer output is not known') : 'merge_mode or return_state is not known');
    return withExtra(ctx.finish(null), extra);
  }
  if (fwd.unknownReason) ctx.unknown(fwd.unknownReason);
  const first = fwdShapes[0] ?? null;
  const states = returnState ? fwdShapes.slice(1) : [];
  let merged: (Shape | null)[];
  const bwdFirst = bwd === null ? first : asInput((bwd.outputs ?? [bwd.output])[0] ?? null);
  const lastF: Dim = first === null ? null : (first[first.length - 1] ?? null);
  const lastB: Dim = bwdFirst === null ? null : (bwdFirst[bwdFirst.length - 1] ?? null);
  if (bwd !== null && differ(lastF, lastB)) {
    ctx.sink.add(
      'shape-mismatch',
      mode === 'concat'
        ? `The forward layer gives ${fmt(lastF)} features and the backward layer ${fmt(lastB)}: Keras declares the concatenated output as 2·${fmt(lastF)} = ${fmt(mul(lastF, 2))} ` +
            `(its compute_output_shape doubles the forward size), but the tensor computed has ${fmt(lastF)} + ${fmt(lastB)} features, so layers built on the declared shape fail when the model runs. Give both layers the same units`
        : mode === 'none'
          ? `The forward layer gives ${fmt(lastF)} features and the backward layer ${fmt(lastB)}; with merge_mode=None Keras declares both outputs with the forward shape, so the second output's declared shape is wrong. Give both layers the same units`
          : `merge_mode='${mode}' combines the forward output (${fmt(lastF)} features) and the backward output (${fmt(lastB)} features) elementwise, which TensorFlow rejects when the model runs (incompatible shapes). Give both layers the same units`,
      'backward_layer',
    );
  }
  if (mode === 'concat') {
    const out = first === null ? null : [...first.slice(0, -1), mul(lastF, 2)];
    ctx.step(`merge_mode='concat': the forward and backward outputs are joined on the last axis: ${fmt(lastF)}·2 = ${fmt(mul(lastF, 2))}.`);
    merged = [out];
  } else if (mode === 'none') {
    ctx.step('merge_mode=None: the call returns the forward and backward outputs separately, [forward, backward].');
    merged = [first, first];
  } else {
    ctx.step(`merge_mode='${mode}': the two outputs are combined elementwise; the shape stays.`);
    merged = [first];
  }
  if (returnState && states.length > 0) {
    ctx.step(`return_state=True: then the forward states and the backward states (${states.length} each).`);
  }
  return withExtra(finishMulti(ctx, [...merged, ...states, ...states]), extra);
}
