import { checkAvailability, checkStats } from '../checker/stats';
import { checkMissingKeys } from '../checker/missing-keys';
import { CheckResult, HistoryOp, mergeValidity, Validity } from '../checker/history';
import { NetStats } from './journal';
import { MuteEvent } from './test-run';
import { BenchWorkload, WorkloadOptions } from './workload';

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** An invocation paired with its completion (or none, if the test ended first). */
export interface PairedOp {
  invoke: HistoryOp;
  completion: HistoryOp | null;
}

export function pairOps(history: readonly HistoryOp[]): PairedOp[] {
  const open = new Map<unknown, PairedOp>();
  const out: PairedOp[] = [];
  for (const op of history) {
    if (op.process === 'nemesis') continue;
    if (op.type === 'invoke') {
      const p = { invoke: op, completion: null };
      open.set(op.process, p);
      out.push(p);
    } else {
      const p = open.get(op.process);
      if (p) {
        p.completion = op;
        open.delete(op.process);
      }
    }
  }
  return out;
}

/** Nearest-rank quantile of a sorted array. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx];
}

/** Latency (ms) per f of completed client ops: completion time - invocation time. */
export function latencySummaries(pairs: readonly PairedOp[]): Record<string, LatencySummary> {
  const byF = new Map<string, number[]>();
  for (const p of pairs) {
    if (!p.completion) continue;
    const ms = (p.completion.time - p.invoke.time) / 1e6;
    const xs = byF.get(p.invoke.f) ?? [];
    xs.push(ms);
    byF.set(p.invoke.f, xs);
  }
  const out: Record<string, LatencySummary> = {};
  for (const f of [...byF.keys()].sort()) {
    const xs = (byF.get(f) as number[]).sort((a, b) => a - b);
    const r3 = (x: number): number => Math.round(x * 1000) / 1000;
    out[f] = { count: xs.length, p50: r3(quantile(xs, 0.5)), p95: r3(quantile(xs, 0.95)), p99: r3(quantile(xs, 0.99)), max: r3(xs[xs.length - 1]) };
  }
  return out;
}

/** Run a checker; a checker that throws yields unknown with the error, as in Jepsen. */
export function safeCheck(name: string, fn: () => CheckResult): CheckResult {
  try {
    return fn();
  } catch (e) {
    const err = e as Error;
    return { valid: 'unknown', error: `${name} checker threw: ${err.message ?? String(e)}` };
  }
}

function exceptionsResult(history: readonly HistoryOp[]): CheckResult {
  const groups = new Map<string, { count: number; class: string; example: HistoryOp }>();
  for (const op of history) {
    if (op.type !== 'info' || op.exception === undefined) continue;
    const cls = (op.exception as { class?: string }).class ?? 'unknown';
    const g = groups.get(cls);
    if (g) g.count++;
    else groups.set(cls, { count: 1, class: cls, example: op });
  }
  const r: CheckResult = { valid: true };
  if (groups.size > 0) r.exceptions = [...groups.values()];
  return r;
}

export interface ResultsInput {
  history: HistoryOp[];
  workload: BenchWorkload;
  options: WorkloadOptions;
  availability: 'total' | number | null;
  net: NetStats;
  mutes: MuteEvent[];
  /** Client phase length in seconds, for throughput. */
  durationS: number;
  seed: number;
  /** Extension (with --final-reads): lin-kv's missing-keys check (src/checker/missing-keys.ts). */
  missingKeys?: boolean;
}

/**
 * The results map (spec §8 shape, with `valid` for Jepsen's `:valid?`).
 * Numeric latency and throughput sit under :perf (Maelstrom only draws them);
 * runner diagnostics sit under our own `maelstrom-local` key.
 */
export function computeResults(input: ResultsInput): Record<string, unknown> & { valid: Validity } {
  const { history } = input;
  const pairs = pairOps(history);
  const completed = pairs.filter((p) => p.completion !== null);
  const okCount = completed.filter((p) => p.completion?.type === 'ok').length;
  const perf: CheckResult = {
    valid: true,
    'latency-graph': { valid: true },
    'rate-graph': { valid: true },
    latency: latencySummaries(pairs),
    throughput: {
      'ops-per-sec': input.durationS > 0 ? round3(completed.length / input.durationS) : 0,
      'ok-per-sec': input.durationS > 0 ? round3(okCount / input.durationS) : 0,
    },
  };
  const stats = safeCheck('stats', () => exemptStats(checkStats(history), input.workload.statsExempt ?? []));
  const availability = safeCheck('availability', () => checkAvailability(history, input.availability ?? undefined));
  const workload = safeCheck(input.workload.name, () => input.workload.check(history, { options: input.options }));
  const net: CheckResult = { ...input.net };
  const parts: Record<string, CheckResult> = {
    perf,
    timeline: { valid: true },
    exceptions: exceptionsResult(history),
    stats,
    availability,
    net,
    workload,
  };
  if (input.missingKeys && input.workload.name === 'lin-kv') parts['missing-keys'] = safeCheck('missing-keys', () => checkMissingKeys(history));
  const valid = mergeValidity(Object.values(parts).map((r) => r.valid));
  return {
    ...parts,
    'maelstrom-local': {
      valid: true,
      seed: input.seed,
      'mute-nodes': input.mutes,
    },
    valid,
  };
}

/** jepsen.tests.kafka's stats-checker: valid when every f outside `exempt` has an ok (kafka's `crash` never does). */
function exemptStats(stats: CheckResult, exempt: readonly string[]): CheckResult {
  if (exempt.length === 0 || stats.valid !== false) return stats;
  const byF = (stats['by-f'] ?? {}) as Record<string, { valid: boolean }>;
  const ok = Object.entries(byF).every(([f, c]) => exempt.includes(f) || c.valid);
  return ok ? { ...stats, valid: true } : stats;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
