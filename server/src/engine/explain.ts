// Small helpers for the human-readable derivation (steps, formulas): numbers as the user wrote
// them, unknown dims as Python's `None`, and a layer call echoed with normalised arguments.
import type { AxisDetail, SymbolicDim, SymbolicShape } from './types';
import { shapeRepr, tupleRepr } from './py';

/** A dimension in a formula: the number, `None` when unknown, or the symbolic size (`ceil(H/2)`). */
export function fmt(d: SymbolicDim | undefined): string {
  return d === null || d === undefined ? 'None' : String(d);
}

/**
 * A dimension as a factor or divided quantity in a formula: a symbolic sum is parenthesised
 * (`(H - 2)·2`, `ceil((H - 2) / 2)`), everything else as `fmt`.
 */
export function fmtFactor(d: SymbolicDim | undefined): string {
  const t = fmt(d);
  return typeof d === 'string' && /^-|\s[-+]\s/.test(topLevel(t)) ? `(${t})` : t;
}

/** The text with every parenthesised part blanked, to look at its top level only. */
function topLevel(t: string): string {
  let depth = 0;
  let out = '';
  for (const ch of t) {
    if (ch === '(') depth++;
    out += depth > 0 ? '_' : ch;
    if (ch === ')') depth--;
  }
  return out;
}

/** A per-axis tuple for display; collapses to one number when all axes agree. */
export function compactTuple(values: readonly (number | null)[]): string {
  if (values.length > 0 && values.every((v) => v !== null && v === values[0])) return String(values[0]);
  return tupleRepr(values);
}


export function inputStep(shape: SymbolicShape): string {
  return `Input shape ${shapeRepr(shape)}.`;
}

export function outputStep(shape: SymbolicShape | null): string {
  return shape === null ? 'Output shape unknown.' : `Output shape ${shapeRepr(shape)}.`;
}

/** One line per axis: `height: ceil(65 / 2) = 33; P = … → 1 before, 1 after.` */
export function axisSteps(axes: readonly AxisDetail<SymbolicDim>[]): string[] {
  return axes.map((a) => {
    const pad = a.paddingFormula ? `; ${a.paddingFormula}` : '';
    const dilated =
      a.dilation !== undefined && a.dilation > 1 && a.kernel !== undefined
        ? `effective kernel (${a.kernel} - 1)·${a.dilation} + 1 = ${a.effectiveKernel}; `
        : '';
    return `${a.name}: ${dilated}${a.formula}${pad}.`;
  });
}
