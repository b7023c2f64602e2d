/**
 * `make bench`: the whole benchmark run of issue 8.
 *
 *   node -r ./test/support/register.js bench/run.ts [--quick] [--profile|--no-profile]
 *        [--only REGEX] [--no-micro] [--seed N] [--out DIR] [--no-readme]
 *
 * 1. closed-loop sweeps of the real bundle through the local runner,
 * 2. reference points (pipelining/batching off, single node, echo),
 * 3. latency against the physical floor,
 * 4. micro-benchmarks of the hot paths (ours in bench/micro/, plus the
 *    checker and WAL benchmarks where their owners wrote them),
 * then the targets, a CPU profile of the leader if a throughput target is
 * missed, bench/results/<date>[-quick].json, SVG plots, and (full runs only)
 * the "Latest results" section of bench/README.md.
 *
 * Every point runs in its own child process (bench/point.ts); points run one
 * after another, never in parallel: on two shared cores parallel points would
 * measure each other.
 */
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildPlan, REFERENCE } from './plan';
import type { PointConfig, PointResult } from './point-config';
import { runChild, runPointChild } from './children';
import { summarizeProfile, type CpuProfile, type ProfileSummary } from './profile';
import {
  bestBySeries, bestTable, cpuBreakdownTable, evaluateTargets, floorReports, floorTable, pointsTable, ratiosTable, referenceRatios, targetsTable,
  type Target,
} from './report';
import { throughputLatencySvg } from './svg';
import { formatMicro, type MicroResult } from './micro/harness';

const ROOT = path.resolve(__dirname, '..');
const REGISTER = path.join(ROOT, 'test/support/register.js');
const NODE_BUNDLE = path.join(ROOT, 'dist/raft-node.js');

interface Args {
  quick: boolean;
  profile: 'auto' | 'always' | 'never';
  only: RegExp | null;
  micro: boolean;
  seed: number;
  out: string;
  readme: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, profile: 'auto', only: null, micro: true, seed: 1, out: path.join(ROOT, 'bench/results'), readme: true };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--quick') a.quick = true;
    else if (flag === '--profile') a.profile = 'always';
    else if (flag === '--no-profile') a.profile = 'never';
    else if (flag === '--no-micro') a.micro = false;
    else if (flag === '--no-readme') a.readme = false;
    else if (flag === '--only') {
      const v = value();
      try {
        a.only = new RegExp(v);
      } catch (e) {
        throw new UsageError(`--only ${JSON.stringify(v)} is not a regular expression: ${(e as Error).message}`);
      }
    } else if (flag === '--seed') {
      const v = value();
      a.seed = Number(v);
      if (!Number.isInteger(a.seed) || a.seed < 0) throw new UsageError(`--seed needs a non-negative integer, not ${JSON.stringify(v)}`);
    } else if (flag === '--out') a.out = path.resolve(value());
    else if (flag === '--help' || flag === '-h') {
      process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 8).map((l) => l.replace(/^ \* ?/, '')).join('\n') + '\n');
      process.exit(0);
    } else throw new UsageError(`unknown option ${JSON.stringify(flag)}`);
  }
  return a;
}

function log(line: string): void {
  process.stdout.write(line + '\n');
}

function describe(r: PointResult): string {
  if (!r.window) return `ERROR ${r.error}`;
  const w = r.window;
  const cpu = r.cpu.map((c) => `${c.name === r.leader ? c.name + '*' : c.name} ${c.percent.toFixed(0)}%`).join(' ');
  return (
    `${w.repliedPerSec.toFixed(0)} ops/s (${w.okPerSec.toFixed(0)} ok/s), p50 ${w.latency.p50} ms, p99 ${w.latency.p99} ms, ` +
    `srv msgs/op ${r.serverMsgsPerOp ?? '-'}, timeouts ${w.timeoutsOrInfo}, leader ${r.leader ?? '-'}` +
    (r.elections > 1 ? ` (${r.elections} elections!)` : '') +
    (r.valid !== null ? `, valid ${String(r.valid)}` : '') +
    (cpu ? ` | cpu ${cpu}` : '')
  );
}

function loadavg(): string {
  try {
    return fs.readFileSync('/proc/loadavg', 'utf8').trim();
  } catch {
    return os.loadavg().map((x) => x.toFixed(2)).join(' ');
  }
}

async function gitCommit(): Promise<string | null> {
  try {
    return (await new Promise<string>((resolve, reject) => {
      const c = spawn('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT });
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.on('error', reject);
      c.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`git exit ${code}`))));
    })) || null;
  } catch {
    return null;
  }
}

/** Which build of the node was measured: the bundle may be newer than the commit (uncommitted work). */
function bundleInfo(): { path: string; bytes: number; modified: string; sha1: string } {
  const data = fs.readFileSync(NODE_BUNDLE);
  return {
    path: path.relative(ROOT, NODE_BUNDLE),
    bytes: data.length,
    modified: fs.statSync(NODE_BUNDLE).mtime.toISOString(),
    sha1: createHash('sha1').update(data).digest('hex').slice(0, 12),
  };
}

// ---------------------------------------------------------------------------
// Micro-benchmarks.

interface MicroSection {
  name: string;
  command: string;
  /** Structured results (ours) or the script's output lines (others'). */
  results: MicroResult[] | null;
  lines: string[];
  error: string | null;
}

async function runMicro(quick: boolean): Promise<MicroSection[]> {
  const sections: MicroSection[] = [];
  const ours = ['bench/micro/codec.ts', 'bench/micro/raft.ts', 'bench/micro/state-machine.ts'];
  for (const script of ours) {
    const args = ['-r', REGISTER, path.join(ROOT, script), '--json', ...(quick ? ['--quick'] : [])];
    const command = `node -r ./test/support/register.js ${script} ${quick ? '--quick' : ''}`.trim();
    try {
      const results = JSON.parse((await runChild(args, 120_000)).trim().split('\n').pop() ?? '[]') as MicroResult[];
      sections.push({ name: script, command, results, lines: [], error: null });
      for (const line of formatMicro(results)) log(`  ${line}`);
    } catch (e) {
      sections.push({ name: script, command, results: null, lines: [], error: (e as Error).message });
      log(`  ${script}: FAILED ${(e as Error).message.split('\n')[0]}`);
    }
  }
  // Owned by the checker and storage helpers: run them as they are, keep their output.
  const theirs = ['src/checker/bench.ts', 'src/storage/bench.ts'];
  for (const script of theirs) {
    const command = `node -r ./test/support/register.js ${script}`;
    if (!fs.existsSync(path.join(ROOT, script))) {
      sections.push({ name: script, command, results: null, lines: [], error: 'not present in this checkout' });
      log(`  ${script}: not present in this checkout (skipped)`);
      continue;
    }
    try {
      const lines = (await runChild(['-r', REGISTER, path.join(ROOT, script)], 180_000)).trim().split('\n');
      sections.push({ name: script, command, results: null, lines, error: null });
      for (const line of lines) log(`  ${line}`);
    } catch (e) {
      sections.push({ name: script, command, results: null, lines: [], error: (e as Error).message });
      log(`  ${script}: FAILED ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return sections;
}

// ---------------------------------------------------------------------------
// CPU profile of the leader at the best lin-kv point.

interface ProfileReport {
  point: PointResult;
  leader: string | null;
  profileFile: string | null;
  summary: ProfileSummary | null;
  /** Busy time of every node's profile, to show the leader is the busiest. */
  busyByNode: Record<string, number>;
  /** Self time by module of every node (followers included). */
  byModuleByNode: Record<string, ProfileSummary['byModule']>;
  error: string | null;
}

const HOT_PATH_FUNCTIONS = [
  'handleLine', 'onRaftMessage', 'processReady', 'flush', 'flushRaftOutbox', 'persist', 'apply', 'serveReads', 'onForward',
  'onClientRequest', 'step', 'ready', 'propose', 'parseLine', 'encodeEnvelope', 'send', 'save', 'sweep', 'tick',
  'onPeerMessage', 'handleForwarded', 'emit', 'decodeLogCommand', 'encodeLogCommand',
];

async function profileLeader(base: PointConfig): Promise<ProfileReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-bench-profile-'));
  const config: PointConfig = { ...base, id: `${base.id}/profiled`, series: `${base.series} (profiled)`, bin: path.join(ROOT, 'bench/profile-node.sh'), keepDir: dir };
  const point = await runPointChild(config, { ...process.env, BENCH_PROFILE_DIR: dir });
  const report: ProfileReport = { point, leader: point.leader, profileFile: null, summary: null, busyByNode: {}, byModuleByNode: {}, error: null };
  if (point.error) {
    report.error = point.error;
    return report;
  }
  // The nodes write their profiles when they see end-of-file on stdin, i.e. after the point's process exited.
  const files = new Map<string, string>();
  for (const log of fs.readdirSync(path.join(dir, 'node-logs'))) {
    const m = /bench-profile: (\S+)/.exec(fs.readFileSync(path.join(dir, 'node-logs', log), 'utf8'));
    if (m) files.set(log.replace(/\.log$/, ''), m[1]);
  }
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && [...files.values()].some((f) => !fs.existsSync(f))) await new Promise((r) => setTimeout(r, 250));
  await new Promise((r) => setTimeout(r, 500));
  const bundle = fs.readFileSync(NODE_BUNDLE, 'utf8');
  for (const [node, file] of files) {
    if (!fs.existsSync(file)) continue;
    try {
      const summary = summarizeProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, bundle, 'raft-node.js', HOT_PATH_FUNCTIONS);
      report.busyByNode[node] = summary.busyMs;
      report.byModuleByNode[node] = summary.byModule.slice(0, 12);
      if (node === point.leader) {
        report.summary = summary;
        report.profileFile = file;
      }
    } catch (e) {
      report.error = `could not read ${file}: ${(e as Error).message}`;
    }
  }
  if (!report.summary && !report.error) report.error = `no profile for the leader ${point.leader ?? '(unknown)'} in ${dir}`;
  return report;
}

// ---------------------------------------------------------------------------
// Output files.

const README_START = '<!-- bench:latest:start -->';
const README_END = '<!-- bench:latest:end -->';

function readmeSection(o: {
  date: string; file: string; svgs: string[]; loadStart: string; loadEnd: string; commit: string | null; durationS: number;
  best: string[]; cpu: string[]; ratios: string[]; floors: string[]; targets: string[]; profile: ProfileReport | null; quick: boolean;
}): string {
  const lines = [
    README_START,
    `Run ${o.date} (${o.quick ? 'quick' : 'full'}, ${o.durationS.toFixed(0)} s, commit ${o.commit ?? '?'}); machine load (/proc/loadavg) ` +
      `at start \`${o.loadStart}\`, at end \`${o.loadEnd}\` on ${os.cpus().length} cores; bundle built ${bundleInfo().modified}. Raw figures: [${o.file}](results/${o.file}); ` +
      `plots: ${o.svgs.map((s) => `[${s}](results/${s})`).join(', ')}.`,
    '',
    'Best point of each configuration (ops/s = replies per second, ok + definite errors such as a failed cas):',
    '',
    ...o.best,
    '',
    'CPU per reply (runner, leader, other nodes; from /proc over the window):',
    '',
    ...o.cpu,
    '',
    'Ratios:',
    '',
    ...o.ratios,
    '',
    'Latency against the floor (`--latency 10 --latency-dist constant --rate 100`, 3 nodes, 12 workers):',
    '',
    ...o.floors,
    '',
    'Targets:',
    '',
    ...o.targets,
  ];
  if (o.profile?.summary) {
    lines.push('', `CPU profile of the leader (${o.profile.leader}) at ${o.profile.point.config.concurrency} workers, self time by module (share of busy time):`, '');
    for (const e of o.profile.summary.byModule.slice(0, 12)) lines.push(`- ${e.name}: ${e.percent}%`);
    lines.push('', `Busy ms per node over the profiled run: ${Object.entries(o.profile.busyByNode).map(([n, ms]) => `${n}${n === o.profile?.leader ? ' (leader)' : ''} ${ms}`).join(', ')}.`);
  }
  lines.push(README_END);
  return lines.join('\n');
}

function updateReadme(section: string): void {
  const file = path.join(ROOT, 'bench/README.md');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const a = text.indexOf(README_START);
  const b = text.indexOf(README_END);
  const next = a >= 0 && b > a ? text.slice(0, a) + section + text.slice(b + README_END.length) : `${text}\n## Latest results\n\n${section}\n`;
  fs.writeFileSync(file, next);
}

// ---------------------------------------------------------------------------

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`bench/run.ts: ${e.message}\nOptions: --quick --profile --no-profile --only REGEX --no-micro --seed N --out DIR --no-readme\n`);
      return 2;
    }
    throw e;
  }
  if (!fs.existsSync(NODE_BUNDLE)) {
    process.stderr.write(`bench/run.ts: ${path.relative(ROOT, NODE_BUNDLE)} is missing; run \`make build\` first (make bench does)\n`);
    return 2;
  }
  const started = Date.now();
  const date = new Date().toISOString().slice(0, 10);
  const loadStart = loadavg();
  const commit = await gitCommit();
  const plan = buildPlan({ quick: args.quick, bin: NODE_BUNDLE, seed: args.seed });
  const points = args.only ? plan.points.filter((p) => args.only!.test(p.series) || args.only!.test(p.id)) : plan.points;
  const bundle = bundleInfo();
  log(`bench: ${points.length} points (${args.quick ? 'quick' : 'full'}), ~${Math.round(points.reduce((s, p) => s + p.timeLimitS + 1.5, 0))} s; load ${loadStart}; node ${process.version}; commit ${commit ?? '?'}; ${bundle.path} built ${bundle.modified} (sha1 ${bundle.sha1})`);

  const results: PointResult[] = [];
  for (const [i, p] of points.entries()) {
    const r = await runPointChild(p);
    results.push(r);
    log(`[${String(i + 1).padStart(2)}/${points.length}] ${p.series} c${p.concurrency}: ${describe(r)}`);
  }

  const best = bestBySeries(results);
  const ratios = referenceRatios(best);
  const floors = floorReports(results);
  const targets: Target[] = evaluateTargets(best, floors);

  let profile: ProfileReport | null = null;
  const throughputMissed = targets.slice(0, 3).some((t) => t.met === false);
  const baseBest = best.get(REFERENCE.base);
  if (baseBest && (args.profile === 'always' || (args.profile === 'auto' && throughputMissed && !args.quick))) {
    log(`profiling the leader: ${baseBest.series} at ${baseBest.concurrency} workers`);
    profile = await profileLeader(baseBest.best.config);
    if (profile.error) log(`  profile: ${profile.error}`);
    else log(`  profile: ${profile.profileFile} (leader ${profile.leader}); busy ms by node ${JSON.stringify(profile.busyByNode)}`);
  }

  let micro: MicroSection[] = [];
  if (args.micro) {
    log('micro-benchmarks:');
    micro = await runMicro(args.quick);
  }
  const loadEnd = loadavg();
  const durationS = (Date.now() - started) / 1000;

  // Files.
  fs.mkdirSync(args.out, { recursive: true });
  const stem = `${date}${args.quick ? '-quick' : ''}`;
  const svgs: string[] = [];
  for (const latency of [0, 10]) {
    const subset = results.filter((r) => r.config.latencyMs === latency && r.config.rate > 1000);
    if (subset.length === 0) continue;
    const name = `${stem}-L${latency}.svg`;
    fs.writeFileSync(path.join(args.out, name), throughputLatencySvg(subset, { title: `Throughput vs latency, closed loop, --latency ${latency} (${date}, load ${loadStart.split(' ').slice(0, 3).join(' ')})` }));
    svgs.push(name);
  }
  const file = `${stem}.json`;
  const json = {
    date,
    startedAt: new Date(started).toISOString(),
    durationS,
    quick: args.quick,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '?', loadavgStart: loadStart, loadavgEnd: loadEnd, node: process.version, platform: `${os.platform()} ${os.release()}` },
    commit,
    bundle: bundleInfo(),
    definitions: {
      opsPerSec: 'replies per second in the window [warmupS, timeLimitS] of history time: ok + definite error replies (client timeouts excluded)',
      latency: 'ms from invocation to a reply, ops invoked in the window',
      serverMsgsPerOp: "Maelstrom's :net :servers :msgs-per-op over the whole run: node-to-node messages / client invocations",
      cpu: 'percent of one core over the window: runner process and each node (from /proc)',
    },
    best: Object.fromEntries([...best].map(([k, v]) => [k, { opsPerSec: v.opsPerSec, concurrency: v.concurrency, p50: v.best.window?.latency.p50, p99: v.best.window?.latency.p99, serverMsgsPerOp: v.best.serverMsgsPerOp }])),
    ratios,
    floors,
    targets,
    profile: profile ? { leader: profile.leader, concurrency: profile.point.config.concurrency, file: profile.profileFile, busyMsByNode: profile.busyByNode, byModuleByNode: profile.byModuleByNode, summary: profile.summary, error: profile.error, point: describe(profile.point) } : null,
    micro,
    points: results,
  };
  fs.writeFileSync(path.join(args.out, file), JSON.stringify(json, null, 1) + '\n');

  const bestLines = bestTable(best, false);
  log('');
  log('All points (cpu% = leader/runner over the window):');
  for (const l of pointsTable(results, false)) log(l);
  log('');
  log('Best point per configuration:');
  for (const l of bestLines) log(l);
  log('');
  log('CPU per reply (over the window; the machine is shared, see load):');
  for (const l of cpuBreakdownTable(best, false)) log(l);
  log('');
  for (const l of ratiosTable(ratios, false)) log(l);
  log('');
  log('Latency vs floor (--latency 10 constant, --rate 100, 3 nodes):');
  for (const l of floorTable(floors, false)) log(l);
  log('');
  for (const l of targetsTable(targets, false)) log(l);
  if (profile?.summary) {
    log('');
    log(`Leader CPU profile (${profile.leader}): busy ${profile.summary.busyMs} ms of ${profile.summary.totalMs} ms`);
    for (const e of profile.summary.byModule.slice(0, 12)) log(`  ${e.percent.toFixed(1).padStart(5)}%  ${e.name}`);
    log('  top functions (self):');
    for (const e of profile.summary.topFunctions.slice(0, 12)) log(`  ${e.percent.toFixed(1).padStart(5)}%  ${e.name}`);
    log('  inclusive:');
    for (const e of profile.summary.inclusive) log(`  ${e.percent.toFixed(1).padStart(5)}%  ${e.name}`);
    for (const [node, modules] of Object.entries(profile.byModuleByNode)) {
      if (node === profile.leader) continue;
      log(`  follower ${node} (busy ${profile.busyByNode[node]} ms): ${modules.slice(0, 6).map((e) => `${e.name} ${e.percent}%`).join(', ')}`);
    }
  }
  log('');
  log(`wrote ${path.relative(ROOT, path.join(args.out, file))}, ${svgs.map((s) => path.relative(ROOT, path.join(args.out, s))).join(', ')}; ${durationS.toFixed(0)} s; load at end ${loadEnd}`);
  if (!args.quick && args.readme && !args.only) {
    updateReadme(
      readmeSection({
        date, file, svgs, loadStart, loadEnd, commit, durationS, quick: args.quick, profile,
        best: bestTable(best, true), cpu: cpuBreakdownTable(best, true), ratios: ratiosTable(ratios, true), floors: floorTable(floors, true), targets: targetsTable(targets, true),
      }),
    );
    log('updated bench/README.md (Latest results)');
  }
  return results.some((r) => r.error && !r.window) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench/run.ts crashed: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
