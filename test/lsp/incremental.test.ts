// Incremental parsing: every content change becomes a tree edit computed from the text before
// it, and re-parsing the edited old tree must give exactly the tree a fresh parse gives (node
// types, offsets and row/column points), except where tree-sitter's error recovery differs
// between the two: a text with a syntax error is parsed afresh. Also: the tree cache deletes
// every tree it lets go of, and edits of a 500-line file (timings: \`npm run bench\`).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Tree } from 'web-tree-sitter';
import { Analyzer, MAX_FRESH_REPARSE_CHARS } from '../../server/src/analysis';
import { defaultAnalysisConfig } from '../../server/src/config';
import { TreeCache } from '../../server/src/lsp/tree-cache';
import { checkChange, type NotebookChange } from '../../server/src/lsp/notebook-params';
import { diffRange } from '../../server/src/lsp/tree-edits';
import { NotebookUnit, TextUnit } from '../../server/src/lsp/units';
import { TestClient, hintSummary, positionOf } from './harness';

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await Analyzer.create();
});
afterAll(() => {
  analyzer.dispose();
});

/** Every node: type, offsets and points, in document order. */
function nodes(tree: Tree): string[] {
  const out: string[] = [];
  const cursor = tree.walk();
  try {
    for (;;) {
      const n = cursor.currentNode;
      out.push(`${n.type} ${n.startIndex}-${n.endIndex} ${n.startPosition.row}:${n.startPosition.column}-${n.endPosition.row}:${n.endPosition.column}`);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return out;
      }
    }
  } finally {
    cursor.delete();
  }
}

function fresh(text: string): string[] {
  const tree = analyzer.parse(text);
  if (!tree) throw new Error('parse failed');
  try {
    return nodes(tree);
  } finally {
    tree.delete();
  }
}

/** Parses the unit incrementally with the cache's edited tree, stores the new tree. */
function reparse(trees: TreeCache, key: string, text: string): string[] {
  const tree = analyzer.parse(text, trees.get(key));
  if (!tree) throw new Error('parse failed');
  trees.set(key, tree);
  return nodes(tree);
}

const BASE = [
  'import keras',
  'from keras import layers',
  '# é 形状 😀',
  'inputs = keras.Input(shape=(64, 64, 3))',
  'x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)  # 😀😀',
  'def f(y):',
  '    return layers.Conv2D(4, 1)(y)',
  '',
].join('\n');

function snap(text: string, offset: number): number {
  const prev = text.charCodeAt(offset - 1);
  const cur = text.charCodeAt(offset);
  if (prev === 13 && cur === 10) return offset + 1;
  if (prev >= 0xd800 && prev <= 0xdbff && cur >= 0xdc00 && cur <= 0xdfff) return offset + 1;
  return offset;
}

const PIECES = ['x', '😀', 'é', '形', '\n', '\r\n', '(', ')', ' = ', 'layers.Conv2D(1, 1)(x)\n', '    ', '"', '#', ':', ''];

describe('tree edits from LSP changes', () => {
  it('give the same tree as a fresh parse, for random edit sequences (LF and CRLF, non-ASCII)', () => {
    const edit = fc.record({ start: fc.nat(), length: fc.nat({ max: 12 }), piece: fc.constantFrom(...PIECES), twice: fc.boolean() });
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.array(edit, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }), (crlf, batches) => {
        const trees = new TreeCache(4);
        let text = crlf ? BASE.replace(/\n/g, '\r\n') : BASE;
        const unit = new TextUnit('file:///p.py', 1, text);
        reparse(trees, unit.key, text);
        try {
          let version = 1;
          for (const batch of batches) {
            // One didChange with several changes, each against the text after the previous one.
            const changes = batch.map((e) => {
              // Editors never place a position inside a \r\n or a surrogate pair.
              const start = snap(text, Math.min(e.start, text.length));
              const end = snap(text, Math.min(start + e.length, text.length));
              const inserted = e.twice ? e.piece + e.piece : e.piece;
              const range = { start: positionOf(text, start), end: positionOf(text, end) };
              text = text.slice(0, start) + inserted + text.slice(end);
              return { range, text: inserted };
            });
            unit.applyChanges(changes, ++version, (ed) => trees.edit(unit.key, ed));
            expect(unit.text).toBe(text);
            expect(reparse(trees, unit.key, text)).toEqual(fresh(text));
          }
        } finally {
          trees.dispose();
        }
      }),
      { numRuns: 60, seed: 20240611 },
    );
  });

  it('handle a lone carriage return (tree-sitter counts rows at \\n only)', () => {
    const trees = new TreeCache(2);
    const text = 'a = 1\rb = 2\nc = (\n  3)\n';
    const unit = new TextUnit('file:///cr.py', 1, text);
    reparse(trees, unit.key, text);
    unit.applyChanges([{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 2 } }, text: '😀 + ' }], 2, (e) => trees.edit(unit.key, e));
    expect(unit.text).toBe('a = 1\rb = 2\nc = (\n😀 + 3)\n');
    expect(reparse(trees, unit.key, unit.text)).toEqual(fresh(unit.text));
    trees.dispose();
  });

  it('treat a full-text change as the changed middle only', () => {
    expect(diffRange('abcdef', 'abXYef')).toEqual({ start: 2, oldEnd: 4, inserted: 'XY' });
    expect(diffRange('same', 'same')).toBeUndefined();
    // Never split a surrogate pair: 😀 is \ud83d\ude00, 😁 is \ud83d\ude01.
    expect(diffRange('a😀b', 'a😁b')).toEqual({ start: 1, oldEnd: 3, inserted: '😁' });
    const trees = new TreeCache(2);
    const unit = new TextUnit('file:///full.py', 1, BASE);
    reparse(trees, unit.key, BASE);
    const next = BASE.replace('strides=2', 'strides=(2, 1)');
    unit.applyChanges([{ text: next }], 2, (e) => trees.edit(unit.key, e));
    expect(reparse(trees, unit.key, next)).toEqual(fresh(next));
    trees.dispose();
  });

  it('map notebook cell edits and cell moves onto the joined text', () => {
    /** A didChange as the server takes it: checked first (nothing in these is malformed). */
    const checked = (params: unknown): NotebookChange => {
      const change = checkChange(params);
      if ('malformed' in change || change.skipped.length > 0) throw new Error(`malformed: ${JSON.stringify(change)}`);
      return change;
    };
    const trees = new TreeCache(2);
    const cells = [
      { kind: 2 as const, document: 'c0' },
      { kind: 1 as const, document: 'c1' },
      { kind: 2 as const, document: 'c2' },
    ];
    const docs = [
      { uri: 'c0', languageId: 'python', version: 1, text: 'import keras\nx = keras.Input((8, 8, 1))' },
      { uri: 'c1', languageId: 'markdown', version: 1, text: '# title' },
      { uri: 'c2', languageId: 'python', version: 1, text: 'y = keras.layers.Conv2D(2, 3)(x)  # 😀' },
    ];
    const nb = new NotebookUnit('nb', 'jupyter-notebook', cells, docs);
    expect(nb.text).toBe('import keras\nx = keras.Input((8, 8, 1))\ny = keras.layers.Conv2D(2, 3)(x)  # 😀\n');
    reparse(trees, nb.key, nb.text);
    const edit = (e: Parameters<TreeCache['edit']>[1]) => trees.edit(nb.key, e);
    nb.applyChange(
      checked({ notebookDocument: { uri: 'nb', version: 2 }, change: { cells: { textContent: [{ document: { uri: 'c2', version: 2 }, changes: [{ range: { start: { line: 0, character: 24 }, end: { line: 0, character: 25 } }, text: '16' }] }] } } }),
      edit,
    );
    expect(nb.text).toBe('import keras\nx = keras.Input((8, 8, 1))\ny = keras.layers.Conv2D(16, 3)(x)  # 😀\n');
    expect(reparse(trees, nb.key, nb.text)).toEqual(fresh(nb.text));
    nb.applyChange(
      checked({ notebookDocument: { uri: 'nb', version: 3 }, change: { cells: { structure: { array: { start: 0, deleteCount: 3, cells: [cells[2], cells[1], cells[0]] } } } } }),
      edit,
    );
    expect(nb.text).toBe('y = keras.layers.Conv2D(16, 3)(x)  # 😀\nimport keras\nx = keras.Input((8, 8, 1))\n');
    expect(reparse(trees, nb.key, nb.text)).toEqual(fresh(nb.text));
    // Offsets map back to cells: `Conv2D` of c2 is at line 0, character 17 of its cell.
    const at = nb.text.indexOf('Conv2D');
    expect(nb.locate({ start: at, end: at + 6 })).toEqual({ uri: 'c2', range: { start: { line: 0, character: 17 }, end: { line: 0, character: 23 } } });
    expect(nb.offsetAt('c0', { line: 1, character: 4 })).toBe(nb.text.indexOf('keras.Input'));
    trees.dispose();
  });
});

describe('a text with a syntax error', () => {
  // Found by the protocol fuzz (seed 777001), then shrunk: tree-sitter's incremental parse of
  // this broken text (the old tree edited by the tab typed after `é`) recovers differently from
  // a fresh parse of the same text, and lost the Conv2DTranspose call the fresh parse keeps.
  const before = 'def d():\n 3,ét r\nfrom keras import layers\n)\n(\nf h\n((3,()\n 6)|layers.Conv2DTranspose()';
  const at = before.indexOf('é') + 1;
  const after = before.slice(0, at) + '\t' + before.slice(at);
  const typeTab = { range: { start: positionOf(before, at), end: positionOf(before, at) }, text: '\t' };

  it('is parsed as a fresh parse would, whatever the edit before it', () => {
    const trees = new TreeCache(2);
    const unit = new TextUnit('file:///broken.py', 1, before);
    const first = analyzer.parseEdited(before, undefined);
    if (!first) throw new Error('parse failed');
    trees.set(unit.key, first);
    unit.applyChanges([typeTab], 2, (e) => trees.edit(unit.key, e));
    expect(unit.text).toBe(after);
    const tree = analyzer.parseEdited(after, trees.get(unit.key));
    if (!tree) throw new Error('parse failed');
    trees.set(unit.key, tree);
    expect(tree.rootNode.hasError).toBe(true);
    expect(nodes(tree)).toEqual(fresh(after));
    trees.dispose();
  });

  it('is parsed incrementally when it is too large to parse afresh at every keystroke', () => {
    // An unclosed bracket typed at the top of a text over the limit.
    const code = 'x = layers.Conv2D(8, 3)(x)\n'.repeat(Math.ceil(MAX_FRESH_REPARSE_CHARS / 27) + 1);
    const large = 'y = layers.Conv2D(8, 3)(\n' + code;
    expect(large.length).toBeGreaterThan(MAX_FRESH_REPARSE_CHARS);
    const kept = analyzer.parse(large);
    if (!kept) throw new Error('parse failed');
    expect(kept.rootNode.hasError).toBe(true);
    const typed = large.replace('(8, 3)(\n', '(8, 3)(1\n');
    const at = large.indexOf('(\n') + 1;
    kept.edit({ startIndex: at, oldEndIndex: at, newEndIndex: at + 1, startPosition: { row: 0, column: at }, oldEndPosition: { row: 0, column: at }, newEndPosition: { row: 0, column: at + 1 } });
    const parse = vi.spyOn(analyzer, 'parse');
    try {
      const tree = analyzer.parseEdited(typed, kept);
      expect(parse.mock.calls.map((c) => c[1] === kept)).toEqual([true]);
      tree?.delete();
    } finally {
      parse.mockRestore();
      kept.delete();
    }
  });

  it('gets the diagnostics of a fresh analysis from the server after the edit', async () => {
    const fromScratch = analyzer.analyzeText(after, defaultAnalysisConfig()).diagnostics;
    expect(fromScratch.map((d) => d.code)).toEqual(['invalid-layer-argument']);
    const client = await TestClient.start();
    try {
      const uri = 'file:///broken.py';
      await client.open(uri, before);
      // Analysed once, so that the server keeps the tree the edit goes to.
      await client.diagnosticsFor(uri);
      await client.change(uri, [typeTab]);
      const diagnostics = await client.diagnosticsFor(uri);
      expect(diagnostics.map((d) => [d.code, d.range.start.line, d.message])).toEqual([['invalid-layer-argument', 7, fromScratch[0].message]]);
    } finally {
      await client.stop();
    }
  });
});

describe('the tree cache', () => {
  function fakeTree(log: string[], name: string): Tree {
    return { delete: () => log.push(`delete ${name}`), edit: () => log.push(`edit ${name}`) } as unknown as Tree;
  }

  it('deletes trees it replaces, evicts the least recently used, and deletes all on dispose', () => {
    const log: string[] = [];
    const cache = new TreeCache(2);
    cache.set('a', fakeTree(log, 'a1'));
    cache.set('b', fakeTree(log, 'b1'));
    cache.set('a', fakeTree(log, 'a2')); // replaces a1
    expect(log).toEqual(['delete a1']);
    cache.get('b'); // b is now the most recently used
    cache.set('c', fakeTree(log, 'c1')); // evicts a2
    expect(log).toEqual(['delete a1', 'delete a2']);
    expect(cache.has('a')).toBe(false);
    cache.edit('b', { startIndex: 0, oldEndIndex: 0, newEndIndex: 1, startPosition: { row: 0, column: 0 }, oldEndPosition: { row: 0, column: 0 }, newEndPosition: { row: 0, column: 1 } });
    cache.edit('a', { startIndex: 0, oldEndIndex: 0, newEndIndex: 1, startPosition: { row: 0, column: 0 }, oldEndPosition: { row: 0, column: 0 }, newEndPosition: { row: 0, column: 1 } });
    expect(log.at(-1)).toBe('edit b1');
    cache.delete('b');
    expect(log.at(-1)).toBe('delete b1');
    cache.dispose();
    expect(log.at(-1)).toBe('delete c1');
    expect(cache.size).toBe(0);
  });
});

describe('a 500-line file', () => {
  // A 500-line model file: a U-Net-like model (about 30 layers) among ordinary Python code.
  function bigFile(): string {
    const lines = ['import keras', 'from keras import layers', '', 'inputs = keras.Input(shape=(256, 256, 3))', 'x = inputs', 'skips = []'];
    for (const f of [16, 32, 64, 128]) {
      lines.push(`x = layers.Conv2D(${f}, 3, padding="same", activation="relu")(x)`, `x = layers.Conv2D(${f}, 3, padding="same", activation="relu")(x)`);
      lines.push('skips.append(x)', 'x = layers.MaxPooling2D(2)(x)');
    }
    for (const f of [128, 64, 32, 16]) {
      lines.push(`x = layers.Conv2DTranspose(${f}, 2, strides=2, padding="same")(x)`, 'x = layers.Concatenate()([x, skips.pop()])');
      lines.push(`x = layers.Conv2D(${f}, 3, padding="same", activation="relu")(x)`);
    }
    lines.push('outputs = layers.Conv2D(1, 1, activation="sigmoid")(x)', 'model = keras.Model(inputs, outputs)', '');
    for (let i = 0; lines.length < 500; i++) {
      lines.push(`def helper_${i}(data, scale=${i}):`, `    """Utility ${i}."""`, '    total = 0', '    for item in data:', '        total += item * scale  # accumulate');
      lines.push(`    return {"name": "h${i}", "value": total}`, '');
    }
    return lines.slice(0, 500).join('\n') + '\n';
  }

  it('is re-parsed incrementally into the tree a fresh parse gives, edit after edit', () => {
    const text = bigFile();
    expect(text.split('\n')).toHaveLength(501);
    const trees = new TreeCache(2);
    const unit = new TextUnit('file:///big.py', 1, text);
    reparse(trees, unit.key, text);
    for (let i = 0; i < 4; i++) {
      // Line 6 is `x = layers.Conv2D(16, ...`: toggle its first digit.
      unit.applyChanges([{ range: { start: { line: 6, character: 18 }, end: { line: 6, character: 19 } }, text: i % 2 === 0 ? '2' : '1' }], i + 2, (e) =>
        trees.edit(unit.key, e),
      );
      expect(unit.text.split('\n')[6]).toMatch(i % 2 === 0 ? /Conv2D\(26,/ : /Conv2D\(16,/);
      expect(reparse(trees, unit.key, unit.text)).toEqual(fresh(unit.text));
    }
    trees.dispose();
  });

  it("answers the edited layer's new shape in the visible range after each edit", async () => {
    const client = await TestClient.start({ debounceMs: 1000, lazyTooltips: true });
    try {
      const uri = 'file:///big.py';
      await client.open(uri, bigFile());
      const visible = { start: { line: 0, character: 0 }, end: { line: 60, character: 0 } };
      // 256 → 'same' convs keep the size; pools halve it: 128, 64, 32, 16; transposed convs double it.
      const first = hintSummary(await client.inlayHints(uri, visible));
      expect(first[0]).toBe('3:41 → (None, 256, 256, 3)');
      expect(first.at(-1)).toBe('34:54 → (None, 256, 256, 1)');
      for (let i = 0; i < 4; i++) {
        const filters = i % 2 === 0 ? '26' : '16';
        await client.change(uri, [{ range: { start: { line: 6, character: 18 }, end: { line: 6, character: 20 } }, text: filters }]);
        const hints = hintSummary(await client.inlayHints(uri, visible));
        expect(hints[1]).toBe(`6:62 → (None, 256, 256, ${filters})`);
        // The next layer takes the edited one's output: its hint is unchanged (same filters).
        expect(hints[2]).toBe(first[2]);
      }
    } finally {
      await client.stop();
    }
  });
});
