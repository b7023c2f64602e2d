/**
 * Which points a bench run measures (issue 8, items 1-3). Pure: the
 * orchestrator (run.ts) executes the list in order.
 *
 * Sizing: each point is a fresh cluster running `timeLimitS` seconds plus
 * ~1 s of start-up and teardown, so the full plan (about 60 points) stays
 * under 8 minutes on the 2-core machine and --quick (12 points) near one.
 */
import type { PointConfig } from './point-config';

/** So high that only the number of workers limits throughput (Jepsen's stagger never waits). */
export const CLOSED_LOOP_RATE = 1_000_000;
/** Node flag that makes the leader log its `stats:` line every second (batch sizes, in-flight). */
const STATS_ARGS = ['--stats-interval-ms', '1000'];

export const WORKLOADS = ['lin-kv', 'txn-list-append', 'txn-rw-register'] as const;

/** Series names of the reference points (lin-kv, 3 nodes, --latency 0). */
export const REFERENCE = {
  base: 'lin-kv n3 L0',
  noPipelining: 'lin-kv n3 L0 no-pipelining',
  noBatching: 'lin-kv n3 L0 no-batching',
  neither: 'lin-kv n3 L0 no-pipelining no-batching',
  singleNode: 'lin-kv n1 L0 (single node)',
  echo: 'echo n3 L0 (harness)',
} as const;

export const FLOOR_SERIES = {
  linKvReadIndex: 'floor lin-kv read-index',
  linKvLease: 'floor lin-kv lease',
  listAppend: 'floor txn-list-append',
  rwRegister: 'floor txn-rw-register',
} as const;

export interface PlanOptions {
  quick: boolean;
  bin: string;
  seed: number;
}

export interface Plan {
  points: PointConfig[];
  /** Seconds of client phase the plan asks for (for the progress estimate). */
  clientSeconds: number;
}

export function seriesName(workload: string, nodeCount: number, latencyMs: number): string {
  return `${workload} n${nodeCount} L${latencyMs}`;
}

export function buildPlan(o: PlanOptions): Plan {
  const timeLimitS = o.quick ? 4 : 5;
  const points: PointConfig[] = [];
  const add = (p: Omit<PointConfig, 'id' | 'rate' | 'timeLimitS' | 'warmupS' | 'latencyDist' | 'bin' | 'seed' | 'check' | 'keepDir'> & Partial<PointConfig>): void => {
    const id = `${p.series}/c${p.concurrency}`.replace(/[ ()]+/g, '_').replace(/_+$/, '');
    points.push({
      rate: CLOSED_LOOP_RATE,
      timeLimitS,
      warmupS: 1,
      latencyDist: 'constant',
      bin: o.bin,
      seed: o.seed,
      check: false,
      keepDir: null,
      ...p,
      id,
    });
  };

  // 1. Closed-loop sweeps.
  const sweeps: { workload: (typeof WORKLOADS)[number]; n: number; latency: number; multipliers: number[] }[] = [];
  if (o.quick) {
    sweeps.push({ workload: 'lin-kv', n: 3, latency: 0, multipliers: [2, 16] });
    sweeps.push({ workload: 'txn-list-append', n: 3, latency: 0, multipliers: [16] });
    sweeps.push({ workload: 'txn-rw-register', n: 3, latency: 0, multipliers: [16] });
    sweeps.push({ workload: 'lin-kv', n: 3, latency: 10, multipliers: [8] });
  } else {
    for (const workload of WORKLOADS) {
      for (const latency of [0, 10]) {
        for (const n of [3, 5]) {
          const dense = workload === 'lin-kv' && n === 3 && latency === 0;
          sweeps.push({ workload, n, latency, multipliers: dense ? [2, 4, 8, 16, 32, 64] : [2, 8, 32] });
        }
      }
    }
  }
  const sweepPoint = (s: (typeof sweeps)[number], k: number): void => {
    // The lin-kv checker takes ~1.5 s for 150 000 ops, so the lin-kv sweeps are also checked: fast
    // but wrong would not count. The Elle checkers cost several seconds per point; the floor runs check them.
    const check = s.workload === 'lin-kv';
    add({ series: seriesName(s.workload, s.n, s.latency), workload: s.workload, nodeCount: s.n, concurrency: k * s.n, latencyMs: s.latency, nodeArgs: STATS_ARGS, check });
  };

  // 2. Reference points beside lin-kv n3 L0, at the same absolute worker counts. They run
  // interleaved with that sweep, each right after the base point with the same workers, so
  // that a change in the machine's load between them moves both sides of a ratio alike.
  const refMultipliers = o.quick ? [16] : [2, 8, 32, 64];
  const references = (c: number): void => {
    add({ series: REFERENCE.noPipelining, workload: 'lin-kv', nodeCount: 3, concurrency: c, latencyMs: 0, nodeArgs: [...STATS_ARGS, '--no-pipelining'] });
    add({ series: REFERENCE.noBatching, workload: 'lin-kv', nodeCount: 3, concurrency: c, latencyMs: 0, nodeArgs: [...STATS_ARGS, '--no-batching'] });
    add({ series: REFERENCE.neither, workload: 'lin-kv', nodeCount: 3, concurrency: c, latencyMs: 0, nodeArgs: [...STATS_ARGS, '--no-pipelining', '--no-batching'] });
    add({ series: REFERENCE.singleNode, workload: 'lin-kv', nodeCount: 1, concurrency: c, latencyMs: 0, nodeArgs: STATS_ARGS });
    add({ series: REFERENCE.echo, workload: 'echo', nodeCount: 3, concurrency: c, latencyMs: 0, nodeArgs: STATS_ARGS });
  };
  const base = sweeps.find((s) => s.workload === 'lin-kv' && s.n === 3 && s.latency === 0);
  if (!base) throw new Error('the plan has no lin-kv n3 L0 sweep for the references');
  for (const k of base.multipliers) {
    sweepPoint(base, k);
    if (refMultipliers.includes(k)) references(k * 3);
  }
  for (const s of sweeps) if (s !== base) for (const k of s.multipliers) sweepPoint(s, k);

  // 3. Latency against the floor: L = 10 constant, rate 100, 3 nodes. 4n workers
  // keep the rate (not the workers) the limit: 12 workers at ~40 ms serve 300/s.
  const floorTime = o.quick ? 5 : 8;
  const floor = (series: string, workload: PointConfig['workload'], extra: string[]): void =>
    add({ series, workload, nodeCount: 3, concurrency: 12, latencyMs: 10, rate: 100, timeLimitS: floorTime, nodeArgs: [...STATS_ARGS, ...extra], check: true });
  floor(FLOOR_SERIES.linKvReadIndex, 'lin-kv', []);
  floor(FLOOR_SERIES.linKvLease, 'lin-kv', ['--read-mode', 'lease']);
  if (!o.quick) {
    floor(FLOOR_SERIES.listAppend, 'txn-list-append', []);
    floor(FLOOR_SERIES.rwRegister, 'txn-rw-register', []);
  }
  return { points, clientSeconds: points.reduce((s, p) => s + p.timeLimitS, 0) };
}
