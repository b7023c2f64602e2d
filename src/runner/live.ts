import { HistoryOp } from '../checker/history';
import { quantile } from './results';
import { NodeStatus } from './live-probe';

/**
 * What the live view shows, kept up to date at the cost of a few counter
 * updates per history event (the history recorder's listener). Everything
 * else (percentiles, the JSON) is computed only when someone asks, so a run
 * nobody watches does no more work than those increments.
 */

export interface SecondBucket {
  ok: number;
  fail: number;
  info: number;
  /** Latencies (ms) of the ops completed in this second. */
  latencies: number[];
}

export interface LiveSnapshot {
  workload: string;
  nodes: string[];
  timeLimitS: number;
  /** Seconds since the client phase began (negative: still setting up). */
  elapsedS: number;
  phase: 'setup' | 'running' | 'done';
  totals: { invoke: number; ok: number; fail: number; info: number };
  /** One entry per second of the client phase: completions by outcome and latency quantiles (ms). */
  series: { t: number; ok: number; fail: number; info: number; p50: number | null; p95: number | null; max: number | null }[];
  /** Latency over the last RECENT_S seconds (ms). */
  recent: { count: number; p50: number | null; p95: number | null; p99: number | null; max: number | null };
  faults: string[];
  /** The last nemesis events, newest last. */
  events: { t: number; f: string; value: unknown }[];
  status: NodeStatus[];
}

export const RECENT_S = 5;
const MAX_EVENTS = 12;

export class LiveCounters {
  readonly totals = { invoke: 0, ok: 0, fail: 0, info: 0 };
  private readonly seconds: SecondBucket[] = [];
  private readonly invokedAt = new Map<number, number>();
  private readonly events: { t: number; f: string; value: unknown }[] = [];

  /** The history listener: one map update per invoke, one bucket update per completion. */
  record(op: HistoryOp): void {
    if (op.process === 'nemesis') {
      this.events.push({ t: op.time / 1e9, f: op.f, value: op.value });
      if (this.events.length > MAX_EVENTS) this.events.shift();
      return;
    }
    if (op.type === 'invoke') {
      this.totals.invoke++;
      this.invokedAt.set(op.process, op.time);
      return;
    }
    const sec = Math.max(0, Math.floor(op.time / 1e9));
    while (this.seconds.length <= sec) this.seconds.push({ ok: 0, fail: 0, info: 0, latencies: [] });
    const b = this.seconds[sec];
    b[op.type]++;
    this.totals[op.type]++;
    const at = this.invokedAt.get(op.process);
    if (at !== undefined) {
      b.latencies.push((op.time - at) / 1e6);
      this.invokedAt.delete(op.process);
    }
  }

  series(): LiveSnapshot['series'] {
    return this.seconds.map((b, t) => {
      const sorted = [...b.latencies].sort((x, y) => x - y);
      const q = (p: number): number | null => (sorted.length ? round(quantile(sorted, p)) : null);
      return { t, ok: b.ok, fail: b.fail, info: b.info, p50: q(0.5), p95: q(0.95), max: sorted.length ? round(sorted[sorted.length - 1]) : null };
    });
  }

  recent(nowS: number): LiveSnapshot['recent'] {
    const from = Math.max(0, Math.floor(nowS) - RECENT_S + 1);
    const xs: number[] = [];
    for (let s = from; s < this.seconds.length; s++) xs.push(...this.seconds[s].latencies);
    xs.sort((a, b) => a - b);
    const q = (p: number): number | null => (xs.length ? round(quantile(xs, p)) : null);
    return { count: xs.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: xs.length ? round(xs[xs.length - 1]) : null };
  }

  lastEvents(): LiveSnapshot['events'] {
    return [...this.events];
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
