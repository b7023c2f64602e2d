/**
 * A NodeEnv for in-process tests: a manual clock, timers and deferred calls
 * run only when the test advances time, and every sent message recorded.
 */
import type { NodeEnv, TimerHandle } from '../../src/protocol/env';
import type { Envelope } from '../../src/protocol/message';

export class ManualEnv implements NodeEnv {
  time = 0;
  readonly sent: Envelope[] = [];
  readonly logs: string[] = [];
  private deferred: Array<() => void> = [];
  private timers: Array<{ at: number; fn: () => void; cancelled: boolean; seq: number }> = [];
  private seq = 0;
  private state: number;

  constructor(seed = 1) {
    this.state = seed >>> 0 || 1;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer = { at: this.time + ms, fn, cancelled: false, seq: this.seq++ };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  defer(fn: () => void): void {
    this.deferred.push(fn);
  }

  random(): number {
    // xorshift32: deterministic per seed.
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 2 ** 32;
  }

  log(line: string): void {
    this.logs.push(line);
  }

  send(message: Envelope): void {
    this.sent.push(message);
  }

  /** Run deferred work until none is left (one "turn" may schedule more). */
  drain(): void {
    for (let i = 0; i < 10_000 && this.deferred.length > 0; i++) {
      const batch = this.deferred;
      this.deferred = [];
      for (const fn of batch) fn();
    }
  }

  /** Advance the clock by `ms`, firing due timers in order and draining deferred work. */
  advance(ms: number): void {
    const end = this.time + ms;
    this.drain();
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
      this.drain();
    }
    this.time = end;
  }

  /** Messages sent since the last call. */
  take(): Envelope[] {
    return this.sent.splice(0, this.sent.length);
  }
}
