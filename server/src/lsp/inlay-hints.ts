// Inlay hints: the output shape after every recognised layer expression (kind Type), and,
// when enabled, the per-side padding after a written `padding=` argument. Only for the requested
// range of the requested document (one cell of a notebook).
import { InlayHintKind, MarkupKind, type InlayHint, type Range } from 'vscode-languageserver';
import type { AnalysisResult, LayerReport } from '../analysis-types';
import type { ShapewiseSettings } from '../config';
import { layerMarkdown, outputHintLabel, padsText, paddingHintLabel, type UnknownWhy } from './render';
import type { AnalysisUnit } from './units';

/** What `inlayHint/resolve` needs to find a hint's layer again. */
export interface HintData {
  uri: string;
  /** The unit revision the hint was computed from: a resolve for another revision gets nothing. */
  revision: number;
  kind: 'shape' | 'padding';
  /** Offset in the analysed text the hint groups on (hintAt, or the constructor's start). */
  key: number;
}

export interface HintOptions {
  /** The client resolves tooltips lazily: send `data` instead of the markdown. */
  lazyTooltips: boolean;
  revision: number;
}

export function inlayHints(
  unit: AnalysisUnit,
  uri: string,
  range: Range,
  result: AnalysisResult,
  settings: ShapewiseSettings,
  why: UnknownWhy,
  options: HintOptions = { lazyTooltips: false, revision: unit.revision },
): InlayHint[] {
  const { outputShape, padding } = settings.inlayHints;
  if (!outputShape && !padding) return [];
  const start = unit.offsetAt(uri, range.start);
  const end = unit.offsetAt(uri, range.end);
  const span = unit.span(uri);
  if (start === undefined || end === undefined || !span) return [];
  const from = Math.max(start, span.start);
  const to = Math.min(end, span.end);
  const inRange = (o: number): boolean => o >= from && o <= to;

  const hints: { at: number; hint: InlayHint }[] = [];
  const place = (offset: number, hint: Omit<InlayHint, 'position' | 'tooltip'>, data: HintData, tooltip: () => string): void => {
    const loc = unit.locate({ start: offset, end: offset });
    if (!loc || loc.uri !== uri) return;
    const full: InlayHint = { position: loc.range.start, ...hint };
    if (options.lazyTooltips) full.data = data;
    else full.tooltip = { kind: MarkupKind.Markdown, value: tooltip() };
    hints.push({ at: offset, hint: full });
  };

  if (outputShape) {
    // Only the layers in the range are grouped (a group shares its hint's offset).
    for (const apps of groupBy(
      result.layers.filter((l) => inRange(l.hintAt)),
      (l) => l.hintAt,
    )) {
      const at = apps[0].hintAt;
      const label = outputHintLabel(apps);
      if (!label) continue;
      place(
        at,
        { label, kind: InlayHintKind.Type, paddingLeft: true },
        { uri, revision: options.revision, kind: 'shape', key: at },
        () => layerMarkdown(apps, why),
      );
    }
  }

  if (padding) {
    // A padding argument lies inside its constructor call, which a group shares.
    for (const apps of groupBy(
      result.layers.filter((l) => l.construct.start <= to && l.construct.end >= from),
      (l) => l.construct.start,
    )) {
      const arg = apps[0].args.find((a) => a.name === 'padding');
      if (!arg || !inRange(arg.range.end)) continue;
      const label = paddingHintLabel(apps);
      if (!label) continue;
      place(
        arg.range.end,
        { label, paddingLeft: true },
        { uri, revision: options.revision, kind: 'padding', key: apps[0].construct.start },
        () => paddingTooltip(apps),
      );
    }
  }

  return hints.sort((a, b) => a.at - b.at).map((h) => h.hint);
}

/** `inlayHint/resolve`: the tooltip of a hint sent without one, if its result is still current. */
export function resolveTooltip(hint: InlayHint, revision: number, result: AnalysisResult, why: UnknownWhy): InlayHint {
  const data = hint.data as Partial<HintData> | undefined;
  if (!data || data.revision !== revision) return hint;
  const apps =
    data.kind === 'shape'
      ? result.layers.filter((l) => l.hintAt === data.key)
      : data.kind === 'padding'
        ? result.layers.filter((l) => l.construct.start === data.key)
        : [];
  if (apps.length === 0) return hint;
  const value = data.kind === 'shape' ? layerMarkdown(apps, why) : paddingTooltip(apps);
  return { ...hint, tooltip: { kind: MarkupKind.Markdown, value } };
}

function paddingTooltip(apps: readonly LayerReport[]): string {
  const lines: string[] = [];
  apps.forEach((a, i) => {
    const p = a.result.padding;
    if (!p) return;
    const axes = a.result.axes.map((x) => x.name);
    const what = p.crop ? 'cropped at the start / end' : 'zeros added before / after';
    const per = p.before.map((_, k) => `${axes[k] ?? `axis ${k + 1}`} ${padsText([p.before[k]], [p.after[k]])}`).join(', ');
    lines.push(`${apps.length > 1 ? `Call ${i + 1}: ` : ''}${a.className} padding='${p.mode}', ${what}: ${per}`);
  });
  return lines.join('  \n');
}

/** Groups in first-seen order. */
export function groupBy<T, K>(items: readonly T[], key: (t: T) => K): T[][] {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}
