// Collects what the interpreter observes: every layer application, the diagnostics its
// findings become (placed on the source the user wrote), and what stayed unknown.
import type { AnalysisResult, ArgReport, DiagnosticReport, LayerReport, RelatedReport, SourceRange, UnknownReport } from '../analysis-types';
import { DEFAULT_SEVERITY } from '../config';
import type { Finding, LayerResult, SymbolicShape } from '../engine/types';
import { lastAtOrBefore, lineBreaksBetween, lineEndAfter, LineIndex } from '../text/line-index';
import type { Origin, Tensor } from './values';

export class Recorder {
  readonly layers: LayerReport[] = [];
  /** The part of the run reports are made in now (marks.ts), set by the interpreter. */
  mark = 0;
  /** The mark of each layer report and each unknown (same index). */
  readonly layerMarks: number[] = [];
  readonly unknownMarks: number[] = [];
  private readonly diagnostics: DiagnosticReport[] = [];
  /**
   * Per diagnostic (same index), whether it was made without knowing the input; kept apart so
   * result() can hand out the diagnostics themselves instead of copies without the flag.
   */
  private readonly vague: boolean[] = [];
  private readonly diagnosticKeys = new Set<string>();
  /**
   * Messages already reported, by start offset, then end and code: numbers and a short scan, not
   * a key text built and hashed per finding.
   */
  private readonly messagesAt = new Map<number, { end: number; code: string; messages: string[] }[]>();
  private readonly unknowns: UnknownReport[] = [];
  /** Reasons already noted, by start offset, then end (see messagesAt). */
  private readonly unknownsAt = new Map<number, { end: number; reason: string }[]>();
  /** Shared with the origins, which outlive the recorder in the results (not its bookkeeping). */
  private readonly lineSource: LineSource;

  /** `anchors`: lines known already (statement starts), to count others from the nearest. */
  constructor(
    private readonly text: string,
    anchors?: LineAnchors,
  ) {
    this.lineSource = new LineSource(text, anchors);
  }

  lineOf(offset: number): number {
    return this.lineSource.lineOf(offset);
  }

  origin(className: string, range: SourceRange): Origin {
    return new LazyOrigin(range, className, this.lineSource);
  }

  /**
   * From now until result(): the marks under which a line number is counted (for a message, a
   * reason, an origin's label). The incremental analysis runs such reports again when their
   * statements move to other lines; the labels of the layers' input origins it renders itself.
   */
  trackLines(): ReadonlySet<number> {
    const marks = new Set<number>();
    this.lineSource.counted = () => marks.add(this.mark);
    return marks;
  }

  /**
   * `nested`: the written arguments of layers passed in as arguments (TimeDistributed's `layer`),
   * so a finding about the wrapped layer lands on its own argument.
   */
  addLayer(report: Omit<LayerReport, 'inputOrigins'>, inputs: (Tensor | undefined)[], nested?: Record<string, ArgReport[]>): number {
    const origins: LayerReport['inputOrigins'] = [];
    for (const t of inputs) origins.push(t?.origin);
    return this.addLayerReport(
      {
        className: report.className,
        construct: report.construct,
        name: report.name,
        args: report.args,
        application: report.application,
        expression: report.expression,
        hintAt: report.hintAt,
        inputs: report.inputs,
        result: report.result,
        applicationIndex: report.applicationIndex,
        inputOrigins: origins,
      },
      inputs,
      nested,
    );
  }

  /** addLayer for a report already complete (its inputOrigins those of `inputs`), kept as given. */
  addLayerReport(report: LayerReport, inputs: (Tensor | undefined)[], nested?: Record<string, ArgReport[]>): number {
    const index = this.layers.length;
    this.layers.push(report);
    this.layerMarks.push(this.mark);
    for (const f of report.result.findings) this.addFinding(f, index, report, inputs, nested);
    return index;
  }

  /** A diagnostic the front end derives itself (input-size constraints), placed by the caller. */
  addDerived(range: SourceRange, code: DiagnosticReport['code'], message: string, related: RelatedReport[] = [], layer?: number): void {
    const key = `${range.start}:${range.end}:${code}:${message}`;
    if (this.diagnosticKeys.has(key)) return;
    this.diagnosticKeys.add(key);
    this.diagnostics.push({ ...range, code, severity: DEFAULT_SEVERITY[code], message, related, layer });
    this.vague.push(false);
  }

  /** Appends a sentence to the diagnostics of one layer application with this code. */
  extendMessage(layer: number, code: DiagnosticReport['code'], sentence: string): void {
    for (const d of this.diagnostics) if (d.layer === layer && d.code === code && !d.message.includes(sentence)) d.message += ` ${sentence}`;
  }

  hasDiagnostic(code: DiagnosticReport['code']): boolean {
    return this.diagnostics.some((d) => d.code === code);
  }

  /** Findings of a layer that was built but never applied: only argument errors are certain. */
  addConstructionFindings(findings: Finding[], report: { construct: SourceRange; name: SourceRange; args: ArgReport[] }): void {
    for (const f of findings) {
      if (f.code === 'invalid-layer-argument') this.addFinding(f, undefined, report, []);
    }
  }

  addUnknown(range: SourceRange, reason: string): void {
    // One note per place and reason: a helper applied twice may be unknown for two reasons.
    const at = this.unknownsAt.get(range.start);
    if (at === undefined) this.unknownsAt.set(range.start, [{ end: range.end, reason }]);
    else {
      for (const u of at) if (u.end === range.end && u.reason === reason) return;
      at.push({ end: range.end, reason });
    }
    this.unknowns.push({ ...range, reason });
    this.unknownMarks.push(this.mark);
  }

  private addFinding(
    f: Finding,
    layer: number | undefined,
    report: { construct: SourceRange; name: SourceRange; args: ArgReport[] },
    inputs: (Tensor | undefined)[],
    nested?: Record<string, ArgReport[]>,
  ): void {
    const range = this.place(f, report, nested);
    let message = f.message;
    const related: RelatedReport[] = [];
    if (f.code === 'shape-mismatch') {
      const involved = f.inputs ?? inputs.map((_, i) => i);
      const from: string[] = [];
      for (const i of involved) {
        const t = inputs[i];
        if (!t?.origin) continue;
        from.push(`input ${i} comes from ${t.origin.label}`);
        related.push({ range: t.origin.range, message: `input ${i}: ${formatShape(t.shape)} from ${t.origin.label}` });
      }
      if (from.length > 0) message += ` ${from.join('; ').replace(/^i/, 'I')}.`;
    } else if (f.code === 'rank-mismatch') {
      const t = inputs[0];
      if (t?.rankOrigin) {
        message += ` The rank became ${t.shape?.length ?? '?'} at ${t.rankOrigin.label}.`;
        related.push({ range: t.rankOrigin.range, message: `rank changed here: ${formatShape(t.shape)}` });
      }
    }
    // Deduplicated by place and code first (cheap), then by message among the few that share them.
    const at = this.messagesAt.get(range.start);
    const same = at?.find((m) => m.end === range.end && m.code === f.code);
    if (same) {
      if (same.messages.includes(message)) return;
      same.messages.push(message);
    } else if (at) at.push({ end: range.end, code: f.code, messages: [message] });
    else this.messagesAt.set(range.start, [{ end: range.end, code: f.code, messages: [message] }]);
    // A finding made without knowing the input (e.g. "n → n·2") says less than the same code
    // with numbers at the same place; result() drops it when such a one exists.
    const vague = inputs.some((t) => !t || t.shape === null || hasOpenDim(t.shape));
    this.diagnostics.push({ start: range.start, end: range.end, code: f.code, severity: DEFAULT_SEVERITY[f.code], message, related, layer });
    this.vague.push(vague);
  }

  /** same-* and argument findings go on the argument when written, else on the layer. */
  private place(f: Finding, report: { construct: SourceRange; name: SourceRange; args: ArgReport[] }, nested?: Record<string, ArgReport[]>): SourceRange {
    if (f.via) {
      // About a wrapped layer: its own argument, else the wrapped layer as written.
      const inner = nested?.[f.via]?.find((a) => a.name === f.argument);
      if (inner) return { ...inner.range };
      const outer = report.args.find((a) => a.name === f.via);
      if (outer) return { ...outer.valueRange };
    }
    if (f.argument) {
      const arg = report.args.find((a) => a.name === f.argument);
      if (arg) return { ...arg.range };
    }
    if (f.code.startsWith('same-')) return { ...report.name };
    // The constructor call, cut at the end of its first line so multi-line calls stay readable.
    return { start: report.construct.start, end: Math.min(report.construct.end, lineEndAfter(this.text, report.construct.start)) };
  }

  result(): AnalysisResult {
    this.lineSource.counted = undefined;
    const all = this.diagnostics;
    const vague = this.vague;
    let diagnostics: DiagnosticReport[];
    if (!vague.includes(true)) diagnostics = all.slice();
    else {
      // Keys only where a vague one starts: most diagnostics share no place with a vague one.
      const vagueStarts = new Set<number>();
      for (let i = 0; i < all.length; i++) if (vague[i]) vagueStarts.add(all[i].start);
      const precise = new Set<string>();
      for (let i = 0; i < all.length; i++) if (!vague[i] && vagueStarts.has(all[i].start)) precise.add(`${all[i].start}:${all[i].end}:${all[i].code}`);
      diagnostics = [];
      for (let i = 0; i < all.length; i++) {
        const d = all[i];
        if (!vague[i] || !precise.has(`${d.start}:${d.end}:${d.code}`)) diagnostics.push(d);
      }
    }
    // The recorder is done with: its diagnostics are the result's (called once per recorder).
    diagnostics.sort((a, b) => a.start - b.start || a.end - b.end);
    return { layers: this.layers, diagnostics, unknowns: this.unknowns };
  }
}

/** An unknown size past the batch axis. */
function hasOpenDim(shape: SymbolicShape): boolean {
  for (let i = 1; i < shape.length; i++) if (shape[i] === null) return true;
  return false;
}

export function formatShape(shape: SymbolicShape | null): string {
  if (!shape) return '?';
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

export type { LayerResult };

/** Offsets whose (0-based) lines are known, ascending. */
export interface LineAnchors {
  starts: readonly number[];
  lines: Int32Array;
}

/** Line numbers: counted from the nearest anchor before, else from the text's line index (made when first needed). */
class LineSource {
  private index: LineIndex | undefined;
  private cr: boolean | undefined;
  /** Told of every line counted, while the recorder tracks them. */
  counted: (() => void) | undefined;

  constructor(
    private readonly text: string,
    private readonly anchors?: LineAnchors,
  ) {}

  /** 1-based. */
  lineOf(offset: number): number {
    this.counted?.();
    const a = this.anchors;
    if (a) {
      const j = lastAtOrBefore(a.starts, offset);
      if (j >= 0) {
        this.cr ??= this.text.includes('\r');
        return a.lines[j] + lineBreaksBetween(this.text, a.starts[j], offset, this.cr) + 1;
      }
    }
    this.index ??= new LineIndex(this.text);
    return this.index.positionAt(offset).line + 1;
  }
}

/** An origin's label, e.g. `Conv2DTranspose (line 41)` (1-based). */
export function originLabel(className: string, line: number): string {
  return `${className} (line ${line})`;
}

/** The class and line of an origin's label, for an origin the recorder made. */
export function originParts(o: Origin): { className: string; line: number } | undefined {
  return o instanceof LazyOrigin ? { className: o.className, line: o.line } : undefined;
}

/** Most origins are never shown: their label (with its line number) is made when read. */
class LazyOrigin implements Origin {
  private lineNumber: number | undefined;
  private text: string | undefined;

  constructor(
    readonly range: SourceRange,
    readonly className: string,
    private readonly source: LineSource,
  ) {}

  get line(): number {
    this.lineNumber ??= this.source.lineOf(this.range.start);
    return this.lineNumber;
  }

  get label(): string {
    this.text ??= originLabel(this.className, this.line);
    return this.text;
  }
}
