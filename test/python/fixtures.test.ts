// One generic runner for the annotated fixtures in test/fixtures/python/. Each line that holds
// a layer call carries `# expect: <shape> | <shape>` (output shapes of every layer whose
// constructor starts on that line, in application order; `?` = unknown) and, where
// diagnostics belong, `diag: code, code`. Every layer and every diagnostic must be announced
// by a marker, and every marker must be met: nothing extra, nothing missing. The full result
// is also kept as a reviewed snapshot.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../server/src/analysis';
import { defaultAnalysisConfig } from '../../server/src/config';
import { dumpResult, layerLine, shapeLabel } from './dump';

const dir = path.join(__dirname, '..', 'fixtures', 'python');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.py'));

interface Marker {
  shapes?: string[];
  diags?: Set<string>;
}

function parseMarkers(text: string): Map<number, Marker> {
  const out = new Map<number, Marker>();
  text.split(/\r?\n/).forEach((line, i) => {
    const m: Marker = {};
    const expectMatch = /#.*?\bexpect:\s*(.*?)(?:\s+diag:.*)?$/.exec(line);
    if (expectMatch) m.shapes = expectMatch[1].split(' | ').map((s) => s.trim());
    const diagMatch = /#.*?\bdiag:\s*(.*)$/.exec(line);
    if (diagMatch) m.diags = new Set(diagMatch[1].split(',').map((s) => s.trim()));
    if (m.shapes || m.diags) out.set(i + 1, m);
  });
  return out;
}

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await Analyzer.create();
});

describe.each(fixtures)('%s', (file) => {
  const text = readFileSync(path.join(dir, file), 'utf8');
  const markers = parseMarkers(text);

  it('reports exactly the announced layer shapes', () => {
    const result = analyzer.analyzeText(text, defaultAnalysisConfig());
    expect(result.internalError).toBeUndefined();
    const actual = new Map<number, string[]>();
    for (const l of result.layers) {
      const line = layerLine(text, l);
      actual.set(line, [...(actual.get(line) ?? []), shapeLabel(l.result.output)]);
    }
    const expected = new Map<number, string[]>();
    for (const [line, m] of markers) if (m.shapes) expected.set(line, m.shapes);
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
  });

  it('reports exactly the announced diagnostics', () => {
    const result = analyzer.analyzeText(text, defaultAnalysisConfig());
    const actual = new Map<number, string[]>();
    for (const d of result.diagnostics) {
      const line = text.slice(0, d.start).split('\n').length;
      actual.set(line, [...new Set([...(actual.get(line) ?? []), d.code])].sort());
    }
    const expected = new Map<number, string[]>();
    for (const [line, m] of markers) if (m.diags) expected.set(line, [...m.diags].sort());
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
  });

  it('matches the reviewed snapshot', async () => {
    const result = analyzer.analyzeText(text, defaultAnalysisConfig());
    await expect(dumpResult(text, result)).toMatchFileSnapshot(path.join('__snapshots__', `${file}.txt`));
  });
});
