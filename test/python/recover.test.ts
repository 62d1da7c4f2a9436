// What the syntax-error recovery (python/recover.ts) blanks: the line that broke when tree-sitter
// wraps whole statements above it into its ERROR node, and inside a statement over several lines
// (a Sequential's list being edited) the token or line that broke, not the statement's first line.
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

describe("an error inside a Sequential's list: the other layers keep their shapes", () => {
  const lines = [
    'import keras',
    'from keras import layers',
    '',
    'model = keras.Sequential(',
    '    [',
    '        keras.Input(shape=(32, 32, 3)),',
    '        # two convolutions',
    '        layers.Conv2D(8, 3),',
    '        layers.Conv2D(16, 3, strides=2),',
    '        layers.Flatten(),',
    '    ]',
    ')',
    '',
  ];
  const whole = lines.join('\n');
  const layersOf = (text: string): unknown[] => analyzer.analyzeText(text, defaultAnalysisConfig()).layers.map((l) => [l.className, l.result.output]);
  const edited = (row: number, edit: (line: string) => string): string => lines.map((l, i) => (i === row ? edit(l) : l)).join('\n');

  it('the list as written', () => {
    expect(layersOf(whole)).toEqual([
      ['Input', [null, 32, 32, 3]],
      ['Conv2D', [null, 30, 30, 8]],
      ['Conv2D', [null, 14, 14, 16]],
      ['Flatten', [null, 3136]],
    ]);
  });

  const cases: Record<string, [string, number]> = {
    // tree-sitter takes the comma ending the Input's line for the stray one: that comma is blanked.
    'a stray comma before an element': [edited(7, (l) => l.replace('layers.', ',layers.')), 5],
    'a new element typed, its bracket open': [edited(8, (l) => `${l}\n        layers.Dense(`), 9],
    'a new element typed without its comma yet': [edited(8, (l) => `${l}\n        layers.Dense(4)`), 9],
    'a bracket typed before an element': [edited(7, (l) => l.replace('layers.', '(layers.')), 7],
    'a dot typed before a comment': [edited(6, (l) => `.${l}`), 6],
  };
  for (const [name, [text, row]] of Object.entries(cases)) {
    it(name, () => {
      expect(layersOf(text)).toEqual(layersOf(whole));
      expect(maskedLines(text)).toEqual([row]);
    });
  }
});
