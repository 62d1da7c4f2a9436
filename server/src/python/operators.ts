// Python operators on folded constants: arithmetic with Python's floor semantics, tuple
// concatenation and repetition, comparisons, indexing and slicing.
import type { SymbolicDim, SymbolicShape } from '../engine/types';
import { constEquals, isNumber, numberOf, truthy, unknown, type Val } from './values';

/** Sequences longer than this are not built (`(1,) * 10**9`). */
const MAX_SEQ = 100_000;
const MAX_STR = 1_000_000;

export function binaryOp(op: string, a: Val, b: Val): Val {
  if (a.k === 'unknown') return a;
  if (b.k === 'unknown') return b;
  if (isNumber(a) && isNumber(b)) return numericOp(op, a, b);
  if (op === '+') {
    if (a.k === 'seq' && b.k === 'seq' && a.list === b.list) {
      if (a.items.length + b.items.length > MAX_SEQ) return unknown('sequence too long');
      return { k: 'seq', items: [...a.items, ...b.items], list: a.list };
    }
    if (a.k === 'str' && b.k === 'str') {
      if (a.v.length + b.v.length > MAX_STR) return unknown('string too long');
      return { k: 'str', v: a.v + b.v };
    }
  }
  if (op === '*') {
    const [seq, n] = a.k === 'seq' || a.k === 'str' ? [a, b] : [b, a];
    if ((seq.k === 'seq' || seq.k === 'str') && n.k === 'int') {
      const count = Math.max(0, n.v);
      const len = seq.k === 'seq' ? seq.items.length : seq.v.length;
      // Nothing repeated any number of times is nothing (and `[] * 10**10` must not loop).
      if (len === 0 || count === 0) return seq.k === 'str' ? { k: 'str', v: '' } : { k: 'seq', items: [], list: seq.list };
      if (len * count > (seq.k === 'seq' ? MAX_SEQ : MAX_STR)) return unknown('sequence too long');
      if (seq.k === 'str') return { k: 'str', v: seq.v.repeat(count) };
      const items: Val[] = [];
      for (let i = 0; i < count; i++) items.push(...seq.items);
      return { k: 'seq', items, list: seq.list };
    }
  }
  if (op === '%' && a.k === 'str') return unknown('formatted string');
  return unknown(`cannot compute ${op} here`);
}

function numericOp(op: string, a: Val, b: Val): Val {
  const x = numberOf(a);
  const y = numberOf(b);
  const ints = a.k !== 'float' && b.k !== 'float';
  const num = (v: number, isInt: boolean): Val => (isInt ? { k: 'int', v } : { k: 'float', v });
  switch (op) {
    case '+':
      return num(x + y, ints);
    case '-':
      return num(x - y, ints);
    case '*':
      return num(x * y, ints);
    case '/':
      return y === 0 ? unknown('division by zero') : { k: 'float', v: x / y };
    case '//':
      return y === 0 ? unknown('division by zero') : num(Math.floor(x / y), ints);
    case '%':
      return y === 0 ? unknown('division by zero') : num(x - y * Math.floor(x / y), ints);
    case '**': {
      if (ints && y < 0) return { k: 'float', v: x ** y };
      return num(x ** y, ints);
    }
    case '<<':
      return ints && y >= 0 && y < 1024 ? num(x * 2 ** y, true) : unknown('shift');
    case '>>':
      return ints && y >= 0 ? num(Math.floor(x / 2 ** y), true) : unknown('shift');
    case '&':
    case '|':
    case '^':
      if (!ints || !Number.isSafeInteger(x) || !Number.isSafeInteger(y) || Math.abs(x) > 2 ** 31 || Math.abs(y) > 2 ** 31) {
        return unknown('bitwise operation');
      }
      return num(op === '&' ? x & y : op === '|' ? x | y : x ^ y, true);
    default:
      return unknown(`operator ${op}`);
  }
}

export function unaryOp(op: string, a: Val): Val {
  if (a.k === 'unknown') return a;
  if (!isNumber(a)) return unknown(`cannot compute ${op} here`);
  const x = numberOf(a);
  const isInt = a.k !== 'float';
  if (op === '-') return isInt ? { k: 'int', v: -x } : { k: 'float', v: -x };
  if (op === '+') return isInt ? { k: 'int', v: x } : { k: 'float', v: x };
  if (op === '~' && isInt) return { k: 'int', v: -x - 1 };
  return unknown(`operator ${op}`);
}

/** One comparison; undefined when it cannot be decided. */
export function compareOp(op: string, a: Val, b: Val): boolean | undefined {
  switch (op) {
    case '==':
      return constEquals(a, b);
    case '!=': {
      const e = constEquals(a, b);
      return e === undefined ? undefined : !e;
    }
    case 'is':
    case 'is not': {
      let r: boolean | undefined;
      if (a.k === 'none' || b.k === 'none') r = a.k === 'unknown' || b.k === 'unknown' ? undefined : a.k === b.k;
      else if (a.k === 'bool' && b.k === 'bool') r = a.v === b.v;
      else r = undefined;
      return r === undefined ? undefined : op === 'is' ? r : !r;
    }
    case 'in':
    case 'not in': {
      let r: boolean | undefined;
      if (b.k === 'seq') {
        r = false;
        for (const item of b.items) {
          const e = constEquals(a, item);
          if (e === undefined) {
            r = undefined;
            break;
          }
          if (e) {
            r = true;
            break;
          }
        }
      } else if (b.k === 'str' && a.k === 'str') r = b.v.includes(a.v);
      else if (b.k === 'dict' && a.k === 'str') r = b.entries.has(a.v);
      return r === undefined ? undefined : op === 'in' ? r : !r;
    }
    default: {
      let x: number | string;
      let y: number | string;
      if (isNumber(a) && isNumber(b)) {
        x = numberOf(a);
        y = numberOf(b);
      } else if (a.k === 'str' && b.k === 'str') {
        x = a.v;
        y = b.v;
      } else return undefined;
      if (op === '<') return x < y;
      if (op === '<=') return x <= y;
      if (op === '>') return x > y;
      if (op === '>=') return x >= y;
      return undefined;
    }
  }
}

export function notOp(a: Val): Val {
  const t = truthy(a);
  return t === undefined ? unknown('condition not known') : { k: 'bool', v: !t };
}

/** Python index normalisation; undefined when out of range. */
function normIndex(i: number, len: number): number | undefined {
  const j = i < 0 ? i + len : i;
  return j >= 0 && j < len ? j : undefined;
}

export function indexOp(obj: Val, index: Val): Val {
  if (obj.k === 'unknown') return obj;
  if (obj.k === 'seq' || obj.k === 'str') {
    const len = obj.k === 'seq' ? obj.items.length : obj.v.length;
    if (index.k === 'int' || index.k === 'bool') {
      const j = normIndex(numberOf(index), len);
      if (j === undefined) return unknown('index out of range');
      return obj.k === 'seq' ? obj.items[j] : { k: 'str', v: obj.v[j] };
    }
    if (index.k === 'slice') return sliceOp(obj, index);
    return unknown('index not known');
  }
  if (obj.k === 'dict' && index.k === 'str') return obj.entries.get(index.v) ?? unknown(`no key '${index.v}'`);
  return unknown('cannot index this value');
}

type SliceVal = Extract<Val, { k: 'slice' }>;

function sliceOp(obj: Extract<Val, { k: 'seq' } | { k: 'str' }>, s: SliceVal): Val {
  const len = obj.k === 'seq' ? obj.items.length : obj.v.length;
  const part = (v: Val): number | null | undefined => (v.k === 'none' ? null : v.k === 'int' ? v.v : undefined);
  const step = part(s.step) ?? 1;
  const lo0 = part(s.lo);
  const hi0 = part(s.hi);
  if (step === undefined || lo0 === undefined || hi0 === undefined || step === 0) return unknown('slice not known');
  const idx: number[] = [];
  const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));
  if (step > 0) {
    const lo = lo0 === null ? 0 : clamp(lo0 < 0 ? lo0 + len : lo0, 0, len);
    const hi = hi0 === null ? len : clamp(hi0 < 0 ? hi0 + len : hi0, 0, len);
    for (let i = lo; i < hi; i += step) idx.push(i);
  } else {
    const lo = lo0 === null ? len - 1 : clamp(lo0 < 0 ? lo0 + len : lo0, -1, len - 1);
    const hi = hi0 === null ? -1 : clamp(hi0 < 0 ? hi0 + len : hi0, -1, len - 1);
    for (let i = lo; i > hi; i += step) idx.push(i);
  }
  if (obj.k === 'str') return { k: 'str', v: idx.map((i) => obj.v[i]).join('') };
  return { k: 'seq', items: idx.map((i) => obj.items[i]), list: obj.list };
}

/**
 * NumPy/TensorFlow broadcasting of two shapes, right-aligned. An unknown size against a known
 * one takes the known one (a valid program has it equal or 1); sizes that do not broadcast, or
 * two symbolic sizes that may differ, leave that axis unknown: no finding rests on a guess.
 */
export function broadcastShapes(a: SymbolicShape, b: SymbolicShape): SymbolicShape {
  const n = Math.max(a.length, b.length);
  const out: SymbolicShape = [];
  for (let i = 0; i < n; i++) {
    const x: SymbolicDim = i < n - a.length ? 1 : (a[i - (n - a.length)] ?? null);
    const y: SymbolicDim = i < n - b.length ? 1 : (b[i - (n - b.length)] ?? null);
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else if (x === null) out.push(y);
    else if (y === null) out.push(x);
    else out.push(null);
  }
  return out;
}

/** `x * y`, `tf.multiply(x, y)`, ...: tensors broadcast; a number keeps the tensor's shape. */
export function tensorArithmetic(a: Val, b: Val, op = '*'): Val {
  // `a @ b` is a matrix product, not an elementwise operation.
  if (op === '@') return { k: 'tensor', t: { shape: null, why: 'the @ operator is not followed' } };
  if (a.k === 'tensor' && b.k === 'tensor') {
    const sa = a.t.shape;
    const sb = b.t.shape;
    if (sa && sb) {
      const keep = sa.length >= sb.length ? a : b;
      return { k: 'tensor', t: { shape: broadcastShapes(sa, sb), origin: keep.t.origin, rankOrigin: keep.t.rankOrigin } };
    }
    return { k: 'tensor', t: { shape: null, why: 'arithmetic on a tensor whose shape is not known' } };
  }
  const t = a.k === 'tensor' ? a : (b as Extract<Val, { k: 'tensor' }>);
  const other = a.k === 'tensor' ? b : a;
  if (other.k === 'int' || other.k === 'float' || other.k === 'bool') {
    // The shape stays; known elements (tf.shape(x)[1:3] * 2) are computed, as TF folds them.
    const values = t.t.values?.map((v) => (a.k === 'tensor' ? binaryOp(op, v, other) : binaryOp(op, other, v)));
    return { k: 'tensor', t: { ...t.t, values } };
  }
  return { k: 'tensor', t: { shape: null, why: 'arithmetic with a value the analysis cannot see' } };
}
