// EditableLines (line starts updated change by change, for didChange notifications with many
// changes) must agree with a LineIndex built from scratch on the text after every change:
// offsets of every position, including past the ends, and tree-sitter points of every offset,
// whatever the line breaks (\n, \r\n, lone \r, a \r\n made or split by the change).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EditableLines } from '../../server/src/lsp/editable-lines';
import { treePoint } from '../../server/src/lsp/tree-edits';
import { TextUnit } from '../../server/src/lsp/units';
import { LineIndex } from '../../server/src/text/line-index';

const piece = fc.constantFrom('a', 'bc', '\n', '\r', '\r\n', '\n\r', '😀', 'é', ' ', '');
const text = fc.array(piece, { maxLength: 30 }).map((a) => a.join(''));
const change = fc.record({ at: fc.nat(), len: fc.nat({ max: 6 }), inserted: text });

function agree(lines: EditableLines): void {
  const t = lines.text;
  const index = new LineIndex(t);
  for (let line = -1; line <= index.lineCount + 1; line++) {
    for (let character = -1; character <= t.length + 1; character++) {
      const p = { line, character };
      if (lines.offsetAt(p) !== index.offsetAt(p)) throw new Error(`offsetAt(${line}:${character}) in ${JSON.stringify(t)}`);
    }
  }
  for (let o = 0; o <= t.length; o++) expect(lines.treePoint(o), `treePoint(${o}) in ${JSON.stringify(t)}`).toEqual(treePoint(t, index, o));
}

describe('EditableLines', () => {
  it('agrees with a fresh LineIndex after every change', () => {
    fc.assert(
      fc.property(text, fc.array(change, { maxLength: 12 }), (start, changes) => {
        const lines = new EditableLines(start);
        agree(lines);
        for (const c of changes) {
          const at = c.at % (lines.text.length + 1);
          const end = Math.min(lines.text.length, at + c.len);
          const expected = lines.text.slice(0, at) + c.inserted + lines.text.slice(end);
          lines.replace(at, end, c.inserted);
          expect(lines.text).toBe(expected);
          agree(lines);
        }
      }),
      { numRuns: 1000, seed: 20260611 },
    );
  });

  it('a replace-all of 5,000 matches in a 100 KB document (one didChange) is applied exactly', () => {
    let text = '';
    for (let i = 0; i < 2_500; i++) text += `y${i} = Conv2D(8, 3)(Conv2D(4, 1)(x))\n`;
    const index = new LineIndex(text);
    const matches = [...text.matchAll(/Conv2D/g)].map((m) => m.index);
    expect(matches).toHaveLength(5_000);
    // As VS Code sends it: from the last match to the first, so each range is still where it was.
    const changes = matches.reverse().map((at) => ({ range: { start: index.positionAt(at), end: index.positionAt(at + 6) }, text: 'Conv\r\n2D' }));
    const unit = new TextUnit('file:///replace-all.py', 1, text);
    const edits: unknown[] = [];
    unit.applyChanges(changes, 2, (edit) => edits.push(edit));
    expect(unit.text).toBe(text.replaceAll('Conv2D', 'Conv\r\n2D'));
    expect(edits).toHaveLength(5_000);
    expect(unit.lines.lineCount).toBe(7_501);
  });
});
