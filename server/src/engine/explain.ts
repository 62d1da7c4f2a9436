// Small helpers for the human-readable derivation (steps, formulas): numbers as the user wrote
// them, unknown dims as Python's `None`, and a layer call echoed with normalised arguments.
import type { AxisDetail, Dim, Shape } from './types';
import { shapeRepr, tupleRepr } from './py';

/** A dimension in a formula: the number, or `None` when unknown. */
export function fmt(d: Dim | undefined): string {
  return d === null || d === undefined ? 'None' : String(d);
}

/** A per-axis tuple for display; collapses to one number when all axes agree. */
export function compactTuple(values: readonly (number | null)[]): string {
  if (values.length > 0 && values.every((v) => v !== null && v === values[0])) return String(values[0]);
  return tupleRepr(values);
}


export function inputStep(shape: Shape): string {
  return `Input shape ${shapeRepr(shape)}.`;
}

export function outputStep(shape: Shape | null): string {
  return shape === null ? 'Output shape unknown.' : `Output shape ${shapeRepr(shape)}.`;
}

/** One line per axis: `height: ceil(65 / 2) = 33; P = … → 1 before, 1 after.` */
export function axisSteps(axes: readonly AxisDetail[]): string[] {
  return axes.map((a) => {
    const pad = a.paddingFormula ? `; ${a.paddingFormula}` : '';
    const dilated =
      a.dilation !== undefined && a.dilation > 1 && a.kernel !== undefined
        ? `effective kernel (${a.kernel} - 1)·${a.dilation} + 1 = ${a.effectiveKernel}; `
        : '';
    return `${a.name}: ${dilated}${a.formula}${pad}.`;
  });
}
