/**
 * The node's command line. Every tunable has a default that works for
 * Maelstrom's timeouts (lin-kv clients give up after 1 s): elections settle in
 * a few hundred milliseconds, heartbeats every 50 ms.
 */

export interface ServerOptions {
  /** Durable state lives in `<dataDir>/<node id>/`; null keeps everything in memory. */
  dataDir: string | null;
  tickMs: number;
  electionTicks: number;
  heartbeatTicks: number;
  /** Max bytes of entry data per AppendEntries; also caps one proposal batch. */
  maxBatchBytes: number;
  maxInflightMsgs: number;
  readMode: 'read-index' | 'lease';
  /** Take a snapshot (and compact the log) every this many applied entries. */
  snapshotInterval: number;
  /** Off: one entry per AppendEntries, one command per forward and per proposal. */
  batching: boolean;
  /**
   * Under load, at most one message per peer per this many ms (idle links send
   * at once). 0 = one message per peer per event-loop turn: measured faster at
   * every concurrency (lin-kv, 3 nodes: 9.1k vs 1.9k ops/s at 2n, 40.4k vs 35.1k
   * at 64n) and already below 0.1 server messages per op at peak load.
   */
  peerFlushMs: number;
  /** Off: at most one AppendEntries in flight per follower (stop-and-wait). */
  pipelining: boolean;
  /** Give up on a lin-kv request after this long (Maelstrom's client waits 1 s). */
  kvDeadlineMs: number;
  /** Give up on a transaction after this long (Maelstrom's client waits 5 s). */
  txnDeadlineMs: number;
  /** How long a request may wait for a leader to become known before a definite 11. */
  noLeaderWaitMs: number;
  /** A client request arriving while storage recovers waits this long, then gets a definite 11 "not ready". */
  recoveryWaitMs: number;
  /** Re-forward unanswered writes this often (safe: the session table dedups). */
  forwardRetryMs: number;
  /** Log counters every this many ms (0 = never). */
  statsIntervalMs: number;
  /** The first this many node ids vote at boot, the rest are learners; null = all vote. */
  voters: number | null;
  verbose: boolean;
}

export const DEFAULT_OPTIONS: ServerOptions = {
  dataDir: null,
  tickMs: 10,
  electionTicks: 20,
  heartbeatTicks: 5,
  maxBatchBytes: 64 * 1024,
  maxInflightMsgs: 256,
  readMode: 'read-index',
  snapshotInterval: 10_000,
  batching: true,
  peerFlushMs: 0,
  pipelining: true,
  kvDeadlineMs: 900,
  txnDeadlineMs: 4500,
  noLeaderWaitMs: 600,
  recoveryWaitMs: 200,
  forwardRetryMs: 250,
  statsIntervalMs: 10_000,
  voters: null,
  verbose: false,
};

export const HELP = `raft-node: a Raft node for Jepsen's Maelstrom (lin-kv, txn-list-append, txn-rw-register, echo, unique-ids)

Usage: raft-node [options]     (speaks Maelstrom's JSON-lines protocol on stdin/stdout; logs on stderr)

Options:
  --data-dir DIR            keep the WAL and snapshots in DIR/<node id>/ and recover them on start
                            (survives SIGKILL); default: state in memory only
  --tick-ms N               length of one Raft tick in ms (default ${DEFAULT_OPTIONS.tickMs})
  --election-ticks N        election timeout, randomized in [N, 2N) ticks (default ${DEFAULT_OPTIONS.electionTicks})
  --heartbeat-ticks N       leader heartbeat interval in ticks (default ${DEFAULT_OPTIONS.heartbeatTicks})
  --max-batch-bytes N       max bytes of entries per AppendEntries / proposal batch (default ${DEFAULT_OPTIONS.maxBatchBytes})
  --max-inflight N          AppendEntries in flight per follower (default ${DEFAULT_OPTIONS.maxInflightMsgs})
  --read-mode MODE          read-index (default) or lease (leader leases; reads skip the heartbeat round)
  --snapshot-interval N     snapshot and compact the log every N applied entries (default ${DEFAULT_OPTIONS.snapshotInterval})
  --peer-flush-ms N         under load, at most one message per peer per N ms; idle links send at once (default ${DEFAULT_OPTIONS.peerFlushMs})
  --no-batching             one command per proposal, forward, AppendEntries and message (for benchmarks)
  --no-pipelining           one AppendEntries in flight per follower (for benchmarks)
  --kv-deadline-ms N        answer an unfinished lin-kv request by then (default ${DEFAULT_OPTIONS.kvDeadlineMs})
  --txn-deadline-ms N       answer an unfinished transaction by then (default ${DEFAULT_OPTIONS.txnDeadlineMs})
  --no-leader-wait-ms N     wait this long for a leader before answering 11 temporarily-unavailable (default ${DEFAULT_OPTIONS.noLeaderWaitMs})
  --recovery-wait-ms N      a client request arriving while storage recovers waits this long, then gets
                            a definite 11 "not ready: recovering storage" (default ${DEFAULT_OPTIONS.recoveryWaitMs})
  --forward-retry-ms N      re-forward unanswered writes to the current leader this often (default ${DEFAULT_OPTIONS.forwardRetryMs})
  --stats-interval-ms N     log counters every N ms while busy, 0 = never (default ${DEFAULT_OPTIONS.statsIntervalMs})
  --voters K                at boot the first K of Maelstrom's node ids vote, the others are learners
                            (default: all vote); raft_reconfigure changes it later
  --verbose                 log every role change, forward retry and read batch
  --help                    print this text
`;

export class UsageError extends Error {}

const INTEGER_FLAGS: Record<string, keyof ServerOptions> = {
  '--tick-ms': 'tickMs',
  '--election-ticks': 'electionTicks',
  '--heartbeat-ticks': 'heartbeatTicks',
  '--max-batch-bytes': 'maxBatchBytes',
  '--max-inflight': 'maxInflightMsgs',
  '--snapshot-interval': 'snapshotInterval',
  '--kv-deadline-ms': 'kvDeadlineMs',
  '--txn-deadline-ms': 'txnDeadlineMs',
  '--no-leader-wait-ms': 'noLeaderWaitMs',
  '--forward-retry-ms': 'forwardRetryMs',
  '--recovery-wait-ms': 'recoveryWaitMs',
  '--stats-interval-ms': 'statsIntervalMs',
  '--peer-flush-ms': 'peerFlushMs',
};

/** Parse argv (without node and script). Throws UsageError with a fix-it message. */
export function parseOptions(argv: readonly string[]): ServerOptions | 'help' {
  const options: ServerOptions = { ...DEFAULT_OPTIONS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value (see --help)`);
      return v;
    };
    if (flag === '--help' || flag === '-h') return 'help';
    if (flag === '--data-dir') options.dataDir = value();
    else if (flag === '--read-mode') {
      const mode = value();
      if (mode !== 'read-index' && mode !== 'lease') throw new UsageError(`--read-mode must be read-index or lease, not "${mode}"`);
      options.readMode = mode;
    } else if (flag === '--no-batching') options.batching = false;
    else if (flag === '--no-pipelining') options.pipelining = false;
    else if (flag === '--verbose') options.verbose = true;
    else if (flag === '--voters') {
      const raw = value();
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--voters needs a positive integer (how many of the node ids vote), not "${raw}"`);
      options.voters = n;
    }
    else if (flag in INTEGER_FLAGS) {
      const raw = value();
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} needs a non-negative integer, not "${raw}"`);
      (options[INTEGER_FLAGS[flag]] as number) = n;
    } else {
      throw new UsageError(`unknown option "${flag}" (see --help)`);
    }
  }
  if (options.tickMs < 1) throw new UsageError('--tick-ms must be at least 1');
  if (options.heartbeatTicks < 1 || options.electionTicks <= options.heartbeatTicks) {
    throw new UsageError('--election-ticks must be greater than --heartbeat-ticks, which must be at least 1');
  }
  return options;
}
