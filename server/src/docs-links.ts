// Where Shapewise lives on the web and where each diagnostic code is documented: the one place
// to change when the project moves. Used by the editor (codeDescription, hovers) and the
// checker (SARIF helpUri).
export const PROJECT_URL = 'https://github.com/shapewise/shapewise';
export const DOCS_BASE_URL = `${PROJECT_URL}/blob/main/docs/`;

/** The page with one section per diagnostic code. */
export function diagnosticsDocsUrl(): string {
  return `${DOCS_BASE_URL}diagnostics.md`;
}

/** `…/docs/diagnostics.md#same-stride-uneven`: the section of one code (headings are the codes). */
export function docsUrlFor(code: string): string {
  return `${diagnosticsDocsUrl()}#${code}`;
}
