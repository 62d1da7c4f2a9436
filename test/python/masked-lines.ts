// The lines the syntax-error recovery (python/recover.ts) blanks in a text, for the recovery's tests.
import type { Analyzer } from '../../server/src/analysis';
import { recoverFromErrors } from '../../server/src/python/recover';

export function maskedLinesOf(analyzer: Analyzer, text: string): number[] {
  const tree = analyzer.parse(text);
  if (!tree) throw new Error('parse failed');
  try {
    const recovered = recoverFromErrors(tree, text, (t, old) => analyzer.parse(t, old));
    if (recovered.tree && recovered.tree !== tree) recovered.tree.delete();
    return recovered.maskedLines;
  } finally {
    tree.delete();
  }
}
