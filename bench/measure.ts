/**
 * Figures of one benchmark point, computed from its history and node logs.
 * Pure: no clock, no files. Used by bench/point.ts (in the child that ran the
 * point) and by the bench tests.
 *
 * The measurement window: ops are counted from `warmupMs` (history time, i.e.
 * since the first client op) to `endMs` (the time limit). The first second of
 * a run holds the election (200-400 ms with the node's defaults) and requests
 * that waited for it; counting them would mix the election into the steady
 * state a benchmark is about.
 */
import type { HistoryOp } from '../src/checker/history';
import { pairOps, quantile } from '../src/runner/results';

export interface LatencyStats {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

export interface WindowFigures {
  /** Invocations in the window. */
  invoked: number;
  ok: number;
  /** Completed with a definite error reply from the node (e.g. cas precondition failed). */
  failReplied: number;
  /** No reply in time (fail net-timeout for idempotent ops, info otherwise) or an indefinite error. */
  timeoutsOrInfo: number;
  /** Completions with a reply (ok + definite error) per second of the window. */
  repliedPerSec: number;
  okPerSec: number;
  /** Latency of ops invoked in the window that got a reply (ok or definite error), in ms. */
  latency: LatencyStats;
  latencyByF: Record<string, LatencyStats>;
  /** Latency by the node the worker is bound to, then by op class (see opClass). */
  latencyByNode: Record<string, Record<string, LatencyStats>>;
  /** Latency by op class (see opClass), over every entry node. */
  latencyByClass: Record<string, LatencyStats>;
  /** Latency by the entry node's role (the leader given, or any other node), then by op class; {} without a leader. */
  latencyByRole: Record<string, Record<string, LatencyStats>>;
}

/** Summary of a sorted sample in ms, rounded to µs. */
export function latencyStats(sorted: readonly number[]): LatencyStats {
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  if (sorted.length === 0) return { count: 0, p50: 0, p90: 0, p99: 0, mean: 0 };
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    count: sorted.length,
    p50: r3(quantile(sorted, 0.5)),
    p90: r3(quantile(sorted, 0.9)),
    p99: r3(quantile(sorted, 0.99)),
    mean: r3(sum / sorted.length),
  };
}

/**
 * The class an op belongs to for latency floors: lin-kv `read` / `write` /
 * `cas`; a transaction is `txn-read` when every micro-op is a read (the node
 * serves it through ReadIndex, not the log) and `txn-write` otherwise.
 */
export function opClass(f: string, value: unknown): string {
  if (f !== 'txn') return f;
  if (Array.isArray(value) && value.every((m) => Array.isArray(m) && m[0] === 'r')) return 'txn-read';
  return 'txn-write';
}

function isReplied(op: HistoryOp): boolean {
  if (op.type === 'ok') return true;
  // A definite error is a reply the node sent; net-timeout is the client giving up.
  return op.type === 'fail' && op.error !== 'net-timeout';
}

export function windowFigures(history: readonly HistoryOp[], warmupMs: number, endMs: number, leader: string | null = null): WindowFigures {
  if (!(endMs > warmupMs)) throw new Error(`measurement window is empty: warmup ${warmupMs} ms, end ${endMs} ms`);
  const lo = warmupMs * 1e6;
  const hi = endMs * 1e6;
  let invoked = 0;
  let ok = 0;
  let failReplied = 0;
  let timeoutsOrInfo = 0;
  let repliedInWindow = 0;
  let okInWindow = 0;
  const all: number[] = [];
  const byF = new Map<string, number[]>();
  const byNode = new Map<string, Map<string, number[]>>();
  const byClass = new Map<string, number[]>();
  const byRole = new Map<string, Map<string, number[]>>();
  for (const { invoke, completion } of pairOps(history)) {
    if (completion && completion.time >= lo && completion.time <= hi) {
      if (isReplied(completion)) repliedInWindow++;
      if (completion.type === 'ok') okInWindow++;
    }
    if (invoke.time < lo || invoke.time >= hi) continue;
    invoked++;
    if (!completion) {
      timeoutsOrInfo++;
      continue;
    }
    if (completion.type === 'ok') ok++;
    else if (isReplied(completion)) failReplied++;
    else timeoutsOrInfo++;
    if (!isReplied(completion)) continue;
    const ms = (completion.time - invoke.time) / 1e6;
    all.push(ms);
    push(byF, invoke.f, ms);
    const node = typeof invoke.node === 'string' ? invoke.node : '?';
    let perNode = byNode.get(node);
    if (!perNode) byNode.set(node, (perNode = new Map()));
    const cls = opClass(invoke.f, invoke.value);
    push(perNode, cls, ms);
    push(byClass, cls, ms);
    if (leader !== null) {
      const role = node === leader ? 'leader' : 'follower';
      let perRole = byRole.get(role);
      if (!perRole) byRole.set(role, (perRole = new Map()));
      push(perRole, cls, ms);
    }
  }
  const seconds = (endMs - warmupMs) / 1000;
  const summarize = (m: Map<string, number[]>): Record<string, LatencyStats> => {
    const out: Record<string, LatencyStats> = {};
    for (const k of [...m.keys()].sort()) out[k] = latencyStats((m.get(k) as number[]).sort((a, b) => a - b));
    return out;
  };
  const latencyByNode: Record<string, Record<string, LatencyStats>> = {};
  for (const node of [...byNode.keys()].sort()) latencyByNode[node] = summarize(byNode.get(node) as Map<string, number[]>);
  const latencyByRole: Record<string, Record<string, LatencyStats>> = {};
  for (const role of [...byRole.keys()].sort()) latencyByRole[role] = summarize(byRole.get(role) as Map<string, number[]>);
  return {
    invoked,
    ok,
    failReplied,
    timeoutsOrInfo,
    repliedPerSec: Math.round((repliedInWindow / seconds) * 10) / 10,
    okPerSec: Math.round((okInWindow / seconds) * 10) / 10,
    latency: latencyStats(all.sort((a, b) => a - b)),
    latencyByF: summarize(byF),
    latencyByNode,
    latencyByClass: summarize(byClass),
    latencyByRole,
  };
}

function push<K>(m: Map<K, number[]>, k: K, v: number): void {
  const xs = m.get(k);
  if (xs) xs.push(v);
  else m.set(k, [v]);
}

/** What the node logs say about leadership during a run. */
export interface LeadershipFromLogs {
  /** The node that logged `raft: role leader` last, or null if none did. */
  leader: string | null;
  /** How many times any node became leader (1 in a clean run). */
  elections: number;
}

/**
 * The node prints `raft: role <role> term <t> leader <id|->` on every change
 * of its role, term or leader (src/server/server.ts onSoftState). Lines start
 * with a wall-clock time `HH:MM:SS.mmm`, so the newest `role leader` line
 * names the current leader.
 */
export function leadershipFromLogs(logs: ReadonlyMap<string, readonly string[]>): LeadershipFromLogs {
  let leader: string | null = null;
  let newest = '';
  let elections = 0;
  for (const [node, lines] of logs) {
    for (const line of lines) {
      if (!/ raft: role leader term \d+/.test(line)) continue;
      elections++;
      const time = line.slice(0, 12);
      if (time >= newest) {
        newest = time;
        leader = node;
      }
    }
  }
  return { leader, elections };
}

/** The numeric `key=value` fields of the last `stats:` line in a node log (src/server/stats.ts). */
export function lastStatsLine(lines: readonly string[]): Record<string, number | string> | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const at = lines[i].indexOf(' stats: ');
    if (at < 0) continue;
    const out: Record<string, number | string> = {};
    for (const part of lines[i].slice(at + 8).split(' ')) {
      const m = /^([a-z0-9-]+)(<=|=)(.*)$/.exec(part);
      if (!m) continue;
      const n = Number(m[3].replace(/ms$/, ''));
      out[m[1]] = m[3] !== '' && Number.isFinite(n) ? n : m[3];
    }
    return out;
  }
  return null;
}
