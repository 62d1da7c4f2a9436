// The bundled examples against hand-derived expectations (test/fixtures/expected-examples/,
// an oracle written from the spec's formulas and cross-checked with TensorFlow.js, not from
// this code): every layer application in call order with its output shape and padding, and
// every diagnostic by line and code.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../server/src/analysis';
import { defaultAnalysisConfig } from '../server/src/config';
import { joinCells } from '../server/src/notebook';
import { LineIndex } from '../server/src/text/line-index';

interface OracleLayer {
  line: number;
  layer: string;
  outputShape?: (number | null)[] | null;
  padding?: { mode: string; before: number[]; after: number[] };
  afterError?: boolean;
}
interface Oracle {
  file: string;
  layers: OracleLayer[];
  diagnostics: { line: number; code: string; layerIndex?: number }[];
}

const root = path.join(__dirname, '..');
const oracleDir = path.join(root, 'test', 'fixtures', 'expected-examples');
const oracles = readdirSync(oracleDir).filter((f) => f.endsWith('.json'));

function sourceOf(file: string): string {
  const raw = readFileSync(path.join(root, file), 'utf8');
  if (!file.endsWith('.ipynb')) return raw;
  const nb = JSON.parse(raw) as { cells: { cell_type: string; source: string | string[] }[] };
  const cells = nb.cells
    .map((c, index) => ({ index, c }))
    .filter(({ c }) => c.cell_type === 'code')
    .map(({ index, c }) => ({ index, text: Array.isArray(c.source) ? c.source.join('') : c.source }));
  return joinCells(cells).text;
}

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await Analyzer.create();
});

describe.each(oracles)('%s', (oracleFile) => {
  const oracle = JSON.parse(readFileSync(path.join(oracleDir, oracleFile), 'utf8')) as Oracle;
  const text = sourceOf(oracle.file);
  const lines = new LineIndex(text);
  const lineOf = (offset: number): number => lines.positionAt(offset).line + 1;

  it('reproduces every layer application, shape and padding', () => {
    const result = analyzer.analyzeText(text, defaultAnalysisConfig());
    const actual = result.layers.map((l, i) => ({
      line: lineOf(l.construct.start),
      layer: l.className,
      ...(oracle.layers[i]?.afterError ? {} : { outputShape: l.result.output }),
      ...(oracle.layers[i]?.padding && l.result.padding
        ? { padding: { mode: l.result.padding.mode, before: l.result.padding.before, after: l.result.padding.after } }
        : {}),
    }));
    const expected = oracle.layers.map((l) => ({
      line: l.line,
      layer: l.layer,
      ...(l.afterError ? {} : { outputShape: l.outputShape ?? null }),
      ...(l.padding ? { padding: l.padding } : {}),
    }));
    expect(actual).toEqual(expected);
  });

  // Identical diagnostics at one place (a helper applied three times with the same pads) are
  // reported once, so lines and codes are compared as a set.
  it('reports exactly the expected diagnostics', () => {
    const result = analyzer.analyzeText(text, defaultAnalysisConfig());
    const skipped = new Set(oracle.layers.flatMap((l, i) => (l.afterError ? [i] : [])));
    const actual = result.diagnostics
      .filter((d) => d.layer === undefined || !skipped.has(d.layer))
      .map((d) => `${lineOf(d.start)} ${d.code}`);
    const expected = oracle.diagnostics.map((d) => `${d.line} ${d.code}`);
    expect([...new Set(actual)].sort()).toEqual([...new Set(expected)].sort());
  });
});
