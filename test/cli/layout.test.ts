// The JSON layout of the checker's report: the same data as JSON.stringify, laid out as
// design/diagnostics.md shows it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringifyJson } from '../../server/src/cli/reporters/layout';

describe('stringifyJson', () => {
  it('holds exactly the data of JSON.stringify (undefined properties left out), for any value', () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constant(undefined),
        fc.constant(null),
        fc.boolean(),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.string(),
        fc.array(tie('v')),
        fc.dictionary(fc.string(), tie('v')),
      ),
    }));
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value.v), (v) => {
        expect(JSON.parse(stringifyJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes shapes and deep objects on one line, the rest one key per line', () => {
    const report = {
      version: 1,
      files: [
        {
          path: 'a.py',
          layers: [{ line: 3, layer: 'Conv2D', outputShape: [null, 33, 33, 32], padding: { mode: 'same', before: [0, 0], after: [1, 1] }, gone: undefined }],
          diagnostics: [],
        },
      ],
    };
    expect(stringifyJson(report)).toBe(
      [
        '{',
        '  "version": 1,',
        '  "files": [',
        '    {',
        '      "path": "a.py",',
        '      "layers": [',
        '        {',
        '          "line": 3,',
        '          "layer": "Conv2D",',
        '          "outputShape": [null, 33, 33, 32],',
        '          "padding": { "mode": "same", "before": [0, 0], "after": [1, 1] }',
        '        }',
        '      ],',
        '      "diagnostics": []',
        '    }',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
    expect(stringifyJson({})).toBe('{}\n');
    expect(stringifyJson({ a: undefined })).toBe('{}\n');
  });
});
