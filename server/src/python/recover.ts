// Syntax-error recovery. Tree-sitter keeps most of a broken file, but an unclosed bracket can
// swallow everything after it into one ERROR node. Then the offending line is blanked out
// (same length, so every offset stays valid) and the text parsed again, a few times at most.
import type { Tree } from 'web-tree-sitter';

const MAX_ROUNDS = 6;

export interface Recovered {
  tree: Tree;
  text: string;
  /** Lines (0-based) that were blanked out to get past syntax errors. */
  maskedLines: number[];
}

/**
 * Returns the tree to analyse: `tree` itself when it is good enough, or a new tree (owned by
 * the caller, who must delete it) over a copy of `text` with broken lines blanked.
 */
export function recoverFromErrors(tree: Tree, text: string, parse: (t: string, old: Tree) => Tree | null): Recovered {
  if (!tree.rootNode.hasError) return { tree, text, maskedLines: [] };
  let bestTree = tree;
  let bestText = text;
  let bestDamage = damage(tree);
  const masked: number[] = [];
  let current = text;
  let currentTree: Tree = tree;
  for (let round = 0; round < MAX_ROUNDS && currentTree.rootNode.hasError; round++) {
    const row = firstErrorRow(currentTree);
    if (row === undefined || masked.includes(row)) break;
    masked.push(row);
    const blank = lineRange(current, row);
    current = current.slice(0, blank.start) + ' '.repeat(blank.end - blank.start) + current.slice(blank.end);
    // Re-parse incrementally: the blanked line is an edit of the same length.
    const base = currentTree.copy();
    base.edit({
      startIndex: blank.start,
      oldEndIndex: blank.end,
      newEndIndex: blank.end,
      startPosition: { row, column: 0 },
      oldEndPosition: { row, column: blank.end - blank.start },
      newEndPosition: { row, column: blank.end - blank.start },
    });
    const next = parse(current, base);
    base.delete();
    if (currentTree !== tree && currentTree !== bestTree) currentTree.delete();
    if (!next) break;
    currentTree = next;
    const d = damage(next);
    if (d < bestDamage) {
      if (bestTree !== tree) bestTree.delete();
      bestTree = next;
      bestText = current;
      bestDamage = d;
    }
  }
  if (currentTree !== tree && currentTree !== bestTree) currentTree.delete();
  return { tree: bestTree, text: bestText, maskedLines: bestTree === tree ? [] : masked };
}

/** Characters covered by module-level statements that contain errors: how much is lost. */
function damage(tree: Tree): number {
  let n = 0;
  for (const c of tree.rootNode.children) if (c && c.hasError) n += c.endIndex - c.startIndex;
  return n;
}

/** The row where the first module-level error begins. */
function firstErrorRow(tree: Tree): number | undefined {
  const cursor = tree.walk();
  try {
    if (!cursor.gotoFirstChild()) return undefined;
    do {
      if (cursor.nodeType === 'ERROR' || cursor.nodeIsMissing) return cursor.startPosition.row;
      const node = cursor.currentNode;
      if (node.hasError) {
        // An error inside a statement: find its first broken descendant.
        const inner = node.descendantsOfType('ERROR')[0];
        return inner ? inner.startPosition.row : node.startPosition.row;
      }
    } while (cursor.gotoNextSibling());
    return undefined;
  } finally {
    cursor.delete();
  }
}

/** Offsets of a line's content (its break excluded). */
function lineRange(text: string, row: number): { start: number; end: number } {
  let start = 0;
  for (let r = 0; r < row; r++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return { start: text.length, end: text.length };
    start = nl + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return { start, end };
}
