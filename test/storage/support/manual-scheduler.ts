/** Holds SimDisk completions until the test runs them, so a crash can land between any two IO steps. */
export class ManualScheduler {
  private pending: Array<() => void> = [];

  schedule = (complete: () => void): void => {
    this.pending.push(complete);
  };

  get size(): number {
    return this.pending.length;
  }

  /** Completes the oldest pending IO, then lets every continuation it unblocked run. Returns false if none was pending. */
  async step(): Promise<boolean> {
    const next = this.pending.shift();
    if (next) next();
    await new Promise<void>((resolve) => setImmediate(resolve));
    return next !== undefined;
  }

  /** Forget pending completions (after a crash they would be no-ops anyway). */
  clear(): void {
    this.pending = [];
  }
}
