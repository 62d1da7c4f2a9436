// A plain-JavaScript copy of the tree-sitter tree, made in one cursor walk. Reading nodes
// through web-tree-sitter's API crosses into wasm on every property access; the front end
// reads the tree many times (helpers are re-run per call site), so it reads this copy instead.
import type { Node } from 'web-tree-sitter';

export interface SyntaxNode {
  type: string;
  /** The field name this node has in its parent (`left`, `function`, ...), if any. */
  field: string | null;
  named: boolean;
  missing: boolean;
  /** UTF-16 offsets into the document text. */
  start: number;
  end: number;
  children: SyntaxNode[];
}

/** Copies the tree below `root`. Beyond `maxDepth` levels children are dropped (and marked). */
export function copyTree(root: Node, maxDepth = 2000): SyntaxNode {
  const cursor = root.walk();
  try {
    const top: SyntaxNode = makeNode(cursor, null);
    const stack: SyntaxNode[] = [top];
    // Iterative pre-order walk: deep nesting (50,000 parentheses) must not overflow the JS stack.
    if (!cursor.gotoFirstChild()) return top;
    for (;;) {
      const parent = stack[stack.length - 1];
      const node = makeNode(cursor, cursor.currentFieldName);
      parent.children.push(node);
      if (stack.length < maxDepth && cursor.gotoFirstChild()) {
        stack.push(node);
        continue;
      }
      if (stack.length >= maxDepth) node.type = 'ERROR';
      while (!cursor.gotoNextSibling()) {
        if (stack.length === 1 || !cursor.gotoParent()) return top;
        stack.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}

function makeNode(cursor: import('web-tree-sitter').TreeCursor, field: string | null): SyntaxNode {
  return {
    type: cursor.nodeType,
    field,
    named: cursor.nodeIsNamed,
    missing: cursor.nodeIsMissing,
    start: cursor.startIndex,
    end: cursor.endIndex,
    children: [],
  };
}

export function child(node: SyntaxNode, field: string): SyntaxNode | undefined {
  for (const c of node.children) if (c.field === field) return c;
  return undefined;
}

export function childrenByField(node: SyntaxNode, field: string): SyntaxNode[] {
  return node.children.filter((c) => c.field === field);
}

export function namedChildren(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter((c) => c.named && c.type !== 'comment');
}
