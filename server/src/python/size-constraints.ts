// Symbolic input sizes and what the model needs of them. Each Input that leaves a spatial size
// open (`Input((None, None, 3))`) gets symbols (H, W); layers report conditions on them (a
// Concatenate needs 2*ceil(H/2) = H); at the end the conditions of one Input are solved and
// stated once, on that Input, as an `input-size-constraint`.
import type { SourceRange } from '../analysis-types';
import { assignSymbols, constraintVariables, inputSizeConstraintMessage, nearestSizes, SolveBudget, sizesThatWorkHint, type ConstraintSite } from '../engine/index';
import type { DataFormat, SizeConstraint, SymbolicShape } from '../engine/types';
import type { Recorder } from './recorder';

interface Owner {
  /** The Input expression the symbol belongs to. */
  range: SourceRange;
  /** The size written there (shadow pass), null for None. */
  literal: number | null;
}

interface Noted {
  constraint: SizeConstraint;
  layer: number;
  className: string;
  expression: SourceRange;
}

/**
 * What naming the sizes that work may evaluate in one analysis, over every layer (see
 * SolveBudget): about 0.15 s on a 2-core machine. Past it, the hints are left out.
 */
const SIZES_THAT_WORK_BUDGET = 1 << 21;

export class InputSizes {
  /** By symbol name; never given back, so assignSymbols can look for free names where it stopped. */
  private readonly owners = new Map<string, Owner>();
  private readonly suffixFrom = new Map<string, number>();
  private readonly noted: Noted[] = [];
  private readonly budget = new SolveBudget(SIZES_THAT_WORK_BUDGET);
  /** Hints by the variables they are about: every layer with the same ones gets the same. */
  private readonly hints = new Map<string, string | undefined>();

  /** `literals`: give symbols to written sizes too (the shadow pass that finds sizes that work). */
  constructor(readonly literals: boolean) {}

  symbolize(shape: SymbolicShape, dataFormat: DataFormat, range: SourceRange): SymbolicShape {
    const { shape: out, symbols } = assignSymbols(shape, { dataFormat, taken: this.owners, literals: this.literals, suffixFrom: this.suffixFrom });
    for (const s of symbols) this.owners.set(s.name, { range, literal: s.literal });
    return out;
  }

  /** Where symbols were given and conditions noted (the incremental analysis runs those together). */
  places(): SourceRange[] {
    const out: SourceRange[] = [];
    for (const o of this.owners.values()) out.push(o.range);
    for (const n of this.noted) out.push(n.expression);
    return out;
  }

  note(constraints: readonly SizeConstraint[], layer: number, className: string, expression: SourceRange): void {
    for (const constraint of constraints) this.noted.push({ constraint, layer, className, expression });
  }

  /** One input-size-constraint per Input whose sizes the model restricts. */
  report(recorder: Recorder): void {
    // Keyed by the Input's place: H and W of one Input are stated together.
    const byInput = new Map<string, { range: SourceRange; sites: ConstraintSite[] }>();
    for (const n of this.noted) {
      const owner = constraintVariables(n.constraint)
        .map((v) => this.owners.get(v))
        .find((o) => o !== undefined);
      if (!owner) continue;
      const key = `${owner.range.start}:${owner.range.end}`;
      const entry = byInput.get(key) ?? { range: owner.range, sites: [] };
      entry.sites.push({ constraint: n.constraint, layer: n.className, where: `line ${recorder.lineOf(n.expression.start)}` });
      byInput.set(key, entry);
    }
    for (const { range, sites } of byInput.values()) {
      const message = inputSizeConstraintMessage(sites);
      if (message) recorder.addDerived(range, 'input-size-constraint', message);
    }
  }

  /**
   * Shadow pass only: for the layer at `expression`, the written sizes that break it and the
   * nearest ones that satisfy every condition of the model, e.g. "Sizes that work: 64 or 80
   * (for H and W)."
   */
  nearestSizesAt(expression: SourceRange): string | undefined {
    const here = this.noted.filter((n) => n.expression.start === expression.start && n.expression.end === expression.end);
    if (here.length === 0) return undefined;
    const variables = new Set(here.flatMap((n) => constraintVariables(n.constraint)));
    const key = [...variables].sort().join(' ');
    if (this.hints.has(key)) return this.hints.get(key);
    const env: Record<string, number> = {};
    for (const v of variables) {
      const literal = this.owners.get(v)?.literal;
      if (typeof literal === 'number') env[v] = literal;
    }
    const relevant = this.noted.filter((n) => constraintVariables(n.constraint).some((v) => variables.has(v))).map((n) => n.constraint);
    const hint = sizesThatWorkHint(nearestSizes(relevant, env, this.budget));
    this.hints.set(key, hint);
    return hint;
  }
}
