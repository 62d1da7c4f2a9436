// The incremental analysis (python/incremental.ts, islands.ts) against the whole module's run:
// after every edit, the analysis that reused the unchanged islands of the previous version must
// equal a fresh analysis of the same text, report for report and in the same order. Random Keras
// programs whose statements pass tensors, helpers, lists, classes and models to one another
// through module names, random edits of them, edits of the repository's files and the
// benchmark's generated files.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Analyzer } from '../../server/src/analysis';
import type { AnalysisResult } from '../../server/src/analysis-types';
import { defaultAnalysisConfig } from '../../server/src/config';
import { partition } from '../../server/src/python/islands';
import { LoweringCache } from '../../server/src/python/lowering-cache';
import { lowerText } from '../../server/src/python/text-lower';
// @ts-expect-error plain JavaScript module without type declarations
import { generateKerasFile } from '../bench/generate.mjs';
// @ts-expect-error plain JavaScript module without type declarations
import { applyEdit, editPairs } from '../bench/edits.mjs';
import { fc, runs } from '../engine/fc-config';
import { repositoryPythonFiles } from './repository-files';

const generate = generateKerasFile as (lines: number, seed?: number) => string;
const config = defaultAnalysisConfig();

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await Analyzer.create();
});

/** The result as plain data (an origin's label is a getter). */
function plain(r: AnalysisResult): unknown {
  return {
    ...r,
    layers: r.layers.map((l) => ({ ...l, inputOrigins: l.inputOrigins.map((o) => o && { range: { ...o.range }, label: o.label }) })),
  };
}

/** What the server does with a version of a document: the text alone, else the tree (incrementally cached per key). */
function analyzeVersion(text: string, key: string): AnalysisResult {
  const direct = analyzer.analyzeWithoutTree(text, config, key);
  if (direct) return direct;
  const tree = analyzer.parse(text);
  if (!tree) throw new Error('parse failed');
  try {
    return analyzer.analyzeTree(tree, text, config, key);
  } finally {
    tree.delete();
  }
}

/** How the document's last analysis went (islands, how many ran, or why none). */
function lastRun(key: string): { islands: number; ran: number; fallback?: string } {
  return (analyzer as unknown as { loweringCaches: Map<string, LoweringCache> }).loweringCaches.get(key)?.islands.last ?? { islands: -1, ran: -1 };
}

/** Asserts the cached analysis of `text` equals a fresh one. */
function agree(text: string, key: string): AnalysisResult {
  const incremental = analyzeVersion(text, key);
  const fresh = analyzer.analyzeText(text, config);
  expect(plain(incremental)).toEqual(plain(fresh));
  return incremental;
}

// Statements that hand values to one another through a few shared names.
const STATEMENTS = [
  'IMG = 65',
  'IMG = 64',
  'H = IMG // 2',
  'inp = keras.Input(shape=(IMG, IMG, 3))',
  'inp = keras.Input(shape=(None, None, 3))',
  'inp = keras.Input(shape=(H, 33, 3))',
  'x = inp',
  'x = layers.Conv2D(8, 3, strides=2, padding="same")(x)',
  'x = layers.Conv2D(4, 5, padding="valid")(inp)',
  'y = layers.Conv2DTranspose(8, 2, strides=2, padding="same")(x)',
  'y = layers.MaxPooling2D()(y)',
  'z = layers.Concatenate()([x, y])',
  'z = layers.Add()([inp, x])',
  'def f(t, k=4):\n    return layers.Conv2D(k, 3, padding="same")(t)',
  'def f(t):\n    return layers.ReLU()(t)',
  'def g():\n    return f(inp)',
  'def build(size=IMG):\n    t = keras.Input((size, size, 1))\n    u = layers.Conv2D(2, 3, strides=2, padding="same")(t)\n    return keras.Model(t, u)',
  'def helper(t):\n    return layers.Conv2D(3, 3)(t)',
  'x = f(x)',
  'x = g()',
  'net = build()',
  'L = []',
  'L.append(x)',
  'x = L[0]',
  'z = layers.Concatenate()(L + [x])',
  'for i in range(2):\n    x = layers.Conv2D(4, 3, strides=2, padding="same")(x)',
  'for d in [1, 2]:\n    L.append(layers.Conv2D(d, 1)(x))',
  'if IMG > 64:\n    x = layers.ReLU()(x)\nelse:\n    y = x',
  'while len(L) < 2:\n    L.append(inp)',
  'seq = keras.Sequential([layers.Conv2D(8, 3), layers.Flatten()])',
  'seq = keras.Sequential([layers.Input((IMG, IMG, 1)), layers.Conv2D(8, 3, strides=2, padding="same")])',
  'seq.add(layers.Dense(3))',
  'seq.build((None, IMG, IMG, 3))',
  'class Blk(keras.layers.Layer):\n    def call(self, t):  # shapewise: t=(None, 32, 32, 3)\n        return layers.Conv2D(4, 3, strides=2, padding="same")(t)',
  'class Net(keras.Model):\n    def __init__(self):\n        super().__init__()\n        self.c = layers.Conv2D(IMG, 3)\n    def call(self, t):\n        return self.c(t)',
  'b = Blk()',
  'x = b(x)',
  'x = Net()(inp)',
  'm = keras.Model(inp, x)',
  'x = m(inp)',
  'import numpy as np',
  'from keras import layers as kl',
  'x = kl.Conv2D(2, 2)(x)',
  'x = layers.Lambda(lambda t: t * IMG)(x)',
  'k = [IMG for _ in range(2)]',
  'x = load()  # shapewise: x=(None, 16, 16, 3)',
  'print(x.shape)',
  'conv = layers.Conv2D(6, 3, strides=3, padding="same")',
  'x = conv(x)',
  'y = conv(inp)',
  'unused = layers.Conv2D(0, 3)',
  'if (w := IMG) > 10:\n    x = layers.Conv2D(w, 1)(x)',
  'x = layers.Reshape((-1,))(x)',
  'x = layers.Dense(IMG)(layers.Flatten()(x))',
  'with ctx() as c:\n    x = layers.Conv2D(3, 3)(x)',
  'try:\n    x = layers.Conv2D(3, 3, strides=2)(x)\nfinally:\n    pass',
];
// Rarer: they turn the islands off (or end the run) for the whole module.
const RARE = ['from keras.layers import *', 'keras.config.set_image_data_format("channels_first")', 'x = m.get_layer("c").output', 'layer = net.get_layer("conv2d")', 'for q in range(1):\n    break'];

const HEADER = 'import keras\nfrom keras import layers\n';
const statement = fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...STATEMENTS) }, { weight: 1, arbitrary: fc.constantFrom(...RARE) });
const program = fc.array(statement, { minLength: 1, maxLength: 14 });

type Edit = { at: number; kind: 'replace' | 'insert' | 'delete' | 'digit' | 'blank' | 'inline'; with: string };
const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'insert', 'delete', 'digit', 'blank', 'inline', 'inline'),
  with: statement,
});

function textOf(stmts: string[]): string {
  return HEADER + stmts.join('\n') + '\n';
}

/**
 * Applies one edit to the statement list: a digit typed into a number, a statement changed,
 * added or removed, or added on another's line after a `;` (no line moves: the islands after it
 * keep their reports while their statements are numbered anew).
 */
function applyTo(stmts: string[], e: Edit): string[] {
  const out = stmts.slice();
  const i = e.at % Math.max(1, out.length);
  switch (e.kind) {
    case 'replace':
      if (out.length > 0) out[i] = e.with;
      break;
    case 'insert':
      out.splice(e.at % (out.length + 1), 0, e.with);
      break;
    case 'delete':
      out.splice(i, 1);
      break;
    case 'digit': {
      const s = out[i] ?? '';
      const m = /\d/.exec(s);
      if (m) out[i] = s.slice(0, m.index) + '1' + s.slice(m.index);
      break;
    }
    case 'blank':
      out.splice(e.at % (out.length + 1), 0, '# a comment');
      break;
    case 'inline':
      if (out.length > 0 && !out[i].includes('\n') && !e.with.includes('\n') && !out[i].includes('#')) out[i] = `${out[i]}; ${e.with}`;
      break;
  }
  return out;
}

describe('the incremental analysis equals the whole module run', () => {
  it('random Keras programs, edited statement by statement', () => {
    let n = 0;
    fc.assert(
      fc.property(program, fc.array(edit, { minLength: 1, maxLength: 6 }), (stmts, edits) => {
        const key = `program-${n++}`;
        let current = stmts;
        // Twice: the first analysis of a document runs the whole module, the second makes the islands.
        agree(textOf(current), key);
        agree(textOf(current), key);
        for (const e of edits) {
          current = applyTo(current, e);
          agree(textOf(current), key);
        }
        analyzer.forget(key);
      }),
      runs(400, 91),
    );
  });

  it('random character edits of the repository files, syntax errors included', () => {
    const files = repositoryPythonFiles().map((f) => readFileSync(f, 'utf8'));
    const pieces = ['1', '(', ')', '\n', '    ', 'x', ',', '# c\n', '"', 'x = 1\n', ''];
    let n = 0;
    fc.assert(
      fc.property(fc.nat({ max: files.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 5 }), (f, edits) => {
        const key = `file-${n++}`;
        let text = files[f];
        agree(text, key);
        agree(text, key);
        for (const [at, piece] of edits) {
          const i = at % (text.length + 1);
          text = piece === '' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + piece + text.slice(i);
          agree(text, key);
        }
        analyzer.forget(key);
      }),
      runs(250, 92),
    );
  });

  it("the benchmark's edits of a generated file, the unclosed bracket too: one island runs per edit", () => {
    let text = generate(1500, 3);
    const key = 'generated';
    agree(text, key);
    // The first analysis runs the whole module; the second (the same text) makes the islands.
    expect(lastRun(key).fallback).toBe('the first analysis');
    agree(text, key);
    const first = lastRun(key);
    expect(first.fallback).toBeUndefined();
    expect(first.islands).toBeGreaterThan(50);
    expect(first.ran).toBe(first.islands);
    for (const pair of editPairs(text) as { kind: string; apply: unknown; undo: unknown }[]) {
      for (const e of [pair.apply, pair.undo]) {
        text = applyEdit(text, e);
        const parses = vi.spyOn(Analyzer.prototype, 'parse');
        const incremental = analyzeVersion(text, key);
        const parsed = parses.mock.calls.length;
        parses.mockRestore();
        expect(plain(incremental)).toEqual(plain(analyzer.analyzeText(text, config)));
        // The break too (an unclosed bracket): its line blanked, the text reader reads the rest,
        // and the blanked text is not parsed (the text reader vouches for it): one parse, of the
        // broken text. The other edits are read from the text alone.
        expect(parsed, pair.kind).toBe(e === pair.apply && pair.kind === 'break' ? 1 : 0);
        const last = lastRun(key);
        expect(last.fallback, pair.kind).toBeUndefined();
        expect(last.ran, pair.kind).toBeLessThanOrEqual(2);
      }
    }
  });

  it('a layer call typed keystroke by keystroke on a new line: its line blanked, the rest read, one parse per broken version', () => {
    const base = generate(300, 5);
    const key = 'typing';
    analyzeVersion(base, key);
    analyzeVersion(base, key);
    // A new line above `x = inputs_N`: with `(32,` open, that line reads as a keyword argument
    // and the error shows two lines below, in the statement the call opened.
    const at = base.indexOf('\nx = ', Math.floor(base.length / 2));
    const typed = '\nx = layers.Conv2D(32, 3, padding="same")(x)';
    let broken = 0;
    for (let k = 1; k <= typed.length; k++) {
      const text = base.slice(0, at) + typed.slice(0, k) + base.slice(at);
      const parses = vi.spyOn(Analyzer.prototype, 'parse');
      const incremental = analyzeVersion(text, key);
      const parsed = parses.mock.calls.length;
      parses.mockRestore();
      expect(plain(incremental)).toEqual(plain(analyzer.analyzeText(text, config)));
      // The broken text is parsed to find its first error; the text with the typed line
      // blanked is read, not parsed.
      expect(parsed, typed.slice(0, k)).toBeLessThanOrEqual(1);
      broken += parsed;
    }
    expect(broken).toBeGreaterThan(20);
    analyzer.forget(key);
  });

  it('a 30,000-line file (over a million characters) is read from the text, and so are its edits: nothing is parsed', () => {
    let text = generate(30_000, 9);
    expect(text.length).toBeGreaterThan(1_000_000);
    const key = 'large';
    const parses = vi.spyOn(Analyzer.prototype, 'parse');
    analyzeVersion(text, key);
    analyzeVersion(text, key);
    for (const pair of (editPairs(text) as { kind: string; apply: unknown; undo: unknown }[]).filter((p) => p.kind !== 'break')) {
      text = applyEdit(text, pair.apply);
      analyzeVersion(text, key);
      expect(lastRun(key).ran, pair.kind).toBeLessThanOrEqual(2);
      text = applyEdit(text, pair.undo);
      analyzeVersion(text, key);
    }
    expect(parses).not.toHaveBeenCalled();
    parses.mockRestore();
  }, 60_000);

  it('a call typed on a new line, character by character and left open on the way: the tree path keeps islands too', () => {
    const text = generate(1500, 5);
    const lines = text.split('\n');
    let at = Math.floor(lines.length / 2);
    while (!/^inputs_/.test(lines[at])) at++;
    const offset = lines.slice(0, at).join('\n').length + 1;
    const typed = 'y = layers.Conv2D(8, 3)(x)';
    const key = 'typing';
    agree(text, key);
    agree(text, key);
    // At most two islands run per keystroke: a broken line is blanked and the rest read from the
    // text with the islands of its last readable version. But `y =`, which tree-sitter reads
    // without an error (joined with the next line), goes to the tree path, whose islands are made
    // then (all run, once: the document is being edited, so not the whole module).
    let made = false;
    for (const pass of [1, 2]) {
      for (let i = 1; i <= typed.length; i++) {
        agree(`${text.slice(0, offset)}${typed.slice(0, i)}\n${text.slice(offset)}`, key);
        const last = lastRun(key);
        const what = `pass ${pass}: ${JSON.stringify(typed.slice(0, i))}`;
        expect(last.fallback, what).toBeUndefined();
        if (!made && last.ran === last.islands) made = true;
        else expect(last.ran, what).toBeLessThanOrEqual(2);
      }
      agree(text, key);
    }
    expect(made).toBe(true);
  });

  it('a line typed above a declared shape keeps the islands; a declaration moved off its statement\'s line runs them again', () => {
    const declared = 'a = keras.Input((65, 65, 3))\nb = layers.Conv2D(8, 3)(a)\nx = load()  # shapewise: x=(None, 16, 16, 3)\ny = layers.Conv2D(4, 3)(x)\n';
    // Read from the text, and (a broken last line) from the tree, which keeps x = load() when only its comment changes.
    for (const [key, tail] of [
      ['declared-text', ''],
      ['declared-tree', 'z = (\n'],
    ]) {
      const base = `${HEADER}${declared}${tail}`;
      agree(base, key);
      agree(base, key);
      const moved = agree(`# top\n${base}`, key);
      expect(lastRun(key).fallback, key).toBeUndefined();
      expect(lastRun(key).ran, key).toBe(0);
      expect(moved.layers.find((l) => l.hintAt > moved.layers[1].hintAt && l.className === 'Conv2D')?.result.output, key).toEqual([null, 14, 14, 4]);
      // The same number of characters, but the declaration is on a line of its own now: x is unknown.
      const off = agree(`# top\n${base.replace(')  # shapewise', ')\n # shapewise')}`, key);
      expect(off.layers.find((l) => l.hintAt > off.layers[1].hintAt && l.className === 'Conv2D')?.result.output, key).toEqual([null, null, null, 4]);
    }
  });

  it('orders the reports of a kept island by where its statements are now (a statement added before it)', () => {
    const key = 'renumbered';
    const before = 'import keras\nfrom keras import layers\nx = layers.Conv2D(8, 3)(x)\n# a comment\nif 2 > 1:\n    y = layers.Conv2D(4, 1)(y)\n';
    agree(before, key);
    agree(before, key);
    // On the comment's line: the if's statement stays on its line and keeps its reports.
    const after = before.replace('# a comment', 'inp = keras.Input(shape=(8, 8, 3)); z = layers.ReLU()(inp)');
    const r = agree(after, key);
    // The comment belonged to the first statement's segment: it runs again, the if's island does not.
    expect(lastRun(key)).toMatchObject({ islands: 3, ran: 2 });
    expect(r.layers.map((l) => l.className)).toEqual(['Conv2D', 'Input', 'ReLU', 'Conv2D']);
  });

  it('keeps reports of islands that moved, by characters or by lines', () => {
    const key = 'moved';
    const base = 'import keras\nfrom keras import layers\na = keras.Input((65, 65, 3))\nb = layers.Conv2D(8, 3, strides=2, padding="same")(a)\nc = keras.Input((32, 32, 3))\nd = layers.Conv2D(8, 3, strides=2, padding="same")(c)\n';
    agree(base, key);
    agree(base, key);
    expect(lastRun(key)).toMatchObject({ islands: 2, ran: 2 });
    const typed = base.replace('(65, 65', '(651, 65');
    const r = agree(typed, key);
    expect(lastRun(key)).toMatchObject({ islands: 2, ran: 1 });
    // The second island's reports moved one character and were kept.
    expect(r.layers.at(-1)?.hintAt).toBe(typed.length - 1);
    // A line typed above both: the origins' labels name the new lines, nothing runs.
    const r2 = agree(`# a line\n${typed}`, key);
    expect(lastRun(key)).toMatchObject({ islands: 2, ran: 0 });
    expect(r2.layers.map((l) => l.inputOrigins[0]?.label)).toEqual([undefined, 'Input (line 4)', undefined, 'Input (line 6)']);
  });

  it('an island whose messages name a line runs again when it moves to other lines; the others keep their reports', () => {
    const key = 'names-lines';
    // A chain with a function between its statements: a line typed in the function moves b and c only.
    const chain = 'a = keras.Input((65, 65, 3))\ndef helper(t):\n    return layers.ReLU()(t)\nb = layers.Conv2D(8, 3)(a)\nc = layers.Conv2D(8, 3)(b)\n';
    // An if the analysis cannot decide (the reason names its line) and a rank change (the message names Flatten's line).
    const branches = 'def pick(t, flag):\n    if flag:\n        u = layers.Flatten()(t)\n    else:\n        u = t\n    return u\nd = keras.Input((32, 32, 3))\ne = pick(d, unknown_flag)\nf = layers.Conv2D(2, 1)(e)\n';
    const rank = 'g = keras.Input((8, 8, 3))\nh = layers.Flatten()(g)\nk = layers.Conv2D(2, 1)(h)\n';
    const base = `${HEADER}${chain}${branches}${rank}`;
    agree(base, key);
    const first = agree(base, key);
    expect(lastRun(key)).toMatchObject({ islands: 4, ran: 4 });
    expect(first.unknowns.map((u) => u.reason)).toContain('input shape unknown: differs between the branches of the if on line 9');
    expect(first.diagnostics.find((d) => d.code === 'rank-mismatch')?.message).toContain('at Flatten (line 18)');
    expect(first.layers.slice(0, 3).map((l) => l.inputOrigins[0]?.label)).toEqual([undefined, 'Input (line 3)', 'Conv2D (line 6)']);

    // A blank line typed inside helper: helper's island runs, the chain's is kept with its labels
    // rendered for the lines that moved, and the two islands that name lines below run again.
    const moved = agree(`${HEADER}${chain.replace('(t):\n', '(t):\n\n')}${branches}${rank}`, key);
    expect(lastRun(key)).toMatchObject({ islands: 4, ran: 3 });
    expect(moved.layers.slice(0, 3).map((l) => l.inputOrigins[0]?.label)).toEqual([undefined, 'Input (line 3)', 'Conv2D (line 7)']);
    expect(moved.unknowns.map((u) => u.reason)).toContain('input shape unknown: differs between the branches of the if on line 10');
    expect(moved.diagnostics.find((d) => d.code === 'rank-mismatch')?.message).toContain('at Flatten (line 19)');

    // Two comment lines typed at the top: every statement moves; only the islands that name lines run.
    const top = agree(`# one\n# two\n${HEADER}${chain.replace('(t):\n', '(t):\n\n')}${branches}${rank}`, key);
    expect(lastRun(key)).toMatchObject({ islands: 4, ran: 2 });
    expect(top.layers.slice(0, 3).map((l) => l.inputOrigins[0]?.label)).toEqual([undefined, 'Input (line 5)', 'Conv2D (line 9)']);
  });
});

describe('islands', () => {
  const islandsOf = (text: string): number[][] | string => {
    const module = lowerText(text);
    if (!module) throw new Error('not read');
    const p = partition(module.body);
    return 'none' in p ? p.none : p.islands;
  };

  it('a name bound again starts a new island; a read joins the binding it sees', () => {
    // 0,1 import (prelude); 2 x=; 3 y=f(x); 4 x= (new value); 5 z=g(x)
    expect(islandsOf('import keras\nfrom keras import layers\nx = keras.Input((8, 8, 1))\ny = layers.ReLU()(x)\nx = keras.Input((4, 4, 1))\nz = layers.ReLU()(x)\n')).toEqual([
      [2, 3],
      [4, 5],
    ]);
  });

  it('a function joins every binding of the names it reads, whenever it is called', () => {
    expect(islandsOf('import keras\nS = 8\ndef f():\n    return keras.Input((S, S, 1))\nS = 4\nt = f()\n')).toEqual([[1, 2, 3, 4]]);
  });

  it("a function's own parameters and locals do not join anything", () => {
    expect(islandsOf('import keras\nx = 1\ndef f(x):\n    y = x\n    return y\nz = 2\n')).toEqual([[1], [2], [3]]);
  });

  it('a loop binds only maybe: an earlier binding still reaches past it', () => {
    expect(islandsOf('import keras\nx = 1\nfor i in []:\n    x = 2\ny = x\n')).toEqual([[1, 2, 3]]);
  });

  it('two definitions of one function are one island (the interpreter keeps the last by name)', () => {
    expect(islandsOf('import keras\ndef f():\n    pass\na = 1\ndef f():\n    pass\n')).toEqual([[1, 3], [2]]);
  });

  it('an import read before it runs, or also bound by an assignment, is an ordinary statement', () => {
    expect(islandsOf('x = np\nimport numpy as np\ny = np\n')).toEqual([[0], [1, 2]]);
    expect(islandsOf('import numpy as np\ny = np\nnp = 2\nz = np\n')).toEqual([[0, 1], [2, 3]]);
  });

  it('a return, break or continue at module level (CPython refuses it) ends only its statement: the run and the islands go on', () => {
    expect(islandsOf('import keras\nx = 1\nreturn x\ny = 2\nbreak\nz = y\n')).toEqual([[1, 2], [3, 5], [4]]);
    const text = 'import keras\nfrom keras import layers\nx = keras.Input((8, 8, 1))\nreturn x\nbreak\ny = layers.Conv2D(2, 3)(x)\n';
    expect(agree(text, 'file:///module-return.py').layers.map((l) => [l.className, l.result.output])).toEqual([
      ['Input', [null, 8, 8, 1]],
      ['Conv2D', [null, 6, 6, 2]],
    ]);
  });

  it('none where names do not show how statements meet', () => {
    expect(islandsOf('from keras.layers import *\nx = 1\n')).toBe('a star import');
    expect(islandsOf('import keras\nm = keras.Model()\nl = m.get_layer("a")\n')).toBe('get_layer()');
    expect(islandsOf('import keras\nkeras.config.set_image_data_format("channels_first")\n')).toBe('set_image_data_format()');
  });
});
