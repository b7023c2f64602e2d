import { scanOptions, UsageError } from '../cli';
import { DURABLE_FAULTS, HUNT_FAULTS, MEMORY_SAFE_FAULTS, OPT_IN_FAULTS } from './faults';

export interface HuntArgs {
  workload: string;
  bin: string;
  binArgs: string[];
  budgetS: number;
  seed: number;
  nodeCount: number | null;
  timeLimitS: number | null;
  rate: number | null;
  faults: string[] | null;
  durable: boolean;
  replays: number;
  store: string;
  /** Whether --store was given (then the replay command names it). */
  storeGiven: boolean;
  maxRuns: number | null;
  /** --no-final-reads: never draw --final-reads. */
  noFinalReads: boolean;
  /** --liveness: a run where only stats/availability failed is a finding too. */
  liveness: boolean;
}

interface HuntOption {
  names: string[];
  arg: string | null;
  help: string;
}

export const HUNT_OPTIONS: HuntOption[] = [
  { names: ['-w', '--workload'], arg: 'NAME', help: 'lin-kv (default), txn-list-append, txn-rw-register (also echo, unique-ids)' },
  { names: ['--bin'], arg: 'FILE', help: 'the node binary (required); arguments after `--` go to it, in every run' },
  { names: ['--budget'], arg: 'SECONDS', help: 'stop starting runs after this much wall time (default 300)' },
  { names: ['--seed'], arg: 'INT', help: 'hunt seed: run i\'s configuration is a function of (seed, i, fixed flags) (default: random, printed)' },
  { names: ['--node-count'], arg: 'N', help: 'fix the node count (default: drawn, 3 or 5, mostly 3)' },
  { names: ['--time-limit'], arg: 'SECONDS', help: 'fix every run\'s --time-limit (default: drawn, 5-20 s)' },
  { names: ['--rate'], arg: 'HZ', help: 'fix every run\'s --rate (default: drawn, 20-500 ops/s, log-uniform)' },
  { names: ['--faults'], arg: 'LIST', help: 'comma-separated pool of faults to draw from (default: see below)' },
  { names: ['--durable'], arg: null, help: 'the node persists (e.g. -- --data-dir data): allows and adds the kill faults' },
  { names: ['--replays'], arg: 'K', help: 're-run a finding\'s configuration K times to see how often it reproduces (default 3)' },
  { names: ['--store'], arg: 'DIR', help: 'result root (default ./store); runs go to DIR/hunt/<hunt id>/run-NNNN/' },
  { names: ['--runs'], arg: 'N', help: 'stop after N runs even if budget remains' },
  { names: ['--no-final-reads'], arg: null, help: 'never draw --final-reads (drawn in ~80% of runs otherwise)' },
  { names: ['--liveness'], arg: null, help: 'also stop on a run where only stats/availability failed (an op type never succeeded)' },
  { names: ['-h', '--help'], arg: null, help: 'this help' },
];

export function huntUsage(): string {
  const lines = [
    'Usage: maelstrom-local hunt -w WORKLOAD --bin FILE [--budget SECONDS] [--seed N] [--node-count N]',
    '         [--faults LIST] [--durable] [--replays K] [--store DIR] [-- node args]',
    '',
    'Swarm testing: runs many short `maelstrom-local test` runs, one after another, each with its own randomly',
    'drawn configuration, until one is invalid or a node crashes, or the budget is spent. Each run draws: the',
    'nemesis mix (a non-empty subset of the fault pool) and interval (0.2-5 s, log-uniform), the latency',
    'distribution (constant, uniform, exponential, pareto, lognormal) and mean (0-50 ms, mostly small), rate, concurrency (a multiple of 2n for lin-kv), the node',
    'count, the time limit (5-20 s), txn key count / transaction length / writes per key, --final-reads (when the',
    'test command has it) and --final-heal, and its own --seed, so the printed `test` command replays it.',
    '',
    'Options:',
  ];
  for (const o of HUNT_OPTIONS) {
    const name = o.names.join(', ') + (o.arg ? ` ${o.arg}` : '');
    lines.push(`  ${name.padEnd(26)} ${o.help}`);
  }
  lines.push(
    '',
    'Faults (what a correct Raft must survive):',
    `  default pool:      ${MEMORY_SAFE_FAULTS.join(', ')} (no persistence needed)`,
    `  only if listed:    ${OPT_IN_FAULTS.join(', ')}`,
    `  only with --durable (then also in the default pool): ${DURABLE_FAULTS.join(', ')}`,
    '  A kill fault without --durable is refused: a node that keeps its state in memory legitimately forgets',
    '  acknowledged writes when it is SIGKILLed. Faults this build\'s `test --nemesis` does not accept are never drawn.',
    '  Nodes run in a fresh temporary directory per run, so a relative data dir (`--durable -- --data-dir data`)',
    '  is fresh for every run and every replay.',
    '',
    'Each run is the child process `maelstrom-local test <argv>`; its output goes to DIR/hunt/<id>/run-NNNN/',
    'runner-output.txt, not the screen. A progress line per run (overwritten on a terminal), then a summary:',
    'runs, distinct configurations, verdict counts, total time, time to the first finding. A run starts only while',
    'budget remains, so the hunt can end up to one run (time limit + final reads + teardown) after the budget.',
    '',
    'On a finding (an invalid verdict, or a node that exited): the run\'s store directory, the exact',
    '`bin/maelstrom-local test ...` command that replays its configuration, what the checker saw (lin-kv: the key',
    'and the impossible operation; txn: the anomaly names; crash: node, exit code, last stderr message), and how many',
    'of --replays re-runs of the same command reproduced it (real processes are not deterministic).',
    'A run where only the stats/availability checkers objected (some operation type never succeeded: a power loss',
    'every half second allows that) is listed as "liveness only" and counted, but is a finding only with --liveness.',
    '',
    `Known faults: ${HUNT_FAULTS.join(', ')}.`,
    'Exit codes: 0 nothing found, 1 a finding (invalid or crash), 2 no run was valid and none invalid (only',
    'unknown verdicts or broken runs), 254 bad arguments, 130 interrupted.',
  );
  return lines.join('\n');
}

function num(flag: string, v: string, o: { integer?: boolean; min?: number; max?: number; gt?: number } = {}): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag}: expected a number, got ${JSON.stringify(v)}`);
  if (o.integer && !Number.isInteger(n)) throw new UsageError(`${flag}: expected an integer, got ${JSON.stringify(v)}`);
  if (o.min !== undefined && n < o.min) throw new UsageError(`${flag}: must be >= ${o.min}, got ${v}`);
  if (o.gt !== undefined && !(n > o.gt)) throw new UsageError(`${flag}: must be > ${o.gt}, got ${v}`);
  if (o.max !== undefined && n > o.max) throw new UsageError(`${flag}: must be <= ${o.max}, got ${v}`);
  return n;
}

export type ParsedHunt = { help: true } | { help: false; args: HuntArgs };

/** Parse the arguments after `hunt`. Like `test`: non-option arguments and everything after `--` go to the node. */
export function parseHuntArgs(argv: readonly string[], defaultSeed: () => number): ParsedHunt {
  const scanned = scanOptions(
    argv,
    HUNT_OPTIONS,
    (name) =>
      `unknown option ${name}; hunt draws the other \`test\` flags itself (see \`maelstrom-local hunt --help\`), ` +
      'and arguments for the node go after `--`',
  );
  // One value per option: the last one given wins.
  const values = new Map([...scanned.values].map(([k, v]) => [k, v[v.length - 1]]));
  const positional = scanned.positional;
  if (values.has('--help')) return { help: true };
  const bin = values.get('--bin');
  if (!bin) throw new UsageError('--bin FILE is required: the node binary to hunt bugs in (e.g. --bin dist/raft-node.js)');
  const opt = <T>(k: string, f: (v: string) => T): T | null => {
    const v = values.get(k);
    return v === undefined ? null : f(v);
  };
  const faultsArg = values.get('--faults');
  const faults =
    faultsArg === undefined
      ? null
      : [...new Set(faultsArg.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  const seedArg = values.get('--seed');
  return {
    help: false,
    args: {
      workload: values.get('--workload') ?? 'lin-kv',
      bin,
      binArgs: positional,
      budgetS: opt('--budget', (v) => num('--budget', v, { gt: 0 })) ?? 300,
      seed: seedArg !== undefined ? num('--seed', seedArg, { integer: true, min: 0, max: 2 ** 32 - 1 }) : defaultSeed(),
      nodeCount: opt('--node-count', (v) => num('--node-count', v, { integer: true, min: 1 })),
      timeLimitS: opt('--time-limit', (v) => num('--time-limit', v, { gt: 0 })),
      rate: opt('--rate', (v) => num('--rate', v, { gt: 0 })),
      faults,
      durable: values.has('--durable'),
      replays: opt('--replays', (v) => num('--replays', v, { integer: true, min: 0 })) ?? 3,
      store: values.get('--store') ?? 'store',
      storeGiven: values.has('--store'),
      maxRuns: opt('--runs', (v) => num('--runs', v, { integer: true, min: 1 })),
      noFinalReads: values.has('--no-final-reads'),
      liveness: values.has('--liveness'),
    },
  };
}
