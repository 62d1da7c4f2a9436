// Syntax trees kept for incremental parsing, one per analysed unit (a Python document or a
// notebook's joined code cells). Trees live in wasm memory: every tree that leaves the cache
// (replaced, evicted, closed, disposed) is `delete()`d here and nowhere else.
import type { Edit, Tree } from 'web-tree-sitter';

export const DEFAULT_TREE_CACHE_SIZE = 16;

export class TreeCache {
  /** Map order is recency order: the first entry is the least recently used. */
  private readonly trees = new Map<string, Tree>();

  constructor(private readonly capacity = DEFAULT_TREE_CACHE_SIZE) {}

  get size(): number {
    return this.trees.size;
  }

  has(key: string): boolean {
    return this.trees.has(key);
  }

  /** The tree for `key` (marked most recently used), or undefined. Still owned by the cache. */
  get(key: string): Tree | undefined {
    const tree = this.trees.get(key);
    if (tree) {
      this.trees.delete(key);
      this.trees.set(key, tree);
    }
    return tree;
  }

  /** Stores `tree` for `key`, deleting the tree it replaces and evicting beyond capacity. */
  set(key: string, tree: Tree): void {
    const old = this.trees.get(key);
    this.trees.delete(key);
    if (old && old !== tree) old.delete();
    this.trees.set(key, tree);
    while (this.trees.size > this.capacity) {
      const [lru, evicted] = this.trees.entries().next().value as [string, Tree];
      this.trees.delete(lru);
      evicted.delete();
    }
  }

  /** Records an edit on the kept tree (if any) so the next parse can reuse what did not change. */
  edit(key: string, edit: Edit): void {
    this.trees.get(key)?.edit(edit);
  }

  delete(key: string): void {
    const tree = this.trees.get(key);
    this.trees.delete(key);
    tree?.delete();
  }

  dispose(): void {
    for (const tree of this.trees.values()) tree.delete();
    this.trees.clear();
  }
}
