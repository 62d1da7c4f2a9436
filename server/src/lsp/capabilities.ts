// What the server advertises in its initialize result.
import {
  CodeActionKind,
  PositionEncodingKind,
  TextDocumentSyncKind,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { PYTHON } from './units';

export const NOTEBOOK_TYPE = 'jupyter-notebook';

export function serverCapabilities(): ServerCapabilities {
  return {
    // Offsets are UTF-16 code units throughout (what web-tree-sitter reports for strings).
    positionEncoding: PositionEncodingKind.UTF16,
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    notebookDocumentSync: {
      notebookSelector: [{ notebook: { notebookType: NOTEBOOK_TYPE }, cells: [{ language: PYTHON }] }],
    },
    hoverProvider: true,
    inlayHintProvider: { resolveProvider: true },
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: false },
  };
}
