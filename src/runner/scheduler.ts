/**
 * Time for the runner's deterministic parts. Everything that decides WHAT
 * happens (network, interpreter, nemesis) asks a Scheduler for the time and
 * for timers; the real entry point passes `RealScheduler`, tests and the
 * deterministic simulator pass `VirtualScheduler`.
 */
import type { TimerHandle } from '../protocol/env';

export type { TimerHandle };

export interface Scheduler {
  /** Milliseconds since the scheduler's origin (the test's start), fractional. */
  now(): number;
  /** Run `fn` after `delayMs` (>= 0). Timers due at the same instant run in creation order. */
  after(delayMs: number, fn: () => void): TimerHandle;
  /** Run `fn` soon, after the current call stack, before any later timer. */
  defer(fn: () => void): void;
}

interface VirtualTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A virtual clock: time only moves when `advance`/`runUntil` is called, and
 * then jumps from timer to timer. Deterministic: ties run in creation order.
 */
export class VirtualScheduler implements Scheduler {
  private time = 0;
  private seq = 0;
  private timers: VirtualTimer[] = [];

  now(): number {
    return this.time;
  }

  after(delayMs: number, fn: () => void): TimerHandle {
    const timer: VirtualTimer = { at: this.time + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.insert(timer);
    return { cancel: () => { timer.cancelled = true; } };
  }

  defer(fn: () => void): void {
    this.after(0, fn);
  }

  /** Run every timer due up to and including `until`, then set the clock to `until`. */
  runUntil(until: number): void {
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      if (next.cancelled) continue;
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.time = Math.max(this.time, until);
  }

  /** Run until no timers are left (or `limitMs` of virtual time passed). */
  runAll(limitMs = Number.POSITIVE_INFINITY): void {
    while (this.timers.length > 0) {
      const next = this.timers[0];
      if (next.at > limitMs) break;
      this.runUntil(next.at);
    }
  }

  /** When the earliest live timer is due, or null if none. */
  nextTimerAt(): number | null {
    const t = this.timers.find((x) => !x.cancelled);
    return t ? t.at : null;
  }

  pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  private insert(timer: VirtualTimer): void {
    // Binary search for the first timer strictly later (at, seq) than this one.
    let lo = 0;
    let hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const t = this.timers[mid];
      if (t.at < timer.at || (t.at === timer.at && t.seq < timer.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, timer);
  }
}
