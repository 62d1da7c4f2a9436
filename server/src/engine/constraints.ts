// Conditions on symbolic input sizes (SizeConstraint, produced by layers) and their solutions:
// for each variable, the set of positive sizes for which the condition holds, exactly where the
// sizes are quasi-linear in one variable (sums of multiples of H and nested floor/ceil
// divisions: f(H + P) = f(H) + K for a period P, so the set is eventually periodic and one
// period past a computable threshold describes it), else by a bounded search (1..4096).
import type { SizeConstraint, SymbolicDim, SymDim } from './types';
import { dimVariables, evalDim, formatDim, isSymDim, quasiLinear, substituteShape } from './sym';

/** Searched range when a set cannot be derived exactly. */
export const SEARCH_LIMIT = 4096;
/** Largest period × threshold the exact method evaluates. */
const EXACT_LIMIT = 1 << 20;

/**
 * How much solving may evaluate: evaluations of a condition, each weighted by the condition's
 * size. The exact method evaluates a condition up to about 2^20 times, which sizes typed large
 * (a stride of 93519 over a chain of layers) made minutes of work for one hint. Counted, not
 * timed, so that the answer is the same on every machine.
 */
export class SolveBudget {
  constructor(private left: number) {}

  /** Takes `n`; false, taking nothing, when less is left. */
  take(n: number): boolean {
    if (n > this.left) return false;
    this.left -= n;
    return true;
  }
}

/** Thrown when a budget cannot pay even for the bounded search. */
class OutOfBudget extends Error {}

/** `solve()`, or `otherwise` when its budget ran out (sizes typed huge: nothing is said of them). */
export function withinBudget<T>(solve: () => T, otherwise: T): T {
  try {
    return solve();
  } catch (e) {
    if (e instanceof OutOfBudget) return otherwise;
    throw e;
  }
}

/** A solve's own budget when the caller gives none: about 0.1 s of evaluations. */
const DEFAULT_SOLVE_BUDGET = 1 << 22;

/** The weight of one evaluation of a condition: its sizes' length as written, roughly their node count. */
function evaluationCost(a: SymbolicDim, b: SymbolicDim): number {
  return 1 + Math.ceil((formatDim(a).length + formatDim(b).length) / 8);
}

/**
 * The positive sizes of one variable for which a condition holds: from `from` on, exactly those
 * whose remainder mod `modulus` is in `residues` (none when `residues` is empty), plus the values
 * in `also` below `from`. `{ modulus: 16, residues: [0], from: 1, also: [], min: 16 }` = the
 * multiples of 16.
 */
export interface VariableSolution {
  variable: string;
  modulus: number;
  residues: number[];
  from: number;
  also: number[];
  /** The smallest size that works; null when none does. */
  min: number | null;
  /** False when the set comes from a search over 1..4096 rather than a proof. */
  exact: boolean;
  /** True when the size must be written as a number in the source (Dense's features). */
  fixed?: boolean;
  /**
   * In words: 'H must be a multiple of 16', 'H must be ≡ 1 (mod 4)', 'H must be at least 5',
   * 'H must be 3, 5 or 7', 'no size of H works'; '' when every size works.
   */
  text: string;
}

export interface ConstraintSolution {
  constraint: SizeConstraint;
  /** The variables the condition involves, sorted. */
  variablesInvolved: string[];
  /** One entry per variable when the condition involves a single one (or none). */
  variables: VariableSolution[];
  /** When the condition ties several variables together (`H*W must be 4096`): that, in words. */
  joint?: string;
  /** Whether some size works: undefined when it could not be decided (joint conditions). */
  satisfiable: boolean | undefined;
  /** True when the condition holds for every size (then there is nothing to say). */
  always: boolean;
  /** The condition in words ('' when it always holds). */
  text: string;
}

/** The variables a constraint involves, sorted. */
export function constraintVariables(c: SizeConstraint): string[] {
  return [...new Set([...dimVariables(c.a), ...dimVariables(c.b)])].sort();
}

/** Whether the constraint holds for these values; undefined when a value is missing. */
export function constraintHolds(c: SizeConstraint, env: Readonly<Record<string, number>>): boolean | undefined {
  if (c.kind === 'fixed') return true;
  const a = evalDim(c.a, env);
  const b = evalDim(c.b, env);
  if (a === null || b === null) return undefined;
  switch (c.kind) {
    case 'equal':
      return a === b;
    case 'divisible':
      return b !== 0 && a % b === 0;
    case 'atLeast':
      return a >= b;
  }
}

// ---------------------------------------------------------------------------------------------
// Solving.

export function solveConstraint(c: SizeConstraint): ConstraintSolution {
  const vars = constraintVariables(c);
  const base = { constraint: c, variablesInvolved: vars };
  if (c.kind === 'fixed') {
    const variables = vars.map((v) => fixedSolution(v));
    return { ...base, variables, satisfiable: true, always: vars.length === 0, text: fixedText(vars) };
  }
  if (vars.length === 0) {
    const ok = constraintHolds(c, {}) === true;
    return { ...base, variables: [], satisfiable: ok, always: ok, text: ok ? '' : 'no size works' };
  }
  if (vars.length > 1) {
    const joint = jointText(c);
    return { ...base, variables: [], joint: joint.text, satisfiable: joint.satisfiable, always: false, text: joint.text };
  }
  const v = vars[0]!;
  const sol = withinBudget<VariableSolution | undefined>(() => solveUnivariate(c, v), undefined);
  if (!sol) return { ...base, variables: [], satisfiable: undefined, always: true, text: '' };
  const always = sol.text === '';
  return { ...base, variables: [sol], satisfiable: sol.min !== null, always, text: sol.text };
}

function fixedSolution(v: string): VariableSolution {
  return { variable: v, modulus: 1, residues: [0], from: 1, also: [], min: 1, exact: true, fixed: true, text: `${v} must be a fixed size` };
}

function fixedText(vars: string[]): string {
  if (vars.length === 0) return '';
  return `${listWords(vars)} must be ${vars.length === 1 ? 'a fixed size' : 'fixed sizes'} (written as numbers in the Input)`;
}

/** The set of one variable's sizes for which `c` holds (the other variables, if any, fixed by `env`). */
function solveUnivariate(c: SizeConstraint, v: string, env: Readonly<Record<string, number>> = {}, budget = new SolveBudget(DEFAULT_SOLVE_BUDGET)): VariableSolution {
  const holds = (x: number): boolean => constraintHolds(c, { ...env, [v]: x }) === true;
  const a = bind(c.a, env);
  const b = bind(c.b, env);
  const cost = evaluationCost(a, b);
  // The exact method when the budget pays for it, else the bounded search, else nothing.
  const bounds = exactBounds(c.kind, a, b, v, (evaluations) => budget.take(evaluations * cost));
  if (bounds && budget.take((bounds.T + 2 * bounds.P) * cost)) return describeSet(v, holds, bounds.T, bounds.P, true);
  if (!budget.take(SEARCH_LIMIT * cost)) throw new OutOfBudget();
  return describeSet(v, holds, 1, 0, false);
}

function bind(d: SymbolicDim, env: Readonly<Record<string, number>>): SymbolicDim {
  if (!isSymDim(d) || Object.keys(env).length === 0) return d;
  return substituteShape([d], env)[0] ?? null;
}

/**
 * For quasi-linear sizes: a threshold T and period P such that the solution set is P-periodic
 * from T on. Undefined when the sizes are not quasi-linear in v or the numbers are too large.
 */
function exactBounds(kind: SizeConstraint['kind'], a: SymbolicDim, b: SymbolicDim, v: string, afford: (evaluations: number) => boolean): { T: number; P: number } | undefined {
  if (a === null || b === null) return undefined;
  const qa = quasiLinear(a as number | SymDim);
  const qb = quasiLinear(b as number | SymDim);
  if (!qa || !qb) return undefined;
  if ((qa.variable !== null && qa.variable !== v) || (qb.variable !== null && qb.variable !== v)) return undefined;
  let P = lcm(qa.period, qb.period);
  const f = (d: SymbolicDim) => (x: number): number => evalDim(d, { [v]: x }) ?? 0;
  const fa = f(a);
  const fb = f(b);
  if (kind === 'divisible') {
    const m = typeof b === 'number' ? Math.abs(b) : 0;
    if (m === 0 || qb.variable !== null) return undefined;
    P = P * m;
    return P <= EXACT_LIMIT ? { T: 1, P } : undefined;
  }
  // The threshold takes two evaluations per value of a period (and two more).
  if (P > EXACT_LIMIT || !afford(2 * P + 2)) return undefined;
  const zerosEnd = (g: (x: number) => number): number | undefined => {
    // Largest zero + 1 of g (g(x + P) = g(x) + K); 1 when g is periodic (K = 0) or has no zero.
    const K = g(1 + P) - g(1);
    if (K === 0) return 1;
    let last = 0;
    for (let h = 1; h <= P; h++) {
      const x = g(h);
      if ((-x) % K === 0 && -x / K >= 0) last = Math.max(last, h + (-x / K) * P);
    }
    return last + 1;
  };
  let T: number | undefined;
  if (kind === 'equal') {
    T = zerosEnd((x) => fa(x) - fb(x));
  } else if (kind === 'atLeast') {
    const g = (x: number): number => fa(x) - fb(x);
    const K = g(1 + P) - g(1);
    T = 1;
    for (let h = 1; h <= P; h++) {
      const x = g(h);
      if (K > 0) {
        const n = x >= 0 ? 0 : Math.ceil(-x / K);
        T = Math.max(T, h + n * P);
      } else if (K < 0 && x >= 0) {
        const n = Math.floor(x / -K);
        T = Math.max(T, h + n * P + 1);
      }
    }
  }
  if (T === undefined || T + 2 * P > EXACT_LIMIT) return undefined;
  return { T, P };
}

/**
 * Describes {x ≥ 1 : holds(x)} as a VariableSolution. Exact: the set is P-periodic from T.
 * Otherwise a search over 1..SEARCH_LIMIT with the shortest period that explains it.
 */
function describeSet(v: string, holds: (x: number) => boolean, T: number, P: number, exact: boolean): VariableSolution {
  const N = exact ? T + 2 * P : SEARCH_LIMIT;
  const bits: boolean[] = [false];
  for (let x = 1; x <= N; x++) bits.push(holds(x));
  let p = 0;
  let start = 0;
  if (exact) {
    for (const d of divisors(P)) {
      let ok = true;
      for (let x = T; x < T + P && ok; x++) if (bits[x] !== bits[x + d]) ok = false;
      if (ok) {
        p = d;
        break;
      }
    }
    start = T;
  } else {
    // Shortest period with at least three repetitions in the searched range, from as early as possible.
    for (let d = 1; d <= Math.floor(N / 4) && p === 0; d++) {
      let t = N - d;
      while (t >= 1 && bits[t] === bits[t + d]) t--;
      if (N - (t + 1) + 1 >= 3 * d) {
        p = d;
        start = t + 1;
      }
    }
    if (p === 0) {
      // No period: a finite list (or none) as far as searched.
      const members = range(1, N).filter((x) => bits[x]);
      return finish(v, { modulus: 1, residues: [], from: N + 1, also: members, exact });
    }
  }
  let t = start;
  while (t > 1 && bits[t - 1] === bits[t - 1 + p]) t--;
  const residues = range(t, t + p - 1)
    .filter((x) => bits[x])
    .map((x) => x % p)
    .sort((x, y) => x - y);
  const also = range(1, t - 1).filter((x) => bits[x]);
  return finish(v, { modulus: p, residues, from: t, also, exact });
}

function finish(v: string, s: { modulus: number; residues: number[]; from: number; also: number[]; exact: boolean }): VariableSolution {
  const sol: VariableSolution = { variable: v, ...s, min: null, text: '' };
  // Normalise: no tail → everything is in `also`; a tail of every residue with modulus > 1 → modulus 1.
  if (sol.residues.length === sol.modulus && sol.modulus > 1) {
    sol.modulus = 1;
    sol.residues = [0];
  }
  sol.min = firstMember(sol);
  sol.text = solutionText([v], sol);
  return sol;
}

function firstMember(s: VariableSolution): number | null {
  if (s.also.length > 0) return s.also[0]!;
  if (s.residues.length === 0) return null;
  for (let x = s.from; x < s.from + s.modulus; x++) if (s.residues.includes(x % s.modulus)) return x;
  return null;
}

/** Whether `x` is in the solution set. */
export function solutionHas(s: VariableSolution, x: number): boolean {
  if (!Number.isInteger(x) || x < 1) return false;
  if (x < s.from) return s.also.includes(x);
  return s.residues.includes(x % s.modulus);
}

/** The solutions of several conditions on the same variable, intersected (multiples of 16 and of 8 → of 16). */
export function combineSolutions(sols: readonly VariableSolution[], budget = new SolveBudget(DEFAULT_SOLVE_BUDGET)): VariableSolution {
  if (sols.length === 0) throw new Error('combineSolutions needs at least one solution');
  const v = sols[0]!.variable;
  if (sols.some((s) => s.variable !== v)) throw new Error('combineSolutions: all solutions must be for the same variable');
  if (sols.length === 1) return sols[0]!;
  const holds = (x: number): boolean => sols.every((s) => solutionHas(s, x));
  const T = Math.max(...sols.map((s) => s.from));
  const P = sols.reduce((acc, s) => lcm(acc, s.modulus), 1);
  const exact = sols.every((s) => s.exact);
  const fixed = sols.some((s) => s.fixed);
  // Each evaluation asks every solution (the exact method when the budget pays for it).
  const inExact = T + 2 * P <= EXACT_LIMIT && budget.take((T + 2 * P) * sols.length);
  if (!inExact && !budget.take(SEARCH_LIMIT * sols.length)) throw new OutOfBudget();
  const combined = inExact ? describeSet(v, holds, T, P, true) : describeSet(v, holds, 1, 0, false);
  combined.exact = exact && inExact;
  if (fixed) {
    combined.fixed = true;
    combined.text = solutionText([v], combined);
  }
  return combined;
}

// ---------------------------------------------------------------------------------------------
// Nearest sizes that work.

export interface NearestSizes {
  variable: string;
  /** The size tried. */
  value: number;
  /** Whether it works. */
  works: boolean;
  /** The nearest sizes below and above it that work (null: none). */
  below: number | null;
  above: number | null;
}

/**
 * The nearest sizes that work below and above `value` (65 → 64 and 80 for multiples of 16).
 * For a condition on several variables, `env` gives the others' values and `variable` (default:
 * the first) says which one moves.
 */
export function nearestValid(
  x: SizeConstraint | ConstraintSolution | VariableSolution,
  value: number,
  opts: { variable?: string; env?: Readonly<Record<string, number>> } = {},
): NearestSizes {
  const sol = variableSolutionFor(x, opts.variable, opts.env ?? {});
  if (sol === undefined) return { variable: opts.variable ?? '', value, works: true, below: null, above: null };
  return nearestIn(sol, value);
}

function variableSolutionFor(
  x: SizeConstraint | ConstraintSolution | VariableSolution,
  variable: string | undefined,
  env: Readonly<Record<string, number>>,
): VariableSolution | undefined {
  if ('modulus' in x) return x;
  const c = 'constraint' in x ? x.constraint : x;
  const vars = constraintVariables(c);
  const v = variable ?? vars[0];
  if (v === undefined || !vars.includes(v)) return undefined;
  if (c.kind === 'fixed') return fixedSolution(v);
  if ('constraint' in x && vars.length === 1) return x.variables[0];
  const others = Object.fromEntries(Object.entries(env).filter(([k]) => k !== v));
  if (vars.some((u) => u !== v && others[u] === undefined)) return undefined;
  return solveUnivariate(c, v, others);
}

function nearestIn(s: VariableSolution, value: number): NearestSizes {
  // Found from the set's description, not by stepping through sizes one by one: a size typed
  // as 10**9 with no size that works below it took seconds.
  const works = solutionHas(s, value);
  const m = s.modulus;
  let below: number | null = null;
  let above: number | null = null;
  for (const x of s.also) {
    if (x < value && (below === null || x > below)) below = x;
    if (x > value && (above === null || x < above)) above = x;
  }
  const start = Math.max(value + 1, s.from, 1);
  for (const r of s.residues) {
    // The last size below `value` and the first above it with this remainder, in the periodic part.
    const under = value - 1 - mod(value - 1 - r, m);
    if (under >= s.from && under >= 1 && (below === null || under > below)) below = under;
    const over = start + mod(r - start, m);
    if (above === null || over < above) above = over;
  }
  return { variable: s.variable, value, works, below, above };
}

function mod(x: number, m: number): number {
  return ((x % m) + m) % m;
}

export interface LiteralCheck {
  constraint: SizeConstraint;
  /** Whether the condition holds for these sizes (undefined: a variable has no value). */
  holds: boolean | undefined;
  /** The two sides for these sizes ('66 vs 65'). */
  a: number | null;
  b: number | null;
}

/** The constraint evaluated for literal sizes (what the front end substitutes for H, W, …). */
export function withLiteral(c: SizeConstraint, env: Readonly<Record<string, number>>): LiteralCheck {
  return { constraint: c, holds: constraintHolds(c, env), a: evalDim(c.a, env), b: evalDim(c.b, env) };
}

/**
 * For literal sizes `env` (e.g. { H: 65, W: 65 }): per variable that some constraint involves,
 * the nearest sizes for which every constraint holds (univariate conditions intersected; a
 * condition on several variables with the others kept at their values).
 */
export function nearestSizes(constraints: readonly SizeConstraint[], env: Readonly<Record<string, number>>, budget = new SolveBudget(DEFAULT_SOLVE_BUDGET)): NearestSizes[] {
  // Out of budget: no sizes are named (the hint is left out).
  return withinBudget(() => {
    const perVar = new Map<string, VariableSolution[]>();
    for (const c of constraints) {
      if (c.kind === 'fixed') continue;
      const vars = constraintVariables(c);
      for (const v of vars) {
        if (env[v] === undefined) continue;
        const others = Object.fromEntries(vars.filter((u) => u !== v).map((u) => [u, env[u]]));
        if (Object.values(others).some((x) => x === undefined)) continue;
        const sol = solveUnivariate(c, v, others as Record<string, number>, budget);
        perVar.set(v, [...(perVar.get(v) ?? []), sol]);
      }
    }
    return [...perVar.entries()]
      .sort(([x], [y]) => cmp(x, y))
      .map(([v, sols]) => nearestIn(combineSolutions(sols, budget), env[v]!));
  }, []);
}

/**
 * The sentence the front end appends to a literal shape-mismatch: 'Sizes that work: 64 or 80
 * (for H and W).' `label` names a variable for people (default: the variable). Undefined when
 * every size given works.
 */
export function sizesThatWorkHint(items: readonly NearestSizes[], label: (variable: string) => string = (v) => v): string | undefined {
  const failing = items.filter((n) => !n.works && (n.below !== null || n.above !== null));
  if (failing.length === 0) return undefined;
  const groups = new Map<string, NearestSizes[]>();
  for (const n of failing) {
    const key = `${n.below}|${n.above}`;
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  const parts = [...groups.values()].map((g) => {
    const n = g[0]!;
    const sizes = [n.below, n.above].filter((x): x is number => x !== null).join(' or ');
    return `${sizes} (for ${listWords(g.map((x) => label(x.variable)))})`;
  });
  return `Sizes that work: ${parts.join('; ')}.`;
}

// ---------------------------------------------------------------------------------------------
// Words.

function solutionText(subjects: string[], s: VariableSolution): string {
  const who = listWords(subjects);
  const plural = subjects.length > 1;
  const fixedNote = s.fixed ? ` (and ${plural ? 'fixed sizes' : 'a fixed size'}, written as numbers in the Input)` : '';
  // A search that found none proves nothing past its range (multiples of 1,005,973 may work).
  if (s.min === null) return s.exact ? `no size of ${who} works` : `no size of ${who} up to ${SEARCH_LIMIT} works`;
  const tail = s.residues.length > 0;
  if (!tail) return `${who} must be ${orList(s.also)}${fixedNote}`;
  const exceptions = s.also.length > 0 ? ` (or ${orList(s.also)})` : '';
  if (s.modulus === 1) {
    if (s.from <= 1) return s.fixed ? `${who} must be ${plural ? 'fixed sizes' : 'a fixed size'} (written as numbers in the Input)` : '';
    return `${who} must be at least ${s.from}${exceptions}${fixedNote}`;
  }
  const p = s.modulus;
  let base: string;
  if (p === 2) base = `${who} must be ${s.residues[0] === 0 ? 'even' : 'odd'}`;
  else if (s.residues.length === 1 && s.residues[0] === 0) base = `${who} must be ${plural ? 'multiples' : 'a multiple'} of ${p}`;
  else if (s.residues.length === 1) base = `${who} must be ≡ ${s.residues[0]} (mod ${p})`;
  else if (s.residues.length === p - 1 && !s.residues.includes(0)) base = `${who} must not be ${plural ? 'multiples' : 'a multiple'} of ${p}`;
  else base = `${who} mod ${p} must be ${orList(compressRanges(s.residues))}`;
  // A threshold: the periodic pattern, extended down to 1, would admit smaller sizes.
  let natural: number | null = null;
  for (let x = 1; x < s.from + p; x++) {
    if (s.residues.includes(x % p)) {
      natural = x;
      break;
    }
  }
  const firstTail = (() => {
    for (let x = s.from; x < s.from + p; x++) if (s.residues.includes(x % p)) return x;
    return null;
  })();
  const threshold = firstTail !== null && natural !== null && firstTail > natural ? ` and at least ${firstTail}` : '';
  return `${base}${threshold}${exceptions}${fixedNote}`;
}

/** The same condition for several variables at once: 'H and W must be multiples of 16'. */
export function conditionText(sols: readonly VariableSolution[]): string {
  if (sols.length === 0) return '';
  return solutionText(
    sols.map((s) => s.variable),
    sols[0]!,
  );
}

/** Whether two variables' sets are the same (so one sentence can state both). */
export function sameSet(a: VariableSolution, b: VariableSolution): boolean {
  return (
    a.modulus === b.modulus &&
    a.from === b.from &&
    !!a.fixed === !!b.fixed &&
    a.residues.join(',') === b.residues.join(',') &&
    a.also.join(',') === b.also.join(',')
  );
}

function jointText(c: SizeConstraint): { text: string; satisfiable: boolean | undefined } {
  const a = formatDim(c.a);
  const b = formatDim(c.b);
  switch (c.kind) {
    case 'equal':
      return { text: `${a} must equal ${b}`, satisfiable: undefined };
    case 'divisible':
      return { text: `${a} must be a multiple of ${b}`, satisfiable: undefined };
    case 'atLeast':
      return { text: `${a} must be at least ${b}`, satisfiable: undefined };
    case 'fixed':
      return { text: fixedText(constraintVariables(c)), satisfiable: true };
  }
}

function compressRanges(xs: readonly number[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < xs.length) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    out.push(j - i >= 2 ? `${xs[i]}–${xs[j]}` : j === i ? `${xs[i]}` : `${xs[i]}, ${xs[j]}`);
    i = j + 1;
  }
  return out;
}

function orList(xs: readonly (number | string)[]): string {
  const shown = xs.length > 8 ? [...xs.slice(0, 8).map(String), '…'] : xs.map(String);
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

export function listWords(xs: readonly string[]): string {
  if (xs.length <= 1) return xs.join('');
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let x = from; x <= to; x++) out.push(x);
  return out;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a);
}

function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
