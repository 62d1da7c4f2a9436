// The per-application working set every layer implementation uses: argument reader, finding
// sink, derivation steps, and the final assembly into a LayerResult.
import type { AxisDetail, DataFormat, EngineOptions, LayerCall, LayerResult, PaddingInfo, Shape, SizeConstraint, SymbolicDim, SymbolicShape } from './types';
import { ArgReader } from './args';
import { FindingSink } from './findings';
import { inputStep, outputStep } from './explain';
import { checkRank, describeAxes, layoutFor, unknownShape, type Layout } from './layout';

export class LayerContext {
  readonly sink = new FindingSink();
  readonly args: ArgReader;
  readonly steps: string[] = [];
  axes: AxisDetail<SymbolicDim>[] = [];
  padding?: PaddingInfo;
  torch?: string;
  private reasons: string[] = [];
  private readonly constraints: SizeConstraint[] = [];

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

  /**
   * A condition on symbolic sizes this layer needs (once per kind, sides and axis). Conditions
   * that provably always hold are the caller's to leave out.
   */
  constrain(c: SizeConstraint): void {
    const key = (x: SizeConstraint): string => `${x.kind}|${String(x.a)}|${String(x.b)}|${x.axis ?? ''}`;
    if (!this.constraints.some((x) => key(x) === key(c))) this.constraints.push(c);
  }

  /** Assembles the result; a numeric output gives a numeric result type, as before symbolic sizes. */
  finish(output: Shape | null): LayerResult;
  finish(output: SymbolicShape | null): LayerResult<SymbolicDim>;
  finish(output: SymbolicShape | null): LayerResult<SymbolicDim> {
    if (output === null && this.reasons.length === 0) this.unknown('the output shape cannot be determined');
    this.step(outputStep(output));
    const r: LayerResult<SymbolicDim> = { output, axes: this.axes, steps: this.steps, findings: this.sink.list() };
    if (this.padding) r.padding = this.padding;
    if (this.torch !== undefined) r.torch = this.torch;
    const partly = output !== null && output.some((d) => d === null);
    if (this.reasons.length > 0 && (output === null || partly)) r.unknownReason = this.reasons.join('; ');
    if (this.constraints.length > 0) r.constraints = [...this.constraints];
    return r;
  }
}

/** Input shape to compute with: the given one, or all-unknown of the layer's required rank. */
export function inputOrUnknown(ctx: LayerContext, input: Shape | null, rank: number): Shape;
export function inputOrUnknown(ctx: LayerContext, input: SymbolicShape | null, rank: number): SymbolicShape;
export function inputOrUnknown(ctx: LayerContext, input: SymbolicShape | null, rank: number): SymbolicShape {
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
): { x: Shape; lay: Layout } | { result: LayerResult };
export function spatialInput(
  ctx: LayerContext,
  n: number,
  input: SymbolicShape | null,
  format: DataFormat | null,
): { x: SymbolicShape; lay: Layout } | { result: LayerResult<SymbolicDim> };
export function spatialInput(
  ctx: LayerContext,
  n: number,
  input: SymbolicShape | null,
  format: DataFormat | null,
): { x: SymbolicShape; lay: Layout } | { result: LayerResult<SymbolicDim> } {
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
