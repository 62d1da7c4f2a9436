// Which line the syntax-error recovery (python/recover.ts) blanks when tree-sitter wraps whole
// statements into the ERROR node of a line below them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../server/src/analysis';
import { defaultAnalysisConfig } from '../../server/src/config';
import { maskedLinesOf } from './masked-lines';

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await Analyzer.create();
});
afterAll(() => {
  analyzer.dispose();
});

const maskedLines = (text: string): number[] => maskedLinesOf(analyzer, text);

const HEADER = 'import keras\nfrom keras import layers\n\n';

describe('an ERROR node that begins with whole statements', () => {
  // tree-sitter: (ERROR (expression_statement ...) (ERROR "\\")) from the line above on.
  const text = HEADER + 'SIZE = 8\n\\def block(x):\n    return layers.Conv2D(2, 3)(x)\n\ninp = keras.Input((SIZE, SIZE, 1))\ny = layers.Conv2D(4, 3)(inp)\n';

  it('blanks the line that broke (a stray backslash at its start), not the statement above it', () => {
    const tree = analyzer.parse(text);
    expect(tree?.rootNode.children.find((c) => c?.type === 'ERROR')?.startPosition.row).toBe(3);
    tree?.delete();
    expect(maskedLines(text)).toEqual([4]);
  });

  it('keeps the shapes that depend on that statement', () => {
    const result = analyzer.analyzeText(text, defaultAnalysisConfig());
    expect(result.layers.map((l) => [l.className, l.result.output])).toEqual([
      // The body, now at module level, where x is not defined: only the filters are known.
      ['Conv2D', [null, null, null, 2]],
      ['Input', [null, 8, 8, 1]],
      ['Conv2D', [null, 6, 6, 4]],
    ]);
  });
});

describe('an ERROR node that is one broken statement', () => {
  it('blanks the statement\'s first line (an unclosed bracket)', () => {
    expect(maskedLines(HEADER + 'a = 1\nx = layers.Conv2D(32,\nc = 3\n')).toEqual([4]);
  });
});
