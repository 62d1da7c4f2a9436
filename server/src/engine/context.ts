// The per-application working set every layer implementation uses: argument reader, finding
// sink, derivation steps, and the final assembly into a LayerResult.
import type { AxisDetail, EngineOptions, LayerCall, LayerResult, PaddingInfo, Shape } from './types';
import { ArgReader } from './args';
import { FindingSink } from './findings';
import { outputStep } from './explain';

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
