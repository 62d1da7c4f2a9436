// What the syntax-error recovery (python/recover.ts) blanks: the line that broke when tree-sitter
// wraps whole statements above it into its ERROR node, and inside a statement over several lines
// (a Sequential's list being edited) the token or line that broke, not the statement's first line.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Analyzer } from '../../server/src/analysis';
import { defaultAnalysisConfig } from '../../server/src/config';
import * as headerGuesses from '../../server/src/python/header-guesses';
import { maskedLinesOf } from './masked-lines';

// The def-line guesses, called through: the tests below check when they are made.
vi.mock('../../server/src/python/header-guesses', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../server/src/python/header-guesses')>();
  return { ...actual, defHeaderGuesses: vi.fn(actual.defHeaderGuesses) };
});

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await Analyzer.create();
});
afterAll(() => {
  analyzer.dispose();
});

const maskedLines = (text: string): number[] => maskedLinesOf(analyzer, text);
/** Each layer's class and output shape. */
const layersOf = (text: string): unknown[] => analyzer.analyzeText(text, defaultAnalysisConfig()).layers.map((l) => [l.className, l.result.output]);

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

describe("a function's def line being edited: the layers its calls make keep their shapes", () => {
  const lines = [
    'import keras',
    'from keras import layers',
    '',
    '',
    'def block(x, filters):',
    '    x = layers.Conv2D(filters, 3, strides=2, padding="same")(x)',
    '    return layers.BatchNormalization()(x)',
    '',
    '',
    'class Head(layers.Layer):',
    '    def __init__(self, units):',
    '        super().__init__()',
    '        self.dense = layers.Dense(units)',
    '',
    '    def call(self, x):',
    '        return self.dense(layers.Flatten()(x))',
    '',
    '',
    'inputs = keras.Input(shape=(65, 65, 3))',
    'x = block(inputs, 16)',
    'x = block(x, 32)',
    'outputs = Head(10)(x)',
    '',
  ];
  const whole = lines.join('\n');
  const edited = (row: number, line: string): string => lines.map((l, i) => (i === row ? line : l)).join('\n');

  it('the file as written', () => {
    expect(layersOf(whole)).toEqual([
      ['Input', [null, 65, 65, 3]],
      ['Conv2D', [null, 33, 33, 16]],
      ['BatchNormalization', [null, 33, 33, 16]],
      ['Conv2D', [null, 17, 17, 32]],
      ['BatchNormalization', [null, 17, 17, 32]],
      ['Flatten', [null, 9248]],
      ['Dense', [null, 10]],
      ['Head', [null, 10]],
    ]);
  });

  // Each is a syntax error that used to blank the def line: the body ran at module level and
  // the calls made nothing (Input, Flatten and Dense, or fewer, were left).
  const cases: Record<string, [number, string]> = {
    'a parameter typed, its default not yet': [4, 'def block(x, filters, k='],
    'a parameter typed after a comma, the bracket not closed': [4, 'def block(x, filters, '],
    'a default being typed inside closed brackets': [4, 'def block(x, filters, k=):'],
    'a parameter being typed before another': [4, 'def block(x, k=, filters):'],
    'a default being typed for a parameter the body uses': [4, 'def block(x, filters=):'],
    'the colon not typed yet': [4, 'def block(x, filters)'],
    'a return annotation being typed': [4, 'def block(x, filters) -> '],
    "a method's parameter typed (the class becomes one ERROR node)": [14, '    def call(self, x, training='],
    "a method's colon not typed yet": [14, '    def call(self, x)'],
    "the constructor's parameter typed after a comma": [10, '    def __init__(self, units, '],
    "a class's base being typed after a comma": [9, 'class Head(layers.Layer, '],
    "a class's base being typed (the error shows on the def line below, at its start)": [9, 'class Head(layers.Layer, M'],
  };
  for (const [name, [row, line]] of Object.entries(cases)) {
    it(name, () => {
      const text = edited(row, line);
      const tree = analyzer.parse(text);
      expect(tree?.rootNode.hasError).toBe(true);
      tree?.delete();
      expect(layersOf(text)).toEqual(layersOf(whole));
      expect(maskedLines(text)).toEqual([row]);
    });
  }

  // Each guess costs a parse: a call typed in a body below a whole def line (one over several
  // lines too; tree-sitter may place that error on the def line, after its header) must not
  // make any.
  for (const [name, header] of [
    ['on one line', lines[4]],
    ['over several lines', 'def block(\n    x,  # the input\n    filters=8,\n) -> None:'],
  ]) {
    it(`a call typed in a function's body below a whole def line ${name}: no guess made`, () => {
      const base = edited(4, header);
      const at = base.indexOf('\n    return layers.BatchNormalization');
      const typed = '\n    x = layers.Conv2D(8, 3)(x)';
      const made = vi.mocked(headerGuesses.defHeaderGuesses);
      made.mockClear();
      let broken = 0;
      for (let k = 1; k <= typed.length; k++) {
        const text = base.slice(0, at) + typed.slice(0, k) + base.slice(at);
        if (maskedLines(text).length > 0) broken++;
      }
      expect(broken).toBeGreaterThan(5);
      expect(made).not.toHaveBeenCalled();
    });
  }

  it('a broken def line makes guesses (the spy above sees them)', () => {
    const made = vi.mocked(headerGuesses.defHeaderGuesses);
    made.mockClear();
    maskedLines(edited(4, 'def block(x, filters, k='));
    expect(made).toHaveBeenCalled();
  });
});
