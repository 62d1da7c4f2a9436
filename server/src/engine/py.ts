// Reading and printing folded Python values. Messages quote the user's arguments the way Python
// would print them (Keras' own error texts are f-strings over these values), so `repr` mimics it.
import type { PyValue, SymbolicDim, SymbolicShape } from './types';

export const UNKNOWN_REPR = '<unknown>';

/** Python's repr of a float: integral floats keep a `.0`, exponents look like `1e-05`. */
function floatRepr(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  const s = String(v);
  // JS writes 1e-7 / 1e+21; Python writes 1e-07 / 1e+21.
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function intRepr(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '<a huge integer>' : '<a huge negative integer>';
  // Past 2**53 the folded value is a double: its low digits are not the user's. Print the
  // magnitude only (Python would print every digit of the exact integer).
  if (Math.abs(v) > Number.MAX_SAFE_INTEGER) return `<an integer of about ${v.toExponential(3).replace('e+', 'e')}>`;
  return String(v);
}

function strRepr(s: string): string {
  // Python prefers single quotes unless the string contains one and no double quote.
  if (s.includes("'") && !s.includes('"')) return `"${s}"`;
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Python `repr()` of a folded value; lists print with [], tuples with () and a 1-tuple comma. */
export function repr(v: PyValue): string {
  switch (v.kind) {
    case 'int':
      return intRepr(v.value);
    case 'float':
      return floatRepr(v.value);
    case 'str':
      return strRepr(v.value);
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'unknown':
      return UNKNOWN_REPR;
    case 'layer':
      return `<${v.call.className} layer>`;
    case 'seq': {
      const inner = v.items.map(repr);
      if (v.list) return `[${inner.join(', ')}]`;
      return inner.length === 1 ? `(${inner[0]},)` : `(${inner.join(', ')})`;
    }
  }
}


/** Python's `type(x)` as printed inside Keras messages: `<class 'float'>`. */
export function typeRepr(v: PyValue): string {
  const names: Record<PyValue['kind'], string> = {
    int: 'int',
    float: 'float',
    str: 'str',
    bool: 'bool',
    none: 'NoneType',
    seq: 'tuple',
    unknown: 'object',
    layer: 'keras.Layer',
  };
  const name = v.kind === 'seq' && v.list ? 'list' : names[v.kind];
  return `<class '${name}'>`;
}

/** A tuple of plain numbers printed as Python would: `(3, 3)`, `(2,)`; symbolic sizes as their text. */
export function tupleRepr(values: readonly SymbolicDim[]): string {
  const inner = values.map((x) => (x === null ? 'None' : typeof x === 'string' ? x : intRepr(x)));
  return inner.length === 1 ? `(${inner[0]},)` : `(${inner.join(', ')})`;
}

/** A shape as Keras prints it: `(None, 65, 65, 3)`; symbolic sizes as their text (`(None, H, W, 3)`). */
export function shapeRepr(shape: SymbolicShape): string {
  return tupleRepr(shape);
}

/** Python set repr of the offending values in standardize_tuple's message: `{0, -1}`. */
export function setRepr(values: readonly number[]): string {
  const uniq = [...new Set(values)];
  return `{${uniq.map(intRepr).join(', ')}}`;
}


/** True for the values Python treats as integers (`bool` is a subclass of `int`). */
export function isIntLike(v: PyValue): v is { kind: 'int'; value: number } | { kind: 'bool'; value: boolean } {
  return v.kind === 'int' || v.kind === 'bool';
}

export function intValue(v: { kind: 'int'; value: number } | { kind: 'bool'; value: boolean }): number {
  return v.kind === 'bool' ? (v.value ? 1 : 0) : v.value;
}

/** Integers we can do exact arithmetic on; larger ones are reported instead of computed with. */
export function isSafeSize(n: number): boolean {
  return Number.isSafeInteger(n);
}

export function pyInt(value: number): PyValue {
  return { kind: 'int', value };
}
