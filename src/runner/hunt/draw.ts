import { Rng } from '../rng';

/**
 * Drawing one run's configuration. Pure: run i's configuration is a function
 * of (hunt seed, i, the user's fixed flags) and nothing else, and every field
 * has its own rng stream, so fixing one flag does not shift the other draws.
 */

/** What the user fixed on the hunt's command line (null = drawn per run). */
export interface HuntFixed {
  workload: string;
  bin: string;
  binArgs: readonly string[];
  nodeCount: number | null;
  timeLimitS: number | null;
  rate: number | null;
  /** Faults to draw from (non-empty, in canonical order). */
  pool: readonly string[];
  /** Latency distributions the test command accepts. */
  latencyDists: readonly string[];
  /** Whether runs may draw --final-reads (the test command has it, and no --no-final-reads). */
  finalReadsSupported: boolean;
  /** Whether lin-kv runs may draw --value-count (the test command has it). */
  valueCountSupported?: boolean;
  /** Whether runs with final reads may draw --final-rotations (the test command has it). */
  finalRotationsSupported?: boolean;
}

export interface RunDraw {
  index: number;
  seed: number;
  nodeCount: number;
  timeLimitS: number;
  rate: number;
  /** Workers = concurrencyPerNode x node count (`--concurrency <k>n`). */
  concurrencyPerNode: number;
  latencyDist: string;
  latencyMs: number;
  nemesis: string[];
  nemesisIntervalS: number;
  finalReads: boolean;
  /** --final-rotations (0: flag omitted); only with finalReads. */
  finalRotations: number;
  finalHealS: number | null;
  /** lin-kv only: --value-count (null: Maelstrom's 5, flag omitted). */
  valueCount: number | null;
  /** txn workloads only. */
  txn: { keyCount: number; maxTxnLength: number; maxWritesPerKey: number } | null;
}

export const TXN_WORKLOADS = ['txn-list-append', 'txn-rw-register'];

/** Uniform in log space on [lo, hi]. */
function logUniform(r: Rng, lo: number, hi: number): number {
  return Math.exp(Math.log(lo) + r.float() * (Math.log(hi) - Math.log(lo)));
}

/** Two significant digits, so argv stays short and prints as it parses. */
function twoDigits(x: number): number {
  return Number(x.toPrecision(2));
}

function weighted<T>(r: Rng, choices: readonly (readonly [T, number])[]): T {
  const total = choices.reduce((s, [, w]) => s + w, 0);
  let u = r.float() * total;
  for (const [v, w] of choices) {
    if (u < w) return v;
    u -= w;
  }
  return choices[choices.length - 1][0];
}

export function runRng(huntSeed: number, index: number): Rng {
  return new Rng(`maelstrom-local hunt ${huntSeed >>> 0} run ${index}`);
}

export function drawRun(huntSeed: number, index: number, fixed: HuntFixed): RunDraw {
  if (fixed.pool.length === 0) throw new Error('drawRun: empty fault pool');
  const base = runRng(huntSeed, index);
  const r = (field: string): Rng => base.fork(field);

  const nodeCount = fixed.nodeCount ?? (r('nodes').float() < 0.75 ? 3 : 5);
  const timeLimitS = fixed.timeLimitS ?? r('time-limit').intBetween(5, 20);
  const rate = fixed.rate ?? Math.round(logUniform(r('rate'), 20, 500));

  // lin-kv needs a multiple of 2n (each key group is 2n workers); mostly one or two groups.
  const conc = r('concurrency');
  const concurrencyPerNode =
    fixed.workload === 'lin-kv' ? 2 * weighted(conc, [[1, 0.5], [2, 0.3], [3, 0.2]]) : weighted(conc, [[1, 0.35], [2, 0.35], [3, 0.15], [4, 0.15]]);

  const lat = r('latency');
  const latencyDist = lat.pick(fixed.latencyDists);
  // Biased small: mean = 50 u^2 ms (median 12.5 ms); a quarter of constant draws are 0.
  let latencyMs = Math.round(50 * lat.float() ** 2);
  if (latencyDist === 'constant' && lat.float() < 0.25) latencyMs = 0;
  // uniform/exponential/pareto with mean 0 abort the run before it starts (as in Maelstrom).
  if (latencyDist !== 'constant') latencyMs = Math.max(1, latencyMs);

  const nem = r('nemesis');
  const k = Math.min(fixed.pool.length, weighted(nem, [[1, 0.35], [2, 0.3], [3, 0.2], [4 + nem.int(Math.max(1, fixed.pool.length - 3)), 0.15]]));
  const chosen = new Set(nem.shuffle(fixed.pool).slice(0, k));
  const nemesis = fixed.pool.filter((f) => chosen.has(f));
  // Log-uniform on [0.2, 5] s: median 1 s, so sub-second intervals half the time.
  const nemesisIntervalS = twoDigits(logUniform(r('nemesis-interval'), 0.2, 5));

  const fin = r('final');
  const finalReads = fixed.finalReadsSupported && fin.float() < 0.8;
  // A healed tail gives a correct cluster time to recover before the end (and before any final reads).
  const healTail = Math.min(fin.intBetween(1, 4), Math.floor(timeLimitS / 2));
  const finalHealS = fin.float() < (finalReads ? 0.7 : 0.5) && healTail >= 1 ? healTail : null;

  // Leadership handed around before more rounds of final reads: a replica that diverged shows
  // only once it leads. Each rotation costs ~3 s, so not every run pays for them; the tour stops
  // once every node has led a round, so a cap of 5 costs only what a 3-node tour needs (3 on average).
  const rot = r('rotations');
  const finalRotations = finalReads && fixed.finalRotationsSupported === true ? weighted(rot, [[0, 0.3], [3, 0.3], [5, 0.4]]) : 0;

  let txn: RunDraw['txn'] = null;
  if (TXN_WORKLOADS.includes(fixed.workload)) {
    const t = r('txn');
    txn = {
      keyCount: t.pick([1, 2, 3, 5, 10]),
      maxTxnLength: t.pick([1, 2, 4, 6, 8]),
      maxWritesPerKey: t.pick([2, 4, 8, 16, 32]),
    };
  }
  // Maelstrom's 5 values let a lost or stale write pass for a concurrent write of the same value;
  // a wider range leaves it nowhere to hide. Keep Maelstrom's own range in a third of the runs.
  const vals = r('values');
  const valueCount = fixed.workload === 'lin-kv' && fixed.valueCountSupported === true && vals.float() >= 1 / 3 ? vals.pick([20, 100, 1000]) : null;
  const seed = r('seed').nextUint32();
  return { index, seed, nodeCount, timeLimitS, rate, concurrencyPerNode, latencyDist, latencyMs, nemesis, nemesisIntervalS, finalReads, finalRotations, finalHealS, valueCount, txn };
}

/**
 * The `maelstrom-local test` arguments (after `test`) that run exactly this
 * configuration. `recordMessages: false` adds `--no-messages`: the hunt's
 * search runs skip messages.html (about 2 s a run at full speed, time that
 * buys more runs), and the replays of a finding, which people look at, keep it.
 */
export function testArgv(d: RunDraw, fixed: HuntFixed, store: string | null, recordMessages = true): string[] {
  const a = [
    '-w', fixed.workload,
    '--bin', fixed.bin,
    '--node-count', String(d.nodeCount),
    '--time-limit', String(d.timeLimitS),
    '--rate', String(d.rate),
    '--concurrency', `${d.concurrencyPerNode}n`,
    '--latency', String(d.latencyMs),
    '--latency-dist', d.latencyDist,
    '--nemesis', d.nemesis.join(','),
    '--nemesis-interval', String(d.nemesisIntervalS),
  ];
  if (d.txn) a.push('--key-count', String(d.txn.keyCount), '--max-txn-length', String(d.txn.maxTxnLength), '--max-writes-per-key', String(d.txn.maxWritesPerKey));
  if (d.valueCount !== null) a.push('--value-count', String(d.valueCount));
  if (d.finalReads) a.push('--final-reads');
  if (d.finalRotations > 0) a.push('--final-rotations', String(d.finalRotations));
  if (d.finalHealS !== null) a.push('--final-heal', String(d.finalHealS));
  a.push('--seed', String(d.seed));
  if (!recordMessages) a.push('--no-messages');
  if (store !== null) a.push('--store', store);
  if (fixed.binArgs.length > 0) a.push('--', ...fixed.binArgs);
  return a;
}

/** The configuration without its seed: runs with equal keys are the same configuration. */
export function configKey(d: RunDraw): string {
  const { index: _i, seed: _s, ...rest } = d;
  return JSON.stringify(rest);
}

/** One-line short form for progress lines, e.g. `n3 t12s r140 c2n lat=exp:8ms nem=partition+pause/0.45s fh2 fr`. */
export function shortForm(d: RunDraw): string {
  const dist = { constant: 'const', uniform: 'unif', exponential: 'exp', pareto: 'pareto', lognormal: 'lognorm' }[d.latencyDist] ?? d.latencyDist;
  const parts = [
    `n${d.nodeCount}`,
    `t${d.timeLimitS}s`,
    `r${d.rate}`,
    `c${d.concurrencyPerNode}n`,
    `lat=${dist}:${d.latencyMs}ms`,
    `nem=${d.nemesis.join('+')}/${d.nemesisIntervalS}s`,
  ];
  if (d.txn) parts.push(`k${d.txn.keyCount}/len${d.txn.maxTxnLength}/w${d.txn.maxWritesPerKey}`);
  if (d.valueCount !== null) parts.push(`v${d.valueCount}`);
  if (d.finalHealS !== null) parts.push(`fh${d.finalHealS}`);
  if (d.finalReads) parts.push(d.finalRotations > 0 ? `fr+rot${d.finalRotations}` : 'fr');
  return parts.join(' ');
}
