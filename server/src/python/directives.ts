// `# shapewise: x=(None, 128, 128, 3)` comments: shapes the code alone cannot tell (data
// pipelines, library functions), declared on a def line (its parameters) or an assignment.
import type { Shape } from '../engine/types';
import type { Span } from './ast';

export interface Directive {
  /** Offset of the comment. */
  at: number;
  shapes: Map<string, Shape>;
}

const DECL = /([A-Za-z_][A-Za-z0-9_]*)\s*=\s*\(([^()]*)\)/g;

/** The shape declarations among a module's comments, in source order. */
export function parseDirectives(text: string, comments: Span[]): Directive[] {
  const out: Directive[] = [];
  for (const c of comments) {
    const body = text.slice(c.start, c.end);
    const m = /^#\s*shapewise:\s*(.*)$/.exec(body);
    if (!m || /^ignore\b/.test(m[1])) continue;
    const shapes = new Map<string, Shape>();
    for (const d of m[1].matchAll(DECL)) {
      const dims = d[2]
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0)
        .map((x) => (/^\d+$/.test(x) ? Number(x) : null));
      shapes.set(d[1], dims);
    }
    if (shapes.size > 0) out.push({ at: c.start, shapes });
  }
  return out;
}

/** Declarations whose comment lies in [start, end). */
export function declaredIn(directives: Directive[], start: number, end: number): Map<string, Shape> | undefined {
  let lo = 0;
  let hi = directives.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (directives[mid].at < start) lo = mid + 1;
    else hi = mid;
  }
  let found: Map<string, Shape> | undefined;
  for (let i = lo; i < directives.length && directives[i].at < end; i++) {
    found ??= new Map();
    for (const [k, v] of directives[i].shapes) found.set(k, v);
  }
  return found;
}
