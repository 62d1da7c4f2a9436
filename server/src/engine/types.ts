// The engine's plain-data vocabulary. Everything here is JSON-serialisable; nothing refers to
// Python syntax, tree-sitter, LSP or the file system.

/**
 * A Python value as the front end folded it from source, before any Keras normalisation.
 * Lists and tuples are both `seq` (Keras treats them alike for shape arguments).
 */
export type PyValue =
  | { kind: 'int'; value: number } // may exceed the safe-integer range (e.g. 10**100 -> Infinity)
  | { kind: 'float'; value: number }
  | { kind: 'str'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'seq'; items: PyValue[]; list: boolean }
  | { kind: 'unknown'; reason: string }
  /**
   * A Keras layer object passed as an argument: `Bidirectional(LSTM(64))`,
   * `TimeDistributed(Conv2D(...))`, `Bidirectional(..., backward_layer=LSTM(...))`.
   * `call` is the wrapped layer's class name and arguments, exactly as for `applyLayer`.
   */
  | { kind: 'layer'; call: LayerCall };

/** One dimension: a known size, or null when the code does not determine it. */
export type Dim = number | null;

declare const SYMBOLIC: unique symbol;

/**
 * A symbolic size such as `ceil(H/2)`, `2*ceil(H/4)`, `H - 2` or `3*H*W`: its canonical text
 * (see sym.ts), so it is plain JSON, prints as itself, and sizes the engine can prove equal by
 * simplification are `===`. Variables are `[A-Z][A-Za-z0-9_]*` (H, W, D, L, H2, ...), each
 * standing for a positive size the code leaves open (`Input((None, None, 3))`).
 */
export type SymDim = string & { readonly [SYMBOLIC]: true };

/** A dimension that may be symbolic: a known size, a symbolic size, or null (unknown). */
export type SymbolicDim = Dim | SymDim;

/**
 * A full tensor shape, batch axis included: `[null, 65, 65, 3]`. `Shape` alone is the numeric
 * shape; `Shape<SymbolicDim>` (= `SymbolicShape`) may hold symbolic sizes.
 */
export type Shape<D extends SymbolicDim = Dim> = D[];

/** A shape that may hold symbolic sizes: `[null, 'ceil(H/2)', 'ceil(W/2)', 32]`. */
export type SymbolicShape = Shape<SymbolicDim>;

export type DataFormat = 'channels_last' | 'channels_first';

export interface EngineOptions {
  /** What `data_format=None` means (Keras' `image_data_format()`, default channels_last). */
  defaultDataFormat: DataFormat;
}

export const DIAGNOSTIC_CODES = [
  'same-stride-downsamples',
  'same-stride-uneven',
  'same-transpose-upsamples',
  'same-asymmetric-padding',
  'shape-mismatch',
  'non-positive-dimension',
  'invalid-layer-argument',
  'rank-mismatch',
  'input-size-constraint',
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

/**
 * The code of the input-size-constraint diagnostic (information): the conditions an Input's
 * symbolic sizes must meet, stated once on the Input (message: findings.ts
 * `inputSizeConstraintMessage`). It joins DIAGNOSTIC_CODES in the same change that gives it a
 * default severity (config.ts), a short description (cli/rules.ts) and a setting (package.json);
 * adding it here alone would leave those exhaustive tables incomplete.
 */
export const INPUT_SIZE_CONSTRAINT = 'input-size-constraint' as const;

export type Severity = 'hint' | 'information' | 'warning' | 'error';

/** A candidate diagnostic produced by the engine for one layer application. */
export interface Finding {
  code: DiagnosticCode;
  /** Complete user-facing sentence(s), with the user's numbers. */
  message: string;
  /**
   * The keyword argument this finding is about (`padding`, `strides`, ...), so the front end
   * can place the diagnostic on that argument when it is written in the source.
   */
  argument?: string;
  /** For multi-input layers: indexes (into the inputs list) of the inputs involved. */
  inputs?: number[];
  /**
   * Set when the finding is about a layer passed as an argument of this one (a wrapper's
   * `layer` or `backward_layer`): that argument's name. `argument` then names an argument of the
   * inner layer. A result holds at most one finding per (code, via).
   */
  via?: string;
}

/** What happened along one spatial axis (or the one axis a 1-D layer works on). */
export interface AxisDetail<D extends SymbolicDim = Dim> {
  /** Index of the axis in the full shape (batch = 0). */
  axis: number;
  /** 'steps' (1-D), 'height'/'width' (2-D), 'depth'/'height'/'width' (3-D). */
  name: string;
  input: D;
  output: D;
  kernel?: number;
  stride?: number;
  dilation?: number;
  /** (k-1)*d + 1 */
  effectiveKernel?: number;
  /**
   * Forward layers: zeros added before/after along this axis (null when unknown).
   * Transposed convs: the crop TensorFlow applies (negative = extended with zeros).
   */
  before?: Dim;
  after?: Dim;
  /** The output-size formula with the user's numbers, e.g. `ceil(65 / 2) = 33`. */
  formula: string;
  /** Padding line with numbers, e.g. `P = max((33-1)*2 + 3 - 65, 0) = 2 -> 1 before, 1 after`. */
  paddingFormula?: string;
}

export interface PaddingInfo {
  /** Normalised padding mode: 'valid' | 'same' | 'causal' | 'explicit' (ZeroPadding/Cropping). */
  mode: string;
  /** One entry per spatial axis, in spatial order. */
  before: Dim[];
  after: Dim[];
  /** True for transposed convs and cropping, where before/after are crops rather than pads. */
  crop?: boolean;
}

export interface LayerResult<D extends SymbolicDim = Dim> {
  /** Output shape, or null when it cannot be known at all (see unknownReason). */
  output: Shape<D> | null;
  padding?: PaddingInfo;
  axes: AxisDetail<D>[];
  /** The derivation in words and numbers, one line each, for hovers and tooltips. */
  steps: string[];
  /** A PyTorch call (or calls) that reproduces this layer's shape and padding exactly. */
  torch?: string;
  findings: Finding[];
  /** Why `output` is null (or partly unknown), in plain words. */
  unknownReason?: string;
  /**
   * Set only when the call returns several tensors (a Python list or tuple): RNNs with
   * `return_state=True` ([output, *states]), Bidirectional with `merge_mode=None` or
   * `return_state`, attention with `return_attention_scores=True` ([output, scores]), ops such
   * as `tf.split`. Entry i is the shape of element i (null = unknown); `output` is `outputs[0]`.
   */
  outputs?: (Shape<D> | null)[];
  /**
   * Conditions on symbolic input sizes this layer needs to work (sizes that must agree, a size
   * that must be large enough or fixed). Present only when there are any; never for numeric
   * shapes (there the engine decides, and reports a finding when they fail).
   */
  constraints?: SizeConstraint[];
}

/**
 * What a layer needs of symbolic sizes, for the front end to solve per Input (constraints.ts):
 * - 'equal': a = b (Concatenate's other axes, elementwise merges' axes, Reshape's total size);
 * - 'divisible': b (a positive number) divides a (Reshape's inferred -1);
 * - 'atLeast': a ≥ b ('valid' windows, cropping);
 * - 'fixed': a must be a known size (Dense's feature axis); b is null.
 */
export interface SizeConstraint {
  kind: 'equal' | 'divisible' | 'atLeast' | 'fixed';
  a: SymbolicDim;
  b: SymbolicDim;
  /** The axis of the full shape the sizes are on, when there is one. */
  axis?: number;
  /** For multi-input layers: indexes (into the inputs list) of the inputs whose sizes these are. */
  inputs?: number[];
  /** The keyword argument the condition comes from (`target_shape`, `padding`, ...), if any. */
  argument?: string;
  /** A short description in words and symbols, e.g. `axis 1: 2*ceil(H/16) (input 0) = H (input 1)`. */
  description: string;
}

/** A layer as written: its canonical Keras class name and keyword-resolved arguments. */
export interface LayerCall {
  className: string;
  args: Record<string, PyValue>;
  /**
   * Keyword arguments of the layer's `__call__` that are not tensors (e.g.
   * `return_attention_scores=True` for MultiHeadAttention/Attention), by name; positional ones
   * mapped with `layerCallSignature`. Absent = none passed.
   */
  callArgs?: Record<string, PyValue>;
}
