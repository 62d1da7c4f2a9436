// The editor's docs links come from the one shared definition.
export { DOCS_BASE_URL, diagnosticsDocsUrl, docsUrlFor } from '../docs-links';
