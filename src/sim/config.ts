/**
 * What one simulated run does, chosen entirely from its seed: cluster size,
 * the server's tunables, the network's latency shape, which faults are in the
 * mix and how often they strike. Printing a SimConfig (describeConfig) tells
 * a reader what a failing seed exercised; the seed alone reproduces it.
 */
import type { TestingFaults } from '../raft';
import { Rng } from '../runner/rng';
import { DEFAULT_OPTIONS } from '../server/options';
import type { ServerTestingFaults } from '../server/server';

export type LatencyShape = 'constant' | 'uniform' | 'exponential' | 'spiky';

export interface NetworkProfile {
  shape: LatencyShape;
  /** Mean one-way latency of a node-to-node message, ms. */
  meanMs: number;
  /** Loss / duplication probabilities while the corresponding fault is active. */
  loss: number;
  duplicate: number;
}

export type FaultKind = 'partition' | 'crash' | 'pause' | 'loss' | 'duplicate' | 'slow-network' | 'disk-slow' | 'leader-strike' | 'membership' | 'transfer';
export const FAULT_KINDS: readonly FaultKind[] = ['partition', 'crash', 'pause', 'loss', 'duplicate', 'slow-network', 'disk-slow', 'leader-strike', 'membership', 'transfer'];
/** The kinds drawn first, each with an even chance (the later ones are drawn at the end; see chooseConfig). */
const FIRST_DRAWN_KINDS: readonly FaultKind[] = ['partition', 'crash', 'pause', 'loss', 'duplicate', 'slow-network', 'disk-slow'];
/** Admin faults (admin-faults.ts): drawn from a generator of their own, so every other draw of a seed stays as it was. */
const ADMIN_KINDS: readonly FaultKind[] = ['membership', 'transfer'];

/** The leader-strike fault (nemesis.ts, leaderElected). */
export interface StrikeProfile {
  /** The struck leader first sends k messages to its peers, k log-uniform in [0, maxMessages). */
  maxMessages: number;
  /** Mean length of a strike (exponential), ms. */
  meanMs: number;
}

export interface Tunables {
  nodeCount: 3 | 5 | 7;
  batching: boolean;
  pipelining: boolean;
  maxInflightMsgs: number;
  /** Entry bytes per AppendEntries (and per proposal batch) when batching is on. */
  maxBatchBytes: number;
  /** Length of a Raft tick; elections time out after 20-40 ticks, heartbeats every 5. */
  tickMs: number;
  readMode: 'read-index' | 'lease';
  snapshotInterval: number;
}

export interface BrokenSwitches {
  server?: ServerTestingFaults;
  raft?: TestingFaults;
}

export interface Phases {
  /** Faults strike during [0, faultMs) of the client phase. */
  faultMs: number;
  /** After every fault is healed the cluster has this long to recover... */
  recoveryMs: number;
  /** ...and must then serve every operation invoked in this final window. */
  finalMs: number;
}

export interface SimConfig {
  seed: number;
  workload: string;
  tunables: Tunables;
  network: NetworkProfile;
  faults: FaultKind[];
  /** Mean virtual time between a fault's start and stop (and stop and next start), ms. */
  faultMeanMs: number;
  strike: StrikeProfile;
  /**
   * Per-node clock rate in [1 - driftBound, 1 + driftBound]. The Raft core's
   * leases assume tick rates differ by less than (electionTicks - leaseTicks)
   * / electionTicks = 10% with the defaults; 2% each way stays inside it.
   */
  clockRates: number[];
  /** Client ops per second across all workers. */
  rate: number;
  phases: Phases;
  broken: BrokenSwitches;
}

export const DRIFT_BOUND = 0.02;

/** The server's default election timeout in ticks (src/server/options.ts). */
const ELECTION_TICKS = DEFAULT_OPTIONS.electionTicks;

export const DEFAULT_PHASES: Phases = { faultMs: 5000, recoveryMs: 3000, finalMs: 1500 };

export interface ConfigOverrides {
  nodeCount?: 3 | 5 | 7;
  batching?: boolean;
  pipelining?: boolean;
  faults?: FaultKind[];
  /** Kinds added to the drawn mix (ignored with `faults`). */
  addFaults?: FaultKind[];
  phases?: Partial<Phases>;
  broken?: BrokenSwitches;
  readMode?: 'read-index' | 'lease';
  rate?: number;
}

/** Draw a configuration from `seed`; overrides pin parts of it (tests, hunting a switch). */
export function chooseConfig(seed: number, workload: string, overrides: ConfigOverrides = {}): SimConfig {
  const rng = new Rng(`sim-config:${seed}`);
  const nodeCount = overrides.nodeCount ?? rng.pick([3, 3, 5, 5, 7] as const);
  const drawnPipelining = rng.float() < 0.7;
  const pipelining = overrides.pipelining ?? drawnPipelining;
  const drawnBatching = rng.float() < 0.7;
  const tunables: Tunables = {
    nodeCount,
    batching: overrides.batching ?? drawnBatching,
    pipelining,
    maxInflightMsgs: pipelining ? rng.pick([4, 32, 256]) : 1,
    maxBatchBytes: 64 * 1024, // drawn below
    tickMs: 10, // drawn below
    readMode: overrides.readMode ?? (rng.float() < 0.5 ? 'read-index' : 'lease'),
    // Small intervals make snapshots, compaction and InstallSnapshot happen within a short run.
    snapshotInterval: rng.pick([10_000, 200, 50]),
  };
  const network: NetworkProfile = {
    shape: rng.pick(['constant', 'uniform', 'exponential', 'spiky'] as const),
    meanMs: rng.pick([1, 2, 5, 10]),
    loss: rng.pick([0.05, 0.2, 0.5]),
    duplicate: rng.pick([0.05, 0.2]),
  };
  let faults: FaultKind[];
  if (overrides.faults) faults = [...overrides.faults];
  else {
    // Every fault has an even chance; about one seed in eight runs fault-free (pure concurrency).
    faults = FIRST_DRAWN_KINDS.filter(() => rng.float() < 0.45);
  }
  const clockRates = Array.from({ length: nodeCount }, () => 1 + (rng.float() * 2 - 1) * DRIFT_BOUND);
  const drawnRate = rng.pick([50, 100, 200]);
  const faultMeanMs = rng.pick([150, 400, 1000]);
  // Drawn after everything else, so that adding them left every earlier draw of a seed as it was.
  if (rng.float() < 0.45 && !overrides.faults) faults.push('leader-strike');
  // Small batches (a few entries per AppendEntries): a lagging follower is caught up in many
  // steps, each acknowledged on its own, as with batching off.
  tunables.maxBatchBytes = rng.pick([64 * 1024, 64 * 1024, 1024, 128]);
  // Shorter ticks (elections in 100-200 ms instead of 200-400 ms): more leader changes per run.
  tunables.tickMs = rng.pick([10, 10, 5]);
  const electionMs = ELECTION_TICKS * tunables.tickMs;
  const strike: StrikeProfile = {
    maxMessages: rng.pick([4, 8]),
    meanMs: rng.pick([0.75, 1.5]) * electionMs,
  };
  // Stop-and-wait with one entry per message replicates one entry per round trip:
  // at 200 ops/s over 10 ms links the cluster is simply overloaded and every
  // liveness window would fail. Keep that mode to loads it can carry.
  const slowestMode = !tunables.pipelining && (!tunables.batching || tunables.maxBatchBytes < 1024);
  if (slowestMode) network.meanMs = Math.min(network.meanMs, 2);
  if (!overrides.faults) {
    const adminRng = new Rng(`sim-config-admin:${seed}`);
    for (const kind of ADMIN_KINDS) if (adminRng.float() < 0.35) faults.push(kind);
    for (const kind of overrides.addFaults ?? []) if (!faults.includes(kind)) faults.push(kind);
  }
  return {
    seed,
    workload,
    tunables,
    network,
    faults,
    faultMeanMs,
    strike,
    clockRates,
    rate: overrides.rate ?? (slowestMode ? 50 : drawnRate),
    phases: { ...DEFAULT_PHASES, ...overrides.phases },
    broken: overrides.broken ?? {},
  };
}

/** One line: what the seed exercises. */
export function describeConfig(c: SimConfig): string {
  const t = c.tunables;
  const brokenNames = [...Object.keys(c.broken.server ?? {}), ...Object.keys(c.broken.raft ?? {})];
  return [
    `${t.nodeCount} nodes`,
    `batching=${t.batching}`,
    `pipelining=${t.pipelining}(${t.maxInflightMsgs})`,
    t.batching && t.maxBatchBytes !== 64 * 1024 ? `max-batch=${t.maxBatchBytes}B` : '',
    t.tickMs !== 10 ? `tick=${t.tickMs}ms` : '',
    `read=${t.readMode}`,
    `snapshot-every=${t.snapshotInterval}`,
    `net=${c.network.shape}/${c.network.meanMs}ms`,
    `faults=[${c.faults.join(',')}]/${c.faultMeanMs}ms`,
    c.faults.includes('leader-strike') ? `strike=<${c.strike.maxMessages}msgs/${c.strike.meanMs}ms` : '',
    `rate=${c.rate}/s`,
    brokenNames.length > 0 ? `BROKEN=[${brokenNames.join(',')}]` : '',
  ]
    .filter((s) => s !== '')
    .join(' ');
}
