// Entry of the Python front end: a module's syntax tree -> layer applications and diagnostics.
import type { Node } from 'web-tree-sitter';
import type { AnalysisResult } from '../analysis-types';
import type { EngineOptions } from '../engine/types';
import type { Module } from './ast';
import { lowerTree, type LoweringCache } from './fast-lower';
import { Interpreter } from './interpreter';
import { Recorder } from './recorder';

/** `cache`: the lowering of this document's previous version, reused where the text is unchanged. */
export function analyzeModule(root: Node, text: string, options: EngineOptions, cache?: LoweringCache): AnalysisResult {
  // Every way of reaching Keras names it somewhere (imports, tf.keras); skip other files cheaply.
  if (!text.includes('keras')) return { layers: [], diagnostics: [], unknowns: [] };
  const recorder = new Recorder(text);
  try {
    // Equal to lowerModule(copyTree(root), text), several times faster (fast-lower.ts).
    const module = lowerTree(root, text, undefined, cache);
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
