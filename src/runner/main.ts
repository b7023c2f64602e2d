import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HistoryChecker, runCheckCommand } from '../checker/check-command';
import { runHuntCommand } from './hunt/command';
import { BENCH_WORKLOADS, MAELSTROM_ONLY_WORKLOADS } from '../../workloads/bench-registry';
import { parseTestArgs, TestConfig, usage, UsageError } from './cli';
import { LatencyStartupError } from './latency';
import { ProcessHost } from './process-host';
import { RealScheduler } from './real-scheduler';
import { computeResults } from './results';
import { createRunDir, writeHistory, writeLinearizabilityPictures, writeMessages, writePictures, writeResults } from './store';
import { MessageLog } from './message-log';
import { LiveServer, LiveView, startLiveServer } from './live-server';
import { ListenError } from './http-listen';
import { runServeCommand } from './serve';
import { exitCodeFor, summaryLines } from './summary';
import { TestRun } from './test-run';
import { CheckResult } from '../checker/history';
import { LIN_KV_VALUE_COUNT } from './workload';

/** Entry point of bin/maelstrom-local: the only place (with process-host.ts) that touches real time, files and processes. */

const EXIT_BAD_ARGS = 254;
const EXIT_CRASH = 255;

function out(line: string): void {
  process.stdout.write(line + '\n');
}

function err(line: string): void {
  process.stderr.write(line + '\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out(usage());
    return command === undefined ? EXIT_BAD_ARGS : 0;
  }
  if (command === 'check') return runCheckCommand(rest, out, otherCheckers());
  if (command === 'hunt') return runHuntCommand(rest, { out, err, write: (t) => process.stdout.write(t), isTTY: process.stdout.isTTY === true });
  if (command === 'serve') return runServeCommand(rest, { out, err });
  if (command !== 'test') {
    err(`maelstrom-local: unknown command ${JSON.stringify(command)}; expected "test", "check", "hunt" or "serve" (see --help)`);
    return EXIT_BAD_ARGS;
  }
  let config: TestConfig;
  try {
    const parsed = parseTestArgs(rest, () => Math.floor(Math.random() * 2 ** 31));
    if (parsed.help) {
      out(usage());
      return 0;
    }
    config = parsed.config;
    preflight(config);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`maelstrom-local test: ${e.message}`);
      err('Run `maelstrom-local test --help` for the options.');
      return EXIT_BAD_ARGS;
    }
    throw e;
  }
  // Jepsen's --test-count: the same test again (a fresh seed each time), stopping at the first run that is not valid.
  let code = 0;
  for (let i = 0; i < config.testCount; i++) {
    if (config.testCount > 1) out(`Test ${i + 1} of ${config.testCount}`);
    code = await runTest(i === 0 ? config : { ...config, seed: (config.seed + i) % 2 ** 32 });
    await closeLive();
    if (code !== 0) break;
  }
  return code;
}

/** Checks that would otherwise surface as a confusing crash mid-run. */
function preflight(config: TestConfig): void {
  const workload = BENCH_WORKLOADS.get(config.workload);
  if (!workload) {
    const known = [...BENCH_WORKLOADS.keys()].join(', ');
    if (MAELSTROM_ONLY_WORKLOADS.includes(config.workload)) {
      throw new UsageError(`workload ${config.workload} exists in real Maelstrom but maelstrom-local does not drive it; supported: ${known}`);
    }
    throw new UsageError(`unknown workload ${JSON.stringify(config.workload)}; supported: ${known}`);
  }
  const bin = path.resolve(config.bin);
  if (!fs.existsSync(bin)) throw new UsageError(`--bin ${config.bin}: no such file (did you run \`make build\`?)`);
  if (!fs.statSync(bin).isFile()) throw new UsageError(`--bin ${config.bin}: not a regular file`);
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    throw new UsageError(`--bin ${config.bin}: not executable; chmod +x it (it needs a shebang line like #!/usr/bin/env node)`);
  }
  const problem = workload.validate(config.nodes.length, config.concurrency, workloadOptions(config));
  if (problem) throw new UsageError(problem);
  if (config.nemesis.length > 0 && config.nemesisIntervalS <= 0) throw new UsageError('--nemesis-interval must be > 0 when a nemesis is enabled');
}

/**
 * `check -w NAME` for the workloads the checker module does not handle itself:
 * their checkers read nothing but the history (txn workloads, which need
 * --consistency-models, are handled there).
 */
function otherCheckers(): Map<string, HistoryChecker> {
  const defaults = { keyCount: 10, maxTxnLength: 4, maxWritesPerKey: 16, consistencyModels: ['strict-serializable'], latencyMs: 0 };
  const m = new Map<string, HistoryChecker>();
  for (const [name, w] of BENCH_WORKLOADS) m.set(name, (history) => w.check(history, { options: defaults }));
  return m;
}

function workloadOptions(config: TestConfig) {
  return {
    keyCount: config.keyCount,
    maxTxnLength: config.maxTxnLength,
    maxWritesPerKey: config.maxWritesPerKey,
    valueCount: config.valueCount,
    consistencyModels: config.consistencyModels,
    latencyMs: config.latencyMs,
    topology: config.topology,
  };
}

/** The live view of the current test, if --live: closed between the runs of --test-count. */
let liveRun: { view: LiveView; server: LiveServer } | null = null;

async function closeLive(): Promise<void> {
  const l = liveRun;
  liveRun = null;
  if (l) await l.server.close();
}

async function runTest(config: TestConfig): Promise<number> {
  const workload = BENCH_WORKLOADS.get(config.workload) as NonNullable<ReturnType<typeof BENCH_WORKLOADS.get>>;
  const options = workloadOptions(config);
  const bin = fs.realpathSync(path.resolve(config.bin));
  out(
    `maelstrom-local test -w ${config.workload} --bin ${config.bin} --node-count ${config.nodes.length} ` +
      `--concurrency ${config.concurrency} --rate ${config.rate} --time-limit ${config.timeLimitS} --latency ${config.latencyMs} ` +
      `--latency-dist ${config.latencyDist}${config.nemesis.length ? ` --nemesis ${config.nemesis.join(',')} --nemesis-interval ${config.nemesisIntervalS}` : ''}` +
      `${config.finalHealS !== null ? ` --final-heal ${config.finalHealS}` : ''}${config.finalReads ? ' --final-reads' : ''}` +
      `${config.finalRotations > 0 ? ` --final-rotations ${config.finalRotations}` : ''}` +
      `${config.valueCount !== LIN_KV_VALUE_COUNT ? ` --value-count ${config.valueCount}` : ''}` +
      `${config.workload === 'broadcast' ? ` --topology ${config.topology}` : ''}${config.recoveryS !== 10 ? ` --recovery-time ${config.recoveryS}` : ''}`,
  );
  out(`Seed: ${config.seed}  (replay with --seed ${config.seed})`);

  const scheduler = new RealScheduler();
  // Filled in once the network has been built (a latency start-up error must leave no store directory behind).
  const paths = { dir: '', nodeCwd: '' };
  let logFile: fs.WriteStream | null = null;
  const log = (line: string): void => {
    const stamped = `${(scheduler.now() / 1000).toFixed(3)} ${line}`;
    logFile?.write(stamped + '\n');
    if (/^(WARN|ERROR)/.test(line)) err(line);
  };
  const messageLog = config.messages ? new MessageLog(() => scheduler.now()) : null;
  let run: TestRun;
  try {
    run = new TestRun({
      workload,
      options,
      nodes: config.nodes,
      concurrency: config.concurrency,
      rate: config.rate,
      timeLimitMs: config.timeLimitS * 1000,
      latencyMs: config.latencyMs,
      latencyDist: config.latencyDist,
      nemesis: config.nemesis,
      nemesisIntervalMs: config.nemesisIntervalS * 1000,
      finalHealMs: config.finalHealS !== null ? config.finalHealS * 1000 : null,
      finalReads: config.finalReads,
      finalRotations: config.finalRotations,
      recoveryMs: config.recoveryS * 1000,
      logNetSend: config.logNetSend,
      logNetRecv: config.logNetRecv,
      messageLog: messageLog ?? undefined,
      seed: config.seed,
      scheduler,
      host: (id) =>
        new ProcessHost({
          id,
          bin,
          args: config.binArgs,
          cwd: paths.nodeCwd,
          logPath: path.join(paths.dir, 'node-logs', `${id}.log`),
          echoStderr: config.logStderr ? (line) => err(`[${id}] ${line}`) : null,
        }),
      log,
    });
  } catch (e) {
    if (e instanceof LatencyStartupError) {
      err(`Jepsen broke: ${e.message}`);
      return EXIT_CRASH;
    }
    throw e;
  }
  if (config.livePort !== null) {
    const view = new LiveView({ run, messageLog, scheduler, workload: config.workload, nodes: config.nodes, timeLimitS: config.timeLimitS });
    try {
      liveRun = { view, server: await startLiveServer(view, config.livePort, `${config.workload} (live)`) };
    } catch (e) {
      if (!(e instanceof ListenError)) throw e;
      err(`maelstrom-local test: --live: ${e.message}`);
      return EXIT_BAD_ARGS;
    }
    out(`Live view: ${liveRun.server.url}`);
  }
  const dir = createRunDir(config.store, config.workload, new Date());
  const nodeCwd = fs.mkdtempSync(path.join(os.tmpdir(), 'maelstrom-local-'));
  paths.dir = dir;
  paths.nodeCwd = nodeCwd;
  logFile = fs.createWriteStream(path.join(dir, 'jepsen.log'));
  run.history.onRecord((op) => logFile?.write(`${(op.time / 1e9).toFixed(3)} ${op.process}\t:${op.type}\t:${op.f}\t${JSON.stringify(op.value)}${op.error !== undefined ? '\t' + JSON.stringify(op.error) : ''}\n`));

  const progress = process.stdout.isTTY ? startProgress(run, config, scheduler) : null;
  const killAll = (): void => {
    err('interrupted; killing the nodes');
    run.killAllNow();
    process.exit(130);
  };
  process.once('SIGINT', killAll);
  process.once('SIGTERM', killAll);
  // Never leave node processes behind, whatever happens to us.
  process.once('exit', () => {
    run.killAllNow();
    fs.rmSync(nodeCwd, { recursive: true, force: true });
  });
  let outcome;
  try {
    outcome = await run.run();
  } finally {
    liveRun?.view.finish();
    progress?.stop();
    process.removeListener('SIGINT', killAll);
    process.removeListener('SIGTERM', killAll);
    fs.rmSync(nodeCwd, { recursive: true, force: true });
  }
  const warn = (line: string): void => log(`WARN ${line}`);
  writeHistory(dir, outcome.history, warn);
  // History times count from the start of the client phase; the pictures span it all.
  const lastOpS = outcome.history.length > 0 ? outcome.history[outcome.history.length - 1].time / 1e9 : 0;
  const endS = Math.max(lastOpS, Math.min(config.timeLimitS, (outcome.endedAt - outcome.startedAt) / 1000));
  writePictures(dir, outcome.history, endS, `${config.workload} ${path.basename(dir)}`, warn);
  if (messageLog) {
    const title = `${config.workload} ${path.basename(dir)}`;
    const records = messageLog.records();
    writeMessages(dir, { title, records, history: outcome.history, nodes: config.nodes, originMs: run.history.originMs(), endNs: endS * 1e9 }, warn);
  }
  if (outcome.aborted) {
    err(`Jepsen broke: ${outcome.aborted}`);
    err(`(history so far in ${dir}; no analysis, like Maelstrom's :init-failed)`);
    await closeLog(logFile);
    return EXIT_CRASH;
  }
  if (outcome.crashes.length > 0) {
    for (const c of outcome.crashes) {
      err(
        `Node ${c.node} crashed with exit status ${c.code ?? 'null'}${c.signal ? ` (signal ${c.signal})` : ''}. ` +
          `Before crashing, it wrote to STDOUT:\n${c.stdout.join('\n')}\n\nAnd to STDERR:\n${c.stderr.join('\n')}\n` +
          `Full STDERR logs are available in ${path.join(dir, 'node-logs', c.node + '.log')}`,
      );
    }
    err('Jepsen broke: a node crashed during the test (no analysis, exit 255, as in Maelstrom)');
    out(`crashed: ${outcome.crashes.map((c) => c.node).join(', ')}`);
    await closeLog(logFile);
    return EXIT_CRASH;
  }
  const results = computeResults({
    history: outcome.history,
    workload,
    options,
    availability: config.availability,
    net: outcome.net,
    mutes: outcome.mutes,
    durationS: Math.max(1e-3, config.timeLimitS),
    seed: config.seed,
    missingKeys: config.finalReads,
  });
  writeResults(dir, results, warn);
  if (workload.name === 'lin-kv') writeLinearizabilityPictures(dir, results.workload as CheckResult, warn);
  for (const line of summaryLines(config, dir, outcome.history, results)) out(line);
  await closeLog(logFile);
  return exitCodeFor(results.valid);
}

function closeLog(f: fs.WriteStream | null): Promise<void> {
  return new Promise((resolve) => (f ? f.end(resolve) : resolve()));
}

function startProgress(run: TestRun, config: TestConfig, scheduler: RealScheduler): { stop(): void } {
  const timer = setInterval(() => {
    const ops = run.history.ops;
    let ok = 0;
    for (const op of ops) if (op.type === 'ok') ok++;
    const faults = run.activeFaults();
    process.stdout.write(
      `\r[${(scheduler.now() / 1000).toFixed(1)}/${config.timeLimitS} s] ops ${run.invocations()} (ok ${ok})` +
        ` | fault: ${faults.length ? faults.join(', ') : 'none'}`.padEnd(40) + '\x1b[K',
    );
  }, 500);
  return {
    stop() {
      clearInterval(timer);
      process.stdout.write('\r\x1b[K');
    },
  };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    err(`maelstrom-local crashed: ${(e as Error)?.stack ?? String(e)}`);
    process.exit(EXIT_CRASH);
  },
);
