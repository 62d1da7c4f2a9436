// The per-application working set every layer implementation uses: argument reader, finding
// sink, derivation steps, and the final assembly into a LayerResult.
import type { AxisDetail, DataFormat, EngineOptions, LayerCall, LayerResult, PaddingInfo, Shape } from './types';
import { ArgReader } from './args';
import { FindingSink } from './findings';
import { inputStep, outputStep } from './explain';
import { checkRank, describeAxes, layoutFor, unknownShape, type Layout } from './layout';

export class LayerContext {
  readonly sink = new FindingSink();
  readonly args: ArgReader;
  readonly steps: string[] = [];
  axes: AxisDetail[] = [];
  padding?: PaddingInfo;
  torch?: string;
  private reasons: string[] = [];

  constructor(
    readonly call: LayerCall,
    readonly options: EngineOptions,
  ) {
    this.args = new ArgReader(call, this.sink);
  }

  get layer(): string {
    return this.call.className;
  }

  step(line: string): void {
    this.steps.push(line);
  }

  /** Why (part of) the output is unknown; collected and joined into `unknownReason`. */
  unknown(reason: string): void {
    if (!this.reasons.includes(reason)) this.reasons.push(reason);
  }

  finish(output: Shape | null): LayerResult {
    if (output === null && this.reasons.length === 0) this.unknown('the output shape cannot be determined');
    this.step(outputStep(output));
    const r: LayerResult = { output, axes: this.axes, steps: this.steps, findings: this.sink.list() };
    if (this.padding) r.padding = this.padding;
    if (this.torch !== undefined) r.torch = this.torch;
    const partly = output !== null && output.some((d) => d === null);
    if (this.reasons.length > 0 && (output === null || partly)) r.unknownReason = this.reasons.join('; ');
    return r;
  }
}

/** Input shape to compute with: the given one, or all-unknown of the layer's required rank. */
export function inputOrUnknown(ctx: LayerContext, input: Shape | null, rank: number): Shape {
  if (input !== null) return input;
  ctx.unknown('the input shape is not known');
  return Array.from({ length: rank }, () => null);
}

/**
 * The common prelude of layers with `n` spatial axes: the input (or an unknown one of rank n+2),
 * the rank check, and the layout for the data format. Returns the finished result instead when
 * the rank is wrong (no output) or the format unknown (only the rank is known).
 */
export function spatialInput(
  ctx: LayerContext,
  n: number,
  input: Shape | null,
  format: DataFormat | null,
): { x: Shape; lay: Layout } | { result: LayerResult } {
  const x = inputOrUnknown(ctx, input, n + 2);
  if (input !== null) ctx.step(inputStep(x));
  if (!checkRank(ctx.layer, x, n + 2, ctx.sink, describeAxes(n, format))) {
    ctx.unknown(`${ctx.layer} cannot take a rank-${x.length} input`);
    return { result: ctx.finish(null) };
  }
  if (format === null) {
    ctx.unknown('the data_format is not known');
    return { result: ctx.finish(unknownShape(n + 2, x[0] ?? null)) };
  }
  return { x, lay: layoutFor(n, format) };
}
