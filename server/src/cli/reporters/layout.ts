// JSON laid out for people as well as machines: nested objects one key per line, but arrays of
// numbers, strings and nulls (shapes, per-axis pads) and small objects deep in the tree (the
// `padding` of a layer) on one line, as in design/diagnostics.md.

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };

/** Objects at this depth or deeper are written on one line (root 0, files 1, a file 2, ...). */
const INLINE_OBJECT_DEPTH = 5;

export function stringifyJson(value: unknown): string {
  return render(value as JsonValue, '', 0) + '\n';
}

function isPrimitive(v: unknown): v is null | boolean | number | string {
  return v === null || typeof v !== 'object';
}

function render(v: JsonValue, indent: string, depth: number): string {
  if (isPrimitive(v)) return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every(isPrimitive)) return `[${v.map((x) => render(x, '', depth + 1)).join(', ')}]`;
    const inner = indent + '  ';
    return `[\n${v.map((x) => inner + render(x, inner, depth + 1)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(v).filter((e): e is [string, JsonValue] => e[1] !== undefined);
  if (entries.length === 0) return '{}';
  if (depth >= INLINE_OBJECT_DEPTH) {
    return `{ ${entries.map(([k, x]) => `${JSON.stringify(k)}: ${render(x, '', depth + 1)}`).join(', ')} }`;
  }
  const inner = indent + '  ';
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${render(x, inner, depth + 1)}`).join(',\n')}\n${indent}}`;
}
