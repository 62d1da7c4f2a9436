// Bounds on the interpreter's work, so that no document (recursive helpers, huge loops,
// 10,000 layers) can hang the server: past a bound the analysis stops with what it has.

export class BudgetExceeded extends Error {
  constructor(readonly why: string) {
    super(why);
  }
}

export class Budget {
  private steps = 0;

  constructor(
    readonly maxSteps = 3_000_000,
    /** Nested calls of the user's own functions. */
    readonly maxCallDepth = 40,
    /** Iterations of one loop over literal values. */
    readonly maxLoopIterations = 10_000,
  ) {}

  get spent(): number {
    return this.steps;
  }

  tick(n = 1): void {
    this.steps += n;
    if (this.steps > this.maxSteps) throw new BudgetExceeded(`the analysis stopped after ${this.maxSteps.toLocaleString('en-US')} steps`);
  }
}
