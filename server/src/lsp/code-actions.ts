// Quick fixes.
//
// - same-asymmetric-padding on a convolution: rewrite 'same' into an explicit ZeroPadding{1,2,3}D
//   with TensorFlow's exact pads followed by padding='valid'. Same numbers, and a form PyTorch
//   reproduces exactly. Offered only where the rewrite is certainly equivalent and valid Python
//   (see `zeroPaddingFix`).
// - same-stride-uneven: no fix. 'valid' never makes the sizes line up again: an upsampling by s
//   gives s·out, a multiple of s, while the input n is not one (n % s ≠ 0), whatever `out` is.
//   The real fixes (another input size, cropping the skip connection) are design decisions.
// - same-transpose-upsamples: no fix. The message is informational; upsampling is almost always
//   what a strided transposed convolution is for, and any rewrite would change the output size.
// - every diagnostic: "ignore on this line" (`# shapewise: ignore[code]`), never preferred.
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { AnalysisResult, DiagnosticReport, LayerReport, SourceRange } from '../analysis-types';
import { ignoreComment } from '../suppressions';
import { toDiagnostic } from './diagnostics';
import type { AnalysisUnit } from './units';

/** An edit in offsets of the analysed text. */
interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

export interface CodeActionOptions {
  /** The client accepts versioned `documentChanges` in workspace edits. */
  documentChanges: boolean;
}

export function codeActions(unit: AnalysisUnit, params: CodeActionParams, result: AnalysisResult, options: CodeActionOptions): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`) || k === CodeActionKind.Empty)) return [];
  const uri = params.textDocument.uri;
  const actions: CodeAction[] = [];
  const fixedLayers = new Set<string>();
  const ignored = new Set<string>();
  for (const report of result.diagnostics) {
    const converted = toDiagnostic(unit, report);
    if (!converted || converted.uri !== uri || !intersects(converted.diagnostic.range, params.range)) continue;
    const diagnostic = converted.diagnostic;
    if (report.code === 'same-asymmetric-padding' && report.layer !== undefined) {
      const layer = result.layers[report.layer];
      const key = `${layer.construct.start}:${layer.construct.end}`;
      if (!fixedLayers.has(key)) {
        fixedLayers.add(key);
        const fix = zeroPaddingFix(unit.text, result, layer);
        const edit = fix && workspaceEdit(unit, fix.edits, options);
        if (fix && edit) actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit });
      }
    }
    const ignore = ignoreEdit(unit, report);
    const ignoreKey = `${ignore?.start}:${report.code}`;
    if (ignore && !ignored.has(ignoreKey)) {
      ignored.add(ignoreKey);
      const edit = workspaceEdit(unit, [ignore], options);
      if (edit) actions.push(ignoreAction(report, diagnostic, edit));
    }
  }
  return actions;
}

function ignoreAction(report: DiagnosticReport, diagnostic: Diagnostic, edit: WorkspaceEdit): CodeAction {
  return { title: `Ignore ${report.code} on this line`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: false, edit };
}

// ------------------------------------------------------------------------------ ignore comment

const IGNORE_LIST = /#\s*shapewise:\s*ignore\[([^\]]*)\]/;
const IGNORE_ALL = /#\s*shapewise:\s*ignore(?!\s*\[)/;

/** Appends `  # shapewise: ignore[code]` to the diagnostic's line, or extends an existing list. */
export function ignoreEdit(unit: AnalysisUnit, report: DiagnosticReport): OffsetEdit | undefined {
  const lines = unit.lines;
  const line = lines.positionAt(report.start).line;
  const start = lines.lineStart(line);
  const end = lines.lineEnd(line);
  const text = unit.text.slice(start, end);
  // A comment after a line continuation is a syntax error.
  if (text.trimEnd().endsWith('\\')) return undefined;
  const list = IGNORE_LIST.exec(text);
  if (list) {
    const at = start + list.index + list[0].length - 1;
    const codes = list[1].trim();
    return { start: at, end: at, newText: codes === '' ? report.code : `, ${report.code}` };
  }
  if (IGNORE_ALL.test(text)) return undefined;
  const trimmedEnd = start + text.trimEnd().length;
  return { start: trimmedEnd, end: end, newText: `  ${ignoreComment(report.code)}` };
}

// ------------------------------------------------------------------------------ ZeroPadding fix

const ZERO_PADDED_CONV = /^(Conv([123])D|SeparableConv([12])D|DepthwiseConv([12])D)$/;
const SAME_LITERAL = /^[rRuU]?(['"])same\1$/i;
const DOTTED_PREFIX = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\.$/;
/** Arguments only a Sequential's first layer uses: moving the layer behind a new one breaks them. */
const FIRST_LAYER_ARGS = new Set(['input_shape', 'batch_input_shape', 'batch_shape', 'input_dim', 'batch_size']);

/**
 * The ZeroPadding rewrite for a convolution with padding='same', or undefined where it is not
 * certainly right:
 * - a zero-padding convolution (Conv, SeparableConv, DepthwiseConv; not pooling, whose 'same'
 *   padding is not zeros), without the strides > 1 with dilation > 1 special case;
 * - every application of the layer has the same known pads (so the input shape was known where
 *   the pads depend on it), with before ≠ after somewhere;
 * - the padding argument is a string literal written in the call; data_format is carried over;
 * - the layer is applied as `prefix.Conv2D(...)(x)`, a Sequential list item, or the argument of
 *   `model.add(...)` on its own line, and the callee has a module prefix (`layers.`,
 *   `tf.keras.layers.`) or ZeroPaddingND is imported by name.
 */
export function zeroPaddingFix(text: string, result: AnalysisResult, layer: LayerReport): { title: string; edits: OffsetEdit[] } | undefined {
  const cls = ZERO_PADDED_CONV.exec(layer.className);
  if (!cls) return undefined;
  const rank = Number(cls[2] ?? cls[3] ?? cls[4]);
  const apps = result.layers.filter((l) => l.construct.start === layer.construct.start && l.construct.end === layer.construct.end);

  // Identical, known, asymmetric pads on every application.
  const pads = apps.map((a) => a.result.padding);
  const first = pads[0];
  if (!first || first.mode !== 'same' || first.crop || first.before.length !== rank) return undefined;
  const before = first.before;
  const after = first.after;
  if (!before.every((b): b is number => typeof b === 'number') || !after.every((a): a is number => typeof a === 'number')) return undefined;
  if (pads.some((p) => !p || p.mode !== 'same' || p.crop || !sameDims(p.before, before) || !sameDims(p.after, after))) return undefined;
  if (before.every((b, i) => b === after[i])) return undefined;
  if (apps.some((a) => a.result.axes.some((x) => (x.stride ?? 1) > 1 && (x.dilation ?? 1) > 1))) return undefined;

  // The padding argument, a literal.
  const paddingArg = layer.args.find((a) => a.name === 'padding');
  if (!paddingArg) return undefined;
  const literal = SAME_LITERAL.exec(text.slice(paddingArg.valueRange.start, paddingArg.valueRange.end));
  if (!literal) return undefined;
  if (layer.args.some((a) => a.name !== undefined && FIRST_LAYER_ARGS.has(a.name))) return undefined;
  if (layer.args.some((a) => a.name === undefined)) return undefined;

  // How ZeroPaddingND is spelt here.
  const zeroPadding = `ZeroPadding${rank}D`;
  const callee = text.slice(layer.construct.start, layer.name.start);
  let prefix: string;
  if (DOTTED_PREFIX.test(callee)) prefix = callee;
  else if (callee === '' && importsByName(text, zeroPadding)) prefix = '';
  else return undefined;

  const dataFormat = layer.args.find((a) => a.name === 'data_format');
  const padTuple = padsTuple(before, after);
  const zp = `${prefix}${zeroPadding}(${padTuple}${dataFormat ? `, data_format=${text.slice(dataFormat.valueRange.start, dataFormat.valueRange.end)}` : ''})`;
  const quote = literal[1];
  const edits: OffsetEdit[] = [{ start: paddingArg.valueRange.start, end: paddingArg.valueRange.end, newText: `${quote}valid${quote}` }];

  const kind = layer.application;
  if (apps.some((a) => a.application !== kind)) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lineStart = text.lastIndexOf('\n', layer.construct.start - 1) + 1;
  const beforeOnLine = text.slice(lineStart, layer.construct.start);

  if (kind === 'functional') {
    // `prefix.Conv2D(...)(x)`: wrap the single input argument.
    if (apps.some((a) => a.expression.start !== layer.construct.start || a.expression.end !== layer.expression.end)) return undefined;
    const call = singleArgument(text, layer.construct.end, layer.expression.end);
    if (!call) return undefined;
    edits.push({ start: call.start, end: call.start, newText: `${zp}(` }, { start: call.end, end: call.end, newText: ')' });
  } else if (kind === 'sequential') {
    if (!apps.every((a) => sameRange(a.expression, layer.construct))) return undefined;
    if (/^[ \t]*$/.test(beforeOnLine)) edits.push({ start: lineStart, end: lineStart, newText: `${beforeOnLine}${zp},${eol}` });
    else edits.push({ start: layer.construct.start, end: layer.construct.start, newText: `${zp}, ` });
  } else if (kind === 'model-add') {
    if (!apps.every((a) => sameRange(a.expression, layer.construct))) return undefined;
    const add = /^([ \t]*)([A-Za-z_][\w.]*)\.add\([ \t]*$/.exec(beforeOnLine);
    if (!add) return undefined;
    edits.push({ start: lineStart, end: lineStart, newText: `${add[1]}${add[2]}.add(${zp})${eol}` });
  } else return undefined;

  return { title: `Pad explicitly: ${zeroPadding}(${padTuple}) + padding='valid' (same shapes, PyTorch parity)`, edits };
}

/** ZeroPadding's argument: `(0, 1)` in 1-D, `((0, 1), (0, 1))` in 2-D and 3-D. */
function padsTuple(before: readonly number[], after: readonly number[]): string {
  if (before.length === 1) return `(${before[0]}, ${after[0]})`;
  return `(${before.map((b, i) => `(${b}, ${after[i]})`).join(', ')})`;
}

/**
 * The one positional argument of the call `(x)` that spans [from, to): its trimmed range, or
 * undefined if the call has no argument, several, a keyword or a starred one.
 */
function singleArgument(text: string, from: number, to: number): SourceRange | undefined {
  let open = from;
  while (open < to && /\s/.test(text[open])) open++;
  if (text[open] !== '(' || text[to - 1] !== ')') return undefined;
  const inner = text.slice(open + 1, to - 1);
  const lead = inner.length - inner.trimStart().length;
  const trimmed = inner.trim();
  if (trimmed === '' || trimmed.startsWith('*') || /^[A-Za-z_]\w*\s*=(?!=)/.test(trimmed)) return undefined;
  if (hasTopLevelComma(trimmed)) return undefined;
  if (trimmed.includes('#')) return undefined;
  const start = open + 1 + lead;
  return { start, end: start + trimmed.length };
}

function hasTopLevelComma(s: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) return true;
  }
  return false;
}

/** `from keras.layers import ZeroPadding2D` (not renamed) somewhere in the text. */
function importsByName(text: string, name: string): boolean {
  const re = new RegExp(`^[ \\t]*from[ \\t]+[\\w.]+[ \\t]+import[^\\n]*\\b${name}\\b(?![ \\t]+as\\b)`, 'm');
  return re.test(text);
}

function sameDims(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameRange(a: SourceRange, b: SourceRange): boolean {
  return a.start === b.start && a.end === b.end;
}

// ------------------------------------------------------------------------------ edits

function intersects(a: { start: Pos; end: Pos }, b: { start: Pos; end: Pos }): boolean {
  return !(before(a.end, b.start) || before(b.end, a.start));
}

interface Pos {
  line: number;
  character: number;
}

function before(p: Pos, q: Pos): boolean {
  return p.line < q.line || (p.line === q.line && p.character < q.character);
}

/** Offset edits as a workspace edit on the documents they land in (all must map somewhere). */
function workspaceEdit(unit: AnalysisUnit, edits: readonly OffsetEdit[], options: CodeActionOptions): WorkspaceEdit | undefined {
  const byUri = new Map<string, TextEdit[]>();
  for (const e of edits) {
    const loc = unit.locate({ start: e.start, end: e.end });
    if (!loc) return undefined;
    const list = byUri.get(loc.uri) ?? [];
    list.push({ range: loc.range, newText: e.newText });
    byUri.set(loc.uri, list);
  }
  if (options.documentChanges) {
    const documentChanges = [];
    for (const [uri, list] of byUri) {
      const doc = unit.document(uri);
      if (!doc) return undefined;
      documentChanges.push({ textDocument: { uri, version: doc.version }, edits: list });
    }
    return { documentChanges };
  }
  return { changes: Object.fromEntries(byUri) };
}
