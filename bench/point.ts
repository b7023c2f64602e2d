/**
 * Runs ONE benchmark point in its own process and prints its PointResult as
 * one JSON line on stdout:
 *
 *   node -r ./test/support/register.js bench/point.ts '<PointConfig JSON>'
 *
 * It drives the local runner programmatically (src/runner TestRun with the
 * real process host and wall clock, exactly what `bin/maelstrom-local test`
 * does) but skips what a benchmark does not need: the store directory, the
 * pictures and, unless asked, the checker (checking 40 000 ops costs more than
 * running them). A fresh process per point keeps one point's garbage, timers
 * and JIT state out of the next one's figures.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BENCH_WORKLOADS } from '../workloads/bench-registry';
import { ProcessHost } from '../src/runner/process-host';
import { RealScheduler } from '../src/runner/real-scheduler';
import { computeResults } from '../src/runner/results';
import { TestRun } from '../src/runner/test-run';
import { lastStatsLine, leadershipFromLogs, windowFigures } from './measure';
import type { PointConfig, PointResult, ProcessCpu } from './point-config';

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux

/**
 * Pids of the direct children that are node processes, in spawn order (pids
 * grow, and the runner spawns n0, n1, ... in one loop). The only other child
 * is esbuild's service process when this runs through register.js; it is
 * skipped by name, so a wrapper `--bin` that execs node is still counted.
 */
function nodePids(): number[] {
  const pids: number[] = [];
  try {
    for (const task of fs.readdirSync('/proc/self/task')) {
      const text = fs.readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim();
      if (text) pids.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    return [];
  }
  return pids
    .filter((pid) => {
      try {
        return !fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('esbuild');
      } catch {
        return false;
      }
    })
    .sort((a, b) => a - b);
}

/** utime + stime of a process in seconds, or null if it is gone. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return null;
  }
}

interface CpuSample {
  at: number;
  runner: number;
  nodes: Map<number, number>;
}

/** CPU times now; `pids` (from the first sample) keeps the second on the same processes. */
function sampleCpu(pids: readonly number[]): CpuSample {
  const u = process.cpuUsage();
  const nodes = new Map<number, number>();
  for (const pid of pids) {
    const s = cpuSeconds(pid);
    if (s !== null) nodes.set(pid, s);
  }
  return { at: performance.now(), runner: (u.user + u.system) / 1e6, nodes };
}

function cpuBetween(a: CpuSample, b: CpuSample, nodeIds: readonly string[]): ProcessCpu[] {
  const seconds = (b.at - a.at) / 1000;
  if (seconds <= 0) return [];
  const pct = (x: number): number => Math.round((x / seconds) * 1000) / 10;
  const out: ProcessCpu[] = [{ name: 'runner', percent: pct(b.runner - a.runner) }];
  const pids = [...a.nodes.keys()].filter((p) => b.nodes.has(p)).sort((x, y) => x - y);
  pids.forEach((pid, i) => {
    out.push({ name: nodeIds[i] ?? `pid${pid}`, percent: pct((b.nodes.get(pid) as number) - (a.nodes.get(pid) as number)) });
  });
  return out;
}

export async function runPoint(config: PointConfig): Promise<PointResult> {
  const started = performance.now();
  const workload = BENCH_WORKLOADS.get(config.workload);
  if (!workload) throw new Error(`unknown workload ${config.workload}`);
  const nodes = Array.from({ length: config.nodeCount }, (_, i) => `n${i}`);
  const options = { keyCount: 10, maxTxnLength: 4, maxWritesPerKey: 16, consistencyModels: ['strict-serializable'], latencyMs: config.latencyMs };
  const problem = workload.validate(nodes.length, config.concurrency, options);
  if (problem) throw new Error(`point ${config.id}: ${problem}`);
  const logDir = config.keepDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'raft-bench-'));
  fs.mkdirSync(path.join(logDir, 'node-logs'), { recursive: true });
  const nodeCwd = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-bench-cwd-'));
  const scheduler = new RealScheduler();
  const warnings: string[] = [];
  const run = new TestRun({
    workload,
    options,
    nodes,
    concurrency: config.concurrency,
    rate: config.rate,
    timeLimitMs: config.timeLimitS * 1000,
    latencyMs: config.latencyMs,
    latencyDist: config.latencyDist,
    nemesis: [],
    nemesisIntervalMs: 10_000,
    finalHealMs: null,
    seed: config.seed,
    scheduler,
    host: (id) =>
      new ProcessHost({
        id,
        bin: path.resolve(config.bin),
        args: config.nodeArgs,
        cwd: nodeCwd,
        logPath: path.join(logDir, 'node-logs', `${id}.log`),
        echoStderr: null,
      }),
    log: (line) => {
      if (/^(WARN|ERROR)/.test(line)) warnings.push(line);
    },
  });

  // CPU samples at the window's edges, timed from the first client op (history time 0).
  const samples: CpuSample[] = [];
  let armed = false;
  run.history.onRecord(() => {
    if (armed) return;
    armed = true;
    let pids: number[] = [];
    setTimeout(() => {
      pids = nodePids();
      samples.push(sampleCpu(pids));
    }, config.warmupS * 1000);
    // Just before the time limit: at the limit the runner may already be killing the nodes.
    setTimeout(() => samples.push(sampleCpu(pids)), Math.max(config.warmupS * 1000 + 100, config.timeLimitS * 1000 - 100));
  });

  let outcome;
  try {
    outcome = await run.run();
  } finally {
    fs.rmSync(nodeCwd, { recursive: true, force: true });
  }
  const logs = new Map<string, string[]>();
  for (const id of nodes) {
    const file = path.join(logDir, 'node-logs', `${id}.log`);
    logs.set(id, fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : []);
  }
  if (!config.keepDir) fs.rmSync(logDir, { recursive: true, force: true });
  const base = { config, wallS: Math.round(performance.now() - started) / 1000 };
  const failure = outcome.aborted ?? (outcome.crashes.length > 0 ? `node(s) crashed: ${outcome.crashes.map((c) => `${c.node} ${c.stderr.slice(-3).join(' | ')}`).join('; ')}` : null);
  if (failure) {
    return { ...base, error: failure, window: null, serverMsgsPerOp: null, allMsgsPerOp: null, leader: null, elections: 0, leaderStats: null, cpu: [], valid: null };
  }
  const leadership = leadershipFromLogs(logs);
  const window = windowFigures(outcome.history, config.warmupS * 1000, config.timeLimitS * 1000, leadership.leader);
  let valid: PointResult['valid'] = null;
  if (config.check) {
    const durationS = Math.max(1e-3, config.timeLimitS);
    const results = computeResults({ history: outcome.history, workload, options, availability: null, net: outcome.net, mutes: outcome.mutes, durationS, seed: config.seed });
    valid = results.valid;
  }
  return {
    ...base,
    error: warnings.length > 0 && window.invoked === 0 ? warnings.slice(0, 3).join('; ') : null,
    window,
    serverMsgsPerOp: round3(outcome.net.servers['msgs-per-op'] ?? null),
    allMsgsPerOp: round3(outcome.net.all['msgs-per-op'] ?? null),
    leader: leadership.leader,
    elections: leadership.elections,
    leaderStats: leadership.leader ? lastStatsLine(logs.get(leadership.leader) ?? []) : null,
    cpu: samples.length === 2 ? cpuBetween(samples[0], samples[1], nodes) : [],
    valid,
  };
}

function round3(x: number | null): number | null {
  return x === null ? null : Math.round(x * 1000) / 1000;
}

if (require.main === module) {
  const raw = process.argv[2];
  if (!raw) {
    process.stderr.write("usage: node -r ./test/support/register.js bench/point.ts '<PointConfig JSON>' (bench/run.ts builds these)\n");
    process.exit(2);
  }
  let config: PointConfig;
  try {
    config = JSON.parse(raw) as PointConfig;
  } catch (e) {
    process.stderr.write(`bench/point.ts: the argument is not JSON: ${(e as Error).message}\n`);
    process.exit(2);
  }
  runPoint(config).then(
    (r) => {
      process.stdout.write(JSON.stringify(r) + '\n');
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`bench/point.ts: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
