// What one analysis of a Python text produces: plain data in UTF-16 offsets, no protocol types.
// Both the language server (lsp/) and the checker (cli.ts) consume exactly this.
import type { DiagnosticCode, LayerResult, Severity, SymbolicDim, SymbolicShape } from './engine/types';

export interface SourceRange {
  /** UTF-16 offset of the first character. */
  start: number;
  /** UTF-16 offset just past the last character. */
  end: number;
}

/** One argument as written in a layer's constructor call. */
export interface ArgReport {
  /** Keras parameter name (resolved for positional arguments), or undefined if unknown. */
  name?: string;
  keyword: boolean;
  /** The whole argument, `padding='same'` or `3`. */
  range: SourceRange;
  /** Just the value expression. */
  valueRange: SourceRange;
}

/** How a layer received its input tensor. */
export type ApplicationKind =
  | 'functional' // layers.Conv2D(...)(x)  or conv(x) for a layer built earlier
  | 'sequential' // an item of Sequential([...])
  | 'model-add' // model.add(layers.Conv2D(...))
  | 'input' // Input(...) / InputLayer(...)
  | 'merge-function'; // layers.concatenate([a, b]), layers.add([...])

/** One application of one layer: a helper called three times yields three reports. */
export interface LayerReport {
  className: string;
  /** The constructor call `layers.Conv2D(...)`. */
  construct: SourceRange;
  /** The callee's last name (`Conv2D` in `layers.Conv2D`), where hovers anchor. */
  name: SourceRange;
  args: ArgReport[];
  application: ApplicationKind;
  /**
   * The whole expression that produces this layer's output: `layers.Conv2D(...)(x)` for the
   * functional API, the constructor call for Sequential items and model.add.
   */
  expression: SourceRange;
  /** Offset where the output-shape inlay hint goes (end of `expression`). */
  hintAt: number;
  /** Input shapes; sizes may be symbolic (`ceil(H/2)`) when an Input leaves them open. */
  inputs: (SymbolicShape | null)[];
  result: LayerResult<SymbolicDim>;
  /** When the same source layer is applied several times (helpers, loops, shared layers). */
  applicationIndex: number;
  /**
   * Where each input tensor came from (the layer expression that produced it), for
   * relatedInformation and "where the rank changed"; undefined when not from a layer.
   */
  inputOrigins: ({ range: SourceRange; label: string } | undefined)[];
}

export interface RelatedReport {
  range: SourceRange;
  message: string;
}

export interface DiagnosticReport extends SourceRange {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  related: RelatedReport[];
  /** Index into AnalysisResult.layers of the layer application this is about. */
  layer?: number;
}

/** Something the analysis could not resolve, and why (shown in hovers, never as a diagnostic). */
export interface UnknownReport extends SourceRange {
  reason: string;
}

export interface AnalysisResult {
  layers: LayerReport[];
  diagnostics: DiagnosticReport[];
  unknowns: UnknownReport[];
  /** Set when the document was not analysed at all (too large, parse timeout), with why. */
  notAnalysed?: string;
  /** Set when the analysis stopped part-way (work bound reached); results so far are kept. */
  stoppedEarly?: string;
  /** A bug in Shapewise stopped the analysis; results so far are kept, the server logs this. */
  internalError?: string;
}
