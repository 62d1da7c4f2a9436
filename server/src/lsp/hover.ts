// Hover on a layer call (its name or anywhere in its constructor, or the call that applies it):
// input → output shape, the derivation per axis, the PyTorch equivalent, links to the docs.
// Where the shape is unknown, the hover says why.
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { AnalysisResult, LayerReport, SourceRange } from '../analysis-types';
import { escapeMarkdown, layerMarkdown, type UnknownWhy } from './render';
import type { AnalysisUnit } from './units';

export function hover(unit: AnalysisUnit, uri: string, position: Position, result: AnalysisResult): Hover | null {
  const offset = unit.offsetAt(uri, position);
  if (offset === undefined) return null;
  const apps = layerAt(result, offset);
  if (apps) {
    const loc = unit.locate(apps[0].name);
    return {
      contents: { kind: MarkupKind.Markdown, value: layerMarkdown(apps, unknownWhy(result)) },
      ...(loc && loc.uri === uri ? { range: loc.range } : {}),
    };
  }
  // Something the analysis could not resolve (a Sequential entry it cannot see, …).
  const unknown = innermost(
    result.unknowns.filter((u) => contains(u, offset)),
    (u) => u,
  );
  if (unknown) {
    const loc = unit.locate(unknown);
    return {
      contents: { kind: MarkupKind.Markdown, value: `Shapewise: shape unknown: ${escapeMarkdown(unknown.reason)}` },
      ...(loc && loc.uri === uri ? { range: loc.range } : {}),
    };
  }
  return null;
}

/**
 * The applications of the layer under `offset`: the innermost constructor call containing it,
 * else the innermost applying expression (`conv(x)` for a layer built earlier).
 */
export function layerAt(result: AnalysisResult, offset: number): LayerReport[] | undefined {
  const byConstruct = innermost(
    result.layers.filter((l) => contains(l.construct, offset)),
    (l) => l.construct,
  );
  if (byConstruct) return result.layers.filter((l) => sameRange(l.construct, byConstruct.construct));
  const byExpression = innermost(
    result.layers.filter((l) => contains(l.expression, offset)),
    (l) => l.expression,
  );
  if (byExpression) return result.layers.filter((l) => sameRange(l.expression, byExpression.expression));
  return undefined;
}

/** Why an application's shape is unknown: the analysis' unknown report for it, or the engine's. */
export function unknownWhy(result: AnalysisResult): UnknownWhy {
  return (app) => {
    // The analysis records one unknown per expression (the first application's reason): use it
    // for an unknown input, where it says why the input is unknown; otherwise the engine's reason
    // for this very application.
    const recorded = () => result.unknowns.find((x) => x.start === app.expression.start && x.end === app.expression.end)?.reason;
    if (app.inputs.some((s) => s === null)) return recorded() ?? 'the input shape is not known';
    return app.result.unknownReason ?? recorded();
  };
}

function contains(r: SourceRange, offset: number): boolean {
  return r.start <= offset && offset <= r.end;
}

function sameRange(a: SourceRange, b: SourceRange): boolean {
  return a.start === b.start && a.end === b.end;
}

function innermost<T>(items: readonly T[], range: (t: T) => SourceRange): T | undefined {
  let best: T | undefined;
  for (const item of items) {
    const r = range(item);
    if (!best) best = item;
    else {
      const b = range(best);
      if (r.end - r.start < b.end - b.start) best = item;
    }
  }
  return best;
}
