/**
 * `make hunt-bench`: how well the bug hunter finds broken Rafts, measured.
 *
 *   node -r ./test/support/register.js bench/hunt-bench.ts [--only REGEX] [--parallel K]
 *        [--test-seeds N] [--hunt-seeds N] [--budget S] [--false-positives S] [--demo FILE]
 *        [--no-standard] [--out FILE]
 *
 * For every broken subject (each mutant of corpus/reference-raft.js, and our
 * own node built with each --broken switch): --test-seeds standard tests (5)
 * with the flags of the real Maelstrom's usual Raft test (30 s, partitions
 * every ~3 s) versus --hunt-seeds hunts (2) with `--budget S` (120), and the
 * hunts' median time to the first finding. With --false-positives S: one hunt of S seconds on each
 * correct subject (the reference, our node in memory, our node with
 * --data-dir and --durable, and Maelstrom's demo raft.rb if --demo names it),
 * each of which must find nothing.
 *
 * Jobs run K at a time (default 3; most jobs are a 3-node cluster at a modest
 * rate, so three fit on two cores, but times to a finding include that
 * contention). The defaults took 2,984 s on 2026-12-01. Results: a Markdown table on stdout and
 * bench/results/hunt-<date>.json (or --out).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildCorpus } from '../corpus/build';
import { MUTANTS, witnessPath } from '../corpus/mutants';

const ROOT = path.resolve(__dirname, '..');
const RUNNER = path.join(ROOT, 'bin/maelstrom-local');

/** The real Maelstrom's customary Raft test (what the issue's "standard test" means). */
export const STANDARD_FLAGS = ['-w', 'lin-kv', '--node-count', '3', '--time-limit', '30', '--rate', '100', '--concurrency', '2n', '--nemesis', 'partition', '--nemesis-interval', '3'];

/** Our node's testing-fault switches (src/sim/cli.ts BROKEN_SWITCHES), as the hunt sees them. */
const NODE_SWITCHES: { name: string; description: string; durable?: boolean }[] = [
  { name: 'ack-writes-before-commit', description: 'the leader acknowledges a write before it commits' },
  { name: 'reads-without-read-index', description: 'reads answered from local state, no ReadIndex round' },
  { name: 'commit-old-term-by-counting', description: 'commits an older-term entry by counting replicas (Figure 8)' },
  { name: 'grant-two-votes-per-term', description: 'grants every up-to-date candidate in a term' },
  { name: 'skip-log-up-to-date-check', description: 'votes without the log up-to-date check' },
  { name: 'read-without-quorum-check', description: 'ReadIndex completes with the local commit, no heartbeat round' },
  { name: 'ack-before-persist', description: 'append acknowledgements before the entries are durable', durable: true },
  { name: 'lease-outlives-election', description: 'leader leases last three election timeouts (needs --read-mode lease)' },
];

export interface Subject {
  name: string;
  description: string;
  bin: string;
  binArgs: string[];
  durable: boolean;
  /** True for the broken ones: a finding is a detection. False: a finding is a false positive. */
  broken: boolean;
  /** `bin` is a witness build (corpus/mutants.ts): its node logs say, with WITNESS lines, whether a run reached the bug. */
  witness?: boolean;
}

interface Args {
  only: RegExp | null;
  parallel: number;
  testSeeds: number;
  huntSeeds: number;
  budgetS: number;
  falsePositivesS: number | null;
  demo: string | null;
  standard: boolean;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    only: null, parallel: 3, testSeeds: 5, huntSeeds: 2, budgetS: 120, falsePositivesS: null, demo: null, standard: true,
    out: path.join(ROOT, 'bench/results', `hunt-${new Date().toISOString().slice(0, 10)}.json`),
  };
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a non-negative number, got ${String(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const v = argv[i + 1];
    switch (f) {
      case '--only': a.only = new RegExp(v ?? ''); i++; break;
      case '--parallel': a.parallel = Math.max(1, num(f, v)); i++; break;
      case '--test-seeds': a.testSeeds = num(f, v); i++; break;
      case '--hunt-seeds': a.huntSeeds = num(f, v); i++; break;
      case '--budget': a.budgetS = num(f, v); i++; break;
      case '--false-positives': a.falsePositivesS = num(f, v); i++; break;
      case '--demo': a.demo = v ?? null; i++; break;
      case '--no-standard': a.standard = false; break;
      case '--out': a.out = path.resolve(v ?? ''); i++; break;
      default: throw new Error(`unknown flag ${f}; see the header of bench/hunt-bench.ts`);
    }
  }
  return a;
}

export function brokenSubjects(corpus: { brokenNode: string; mutants: Record<string, string> }): Subject[] {
  // The witness builds behave exactly like the mutants (they only add stderr lines), and tell a miss
  // that never reached the bug from one whose bug no checker saw.
  const mutants = MUTANTS.map((m) => ({ name: m.name, description: m.description, bin: witnessPath(corpus.mutants[m.name]), binArgs: [], durable: false, broken: true, witness: true }));
  const switches = NODE_SWITCHES.map((s) => ({
    name: `node:${s.name}`,
    description: s.description,
    bin: corpus.brokenNode,
    binArgs: [
      '--broken', s.name,
      ...(s.durable ? ['--data-dir', 'data'] : []),
      ...(s.name === 'lease-outlives-election' ? ['--read-mode', 'lease'] : []),
    ],
    durable: s.durable === true,
    broken: true,
  }));
  return [...mutants, ...switches];
}

interface Exec { code: number | null; stdout: string; ms: number }

function run(args: string[]): Promise<Exec> {
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(RUNNER, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, ms: Date.now() - start }));
  });
}

interface TestOutcome { seed: number; exit: number | null; detected: boolean }
interface HuntOutcome {
  seed: number; exit: number | null; found: boolean; foundAfterS: number | null; runs: number; detail: string | null; reproduced: string | null; replay: string | null;
  /** Witness builds: how many of the hunt's search runs logged a WITNESS line (reached the bug); null otherwise. */
  reached: number | null;
}

/** Search runs (run-NNNN, not replays) under one hunt directory, and how many have a WITNESS line in a node log. */
export function witnessRuns(huntDir: string): { runs: number; reached: number } {
  let runs = 0;
  let reached = 0;
  const entries = fs.existsSync(huntDir) ? fs.readdirSync(huntDir).filter((d) => /^run-\d+$/.test(d)) : [];
  for (const run of entries) {
    runs++;
    const logs: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory() && !e.isSymbolicLink()) walk(p);
        else if (e.isFile() && path.basename(dir) === 'node-logs') logs.push(p);
      }
    };
    walk(path.join(huntDir, run));
    if (logs.some((f) => fs.readFileSync(f, 'utf8').includes('WITNESS'))) reached++;
  }
  return { runs, reached };
}

async function standardTest(s: Subject, seed: number, store: string): Promise<TestOutcome> {
  const r = await run(['test', ...STANDARD_FLAGS, '--bin', s.bin, '--seed', String(seed), '--store', store, ...(s.binArgs.length ? ['--', ...s.binArgs] : [])]);
  // 1 invalid, 255 a node crashed: both are a bug shown to the user.
  return { seed, exit: r.code, detected: r.code === 1 || r.code === 255 };
}

async function hunt(s: Subject, seed: number, budgetS: number, store: string): Promise<HuntOutcome> {
  const args = ['hunt', '-w', 'lin-kv', '--bin', s.bin, '--budget', String(budgetS), '--seed', String(seed), '--replays', '2', '--store', store];
  if (s.durable) args.push('--durable');
  if (s.binArgs.length) args.push('--', ...s.binArgs);
  const r = await run(args);
  const huntRoot = path.join(store, 'hunt');
  const dirs = fs.existsSync(huntRoot) ? fs.readdirSync(huntRoot) : [];
  const summaryFile = dirs.length ? path.join(huntRoot, dirs[0], 'hunt.json') : '';
  if (!summaryFile || !fs.existsSync(summaryFile)) {
    return { seed, exit: r.code, found: false, foundAfterS: null, runs: 0, detail: `no hunt.json: ${r.stdout.trim().split('\n').slice(-3).join(' / ')}`, reproduced: null, replay: null, reached: null };
  }
  const j = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as {
    runs: number;
    finding: null | { 'found-after-ms': number; detail: string; reproduced: number; replays: number; replay: string };
  };
  const f = j.finding;
  return {
    seed, exit: r.code, found: r.code === 1 && f !== null, runs: j.runs,
    foundAfterS: f ? f['found-after-ms'] / 1000 : null,
    detail: f ? f.detail : null,
    reproduced: f ? `${f.reproduced}/${f.replays}` : null,
    replay: f ? f.replay : null,
    reached: s.witness === true ? witnessRuns(path.dirname(summaryFile)).reached : null,
  };
}

/** Runs thunks at most `k` at a time, in order of submission. */
async function pool<T>(k: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(k, jobs.length) }, worker));
  return results;
}

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const corpus = buildCorpus();
  const nodeBundle = path.join(ROOT, 'dist/raft-node.js');
  let subjects = brokenSubjects(corpus);
  const correct: Subject[] = [];
  if (args.falsePositivesS !== null) {
    correct.push(
      { name: 'reference', description: 'corpus/reference-raft.js, correct', bin: corpus.reference, binArgs: [], durable: false, broken: false },
      { name: 'node (memory)', description: 'dist/raft-node.js', bin: nodeBundle, binArgs: [], durable: false, broken: false },
      { name: 'node (--data-dir, --durable)', description: 'dist/raft-node.js with a WAL', bin: nodeBundle, binArgs: ['--data-dir', 'data'], durable: true, broken: false },
    );
    if (args.demo) correct.push({ name: 'maelstrom demo raft.rb', description: args.demo, bin: path.resolve(args.demo), binArgs: [], durable: false, broken: false });
  }
  if (args.only) {
    const re = args.only;
    subjects = subjects.filter((s) => re.test(s.name));
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hunt-bench-'));
  let done = 0;
  const log = (s: string): void => void process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);

  type Job = () => Promise<{ subject: string; test?: TestOutcome; hunt?: HuntOutcome }>;
  const jobs: Job[] = [];
  const total = subjects.length * ((args.standard ? args.testSeeds : 0) + args.huntSeeds) + correct.length;
  for (const s of correct) {
    jobs.push(async () => {
      const h = await hunt(s, 1, args.falsePositivesS as number, path.join(scratch, `${slug(s.name)}-fp`));
      log(`${++done}/${total} false-positive hunt ${s.name}: exit ${String(h.exit)}, ${h.runs} runs${h.detail ? `: ${h.detail}` : ''}`);
      return { subject: s.name, hunt: h };
    });
  }
  for (const s of subjects) {
    for (let seed = 1; seed <= args.huntSeeds; seed++) {
      jobs.push(async () => {
        const h = await hunt(s, seed, args.budgetS, path.join(scratch, `${slug(s.name)}-hunt-${seed}`));
        log(`${++done}/${total} hunt ${s.name} seed ${seed}: ${h.found ? `found after ${h.foundAfterS?.toFixed(1)} s (run ${h.runs - 1})` : `nothing (exit ${String(h.exit)})`}`);
        return { subject: s.name, hunt: h };
      });
    }
    if (args.standard) {
      for (let seed = 1; seed <= args.testSeeds; seed++) {
        jobs.push(async () => {
          const t = await standardTest(s, seed, path.join(scratch, `${slug(s.name)}-test-${seed}`));
          log(`${++done}/${total} test ${s.name} seed ${seed}: exit ${String(t.exit)}`);
          return { subject: s.name, test: t };
        });
      }
    }
  }
  const started = Date.now();
  const results = await pool(args.parallel, jobs);
  const bySubject = (name: string): { tests: TestOutcome[]; hunts: HuntOutcome[] } => ({
    tests: results.filter((r) => r.subject === name && r.test).map((r) => r.test as TestOutcome),
    hunts: results.filter((r) => r.subject === name && r.hunt).map((r) => r.hunt as HuntOutcome),
  });

  const lines: string[] = [];
  lines.push(`| subject | bug | \`test\`, Maelstrom's flags: caught | \`hunt --budget ${args.budgetS}\`: found | hunt median s to first finding | replays reproduced | runs that reached the bug |`);
  lines.push('|---|---|---:|---:|---:|---:|---:|');
  const report: Record<string, unknown>[] = [];
  for (const s of subjects) {
    const { tests, hunts } = bySubject(s.name);
    const found = hunts.filter((h) => h.found);
    const med = median(found.map((h) => h.foundAfterS as number));
    const repro = found.map((h) => h.reproduced).join(', ');
    const reached = s.witness === true ? hunts.map((h) => `${h.reached ?? '?'}/${h.runs}`).join(', ') : '-';
    lines.push(
      `| ${s.name} | ${s.description} | ${args.standard ? `${tests.filter((t) => t.detected).length} of ${tests.length}` : '-'} | ${found.length} of ${hunts.length} | ${med === null ? '-' : med.toFixed(0)} | ${repro || '-'} | ${reached} |`,
    );
    report.push({ subject: s.name, description: s.description, tests, hunts });
  }
  if (correct.length) {
    lines.push('');
    lines.push(`| correct subject | \`hunt --budget ${args.falsePositivesS}\` | runs | finding |`);
    lines.push('|---|---|---:|---|');
    for (const s of correct) {
      const h = bySubject(s.name).hunts[0];
      lines.push(`| ${s.name} | exit ${String(h.exit)} | ${h.runs} | ${h.found ? `FALSE POSITIVE: ${h.detail ?? ''}` : 'none'} |`);
      report.push({ subject: s.name, description: s.description, correct: true, hunts: [h] });
    }
  }
  const elapsedS = (Date.now() - started) / 1000;
  lines.push('');
  lines.push(`${jobs.length} jobs, ${args.parallel} at a time, in ${elapsedS.toFixed(0)} s; store under ${scratch}`);
  process.stdout.write(lines.join('\n') + '\n');
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, JSON.stringify({ date: new Date().toISOString(), args: { ...args, only: args.only?.source ?? null }, standardFlags: STANDARD_FLAGS, elapsedS, report }, null, 2) + '\n');
  log(`wrote ${path.relative(ROOT, args.out)}`);
  // Exit 1 if a correct subject was "found" or a broken one was missed by every hunt: the bench fails loudly.
  const falsePositive = correct.some((s) => bySubject(s.name).hunts.some((h) => h.found || h.exit !== 0));
  const missed = subjects.some((s) => !bySubject(s.name).hunts.some((h) => h.found));
  process.exitCode = falsePositive || missed ? 1 : 0;
}

function slug(s: string): string {
  return s.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '');
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`hunt-bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  });
}
