import { Scheduler, TimerHandle } from './scheduler';

/** Wall-clock scheduler for real runs (process adapter side only). */
export class RealScheduler implements Scheduler {
  private readonly origin = performance.now();

  now(): number {
    return performance.now() - this.origin;
  }

  after(delayMs: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(t) };
  }

  defer(fn: () => void): void {
    setImmediate(fn);
  }
}
