import { CheckResult, HistoryOp, Validity } from '../checker/history';
import { TestConfig } from './cli';
import { LatencySummary } from './results';

/** Maelstrom's (Jepsen's) three closing phrases (spec §8). */
export const VERDICT_LINES: Record<string, string> = {
  true: 'Everything looks good! ヽ(‘ー`)ノ',
  false: 'Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻',
  unknown: 'Errors occurred during analysis, but no anomalies found. ಠ~ಠ',
};

export function exitCodeFor(valid: Validity): number {
  return valid === true ? 0 : valid === false ? 1 : 2;
}

const v = (r: unknown): string => String((r as CheckResult | undefined)?.valid ?? '?');

/** A one-screen summary ending in the verdict line. */
export function summaryLines(config: TestConfig, dir: string, history: readonly HistoryOp[], results: Record<string, unknown>): string[] {
  const counts = { invoke: 0, ok: 0, fail: 0, info: 0 };
  let faults = 0;
  let nemesisEvents = 0;
  const finals = { invoke: 0, ok: 0, fail: 0, info: 0 };
  for (const op of history) {
    if (op.process === 'nemesis') {
      // Each nemesis op is two events, invocation then completion; count the invocations of start-* ops
      // (whatever their value: a spec string, or an object like partition-leader's {"leader": ...}).
      if (nemesisEvents++ % 2 === 0 && op.f.startsWith('start-')) faults++;
      continue;
    }
    counts[op.type]++;
    if (op.final === true) finals[op.type]++;
  }
  const perf = results.perf as { latency: Record<string, LatencySummary>; throughput: Record<string, number> };
  const net = results.net as { all: Record<string, number>; servers: Record<string, number> };
  const avail = results.availability as CheckResult;
  const lines = [
    '',
    `Workload ${config.workload} on ${config.nodes.length} node(s) ${config.nodes.join(',')}; seed ${config.seed}`,
    `Results in ${dir}`,
    `Operations: ${counts.invoke} invoked, ${counts.ok} ok, ${counts.fail} fail, ${counts.info} info; ` +
      `throughput ${perf.throughput['ops-per-sec']} ops/s (${perf.throughput['ok-per-sec']} ok/s)`,
    `Availability: ok-fraction ${fmt(avail['ok-fraction'])} (${v(avail)})`,
    `Messages per op: all ${fmt(net.all['msgs-per-op'])}, servers ${fmt(net.servers['msgs-per-op'])} (${net.all['msg-count']} messages)`,
  ];
  const lat = Object.entries(perf.latency);
  if (lat.length > 0) {
    lines.push('Latency (ms)      count      p50      p95      p99      max');
    for (const [f, s] of lat) {
      lines.push(`  ${f.padEnd(14)}${String(s.count).padStart(7)}${[s.p50, s.p95, s.p99, s.max].map((x) => x.toFixed(1).padStart(9)).join('')}`);
    }
  }
  if (config.nemesis.length > 0) lines.push(`Nemesis: ${faults} fault(s) started (${config.nemesis.join(',')}, interval ${config.nemesisIntervalS} s)`);
  if (config.finalReads) lines.push(`Final reads: ${finals.invoke} invoked, ${finals.ok} ok, ${finals.fail} fail, ${finals.info} info`);
  const mutes = ((results['maelstrom-local'] as { 'mute-nodes': { node: string; reason: string }[] })['mute-nodes']) ?? [];
  for (const m of mutes) lines.push(`WARNING: node ${m.node} went MUTE: ${m.reason}`);
  const workload = results.workload as CheckResult;
  lines.push(`Checkers: stats ${v(results.stats)}, availability ${v(results.availability)}, net ${v(results.net)}, workload ${v(workload)}`);
  const missing = results['missing-keys'] as CheckResult | undefined;
  if (missing) lines.push(`Missing keys (ours, with --final-reads): ${v(missing)}${missing.valid === false ? ` - ${String(missing.explanation)}` : ''}`);
  for (const [name, r] of Object.entries(results)) {
    const e = (r as CheckResult | undefined)?.error;
    if (e !== undefined && typeof r === 'object') lines.push(`  ${name}: ${typeof e === 'string' ? e : JSON.stringify(e)}`);
  }
  lines.push(...workloadDetail(workload));
  if (workload && workload.valid === false) {
    const types = workload['anomaly-types'] ?? workload.failures;
    if (types !== undefined) lines.push(`  workload failures: ${JSON.stringify(types)}`);
  }
  lines.push('', VERDICT_LINES[String(results.valid)] ?? VERDICT_LINES.unknown);
  return lines;
}

/** The figures Maelstrom's set-full, counter and kafka checkers lead with (their full maps are in results.json). */
function workloadDetail(w: CheckResult | undefined): string[] {
  if (!w) return [];
  const out: string[] = [];
  if (typeof w['stable-count'] === 'number') {
    out.push(`Set: ${w['attempt-count']} added, ${w['stable-count']} stable, ${w['lost-count']} lost, ${w['stale-count']} stale, ${w['never-read-count']} never read`);
    const lat = w['stable-latencies'] as Record<string, number> | undefined;
    if (lat) out.push(`  stable latency (ms): p50 ${lat['0.5']}, p95 ${lat['0.95']}, p99 ${lat['0.99']}, max ${lat['1']}`);
    if (Array.isArray(w.lost) && w.lost.length > 0) out.push(`  lost: ${JSON.stringify(w.lost.slice(0, 20))}${w.lost.length > 20 ? ' ...' : ''}`);
  }
  if (Array.isArray(w.acceptable) && Array.isArray(w['final-reads'])) {
    out.push(`Counter: final reads ${JSON.stringify(w['final-reads'])}; acceptable ${JSON.stringify(w.acceptable)}`);
  }
  if (Array.isArray(w['bad-error-types']) && w['bad-error-types'].length > 0) out.push(`  kafka anomalies: ${w['bad-error-types'].join(', ')}`);
  return out;
}

function fmt(x: unknown): string {
  return typeof x === 'number' ? (Math.round(x * 1000) / 1000).toString() : 'n/a';
}
