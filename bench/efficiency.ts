/**
 * Message efficiency between idle and saturation (issue 15): server messages
 * per op and latency at the loads a Maelstrom user runs, for our node and,
 * side by side in the same run, an optional baseline binary (an older build),
 * so that every comparison is a ratio taken under the same machine load.
 *
 *   node -r ./test/support/register.js bench/efficiency.ts [--baseline FILE] [--only REGEX] [--seed N] [--repeat R] [--out DIR]
 *   make bench-efficiency BASELINE=/path/to/old/raft-node.js
 *
 * Points (3 nodes unless said; every workload of the node's three):
 *   rate100   --rate 100, 2n workers, latency 0, 8 s    (msgs/op target <= 3.0; p50 <= 1.2x baseline)
 *   open3000  --rate 3000, 10n workers, latency 0, 6 s  (open loop; msgs/op target <= 1.0)
 *   L10       --rate 100, 4n workers, --latency 10, 8 s (p50 <= 1.2x baseline)
 *   peak      closed loop, 64n workers, 5 s             (msgs/op <= 0.1; ok/s vs the single node)
 *   single    1 node, closed loop, 24 workers, 5 s       (the ceiling of this runtime)
 * Points of the two binaries alternate, so load drift moves both alike. The
 * light loads (rate100, open3000, L10) run R times (--repeat, default 3; seeds
 * N, N+1, ...): which node the runner's workers land on and who wins the
 * election move msgs/op by ±20% between single runs, so the table shows
 * medians.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runPointChild } from './children';
import { CLOSED_LOOP_RATE, WORKLOADS } from './plan';
import type { PointConfig, PointResult } from './point-config';

const ROOT = path.resolve(__dirname, '..');

interface Load {
  name: string;
  /** Run --repeat times (light, noisy loads) or once (the closed-loop peaks). */
  repeat: boolean;
  nodeCount: number;
  concurrency: number;
  rate: number;
  latencyMs: number;
  timeLimitS: number;
}

const LOADS: readonly Load[] = [
  { name: 'rate100', repeat: true, nodeCount: 3, concurrency: 6, rate: 100, latencyMs: 0, timeLimitS: 8 },
  { name: 'open3000', repeat: true, nodeCount: 3, concurrency: 30, rate: 3000, latencyMs: 0, timeLimitS: 6 },
  { name: 'L10', repeat: true, nodeCount: 3, concurrency: 12, rate: 100, latencyMs: 10, timeLimitS: 8 },
  { name: 'peak', repeat: false, nodeCount: 3, concurrency: 192, rate: CLOSED_LOOP_RATE, latencyMs: 0, timeLimitS: 5 },
  { name: 'single', repeat: false, nodeCount: 1, concurrency: 24, rate: CLOSED_LOOP_RATE, latencyMs: 0, timeLimitS: 5 },
];

interface Args {
  baseline: string | null;
  only: RegExp | null;
  seed: number;
  repeat: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { baseline: null, only: null, seed: 1, repeat: 3, out: path.join(ROOT, 'bench/results') };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) fail(`${flag} needs a value`);
      return v;
    };
    if (flag === '--baseline') a.baseline = path.resolve(value());
    else if (flag === '--only') a.only = new RegExp(value());
    else if (flag === '--seed') a.seed = Number(value());
    else if (flag === '--repeat') a.repeat = Number(value());
    else if (flag === '--out') a.out = path.resolve(value());
    else fail(`unknown option ${JSON.stringify(flag)}`);
  }
  if (!Number.isSafeInteger(a.seed)) fail('--seed needs an integer');
  if (!Number.isSafeInteger(a.repeat) || a.repeat < 1) fail('--repeat needs a positive integer');
  if (a.baseline !== null && !fs.existsSync(a.baseline)) fail(`--baseline ${a.baseline} does not exist (build an older commit's dist/raft-node.js and name it)`);
  return a;
}

function fail(message: string): never {
  process.stderr.write(`bench/efficiency.ts: ${message}\nusage: node -r ./test/support/register.js bench/efficiency.ts [--baseline FILE] [--only REGEX] [--seed N] [--repeat R] [--out DIR]\n`);
  process.exit(2);
}

interface Row {
  workload: string;
  load: string;
  binary: 'node' | 'baseline';
  result: PointResult;
}

function config(workload: PointConfig['workload'], load: Load, bin: string, seed: number): PointConfig {
  return {
    id: `${workload}/${load.name}`,
    series: `${workload} ${load.name}`,
    workload,
    nodeCount: load.nodeCount,
    concurrency: load.concurrency,
    rate: load.rate,
    timeLimitS: load.timeLimitS,
    warmupS: 1,
    latencyMs: load.latencyMs,
    latencyDist: 'constant',
    bin,
    nodeArgs: [],
    seed,
    check: workload === 'lin-kv',
    keepDir: null,
  };
}

function fmt(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

/** Medians over the repeats of one point (runs that produced no figures are left out). */
interface Summary {
  msgsPerOp: number | null;
  p50: number | null;
  okPerSec: number | null;
  /** "true", "false" or "" (not checked), joined over the runs. */
  valid: string;
}

function median(xs: (number | null | undefined)[]): number | null {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  return v.length % 2 === 1 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

function summarize(results: PointResult[]): Summary | undefined {
  if (results.length === 0) return undefined;
  const verdicts = [...new Set(results.map((r) => (r.valid === null ? '' : String(r.valid))))];
  return {
    msgsPerOp: median(results.map((r) => r.serverMsgsPerOp)),
    p50: median(results.map((r) => r.window?.latency.p50)),
    okPerSec: median(results.map((r) => r.window?.okPerSec)),
    valid: verdicts.join('/'),
  };
}

function table(rows: Row[], hasBaseline: boolean): string {
  const lines = [
    hasBaseline
      ? '| workload | load | srv msgs/op | baseline | p50 ms | baseline p50 | p50 ratio | ok/s | baseline ok/s | valid |'
      : '| workload | load | srv msgs/op | p50 ms | ok/s | valid |',
    hasBaseline ? '|---|---|---:|---:|---:|---:|---:|---:|---:|---|' : '|---|---|---:|---:|---:|---|',
  ];
  const find = (w: string, l: string, b: Row['binary']): Summary | undefined => summarize(rows.filter((r) => r.workload === w && r.load === l && r.binary === b).map((r) => r.result));
  for (const w of WORKLOADS) {
    for (const l of LOADS) {
      const cur = find(w, l.name, 'node');
      if (!cur) continue;
      const base = find(w, l.name, 'baseline');
      const p50 = cur.p50;
      const bp50 = base?.p50 ?? null;
      const valid = cur.valid;
      lines.push(
        hasBaseline
          ? `| ${w} | ${l.name} | ${fmt(cur.msgsPerOp, 3)} | ${fmt(base?.msgsPerOp, 3)} | ${fmt(p50)} | ${fmt(bp50)} | ${p50 !== null && bp50 ? fmt(p50 / bp50) : '–'} | ${fmt(cur.okPerSec, 0)} | ${fmt(base?.okPerSec, 0)} | ${valid} |`
          : `| ${w} | ${l.name} | ${fmt(cur.msgsPerOp, 3)} | ${fmt(p50)} | ${fmt(cur.okPerSec, 0)} | ${valid} |`,
      );
    }
    const peak = find(w, 'peak', 'node')?.okPerSec;
    const single = find(w, 'single', 'node')?.okPerSec;
    const bpeak = find(w, 'peak', 'baseline')?.okPerSec;
    const bsingle = find(w, 'single', 'baseline')?.okPerSec;
    if (peak && single) {
      lines.push(`| ${w} | 3-node peak / single node | ${fmt(peak / single)} |${hasBaseline ? ` ${bpeak && bsingle ? fmt(bpeak / bsingle) : '–'} | | | | | | |` : ' | | |'}`);
    }
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const bin = path.join(ROOT, 'dist/raft-node.js');
  if (!fs.existsSync(bin)) fail('dist/raft-node.js is missing: run make build');
  const rows: Row[] = [];
  const started = Date.now();
  for (const workload of WORKLOADS) {
    for (const load of LOADS) {
      if (args.only && !args.only.test(`${workload} ${load.name}`)) continue;
      const binaries: [Row['binary'], string][] = [['node', bin]];
      if (args.baseline) binaries.push(['baseline', args.baseline]);
      for (let k = 0; k < (load.repeat ? args.repeat : 1); k++) {
        for (const [binary, file] of binaries) {
          const result = await runPointChild(config(workload, load, file, args.seed + k));
          rows.push({ workload, load: load.name, binary, result });
          const w = result.window;
          process.stdout.write(
            `${workload} ${load.name} seed ${args.seed + k} ${binary}: ` +
              (w ? `msgs/op ${fmt(result.serverMsgsPerOp, 3)} p50 ${fmt(w.latency.p50)} ms ok/s ${fmt(w.okPerSec, 0)} valid ${String(result.valid)}` : `ERROR ${result.error}`) +
              '\n',
          );
        }
      }
    }
  }
  const text = table(rows, args.baseline !== null);
  process.stdout.write(`\n${text}\n`);
  fs.mkdirSync(args.out, { recursive: true });
  const file = path.join(args.out, `efficiency-${new Date().toISOString().slice(0, 10)}.json`);
  fs.writeFileSync(file, JSON.stringify({ startedAt: new Date(started).toISOString(), wallS: (Date.now() - started) / 1000, baseline: args.baseline, rows }, null, 1));
  process.stdout.write(`wrote ${path.relative(ROOT, file)} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  return rows.some((r) => r.result.error !== null || r.result.valid === false) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench/efficiency.ts crashed: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
