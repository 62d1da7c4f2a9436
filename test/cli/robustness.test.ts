// Properties over arbitrary input: masking keeps length and line breaks, notebook parsing and
// file checking never throw, and positions stay inside the text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkNotebookText, checkPythonText } from '../../server/src/cli/check-file';
import { maskCell, maskLines } from '../../server/src/cli/ipython';
import { parseNotebook } from '../../server/src/cli/ipynb';
import { firstInvalidUtf8 } from '../../server/src/cli/read-source';
import { defaultAnalysisConfig } from '../../server/src/config';
import type { AnalysisResult } from '../../server/src/analysis-types';
import type { SourceAnalyzer } from '../../server/src/cli/types';

// Text made of the pieces IPython syntax and Python strings are built from.
const pieces = fc.constantFrom('%', '%%', '!', '?', '=', 'x', ' ', '\t', '\n', '\r\n', '\r', '\\', '"', "'", '"""', '#', '(', ')', '[', ']', 'é', '😀', 'pass', 'a = ');
const ipythonish = fc.array(pieces, { maxLength: 60 }).map((a) => a.join(''));
const anyText = fc.oneof(ipythonish, fc.string({ unit: 'binary', maxLength: 80 }));

const lineBreaks = (s: string) => s.replace(/[^\r\n]/g, '');

/**
 * Reports a diagnostic at every third offset: positions everywhere in the text, except between
 * the CR and LF of a line break, where no syntax node starts or ends.
 */
const everywhere: SourceAnalyzer = {
  analyzeText(text: string): AnalysisResult {
    const diagnostics = [];
    for (let i = 0; i <= text.length; i += 3) {
      if (text[i - 1] === '\r' && text[i] === '\n') continue;
      diagnostics.push({ start: i, end: Math.min(text.length, i + 2), code: 'rank-mismatch' as const, severity: 'error' as const, message: 'm', related: [] });
    }
    return { layers: [], diagnostics, unknowns: [] };
  },
};

describe('robustness', () => {
  it('masking keeps the length and every line break', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        for (const out of [maskLines(s), maskCell(s).text]) {
          expect(out.length).toBe(s.length);
          expect(lineBreaks(out)).toBe(lineBreaks(s));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('notebook parsing never throws, on any text or any JSON', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.json(), fc.jsonValue().map((v) => JSON.stringify({ cells: [v, { cell_type: 'code', source: v }] }))), (s) => {
        const r = parseNotebook(s);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('checking text never throws and gives positions inside the text', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const r = checkPythonText('f.py', s, everywhere, defaultAnalysisConfig());
        const lines = s.split(/\r\n|\r|\n/);
        for (const d of r.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.line).toBeLessThanOrEqual(lines.length);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeLessThanOrEqual([...lines[d.line - 1]].length + 1);
        }
        const nb = JSON.stringify({ cells: [{ cell_type: 'code', source: s }, { cell_type: 'code', source: [s, s] }] });
        const n = checkNotebookText('f.ipynb', nb, everywhere, defaultAnalysisConfig());
        expect(n.error).toBeUndefined();
        for (const d of n.diagnostics) {
          expect([0, 1]).toContain(d.cell);
          expect(d.cellLine).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("firstInvalidUtf8 agrees with the platform's strict decoder", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        let valid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          valid = false;
        }
        expect(firstInvalidUtf8(bytes) < 0).toBe(valid);
      }),
      { numRuns: 5000 },
    );
  });
});
