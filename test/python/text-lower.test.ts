// Lowering from the text alone (lowerText) must give exactly what lowering the tree-sitter tree
// gives (lowerTree), and give up (null) on every text tree-sitter finds an error in: the
// analysis of a file must not depend on which path read it. Differential tests on every Python
// file in the repository, generated Keras files, random programs (valid and broken) and random
// edits of real files, plus the corners of tree-sitter-python's comment and block rules.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Parser } from 'web-tree-sitter';
import type { Module } from '../../server/src/python/ast';
import { lowerTree } from '../../server/src/python/fast-lower';
import { LoweringCache } from '../../server/src/python/lowering-cache';
import { createPythonParser } from '../../server/src/python/parser';
import { rescan, segmentStarts, type ScannedText } from '../../server/src/python/segments';
import { lowerText, type TextLowerStats } from '../../server/src/python/text-lower';
// @ts-expect-error plain JavaScript module without type declarations
import { generateKerasFile } from '../bench/generate.mjs';
import { fc, runs } from '../engine/fc-config';
import { mutatedProgramText, programText } from './python-gen';
import { repositoryPythonFiles, repositoryRoot as root } from './repository-files';

const generate = generateKerasFile as (lines: number, seed?: number) => string;

let parser: Parser;
beforeAll(async () => {
  parser = await createPythonParser();
});

/** The tree path's lowering, and whether tree-sitter found an error. */
function viaTree(text: string): { module: Module; hasError: boolean } {
  const tree = parser.parse(text);
  if (!tree) throw new Error('parse failed');
  try {
    return { module: lowerTree(tree.rootNode, text), hasError: tree.rootNode.hasError };
  } finally {
    tree.delete();
  }
}

/** Asserts the text path agrees with the tree path (or gave up); returns what it gave. */
function agree(text: string): Module | null {
  const stats: TextLowerStats = {};
  const fromText = lowerText(text, undefined, stats);
  if (fromText === null) {
    // A give-up must be a FastPathMiss (a reason), never an exception from a bug.
    expect(stats.reason, text).not.toMatch(/\n\s+at /);
    return null;
  }
  const { module, hasError } = viaTree(text);
  expect(hasError, `tree-sitter finds an error in:\n${text}`).toBe(false);
  expect(fromText).toStrictEqual(module);
  return fromText;
}

describe('the text path equals the tree path on repository files', () => {
  const files = repositoryPythonFiles();
  it('finds files to check', () => {
    expect(files.length).toBeGreaterThan(20);
  });
  for (const file of files) {
    it(path.relative(root, file), () => {
      const text = readFileSync(file, 'utf8');
      const got = agree(text);
      // Files tree-sitter reads without error are read by the text path too (or say why not).
      if (!viaTree(text).hasError && got === null) {
        const stats: TextLowerStats = {};
        lowerText(text, undefined, stats);
        expect.soft(stats.reason, path.relative(root, file)).toBeUndefined();
      }
    });
  }
});

describe('the text path equals the tree path on generated and random programs', () => {
  it('generated Keras files of 50 to 3,000 lines, read entirely from the text', () => {
    for (const [lines, seed] of [[50, 1], [500, 2], [3000, 3]]) {
      const text = generate(lines, seed);
      expect(agree(text), `${lines} lines`).not.toBeNull();
    }
  });

  it('random valid programs: the same module, and most are read from the text', () => {
    let read = 0;
    let total = 0;
    fc.assert(
      fc.property(programText, (text) => {
        total++;
        if (agree(text)) read++;
      }),
      runs(2000, 81),
    );
    // The generator leans on rare syntax (soft keywords as names, lambdas in headers, `print`
    // statements) that the text path leaves to tree-sitter; a path that gave up on nearly all of
    // it would make this test pass without checking anything. (Real files: see above.)
    expect(read / total).toBeGreaterThan(0.1);
  });

  it('random broken programs: never read differently, never read when tree-sitter finds an error', () => {
    fc.assert(
      fc.property(mutatedProgramText, (text) => {
        agree(text);
      }),
      runs(3000, 82),
    );
  });

  it('random edits of real files: a character or a line typed, deleted or duplicated anywhere', () => {
    const files = repositoryPythonFiles().map((f) => readFileSync(f, 'utf8'));
    const pieces = ['(', ')', '[', ']', ':', '#', '"', "'", '"""', '\\', '\n', '    ', '  ', '\t', 'else:', 'elif x:', 'except:', 'finally:', '@d\n', 'pass', '# c\n', ';', 'lambda: 0', 'def f():', 'if x:\n    ', 'match x:', 'print x', 'type X = int', 'async ', '\r\n'];
    fc.assert(
      fc.property(fc.nat({ max: files.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom(...pieces), fc.boolean()), { minLength: 1, maxLength: 3 }), (f, edits) => {
        let s = files[f];
        for (const [at, len, piece, insert] of edits) {
          const i = at % (s.length + 1);
          s = insert ? s.slice(0, i) + piece + s.slice(i) : s.slice(0, i) + s.slice(i + len);
        }
        agree(s);
      }),
      runs(1500, 83),
    );
  });
});

describe("tree-sitter-python's block and comment rules", () => {
  const cases: Record<string, string> = {
    'a comment at column 0 inside a block that goes on': 'if a:\n    b = 1\n# c0\n    c = 2\nd = 3\n',
    'trailing comments at and below the block indentation': 'if a:\n    b = 1\n    # c4\n# c0\nd = 3\n',
    'a comment after blank lines in a def': 'def f():\n    x = 1\n\n    # tail\n\n\ny = 2\n',
    'a comment indented less than the block': 'def f():\n    x = 1\n  # two\ny = 2\n',
    'one-line blocks with a trailing comment': 'if a: b = 1\nelse: c = 2 # e\n',
    'a comment inside brackets': 'x = (1,\n# inner\n 2)\n',
    'for/else and a comment after': 'for i in r:\n    pass\nelse:\n    pass\n# z\n',
    'comments before the first statement of a block': 'def f():  # hdr\n\n  # first\n    x = 1\n',
    'decorators with a comment between': '@d\n# c\n@e(1)\ndef f(): pass\n',
    'comments closing nested blocks one by one': 'class A:\n    def f(self):\n        x = 1\n      # six\n    # four\n  # two\ny = 1\n',
    'a comment between a block and its else': 'if a:\n    if b:\n        c = 1\n    # four\n\n# zero\nelse:\n    d = 2\n',
    'try/except/else/finally': 'try:\n    a\n# z\nexcept E as e:\n    b\nexcept:\n    pass\nelse:\n    c\nfinally:\n    d\n',
    'a line continuation': 'x = 1 \\\n  + 2\n',
    'a trailing comment in the last block at the end of the file': 'while x:\n    pass\n    # t',
    'the trailing comment of the last statement in a block': 'if a:\n    b = 1  # c\nx = 2\n',
    'elif chains': 'if a:\n    x = 1\nelif b:\n    x = 2\nelif c: x = 3\nelse:\n    x = 4\n',
    'print and exec calls': 'print(x)\nexec(y)\n',
    'soft keywords as names': 'match = 3\nmatch.group(1)\ny = type(x)\ntype = 2\n',
    'CRLF line breaks': 'if a:\r\n    b = 1  # c\r\n    # d\r\nx = 2\r\n',
    'non-ASCII text in strings, names and comments': "é = 'ü'  # 日本\ndef f(ß):\n    return '😀'\n",
    'with, class bases, returns and annotations': 'with open(f) as g, h:\n    pass\nclass A(B, metaclass=M):\n    x: int = 3\n    def f(self, a: int = 1) -> Dict[str, int]:\n        return a\n',
    'semicolons': 'a = 1; b = 2\nc = 3;\nif a: b = 1; c = 2;  # e\n',
    'async definitions, loops and withs': 'async def f():\n    async for x in y:\n        pass\n    async with a as b: pass\n@d\nasync def g(): pass\n',
    'other statements': 'def f():\n    global g\n    del a[0], b\n    assert x, "m"\n    raise E from e\n    raise\nfrom __future__ import annotations\n',
    'comments between a decorator and its definition in a block, at or beyond its indentation': 'if a:\n    @d\n    # c\n        # d\n    @e\n    def f(): pass\n',
    'annotations tree-sitter reads as types': 'def f(x: a.b[c][d], y: [a[b][c]], z: a[b].c, w: \'a\'[b][c]) -> a[b[c]]: pass\nv: Dict[str, List[int]] = {}\n',
    'type as a name and called in an expression': 'x = type(y)\ntype.x = 1\ntype = 2\nif type(x) == y: pass\n',
  };
  for (const [name, text] of Object.entries(cases)) {
    it(name, () => {
      expect(agree(text), 'read from the text').not.toBeNull();
    });
  }

  const givesUp: Record<string, string> = {
    'a syntax error': 'x = (1,\n',
    'tabs in indentation': 'if a:\n\tb = 1\n',
    'a match statement': 'match x:\n    case 1:\n        pass\n',
    'a Python 2 exec statement': 'exec code in ns\n',
    "Python 2's print statement": 'print x\n',
    'a type alias': 'type X = int\n',
    'an orphan else': 'else:\n    pass\n',
    'an unexpected indent': 'a = 1\n    b = 2\n',
    'a missing block': 'if a:\nb = 1\n',
    'try without except': 'try:\n    a\nb = 1\n',
    'a NUL character': 'a = 1\0\n',
    'a lone carriage return': 'a = 1\rb = 2\n',
    'a vertical tab (an error there before a line break)': 'x = 1\v\ny = 2\n',
    // tree-sitter-python takes a comment indented less than the decorator for a dedent.
    'a comment indented less than a decorator in a block': 'if a:\n    @d\n  # c\n    def f(): pass\n',
    'a comment at column 0 after a decorator in a block': 'if a:\n    @d\n    # c\n# d\n    @e\n    def f(): pass\n',
    // Its type grammar reads `a[b]` as a generic type, which takes no subscript after it.
    'a subscript of a generic type in a parameter annotation': 'def f(x: a[b][c]): pass\n',
    'a subscript of a member of a generic type in an annotation': 'x: a[b].c[d] = 1\n',
    'a subscript of a generic type in a return annotation': 'def f() -> a[1][c]: pass\n',
    'a subscript of a generic type inside a generic type': 'def f(x: a[b, c[d][e]]): pass\n',
    // `type (x).y = 1` is a type alias statement there, and it looks for the `=` on the next lines.
    'an assignment to an attribute of type(...)': 'type(x).y = 1\n',
    'an assignment to a subscript of type(...)': 'type(x)[0] = 1\n',
    'a statement type(...) and a line starting with ( after it': 'type(x)\n(y) = 1\n',
    'a statement type(...) and a line starting with ( after a blank line': 'if a:\n    type(x)\n\n    (y) = 1\n',
  };
  for (const [name, text] of Object.entries(givesUp)) {
    it(`gives up on ${name}`, () => {
      expect(agree(text)).toBeNull();
    });
  }
});

describe('deep nesting gives up through the depth checks, never a stack overflow', () => {
  const nestedIfs = (n: number): string => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}if x:\n`).join('') + `${' '.repeat(n)}pass\n`;
  const cases: Record<string, string> = {
    '1,000 nested blocks': nestedIfs(1000),
    'a chain of 30,000 powers': `x = ${'2 ** '.repeat(30_000)}1\n`,
    '2,000 nested f-strings': `x = ${'f"{'.repeat(2000)}1${'}"'.repeat(2000)}\n`,
    '50,000 nested parentheses': `x = ${'('.repeat(50_000)}1${')'.repeat(50_000)}\n`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(name, () => {
      const stats: TextLowerStats = {};
      expect(lowerText(text, undefined, stats)).toBeNull();
      expect(stats.reason).toMatch(/nested too deeply/);
    });
  }

  it('reads blocks nested as deeply as real code goes', () => {
    expect(agree(nestedIfs(40))).not.toBeNull();
  });
});

describe('segments reused between versions of a document', () => {
  it('gives the same module with and without the cache, edit after edit', () => {
    const base = generate(400, 5);
    const cache = new LoweringCache();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.constantFrom('1', '\n', ' ', '# x\n', '    ', 'y = 2\n', '')), { minLength: 1, maxLength: 8 }), (edits) => {
        let text = base;
        for (const [at, piece] of edits) {
          const i = at % (text.length + 1);
          text = piece === '' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + piece + text.slice(i);
          const cached = lowerText(text, cache);
          const fresh = lowerText(text);
          expect(cached).toStrictEqual(fresh);
          if (fresh) expect(fresh).toStrictEqual(viaTree(text).module);
        }
      }),
      runs(60, 84),
    );
  });

  it('finds segment starts after an edit as a scan of the whole text does', () => {
    const texts = [...repositoryPythonFiles().map((f) => readFileSync(f, 'utf8')), generate(300, 7)];
    const pieces = ['1', '\n', ' ', '(', ')', '"', "'''", '#', '@d\n', 'else:\n', 'x = 1\n', '\\\n', ''];
    fc.assert(
      fc.property(fc.nat({ max: texts.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 30 }), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 5 }), (f, edits) => {
        let text = texts[f];
        let before: ScannedText = { text, starts: segmentStarts(text) };
        for (const [at, len, piece] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + piece + text.slice(piece === '' ? i + len : i);
          const { starts } = rescan(text, before);
          expect(starts).toEqual(segmentStarts(text));
          before = { text, starts };
        }
      }),
      runs(1500, 85),
    );
  });

  it('reuses the statements of unchanged segments', () => {
    const cache = new LoweringCache();
    const text = 'a = 1\n\ndef f(x):\n    return x\n\nb = f(2)\n';
    const first = lowerText(text, cache);
    const second = lowerText(`# new\n${text}`, cache);
    expect(second?.body[1]).toBe(first?.body[1]);
    expect(second?.body[1].span.start).toBe(text.indexOf('def') + 6);
  });

  it('keeps the segments of a version it could not read (an unclosed bracket while typing)', () => {
    const cache = new LoweringCache();
    const text = 'a = 1\n\ndef f(x):\n    return x\n\nb = f(2)\n';
    const first = lowerText(text, cache);
    expect(lowerText(`${text}c = (\n`, cache)).toBeNull();
    const third = lowerText(`# new\n${text}`, cache);
    expect(third?.body[1]).toBe(first?.body[1]);
    expect(third).toStrictEqual(viaTree(`# new\n${text}`).module);
  });
});
