/**
 * Command line of the simulator (src/sim/main.ts). Parsing only: every
 * mistake becomes a UsageError that says how to fix it.
 */
import { BROKEN_SWITCHES } from './broken-switches';
import { FAULT_KINDS, type BrokenSwitches, type ConfigOverrides, type FaultKind } from './config';
import { SIM_WORKLOADS } from './simulate';

export class UsageError extends Error {}

export interface SimArgs {
  workloads: string[];
  firstSeed: number;
  seeds: number;
  /** --seed S: replay one seed and always write its history and trace. */
  single: boolean;
  outDir: string;
  overrides: ConfigOverrides;
  /** The flags that shape a run, re-emitted in replay commands. */
  shapingFlags: string[];
  quiet: boolean;
}

export { BROKEN_SWITCHES } from './broken-switches';

export const SIM_HELP = `maelstrom-sim: deterministic simulation of a whole Raft cluster (real node code, virtual clock/network/disk)

Usage: node -r ./test/support/register.js src/sim/main.ts [options]

Swarm:
  --seeds N              run seeds FIRST .. FIRST+N-1 (default 100)
  --first-seed S         first seed of the swarm (default 1)
  --workload W           ${SIM_WORKLOADS.join(' | ')} | all (default lin-kv)
Replay:
  --seed S               run exactly seed S; always writes its history and trace
Output:
  --out DIR              where failing seeds write history.jsonl, trace.txt, result.txt (default .sim-out)
  --quiet                no progress lines, only failures and the summary
Pinning parts of the seed's random choice (all are re-emitted in replay commands):
  --nodes 3|5|7          cluster size
  --faults LIST          comma-separated subset of ${FAULT_KINDS.join(',')}, or none
  --add-faults LIST      keep the seed's drawn mix and add these kinds to it (e.g. membership,transfer)
  --no-batching          the node's --no-batching (one entry per AppendEntries, one command per proposal)
  --no-pipelining        the node's --no-pipelining (one AppendEntries in flight per follower)
  --read-mode MODE       read-index | lease
  --rate N               client ops per second
  --fault-ms N           length of the fault phase (virtual ms, default 5000)
  --recovery-ms N        recovery time granted after the final heal (default 3000)
  --final-ms N           final window in which every op must be served (default 1500)
  --broken NAME          deliberately break the node (repeatable): ${Object.keys(BROKEN_SWITCHES).join(', ')}
  --help                 this text

Exit status: 0 all seeds passed, 1 some seed failed, 2 usage error.
`;

export function parseSimArgs(argv: readonly string[]): SimArgs | 'help' {
  const args: SimArgs = {
    workloads: ['lin-kv'],
    firstSeed: 1,
    seeds: 100,
    single: false,
    outDir: '.sim-out',
    overrides: {},
    shapingFlags: [],
    quiet: false,
  };
  let seedsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value (see --help)`);
      return v;
    };
    const integer = (min: number): number => {
      const raw = value();
      const n = Number(raw);
      if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} needs an integer >= ${min}, not "${raw}"`);
      return n;
    };
    const shaping = (v: string): void => {
      args.shapingFlags.push(flag, v);
    };
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--seeds':
        args.seeds = integer(1);
        seedsGiven = true;
        break;
      case '--first-seed':
        args.firstSeed = integer(0);
        break;
      case '--seed':
        args.firstSeed = integer(0);
        args.seeds = 1;
        args.single = true;
        break;
      case '--workload': {
        const w = value();
        if (w === 'all') args.workloads = [...SIM_WORKLOADS];
        else if ((SIM_WORKLOADS as readonly string[]).includes(w)) args.workloads = [w];
        else throw new UsageError(`--workload must be one of ${SIM_WORKLOADS.join(', ')} or all, not "${w}"`);
        break;
      }
      case '--out':
        args.outDir = value();
        break;
      case '--quiet':
        args.quiet = true;
        break;
      case '--nodes': {
        const n = integer(1);
        if (n !== 3 && n !== 5 && n !== 7) throw new UsageError(`--nodes must be 3, 5 or 7, not ${n}`);
        args.overrides.nodeCount = n;
        shaping(String(n));
        break;
      }
      case '--faults': {
        const raw = value();
        const list = raw === 'none' ? [] : raw.split(',');
        for (const f of list) {
          if (!(FAULT_KINDS as readonly string[]).includes(f)) throw new UsageError(`--faults: unknown fault "${f}"; choose from ${FAULT_KINDS.join(', ')} or none`);
        }
        args.overrides.faults = list as FaultKind[];
        shaping(raw);
        break;
      }
      case '--add-faults': {
        const raw = value();
        const list = raw.split(',');
        for (const f of list) {
          if (!(FAULT_KINDS as readonly string[]).includes(f)) throw new UsageError(`--add-faults: unknown fault "${f}"; choose from ${FAULT_KINDS.join(', ')}`);
        }
        args.overrides.addFaults = list as FaultKind[];
        shaping(raw);
        break;
      }
      case '--no-batching':
        args.overrides.batching = false;
        args.shapingFlags.push(flag);
        break;
      case '--no-pipelining':
        args.overrides.pipelining = false;
        args.shapingFlags.push(flag);
        break;
      case '--read-mode': {
        const m = value();
        if (m !== 'read-index' && m !== 'lease') throw new UsageError(`--read-mode must be read-index or lease, not "${m}"`);
        args.overrides.readMode = m;
        shaping(m);
        break;
      }
      case '--rate': {
        const n = integer(1);
        args.overrides.rate = n;
        shaping(String(n));
        break;
      }
      case '--fault-ms':
      case '--recovery-ms':
      case '--final-ms': {
        const n = integer(flag === '--final-ms' ? 1 : 0);
        const key = flag === '--fault-ms' ? 'faultMs' : flag === '--recovery-ms' ? 'recoveryMs' : 'finalMs';
        args.overrides.phases = { ...args.overrides.phases, [key]: n };
        shaping(String(n));
        break;
      }
      case '--broken': {
        const name = value();
        const set = BROKEN_SWITCHES[name];
        if (!set) throw new UsageError(`--broken: unknown switch "${name}"; choose from ${Object.keys(BROKEN_SWITCHES).join(', ')}`);
        const broken: BrokenSwitches = args.overrides.broken ?? {};
        set(broken);
        args.overrides.broken = broken;
        shaping(name);
        break;
      }
      default:
        throw new UsageError(`unknown option "${flag}" (see --help)`);
    }
  }
  if (args.single && seedsGiven) throw new UsageError('--seed replays one seed; do not combine it with --seeds');
  return args;
}

/** The exact command that replays one seed of one workload. */
export function replayCommand(workload: string, seed: number, shapingFlags: readonly string[]): string {
  return ['node -r ./test/support/register.js src/sim/main.ts', '--workload', workload, '--seed', String(seed), ...shapingFlags].join(' ');
}
