/**
 * One benchmark point: a short Maelstrom test of a node binary through the
 * local runner, and the figures it produced. Shared by the orchestrator
 * (bench/run.ts) and the child process that runs a point (bench/point.ts).
 */
import type { LatencyStats, WindowFigures } from './measure';

export interface PointConfig {
  /** Stable id used in results and plots, e.g. "lin-kv/n3/l0/c24". */
  id: string;
  /** Which configuration (curve) the point belongs to, e.g. "lin-kv n3 L0", "no-pipelining". */
  series: string;
  workload: 'lin-kv' | 'txn-list-append' | 'txn-rw-register' | 'echo';
  nodeCount: number;
  /** Absolute number of client workers. */
  concurrency: number;
  /** Ops/s over the whole test; closed loop = so high that only `concurrency` limits it. */
  rate: number;
  timeLimitS: number;
  /** History time in s from which ops count (the election happens before). */
  warmupS: number;
  latencyMs: number;
  latencyDist: 'constant' | 'uniform' | 'exponential';
  /** Node binary (dist/raft-node.js, or the profiling wrapper). */
  bin: string;
  /** Arguments after `--` (e.g. --no-batching). */
  nodeArgs: string[];
  seed: number;
  /** Run the workload's checker on the history (costly at high throughput). */
  check: boolean;
  /** Keep node logs here (profiling); otherwise a temporary directory is removed. */
  keepDir: string | null;
}

export interface ProcessCpu {
  /** n0, n1, ... by spawn order, or "runner" for the process that ran the runner. */
  name: string;
  /** CPU time over the measurement window / window length, in percent of one core. */
  percent: number;
}

export interface PointResult {
  config: PointConfig;
  /** Why no figures (init failure, crash, child died), or null. */
  error: string | null;
  window: WindowFigures | null;
  /** Maelstrom's :net :servers msgs-per-op (node↔node messages / client invocations, whole run). */
  serverMsgsPerOp: number | null;
  allMsgsPerOp: number | null;
  leader: string | null;
  elections: number;
  /** The leader's last `stats:` line (cumulative counters), if it logged one. */
  leaderStats: Record<string, number | string> | null;
  /** CPU use over the window; empty when /proc is unavailable. */
  cpu: ProcessCpu[];
  /** Checker verdict when config.check, else null. */
  valid: boolean | 'unknown' | null;
  /** Wall time of the test run (start-up to teardown), without the check. */
  wallS: number;
}

export type { LatencyStats };
