// Keras argument normalisation (spec §1): standardize_tuple, standardize_padding,
// standardize_data_format and the scalar checks. Each reader returns what the shape math needs;
// an `unknown` value yields null (only what depends on it becomes unknown, no finding), an
// invalid one yields null plus an invalid-layer-argument finding worded as Keras words it.
import type { DataFormat, LayerCall, PyValue } from './types';
import { FindingSink, kerasRaises } from './findings';
import { intValue, isIntLike, isSafeSize, repr, setRepr, typeRepr } from './py';

/** A normalised per-axis integer tuple; null entries are unknown (or invalid, with a finding). */
export type IntTuple = (number | null)[];

export class ArgReader {
  constructor(
    readonly call: LayerCall,
    readonly sink: FindingSink,
  ) {}

  get layer(): string {
    return this.call.className;
  }

  /** The value as written, or undefined when the argument was not passed. */
  raw(name: string): PyValue | undefined {
    return Object.prototype.hasOwnProperty.call(this.call.args, name) ? this.call.args[name] : undefined;
  }

  /** Reports required arguments that were not passed, with Python's TypeError wording. */
  requireAll(names: readonly string[]): boolean {
    const missing = names.filter((n) => this.raw(n) === undefined);
    if (missing.length === 0) return true;
    const quoted = missing.map((n) => `'${n}'`);
    const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
    const noun = missing.length === 1 ? 'argument' : 'arguments';
    this.sink.add(
      'invalid-layer-argument',
      `Python raises TypeError: ${this.layer}.__init__() missing ${missing.length} required positional ${noun}: ${list}.`,
      missing[0],
    );
    return false;
  }

  invalid(name: string, message: string): void {
    this.sink.add('invalid-layer-argument', message, name);
  }

  /**
   * Keras `standardize_tuple(value, n, name, allow_zero)`. `label` is the name Keras prints
   * (e.g. "1st entry of padding"), `arg` the keyword the finding is attached to.
   */
  tuple(
    name: string,
    n: number,
    opts: { allowZero?: boolean; default?: PyValue; label?: string; value?: PyValue } = {},
  ): IntTuple {
    const v = opts.value ?? this.raw(name) ?? opts.default;
    const label = opts.label ?? name;
    const nulls: IntTuple = Array.from({ length: n }, () => null);
    if (v === undefined) return nulls;
    if (v.kind === 'unknown') return nulls;
    const base = `The \`${label}\` argument must be a tuple of ${n} integers. Received ${label}=${repr(v)}`;
    const fail = (extra = ''): IntTuple => {
      this.invalid(name, kerasRaises(base + extra));
      return nulls;
    };

    let items: (PyValue | number)[];
    if (isIntLike(v)) {
      items = Array.from({ length: n }, () => intValue(v));
    } else if (v.kind === 'seq') {
      if (v.items.length !== n) return fail();
      items = v.items;
    } else if (v.kind === 'str') {
      // tuple('ab') is a tuple of characters; Keras then fails on them either way.
      return fail();
    } else {
      return fail();
    }

    const out: IntTuple = [];
    const floats: string[] = [];
    for (const item of items) {
      if (typeof item === 'number') {
        out.push(item);
        continue;
      }
      if (item.kind === 'unknown') {
        out.push(null);
      } else if (isIntLike(item)) {
        out.push(intValue(item));
      } else if (item.kind === 'float' && Number.isFinite(item.value)) {
        // int(2.0) succeeds, so standardize_tuple accepts a float; the layer then fails when it
        // creates its kernel or calls the TF op, which need integers.
        floats.push(repr(item));
        out.push(null);
      } else {
        return fail(`, including element ${repr(item)} of type ${typeRepr(item)}`);
      }
    }

    const bad = out.filter((x): x is number => x !== null && (opts.allowZero ? x < 0 : x <= 0));
    if (bad.length > 0) {
      return fail(`, including values ${setRepr(bad)} that do not satisfy \`value ${opts.allowZero ? '>=' : '>'} 0\``);
    }
    const huge = out.filter((x): x is number => x !== null && !isSafeSize(x));
    if (huge.length > 0) {
      this.invalid(
        name,
        `\`${label}=${repr(v)}\` is too large: TensorFlow sizes are 64-bit integers and no tensor of that size can exist.`,
      );
      return nulls;
    }
    if (floats.length > 0) {
      this.invalid(
        name,
        `\`${label}=${repr(v)}\` contains the float ${floats[0]}: Keras' standardize_tuple lets it through (int() accepts it), ` +
          `but the layer then fails when it builds its weights or runs the TensorFlow op, which need integers. Write integers.`,
      );
      return out; // the float axes are already null
    }
    return out;
  }

  /**
   * Keras `standardize_padding` for conv-family layers: lower-cased, `causal` only for Conv1D.
   * Returns null when unknown or invalid.
   */
  convPadding(allowCausal: boolean): 'valid' | 'same' | 'causal' | null {
    const v = this.raw('padding') ?? { kind: 'str', value: 'valid' };
    if (v.kind === 'unknown') return null;
    const allowed = allowCausal ? "{'valid', 'same', 'causal'}" : "{'valid', 'same'}";
    if (v.kind === 'seq') {
      this.invalid(
        'padding',
        kerasRaises(
          `\`padding\` must be either \`'valid'\` or \`'same'\`. Received ${repr(v)}`,
          'ValueError',
          'standardize_padding lets a list/tuple through; the output-shape computation then rejects it.',
        ),
      );
      return null;
    }
    if (v.kind !== 'str') {
      this.invalid(
        'padding',
        `Keras raises AttributeError: '${typeName(v)}' object has no attribute 'lower' (\`padding\` must be the string 'valid' or 'same').`,
      );
      return null;
    }
    const p = v.value.toLowerCase();
    if (p === 'valid' || p === 'same' || (allowCausal && p === 'causal')) return p;
    let msg = kerasRaises(`The \`padding\` argument must be a list/tuple or one of ${allowed}. Received: ${p}`);
    if (p === 'causal') msg += ` 'causal' padding exists only for Conv1D in Keras 3, not for ${this.layer}.`;
    this.invalid('padding', msg);
    return null;
  }

  /**
   * Pooling `padding`: Keras 3 stores it verbatim, so only exact lower-case strings pass its
   * symbolic shape check. Upper/mixed case is reported but the shape is still computed as
   * lower-case, which is what eager calls (and tf.keras 2) do.
   */
  poolPadding(): 'valid' | 'same' | null {
    const v = this.raw('padding') ?? { kind: 'str', value: 'valid' };
    if (v.kind === 'unknown') return null;
    const keras = `Argument \`padding\` must be either 'valid' or 'same'. Received: padding=${pyStrOf(v)}`;
    const message = kerasRaises(keras);
    if (v.kind !== 'str') {
      this.invalid('padding', message);
      return null;
    }
    if (v.value === 'valid' || v.value === 'same') return v.value;
    const lower = v.value.toLowerCase();
    if (lower === 'valid' || lower === 'same') {
      this.invalid(
        'padding',
        `Keras 3 pooling layers do not lower-case \`padding\` (convolutions do): padding=${repr(v)} works in eager calls, ` +
          `but building a model raises ValueError: ${keras}. Write padding='${lower}' (the shape shown is the one '${lower}' gives).`,
      );
      return lower;
    }
    this.invalid('padding', message);
    return null;
  }

  /** Keras `standardize_data_format`; the default is `image_data_format()`. */
  dataFormat(defaultFormat: DataFormat): DataFormat | null {
    const v = this.raw('data_format');
    if (v === undefined || v.kind === 'none') return defaultFormat;
    if (v.kind === 'unknown') return null;
    if (v.kind === 'str') {
      const f = v.value.toLowerCase();
      if (f === 'channels_last' || f === 'channels_first') return f;
    }
    this.invalid(
      'data_format',
      kerasRaises(
        `The \`data_format\` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=${v.kind === 'str' ? v.value : repr(v)}`,
      ),
    );
    return null;
  }

  /**
   * A scalar integer such as `filters`. `check` returns a Keras message for a bad value.
   * Returns null when unknown or invalid.
   */
  int(name: string, opts: { default?: PyValue; check?: (n: number) => string | undefined; typeMessage?: string }): number | null {
    const v = this.raw(name) ?? opts.default;
    if (v === undefined || v.kind === 'unknown') return null;
    if (!isIntLike(v)) {
      this.invalid(name, opts.typeMessage ?? `\`${name}\` must be an integer. Received ${name}=${repr(v)}.`);
      return null;
    }
    const n = intValue(v);
    if (!isSafeSize(n)) {
      this.invalid(name, `\`${name}=${repr(v)}\` is too large: TensorFlow sizes are 64-bit integers and no tensor of that size can exist.`);
      return null;
    }
    const problem = opts.check?.(n);
    if (problem !== undefined) {
      this.invalid(name, problem);
      return null;
    }
    return n;
  }

  /** A boolean flag such as `keepdims`; null when unknown. */
  bool(name: string, fallback: boolean): boolean | null {
    const v = this.raw(name);
    if (v === undefined || v.kind === 'none') return fallback;
    if (v.kind === 'unknown') return null;
    if (v.kind === 'bool') return v.value;
    if (v.kind === 'int') return v.value !== 0;
    return true;
  }
}

function typeName(v: PyValue): string {
  return typeRepr(v).slice(8, -2);
}

function pyStrOf(v: PyValue): string {
  return v.kind === 'str' ? v.value : repr(v);
}
