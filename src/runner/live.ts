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
  /** Latencies (ms) of the ops completed in this second: all of them, or a uniform sample of LATENCY_SAMPLE. */
  latencies: number[];
  /** Completions with a latency, and the largest (exact even when sampled). */
  seen: number;
  max: number;
  /** Quantiles of a second that is over, computed once. */
  summary: { p50: number | null; p95: number | null; max: number | null } | null;
}

/** Per second, at most this many latencies are kept (reservoir sampling): a poll sorts a bounded amount at any rate. */
export const LATENCY_SAMPLE = 1000;

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
  /** xorshift state for the reservoir: the counters' own, never the test's random streams. */
  private rand = 0x9e3779b9;

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
    while (this.seconds.length <= sec) this.seconds.push({ ok: 0, fail: 0, info: 0, latencies: [], seen: 0, max: 0, summary: null });
    const b = this.seconds[sec];
    b[op.type]++;
    this.totals[op.type]++;
    const at = this.invokedAt.get(op.process);
    if (at !== undefined) {
      this.invokedAt.delete(op.process);
      const ms = (op.time - at) / 1e6;
      b.seen++;
      if (ms > b.max) b.max = ms;
      if (b.latencies.length < LATENCY_SAMPLE) b.latencies.push(ms);
      else {
        const j = this.next() % b.seen;
        if (j < LATENCY_SAMPLE) b.latencies[j] = ms;
      }
    }
  }

  private next(): number {
    let x = this.rand;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rand = x >>> 0;
    return this.rand;
  }

  /** Per second of the client phase; seconds before `nowS`'s are over and summarised once. */
  series(nowS = Number.POSITIVE_INFINITY): LiveSnapshot['series'] {
    const current = Math.floor(nowS);
    return this.seconds.map((b, t) => {
      let s = b.summary;
      if (s === null) {
        const sorted = [...b.latencies].sort((x, y) => x - y);
        const q = (p: number): number | null => (sorted.length ? round(quantile(sorted, p)) : null);
        s = { p50: q(0.5), p95: q(0.95), max: b.seen > 0 ? round(b.max) : null };
        if (t < current) b.summary = s;
      }
      return { t, ok: b.ok, fail: b.fail, info: b.info, ...s };
    });
  }

  recent(nowS: number): LiveSnapshot['recent'] {
    const from = Math.max(0, Math.floor(nowS) - RECENT_S + 1);
    const xs: number[] = [];
    for (let s = from; s < this.seconds.length; s++) xs.push(...this.seconds[s].latencies);
    xs.sort((a, b) => a - b);
    const q = (p: number): number | null => (xs.length ? round(quantile(xs, p)) : null);
    let count = 0;
    let max = 0;
    for (let s = from; s < this.seconds.length; s++) {
      count += this.seconds[s].seen;
      max = Math.max(max, this.seconds[s].max);
    }
    return { count, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: count > 0 ? round(max) : null };
  }

  lastEvents(): LiveSnapshot['events'] {
    return [...this.events];
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
