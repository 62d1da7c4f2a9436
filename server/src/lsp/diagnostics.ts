// Diagnostics: the façade's reports (settings already applied) as LSP diagnostics, published
// per document version: one publishDiagnostics per Python document, one per code cell.
import { DiagnosticSeverity, type Connection, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver';
import type { AnalysisResult, DiagnosticReport } from '../analysis-types';
import type { Severity } from '../engine/types';
import { docsUrlFor } from './links';
import type { AnalysisUnit } from './units';

export const SOURCE = 'shapewise';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  hint: DiagnosticSeverity.Hint,
  information: DiagnosticSeverity.Information,
  warning: DiagnosticSeverity.Warning,
  error: DiagnosticSeverity.Error,
};

/** One report as an LSP diagnostic, with the URI of the document it lands in. */
export function toDiagnostic(unit: AnalysisUnit, d: DiagnosticReport): { uri: string; diagnostic: Diagnostic } | undefined {
  const at = unit.locate(d);
  if (!at) return undefined;
  const relatedInformation: DiagnosticRelatedInformation[] = [];
  for (const r of d.related) {
    const loc = unit.locate(r.range);
    if (loc) relatedInformation.push({ location: { uri: loc.uri, range: loc.range }, message: r.message });
  }
  const diagnostic: Diagnostic = {
    range: at.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: docsUrlFor(d.code) },
    source: SOURCE,
    message: d.message,
  };
  if (relatedInformation.length > 0) diagnostic.relatedInformation = relatedInformation;
  return { uri: at.uri, diagnostic };
}

/** Diagnostics per document of the unit; every document gets an entry (possibly empty). */
export function diagnosticsByDocument(unit: AnalysisUnit, result: AnalysisResult): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>(unit.documents().map((d) => [d.uri, []]));
  const status = statusDiagnostic(unit, result);
  if (status) out.get(status.uri)?.push(status.diagnostic);
  for (const d of result.diagnostics) {
    const converted = toDiagnostic(unit, d);
    if (converted) out.get(converted.uri)?.push(converted.diagnostic);
  }
  return out;
}

/**
 * What the user sees when a file is not analysed, or only partly: one Information diagnostic on
 * the first line (the first code cell of a notebook) saying why. Without it, hints would just be
 * missing. No code: it is about Shapewise, not about the user's model, and has no quick fix.
 */
export function statusDiagnostic(unit: AnalysisUnit, result: AnalysisResult): { uri: string; diagnostic: Diagnostic } | undefined {
  let message: string;
  if (result.notAnalysed !== undefined) message = `Shapewise: not analysed: ${result.notAnalysed}.`;
  else if (result.internalError !== undefined) {
    message = 'Shapewise: internal error in the analysis of this file (please report it; the details are in the Shapewise output). Layers after the point of failure have no shapes.';
  } else if (result.stoppedEarly !== undefined) message = `Shapewise: the analysis stopped part-way: ${result.stoppedEarly}. Layers after that point have no shapes.`;
  else return undefined;
  const at = unit.locate({ start: 0, end: unit.lines.lineEnd(0) });
  if (!at) return undefined;
  return { uri: at.uri, diagnostic: { range: at.range, severity: DiagnosticSeverity.Information, source: SOURCE, message } };
}

export class DiagnosticsPublisher {
  /** Per unit, the URIs last published with something in them, to clear when they leave. */
  private readonly published = new Map<string, Set<string>>();

  constructor(private readonly connection: Connection) {}

  /**
   * Publishes `result`, which must have been computed from the unit's current revision (the
   * caller checks): versions come from the unit's documents as they are now.
   */
  publish(unit: AnalysisUnit, result: AnalysisResult): void {
    const byDoc = diagnosticsByDocument(unit, result);
    const versions = new Map(unit.documents().map((d) => [d.uri, d.version]));
    const previous = this.published.get(unit.key) ?? new Set<string>();
    const now = new Set<string>();
    for (const [uri, diagnostics] of byDoc) {
      if (diagnostics.length > 0) now.add(uri);
      void this.connection.sendDiagnostics({ uri, version: versions.get(uri), diagnostics });
    }
    // Cells that are no longer analysed (removed, turned into markdown, other language).
    for (const uri of previous) if (!byDoc.has(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    this.published.set(unit.key, now);
  }

  /** Clears what was published for a unit (closed) and for extra URIs (removed cells). */
  clear(unitKey: string, uris: readonly string[] = []): void {
    const previous = this.published.get(unitKey) ?? new Set<string>();
    this.published.delete(unitKey);
    for (const uri of new Set([...previous, ...uris])) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** Removed cells of a still-open notebook: clear them now, forget them for the unit. */
  clearCells(unitKey: string, uris: readonly string[]): void {
    const set = this.published.get(unitKey);
    for (const uri of uris) {
      set?.delete(uri);
      void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    }
  }
}
