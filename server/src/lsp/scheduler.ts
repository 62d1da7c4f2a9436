// Debounced background work per unit: after a change, wait until typing pauses, then analyse
// and publish. Requests (hints, hovers, code actions) never wait for this; they compute on
// demand, and the debounced run then finds the result already cached.

export class Debouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly delayMs: number,
    private readonly run: (key: string) => void | Promise<void>,
  ) {}

  schedule(key: string, delayMs = this.delayMs): void {
    this.cancel(key);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      void this.run(key);
    }, delayMs);
    this.timers.set(key, timer);
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
