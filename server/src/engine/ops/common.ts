// Shared plumbing of the op functions: a LayerContext named after the op, required-argument
// checks in Python's words, tensor arguments, and integer/axis readers.
import type { EngineOptions, LayerResult, PyValue, Shape } from '../types';
import { LayerContext } from '../context';
import { intValue, isIntLike, repr, shapeRepr } from '../py';
import type { OpCallInput, OpParam, TensorArg } from './registry';

export class OpContext extends LayerContext {
  constructor(
    readonly op: OpCallInput,
    name: string,
    readonly params: OpParam[],
  ) {
    super({ className: name, args: op.args }, op.options);
  }

  /** The op's short name as Python prints it in TypeErrors: `conv2d`, `reshape`. */
  get fn(): string {
    const parts = this.layer.split('.');
    return parts[parts.length - 1] ?? this.layer;
  }

  /** Reports missing required arguments (values and tensors) with Python's TypeError wording. */
  requireParams(): boolean {
    const missing = this.params.filter((p) => p.required && !this.has(p.name)).map((p) => p.name);
    if (missing.length === 0) return true;
    const quoted = missing.map((n) => `'${n}'`);
    const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
    this.sink.add(
      'invalid-layer-argument',
      `Python raises TypeError: ${this.fn}() missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${list}.`,
      missing[0],
    );
    this.unknown(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`);
    return false;
  }

  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.op.args, name) || Object.prototype.hasOwnProperty.call(this.op.tensors, name);
  }

  /** A single tensor's shape; undefined when not passed, null when its shape is unknown. */
  tensor(name: string): Shape | null | undefined {
    if (!Object.prototype.hasOwnProperty.call(this.op.tensors, name)) return undefined;
    const v: TensorArg | undefined = this.op.tensors[name];
    if (v === undefined || v === null) return null;
    if (Array.isArray(v)) return v;
    return null; // a list where one tensor was expected: nothing known
  }

  /** A list of tensors; undefined when not passed, null when not known to be a list. */
  tensorList(name: string): (Shape | null)[] | null | undefined {
    if (!Object.prototype.hasOwnProperty.call(this.op.tensors, name)) return undefined;
    const v = this.op.tensors[name];
    if (v === undefined || v === null) return null;
    if (Array.isArray(v)) return null;
    return v.list;
  }

  raw(name: string): PyValue | undefined {
    return this.args.raw(name);
  }
}

export function opContext(op: OpCallInput, name: string, params: OpParam[]): OpContext {
  return new OpContext(op, name, params);
}

/** An int axis (or null when unknown/invalid, reported). */
export function readAxis(ctx: OpContext, name: string, rank: number | null, fallback?: number): number | null | undefined {
  const v = ctx.raw(name);
  if (v === undefined || v.kind === 'none') return fallback;
  if (v.kind === 'unknown') return null;
  if (!isIntLike(v)) {
    ctx.args.invalid(name, `${name}=${repr(v)} must be an integer.`);
    return null;
  }
  const a = intValue(v);
  if (rank !== null && (a < -rank || a >= rank)) {
    ctx.args.invalid(name, `${name}=${a} is out of range for a rank-${rank} tensor (valid: ${-rank} to ${rank - 1}).`);
    return null;
  }
  return rank === null ? a : a < 0 ? a + rank : a;
}

/** An int or a tuple of ints (reduction axes); null = unknown; undefined = None/not passed. */
export function readAxes(ctx: OpContext, name: string): number[] | null | undefined {
  const v = ctx.raw(name);
  if (v === undefined || v.kind === 'none') return undefined;
  if (v.kind === 'unknown') return null;
  if (isIntLike(v)) return [intValue(v)];
  if (v.kind === 'seq') {
    const out: number[] = [];
    for (const it of v.items) {
      if (it.kind === 'unknown') return null;
      if (!isIntLike(it)) {
        ctx.args.invalid(name, `${name}=${repr(v)} must hold integers.`);
        return null;
      }
      out.push(intValue(it));
    }
    return out;
  }
  ctx.args.invalid(name, `${name}=${repr(v)} must be an integer or a tuple of integers.`);
  return null;
}

/** The result for an op whose main tensor input is unknown. */
export function unknownInput(ctx: OpContext, what = 'the input shape is not known'): LayerResult {
  ctx.unknown(what);
  return ctx.finish(null);
}

export function shapeOrNone(s: Shape | null): string {
  return s === null ? 'unknown' : shapeRepr(s);
}

export type { EngineOptions };
