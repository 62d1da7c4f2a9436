// Where Shapewise's documentation lives. The one place to change when the project moves.
import type { DiagnosticCode } from '../engine/types';

export const DOCS_BASE_URL = 'https://github.com/shapewise/shapewise/blob/main/docs/';

/** The page with one section per diagnostic code. */
export function diagnosticsDocsUrl(): string {
  return `${DOCS_BASE_URL}diagnostics.md`;
}

/** `…/docs/diagnostics.md#same-stride-uneven`: the section of one code (headings are the codes). */
export function docsUrlFor(code: DiagnosticCode): string {
  return `${diagnosticsDocsUrl()}#${code}`;
}
