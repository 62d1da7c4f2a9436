// LineIndex (both ways of finding line starts: texts with and without \r) and the line helpers
// the incremental analysis counts lines with, against a plain per-character reference.
import { describe, expect, it } from 'vitest';
import { lineBreaksBetween, lineEndAfter, LineIndex } from '../../server/src/text/line-index';
import { fc, runs } from '../engine/fc-config';

/** Line starts as LSP counts them: after \n, after \r\n, after a lone \r. */
function referenceStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\r' && text[i + 1] === '\n') continue;
    if (text[i] === '\n' || text[i] === '\r') starts.push(i + 1);
  }
  return starts;
}

const textArb = fc.array(fc.constantFrom('a', 'é', '😀', ' ', '\n', '\r\n', '\r', 'x = 1'), { maxLength: 40 }).map((parts) => parts.join(''));

describe('LineIndex', () => {
  it('gives every offset the line and column of a per-character count', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const starts = referenceStarts(text);
        const index = new LineIndex(text);
        expect(index.lineCount).toBe(starts.length);
        for (let o = 0; o <= text.length; o++) {
          let line = 0;
          while (line + 1 < starts.length && starts[line + 1] <= o) line++;
          expect(index.positionAt(o)).toEqual({ line, character: o - starts[line] });
        }
      }),
      runs(500, 301),
    );
  });

  it('gives the 1-based line and code-point column the checker reports, with and without surrogates', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const starts = referenceStarts(text);
        const index = new LineIndex(text);
        for (let o = 0; o <= text.length; o++) {
          let line = 0;
          while (line + 1 < starts.length && starts[line + 1] <= o) line++;
          // A pair split by the offset counts as the code point it starts.
          const column = Array.from(text.slice(starts[line], o)).length + 1;
          expect(index.codePointPosition(o)).toEqual({ line: line + 1, column });
        }
      }),
      runs(500, 303),
    );
    expect(new LineIndex('x = 1\ny = é2').codePointPosition(11)).toEqual({ line: 2, column: 6 });
    expect(new LineIndex('x = 1\n😀 = 2').codePointPosition(11)).toEqual({ line: 2, column: 5 });
  });

  it('counts line breaks between two offsets and finds a line end as the index does', () => {
    fc.assert(
      fc.property(textArb, fc.nat(), fc.nat(), (text, a, b) => {
        const from = a % (text.length + 1);
        const to = from + (b % (text.length - from + 1));
        // Offsets between the \r and the \n of a pair point into a line break: no code starts there.
        const inPair = (o: number): boolean => text[o - 1] === '\r' && text[o] === '\n';
        fc.pre(!inPair(from) && !inPair(to));
        const index = new LineIndex(text);
        expect(lineBreaksBetween(text, from, to, text.includes('\r'))).toBe(index.positionAt(to).line - index.positionAt(from).line);
        expect(lineEndAfter(text, from)).toBe(index.lineEnd(index.positionAt(from).line));
      }),
      runs(500, 302),
    );
  });
});
