// Debounced background work per unit: after a change, wait until typing pauses, then analyse
// and publish. Requests (hints, hovers, code actions) compute on demand, and the debounced run
// then finds the result already cached.
//
// Runs that come due are queued and done one at a time, each in a task of its own, and only when
// no message has been handled for a moment: a burst of opened documents (a hundred restored tabs,
// a replace across files) used to analyse every one of them in the same turn of the event loop,
// so a hint request sent right after waited for all of them (9 s for 100 files of 2,000 lines).
// Now a request waits for one run at most.

/**
 * How long no message must have been handled before a queued run starts. A burst's messages do
 * not come back to back: with 5 ms, a client busy answering the server's settings requests left
 * gaps enough for a run after nearly every opened document.
 */
export const QUIET_MS = 30;
/** A run deferred this long starts even while messages keep coming (a chatty client). */
export const MAX_DEFER_MS = 500;
/**
 * A run still waiting after this long (for the client's answer to workspace/configuration, say)
 * no longer holds back the next: a client that never answers must not stop every document's
 * diagnostics.
 */
export const MAX_RUN_WAIT_MS = 1_000;

export class Debouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Keys whose delay is over, in the order they came due. */
  private readonly due = new Set<string>();
  private pumping = false;
  private disposed = false;
  private lastMessageAt = -Infinity;

  constructor(
    private readonly delayMs: number,
    private readonly run: (key: string) => void | Promise<void>,
  ) {}

  schedule(key: string, delayMs = this.delayMs): void {
    this.cancel(key);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.due.add(key);
      void this.pump();
    }, delayMs);
    this.timers.set(key, timer);
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    this.due.delete(key);
  }

  /** A protocol message is being handled: due runs wait until messages pause. */
  noteMessage(): void {
    this.lastMessageAt = performance.now();
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.due.clear();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      let waitingSince: number | undefined;
      while (!this.disposed && this.due.size > 0) {
        const now = performance.now();
        const quietIn = this.lastMessageAt + QUIET_MS - now;
        waitingSince ??= now;
        if (quietIn > 0 && now - waitingSince < MAX_DEFER_MS) {
          await sleep(quietIn);
          continue;
        }
        waitingSince = undefined;
        const key: string = this.due.values().next().value as string;
        this.due.delete(key);
        let work: void | Promise<void> = undefined;
        try {
          work = this.run(key);
        } catch {
          // `run` reports its own errors; one failing unit must not stop the others.
        }
        await settledWithin(work, MAX_RUN_WAIT_MS);
        // A task boundary: a message read meanwhile is handled (and noted) before the next run.
        await sleep(0);
      }
    } finally {
      this.pumping = false;
    }
  }
}

/** Resolves when `work` settles (failures are `run`'s to report) or after `ms`, whichever comes first. */
function settledWithin(work: void | Promise<void>, ms: number): Promise<void> {
  if (!(work instanceof Promise)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    work.then(done, done);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
