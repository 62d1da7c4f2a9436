// Severities in order, for the exit status (--fail-on).
import type { Severity } from '../engine/types';
import type { FileReport } from './types';

export const SEVERITY_RANK: Record<Severity, number> = { hint: 0, information: 1, warning: 2, error: 3 };

/** The highest severity among a report's diagnostics; undefined when it has none. */
export function worstSeverity(r: Pick<FileReport, 'diagnostics'>): Severity | undefined {
  let worst: Severity | undefined;
  for (const d of r.diagnostics) if (worst === undefined || SEVERITY_RANK[d.severity] > SEVERITY_RANK[worst]) worst = d.severity;
  return worst;
}
