// The server's analysis results per unit (server/src/lsp/analyses.ts): kept for the most
// recently used units only, so memory does not grow with every document the editor opens; a unit
// whose result was dropped is analysed again when asked, to the same result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../server/src/analysis';
import { defaultSettings } from '../../server/src/config';
import { Analyses, MAX_KEPT_RESULTS } from '../../server/src/lsp/analyses';
import { OnceLog } from '../../server/src/lsp/log-once';
import { TreeCache } from '../../server/src/lsp/tree-cache';
import { TextUnit } from '../../server/src/lsp/units';

let analyzer: Analyzer;
let trees: TreeCache;
beforeAll(async () => {
  analyzer = await Analyzer.create();
  trees = new TreeCache();
});
afterAll(() => {
  trees.dispose();
  analyzer.dispose();
});

/** A small model whose output size depends on `n` (a Conv2D of kernel 3 on an n×n input). */
function model(n: number): string {
  return `import keras\nfrom keras import layers\nx = keras.Input(shape=(${n}, ${n}, 1))\ny = layers.Conv2D(4, 3)(x)\n`;
}

describe('Analyses', () => {
  const settings = defaultSettings();
  const silent = new OnceLog({ error: () => undefined, info: () => undefined });

  it(`keeps the results of the ${MAX_KEPT_RESULTS} most recently used units, and analyses a dropped one again to the same result`, () => {
    const analyses = new Analyses(analyzer, trees, silent);
    const units = Array.from({ length: MAX_KEPT_RESULTS + 8 }, (_, i) => new TextUnit(`file:///keep/m${i}.py`, 1, model(20 + i)));
    const first = units.map((u) => analyses.current(u, settings));
    expect(analyses.keptCount).toBe(MAX_KEPT_RESULTS);
    // The oldest eight were dropped; the newest are kept as they were.
    expect(units.slice(0, 8).map((u) => analyses.peek(u, settings))).toEqual(Array(8).fill(undefined));
    expect(analyses.peek(units[MAX_KEPT_RESULTS + 7], settings)).toBe(first[MAX_KEPT_RESULTS + 7]);
    // Asked again, a dropped unit gets a new result equal to its first: 20 - 3 + 1 = 18.
    const again = analyses.current(units[0], settings);
    expect(again).not.toBe(first[0]);
    expect(again.result).toEqual(first[0].result);
    expect(again.result.layers.map((l) => l.result.output)).toEqual([[null, 20, 20, 1], [null, 18, 18, 4]]);
    expect(analyses.keptCount).toBe(MAX_KEPT_RESULTS);
  });

  it('drops the least recently used: a unit asked about again (even unchanged) stays', () => {
    const analyses = new Analyses(analyzer, trees, silent);
    const units = Array.from({ length: MAX_KEPT_RESULTS + 1 }, (_, i) => new TextUnit(`file:///lru/m${i}.py`, 1, model(30 + i)));
    const kept = analyses.current(units[0], settings);
    for (const u of units.slice(1, MAX_KEPT_RESULTS)) analyses.current(u, settings);
    // units[0] is the least recently used: used now, units[1] becomes it.
    expect(analyses.current(units[0], settings)).toBe(kept);
    analyses.current(units[MAX_KEPT_RESULTS], settings);
    expect(analyses.peek(units[0], settings)).toBe(kept);
    expect(analyses.peek(units[1], settings)).toBeUndefined();
  });
});
