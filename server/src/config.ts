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
