// Text shown in the editor: shape labels, inlay-hint labels and the markdown of hovers and hint
// tooltips. Plain strings only; the feature modules wrap them in protocol types.
import type { LayerReport } from '../analysis-types';
import type { DiagnosticCode } from '../engine/types';
import { diagnosticsDocsUrl, docsUrlFor } from './links';

/** Longest output-shape hint label we aim for (the "about 30 characters" convention). */
export const HINT_LABEL_MAX = 30;

/** A dimension as the engine reports it: a size, unknown (null), or symbolic (`ceil(H/2)`). */
export type AnyDim = number | string | null;
export type AnyShape = readonly AnyDim[];

export function dimText(d: AnyDim): string {
  return d === null ? 'None' : String(d);
}

/** `(None, 33, 33, 32)`, `(None,)` for rank 1, `?` when unknown. */
export function shapeText(shape: AnyShape | null): string {
  if (!shape) return '?';
  const dims = shape.map(dimText);
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/**
 * The shape in at most `max` characters: middle dimensions give way to `…` first, keeping the
 * batch axis and the last (channel) axis, e.g. `(None, 1024, …, 256)`.
 */
export function shortShapeText(shape: AnyShape, max: number): string {
  const full = shapeText(shape);
  if (full.length <= max || shape.length <= 2) return full;
  const dims = shape.map(dimText);
  // Each dimension kept takes at least 3 characters (", 2"): start where a label can fit, not
  // at the rank (an Input of rank 24,000 took seconds a label).
  for (let keep = Math.min(dims.length - 1, Math.floor(max / 3)); keep >= 2; keep--) {
    const head = dims.slice(0, Math.ceil(keep / 2));
    const tail = dims.slice(dims.length - Math.floor(keep / 2));
    const label = `(${[...head, '…', ...tail].join(', ')})`;
    if (label.length <= max) return label;
  }
  return `(${dims[0]}, …, ${dims[dims.length - 1]})`;
}

/** Distinct values in first-seen order. */
export function distinct<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(item);
  }
  return out;
}

/**
 * The output-shape hint for the applications of one layer expression: `→ (None, 33, 33, 32)`,
 * or `→ (None, 65, 65, 16) ×3 shapes` when the expression runs with several shapes (a helper
 * called three times). Undefined when no output is known: unknowns stay quiet.
 */
export function outputHintLabel(apps: readonly LayerReport[]): string | undefined {
  // An output computed from an unknown input is mostly a guess ((None, None, None, 8)): no hint.
  const outputs = distinct(
    apps.map((a) => (a.inputs.some((s) => s === null) ? null : a.result.output)),
    (s) => shapeText(s),
  );
  const known = outputs.filter((s): s is NonNullable<typeof s> => s !== null);
  if (known.length === 0) return undefined;
  if (outputs.length === 1) return `→ ${shortShapeText(known[0], HINT_LABEL_MAX - 2)}`;
  const suffix = ` ×${outputs.length} shapes`;
  // A little over HINT_LABEL_MAX rather than cutting a common 4-D shape.
  return `→ ${shortShapeText(known[0], Math.max(21, HINT_LABEL_MAX - 2 - suffix.length))}${suffix}`;
}

/** `0/1 · 0/1`: before/after per spatial axis. */
export function padsText(before: readonly AnyDim[], after: readonly AnyDim[]): string {
  return before.map((b, i) => `${dimText(b).replace('None', '?')}/${dimText(after[i] ?? null).replace('None', '?')}`).join(' · ');
}

/** `pad 0/1 · 0/1` (or `crop …` for transposed convolutions), undefined when nothing to show. */
export function paddingHintLabel(apps: readonly LayerReport[]): string | undefined {
  // Explicit padding layers show what the user wrote anyway; 'valid' with nothing added says nothing.
  const padded = apps.filter((a) => {
    const p = a.result.padding;
    if (!p || p.mode === 'explicit' || p.before.length === 0) return false;
    return !(p.mode === 'valid' && [...p.before, ...p.after].every((x) => x === 0));
  });
  if (padded.length === 0) return undefined;
  const labels = distinct(
    padded.map((a) => `${a.result.padding?.crop ? 'crop' : 'pad'} ${padsText(a.result.padding?.before ?? [], a.result.padding?.after ?? [])}`),
    (s) => s,
  );
  return labels.length === 1 ? labels[0] : `${labels[0]} ×${labels.length}`;
}

/** `Conv2D: (None, 65, 65, 3) → (None, 33, 33, 32)`; `Input: (None, 65, 65, 3)`. */
export function transitionLine(app: LayerReport): string {
  if (app.application === 'input' || app.inputs.length === 0) return `${app.className}: ${shapeText(app.result.output)}`;
  return `${app.className}: ${app.inputs.map(shapeText).join(' + ')} → ${shapeText(app.result.output)}`;
}

/** Markdown special characters in prose (engine steps are plain text). */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|]/g, (c) => `\\${c}`);
}

function inlineCode(s: string): string {
  const fence = s.includes('`') ? '``' : '`';
  return `${fence}${s}${fence}`;
}

function codeBlock(lines: string, language = 'python'): string {
  return ['```' + language, lines, '```'].join('\n');
}

/** Why an application's output (or part of it) is unknown, in plain words. */
export type UnknownWhy = (app: LayerReport) => string | undefined;

/** The derivation of one application: per spatial axis, the other steps, the PyTorch equivalent. */
export function derivationMarkdown(app: LayerReport, why: UnknownWhy): string {
  const r = app.result;
  const parts: string[] = [];
  const [first, ...rest] = r.steps;
  if (first) parts.push(`*${escapeMarkdown(first)}*`);
  for (const a of r.axes) {
    const head = `**${a.name}** ${dimText(a.input)} → ${dimText(a.output)}: ${inlineCode(a.formula)}`;
    const pad = a.paddingFormula ? `  \npadding: ${inlineCode(a.paddingFormula)}` : '';
    parts.push(head + pad);
  }
  const axisNames = new Set(r.axes.map((a) => `${a.name}:`));
  const others = rest.filter((s) => {
    if (/^(Input|Output) shape\b/.test(s)) return false;
    const word = s.split(' ', 1)[0];
    return !axisNames.has(word);
  });
  if (others.length > 0) parts.push(others.map((s) => `- ${escapeMarkdown(s)}`).join('\n'));
  if (r.output === null || r.output.includes(null) || r.unknownReason) {
    const reason = why(app);
    if (reason) parts.push(`Shape unknown: ${escapeMarkdown(reason)}`);
  }
  if (r.torch) parts.push(`**PyTorch equivalent**\n${codeBlock(r.torch)}`);
  return parts.join('\n\n');
}

/** At most this many different derivations in one hover. */
const MAX_DERIVATIONS = 3;

/**
 * Hover and tooltip markdown for the applications of one layer (one source layer, applied once
 * or several times): a code block with input → output, a rule, the derivation with the user's
 * numbers, the PyTorch equivalent and links to the docs.
 */
export function layerMarkdown(apps: readonly LayerReport[], why: UnknownWhy): string {
  const sections: string[] = [];
  if (apps.length === 1) sections.push(codeBlock(transitionLine(apps[0])));
  else sections.push(codeBlock(apps.map((a, i) => `${transitionLine(a)}  # call ${i + 1}`).join('\n')));
  sections.push('---');
  const variants = distinct(apps, (a) => `${a.inputs.map(shapeText).join('+')}->${shapeText(a.result.output)}`);
  variants.slice(0, MAX_DERIVATIONS).forEach((app) => {
    if (variants.length > 1) {
      const calls = apps.flatMap((a, i) => (sameTransition(a, app) ? [i + 1] : []));
      sections.push(`**${calls.length === 1 ? 'Call' : 'Calls'} ${calls.join(', ')}** of ${apps.length}`);
    }
    sections.push(derivationMarkdown(app, why));
  });
  if (variants.length > MAX_DERIVATIONS) sections.push(`*… and ${variants.length - MAX_DERIVATIONS} more calls with other shapes.*`);
  sections.push(docsLinks(apps.flatMap((a) => a.result.findings.map((f) => f.code))));
  return sections.join('\n\n');
}

function sameTransition(a: LayerReport, b: LayerReport): boolean {
  return a.inputs.map(shapeText).join('+') === b.inputs.map(shapeText).join('+') && shapeText(a.result.output) === shapeText(b.result.output);
}

/** Links to the docs of the codes this layer raised, and to the diagnostics page. */
export function docsLinks(codes: readonly DiagnosticCode[]): string {
  const unique = [...new Set(codes)];
  const links = unique.map((c) => `[${c}](${docsUrlFor(c)})`);
  links.push(`[Shapewise docs](${diagnosticsDocsUrl()})`);
  return links.join(' · ');
}
