// A readable, stable text form of an analysis result, for snapshots that people review.
import type { AnalysisResult, LayerReport } from '../../server/src/analysis-types';
import type { SymbolicShape } from '../../server/src/engine/types';
import { LineIndex } from '../../server/src/text/line-index';

export function shapeLabel(shape: SymbolicShape | null): string {
  if (!shape) return '?';
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

export function layerLine(text: string, l: LayerReport): number {
  return new LineIndex(text).positionAt(l.construct.start).line + 1;
}

export function dumpResult(text: string, r: AnalysisResult): string {
  const lines = new LineIndex(text);
  const pos = (o: number): string => {
    const p = lines.positionAt(o);
    return `${p.line + 1}:${p.character + 1}`;
  };
  const out: string[] = [];
  for (const l of r.layers) {
    const pad = l.result.padding
      ? ` ${l.result.padding.crop ? 'crop' : 'pad'}[${l.result.padding.mode}] ${l.result.padding.before.map((b, i) => `${b}/${l.result.padding?.after[i]}`).join(' ')}`
      : '';
    out.push(`layer ${pos(l.construct.start)} ${l.className} (${l.application}) ${l.inputs.map(shapeLabel).join(' + ') || '-'} -> ${shapeLabel(l.result.output)}${pad}`);
  }
  for (const d of r.diagnostics) {
    out.push(`${d.severity} ${pos(d.start)}-${pos(d.end)} [${d.code}] ${d.message}`);
    for (const rel of d.related) out.push(`    related ${pos(rel.range.start)}: ${rel.message}`);
  }
  for (const u of r.unknowns) out.push(`unknown ${pos(u.start)}: ${u.reason}`);
  if (r.stoppedEarly) out.push(`stopped early: ${r.stoppedEarly}`);
  return out.join('\n') + '\n';
}
