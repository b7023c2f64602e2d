/**
 * Counters for the periodic stderr line: quiet when idle, one line per
 * interval when busy, so a Maelstrom node log shows batch sizes and in-flight
 * depth without drowning in per-request noise.
 */
import type { RaftStatus } from '../raft';
import type { PeerOutboxStats } from './peer-outbox';

/** Latency histogram with power-of-two millisecond buckets. */
export class LatencyHistogram {
  private readonly buckets: number[] = [];
  private count = 0;

  record(ms: number): void {
    const bucket = ms <= 1 ? 0 : Math.ceil(Math.log2(ms));
    this.buckets[bucket] = (this.buckets[bucket] ?? 0) + 1;
    this.count++;
  }

  /** Upper bound (ms) of the bucket holding quantile q, or null when empty. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    let seen = 0;
    for (let b = 0; b < this.buckets.length; b++) {
      seen += this.buckets[b] ?? 0;
      if (seen >= q * this.count) return 2 ** b;
    }
    return 2 ** (this.buckets.length - 1);
  }

  reset(): void {
    this.buckets.length = 0;
    this.count = 0;
  }
}

export class ServerStats {
  writes = 0;
  reads = 0;
  proposals = 0;
  proposedEntries = 0;
  readRounds = 0;
  diskWrites = 0;
  applied = 0;
  duplicates = 0;
  timeouts = 0;
  unavailable = 0;
  readonly latency = new LatencyHistogram();
  private lastActivity = -1;

  /** One summary line, or null when nothing happened since the last one. */
  takeLine(status: RaftStatus | null, peer: PeerOutboxStats, pending: number, sessions: number): string | null {
    const activity = this.writes + this.reads + this.applied;
    if (activity === this.lastActivity) return null;
    this.lastActivity = activity;
    const inflight = status?.progress
      ? Object.values(status.progress).map((p) => p.inflight).join('/')
      : '-';
    const batch = this.proposals > 0 ? (this.proposedEntries / this.proposals).toFixed(1) : '-';
    const line =
      `stats: role=${status?.role ?? '-'} term=${status?.term ?? 0} commit=${status?.commit ?? 0} ` +
      `writes=${this.writes} reads=${this.reads} proposals=${this.proposals} avg-batch=${batch} ` +
      `read-rounds=${this.readRounds} forwarded=${peer.forwardedCommands} raft-msgs=${peer.raftMessages} ` +
      `peer-envelopes=${peer.envelopes} disk-writes=${this.diskWrites} applied=${this.applied} ` +
      `dups=${this.duplicates} timeouts=${this.timeouts} unavailable=${this.unavailable} pending=${pending} ` +
      `sessions=${sessions} inflight=${inflight} p50<=${this.latency.quantile(0.5) ?? '-'}ms p99<=${this.latency.quantile(0.99) ?? '-'}ms`;
    this.latency.reset();
    return line;
  }
}
