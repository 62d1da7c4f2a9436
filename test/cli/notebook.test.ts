// Notebooks: parsing (nbformat 4 and 3, string or list sources, languages), IPython syntax
// masked to the same length, and results mapped back to cells.
import { describe, expect, it } from 'vitest';
import { checkNotebookText } from '../../server/src/cli/check-file';
import { maskCell, maskLines } from '../../server/src/cli/ipython';
import { parseNotebook } from '../../server/src/cli/ipynb';
import { defaultAnalysisConfig } from '../../server/src/config';
import { fakeAnalyzer, notebookJson } from './helpers';

describe('masking IPython syntax', () => {
  const cases: [string, string, string][] = [
    ['a line magic', '%matplotlib inline\nx = 1\n', 'pass              \nx = 1\n'],
    ['a shell escape', '!pip install keras\n', 'pass              \n'],
    ['a short one', '!ls\n', '0  \n'],
    ['an indented magic in a block', 'for i in r:\n    %time f(i)\n', 'for i in r:\n    pass      \n'],
    ['an assignment from the shell', 'files = !ls *.py\n', 'files = None    \n'],
    ['a short assignment', 'a = !ls\n', 'a = 0  \n'],
    ['an assignment from a magic', 'w = %who_ls\n', 'w = None   \n'],
    ['help', 'model.fit?\n??keras\n', 'pass      \npass   \n'],
    ['a magic continued with a backslash', '!echo a \\\n  b\nx = 1\n', 'pass     \n   \nx = 1\n'],
    ['CRLF line breaks', '%pwd\r\nx = 1\r\n', 'pass\r\nx = 1\r\n'],
    ['a non-ASCII magic', '!echo 😀\n', 'pass    \n'],
  ];
  for (const [what, input, expected] of cases) {
    it(`masks ${what}, keeping the length`, () => {
      const out = maskLines(input);
      expect(out).toBe(expected);
      expect(out.length).toBe(input.length);
    });
  }

  const untouched: [string, string][] = [
    ['!= continuing a bracketed expression', 'x = (a\n     != b)\n'],
    ['% continuing a bracketed expression', 'y = [a\n% b]\n'],
    ['a ! or ? inside a docstring', 'def f():\n    """Why?\n!important\n%s"""\n'],
    ['a ? inside a string or comment', "s = 'what?'  # why?\n"],
    ['a line after a backslash continuation', 'x = a \\\n!b\n'],
    ['an f-string with !r', 'print(f"{x!r}")\n'],
    ['a comparison', 'if a != b: pass\n'],
  ];
  for (const [what, input] of untouched) {
    it(`leaves ${what} alone`, () => {
      expect(maskLines(input)).toBe(input);
    });
  }

  it('keeps the body of %%time and blanks a %%bash cell', () => {
    expect(maskCell('\n%%time\nx = f()\n!ls\n')).toEqual({ text: '\npass  \nx = f()\n0  \n' });
    expect(maskCell('%%bash\necho hi\n')).toEqual({ text: '      \n       \n', skipped: 'cell magic %%bash' });
  });
});

describe('parsing notebooks', () => {
  it('keeps code cells with their index among all cells, sources as string or list', () => {
    const nb = parseNotebook(
      notebookJson([
        { cell_type: 'markdown', source: 'title' },
        { cell_type: 'code', source: ['a = 1\n', 'b = 2'] },
        { cell_type: 'raw', source: 'raw' },
        { cell_type: 'code', source: 'c = 3\n' },
        { cell_type: 'code', source: [] },
      ]),
    );
    expect(nb).toEqual({
      ok: true,
      cells: [
        { index: 1, text: 'a = 1\nb = 2', analysed: 'a = 1\nb = 2' },
        { index: 3, text: 'c = 3\n', analysed: 'c = 3\n' },
        { index: 4, text: '', analysed: '' },
      ],
    });
  });

  it('blanks code cells in another language: by kernel, or by the cell’s own metadata', () => {
    const r = parseNotebook(notebookJson([{ cell_type: 'code', source: 'x <- 1' }], { kernelspec: { language: 'R', name: 'ir' } }));
    expect(r).toEqual({ ok: true, cells: [{ index: 0, text: 'x <- 1', analysed: '      ' }] });
    const mixed = parseNotebook(
      notebookJson(
        [
          { cell_type: 'code', source: 'let x = 1', metadata: { vscode: { languageId: 'javascript' } } },
          { cell_type: 'code', source: 'x = 1', metadata: { vscode: { languageId: 'python' } } },
        ],
        { language_info: { name: 'python' } },
      ),
    );
    expect(mixed.ok && mixed.cells.map((c) => c.analysed)).toEqual(['         ', 'x = 1']);
  });

  it('reads nbformat 3 worksheets', () => {
    const v3 = JSON.stringify({
      nbformat: 3,
      worksheets: [{ cells: [{ cell_type: 'markdown', source: 'm' }, { cell_type: 'code', language: 'python', input: ['x = 1\n'] }] }],
    });
    expect(parseNotebook(v3)).toEqual({ ok: true, cells: [{ index: 1, text: 'x = 1\n', analysed: 'x = 1\n' }] });
  });

  it('turns a trailing lone CR into LF, so cells join on the right lines', () => {
    expect(parseNotebook(notebookJson([{ cell_type: 'code', source: 'x = 1\r' }]))).toEqual({
      ok: true,
      cells: [{ index: 0, text: 'x = 1\n', analysed: 'x = 1\n' }],
    });
  });

  const broken: [string, string, RegExp][] = [
    ['invalid JSON', '{"cells": [', /^is not a valid notebook: invalid JSON \(.+\)$/],
    ['not an object', '[1, 2]', /^is not a valid notebook: the JSON is not an object$/],
    ['no cells', '{"metadata": {}}', /^is not a valid notebook: it has no "cells" list$/],
    ['a cell that is not an object', '{"cells": [3]}', /^is not a valid notebook: cell 0 is not an object$/],
    ['a bad source', '{"cells": [{"cell_type": "markdown"}, {"cell_type": "code", "source": 5}]}', /^is not a valid notebook: the source of cell 1 is neither/],
  ];
  for (const [what, json, message] of broken) {
    it(`reports ${what}`, () => {
      const r = parseNotebook(json);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(message);
    });
  }
});

describe('mapping results to cells', () => {
  const nb = notebookJson([
    { cell_type: 'markdown', source: ['# U-Net\n', 'text\n'] },
    { cell_type: 'code', source: ['%load_ext autoreload\n', 'import keras\n', 'inputs = keras.Input((33, 33, 1))'] },
    { cell_type: 'code', source: ['!nvidia-smi\n', '\n', '# 漢字 😀\n', "z = '漢😀'; x = keras.layers.Conv2D(8, 3, strides=2, padding='same')(inputs)\n"] },
    { cell_type: 'markdown', source: 'end' },
    { cell_type: 'code', source: 'y = keras.layers.Conv2D(8, 3)(x)' },
  ]);
  const analyzer = fakeAnalyzer({
    layers: [
      { at: 'keras.Input', className: 'Input', output: [null, 33, 33, 1] },
      { at: 'keras.layers.Conv2D(8, 3, s', className: 'Conv2D', output: [null, 17, 17, 8] },
      { at: 'keras.layers.Conv2D(8, 3)', className: 'Conv2D', output: [null, 15, 15, 8] },
    ],
    diagnostics: [{ at: "padding='same'", severity: 'warning', code: 'same-stride-uneven', message: 'm' }],
  });
  const report = checkNotebookText('nb.ipynb', nb, analyzer, defaultAnalysisConfig());

  it('analyses the code cells joined, magics masked', () => {
    expect(analyzer.seen).toEqual([
      'pass                \nimport keras\ninputs = keras.Input((33, 33, 1))\n' +
        "pass       \n\n# 漢字 😀\nz = '漢😀'; x = keras.layers.Conv2D(8, 3, strides=2, padding='same')(inputs)\n\n" +
        'y = keras.layers.Conv2D(8, 3)(x)\n',
    ]);
  });

  it('gives line over the joined cells, the cell index among all cells and the line in the cell', () => {
    expect(report.layers.map((l) => [l.layer, l.line, l.column, l.cell, l.cellLine])).toEqual([
      ['Input', 3, 10, 1, 3],
      ['Conv2D', 7, 15, 2, 4],
      ['Conv2D', 9, 5, 4, 1],
    ]);
    expect(report.diagnostics.map((d) => [d.line, d.column, d.endLine, d.endColumn, d.cell, d.cellLine])).toEqual([[7, 52, 7, 66, 2, 4]]);
  });
});
