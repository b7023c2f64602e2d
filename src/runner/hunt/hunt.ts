import * as path from 'path';
import { HuntArgs } from './args';
import { RunResult, Verdict } from './child';
import { configKey, drawRun, HuntFixed, RunDraw, shortForm, testArgv } from './draw';
import { shellCommand } from './report';

/** The hunt loop: draw, run, report. Everything outside (processes, clock, stdout) comes in through HuntDeps. */

export interface PlannedRun {
  /** "run 7" or "replay 2 of run 7". */
  label: string;
  draw: RunDraw;
  /** `test` argv, including --store storeRoot. */
  argv: string[];
  storeRoot: string;
}

export interface HuntDeps {
  runOne(run: PlannedRun): Promise<RunResult>;
  /** Wall clock, ms. */
  now(): number;
  /** Write to stdout (lines end in \n; progress lines may use \r). */
  write(text: string): void;
  isTTY: boolean;
  interrupted(): boolean;
}

export interface HuntPlan {
  args: HuntArgs;
  fixed: HuntFixed;
  /** Directory holding every run's store root. */
  huntDir: string;
}

export interface RunRecord {
  draw: RunDraw;
  argv: string[];
  result: RunResult;
  /** ms since the hunt started, when the run ended. */
  endedAt: number;
}

export interface Finding {
  run: RunRecord;
  replayCommand: string;
  replays: RunResult[];
  reproduced: number;
}

export interface HuntOutcome {
  exitCode: number;
  runs: RunRecord[];
  finding: Finding | null;
  counts: Record<Bucket, number>;
  distinctConfigs: number;
  totalMs: number;
}

export const EXIT_NOTHING = 0;
export const EXIT_FINDING = 1;
export const EXIT_ONLY_UNKNOWN = 2;
export const EXIT_BAD_ARGS = 254;
export const EXIT_INTERRUPTED = 130;

const pad = (i: number): string => String(i).padStart(4, '0');
const secs = (ms: number): string => (ms / 1000).toFixed(1);

/**
 * A finding is a safety violation (the workload's checker said invalid) or a
 * node that exited. A run where only Maelstrom's stats/availability checkers
 * objected (some operation type never succeeded) is counted as "liveness" but
 * is not a finding unless --liveness asks for it: the hunt draws schedules (a
 * power loss every half second, say) under which a correct Raft legitimately
 * serves nothing for a whole short run.
 */
export function isFinding(r: RunResult, livenessCounts = false): boolean {
  if (r.verdict === 'crash') return true;
  if (r.verdict !== 'invalid') return false;
  return livenessCounts || r.kind !== 'liveness';
}

/** Summary bucket of a run: its verdict, with liveness-only invalid runs apart. */
export type Bucket = Verdict | 'liveness';
export function bucketOf(r: RunResult): Bucket {
  return r.verdict === 'invalid' && r.kind === 'liveness' ? 'liveness' : r.verdict;
}

/** The replay command a person runs: `--store` only if the hunt was given one, and then the user's root. */
export function replayCommand(d: RunDraw, plan: HuntPlan): string {
  return shellCommand(['bin/maelstrom-local', 'test', ...testArgv(d, plan.fixed, plan.args.storeGiven ? plan.args.store : null)]);
}

function verdictText(r: RunResult): string {
  if (r.verdict === 'invalid' && r.kind && r.kind !== 'safety') return `invalid (${r.kind})`;
  return r.verdict;
}

export async function runHunt(plan: HuntPlan, deps: HuntDeps): Promise<HuntOutcome> {
  const { args, fixed } = plan;
  const start = deps.now();
  const elapsed = (): number => deps.now() - start;
  const runs: RunRecord[] = [];
  let progressShown = false;
  const line = (text: string): void => {
    if (progressShown) deps.write('\r\x1b[K');
    progressShown = false;
    deps.write(text + '\n');
  };
  const progress = (text: string, keep: boolean): void => {
    if (!deps.isTTY) {
      deps.write(text + '\n');
      return;
    }
    deps.write('\r' + text + '\x1b[K' + (keep ? '\n' : ''));
    progressShown = !keep;
  };
  const status = (i: number, d: RunDraw): string => `run ${i} [${secs(elapsed())}/${args.budgetS} s] ${shortForm(d)}`;

  let finding: RunRecord | null = null;
  let usageProblem: RunResult | null = null;
  while (!deps.interrupted() && elapsed() < args.budgetS * 1000 && (args.maxRuns === null || runs.length < args.maxRuns)) {
    const i = runs.length;
    const draw = drawRun(args.seed, i, fixed);
    const storeRoot = path.join(plan.huntDir, `run-${pad(i)}`);
    const argv = testArgv(draw, fixed, storeRoot, false);
    const runStart = deps.now();
    const ticker = deps.isTTY ? setInterval(() => progress(`${status(i, draw)} ... ${secs(deps.now() - runStart)} s`, false), 1000) : null;
    if (deps.isTTY) progress(`${status(i, draw)} ...`, false);
    let result: RunResult;
    try {
      result = await deps.runOne({ label: `run ${i}`, draw, argv, storeRoot });
    } finally {
      if (ticker) clearInterval(ticker);
    }
    // A run cut short by Ctrl-C has no verdict worth counting.
    if (deps.interrupted() && !isFinding(result, args.liveness)) break;
    const rec: RunRecord = { draw, argv, result, endedAt: elapsed() };
    runs.push(rec);
    const text = `${status(i, draw)} -> ${verdictText(result)} (${secs(result.durationMs)} s)`;
    // On a terminal a valid run's line is overwritten by the next one; anything else stays on screen.
    progress(text, result.verdict !== 'valid');
    if (result.usageError !== undefined) {
      usageProblem = result;
      break;
    }
    if (result.verdict === 'error' || result.verdict === 'unknown') line(`  ${result.detail}`);
    if (bucketOf(result) === 'liveness' && !args.liveness) line(`  liveness only (not a finding without --liveness): ${result.detail}`);
    if (isFinding(result, args.liveness)) {
      finding = rec;
      break;
    }
  }
  if (progressShown) {
    deps.write('\n');
    progressShown = false;
  }

  let found: Finding | null = null;
  if (finding) {
    const f = finding;
    const cmd = replayCommand(f.draw, plan);
    line('');
    line(`FOUND in run ${f.draw.index} after ${secs(f.endedAt)} s: ${verdictText(f.result)}`);
    line(`  store:  ${f.result.dir ?? path.join(plan.huntDir, `run-${pad(f.draw.index)}`)}`);
    line(`  replay: ${cmd}`);
    line(`  saw:    ${f.result.detail}`);
    const replays: RunResult[] = [];
    for (let k = 1; k <= args.replays && !deps.interrupted(); k++) {
      const storeRoot = path.join(plan.huntDir, `run-${pad(f.draw.index)}-replay-${k}`);
      const argv = testArgv(f.draw, fixed, storeRoot);
      if (deps.isTTY) progress(`  replay ${k}/${args.replays} ...`, false);
      const r = await deps.runOne({ label: `replay ${k} of run ${f.draw.index}`, draw: f.draw, argv, storeRoot });
      replays.push(r);
      progress(`  replay ${k}/${args.replays}: ${verdictText(r)} (${secs(r.durationMs)} s)${isSame(f.result, r) ? '' : ` - ${r.detail}`}`, true);
    }
    const reproduced = replays.filter((r) => isSame(f.result, r)).length;
    if (args.replays > 0) line(`  reproduced in ${reproduced} of ${replays.length} replays${replays.length < args.replays ? ` (interrupted; ${args.replays} asked)` : ''}`);
    found = { run: f, replayCommand: cmd, replays, reproduced };
  }
  if (usageProblem) {
    line('');
    line(`maelstrom-local hunt: ${usageProblem.detail}`);
  }

  const counts: Record<Bucket, number> = { valid: 0, invalid: 0, liveness: 0, unknown: 0, crash: 0, error: 0 };
  for (const r of runs) counts[bucketOf(r.result)]++;
  const distinctConfigs = new Set(runs.map((r) => configKey(r.draw))).size;
  const totalMs = elapsed();
  line('');
  line(`Hunt seed ${args.seed}: ${fixed.workload} on ${fixed.bin}, budget ${args.budgetS} s, fault pool ${fixed.pool.join(',')}`);
  const rows: [string, string][] = [
    ['runs', String(runs.length)],
    ['distinct configurations', String(distinctConfigs)],
    ['valid', String(counts.valid)],
    ['invalid', String(counts.invalid)],
    ['liveness only', String(counts.liveness)],
    ['unknown', String(counts.unknown)],
    ['crash', String(counts.crash)],
  ];
  if (counts.error > 0) rows.push(['broken runs (no verdict)', String(counts.error)]);
  if (found && found.replays.length > 0) rows.push(['replays (reproduced)', `${found.replays.length} (${found.reproduced})`]);
  rows.push(['total time', `${secs(totalMs)} s`]);
  rows.push(['time to first finding', finding ? `${secs(finding.endedAt)} s (run ${finding.draw.index})` : 'none']);
  for (const [k, v] of rows) line(`  ${k.padEnd(26)}${v.padStart(12)}`);
  line(`  runs in ${plan.huntDir}`);

  let exitCode: number;
  if (usageProblem) exitCode = EXIT_BAD_ARGS;
  else if (finding) exitCode = EXIT_FINDING;
  else if (deps.interrupted()) exitCode = EXIT_INTERRUPTED;
  else if (counts.valid === 0 && runs.length > 0) exitCode = EXIT_ONLY_UNKNOWN;
  else exitCode = EXIT_NOTHING;
  const verdictLine: Record<number, string> = {
    [EXIT_NOTHING]: `Nothing found in ${runs.length} run(s).`,
    [EXIT_FINDING]: 'Found a bug: see FOUND above.',
    [EXIT_ONLY_UNKNOWN]: 'No run was valid and none invalid: only unknown verdicts or broken runs (see the lines above).',
    [EXIT_BAD_ARGS]: 'Stopped: a run refused its arguments.',
    [EXIT_INTERRUPTED]: 'Interrupted.',
  };
  line(verdictLine[exitCode]);
  return { exitCode, runs, finding: found, counts, distinctConfigs, totalMs };
}

/** A replay reproduces a finding when it ends the same way (invalid again, or a node crashing again). */
function isSame(a: RunResult, b: RunResult): boolean {
  return a.verdict === b.verdict;
}
