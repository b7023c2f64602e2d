import { LatencyDist } from '../../src/runner/latency';
import { NemesisFault } from '../../src/runner/nemesis';
import { NodeHost } from '../../src/runner/node-host';
import { VirtualScheduler } from '../../src/runner/scheduler';
import { TestRun, TestRunOutcome } from '../../src/runner/test-run';
import { BenchWorkload, WorkloadOptions } from '../../src/runner/workload';

export const DEFAULT_OPTIONS: WorkloadOptions = {
  keyCount: 10,
  maxTxnLength: 4,
  maxWritesPerKey: 16,
  consistencyModels: ['strict-serializable'],
  latencyMs: 0,
};

export interface VirtualRunSpec {
  workload: BenchWorkload;
  nodes: string[];
  concurrency: number;
  rate: number;
  timeLimitMs: number;
  seed: number;
  nemesis?: NemesisFault[];
  nemesisIntervalMs?: number;
  latencyMs?: number;
  latencyDist?: LatencyDist;
  finalHealMs?: number | null;
  finalReads?: boolean;
  finalRotations?: number;
  host(id: string, scheduler: VirtualScheduler): NodeHost;
}

/**
 * Drive a whole TestRun on a virtual clock: run due timers, let promise
 * continuations settle, repeat. Deterministic for deterministic node logic.
 */
export async function runVirtual(spec: VirtualRunSpec): Promise<{ outcome: TestRunOutcome; run: TestRun; logs: string[] }> {
  const scheduler = new VirtualScheduler();
  const logs: string[] = [];
  const run = new TestRun({
    workload: spec.workload,
    options: { ...DEFAULT_OPTIONS, latencyMs: spec.latencyMs ?? 0 },
    nodes: spec.nodes,
    concurrency: spec.concurrency,
    rate: spec.rate,
    timeLimitMs: spec.timeLimitMs,
    latencyMs: spec.latencyMs ?? 0,
    latencyDist: spec.latencyDist ?? 'constant',
    nemesis: spec.nemesis ?? [],
    nemesisIntervalMs: spec.nemesisIntervalMs ?? 1000,
    finalHealMs: spec.finalHealMs ?? null,
    finalReads: spec.finalReads ?? false,
    finalRotations: spec.finalRotations ?? 0,
    seed: spec.seed,
    scheduler,
    host: (id) => spec.host(id, scheduler),
    log: (line) => logs.push(line),
  });
  let done = false;
  let outcome: TestRunOutcome | null = null;
  const p = run.run().then((o) => {
    done = true;
    outcome = o;
  });
  for (let guard = 0; !done && guard < 10_000_000; guard++) {
    await new Promise<void>((r) => setImmediate(r));
    const next = scheduler.nextTimerAt();
    if (next !== null) scheduler.runUntil(next);
  }
  await p;
  return { outcome: outcome as unknown as TestRunOutcome, run, logs };
}
