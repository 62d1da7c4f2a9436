// The parameters of the requests the server answers, checked before a handler reads them: JSON-RPC
// answers parameters that are not what the method takes with InvalidParams, naming what is wrong,
// rather than with an empty result and an "internal error" in the log.
import { ErrorCodes, ResponseError } from 'vscode-languageserver';

type Check = (params: Record<string, unknown>) => string | undefined;

/** Numbers, not only integers: a position out of range, negative or fractional is clamped into the text. */
function isPosition(p: unknown): boolean {
  const { line, character } = (p ?? {}) as { line?: unknown; character?: unknown };
  return typeof p === 'object' && typeof line === 'number' && typeof character === 'number';
}

function isRange(r: unknown): boolean {
  const { start, end } = (r ?? {}) as { start?: unknown; end?: unknown };
  return typeof r === 'object' && isPosition(start) && isPosition(end);
}

const textDocument: Check = (p) => {
  const doc = p.textDocument as { uri?: unknown } | null | undefined;
  return typeof doc === 'object' && doc !== null && typeof doc.uri === 'string' ? undefined : 'textDocument.uri is not a string';
};
const range: Check = (p) => (isRange(p.range) ? undefined : 'range is not two positions of numbers');
const position: Check = (p) => (isPosition(p.position) ? undefined : 'position is not {line, character} of numbers');
const context: Check = (p) => {
  const c = p.context as { diagnostics?: unknown; only?: unknown } | null | undefined;
  if (typeof c !== 'object' || c === null || !Array.isArray(c.diagnostics)) return 'context.diagnostics is not a list';
  return c.only === undefined || c.only === null || (Array.isArray(c.only) && c.only.every((k) => typeof k === 'string')) ? undefined : 'context.only is not a list of strings';
};

const CHECKS: Record<string, Check[]> = {
  'textDocument/inlayHint': [textDocument, range],
  'textDocument/hover': [textDocument, position],
  'textDocument/codeAction': [textDocument, range, context],
};

/** Throws InvalidParams when `params` are not what `method` takes. */
export function checkRequest(method: string, params: unknown): void {
  const checks = CHECKS[method];
  if (!checks) return;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw invalid(method, 'the parameters are not an object');
  for (const check of checks) {
    const why = check(params as Record<string, unknown>);
    if (why) throw invalid(method, why);
  }
}

function invalid(method: string, why: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, `${method}: ${why}.`);
}
