/**
 * Swarm testing (as in FoundationDB's and TigerBeetle's simulators): many
 * seeds, each with its own fault mix and tunables. A failing seed is re-run
 * with tracing on; the re-run must fail the same way with the same history,
 * which proves the replay command printed for it is exact.
 */
import { chooseConfig, type ConfigOverrides } from './config';
import { simulate, type SimResult } from './simulate';

export interface SwarmOptions {
  workloads: readonly string[];
  firstSeed: number;
  seeds: number;
  overrides: ConfigOverrides;
  wallClock: () => number;
  /** Trace every run, not only the re-run of a failing seed (single-seed replays). */
  traceAll?: boolean;
  /** Called for every finished seed (progress, writing failure artifacts). */
  onResult(result: SimResult, replay: SimResult | null): void;
}

export interface SwarmSummary {
  runs: number;
  failures: number;
  clientOps: number;
  virtualMs: number;
  wallMs: number;
}

export async function runSwarm(o: SwarmOptions): Promise<SwarmSummary> {
  const summary: SwarmSummary = { runs: 0, failures: 0, clientOps: 0, virtualMs: 0, wallMs: 0 };
  const start = o.wallClock();
  for (let i = 0; i < o.seeds; i++) {
    const seed = o.firstSeed + i;
    for (const workload of o.workloads) {
      const config = chooseConfig(seed, workload, o.overrides);
      const result = await simulate(config, { wallClock: o.wallClock, trace: o.traceAll === true });
      summary.runs++;
      summary.clientOps += result.stats.clientOps;
      summary.virtualMs += result.stats.virtualMs;
      let replay: SimResult | null = null;
      if (result.failures.length > 0) {
        summary.failures++;
        replay = await simulate(config, { trace: true, wallClock: o.wallClock });
      }
      o.onResult(result, replay);
    }
  }
  summary.wallMs = o.wallClock() - start;
  return summary;
}

/** Same failure, same history: the seed replays exactly. */
export function sameOutcome(a: SimResult, b: SimResult): boolean {
  return (
    a.failures.length === b.failures.length &&
    a.failures.every((f, i) => f === b.failures[i]) &&
    historyText(a) === historyText(b)
  );
}

export function historyText(r: SimResult): string {
  return r.history.map((op) => JSON.stringify(op)).join('\n') + (r.history.length > 0 ? '\n' : '');
}
