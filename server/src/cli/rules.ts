// What the checker says about each diagnostic code outside the messages themselves (SARIF rule
// descriptions), and where the project lives on the web.
import packageJson from '../../../package.json';
import type { DiagnosticCode } from '../engine/types';

interface PackageInfo {
  version?: string;
  homepage?: string;
  repository?: string | { url?: string };
}

const pkg = packageJson as PackageInfo;

export const TOOL_NAME = 'shapewise';
export const TOOL_VERSION: string = pkg.version ?? '0.0.0';

/**
 * The project's web address: package.json's `homepage` or `repository` once it has one. Until
 * then this assumed address is used (keep it in step with the extension's docs links).
 */
const ASSUMED_PROJECT_URL = 'https://github.com/shapewise/shapewise';

function repositoryUrl(): string | undefined {
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (!repo) return undefined;
  const m = /^(?:git\+)?(https:\/\/[^#]+?)(?:\.git)?$/.exec(repo) ?? /^github:(.+)$/.exec(repo);
  if (!m) return undefined;
  return m[1].startsWith('https://') ? m[1] : `https://github.com/${m[1]}`;
}

export const PROJECT_URL: string = (pkg.homepage ?? repositoryUrl() ?? ASSUMED_PROJECT_URL).replace(/\/+$/, '');

/** The docs page of a code: one page with an anchor per code. */
export function helpUri(code: string): string {
  return `${PROJECT_URL}/blob/main/docs/diagnostics.md#${code}`;
}

export const SHORT_DESCRIPTIONS: Readonly<Record<DiagnosticCode, string>> = {
  'same-stride-downsamples': "padding='same' with a stride above 1 does not keep the size: the axis shrinks to n/s.",
  'same-stride-uneven': "padding='same' with a stride that does not divide the input: n becomes ceil(n/s), and upsampling by s does not give n back.",
  'same-transpose-upsamples': "A transposed convolution with padding='same' and a stride above 1 multiplies the length by the stride.",
  'same-asymmetric-padding': "TensorFlow's 'same' pads unevenly here (the extra cell goes after), unlike frameworks that pad symmetrically.",
  'shape-mismatch': 'The inputs of a merge (Concatenate, Add, Multiply, ...) have shapes that cannot be combined.',
  'non-positive-dimension': 'An output length is zero or negative: the window is larger than the input, or the crop too large.',
  'invalid-layer-argument': 'An argument that Keras (or TensorFlow at run time) rejects.',
  'rank-mismatch': 'A layer receives a tensor of the wrong rank.',
};
