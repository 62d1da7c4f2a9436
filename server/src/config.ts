// Settings: the single source of truth for names, defaults and meaning. package.json's
// `contributes.configuration` must agree with this file (test/config.test.ts checks it).
import { DIAGNOSTIC_CODES, type DataFormat, type DiagnosticCode, type Severity } from './engine/types';

export type SeveritySetting = Severity | 'off';

export const DEFAULT_SEVERITY: Readonly<Record<DiagnosticCode, Severity>> = {
  'same-stride-downsamples': 'information',
  'same-stride-uneven': 'warning',
  'same-transpose-upsamples': 'information',
  'same-asymmetric-padding': 'hint',
  'shape-mismatch': 'error',
  'non-positive-dimension': 'error',
  'invalid-layer-argument': 'error',
  'rank-mismatch': 'error',
  'input-size-constraint': 'information',
};

export interface AnalysisConfig {
  /** What `data_format=None` means: Keras' image_data_format(). */
  dataFormat: DataFormat;
  /** Severity per diagnostic code; 'off' drops the diagnostic. */
  severity: Record<DiagnosticCode, SeveritySetting>;
}

export function defaultAnalysisConfig(): AnalysisConfig {
  return { dataFormat: 'channels_last', severity: { ...DEFAULT_SEVERITY } };
}

export const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['hint', 'information', 'warning', 'error', 'off'];

export function isDiagnosticCode(s: string): s is DiagnosticCode {
  return (DIAGNOSTIC_CODES as readonly string[]).includes(s);
}

// ---------------------------------------------------------------------------------------------
// Editor settings (`shapewise.*`). This table is what package.json's `contributes.configuration`
// lists, entry for entry; the language server reads settings through `settingsFromSection`.

export type TraceSetting = 'off' | 'messages' | 'verbose';

/** Everything the language server needs to know about one resource's settings. */
export interface ShapewiseSettings {
  inlayHints: {
    /** `→ (None, 33, 33, 32)` after every recognised layer expression. */
    outputShape: boolean;
    /** `pad 0/1 · 0/1` after a written `padding=` argument. */
    padding: boolean;
  };
  analysis: AnalysisConfig;
  trace: TraceSetting;
}

export interface SettingSchema {
  /** Full key, `shapewise.inlayHints.outputShape.enabled`. */
  key: string;
  type: 'boolean' | 'string';
  default: boolean | string;
  enum?: readonly string[];
  description: string;
  /** 'window' for settings that apply to the whole editor, 'resource' for per folder / file. */
  scope: 'resource' | 'window';
}

const SEVERITY_DESCRIPTIONS: Readonly<Record<DiagnosticCode, string>> = {
  'same-stride-downsamples': "padding='same' with strides > 1 divides the size by the stride instead of keeping it.",
  'same-stride-uneven': "padding='same' with a stride that does not divide the input size: the output is rounded up and upsampling will not give the size back.",
  'same-transpose-upsamples': "a transposed convolution with padding='same' multiplies the size by the stride.",
  'same-asymmetric-padding': "TensorFlow's 'same' pads one more cell after than before: PyTorch-style symmetric padding gives shifted results.",
  'shape-mismatch': 'the inputs of Concatenate, Add, Multiply, … cannot be combined.',
  'non-positive-dimension': 'an output size would be 0 or negative.',
  'invalid-layer-argument': 'an argument Keras or TensorFlow rejects.',
  'rank-mismatch': 'a layer receives a tensor with the wrong number of dimensions.',
  'input-size-constraint': 'the input sizes a model with open sizes (Input((None, None, 3))) accepts, stated once on the Input.',
};

export const SETTINGS: readonly SettingSchema[] = [
  {
    key: 'shapewise.inlayHints.outputShape.enabled',
    type: 'boolean',
    default: true,
    description: 'Show the output shape after every recognised Keras layer expression, e.g. → (None, 33, 33, 32).',
    scope: 'resource',
  },
  {
    key: 'shapewise.inlayHints.padding.enabled',
    type: 'boolean',
    default: false,
    description: "Show the zeros TensorFlow adds before/after on each spatial axis after a written padding argument, e.g. pad 0/1 · 0/1.",
    scope: 'resource',
  },
  ...DIAGNOSTIC_CODES.map(
    (code): SettingSchema => ({
      key: `shapewise.severity.${code}`,
      type: 'string',
      default: DEFAULT_SEVERITY[code],
      enum: SEVERITY_SETTINGS,
      description: `Severity of ${code}: ${SEVERITY_DESCRIPTIONS[code]} 'off' hides it.`,
      scope: 'resource',
    }),
  ),
  {
    key: 'shapewise.dataFormat',
    type: 'string',
    default: 'channels_last',
    enum: ['channels_last', 'channels_first'],
    description: "What data_format=None means for layers that do not set it (Keras' image_data_format(), channels_last unless your keras.json says otherwise).",
    scope: 'resource',
  },
  {
    key: 'shapewise.trace.server',
    type: 'string',
    default: 'off',
    enum: ['off', 'messages', 'verbose'],
    description: 'Traces the communication between VS Code and the Shapewise language server (in the Shapewise output channel).',
    scope: 'window',
  },
];

export function defaultSettings(): ShapewiseSettings {
  return { inlayHints: { outputShape: true, padding: false }, analysis: defaultAnalysisConfig(), trace: 'off' };
}

/**
 * Reads settings from the `shapewise` section as an editor returns it: nested objects
 * (`{ inlayHints: { outputShape: { enabled: true } } }`, what VS Code sends) or flat dotted keys
 * (`{ 'inlayHints.outputShape.enabled': true }`). Missing or invalid values fall back to defaults.
 */
export function settingsFromSection(section: unknown): ShapewiseSettings {
  const value = (key: string): unknown => lookup(section, key.replace(/^shapewise\./, ''));
  const read = (s: SettingSchema): boolean | string => {
    const v = value(s.key);
    if (s.type === 'boolean') return typeof v === 'boolean' ? v : s.default;
    if (typeof v !== 'string') return s.default;
    return !s.enum || s.enum.includes(v) ? v : s.default;
  };
  const byKey = new Map(SETTINGS.map((s) => [s.key, s]));
  const get = (key: string): boolean | string => {
    const s = byKey.get(key);
    if (!s) throw new Error(`unknown setting ${key}`);
    return read(s);
  };
  const severity = {} as Record<DiagnosticCode, SeveritySetting>;
  for (const code of DIAGNOSTIC_CODES) severity[code] = get(`shapewise.severity.${code}`) as SeveritySetting;
  return {
    inlayHints: {
      outputShape: get('shapewise.inlayHints.outputShape.enabled') as boolean,
      padding: get('shapewise.inlayHints.padding.enabled') as boolean,
    },
    analysis: { dataFormat: get('shapewise.dataFormat') as DataFormat, severity },
    trace: get('shapewise.trace.server') as TraceSetting,
  };
}

function lookup(obj: unknown, path: string): unknown {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const record = obj as Record<string, unknown>;
  if (path in record) return record[path];
  const parts = path.split('.');
  // Try every split point, so `{ severity: { 'same-stride-uneven': … } }` and
  // `{ 'severity.same-stride-uneven': … }` both work.
  for (let i = 1; i < parts.length; i++) {
    const head = parts.slice(0, i).join('.');
    if (head in record) {
      const found = lookup(record[head], parts.slice(i).join('.'));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
