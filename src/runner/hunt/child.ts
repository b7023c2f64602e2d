import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describeResults, invalidKind } from './report';

/**
 * One run = one `maelstrom-local test <argv>` child process: literally the
 * replay command (same parser, same preflight, same run code), with its
 * summary captured instead of printed, and a crash in one run unable to take
 * the hunt down. Its stdout+stderr go to <run store>/runner-output.txt.
 */

export type Verdict = 'valid' | 'invalid' | 'unknown' | 'crash' | 'error';

export interface CrashInfo {
  node: string;
  code: string;
  signal: string | null;
  lastStderr: string | null;
}

export interface RunResult {
  verdict: Verdict;
  /** The test's exit status (null if it was killed by a signal). */
  exitCode: number | null;
  /** The run's store directory (store/<workload>/<timestamp>), if it made one. */
  dir: string | null;
  /** One or two sentences: what the checker saw, the crash, or what went wrong. */
  detail: string;
  /** For invalid: whether the workload's checker objected (safety) or only stats/availability (liveness). */
  kind?: 'safety' | 'liveness' | 'protocol' | 'other';
  crash?: CrashInfo;
  /** The child's argument errors (exit 254): a hunt or flag problem, not a finding. */
  usageError?: string;
  durationMs: number;
}

/** How to start `maelstrom-local`: this very program (the bundle, or src/runner/main.ts under a loader). */
export interface RunnerCommand {
  command: string;
  args: string[];
}

export function selfRunner(): RunnerCommand {
  return { command: process.execPath, args: [...process.execArgv, process.argv[1]] };
}

function tailLines(text: string, n: number): string[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(-n);
}

/** store/<workload>/<timestamp> under a run's own store root: the one entry besides `latest`. */
export function findRunDir(storeRoot: string, workload: string): string | null {
  const base = path.join(storeRoot, workload);
  let names: string[];
  try {
    names = fs.readdirSync(base).filter((n) => n !== 'latest').sort();
  } catch {
    return null;
  }
  return names.length ? path.join(base, names[names.length - 1]) : null;
}

/**
 * The last stderr line that says something: for an uncaught exception Node
 * ends with a stack trace and "Node.js vX.Y.Z", so skip those and give the
 * error message with its first frame.
 */
export function lastStderrMessage(lines: readonly string[]): string | null {
  let end = lines.length;
  while (end > 0 && (lines[end - 1].trim() === '' || /^Node\.js v\d/.test(lines[end - 1].trim()))) end--;
  if (end === 0) return null;
  let i = end - 1;
  while (i > 0 && /^\s+at /.test(lines[i])) i--;
  if (i < end - 1 && !/^\s+at /.test(lines[i])) return `${lines[i].trim()} (${lines[i + 1].trim()})`;
  return lines[end - 1];
}

function lastLineOf(file: string): string | null {
  try {
    return lastStderrMessage(tailLines(fs.readFileSync(file, 'utf8'), 64));
  } catch {
    return null;
  }
}

/**
 * A run the checkers call valid can still hold replies that break Maelstrom's
 * reply schema (a write answered with read_ok, an extra field): Maelstrom
 * records such an op as indeterminate and moves on, so `test` stays faithful
 * and says valid. A correct node never sends one, and the usual cause is a
 * reply routed to the wrong request (an answer for an entry another leader
 * put at that index), so the hunt reports it. Null when there is none.
 */
export function malformedReplies(historyFile: string): string | null {
  let text: string;
  try {
    text = fs.readFileSync(historyFile, 'utf8');
  } catch {
    return null;
  }
  let count = 0;
  let first: string | null = null;
  for (const line of text.split('\n')) {
    if (!line.includes('malformed-rpc-response')) continue;
    let op: { type?: unknown; process?: unknown; f?: unknown; error?: unknown; exception?: { message?: unknown } };
    try {
      op = JSON.parse(line) as typeof op;
    } catch {
      continue;
    }
    if (op.type !== 'info' || typeof op.process !== 'number' || typeof op.error !== 'string' || !op.error.includes('malformed-rpc-response')) continue;
    count++;
    if (first === null) {
      const message = typeof op.exception?.message === 'string' ? op.exception.message : op.error;
      first = `process ${op.process}'s ${String(op.f)}: ${message}`;
    }
  }
  if (count === 0) return null;
  return `the checkers passed, but ${count} repl${count === 1 ? 'y breaks' : 'ies break'} Maelstrom's reply schema (first: ${first}); Maelstrom counts such an op as indeterminate, a correct node never sends one`;
}

/** Classify a finished `test` child from its exit status, output and store directory. */
export function classify(exitCode: number | null, signal: string | null, stdout: string, stderr: string, dir: string | null, durationMs: number): RunResult {
  const base = { exitCode, dir, durationMs };
  const readResults = (): unknown => {
    if (!dir) return null;
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'));
    } catch {
      return null;
    }
  };
  if (exitCode === 0) {
    const bad = dir !== null ? malformedReplies(path.join(dir, 'history.jsonl')) : null;
    if (bad !== null) return { ...base, verdict: 'invalid', kind: 'protocol', detail: bad };
    return { ...base, verdict: 'valid', detail: 'valid' };
  }
  if (exitCode === 1) {
    const results = readResults();
    return { ...base, verdict: 'invalid', kind: invalidKind(results), detail: describeResults(results) };
  }
  if (exitCode === 2) return { ...base, verdict: 'unknown', detail: describeResults(readResults()) };
  if (exitCode === 254) {
    const msg = tailLines(stderr, 2).join(' ');
    return { ...base, verdict: 'error', usageError: msg, detail: `the test command refused its arguments: ${msg}` };
  }
  // 255: a node crashed (during the test, or before answering init), or the run broke otherwise.
  const crashed = /Node (\S+) crashed with exit status (\S+?)(?: \(signal (\S+)\))?\. Before crashing/.exec(stderr);
  const initExit = /node (\S+) exited \(code (\S+), signal (\S+)\) before answering init/.exec(stderr);
  const m = crashed ?? initExit;
  if (m) {
    const node = m[1];
    const sig = m[3] && m[3] !== 'null' ? m[3] : null;
    const lastStderr = (dir ? lastLineOf(path.join(dir, 'node-logs', `${node}.log`)) : null) ?? stderrBlockLastLine(stderr);
    const when = crashed ? 'during the test' : 'before answering init';
    return {
      ...base,
      verdict: 'crash',
      crash: { node, code: m[2], signal: sig, lastStderr },
      detail:
        `node ${node} exited ${when} with exit code ${m[2]}${sig ? ` (signal ${sig})` : ''}; ` +
        (lastStderr !== null ? `its last stderr message: ${JSON.stringify(lastStderr.length > 300 ? lastStderr.slice(0, 300) + '...' : lastStderr)}` : 'it wrote nothing to stderr'),
    };
  }
  const why = tailLines(stderr, 3).join(' | ') || tailLines(stdout, 2).join(' | ') || `exit ${exitCode}, signal ${signal}`;
  return { ...base, verdict: 'error', detail: `the run broke (exit ${exitCode ?? 'none'}${signal ? `, signal ${signal}` : ''}): ${why}` };
}

function stderrBlockLastLine(stderr: string): string | null {
  const m = /And to STDERR:\n([\s\S]*?)\nFull STDERR logs/.exec(stderr);
  if (!m) return null;
  return lastStderrMessage(tailLines(m[1], 64));
}

export interface ExecuteOptions {
  runner: RunnerCommand;
  /** The `test` argv (after `test`), including its `--store storeRoot`. */
  argv: readonly string[];
  workload: string;
  storeRoot: string;
  /** Kill the run (SIGTERM, then SIGKILL) if it has not ended by then. */
  watchdogMs: number;
  /** Called with the child while it runs (so Ctrl-C handling can reach it). */
  onSpawn?(child: { kill(signal: NodeJS.Signals): boolean }): void;
}

const MAX_CAPTURE = 1 << 20;

export function executeRun(o: ExecuteOptions): Promise<RunResult> {
  const started = Date.now();
  fs.mkdirSync(o.storeRoot, { recursive: true });
  return new Promise((resolve) => {
    const child = spawn(o.runner.command, [...o.runner.args, 'test', ...o.argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    o.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    const keep = (acc: string, chunk: Buffer): string => {
      const s = acc + chunk.toString('utf8');
      return s.length > MAX_CAPTURE ? s.slice(-MAX_CAPTURE) : s;
    };
    child.stdout.on('data', (c: Buffer) => (stdout = keep(stdout, c)));
    child.stderr.on('data', (c: Buffer) => (stderr = keep(stderr, c)));
    let watchdogFired = false;
    const watchdog = setTimeout(() => {
      watchdogFired = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, o.watchdogMs);
    let spawnError: Error | null = null;
    child.on('error', (e) => (spawnError = e));
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      const durationMs = Date.now() - started;
      try {
        fs.writeFileSync(path.join(o.storeRoot, 'runner-output.txt'), `$ maelstrom-local test ${o.argv.join(' ')}\n--- stdout\n${stdout}\n--- stderr\n${stderr}\n--- exit ${code} ${signal ?? ''}\n`);
      } catch {
        // The output file is a convenience.
      }
      const dir = findRunDir(o.storeRoot, o.workload);
      if (spawnError) return resolve({ verdict: 'error', exitCode: null, dir, durationMs, detail: `could not start the runner: ${(spawnError as Error).message}` });
      if (watchdogFired) {
        return resolve({ verdict: 'error', exitCode: code, dir, durationMs, detail: `the run did not finish within ${Math.round(o.watchdogMs / 1000)} s and was stopped` });
      }
      resolve(classify(code, signal, stdout, stderr, dir, durationMs));
    });
  });
}
