// JSON laid out for people as well as machines: nested objects one key per line, but arrays of
// numbers, strings and nulls (shapes, per-axis pads) and small objects deep in the tree (the
// `padding` of a layer) on one line, as in design/diagnostics.md.
// Written as pieces joined once at the end: a report of a 10,000-line file has tens of thousands
// of objects, and building a string per object cost more than the analysis.

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };

/** Objects at this depth or deeper are written on one line (root 0, files 1, a file 2, ...). */
const INLINE_OBJECT_DEPTH = 5;

export function stringifyJson(value: unknown): string {
  return stringifyJsonAt(value, '', 0) + '\n';
}

/** `value` laid out as it would be inside a document, at this indentation and depth. */
export function stringifyJsonAt(value: unknown, indent: string, depth: number): string {
  const out: string[] = [];
  write(value as JsonValue, indent, depth, out);
  return out.join('');
}

function isPrimitive(v: unknown): v is null | boolean | number | string {
  return v === null || typeof v !== 'object';
}

/** JSON.stringify of a primitive, without its generic machinery for the common cases. */
export function primitive(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v) ?? 'null';
}

/** Quoted keys: a report repeats the same few thousands of times. */
const quotedKeys = new Map<string, string>();
function quotedKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = `${JSON.stringify(k)}: `;
    if (quotedKeys.size < 1000) quotedKeys.set(k, q);
  }
  return q;
}

function write(v: JsonValue, indent: string, depth: number, out: string[]): void {
  if (isPrimitive(v)) {
    out.push(primitive(v));
    return;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push('[]');
      return;
    }
    if (v.every(isPrimitive)) {
      out.push('[');
      for (let i = 0; i < v.length; i++) out.push((i > 0 ? ', ' : '') + primitive(v[i]));
      out.push(']');
      return;
    }
    const inner = indent + '  ';
    out.push('[\n');
    for (let i = 0; i < v.length; i++) {
      out.push((i > 0 ? ',\n' : '') + inner);
      write(v[i], inner, depth + 1, out);
    }
    out.push(`\n${indent}]`);
    return;
  }
  const oneLine = depth >= INLINE_OBJECT_DEPTH;
  const inner = indent + '  ';
  let first = true;
  for (const k in v) {
    const x = v[k];
    if (x === undefined) continue;
    if (oneLine) out.push(first ? '{ ' : ', ');
    else out.push((first ? '{\n' : ',\n') + inner);
    first = false;
    out.push(quotedKey(k));
    write(x, oneLine ? '' : inner, depth + 1, out);
  }
  if (first) out.push('{}');
  else out.push(oneLine ? ' }' : `\n${indent}}`);
}
