// Text: one line per diagnostic, `path:line:column: severity[code] message`, then a summary.
// Lines count from 1 and columns in Unicode code points, as in the JSON. In notebooks the line
// counts over the code cells joined in order; the cell (numbered from 1, as a person counts
// them) and the line within it follow the message.
import type { Severity } from '../../engine/types';
import type { FileReport } from '../types';

export function formatText(reports: readonly FileReport[]): string {
  let out = '';
  for (const r of reports) {
    for (const d of r.diagnostics) {
      const inCell = d.cell !== undefined ? ` (cell ${d.cell + 1}, line ${d.cellLine})` : '';
      out += `${printable(r.path)}:${d.line}:${d.column}: ${d.severity}[${d.code}] ${printable(oneLine(d.message))}${inCell}\n`;
    }
  }
  return out + summary(reports) + '\n';
}

/** `3 files checked: 1 error, 2 warnings, 1 information, 0 hints`, then what was not checked. */
export function summary(reports: readonly FileReport[]): string {
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  let checked = 0;
  let notAnalysed = 0;
  let failed = 0;
  for (const r of reports) {
    if (r.error !== undefined) failed++;
    else if (r.notAnalysed !== undefined) notAnalysed++;
    else checked++;
    for (const d of r.diagnostics) counts[d.severity]++;
  }
  let s =
    `${plural(checked, 'file')} checked: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ` +
    `${counts.information} information, ${plural(counts.hint, 'hint')}`;
  if (notAnalysed > 0) s += `; ${plural(notAnalysed, 'file')} not analysed`;
  if (failed > 0) s += `; ${plural(failed, 'file')} could not be checked`;
  return s;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Control characters written as `\xNN` / `\u{NNNN}`: a file name with a line break split a
 * diagnostic over two lines, and an escape sequence from the analysed source (quoted in a
 * message) reached the terminal, which obeyed it.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** One diagnostic, one line: line breaks inside a message become spaces. */
function oneLine(message: string): string {
  return message.replace(/\s*(?:\r\n|\r|\n)\s*/g, ' ').trim();
}
