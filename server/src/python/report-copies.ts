// Copies of reports for keeping across edits (incremental.ts). They share nothing positional
// with the syntax tree: the lowering moves the spans of reused statements in place, and a report
// may hold such a span itself; the kept copies are moved by the incremental analysis alone.
import type { DiagnosticReport, LayerReport, SourceRange, UnknownReport } from '../analysis-types';

function range(r: SourceRange): SourceRange {
  return { start: r.start, end: r.end };
}

export function copyLayer(l: LayerReport): LayerReport {
  return {
    className: l.className,
    construct: range(l.construct),
    name: range(l.name),
    args: l.args.map((a) => ({ ...a, range: range(a.range), valueRange: range(a.valueRange) })),
    application: l.application,
    expression: range(l.expression),
    hintAt: l.hintAt,
    inputs: l.inputs,
    result: l.result,
    applicationIndex: l.applicationIndex,
    // The label (with its line number) is read now; incremental.ts renders it again when its
    // statement moves to another line.
    inputOrigins: l.inputOrigins.map((o) => (o ? { range: range(o.range), label: o.label } : undefined)),
  };
}

/** `layer`: the index of the layer it is about in the island's own list. */
export function copyDiagnostic(d: DiagnosticReport, layer: number | undefined): DiagnosticReport {
  return {
    start: d.start,
    end: d.end,
    code: d.code,
    severity: d.severity,
    message: d.message,
    related: d.related.map((r) => ({ range: range(r.range), message: r.message })),
    layer,
  };
}

export function copyUnknown(u: UnknownReport): UnknownReport {
  return { start: u.start, end: u.end, reason: u.reason };
}
