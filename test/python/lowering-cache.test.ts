// The per-document lowering cache (statements reused across edits, shifted when they move) must
// give exactly what lowering the new text from scratch gives, edit after edit.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Parser } from 'web-tree-sitter';
import { lowerTree } from '../../server/src/python/fast-lower';
import { LoweringCache } from '../../server/src/python/lowering-cache';
import { createPythonParser } from '../../server/src/python/parser';

const root = path.join(__dirname, '..', '..');
const sources = [
  ...readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.py')).map((f) => path.join(root, 'examples', f)),
  ...readdirSync(path.join(root, 'test', 'fixtures', 'python')).map((f) => path.join(root, 'test', 'fixtures', 'python', f)),
].map((f) => readFileSync(f, 'utf8'));

let parser: Parser;
beforeAll(async () => {
  parser = await createPythonParser();
});

function lower(text: string, cache?: LoweringCache) {
  const tree = parser.parse(text);
  if (!tree) throw new Error('no tree');
  try {
    return lowerTree(tree.rootNode, text, undefined, cache);
  } finally {
    tree.delete();
  }
}

/** One edit as a user makes them: a character typed or deleted, a line inserted or removed. */
const edit = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  kind: fc.constantFrom('type-digit', 'delete-char', 'newline', 'comment-line', 'delete-line', 'type-paren'),
});

function apply(text: string, e: { at: number; kind: string }): string {
  const i = Math.floor(e.at * text.length);
  const lineStart = text.lastIndexOf('\n', i - 1) + 1;
  switch (e.kind) {
    case 'type-digit':
      return text.slice(0, i) + '7' + text.slice(i);
    case 'delete-char':
      return text.slice(0, i) + text.slice(i + 1);
    case 'newline':
      return text.slice(0, lineStart) + '\n' + text.slice(lineStart);
    case 'comment-line':
      return text.slice(0, lineStart) + '# note é 形状 😀\n' + text.slice(lineStart);
    case 'delete-line': {
      const end = text.indexOf('\n', lineStart);
      return end < 0 ? text.slice(0, lineStart) : text.slice(0, lineStart) + text.slice(end + 1);
    }
    default:
      return text.slice(0, i) + '(' + text.slice(i);
  }
}

describe('lowering cache', () => {
  it('equals a fresh lowering after every edit of a sequence', () => {
    let edits = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sources.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 12 }), (which, seq) => {
        const cache = new LoweringCache();
        let text = sources[which];
        expect(lower(text, cache)).toEqual(lower(text));
        for (const e of seq) {
          text = apply(text, e);
          edits++;
          expect(lower(text, cache)).toEqual(lower(text));
        }
      }),
      { numRuns: 150, seed: 20261122 },
    );
    expect(edits).toBeGreaterThan(500);
  });

  it('reuses unchanged statements: the same objects, moved by an edit above them', () => {
    const cache = new LoweringCache();
    const text = 'import keras\nx = keras.Input((8, 8, 1))\ny = 3\n';
    const first = lower(text, cache);
    const second = lower('\n' + text, cache);
    expect(second.body[2]).toBe(first.body[2]);
    // "import keras\n" is 13 characters, the Input line 27 with its break: 40, one more for the new line.
    expect(second.body[2].span).toEqual({ start: 41, end: 46 });
  });

  it('with many equal statements, takes the one that did not move, else the first left, and equals a fresh lowering', () => {
    // Equal lines share a text: before, each took a search and a splice of all of them.
    const lines = Array.from({ length: 400 }, () => 'a = 1');
    const cache = new LoweringCache();
    const text = lines.join('\n') + '\n';
    const first = lower(text, cache);
    // A line typed in the middle: every statement found at a place one had before is that one
    // (none moves); the last, at a new place, is the first left (the one the new line replaced).
    const edited = [...lines.slice(0, 200), 'b = 2', ...lines.slice(200)].join('\n') + '\n';
    const second = lower(edited, cache);
    expect(second).toEqual(lower(edited));
    expect(second.body[10]).toBe(first.body[10]);
    expect(second.body[300]).toBe(first.body[300]);
    expect(second.body[400]).toBe(first.body[200]);
    expect(second.body[400].span.start).toBe(400 * 6);
    const third = lower(edited.replace('b = 2\n', ''), cache);
    expect(third).toEqual(lower(text));
  });
});

