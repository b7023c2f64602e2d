import { Scheduler, TimerHandle } from './scheduler';

/**
 * Node's setTimeout cannot wait less than about 1 ms; delays shorter than this
 * are waited out on setImmediate instead (re-checking the clock each turn).
 */
const TIMER_RESOLUTION_MS = 1;

/** Wall-clock scheduler for real runs (process adapter side only). */
export class RealScheduler implements Scheduler {
  private readonly origin = performance.now();

  now(): number {
    return performance.now() - this.origin;
  }

  /**
   * Fires no earlier than `delayMs` from now, and — unlike a bare setTimeout —
   * not ~1 ms late for sub-millisecond delays. That matters for fidelity at
   * high `--rate`: Jepsen's stagger gaps are uniform on [0, 2/rate) and its
   * interpreter sleeps them with microsecond precision, so at 10,000 ops/s a
   * 1 ms timer floor would cut the offered rate by an order of magnitude.
   */
  after(delayMs: number, fn: () => void): TimerHandle {
    const due = this.now() + Math.max(0, delayMs);
    let cancelled = false;
    let timer: NodeJS.Timeout | null = null;
    const check = (): void => {
      if (cancelled) return;
      const left = due - this.now();
      if (left <= 0) fn();
      else if (left >= TIMER_RESOLUTION_MS) timer = setTimeout(check, left - TIMER_RESOLUTION_MS / 2);
      else setImmediate(check);
    };
    if (delayMs >= TIMER_RESOLUTION_MS) timer = setTimeout(check, delayMs - TIMER_RESOLUTION_MS / 2);
    else setImmediate(check);
    return {
      cancel: () => {
        cancelled = true;
        if (timer) clearTimeout(timer);
      },
    };
  }

  defer(fn: () => void): void {
    setImmediate(fn);
  }
}
