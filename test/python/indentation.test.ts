// Lines whose indentation breaks the blocks around them, which tree-sitter-python parses without
// an error: a dedent to a column no enclosing block has (CPython: "unindent does not match any
// outer indentation level"), a line dedented inside a block with the block's lines after it
// (CPython: "unexpected indent" on the next line), and the line after a header not indented
// (CPython: "expected an indented block"). The recovery finds them (python/indentation.ts) and
// blanks the line that broke the block as it blanks a line with a syntax error, so the rest of
// the file keeps its shapes. Which texts CPython refuses, and with which error, was checked with CPython
// 3.11's compile() when these cases were written.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../server/src/analysis';
import type { AnalysisResult } from '../../server/src/analysis-types';
import { defaultAnalysisConfig } from '../../server/src/config';
import { mayHaveBrokenIndentation } from '../../server/src/python/indentation';
import { recoverFromErrors } from '../../server/src/python/recover';
// @ts-expect-error plain JavaScript module without type declarations
import { generateKerasFile } from '../bench/generate.mjs';
import { maskedLinesOf } from './masked-lines';
import { repositoryPythonFiles } from './repository-files';

const generate = generateKerasFile as (lines: number, seed?: number) => string;
const config = defaultAnalysisConfig();

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await Analyzer.create();
});
afterAll(() => {
  analyzer.dispose();
});

/** The lines the recovery blanks in `text` (tree-sitter must parse it without an error: these are the texts only the indentation check catches). */
function maskedLines(text: string): number[] {
  const tree = analyzer.parse(text);
  expect(tree?.rootNode.hasError, 'tree-sitter finds no error').toBe(false);
  tree?.delete();
  return maskedLinesOf(analyzer, text);
}

function blankLine(text: string, row: number): string {
  const lines = text.split('\n');
  lines[row] = lines[row].replace(/[^\r]/g, ' ');
  return lines.join('\n');
}

/** One test per case: the quick scan lets the walk run, and the recovery blanks that row alone. */
function itBlanks(prefix: string, cases: Record<string, [string, number]>): void {
  for (const [name, [text, row]] of Object.entries(cases)) {
    it(`${prefix}${name}`, () => {
      expect(mayHaveBrokenIndentation(text)).toBe(true);
      expect(maskedLines(text)).toEqual([row]);
    });
  }
}

/** Layers as class, line and output shape (an origin's label is a getter: left out). */
function shapes(r: AnalysisResult): string[] {
  return r.layers.map((l) => `${l.className}@${l.hintAt}:${JSON.stringify(l.result.output)}`);
}

describe('dedents to no enclosing level (CPython: IndentationError), which tree-sitter takes without an error', () => {
  const cases: Record<string, [string, number]> = {
    'in a function body': ['def f():\n    x = 1\n   y = 2\n    z = 3\n', 2],
    'in a nested block': ['def f():\n    if a:\n        x = 1\n      y = 2\n    z = 3\n', 3],
    'with CRLF line breaks': ['def f():\r\n    x = 1\r\n   y = 2\r\n    z = 3\r\n', 2],
    'on the last line, half-typed': ['def f():\n    x = 1\n  y', 2],
    'after a comment line': ['def f():\n    x = 1\n    # c\n  y = 2\n', 3],
    'in a method': ['class A:\n    def f(self):\n        x = 1\n       y = 2\n        z = 3\n', 3],
  };
  itBlanks('blanks the line ', cases);
});

describe('a line dedented inside a block, the lines after it at the block\'s column (CPython: unexpected indent on the next line)', () => {
  const cases: Record<string, [string, number]> = {
    'a line at column 0 in a function body': ['def f():\n    x = 1\ny = 2\n    z = 3\n    return z\n', 2],
    "a line at a class's column in a method": ['class A:\n    def f(self):\n        x = 1\n    y = 2\n        return x\n', 3],
  };
  itBlanks('blanks ', cases);
});

describe('the line after a header, not indented (CPython: expected an indented block)', () => {
  const cases: Record<string, [string, number]> = {
    'a line break typed inside the indentation of a function body': ['def f():\n    \nx = 1\n    y = 2\n    return y\n', 2],
    'the line right after the header': ['def f():\nx = 1\n    y = 2\n', 1],
    'an else right after its if': ['if a:\nelse:\n    b = 1\n', 1],
  };
  itBlanks('blanks ', cases);

  it('blanks nothing for a header on the last line', () => {
    expect(maskedLines('x = 1\ndef f():\n')).toEqual([]);
  });
});

describe('texts CPython compiles: nothing blanked', () => {
  const valid: Record<string, string> = {
    'a statement continued by a backslash onto a line of its own': 'a = 1; \\\n  b = 2\n',
    'a comment at any column': 'def f():\n    x = 1\n  # c\n    y = 2\n',
    'a closing bracket dedented': 'def f():\n    x = g(\n  1,\n)\n    y = 2\n',
    'a multi-line string at column 0': 'def f():\n    x = """\n  a\n"""\n    y = 2\n',
    'one-line blocks': 'if a: b = 1\nelse: c = 2\n',
    'tabs': 'if a:\n\tb = 1\n\tc = 2\nd = 3\n',
    'CRLF': 'def f():\r\n    x = 1\r\n    y = 2\r\nz = 3\r\n',
    'blocks closed several at a time': 'class A:\n    def f(self):\n        if a:\n            b = 1\n        c = 2\n    d = 3\ne = 4\n',
    'decorators': 'class A:\n    @d\n    @e(1)\n    def f(self): pass\n',
    'try, except, else, finally': 'def f():\n    try:\n        a\n    except E:\n        b\n    else:\n        c\n    finally:\n        d\n',
    'match and case': 'match x:\n    case 1:\n        a = 1\n    case _:\n        b = 2\n',
    'a form feed in the indentation': 'def f():\n    x = 1\n\x0c    y = 2\n',
    'a dedent, then a header and its block': 'def f():\n    x = 1\ny = 2\ndef g():\n    z = 3\n',
    'calls spread over lines, one after another': 'x = foo(\n    1,\n)\ny = bar(\n    2,\n)\n',
  };
  for (const [name, text] of Object.entries(valid)) {
    it(name, () => {
      expect(maskedLines(text)).toEqual([]);
      expect(mayHaveBrokenIndentation(text), 'the quick scan agrees').toBe(false);
    });
  }

  it("the repository's Python files and generated files", () => {
    const files = repositoryPythonFiles().map((f) => readFileSync(f, 'utf8'));
    expect(files.length).toBeGreaterThan(10);
    for (const text of [...files, generate(2_000, 3)]) {
      const tree = analyzer.parse(text);
      if (!tree) throw new Error('parse failed');
      try {
        if (tree.rootNode.hasError) continue;
        const recovered = recoverFromErrors(tree, text, (t, old) => analyzer.parse(t, old));
        expect(recovered.maskedLines).toEqual([]);
        expect(recovered.tree).toBe(tree);
      } finally {
        tree.delete();
      }
    }
  });
});

describe('a line indented more than its block (CPython: unexpected indent) that tree-sitter takes', () => {
  it('stays where tree-sitter puts it: such a line is most often meant to be in that block', () => {
    expect(maskedLines('def f():\n    x = 1\n     y = 2\n    z = 3\n')).toEqual([]);
  });

  it('stays after a dedent when its column is not one that dedent closed', () => {
    expect(maskedLines('def f():\n    return 1\nx = 2\n y = 3\n')).toEqual([]);
  });
});

describe('the analysis of a file with such a dedent', () => {
  // The generated file's first helper, its third line dedented by one space, as while editing
  // its indentation: tree-sitter ends the helper there and takes the rest of its body, down to
  // its `return`, for module-level statements.
  const text = generate(500, 1);
  const lines = text.split('\n');
  const row = lines.findIndex((l) => l === '    x = layers.ReLU()(x)');
  const broken = [...lines.slice(0, row), lines[row].slice(1) + ' ', ...lines.slice(row + 1)].join('\n');

  it('keeps every other line: the same shapes as the text with that line blanked', () => {
    expect(row).toBeGreaterThan(0);
    expect(analyzer.analyzeWithoutTree(broken, config), 'the text reader refuses it').toBeUndefined();
    const expected = analyzer.analyzeText(blankLine(broken, row), config);
    // Three calls of the helper lose their ReLU; every other layer stays.
    expect(expected.layers.length).toBe(analyzer.analyzeText(text, config).layers.length - 3);
    const result = analyzer.analyzeText(broken, config);
    expect(shapes(result)).toEqual(shapes(expected));
    expect(result.diagnostics.map((d) => [d.code, d.start])).toEqual(expected.diagnostics.map((d) => [d.code, d.start]));
  });

  it('keeps every other line when the line is moved to column 0 instead', () => {
    const atZero = [...lines.slice(0, row), lines[row].trimStart(), ...lines.slice(row + 1)].join('\n');
    const expected = analyzer.analyzeText(blankLine(atZero, row), config);
    expect(expected.layers.length).toBe(analyzer.analyzeText(text, config).layers.length - 3);
    expect(shapes(analyzer.analyzeText(atZero, config))).toEqual(shapes(expected));
  });

  it('gives the same result incrementally, after the edit that makes the dedent', () => {
    const key = 'file:///dedent.py';
    expect(analyzer.analyzeWithoutTree(text, config, key)).toBeDefined();
    const tree = analyzer.parse(broken);
    if (!tree) throw new Error('parse failed');
    try {
      const incremental = analyzer.analyzeTree(tree, broken, config, key);
      expect(shapes(incremental)).toEqual(shapes(analyzer.analyzeText(blankLine(broken, row), config)));
    } finally {
      tree.delete();
      analyzer.forget(key);
    }
  });
});
