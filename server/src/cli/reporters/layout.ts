// JSON laid out for people as well as machines: nested objects one key per line, but arrays of
// numbers, strings and nulls (shapes, per-axis pads) and small objects deep in the tree (the
// `padding` of a layer) on one line, as in design/diagnostics.md.
// Written into one growing string (V8 joins appended pieces cheaply): a report of a 10,000-line
// file has tens of thousands of objects, and building a string per object cost more than the analysis.

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };

/** Objects at this depth or deeper are written on one line (root 0, files 1, a file 2, ...). */
const INLINE_OBJECT_DEPTH = 5;

export function stringifyJson(value: unknown): string {
  return stringifyJsonAt(value, '', 0) + '\n';
}

/** `value` laid out as it would be inside a document, at this indentation and depth. */
export function stringifyJsonAt(value: unknown, indent: string, depth: number): string {
  const out = { s: '' };
  write(value as JsonValue, indent, depth, out);
  return out.s;
}

function isPrimitive(v: unknown): v is null | boolean | number | string {
  return v === null || typeof v !== 'object';
}

function write(v: JsonValue, indent: string, depth: number, out: { s: string }): void {
  if (isPrimitive(v)) {
    out.s += JSON.stringify(v) ?? 'null';
    return;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) {
      out.s += '[]';
      return;
    }
    if (v.every(isPrimitive)) {
      out.s += '[';
      for (let i = 0; i < v.length; i++) out.s += (i > 0 ? ', ' : '') + (JSON.stringify(v[i]) ?? 'null');
      out.s += ']';
      return;
    }
    const inner = indent + '  ';
    out.s += '[\n';
    for (let i = 0; i < v.length; i++) {
      out.s += (i > 0 ? ',\n' : '') + inner;
      write(v[i], inner, depth + 1, out);
    }
    out.s += `\n${indent}]`;
    return;
  }
  const oneLine = depth >= INLINE_OBJECT_DEPTH;
  const inner = indent + '  ';
  let first = true;
  for (const k in v) {
    const x = v[k];
    if (x === undefined) continue;
    if (oneLine) out.s += first ? '{ ' : ', ';
    else out.s += (first ? '{\n' : ',\n') + inner;
    first = false;
    out.s += `${JSON.stringify(k)}: `;
    write(x, oneLine ? '' : inner, depth + 1, out);
  }
  if (first) out.s += '{}';
  else out.s += oneLine ? ' }' : `\n${indent}}`;
}
