// Entry of the Python front end: a module's syntax tree -> layer applications and diagnostics.
import type { Node } from 'web-tree-sitter';
import type { AnalysisResult } from '../analysis-types';
import type { EngineOptions } from '../engine/types';

// Placeholder until the interpreter lands: recognises nothing.
export function analyzeModule(_root: Node, _text: string, _options: EngineOptions): AnalysisResult {
  return { layers: [], diagnostics: [], unknowns: [] };
}
