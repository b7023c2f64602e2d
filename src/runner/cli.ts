import { FINAL_READ_BOUND_MS, FINAL_READ_RECOVERY_MS, ROTATION_ISOLATE_MS, ROTATION_RECOVERY_MS } from './final-reads';
import { LIN_KV_VALUE_COUNT } from './workload';
import { DEFAULT_TOPOLOGY, TOPOLOGY_NAMES } from '../../workloads/broadcast/topology';
import { HEAVY_TAIL_CAP, LATENCY_DISTS, LatencyDist, LOGNORMAL_SIGMA, PARETO_SHAPE } from './latency';
import { MEMBERSHIP_TIMEOUT_MS, MIN_VOTERS } from './membership';
import { EXTENSION_FAULTS, LOSSY_PROBABILITY, NEMESIS_FAULTS, NemesisFault, SHIFT_MAX, SHIFT_MIN, SLOW_CAP_MS, SLOW_MEAN_MS, TRANSFER_TIMEOUT_MS } from './nemesis';

/** Everything `maelstrom-local test` was asked to do, validated. */
export interface TestConfig {
  workload: string;
  bin: string;
  binArgs: string[];
  nodes: string[];
  concurrency: number;
  /** As given, e.g. "2n", for the summary. */
  concurrencySpec: string;
  timeLimitS: number;
  rate: number;
  latencyMs: number;
  latencyDist: LatencyDist;
  nemesis: NemesisFault[];
  nemesisIntervalS: number;
  availability: 'total' | number | null;
  consistencyModels: string[];
  keyCount: number;
  maxTxnLength: number;
  maxWritesPerKey: number;
  /** Extension --value-count: lin-kv writes and cas values are drawn from [0, N) (Maelstrom: 5). */
  valueCount: number;
  logStderr: boolean;
  seed: number;
  store: string;
  finalHealS: number | null;
  /** Extension --final-reads: heal, recover, then read every key through every node. */
  finalReads: boolean;
  /** Extension --final-rotations N: N more rounds of final reads, each after cutting the likely leader off. */
  finalRotations: number;
  /** --topology: broadcast's neighbour map (Maelstrom's names; default grid). */
  topology: string;
  /** --test-count: run the test this many times, stopping at the first invalid or unknown one. */
  testCount: number;
  /** --log-net-send / --log-net-recv: every message into jepsen.log as it is sent / received. */
  logNetSend: boolean;
  logNetRecv: boolean;
  /** Extension --recovery-time: the wait before a workload's final reads (Maelstrom: 10 s). */
  recoveryS: number;
  /** Record every message for messages.html (default); --no-messages turns it off. */
  messages: boolean;
  /** Extension --live PORT: the live view on 127.0.0.1:PORT (0: any free port); null: off. */
  livePort: number | null;
}

export class UsageError extends Error {}

interface OptionSpec {
  names: string[];
  arg: string | null;
  help: string;
  ours?: boolean;
}

export const OPTIONS: OptionSpec[] = [
  {
    names: ['-w', '--workload'],
    arg: 'NAME',
    help: 'lin-kv (default), txn-list-append, txn-rw-register, echo, unique-ids, broadcast, g-set, g-counter, pn-counter, kafka',
  },
  { names: ['--bin'], arg: 'FILE', help: 'the node binary to run (required); non-option arguments are passed to it' },
  { names: ['--node-count'], arg: 'N', help: 'run nodes n0 .. n(N-1); overrides --nodes' },
  { names: ['--nodes'], arg: 'a,b,c', help: 'comma-separated node ids (default n1,n2,n3,n4,n5)' },
  { names: ['-n', '--node'], arg: 'ID', help: 'add one node id (repeatable)' },
  { names: ['--time-limit'], arg: 'SECONDS', help: 'stop invoking operations after this long (default 60)' },
  { names: ['--rate'], arg: 'HZ', help: 'operations per second across the whole test (default 5; 0 = none)' },
  { names: ['--concurrency'], arg: 'N|kn', help: 'number of workers, an integer or k times the node count like 2n (default 1n)' },
  { names: ['--latency'], arg: 'MS', help: 'mean node<->node / node<->service latency, integer ms (default 0)' },
  { names: ['--latency-dist'], arg: 'DIST', help: 'constant (default), uniform, exponential; ours: pareto, lognormal (see below)' },
  { names: ['--nemesis'], arg: 'FAULTS', help: 'comma-separated: partition (Maelstrom); the extension faults listed below (ours)' },
  { names: ['--nemesis-interval'], arg: 'SECONDS', help: 'mean seconds between nemesis operations (default 10; fractional, e.g. 0.1)' },
  { names: ['--availability'], arg: 'total|FRACTION', help: 'require this fraction of ok operations' },
  { names: ['--consistency-models'], arg: 'MODELS', help: 'txn workloads: models to check (default strict-serializable)' },
  { names: ['--key-count'], arg: 'N', help: 'txn workloads, kafka: active keys (default 10)' },
  { names: ['--max-txn-length'], arg: 'N', help: 'txn workloads: micro-ops per transaction, at most (default 4)' },
  { names: ['--max-writes-per-key'], arg: 'N', help: 'txn workloads, kafka: writes per key before it retires (default 16)' },
  { names: ['--topology'], arg: 'NAME', help: `broadcast: the topology message, one of ${TOPOLOGY_NAMES.join(', ')} (default ${DEFAULT_TOPOLOGY})` },
  { names: ['--test-count'], arg: 'N', help: 'run the test N times (default 1); stop at the first invalid (exit 1) or unknown (exit 2) run' },
  { names: ['--log-stderr'], arg: null, help: "echo the nodes' stderr to our stderr" },
  { names: ['--log-net-send'], arg: null, help: 'log every message as it is sent, into jepsen.log' },
  { names: ['--log-net-recv'], arg: null, help: 'log every message as it is received, into jepsen.log' },
  { names: ['--seed'], arg: 'INT', help: 'seed for every random choice (default: random, printed at start)', ours: true },
  { names: ['--store'], arg: 'DIR', help: 'where results go (default ./store)', ours: true },
  { names: ['--final-heal'], arg: 'SECONDS', help: 'heal every fault this long before the time limit and let the cluster recover', ours: true },
  { names: ['--value-count'], arg: 'N', help: 'lin-kv: values written and compared are drawn from [0, N) (default 5, as Maelstrom)', ours: true },
  {
    names: ['--recovery-time'],
    arg: 'SECONDS',
    help: 'broadcast, g-set, counters, kafka: wait after the final heal before the final reads (default 10, as Maelstrom)',
    ours: true,
  },
  { names: ['--final-reads'], arg: null, help: 'after the client phase: heal, recover, read every key through every node (see below)', ours: true },
  { names: ['--final-rotations'], arg: 'N', help: 'with --final-reads: up to N more rounds of final reads, each after cutting the likely leader off (see below)', ours: true },
  { names: ['--live'], arg: 'PORT', help: 'while the test runs, serve a live view on http://127.0.0.1:PORT/ (0: any free port)', ours: true },
  { names: ['--no-messages'], arg: null, help: 'do not record messages nor write messages.html (the Lamport diagram)', ours: true },
  { names: ['-h', '--help'], arg: null, help: 'this help' },
];

export function usage(): string {
  const lines = [
    'Usage: maelstrom-local test -w WORKLOAD --bin FILE [options] [-- args for the binary]',
    '       maelstrom-local check -w WORKLOAD FILE     (re-check a stored history.jsonl / history.edn)',
    '       maelstrom-local serve [--store DIR] [--host 127.0.0.1] [--port 8080]   (browse the stored runs; serve --help)',
    '',
    "A local re-implementation of Jepsen Maelstrom's `test` command. Options:",
  ];
  for (const o of OPTIONS) {
    const name = o.names.join(', ') + (o.arg ? ` ${o.arg}` : '');
    lines.push(`  ${name.padEnd(34)} ${o.help}${o.ours ? '  [extension: ours]' : ''}`);
  }
  lines.push(
    '',
    'Extensions (not in real Maelstrom): --seed, --store, --final-heal, --final-reads, --recovery-time, the latency distributions',
    'pareto and lognormal, and every nemesis fault but partition. Nemesis faults (combine with commas; each',
    'nemesis step picks one of them at random and advances it: start, stop, start, ...):',
    '  partition         Maelstrom\'s: one, minority-third, majority or majorities-ring (uniformly)',
    '  partition-leader  cut the likely leader (top sender of delivered node->node messages in the last 1 s)',
    '                    off from the rest; with N >= 5, half the time together with one follower',
    '  partition-shift   a majority/minority cut; each later step REPLACES it with one whose majority differs',
    `                    (${SHIFT_MIN}-${SHIFT_MAX} shifts, no healthy gap in between), then a step heals`,
    '  kill              SIGKILL one random node; the stop step restarts it (same arguments, fresh init)',
    '  kill-minority     SIGKILL floor((N-1)/2) (at least 1) random nodes at once; restart them all at the stop',
    '  kill-majority     SIGKILL floor(N/2)+1 random nodes at once; restart them all at the stop',
    '  kill-all          SIGKILL every node (power loss); restart them all at the stop',
    '  kill-leader       SIGKILL the likely leader; restart it at the stop',
    '  pause             SIGSTOP one random node; SIGCONT at the stop',
    '  pause-leader      SIGSTOP the likely leader; SIGCONT at the stop',
    '  pause-all         SIGSTOP every node (a frozen host); SIGCONT them all at once, so every election',
    '                    timer has expired and every follower stands for election in the same instant',
    `  loss              while active, node<->node messages are lost with probability ${LOSSY_PROBABILITY}`,
    `  duplicate         while active, node<->node messages are delivered twice with probability ${LOSSY_PROBABILITY}`,
    '  slow              while active, node<->node messages to or from one random node (half the time: every',
    `                    node) are delayed by 0 or (each with probability 1/2) an exponential extra of mean ${SLOW_MEAN_MS} ms,`,
    `                    capped at ${SLOW_CAP_MS} ms: votes and acks arrive after their term is over, and out of order`,
    '  strike-leader     while armed, a node that starts sending to every peer after a quiet spell (a new leader,',
    '                    or a candidate) is cut off after 0-7 more messages, for 0.2-1 s; again if it comes back leading',
    '  transfer          ask a random node to hand leadership to a random voter (admin request raft_transfer_leader,',
    `                    README "Admin protocol"); every step is a start, answered within ${TRANSFER_TIMEOUT_MS / 1000} s; a node answering 10 is left alone`,
    '  membership        one configuration change per step (admin request raft_reconfigure to a random node, README',
    '                    "Admin protocol"), cycling through one node\'s life: remove a voter, add it back as a learner,',
    `                    promote it; one change at a time, a majority of the voters alive (not killed/paused), never below ${MIN_VOTERS}`,
    `                    voters; the configuration is learned with raft_status first and after an answer in doubt (0 or no`,
    `                    answer within ${MEMBERSHIP_TIMEOUT_MS / 1000} s); a node answering 10 is recorded once and left alone`,
    '  Kill faults need a node that persists its state (e.g. `-- --data-dir DIR` for dist/raft-node.js).',
    `Latency: pareto = Pareto, shape ${PARETO_SHAPE}, capped at ${HEAVY_TAIL_CAP}x the mean and scaled so the capped mean is --latency;`,
    `  lognormal = exp(N(mu, ${LOGNORMAL_SIGMA})) with mean --latency, capped the same way. Both in fractional ms.`,
    `--final-reads: at the final heal (or the time limit) heal every fault, wait ${FINAL_READ_RECOVERY_MS / 1000} s, then read every key the`,
    '  test touched through every node (lin-kv: one read per key; txn: one read-only txn of all keys), retrying',
    `  until ok for up to ${FINAL_READ_BOUND_MS / 1000} s. The reads are normal ops in the history, so lost acknowledged writes show up.`,
    `--final-rotations N: then up to N times cut the likely leader off for ${ROTATION_ISOLATE_MS / 1000} s, heal, wait ${ROTATION_RECOVERY_MS / 1000} s and read again:`,
    '  reads are served by the leader, so each round shows another leader\'s state machine (a diverged replica shows).',
    '  A tour: nodes that already led a round are cut off too while the rest stay a majority, and it stops once every',
    '  node has led a round.',
    'Exit codes: 0 valid, 1 invalid, 2 unknown, 254 bad arguments, 255 crash / aborted run.',
  );
  return lines.join('\n');
}

export type ParsedCommand = { help: true } | { help: false; config: TestConfig };

function parseNumber(flag: string, v: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag}: expected a number, got ${JSON.stringify(v)}`);
  if (opts.integer && !Number.isInteger(n)) throw new UsageError(`${flag}: expected an integer, got ${JSON.stringify(v)}`);
  if (opts.min !== undefined && n < opts.min) throw new UsageError(`${flag}: must be >= ${opts.min}, got ${v}`);
  if (opts.max !== undefined && n > opts.max) throw new UsageError(`${flag}: must be <= ${opts.max}, got ${v}`);
  return n;
}

/**
 * The option scanner `test` and `hunt` share: every value of each option,
 * keyed by its last (long) name, in order; non-option arguments anywhere and
 * everything after `--` go to the node binary. `--name=value` works for
 * options with a value. Flags without a value are recorded as "true".
 */
export function scanOptions(
  argv: readonly string[],
  specs: readonly { names: string[]; arg: string | null }[],
  unknown: (name: string) => string,
): { values: Map<string, string[]>; positional: string[] } {
  const byName = new Map<string, { names: string[]; arg: string | null }>();
  for (const o of specs) for (const n of o.names) byName.set(n, o);
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const spec = byName.get(name);
    if (!spec) throw new UsageError(unknown(name));
    const key = spec.names[spec.names.length - 1];
    if (spec.arg === null) {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      values.set(key, ['true']);
      continue;
    }
    let v: string;
    if (eq > 0) v = a.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value (${spec.arg})`);
      v = argv[++i];
    }
    values.set(key, [...(values.get(key) ?? []), v]);
  }
  return { values, positional };
}

/**
 * Parse the arguments after `test`. Like Jepsen's CLI (tools.cli), non-option
 * arguments anywhere, and everything after `--`, go to the node binary.
 */
export function parseTestArgs(argv: readonly string[], defaultSeed: () => number): ParsedCommand {
  const { values, positional } = scanOptions(argv, OPTIONS, (name) => `unknown option ${name}; see --help`);
  if (values.has('--help')) return { help: true };
  const one = (k: string): string | undefined => values.get(k)?.at(-1);

  const workload = one('--workload') ?? 'lin-kv';
  const bin = one('--bin');
  if (!bin) throw new UsageError('--bin FILE is required: the node binary to test (e.g. --bin dist/raft-node.js)');

  let nodes: string[];
  const nodeCount = one('--node-count');
  if (nodeCount !== undefined) {
    const n = parseNumber('--node-count', nodeCount, { integer: true, min: 1 });
    nodes = Array.from({ length: n }, (_, i) => `n${i}`);
  } else if (values.has('--nodes') || values.has('--node')) {
    nodes = [...(values.get('--nodes') ?? []).flatMap((s) => s.split(',')), ...(values.get('--node') ?? [])]
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (nodes.length === 0) throw new UsageError('--nodes: no node ids given');
  } else {
    nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  }
  if (new Set(nodes).size !== nodes.length) throw new UsageError(`node ids must be distinct: ${nodes.join(',')}`);
  for (const n of nodes) {
    if (n.startsWith('c')) throw new UsageError(`node id ${JSON.stringify(n)} starts with "c": Maelstrom would treat it as a client (zero latency, never partitioned); pick another id`);
    if (['lin-kv', 'seq-kv', 'lww-kv', 'lin-tso'].includes(n)) throw new UsageError(`node id ${JSON.stringify(n)} is a built-in service id`);
  }

  const concurrencySpec = one('--concurrency') ?? '1n';
  let concurrency: number;
  const kn = /^(\d+)n$/.exec(concurrencySpec);
  if (kn) concurrency = Number(kn[1]) * nodes.length;
  else concurrency = parseNumber('--concurrency', concurrencySpec, { integer: true, min: 1 });
  if (concurrency < 1) throw new UsageError(`--concurrency ${concurrencySpec} gives ${concurrency} workers; need at least 1`);

  const latencyDist = (one('--latency-dist') ?? 'constant') as LatencyDist;
  if (!LATENCY_DISTS.includes(latencyDist)) throw new UsageError(`--latency-dist must be one of ${LATENCY_DISTS.join(', ')}, got ${JSON.stringify(latencyDist)}`);

  const nemesis: NemesisFault[] = [];
  for (const spec of values.get('--nemesis') ?? []) {
    for (const f of spec.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      if (!(NEMESIS_FAULTS as readonly string[]).includes(f)) {
        throw new UsageError(`--nemesis: unknown fault ${JSON.stringify(f)}; Maelstrom accepts only partition, we also offer ${EXTENSION_FAULTS.join(', ')}`);
      }
      if (!nemesis.includes(f as NemesisFault)) nemesis.push(f as NemesisFault);
    }
  }

  let availability: TestConfig['availability'] = null;
  const av = one('--availability');
  if (av !== undefined) availability = av === 'total' ? 'total' : parseNumber('--availability', av, { min: 0, max: 1 });

  // Maelstrom's parser splits only on commas surrounded by whitespace (spec §7); we split on any comma
  // and say so in the README: "a,b" silently becoming one bogus model name helps nobody.
  const consistencyModels = (one('--consistency-models') ?? 'strict-serializable')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

  const topology = one('--topology') ?? DEFAULT_TOPOLOGY;
  if (!TOPOLOGY_NAMES.includes(topology)) throw new UsageError(`--topology: unknown topology ${JSON.stringify(topology)}; expected one of ${TOPOLOGY_NAMES.join(', ')}`);

  const seedArg = one('--seed');
  const seed = seedArg !== undefined ? parseNumber('--seed', seedArg, { integer: true, min: 0, max: 2 ** 32 - 1 }) : defaultSeed();
  const finalHeal = one('--final-heal');
  const liveArg = one('--live');
  const rotationsArg = one('--final-rotations');
  const finalRotations = rotationsArg !== undefined ? parseNumber('--final-rotations', rotationsArg, { integer: true, min: 0, max: 20 }) : 0;
  if (finalRotations > 0 && !values.has('--final-reads')) {
    throw new UsageError('--final-rotations needs --final-reads (the rotations separate rounds of final reads); add --final-reads or drop --final-rotations');
  }

  return {
    help: false,
    config: {
      workload,
      bin,
      binArgs: positional,
      nodes,
      concurrency,
      concurrencySpec,
      timeLimitS: parseNumber('--time-limit', one('--time-limit') ?? '60', { min: 0 }),
      rate: parseNumber('--rate', one('--rate') ?? '5', { min: 0 }),
      latencyMs: parseNumber('--latency', one('--latency') ?? '0', { integer: true, min: 0 }),
      latencyDist,
      nemesis,
      nemesisIntervalS: parseNumber('--nemesis-interval', one('--nemesis-interval') ?? '10', { min: 0 }),
      availability,
      consistencyModels,
      keyCount: parseNumber('--key-count', one('--key-count') ?? '10', { integer: true, min: 1 }),
      maxTxnLength: parseNumber('--max-txn-length', one('--max-txn-length') ?? '4', { integer: true, min: 1 }),
      maxWritesPerKey: parseNumber('--max-writes-per-key', one('--max-writes-per-key') ?? '16', { integer: true, min: 1 }),
      valueCount: parseNumber('--value-count', one('--value-count') ?? String(LIN_KV_VALUE_COUNT), { integer: true, min: 1 }),
      logStderr: values.has('--log-stderr'),
      seed,
      store: one('--store') ?? 'store',
      finalHealS: finalHeal !== undefined ? parseNumber('--final-heal', finalHeal, { min: 0 }) : null,
      finalReads: values.has('--final-reads'),
      finalRotations,
      topology,
      testCount: parseNumber('--test-count', one('--test-count') ?? '1', { integer: true, min: 1 }),
      logNetSend: values.has('--log-net-send'),
      logNetRecv: values.has('--log-net-recv'),
      recoveryS: parseNumber('--recovery-time', one('--recovery-time') ?? '10', { min: 0 }),
      messages: !values.has('--no-messages'),
      livePort: liveArg !== undefined ? parseNumber('--live', liveArg, { integer: true, min: 0, max: 65535 }) : null,
    },
  };
}
