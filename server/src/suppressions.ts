// `# shapewise: ignore[code, code]` at the end of a line silences those codes on that line;
// `# shapewise: ignore` alone silences every code there.
import type { DiagnosticReport } from './analysis-types';
import { LineIndex } from './text/line-index';

const IGNORE = /#\s*shapewise:\s*ignore(?![\w-])\s*(?:\[([^\]]*)\])?/;

export function applySuppressions(text: string, diagnostics: DiagnosticReport[]): DiagnosticReport[] {
  if (diagnostics.length === 0 || !text.includes('shapewise:')) return diagnostics;
  const lines = new LineIndex(text);
  return diagnostics.filter((d) => {
    const line = lines.positionAt(d.start).line;
    const m = IGNORE.exec(text.slice(lines.lineStart(line), lines.lineEnd(line)));
    if (!m) return true;
    if (m[1] === undefined) return false;
    const codes = m[1].split(',').map((c) => c.trim());
    return !codes.includes(d.code);
  });
}

/** The comment that silences `code` on a line, for the "ignore on this line" code action. */
export function ignoreComment(code: string): string {
  return `# shapewise: ignore[${code}]`;
}
