// Text and JSON output for known analysis results, against output written out by hand.
// Columns count code points: é is 1, 漢 is 1, 😀 is 1 (two UTF-16 units); lines end in CRLF.
import { describe, expect, it } from 'vitest';
import { checkNotebookText, checkPythonText } from '../../server/src/cli/check-file';
import { formatJson } from '../../server/src/cli/reporters/json';
import { formatText } from '../../server/src/cli/reporters/text';
import type { FileReport } from '../../server/src/cli/types';
import { defaultAnalysisConfig } from '../../server/src/config';
import { fakeAnalyzer, notebookJson } from './helpers';

const config = defaultAnalysisConfig();

const SOURCE = [
  '# é 漢字 😀',
  "x = 'é😀'; y = layers.Conv2D(8, 3, strides=2, padding='same')(x)",
  '漢字 = layers.Conv2D(4, 1)(y)  # 😀',
  '',
].join('\r\n');

const UNEVEN = 'Conv2D pads 65 to 66 and gives 33;\nupsampling by 2 gives 66, not 65.';

function pythonReport(): FileReport {
  const analyzer = fakeAnalyzer({
    layers: [
      {
        at: 'layers.Conv2D(8',
        className: 'Conv2D',
        inputs: [[null, 65, 65, 3]],
        output: [null, 33, 33, 8],
        padding: { mode: 'same', before: [1, 1], after: [1, 1] },
      },
      { at: 'layers.Conv2D(4', className: 'Conv2D', inputs: [], output: null },
    ],
    diagnostics: [
      { at: 'layers.Conv2D(4, 1)', severity: 'error', code: 'rank-mismatch', message: 'Conv2D expects rank 4, got 2.' },
      { at: "padding='same'", severity: 'warning', code: 'same-stride-uneven', message: UNEVEN },
      { at: "padding='same'", severity: 'hint', code: 'same-asymmetric-padding', message: 'TF pads 0 before, 1 after.' },
    ],
  });
  return checkPythonText('models/unet.py', SOURCE, analyzer, config);
}

describe('positions', () => {
  it('counts code points after é, CJK and emoji, on CRLF lines', () => {
    const r = pythonReport();
    expect(r.layers.map((l) => [l.line, l.column])).toEqual([
      [2, 15],
      [3, 6],
    ]);
    // Sorted by position: line 2 before line 3; the two at the same place keep analysis order.
    expect(r.diagnostics.map((d) => [d.line, d.column, d.endLine, d.endColumn, d.code])).toEqual([
      [2, 46, 2, 60, 'same-stride-uneven'],
      [2, 46, 2, 60, 'same-asymmetric-padding'],
      [3, 6, 3, 25, 'rank-mismatch'],
    ]);
  });
});

describe('text format', () => {
  it('prints one line per diagnostic, then the summary', () => {
    const other: FileReport = { path: 'a.py', kind: 'python', layers: [], diagnostics: [] };
    expect(formatText([other, pythonReport()])).toBe(
      'models/unet.py:2:46: warning[same-stride-uneven] Conv2D pads 65 to 66 and gives 33; upsampling by 2 gives 66, not 65.\n' +
        'models/unet.py:2:46: hint[same-asymmetric-padding] TF pads 0 before, 1 after.\n' +
        'models/unet.py:3:6: error[rank-mismatch] Conv2D expects rank 4, got 2.\n' +
        '2 files checked: 1 error, 1 warning, 0 information, 1 hint\n',
    );
  });

  it('says what was not checked or not analysed in the summary', () => {
    const reports: FileReport[] = [
      { path: 'a.py', kind: 'python', layers: [], diagnostics: [], error: 'cannot read: permission denied (EACCES)' },
      { path: 'b.py', kind: 'python', layers: [], diagnostics: [], notAnalysed: 'too large' },
      { path: 'c.py', kind: 'python', layers: [], diagnostics: [] },
    ];
    expect(formatText(reports)).toBe('1 file checked: 0 errors, 0 warnings, 0 information, 0 hints; 1 file not analysed; 1 file could not be checked\n');
  });

  it('prints only the summary when there is nothing to report', () => {
    expect(formatText([])).toBe('0 files checked: 0 errors, 0 warnings, 0 information, 0 hints\n');
  });
});

describe('JSON format', () => {
  it('follows the contract field by field, in order, shapes on one line', () => {
    const message = JSON.stringify(UNEVEN);
    expect(formatJson([pythonReport()])).toBe(
      `{
  "version": 1,
  "files": [
    {
      "path": "models/unet.py",
      "layers": [
        {
          "line": 2,
          "column": 15,
          "layer": "Conv2D",
          "inputShape": [null, 65, 65, 3],
          "outputShape": [null, 33, 33, 8],
          "padding": { "mode": "same", "before": [1, 1], "after": [1, 1] }
        },
        {
          "line": 3,
          "column": 6,
          "layer": "Conv2D",
          "inputShape": null,
          "outputShape": null
        }
      ],
      "diagnostics": [
        {
          "line": 2,
          "column": 46,
          "endLine": 2,
          "endColumn": 60,
          "severity": "warning",
          "code": "same-stride-uneven",
          "message": ${message}
        },
        {
          "line": 2,
          "column": 46,
          "endLine": 2,
          "endColumn": 60,
          "severity": "hint",
          "code": "same-asymmetric-padding",
          "message": "TF pads 0 before, 1 after."
        },
        {
          "line": 3,
          "column": 6,
          "endLine": 3,
          "endColumn": 25,
          "severity": "error",
          "code": "rank-mismatch",
          "message": "Conv2D expects rank 4, got 2."
        }
      ]
    }
  ]
}
`,
    );
  });

  it('lists every application of a layer, in analysis order', () => {
    const text = 'def block(x):\n    return layers.Conv2D(8, 3)(x)\n';
    const analyzer = fakeAnalyzer({
      layers: [
        { at: 'layers.Conv2D', className: 'Conv2D', output: [null, 30, 30, 8] },
        { at: 'layers.Conv2D', className: 'Conv2D', output: [null, 28, 28, 8] },
        { at: 'layers.Conv2D', className: 'Conv2D', output: [null, 26, 26, 8] },
      ],
    });
    const out = JSON.parse(formatJson([checkPythonText('h.py', text, analyzer, config)]));
    expect(out.files[0].layers).toEqual([
      { line: 2, column: 12, layer: 'Conv2D', inputShape: null, outputShape: [null, 30, 30, 8] },
      { line: 2, column: 12, layer: 'Conv2D', inputShape: null, outputShape: [null, 28, 28, 8] },
      { line: 2, column: 12, layer: 'Conv2D', inputShape: null, outputShape: [null, 26, 26, 8] },
    ]);
  });

  it('gives an unreadable file an error field and empty lists', () => {
    const report: FileReport = { path: 'broken.ipynb', kind: 'notebook', layers: [], diagnostics: [], error: 'is not a valid notebook: invalid JSON' };
    expect(JSON.parse(formatJson([report]))).toEqual({
      version: 1,
      files: [{ path: 'broken.ipynb', error: 'is not a valid notebook: invalid JSON', layers: [], diagnostics: [] }],
    });
  });

  it('adds cell and cellLine in notebooks, with lines counted over the joined code cells', () => {
    const nb = notebookJson([
      { cell_type: 'markdown', source: ['# Title\n', 'text'] },
      { cell_type: 'code', source: ['import keras\n', 'x = keras.Input((33, 33, 1))'] },
      { cell_type: 'markdown', source: 'more' },
      { cell_type: 'code', source: ['%matplotlib inline\n', '# é\n', "z = '😀'; y = Conv2D(8, 3, strides=2, padding='same')(x)\n"] },
    ]);
    const analyzer = fakeAnalyzer({
      layers: [
        { at: 'keras.Input', className: 'Input', output: [null, 33, 33, 1] },
        { at: 'Conv2D(8', className: 'Conv2D', inputs: [[null, 33, 33, 1]], output: [null, 17, 17, 8] },
      ],
      diagnostics: [{ at: "padding='same'", severity: 'warning', code: 'same-stride-uneven', message: '33 -> 17' }],
    });
    const out = JSON.parse(formatJson([checkNotebookText('nb.ipynb', nb, analyzer, config)]));
    // Code cells joined, each followed by one newline: cell 1 is lines 1-2, cell 3 starts on
    // line 3 ("%matplotlib inline"), so its Conv2D is on line 5.
    expect(out.files[0]).toEqual({
      path: 'nb.ipynb',
      layers: [
        { line: 2, column: 5, cell: 1, cellLine: 2, layer: 'Input', inputShape: null, outputShape: [null, 33, 33, 1] },
        { line: 5, column: 14, cell: 3, cellLine: 3, layer: 'Conv2D', inputShape: [null, 33, 33, 1], outputShape: [null, 17, 17, 8] },
      ],
      diagnostics: [
        { line: 5, column: 38, endLine: 5, endColumn: 52, cell: 3, cellLine: 3, severity: 'warning', code: 'same-stride-uneven', message: '33 -> 17' },
      ],
    });
    expect(formatText([checkNotebookText('nb.ipynb', nb, analyzer, config)])).toBe(
      'nb.ipynb:5:38: warning[same-stride-uneven] 33 -> 17 (cell 4, line 3)\n1 file checked: 0 errors, 1 warning, 0 information, 0 hints\n',
    );
  });
});
