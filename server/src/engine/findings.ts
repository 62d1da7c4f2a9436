// Collects findings for one layer application. The contract is one finding per code per
// application, so a second problem of the same code is appended to the first finding's message
// (Keras would stop at the first error; the user is better served seeing all of them at once).
import type { DiagnosticCode, Finding, SizeConstraint } from './types';
import { SEARCH_LIMIT, combineSolutions, conditionText, constraintVariables, sameSet, solveConstraint, withLiteral, withinBudget, type VariableSolution } from './constraints';

export class FindingSink {
  private readonly byCode = new Map<DiagnosticCode, Finding>();

  add(code: DiagnosticCode, message: string, argument?: string, inputs?: number[]): void {
    const text = sentence(message);
    const existing = this.byCode.get(code);
    if (existing) {
      if (!existing.message.includes(text)) existing.message = `${existing.message} ${text}`;
      if (inputs) existing.inputs = [...new Set([...(existing.inputs ?? []), ...inputs])].sort((a, b) => a - b);
      return;
    }
    const f: Finding = { code, message: text };
    if (argument !== undefined) f.argument = argument;
    if (inputs !== undefined) f.inputs = [...inputs];
    this.byCode.set(code, f);
  }

  has(code: DiagnosticCode): boolean {
    return this.byCode.has(code);
  }


  list(): Finding[] {
    return [...this.byCode.values()];
  }
}

/** Findings are complete sentences ending with a full stop (messages are written to start well). */
export function sentence(s: string): string {
  const t = s.trim();
  if (t === '') return t;
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * Keras' own message, attributed: `Keras raises ValueError: …`, optionally followed by a note in
 * our words (a separate sentence).
 */
export function kerasRaises(message: string, kind: 'ValueError' | 'TypeError' = 'ValueError', note?: string, who = 'Keras'): string {
  const main = `${who} raises ${kind}: ${message.trim().replace(/\.$/, '')}.`;
  return note ? `${main} ${note.trim()}` : main;
}

// ---------------------------------------------------------------------------------------------
// input-size-constraint: one message per Input, from the SizeConstraints of the layers its
// symbolic sizes reach (the front end collects them and places the diagnostic on the Input).

/** One condition as the front end found it: the constraint, the layer's class name, and where it is. */
export interface ConstraintSite {
  constraint: SizeConstraint;
  /** The layer's class name, e.g. 'Concatenate'. */
  layer: string;
  /** Where, for people: 'line 41'. */
  where: string;
}

type Purpose = 'merge' | 'reshape' | 'window' | 'fixed';

const PURPOSE_TEXT: Record<Purpose, string> = {
  merge: 'for the skip connections to line up',
  reshape: "for Reshape's target_shape to fit",
  window: "for every 'valid' window and crop to leave an output",
  fixed: 'because Dense needs a fixed number of input features',
};

function purposeOf(c: SizeConstraint): Purpose {
  if (c.kind === 'fixed') return 'fixed';
  if (c.kind === 'atLeast') return 'window';
  if (c.argument === 'target_shape') return 'reshape';
  return 'merge';
}

/**
 * The `input-size-constraint` message for one Input: what its symbolic sizes must satisfy, why,
 * and an example that breaks it, e.g. "H and W must be multiples of 16 for the skip connections
 * to line up: 65 gives 80 vs 65 at Concatenate, line 41." Sites are given in program order; the
 * conditions are intersected per variable. `example` forces the size used in the example (e.g.
 * a literal the user wrote). Undefined when every size works (nothing to say).
 */
export function inputSizeConstraintMessage(sites: readonly ConstraintSite[], opts: { example?: number } = {}): string | undefined {
  const solved = sites.map((s) => ({ site: s, sol: solveConstraint(s.constraint), purpose: purposeOf(s.constraint) })).filter((e) => !e.sol.always);
  if (solved.length === 0) return undefined;
  const order: Purpose[] = [];
  for (const e of solved) if (!order.includes(e.purpose)) order.push(e.purpose);
  const sentences = order.map((purpose) => {
    const group = solved.filter((e) => e.purpose === purpose);
    // Per variable: the intersection of the single-variable conditions.
    const perVar = new Map<string, VariableSolution[]>();
    for (const e of group) for (const v of e.sol.variables) perVar.set(v.variable, [...(perVar.get(v.variable) ?? []), v]);
    const combined = [...perVar.values()].flatMap((sols) => withinBudget(() => [combineSolutions(sols)], [])).filter((s) => s.text !== '');
    const parts: string[] = [];
    const used = new Set<VariableSolution>();
    for (const s of combined) {
      if (used.has(s)) continue;
      const same = combined.filter((t) => !used.has(t) && sameSet(s, t));
      same.forEach((t) => used.add(t));
      parts.push(conditionText(same));
    }
    for (const e of group) if (e.sol.joint && !parts.includes(e.sol.joint)) parts.push(e.sol.joint);
    if (parts.length === 0) return undefined;
    const condition = parts.join(', and ');
    const where = (e: { site: ConstraintSite }): string => `${e.site.layer}, ${e.site.where}`;
    if (purpose === 'fixed') return sentence(`${capitalise(condition)} ${PURPOSE_TEXT.fixed} (${where(group[0]!)})`);
    const example = exampleFor(group.map((e) => e.site.constraint), opts.example);
    if (!example) return sentence(`${capitalise(condition)} ${PURPOSE_TEXT[purpose]} (${where(group[0]!)})`);
    const at = group.find((e) => e.site.constraint === example.constraint)!;
    return sentence(`${capitalise(condition)} ${PURPOSE_TEXT[purpose]}: ${example.text} at ${where(at)}`);
  });
  const text = sentences.filter((s): s is string => s !== undefined).join(' ');
  return text === '' ? undefined : text;
}

/** A size that breaks one of the constraints (the same for every variable), and what it gives. */
function exampleFor(cs: readonly SizeConstraint[], forced?: number): { constraint: SizeConstraint; text: string } | undefined {
  const vars = [...new Set(cs.flatMap(constraintVariables))];
  const tryAt = (x: number): { constraint: SizeConstraint; text: string } | undefined => {
    const env = Object.fromEntries(vars.map((v) => [v, x]));
    for (const c of cs) {
      const r = withLiteral(c, env);
      if (r.holds !== false || r.a === null || r.b === null) continue;
      const detail =
        c.kind === 'divisible'
          ? `${r.a}, not a multiple of ${r.b}`
          : c.kind === 'atLeast'
            ? `${r.a}, less than ${r.b}`
            : `${r.a} vs ${r.b}`;
      return { constraint: c, text: `${x} gives ${detail}` };
    }
    return undefined;
  };
  if (forced !== undefined) return tryAt(forced);
  for (let x = 64; x <= 64 + SEARCH_LIMIT; x++) {
    const e = tryAt(x);
    if (e) return e;
  }
  for (let x = 63; x >= 1; x--) {
    const e = tryAt(x);
    if (e) return e;
  }
  return undefined;
}

function capitalise(s: string): string {
  return s.length > 0 ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/**
 * The finding with a sentence appended, e.g. a literal shape-mismatch with
 * `sizesThatWorkHint(nearestSizes(constraints, { H: 65, W: 65 }))` → "… Sizes that work: 64 or 80 (for H and W)."
 */
export function withHint(f: Finding, hint: string | undefined): Finding {
  if (hint === undefined || hint.trim() === '') return f;
  const text = sentence(hint);
  return f.message.includes(text) ? f : { ...f, message: `${f.message} ${text}` };
}
