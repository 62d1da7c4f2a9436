// Bundled and run by lowering.mjs (not a test): times tree-sitter's parse, the old lowering
// (copyTree + lowerModule) and the fast one (lowerTree) on generated files, and checks that
// both lowerings agree. Each step is timed in its own loop, after a full collection.
import { isDeepStrictEqual } from 'node:util';
import type { Tree } from 'web-tree-sitter';
import { lowerTree, type FastLowerStats } from '../../server/src/python/fast-lower';
import { lowerModule } from '../../server/src/python/lower';
import { createPythonParser } from '../../server/src/python/parser';
import { copyTree } from '../../server/src/python/syntax';
// @ts-expect-error plain JavaScript module without types
import { generateKerasFile } from './generate.mjs';

const WARMUP = 5;
const RUNS = 20;

interface Timing {
  median: number;
  min: number;
}

function time(step: () => void): Timing {
  // A full collection before each loop (not each run): no loop pays for the previous one's
  // garbage, and the warm-up runs let the young generation grow back.
  (globalThis as { gc?: () => void }).gc?.();
  const ts: number[] = [];
  for (let run = 0; run < WARMUP + RUNS; run++) {
    const t = performance.now();
    step();
    if (run >= WARMUP) ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return { median: ts[Math.floor(ts.length / 2)], min: ts[0] };
}

async function main(): Promise<void> {
  const parser = await createPythonParser();
  const figures: Record<string, number> = {};
  const cell = (t: Timing): string => `${t.median.toFixed(1)} (${t.min.toFixed(1)})`.padStart(14);
  console.log('  lines   parse ms        copyTree+lowerModule   lowerTree ms    lowerTree/parse   fallbacks');
  for (const lines of [500, 2000, 10000]) {
    const text = (generateKerasFile as (n: number, seed?: number) => string)(lines);
    const tree: Tree | null = parser.parse(text);
    if (!tree) throw new Error('parse failed');
    const stats: FastLowerStats = { fallbacks: [] };
    if (!isDeepStrictEqual(lowerTree(tree.rootNode, text, stats), lowerModule(copyTree(tree.rootNode), text))) {
      throw new Error(`the two lowerings differ on the ${lines}-line file`);
    }
    if (stats.wholeFile) throw new Error(`lowerTree fell back on the whole file: ${stats.wholeFile}`);
    const parse = time(() => parser.parse(text)?.delete());
    const old = time(() => lowerModule(copyTree(tree.rootNode), text));
    const fast = time(() => lowerTree(tree.rootNode, text));
    tree.delete();
    const ratio = `${((100 * fast.median) / parse.median).toFixed(0)}% (${((100 * fast.min) / parse.min).toFixed(0)}%)`;
    console.log(
      `  ${String(lines).padStart(5)}  ${cell(parse)}  ${cell(old).padStart(22)}  ${cell(fast)}  ${ratio.padStart(17)}  ${String(stats.fallbacks.length).padStart(10)}`,
    );
    const k = lines >= 1000 ? `${lines / 1000}k` : String(lines);
    figures[`parseMs${k}`] = Number(parse.median.toFixed(1));
    figures[`oldLowerMs${k}`] = Number(old.median.toFixed(1));
    figures[`newLowerMs${k}`] = Number(fast.median.toFixed(1));
  }
  console.log(`median (min) of ${RUNS} runs after ${WARMUP} warm-up runs, each step in its own loop`);
  console.log(JSON.stringify(figures));
  parser.delete();
}

void main();
