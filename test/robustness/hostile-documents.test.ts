// Hostile documents through the analysis façade: each one gets an answer (results, or a clear
// "not analysed: why"), never an exception, an internal error or a hang (vitest's timeout
// bounds each case).
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../server/src/analysis';
import { defaultAnalysisConfig } from '../../server/src/config';
import { randomText } from './support';

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await Analyzer.create();
});

const HEADER = 'import keras\nfrom keras import layers\n';

const cases: [string, () => string][] = [
  ['random bytes as text', () => HEADER + randomText(1, 20_000, 'abc()[]{}:=,.\'"#\\\n\t 0123456789keras')],
  ['invalid UTF-8 decoded with replacement characters', () => HEADER + 'x = "\uFFFD\uFFFD"\n' + Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0]).toString('utf8')],
  ['lone surrogates', () => HEADER + 'x = "\uD800"\ny = "\uDC00"\ninp = keras.Input((8, 8, 1))\nz = layers.Conv2D(2, 3)(inp)\n'],
  ['NUL bytes', () => HEADER + 'a = 1\0\0\0\ninp = keras.Input((8, 8, 1))\0\n'],
  ['50,000 nested parentheses', () => HEADER + 'x = ' + '('.repeat(50_000) + '1' + ')'.repeat(50_000) + '\n'],
  ['50,000 nested lists, unclosed', () => HEADER + 'x = ' + '['.repeat(50_000) + '\n'],
  ['a 100,000-character line', () => HEADER + 'x = [' + '1, '.repeat(33_000) + ']\n'],
  ['10,000 layers in one Sequential', () => HEADER + 'm = keras.Sequential([keras.Input((16,)),\n' + '    layers.Dense(16),\n'.repeat(10_000) + '])\n'],
  ['a self-recursive helper', () => HEADER + 'def f(x, n):\n    return f(layers.Dense(4)(x), n + 1)\nf(keras.Input((4,)), 0)\n'],
  ['mutually recursive helpers that branch', () => HEADER + 'def a(x):\n    return b(x) + b(x)\ndef b(x):\n    return a(x) + a(x)\na(keras.Input((4,)))\n'],
  ['cyclic assignments in a loop', () => HEADER + 'x = 0\nwhile True:\n    x = x + 1\n    y = layers.Dense(x)\n'],
  ['a loop over a billion', () => HEADER + 'inp = keras.Input((4,))\nfor i in range(10**9):\n    inp = layers.Dense(4)(inp)\n'],
  ['huge and negative literals', () => HEADER + 'inp = keras.Input((32, 32, 3))\na = layers.Conv2D(32, 10**100)(inp)\nb = layers.Conv2D(8, 3, strides=-1)(inp)\nc = layers.Conv2D(8, 3, strides=0)(inp)\nd = layers.Conv2D(-5, 3)(inp)\ne = layers.Conv2D(8, 2**2000)(inp)\n'],
  ['float and string sizes', () => HEADER + 'inp = keras.Input((32.5, "a", 3))\na = layers.Conv2D(8.0, "3")(inp)\nb = layers.MaxPooling2D(1.5)(inp)\n'],
  ['a tuple repeated past every limit', () => HEADER + 'x = (1,) * 10**9\ny = "a" * 10**9\ninp = keras.Input(x)\n'],
  ['deeply nested function calls', () => HEADER + 'def f(x):\n    return x\n' + 'y = ' + 'f('.repeat(3_000) + '1' + ')'.repeat(3_000) + '\n'],
  ['half-typed code everywhere', () => HEADER + 'inp = keras.Input((65, 65\nx = layers.Conv2D(32, 3, strides=2, padding="sa\ny = layers.\nz = (x\ndef g(:\n  return\nclass :\n'],
  [
    'strides of 1009 and 997 merged on one axis, sizes written and open (a period of about 2^20)',
    () =>
      HEADER +
      'for inp in [keras.Input((65000, 64, 3)), keras.Input((None, None, 3))]:\n' +
      '    a = layers.UpSampling2D((1009, 1))(layers.Conv2D(8, 3, strides=1009, padding="same")(inp))\n' +
      '    b = layers.UpSampling2D((997, 1))(layers.Conv2D(8, 3, strides=997, padding="same")(inp))\n' +
      '    c = layers.Concatenate()([a, b])\n' +
      '    d = layers.Conv2D(8, 3)(c)\n',
  ],
  ['Inputs of open size made in five endless loops (50,000 symbols)', () => HEADER + 'x = keras.Input((32, 32, 3))\n' + 'while True:\n    inputs = keras.Input((None, 0))\n'.repeat(5)],
  ['CRLF and a BOM', () => '\uFEFF' + HEADER.replace(/\n/g, '\r\n') + 'inp = keras.Input((65, 65, 3))\r\nx = layers.Conv2D(8, 3, strides=2, padding="same")(inp)\r\n'],
];

describe('hostile documents', () => {
  it.each(cases)('%s', (_name, make) => {
    const text = make();
    const result = analyzer.analyzeText(text, defaultAnalysisConfig());
    expect(result.internalError).toBeUndefined();
    expect(Array.isArray(result.layers)).toBe(true);
    for (const l of result.layers) {
      expect(l.construct.start).toBeGreaterThanOrEqual(0);
      expect(l.construct.end).toBeLessThanOrEqual(text.length);
    }
    for (const d of result.diagnostics) {
      expect(d.start).toBeLessThanOrEqual(d.end);
      expect(d.end).toBeLessThanOrEqual(text.length);
      expect(d.message.length).toBeGreaterThan(0);
    }
  });

  it('still analyses the layers of a CRLF file with a BOM', () => {
    const text = '\uFEFF' + HEADER.replace(/\n/g, '\r\n') + 'inp = keras.Input((65, 65, 3))\r\nx = layers.Conv2D(8, 3, strides=2, padding="same")(inp)\r\n';
    const result = analyzer.analyzeText(text, defaultAnalysisConfig());
    expect(result.layers.map((l) => l.result.output)).toEqual([
      [null, 65, 65, 3],
      [null, 33, 33, 8],
    ]);
    expect(result.diagnostics.map((d) => [d.code, text.slice(d.start, d.end)])).toEqual([['same-stride-uneven', 'padding="same"']]);
  });

  it('a loop too long to follow leaves the tensor unknown instead of guessing', () => {
    const text = HEADER + 'inp = keras.Input((4,))\nx = inp\nfor i in range(10**9):\n    x = layers.Dense(4)(x)\nout = layers.Dense(2)(x)\n';
    const result = analyzer.analyzeText(text, defaultAnalysisConfig());
    const last = result.layers[result.layers.length - 1];
    expect(last.inputs[0]).toBeNull();
  });

  it('gives up on recursion with a reason, and keeps the layers before it', () => {
    const text = HEADER + 'inp = keras.Input((8,))\nfirst = layers.Dense(3)(inp)\ndef f(x):\n    return f(x)\nf(inp)\n';
    const result = analyzer.analyzeText(text, defaultAnalysisConfig());
    expect(result.layers[1].result.output).toEqual([null, 3]);
  });
});
