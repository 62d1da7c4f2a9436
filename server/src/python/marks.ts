// Marks: which part of a run each report (layer, unknown) was made in, as one number that sorts
// the way a run of the whole module makes them. The incremental analysis (incremental.ts) runs
// some of the statements and keeps the reports of the others: sorting every island's reports by
// mark (a stable sort) gives the whole run's order. A run makes its reports in this order:
//   the top-level statements in turn                        mark = the statement's index
//   functions never called, run for their defaults         PHASE + where the function was first defined
//   classes whose call() gets its declared shapes          2 * PHASE + where the class was first defined
//   Sequentials still without an input, in creation order  PENDING + the mark they were made under
//   layers never applied (diagnostics only)                UNAPPLIED
//   conditions on input sizes (diagnostics only)           REPORT
// Reports under one mark come from one statement, so from one island, in the order made.

/** Above any statement index: a document under the size limit has fewer statements than characters / 2. */
export const PHASE = 10_000_000;
const PENDING = 30 * PHASE;
export const UNAPPLIED_MARK = 40 * PHASE;
export const REPORT_MARK = 50 * PHASE;

export function builderMark(statement: number): number {
  return PHASE + statement;
}

export function declaredCallMark(statement: number): number {
  return 2 * PHASE + statement;
}

export function pendingMark(createdUnder: number): number {
  return PENDING + createdUnder;
}

/**
 * The mark with each statement index in it replaced by `f(index)`: islands keep their marks by
 * the statement's place in the island, since statements added or removed elsewhere renumber it.
 */
export function remapMark(mark: number, f: (statement: number) => number): number {
  if (mark < 0) return mark;
  if (mark < 3 * PHASE) return mark - (mark % PHASE) + f(mark % PHASE);
  if (mark >= PENDING && mark < UNAPPLIED_MARK) return PENDING + remapMark(mark - PENDING, f);
  return mark;
}

/** The top-level statement whose run a mark is part of (for the steps it spent), else -1. */
export function statementOfMark(mark: number): number {
  return mark >= 0 && mark < 3 * PHASE ? mark % PHASE : -1;
}
