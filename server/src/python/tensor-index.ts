// Basic indexing of a symbolic tensor (`x[:, 0]`, `x[..., :3]`, `x[:, None]`, `x[:, -1, :]`),
// with the shape rule of Keras 3's GetItem.compute_output_spec: an int removes its axis, a
// slice keeps it with Python's slice length on a known size (an unknown or symbolic size stays
// as it is under `:`, and becomes unknown under any other slice), None / newaxis inserts a
// size-1 axis, and one Ellipsis stands for every axis the other items do not name.
import type { SymbolicDim, SymbolicShape } from '../engine/types';
import type { Tensor, Val } from './values';

type Item = { k: 'int'; v: number } | { k: 'slice'; lo: number | null; hi: number | null; step: number } | { k: 'new' } | { k: 'ellipsis' };

function isEllipsis(v: Val): boolean {
  return v.k === 'ns' && v.path.length === 2 && v.path[0] === 'builtins' && v.path[1] === 'Ellipsis';
}

function isNewAxis(v: Val): boolean {
  return v.k === 'none' || (v.k === 'ns' && v.path[v.path.length - 1] === 'newaxis');
}

function item(v: Val): Item | undefined {
  if (v.k === 'int') return { k: 'int', v: v.v };
  if (isNewAxis(v)) return { k: 'new' };
  if (isEllipsis(v)) return { k: 'ellipsis' };
  if (v.k === 'slice') {
    const part = (p: Val): number | null | undefined => (p.k === 'none' ? null : p.k === 'int' ? p.v : undefined);
    const lo = part(v.lo);
    const hi = part(v.hi);
    const step = part(v.step) ?? 1;
    if (lo === undefined || hi === undefined || step === undefined || step === 0) return undefined;
    return { k: 'slice', lo, hi, step };
  }
  return undefined;
}

/** len(range(*slice(lo, hi, step).indices(n))). */
function sliceLength(n: number, lo: number | null, hi: number | null, step: number): number {
  const clamp = (v: number, a: number, b: number): number => Math.max(a, Math.min(b, v));
  if (step > 0) {
    const a = lo === null ? 0 : clamp(lo < 0 ? lo + n : lo, 0, n);
    const b = hi === null ? n : clamp(hi < 0 ? hi + n : hi, 0, n);
    return Math.max(0, Math.ceil((b - a) / step));
  }
  const a = lo === null ? n - 1 : clamp(lo < 0 ? lo + n : lo, -1, n - 1);
  const b = hi === null ? -1 : clamp(hi < 0 ? hi + n : hi, -1, n - 1);
  return Math.max(0, Math.ceil((a - b) / -step));
}

/** The tensor `t[index]`; unknown for advanced indexing or an index the analysis cannot see. */
export function indexTensor(t: Tensor, index: Val): Tensor {
  const shape = t.shape;
  if (!shape) return { shape: null, why: t.why ?? 'a slice of a tensor whose shape is not known' };
  const raw = index.k === 'seq' && !index.list ? index.items : [index];
  const items: Item[] = [];
  for (const r of raw) {
    const it = item(r);
    if (!it) return { shape: null, why: 'a tensor indexed with a value the analysis cannot see (or advanced indexing)' };
    items.push(it);
  }
  if (items.filter((i) => i.k === 'ellipsis').length > 1) return { shape: null, why: 'an index can only have a single ellipsis' };
  const named = items.filter((i) => i.k === 'int' || i.k === 'slice').length;
  if (named > shape.length) return { shape: null, why: 'too many indices for the tensor' };
  const out: SymbolicShape = [];
  let axis = 0;
  let sawEllipsis = false;
  for (const it of items) {
    if (it.k === 'new') out.push(1);
    else if (it.k === 'ellipsis') {
      sawEllipsis = true;
      const skip = shape.length - named;
      out.push(...shape.slice(axis, axis + skip));
      axis += skip;
    } else {
      const d: SymbolicDim = shape[axis] ?? null;
      axis++;
      if (it.k === 'int') {
        // An index out of range fails in TensorFlow: no shape rests on it.
        if (typeof d === 'number' && (it.v >= d || it.v < -d)) return { shape: null, why: `index ${it.v} is out of range for a size of ${d}` };
        continue;
      }
      if (typeof d === 'number') out.push(sliceLength(d, it.lo, it.hi, it.step));
      else out.push(it.lo === null && it.hi === null && it.step === 1 ? d : null);
    }
  }
  // Axes after the last item are kept whole (an implicit trailing ellipsis).
  if (!sawEllipsis) out.push(...shape.slice(axis));
  return { shape: out, origin: t.origin, rankOrigin: out.length === shape.length ? t.rankOrigin : undefined };
}
