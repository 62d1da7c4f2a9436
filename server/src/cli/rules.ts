// What the checker says about each diagnostic code outside the messages themselves (SARIF rule
// descriptions), and where the project lives on the web.
import packageJson from '../../../package.json';
import { docsUrlFor } from '../docs-links';
import type { DiagnosticCode } from '../engine/types';

interface PackageInfo {
  version?: string;
}

const pkg = packageJson as PackageInfo;

export const TOOL_NAME = 'shapewise';
export const TOOL_VERSION: string = pkg.version ?? '0.0.0';

export { PROJECT_URL } from '../docs-links';

/** The docs page of a code: one page with an anchor per code. */
export const helpUri = docsUrlFor;

export const SHORT_DESCRIPTIONS: Readonly<Record<DiagnosticCode, string>> = {
  'same-stride-downsamples': "padding='same' with a stride above 1 does not keep the size: the axis shrinks to n/s.",
  'same-stride-uneven': "padding='same' with a stride that does not divide the input: n becomes ceil(n/s), and upsampling by s does not give n back.",
  'same-transpose-upsamples': "A transposed convolution with padding='same' and a stride above 1 multiplies the length by the stride.",
  'same-asymmetric-padding': "TensorFlow's 'same' pads unevenly here (the extra cell goes after), unlike frameworks that pad symmetrically.",
  'shape-mismatch': 'The inputs of a merge (Concatenate, Add, Multiply, ...) have shapes that cannot be combined.',
  'non-positive-dimension': 'An output length is zero or negative: the window is larger than the input, or the crop too large.',
  'invalid-layer-argument': 'An argument that Keras (or TensorFlow at run time) rejects.',
  'rank-mismatch': 'A layer receives a tensor of the wrong rank.',
  'input-size-constraint': 'The sizes an Input with open sizes (None) accepts: the condition the merges, Reshapes and Dense layers after it put on them.',
};
