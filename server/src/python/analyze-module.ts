// Entry of the Python front end: a module's syntax tree -> layer applications and diagnostics.
import type { Node } from 'web-tree-sitter';
import type { AnalysisResult } from '../analysis-types';
import type { EngineOptions } from '../engine/types';
import type { Module } from './ast';
import { lowerTree } from './fast-lower';
import { settle, type LoweringCache } from './lowering-cache';
import { Interpreter } from './interpreter';
import { analyzeIncrementally, type IslandCache } from './incremental';
import { Recorder } from './recorder';

/** `cache`: the lowering of this document's previous version, reused where the text is unchanged. */
export function analyzeModule(root: Node, text: string, options: EngineOptions, cache?: LoweringCache): AnalysisResult {
  // Equal to lowerModule(copyTree(root), text), several times faster (fast-lower.ts).
  return analyzeLowered(() => lowerTree(root, text, undefined, cache), text, options, cache?.islands, 'tree');
}

/** Every way of reaching Keras names it somewhere (imports, tf.keras): other files are skipped cheaply. */
export function mentionsKeras(text: string): boolean {
  return text.includes('keras');
}

/**
 * The analysis of a module lowered by `lower` (from the tree, or from the text alone).
 * `islands`: the same document's previous analysis, reused where an edit cannot change it;
 * `reader`: which lowering made the module (their statements are kept apart).
 */
export function analyzeLowered(lower: () => Module, text: string, options: EngineOptions, islands?: IslandCache, reader = 'text'): AnalysisResult {
  if (!mentionsKeras(text)) return { layers: [], diagnostics: [], unknowns: [] };
  if (!islands) return analyzeWhole(lower, text, options);
  let module: Module;
  try {
    module = lower();
  } catch {
    islands.runs.clear();
    return analyzeWhole(lower, text, options);
  }
  try {
    return analyzeIncrementally(module, text, options, islands, reader, () => analyzeWhole(() => module, text, options));
  } catch {
    // An internal error: the whole run reports it (with its stack) as it always has.
    islands.runs.clear();
    return analyzeWhole(() => module, text, options);
  }
}

function analyzeWhole(lower: () => Module, text: string, options: EngineOptions): AnalysisResult {
  const recorder = new Recorder(text);
  try {
    const module = lower();
    for (const s of module.body) settle(s);
    const interp = new Interpreter(recorder, options);
    interp.run(module, text);
    if (recorder.hasDiagnostic('shape-mismatch')) nameSizesThatWork(module, text, options, recorder);
    const result = recorder.result();
    if (interp.stoppedBecause) result.stoppedEarly = interp.stoppedBecause;
    return result;
  } catch (e) {
    const result = recorder.result();
    result.internalError = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    return result;
  }
}

/**
 * A merge fails on written Input sizes (65 → 33 → 66 vs 65): run the module again with those
 * sizes as symbols, and tell each failing merge which sizes near the written ones would work.
 */
function nameSizesThatWork(module: Module, text: string, options: EngineOptions, recorder: Recorder): void {
  const shadow = new Interpreter(new Recorder(text), options, true);
  shadow.run(module, text);
  if (shadow.stoppedBecause) return;
  recorder.layers.forEach((layer, index) => {
    const hint = shadow.sizes.nearestSizesAt(layer.expression);
    if (hint) recorder.extendMessage(index, 'shape-mismatch', hint);
  });
}
