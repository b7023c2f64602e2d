import * as fs from 'fs';
import * as path from 'path';
import { BENCH_WORKLOADS, MAELSTROM_ONLY_WORKLOADS } from '../../../workloads/bench-registry';
import { parseTestArgs, UsageError } from '../cli';
import { timestampDirName } from '../store';
import { HuntArgs, huntUsage, parseHuntArgs } from './args';
import { executeRun, RunnerCommand, selfRunner } from './child';
import { drawRun, HuntFixed, testArgv } from './draw';
import { faultPool, HUNT_LATENCY_DISTS, MEMORY_SAFE_FAULTS, DURABLE_FAULTS, RUNNER_FAULTS, testHasOption } from './faults';
import { EXIT_BAD_ARGS, HuntOutcome, runHunt } from './hunt';

/** `maelstrom-local hunt ...`: the entry point main.ts dispatches to. */

export interface HuntIo {
  out(line: string): void;
  err(line: string): void;
  /** Raw stdout (progress lines). */
  write(text: string): void;
  isTTY: boolean;
  /** How to start `maelstrom-local test` (default: this program). */
  runner?: RunnerCommand;
}

/** Check the hunt's own arguments the way `test`'s preflight would, once, up front. */
function validate(args: HuntArgs): void {
  const workload = BENCH_WORKLOADS.get(args.workload);
  if (!workload) {
    const known = [...BENCH_WORKLOADS.keys()].join(', ');
    if (MAELSTROM_ONLY_WORKLOADS.includes(args.workload)) throw new UsageError(`workload ${args.workload} exists in real Maelstrom but maelstrom-local does not drive it; supported: ${known}`);
    throw new UsageError(`unknown workload ${JSON.stringify(args.workload)}; supported: ${known}`);
  }
  const bin = path.resolve(args.bin);
  if (!fs.existsSync(bin)) throw new UsageError(`--bin ${args.bin}: no such file (did you run \`make build\`?)`);
  if (!fs.statSync(bin).isFile()) throw new UsageError(`--bin ${args.bin}: not a regular file`);
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    throw new UsageError(`--bin ${args.bin}: not executable; chmod +x it (it needs a shebang line like #!/usr/bin/env node)`);
  }
  if (args.nodeCount !== null && args.workload === 'lin-kv') {
    const problem = workload.validate(args.nodeCount, 2 * args.nodeCount, {
      keyCount: 10, maxTxnLength: 4, maxWritesPerKey: 16, consistencyModels: ['strict-serializable'], latencyMs: 0,
    });
    if (problem) throw new UsageError(`--node-count ${args.nodeCount}: ${problem}`);
  }
}

export function huntFixed(args: HuntArgs): HuntFixed {
  return {
    workload: args.workload,
    bin: args.bin,
    binArgs: args.binArgs,
    nodeCount: args.nodeCount,
    timeLimitS: args.timeLimitS,
    rate: args.rate,
    pool: faultPool(args.faults, args.durable),
    latencyDists: HUNT_LATENCY_DISTS,
    finalReadsSupported: !args.noFinalReads && testHasOption('--final-reads'),
    finalRotationsSupported: testHasOption('--final-rotations'),
    valueCountSupported: testHasOption('--value-count'),
  };
}

export async function runHuntCommand(argv: readonly string[], io: HuntIo): Promise<number> {
  let args: HuntArgs;
  let fixed: HuntFixed;
  try {
    const parsed = parseHuntArgs(argv, () => Math.floor(Math.random() * 2 ** 31));
    if (parsed.help) {
      io.out(huntUsage());
      return 0;
    }
    args = parsed.args;
    validate(args);
    fixed = huntFixed(args);
    // The drawn argv must be one the test command accepts: check the first run's before starting anything.
    parseTestArgs(testArgv(drawRun(args.seed, 0, fixed), fixed, args.store), () => 0);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`maelstrom-local hunt: ${e.message}`);
      io.err('Run `maelstrom-local hunt --help` for the options.');
      return EXIT_BAD_ARGS;
    }
    throw e;
  }
  const huntDir = path.resolve(args.store, 'hunt', `${timestampDirName(new Date())}-seed${args.seed}`);
  fs.mkdirSync(huntDir, { recursive: true });
  io.out(`maelstrom-local hunt -w ${args.workload} --bin ${args.bin}: budget ${args.budgetS} s, seed ${args.seed} (the same --seed draws the same runs)`);
  const missing = [...MEMORY_SAFE_FAULTS, ...(args.durable ? DURABLE_FAULTS : [])].filter((f) => !RUNNER_FAULTS.includes(f));
  io.out(
    `fault pool: ${fixed.pool.join(', ')}` +
      (args.faults === null && missing.length ? ` (not drawn, this build's test command lacks them: ${missing.join(', ')})` : ''),
  );
  if (args.durable && args.binArgs.length === 0) io.out('note: --durable without node arguments: the node must persist by default, or kill faults will "find" lost writes');
  io.out(`runs in ${huntDir}`);

  const runner = io.runner ?? selfRunner();
  let interrupted = false;
  let current: { kill(signal: NodeJS.Signals): boolean } | null = null;
  const onSignal = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    io.err('\ninterrupted: stopping the current run (again to quit at once)');
    current?.kill('SIGTERM');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let outcome: HuntOutcome;
  try {
    outcome = await runHunt(
      { args, fixed, huntDir },
      {
        runOne: (run) =>
          executeRun({
            runner,
            argv: run.argv,
            workload: args.workload,
            storeRoot: run.storeRoot,
            watchdogMs: (run.draw.timeLimitS + 300) * 1000,
            onSpawn: (c) => (current = c),
          }),
        now: () => Date.now(),
        write: io.write,
        isTTY: io.isTTY,
        interrupted: () => interrupted,
      },
    );
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  fs.writeFileSync(path.join(huntDir, 'hunt.json'), JSON.stringify(huntSummary(args, outcome), null, 2) + '\n');
  return outcome.exitCode;
}

/** hunt.json: the outcome in a form scripts can read (make hunt-bench builds its table from it). */
export function huntSummary(args: HuntArgs, o: HuntOutcome): Record<string, unknown> {
  const f = o.finding;
  return {
    seed: args.seed,
    workload: args.workload,
    bin: args.bin,
    'budget-s': args.budgetS,
    'exit-code': o.exitCode,
    runs: o.runs.length,
    'distinct-configurations': o.distinctConfigs,
    counts: o.counts,
    'total-ms': o.totalMs,
    finding:
      f === null
        ? null
        : {
            run: f.run.draw.index,
            'found-after-ms': f.run.endedAt,
            verdict: f.run.result.verdict,
            kind: f.run.result.kind ?? null,
            detail: f.run.result.detail,
            store: f.run.result.dir,
            replay: f.replayCommand,
            replays: f.replays.length,
            reproduced: f.reproduced,
          },
  };
}
