// The fast lowering (lowerTree: statement-level tree walk + JavaScript parser) must give
// exactly what the tree copy gives (lowerModule(copyTree(root))): same statements, same
// expressions, same spans, same comments. Differential tests on every Python file in the
// repository, on generated Keras files, on random programs (valid and broken), plus unit
// tests of the tokenizer and of grammar corners where tree-sitter differs from CPython.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Parser } from 'web-tree-sitter';
import type { Expr, Module, Stmt } from '../../server/src/python/ast';
import { lowerTree, type FastLowerStats } from '../../server/src/python/fast-lower';
import { lowerModule } from '../../server/src/python/lower';
import { createPythonParser } from '../../server/src/python/parser';
import { copyTree } from '../../server/src/python/syntax';
import { FastPathMiss, Lexer, T_END, T_NAME, T_NUMBER, T_OP, T_STRING } from '../../server/src/python/tokenize';
// @ts-expect-error plain JavaScript module without type declarations
import { generateKerasFile } from '../bench/generate.mjs';
import { fc, runs } from '../engine/fc-config';
import { expressionText, mutatedProgramText, programText } from './python-gen';
import { repositoryPythonFiles, repositoryRoot as root } from './repository-files';

const generate = generateKerasFile as (lines: number, seed?: number) => string;

let parser: Parser;
beforeAll(async () => {
  parser = await createPythonParser();
});

interface Lowered {
  fast: Module;
  slow: Module;
  stats: FastLowerStats;
}

function lowerBoth(text: string): Lowered {
  const tree = parser.parse(text);
  if (!tree) throw new Error('parse failed');
  try {
    const stats: FastLowerStats = { fallbacks: [] };
    const fast = lowerTree(tree.rootNode, text, stats);
    const slow = lowerModule(copyTree(tree.rootNode), text);
    return { fast, slow, stats };
  } finally {
    tree.delete();
  }
}

/** Asserts both lowerings agree and no unexpected exception sent the whole file the old way. */
function expectSame(text: string): FastLowerStats {
  const { fast, slow, stats } = lowerBoth(text);
  expect(stats.wholeFile).toBeUndefined();
  expect(fast).toStrictEqual(slow);
  return stats;
}

/** Lowers with the fast path, asserting it agrees with the old one and did not fall back. */
function fastOnly(text: string): Module {
  const { fast, slow, stats } = lowerBoth(text);
  expect(stats.wholeFile).toBeUndefined();
  expect(stats.fallbacks).toEqual([]);
  expect(fast).toStrictEqual(slow);
  return fast;
}

function firstExpr(text: string): Expr {
  const s = fastOnly(text).body[0];
  if (s.t === 'expr') return s.value;
  if (s.t === 'assign') return s.value;
  throw new Error(`not an expression statement: ${s.t}`);
}

describe('fast lowering equals the tree copy on repository files', () => {
  const files = repositoryPythonFiles();

  it('finds the Python files', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [path.relative(root, f), f]))('%s', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const stats = expectSame(text);
    const tree = parser.parse(text);
    const broken = tree?.rootNode.hasError ?? true;
    tree?.delete();
    // Error-free files go entirely the fast way.
    if (!broken) expect(stats.fallbacks).toEqual([]);
    expectSame(text.replace(/\n/g, '\r\n'));
  });

  it('handles the notebook example joined into one program', () => {
    const nb = JSON.parse(readFileSync(path.join(root, 'examples', 'notebook_unet.ipynb'), 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] };
    const text = nb.cells
      .filter((c) => c.cell_type === 'code')
      .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source))
      .join('\n');
    expectSame(text);
  });
});

describe('fast lowering equals the tree copy on generated Keras files', () => {
  it.each([
    [300, 1],
    [1000, 2],
    [3000, 3],
    [1000, 7],
    [10000, 1],
  ])('%i lines, seed %i', (lines, seed) => {
    const text = generate(lines, seed);
    const stats = expectSame(text);
    expect(stats.fallbacks).toEqual([]);
  });
});

describe('fast lowering equals the tree copy on random code', () => {
  let statements = 0;
  let fallbacks = 0;

  it('random expressions, as statements and assigned (3,000 runs)', () => {
    fc.assert(
      fc.property(expressionText, (e) => {
        expectSame(e + '\n');
        expectSame(`value = ${e}\n`);
      }),
      runs(3000, 71),
    );
  });

  it('random programs (1,500 runs)', () => {
    fc.assert(
      fc.property(programText, (text) => {
        const stats = expectSame(text);
        const { fast } = lowerBoth(text);
        statements += countStatements(fast.body);
        fallbacks += stats.fallbacks.length;
      }),
      runs(1500, 72),
    );
    // The generator writes much that tree-sitter reads in odd ways; still most goes the fast way.
    expect(fallbacks).toBeLessThan(statements * 0.25);
  });

  it('random programs broken by truncation, stray characters, deletions and CRLF (2,000 runs)', () => {
    fc.assert(
      fc.property(mutatedProgramText, (text) => {
        expectSame(text);
      }),
      runs(2000, 73),
    );
  });

  it('repository and generated files with random edits, as while typing (1,500 runs)', () => {
    const corpus = [
      ...repositoryPythonFiles().map((f) => readFileSync(f, 'utf8')),
      generate(150, 5),
    ];
    const edit = fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom('insert', 'delete', 'cut'), fc.constantFrom('(', ')', '[', ']', '"', "'", ':', ',', '=', '\n', '    ', '#', '\\', 'f"{', 'lambda', '*', 'é'));
    fc.assert(
      fc.property(fc.nat({ max: corpus.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 3 }), fc.boolean(), (which, edits, crlf) => {
        let text = corpus[which];
        for (const [at, len, kind, piece] of edits) {
          const i = at % (text.length + 1);
          if (kind === 'insert') text = text.slice(0, i) + piece + text.slice(i);
          else if (kind === 'delete') text = text.slice(0, i) + text.slice(i + len + 1);
          else text = text.slice(0, i);
        }
        expectSame(crlf ? text.replace(/\n/g, '\r\n') : text);
      }),
      runs(1500, 75),
    );
  });

  it('random strings of Python-ish characters (1,000 runs)', () => {
    const alphabet = fc.constantFrom(...'abcxy_é形😀0123456789()[]{}:=,.\'"#\\\n\r\t *+-/%<>!@&|^~fbrFBRu'.split(''), ' if ', ' for ', ' in ', ' lambda ', ' not ', '"""', "'''", '\n    ', 'def ', 'class ', '@');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (chars) => {
        expectSame(chars.join(''));
      }),
      runs(1000, 74),
    );
  });
});

function countStatements(body: Stmt[]): number {
  let n = 0;
  for (const s of body) {
    n++;
    if (s.t === 'def' || s.t === 'class' || s.t === 'with') n += countStatements(s.body);
    else if (s.t === 'if') for (const b of s.branches) n += countStatements(b.body);
    else if (s.t === 'for' || s.t === 'while') n += countStatements(s.body) + countStatements(s.orelse);
    else if (s.t === 'try') n += countStatements(s.body) + s.handlers.reduce((a, h) => a + countStatements(h), 0) + countStatements(s.orelse) + countStatements(s.finalbody);
  }
  return n;
}

describe('hostile documents', () => {
  it.each<[string, () => string]>([
    ['50,000 nested parentheses', () => 'x = ' + '('.repeat(50_000) + '1' + ')'.repeat(50_000) + '\n'],
    ['3,000 nested calls', () => 'y = ' + 'f('.repeat(3_000) + '1' + ')'.repeat(3_000) + '\n'],
    ['a 5,000-term sum', () => 'y = ' + Array.from({ length: 5000 }, (_, i) => `a${i}`).join(' + ') + '\n'],
    ['250 nested lists', () => 'y = ' + '['.repeat(250) + ']'.repeat(250) + '\n'],
    ['180 nested parentheses (just under lower.ts’s depth limit)', () => 'y = ' + '('.repeat(180) + 'a' + ')'.repeat(180) + '\n'],
    ['1,100 nested blocks', () => Array.from({ length: 1100 }, (_, i) => `${' '.repeat(i)}if x:\n`).join('') + ' '.repeat(1100) + 'y = 1\n'],
    ['a 100,000-character line', () => 'x = [' + '1, '.repeat(33_000) + ']\n'],
    ['random bytes', () => Array.from({ length: 5000 }, (_, i) => 'abc()[]{}:=,.\'"#\\\n\t 0123456789'[(i * 7919) % 33]).join('')],
    ['NUL bytes and lone surrogates', () => 'a = 1\0\0\nb = "\uD800"\nc = \uDC00\n'],
    ['a comment cut short by NUL (tree-sitter’s end of input)', () => 'try:\nexcept:#\0m'],
    ['a BOM and CRLF', () => '\uFEFFimport keras\r\nx = keras.Input((1,))\r\n'],
    ['half-typed code', () => 'inp = keras.Input((65, 65\nx = layers.Conv2D(32, 3, strides=2, padding="sa\ny = layers.\nz = (x\ndef g(:\n  return\nclass :\n'],
    ['an ERROR around everything', () => 'def print(tf,\r\n# c\r\n**x) -> int:\r\n    x = yield -tf;\r\n    from ...t import (a as b,\r\n        c as d'],
  ])('%s', (_name, make) => {
    expectSame(make());
  });
});

describe('grammar corners (tree-sitter, not CPython)', () => {
  it('reads ^ tighter than & and | (tree-sitter precedences)', () => {
    const e = firstExpr('a & b ^ c | d\n');
    expect(e).toMatchObject({ t: 'binary', op: '|', left: { op: '&', right: { op: '^' } } });
  });

  it('lets await take a power whole', () => {
    const m = fastOnly('async def f():\n    await a ** b\n');
    const s = m.body[0];
    expect(s.t === 'def' && s.body[0].t === 'expr' && s.body[0].value).toMatchObject({ t: 'binary', op: '**', span: { start: 25, end: 31 } });
  });

  it('stops a walrus value before `if`', () => {
    expect(firstExpr('x = (y := a if b else c)\n')).toMatchObject({ t: 'cond', body: { t: 'walrus', name: 'y', value: { t: 'name', id: 'a' } } });
    expect(firstExpr('x = (y := a or b)\n')).toMatchObject({ t: 'walrus', value: { t: 'boolop', op: 'or' } });
  });

  it('assigns `(a) = 1` to a one-element tuple pattern, but `(a).b = 1` to an attribute', () => {
    const m = fastOnly('(a) = 1\n(a).b = 1\n((a, b)) = c\n[x, (y)] = z\n');
    expect(m.body[0]).toMatchObject({ t: 'assign', targets: [{ t: 'tuple', items: [{ t: 'name', id: 'a' }], span: { start: 0, end: 3 } }] });
    expect(m.body[1]).toMatchObject({ t: 'assign', targets: [{ t: 'attr', obj: { t: 'name', id: 'a' }, name: 'b' }] });
    expect(m.body[2]).toMatchObject({ targets: [{ t: 'tuple', items: [{ t: 'tuple', items: [{ id: 'a' }, { id: 'b' }] }] }] });
    expect(m.body[3]).toMatchObject({ targets: [{ t: 'list', items: [{ id: 'x' }, { t: 'tuple', items: [{ id: 'y' }] }] }] });
  });

  it('keeps `a,` as one expression in a statement, but a tuple after = and return', () => {
    expect(fastOnly('a,\n').body[0]).toMatchObject({ t: 'expr', value: { t: 'name', id: 'a' } });
    expect(fastOnly('x = a,\n').body[0]).toMatchObject({ t: 'assign', value: { t: 'tuple', items: [{ id: 'a' }], span: { start: 4, end: 6 } } });
    const f = fastOnly('def f():\n    return a,\n').body[0];
    expect(f.t === 'def' && f.body[0]).toMatchObject({ t: 'return', value: { t: 'tuple', items: [{ id: 'a' }] } });
    // After a trailing comma tree-sitter may run on over the line break: `a,\nx = b` is one assignment.
    const { fast, stats } = lowerBoth('a,\nx = b\n');
    expect(fast.body).toHaveLength(1);
    expect(stats.fallbacks).toHaveLength(1);
    expectSame('a,\nx = b\n');
  });

  it('takes a subscript with several indices as a tuple spanning the subscript', () => {
    expect(firstExpr('a[1, ::2]\n')).toMatchObject({ t: 'subscript', index: { t: 'tuple', span: { start: 0, end: 9 }, items: [{ t: 'int' }, { t: 'slice', lo: null, hi: null, step: { value: 2 } }] } });
    expect(firstExpr('a[1,]\n')).toMatchObject({ t: 'subscript', index: { t: 'int', value: 1 } });
  });

  it('takes a comprehension over several iterables as a tuple spanning the clause', () => {
    expect(firstExpr('[x for x in a, b]\n')).toMatchObject({ t: 'comp', clauses: [{ iter: { t: 'tuple', span: { start: 3, end: 16 } } }] });
  });

  it('reads a starred lone operand directly, in any context', () => {
    for (const text of ['print(x, *e)\n', 'f(*args, **kw)\n', 'x = [*a, *(b, c), *"s"]\n', 'match(*e, x)\n']) fastOnly(text);
    expect(firstExpr('f(*args, **kw)\n')).toMatchObject({ t: 'call', args: [{ value: { id: 'args' }, star: '*' }, { value: { id: 'kw' }, star: '**' }] });
  });

  it('reads `with (a, b):` as two items, `with (a,):` as a tuple', () => {
    const m = fastOnly('with (a, b):\n    pass\nwith (a,):\n    pass\nwith (a) as b, c:\n    pass\n');
    expect(m.body[0]).toMatchObject({ t: 'with', items: [{ value: { id: 'a' } }, { value: { id: 'b' } }] });
    expect(m.body[1]).toMatchObject({ t: 'with', items: [{ value: { t: 'tuple' } }] });
    expect(m.body[2]).toMatchObject({ t: 'with', items: [{ value: { id: 'a' }, target: { id: 'b' } }, { value: { id: 'c' } }] });
  });

  it('gives operators their source with blanks collapsed', () => {
    expect(firstExpr('a not   in b is  not c\n')).toMatchObject({ t: 'compare', ops: ['not in', 'is not'] });
    expect(firstExpr('a <> b\n')).toMatchObject({ t: 'compare', ops: ['<>'] });
  });

  it('ignores line continuations and comments inside brackets', () => {
    expect(firstExpr('f(a, \\\n  b,  # the second\n  c)\n')).toMatchObject({ t: 'call', args: [{ value: { id: 'a' } }, { value: { id: 'b' } }, { value: { id: 'c' } }] });
    expect(firstExpr('a[1:  # lo\n  2]\n')).toMatchObject({ t: 'subscript', index: { t: 'slice', lo: { value: 1 }, hi: { value: 2 }, step: null } });
  });

  it('lowers the same literals as lower.ts', () => {
    const values = (src: string) => {
      const e = firstExpr(`x = ${src}\n`);
      return e.t === 'int' || e.t === 'float' || e.t === 'str' ? e.value : e.t === 'unknown' ? e.why : e.t;
    };
    expect(values('0x_fF')).toBe(255);
    expect(values('0o17')).toBe(15);
    expect(values('0b101')).toBe(5);
    expect(values('1_000')).toBe(1000);
    expect(values('007')).toBe(7);
    expect(values('10L')).toBe(10);
    expect(values('10j')).toBeNaN();
    expect(values('1.5e-3')).toBe(0.0015);
    expect(values('1.')).toBe(1);
    expect(values('.5')).toBe(0.5);
    expect(values('2.5J')).toBe('complex number');
    expect(values('...')).toBe('name') // the builtin Ellipsis;
    expect(values('{1, 2}')).toBe('a set');
    expect(values('b"x"')).toBe('a bytes literal');
    expect(values('"a\\tb\\x41\\u00e9\\N{DASH}\\q"')).toBe('a\tbAé\\N{DASH}\\q');
    expect(values('r"a\\tb"')).toBe('a\\tb');
    expect(values("'''a\nb''' \"c\"")).toBe('a\nbc');
    expect(values("r'\\\\'")).toBe(''); // tree-sitter's string_end swallows a content of only raw escapes
    expect(values('"é形状😀"')).toBe('é形状😀');
  });

  it('lowers f-strings part by part', () => {
    expect(firstExpr('f"a{x}b{y!r}c{z:>{w}}{v=}{{"\n')).toMatchObject({
      t: 'fstr',
      parts: ['a', { t: 'name', id: 'x' }, 'b', { t: 'unknown', why: 'formatted value' }, 'c', { t: 'unknown', why: 'formatted value' }, { t: 'name', id: 'v' }, '{{'],
    });
    expect(firstExpr('f"{d["k"]}" "tail"\n')).toMatchObject({ t: 'fstr', parts: [{ t: 'subscript' }, 'tail'] });
    expect(firstExpr('f"plain"\n')).toMatchObject({ t: 'str', value: 'plain' });
  });

  it('collects every comment, in source order, wherever it sits', () => {
    const text = '@dec  # 1\n# 2\ndef f(a,  # 3\n      b) -> int:  # 4\n    x = g(1,  # 5\n          2)\n    # 6\n# 7\nif a:  # 8\n    pass\n# 9\nelse:  # 10\n    pass\n';
    const m = fastOnly(text);
    expect(m.comments.map((c) => text.slice(c.start, c.end))).toEqual(['# 1', '# 2', '# 3', '# 4', '# 5', '# 6', '# 7', '# 8', '# 9', '# 10']);
  });
});

describe('fallbacks', () => {
  it('lowers a statement with a syntax error the old way, and only that one', () => {
    const { stats } = lowerBoth('a = 1\nb = (2,\nc = 3\n\ndef f():\n    x = 1\n    y = [\n    z = 2\n');
    expect(stats.fallbacks.length).toBeGreaterThan(0);
    expectSame('a = 1\nb = (2,\nc = 3\n\ndef f():\n    x = 1\n    y = [\n    z = 2\n');
  });

  it('falls back on grammar the parser leaves to tree-sitter, with the same result', () => {
    for (const text of [
      'x = *f(), b\n', // tree-sitter: call(list_splat(f))
      '[*a + b]\n', // binary(list_splat(a), b)
      'with (a as b):\n    pass\n', // parenthesized as_pattern
      'x = `a`\n', // Python 2 backquotes
      'x = "\nabc"\n', // tree-sitter accepts a line break as the first character of a one-line string
      'f"{lambda x: 1}"\n',
      'x = a if b if c else d else e\n',
      '[x for x in lambda: y]\n',
      'def f[T](x: T) -> T: pass\n',
      'with (x, *y):\n    pass\n', // a starred with item
      // tree-sitter reads a starred operand with trailers differently by context
      'print(x, *e())\n', // call(list_splat(e))
      'f(x, *e())\n', // list_splat(call(e))
      'f([*e()])\n',
      'match(x, *"s".join(a))\n', // call(list_splat(attr(...)), ...)
      'type(x, *e.a)\n',
    ]) {
      expectSame(text);
    }
  });
});

describe('tokenizer', () => {
  const lex = (text: string) => {
    const l = new Lexer();
    l.reset(text, 0, text.length, 1);
    const out: string[] = [];
    while (l.kind !== T_END) {
      const kind = l.kind === T_NAME ? (l.keyword ? 'kw' : 'name') : l.kind === T_NUMBER ? (l.isFloat ? 'float' : 'int') : l.kind === T_STRING ? 'str' : l.kind === T_OP ? 'op' : 'nl';
      out.push(`${kind}:${text.slice(l.start, l.end)}`);
      l.next();
    }
    return out;
  };

  it('reads numbers the way tree-sitter does (longest match)', () => {
    expect(lex('1if 0x1for 1e5if 1_ 1.e5 1..real 10j 1else')).toEqual([
      'int:1', 'kw:if', 'int:0x1f', 'kw:or', 'float:1e5', 'kw:if', 'int:1_', 'float:1.e5', 'float:1.', 'op:.', 'name:real', 'int:10j', 'int:1', 'kw:else',
    ]);
  });

  it('reads operators and keywords', () => {
    expect(lex('a**=b//c->d:=e<>f!=g...h')).toEqual(['name:a', 'op:**=', 'name:b', 'op://', 'name:c', 'op:->', 'name:d', 'op::=', 'name:e', 'op:<>', 'name:f', 'op:!=', 'name:g', 'op:...', 'name:h']);
    expect(lex('print type match async await')).toEqual(['name:print', 'name:type', 'name:match', 'kw:async', 'kw:await']);
  });

  it('takes any run of prefix letters before a quote as a string prefix', () => {
    expect(lex('rb"x" ub\'y\' Rf"{a}" x"z"')).toEqual(['str:rb"x"', 'str:ub\'y\'', 'str:Rf"{a}"', 'name:x', 'str:"z"']);
  });

  it('skips nested quotes and brackets inside f-string fields', () => {
    const l = new Lexer();
    const text = 'f"{d["}"]:>{w}}{x!r}"';
    l.reset(text, 0, text.length, 0);
    expect(l.kind).toBe(T_STRING);
    expect(l.end).toBe(text.length);
    expect(l.str?.pieces.map((p) => (p.interp ? `{${text.slice(p.exprStart, p.exprEnd)}}${p.formatted ? '*' : ''}` : text.slice(p.start, p.end)))).toEqual(['{d["}"]}*', '{x}*']);
  });

  it('records comments and skips line continuations', () => {
    const l = new Lexer();
    const text = '(a,  # one\n b \\\n)';
    l.reset(text, 0, text.length, 0);
    while (l.kind !== T_END) l.next();
    expect(l.comments.map((c) => text.slice(c.start, c.end))).toEqual(['# one']);
  });

  it('gives way on what it cannot vouch for', () => {
    for (const text of ['`a`', '"abc', '"a\nb"', 'a ! b', '$', 'f"{}"', 'f"}"', 'x\u00A0y']) {
      expect(() => lex(text), text).toThrow(FastPathMiss);
    }
  });
});
