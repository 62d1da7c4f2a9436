// Copies of reports for keeping across edits (incremental.ts), each offset checked (and moved)
// by a Shift. The copies share nothing positional with the syntax tree: the lowering moves the
// spans of reused statements in place, and a report may hold such a span itself; the kept
// copies are then moved in place by the incremental analysis alone.
import type { DiagnosticReport, LayerReport, SourceRange, UnknownReport } from '../analysis-types';

/** How far a range starting at `start` moves (undefined: it cannot be placed). */
export type Shift = (start: number) => number | undefined;

/** Thrown when a report holds an offset the shift cannot place. */
export class Unplaceable extends Error {}

function delta(shift: Shift, start: number): number {
  const d = shift(start);
  if (d === undefined) throw new Unplaceable(`no statement holds offset ${start}`);
  return d;
}

function range(r: SourceRange, shift: Shift): SourceRange {
  const d = delta(shift, r.start);
  return { start: r.start + d, end: r.end + d };
}

export function relocateLayer(l: LayerReport, shift: Shift): LayerReport {
  const expression = range(l.expression, shift);
  return {
    className: l.className,
    construct: range(l.construct, shift),
    name: range(l.name, shift),
    args: l.args.map((a) => ({ ...a, range: range(a.range, shift), valueRange: range(a.valueRange, shift) })),
    application: l.application,
    expression,
    hintAt: l.hintAt + (expression.start - l.expression.start),
    inputs: l.inputs,
    result: l.result,
    applicationIndex: l.applicationIndex,
    // The label (with its line number) is read now: lines are the same wherever reports are kept.
    inputOrigins: l.inputOrigins.map((o) => (o ? { range: range(o.range, shift), label: o.label } : undefined)),
  };
}

export function relocateDiagnostic(d: DiagnosticReport, shift: Shift, layer: number | undefined): DiagnosticReport {
  const at = range(d, shift);
  return {
    start: at.start,
    end: at.end,
    code: d.code,
    severity: d.severity,
    message: d.message,
    related: d.related.map((r) => ({ range: range(r.range, shift), message: r.message })),
    layer,
  };
}

export function relocateUnknown(u: UnknownReport, shift: Shift): UnknownReport {
  const at = range(u, shift);
  return { start: at.start, end: at.end, reason: u.reason };
}
