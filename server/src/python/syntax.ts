// A plain-JavaScript copy of the tree-sitter tree, made in one cursor walk. Reading nodes
// through web-tree-sitter's API crosses into wasm on every property access; the front end
// reads the tree many times (helpers are re-run per call site), so it reads this copy instead.
import type { Language, Node, TreeCursor } from 'web-tree-sitter';

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

/** Type and field names by id, read once per language (each cursor getter crosses into wasm). */
interface NameTables {
  types: string[];
  named: boolean[];
  fields: (string | null)[];
}

const tables = new WeakMap<Language, NameTables>();

function tablesFor(language: Language): NameTables {
  let t = tables.get(language);
  if (!t) {
    const types: string[] = [];
    const named: boolean[] = [];
    for (let i = 0; i < language.nodeTypeCount; i++) {
      types.push(language.nodeTypeForId(i) ?? '');
      named.push(language.nodeTypeIsNamed(i));
    }
    const fields: (string | null)[] = [null];
    for (let i = 1; i <= language.fieldCount; i++) fields.push(language.fieldNameForId(i));
    t = { types, named, fields };
    tables.set(language, t);
  }
  return t;
}

/** Copies the tree below `root`. Beyond `maxDepth` levels children are dropped (and marked). */
export function copyTree(root: Node, maxDepth = 2000): SyntaxNode {
  const cursor = root.walk();
  const names = tablesFor(root.tree.language);
  const makeNode = (c: TreeCursor, field: string | null): SyntaxNode => {
    const typeId = c.nodeTypeId;
    // ERROR nodes have the id 0xFFFF, outside the tables (web-tree-sitter names them 'ERROR').
    const type = names.types[typeId] ?? 'ERROR';
    const named = names.named[typeId] ?? true;
    const start = c.startIndex;
    // Anonymous tokens are their own text, so only named nodes need an end offset read; except
    // the two-keyword aliases `not in` / `is not`, which may have any whitespace inside.
    const end = named || type.includes(' ') ? c.endIndex : start + type.length;
    return { type, field, named, missing: named && start === end, start, end, children: [] };
  };
  try {
    const top: SyntaxNode = makeNode(cursor, null);
    const stack: SyntaxNode[] = [top];
    // Iterative pre-order walk: deep nesting (50,000 parentheses) must not overflow the JS stack.
    if (!cursor.gotoFirstChild()) return top;
    for (;;) {
      const parent = stack[stack.length - 1];
      const node = makeNode(cursor, names.fields[cursor.currentFieldId] ?? null);
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


export function child(node: SyntaxNode, field: string): SyntaxNode | undefined {
  for (const c of node.children) if (c.field === field) return c;
  return undefined;
}

export function childrenByField(node: SyntaxNode, field: string): SyntaxNode[] {
  return node.children.filter((c) => c.field === field);
}

export function namedChildren(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter((c) => c.named && !isExtra(c));
}

/** Comments and `\` line continuations: tree-sitter puts them inside whatever node is open. */
export function isExtra(node: SyntaxNode): boolean {
  return node.type === 'comment' || node.type === 'line_continuation';
}
