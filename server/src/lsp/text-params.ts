// Text-document notifications checked before they touch the workspace, as notebook-params.ts does
// for notebooks: a document without a string URI (null, a number, an object) is not opened,
// changed or closed, and the log names the malformed notification instead of an internal error
// (an object URI was also sent back to the client in publishDiagnostics, and could never be
// closed).
import type { DidChangeTextDocumentParams, TextDocumentItem } from 'vscode-languageserver';

/** The document a notification names, when its URI is a string. */
export function textDocumentUri(params: unknown): string | undefined {
  const doc = field(params, 'textDocument');
  const uri = field(doc, 'uri');
  return typeof uri === 'string' ? uri : undefined;
}

/** didOpen's document, or why it is not one. */
export function checkTextOpen(params: unknown): TextDocumentItem | { malformed: string } {
  const uri = textDocumentUri(params);
  if (uri === undefined) return { malformed: 'textDocument.uri is not a string' };
  const doc = field(params, 'textDocument') as Partial<TextDocumentItem>;
  if (typeof doc.text !== 'string') return { malformed: 'textDocument.text is not a string' };
  return { uri, languageId: String(doc.languageId), version: doc.version as number, text: doc.text };
}

/**
 * didChange's parameters when they name a document; the content changes and the version go on as
 * sent (the unit skips malformed changes one by one and logs them).
 */
export function checkTextChange(params: unknown): DidChangeTextDocumentParams | { malformed: string } {
  const uri = textDocumentUri(params);
  if (uri === undefined) return { malformed: 'textDocument.uri is not a string' };
  const version = field(field(params, 'textDocument'), 'version') as number;
  return { textDocument: { uri, version }, contentChanges: field(params, 'contentChanges') as DidChangeTextDocumentParams['contentChanges'] };
}

function field(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
}
