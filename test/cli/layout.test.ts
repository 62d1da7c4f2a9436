// The JSON layout of the checker's report: the same data as JSON.stringify, laid out as
// design/diagnostics.md shows it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeJsonFile, formatJson, JsonChunkWriter, toJsonObject } from '../../server/src/cli/reporters/json';
import { stringifyJson } from '../../server/src/cli/reporters/layout';
import type { FileReport, RelatedEntry } from '../../server/src/cli/types';

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

describe('formatJson', () => {
  // Layers are written straight from their entries (the bulk of a report); the generic layout of
  // the same data is the reference.
  const dim = fc.oneof(fc.constant(null), fc.nat(5000), fc.constantFrom('H', 'ceil(W/2)', '2*ceil(H/4)'));
  const place = { line: fc.nat(100_000), column: fc.nat(500) };
  const layer = fc.record(
    {
      ...place,
      cell: fc.nat(50),
      cellLine: fc.nat(500),
      layer: fc.constantFrom('Conv2D', 'numpy.expand_dims', 'Weird "quoted" \\ name', 'é日本'),
      inputShape: fc.oneof(fc.constant(null), fc.array(dim, { maxLength: 5 })),
      outputShape: fc.oneof(fc.constant(null), fc.array(dim, { maxLength: 5 })),
      padding: fc.record({ mode: fc.constantFrom('same', 'valid', 'explicit', 'causal'), before: fc.array(dim, { maxLength: 3 }), after: fc.array(dim, { maxLength: 3 }) }),
    },
    { requiredKeys: ['line', 'column', 'layer', 'inputShape', 'outputShape'] },
  );
  const diagnostic = fc.record({
    ...place,
    endLine: fc.nat(100_000),
    endColumn: fc.nat(500),
    severity: fc.constantFrom('error', 'warning', 'information', 'hint'),
    code: fc.constantFrom('shape-mismatch', 'same-stride-uneven'),
    message: fc.string(),
    related: fc.constant<RelatedEntry[]>([]),
  });
  const report = fc.record(
    {
      path: fc.string(),
      kind: fc.constantFrom('python', 'notebook'),
      layers: fc.array(layer, { maxLength: 6 }),
      diagnostics: fc.array(diagnostic, { maxLength: 3 }),
      error: fc.string(),
      notAnalysed: fc.string(),
      stoppedEarly: fc.string(),
    },
    { requiredKeys: ['path', 'kind', 'layers', 'diagnostics'] },
  );

  it('writes exactly the generic layout of the same data, for any reports', () => {
    fc.assert(
      fc.property(fc.array(report, { maxLength: 4 }), (reports) => {
        const typed = reports as FileReport[];
        expect(formatJson(typed)).toBe(stringifyJson(toJsonObject(typed)));
      }),
      { numRuns: 1000 },
    );
  });

  // As in an analysis: a layer's input is the previous layer's output array, pads are shared.
  const sharing = fc.array(report, { maxLength: 4 }).map((reports) => {
    for (const r of reports) {
      r.layers.forEach((l, i) => {
        const prev = r.layers[i - 1];
        if (prev && l.line % 2 === 0) l.inputShape = prev.outputShape;
        if (prev?.padding && l.padding && l.column % 2 === 0) l.padding.before = prev.padding.after;
      });
    }
    return reports as FileReport[];
  });

  it('writes arrays shared between layers as the generic layout does', () => {
    fc.assert(
      fc.property(sharing, (reports) => {
        expect(formatJson(reports)).toBe(stringifyJson(toJsonObject(reports)));
      }),
      { numRuns: 500 },
    );
  });

  it("joins the files the worker threads encode into exactly formatJson's text as UTF-8", () => {
    const texts = fc.record({ path: fc.string({ unit: 'binary' }), message: fc.string({ unit: 'binary' }) });
    fc.assert(
      fc.property(sharing, fc.array(texts, { maxLength: 4 }), (reports, extra) => {
        reports.forEach((r, i) => {
          if (extra[i]) r.path = extra[i].path;
          if (extra[i] && r.diagnostics[0]) r.diagnostics[0].message = extra[i].message;
        });
        const fromWorkers = reports.map((r) => ({ ...r, layers: [], json: encodeJsonFile(r) }));
        const text = formatJson(reports);
        const chunks: Uint8Array[] = [];
        const writer = new JsonChunkWriter((c) => chunks.push(c));
        for (const r of fromWorkers) writer.file(r);
        writer.end();
        expect(Buffer.concat(chunks).equals(Buffer.from(text, 'utf8'))).toBe(true);
        expect(formatJson(fromWorkers)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
