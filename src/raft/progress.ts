/**
 * The leader's view of one follower's log (etcd's tracker.Progress, Raft
 * thesis §3.5/§10.2.1). Three states:
 *
 * - probe: the leader does not know where the follower's log matches; it
 *   sends at most one AppendEntries per heartbeat interval and backs `next`
 *   off on rejection.
 * - replicate: the follower is known to match at `match`; the leader streams
 *   AppendEntries optimistically (advancing `next` on send), bounded by the
 *   in-flight window (pipelining).
 * - snapshot: the entries the follower needs are compacted away; the leader
 *   streams a snapshot in chunks and sends no entries until it is installed.
 */
import type { ProgressState, ProgressStatus } from './types';

/** Bounded window of unacknowledged AppendEntries, by count and by bytes. */
export class Inflights {
  // Last index of each in-flight message, in send order (strictly increasing).
  private indexes: number[] = [];
  private sizes: number[] = [];
  private head = 0;
  private totalBytes = 0;

  constructor(private readonly maxCount: number, private readonly maxBytes: number) {}

  get count(): number {
    return this.indexes.length - this.head;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  full(): boolean {
    return this.count >= this.maxCount || (this.maxBytes > 0 && this.totalBytes >= this.maxBytes);
  }

  add(lastIndex: number, bytes: number): void {
    this.indexes.push(lastIndex);
    this.sizes.push(bytes);
    this.totalBytes += bytes;
  }

  /** An ack for `index` frees every message whose entries end at or below it. */
  freeLE(index: number): void {
    while (this.head < this.indexes.length && this.indexes[this.head] <= index) {
      this.totalBytes -= this.sizes[this.head];
      this.head++;
    }
    this.compactStorage();
  }

  /** Frees the oldest message: used when acks may have been lost, so the window cannot stay shut forever. */
  freeFirst(): void {
    if (this.count === 0) return;
    this.totalBytes -= this.sizes[this.head];
    this.head++;
    this.compactStorage();
  }

  reset(): void {
    this.indexes = [];
    this.sizes = [];
    this.head = 0;
    this.totalBytes = 0;
  }

  private compactStorage(): void {
    if (this.head > 64 && this.head * 2 > this.indexes.length) {
      this.indexes = this.indexes.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }
}

export class Progress {
  /** Highest index known to be replicated (durably) on the follower. */
  match = 0;
  /** Next index to send. */
  next: number;
  state: ProgressState = 'probe';
  /** Probe state: an AppendEntries is outstanding; wait for a reply or the next heartbeat. */
  probeSent = false;
  /** Snapshot state: index of the snapshot being sent and how much of its data the follower holds. */
  pendingSnapshot = 0;
  snapshotOffset = 0;
  /** Heard from since the last check-quorum window. */
  recentActive = false;
  /** Leader tick at which the newest heartbeat or append this follower acknowledged was sent (leases). */
  leaseAckedAt = Number.NEGATIVE_INFINITY;
  /** Leader tick of the last answer of any kind from this follower: read rounds ask the freshest first. */
  lastHeardAt = Number.NEGATIVE_INFINITY;
  /** Leader tick of the last append sent: a follower that just got one needs no heartbeat. */
  lastAppendAt = Number.NEGATIVE_INFINITY;
  /** The commit index this follower has been told, capped at what it was known to hold. */
  sentCommit = 0;
  /** Highest index a reply waits for at this follower (a command it forwarded to us). */
  commitWanted = 0;
  /** Ticks between sending an append and its ack, as last measured (adaptive batching). */
  ackRttTicks = Number.POSITIVE_INFINITY;
  readonly inflights: Inflights;

  constructor(next: number, maxInflightMsgs: number, maxInflightBytes: number) {
    this.next = next;
    this.inflights = new Inflights(maxInflightMsgs, maxInflightBytes);
  }

  becomeProbe(): void {
    // After a snapshot the follower holds at least the snapshot's index.
    const from = this.state === 'snapshot' ? Math.max(this.match, this.pendingSnapshot) : this.match;
    this.state = 'probe';
    this.next = from + 1;
    this.resetFlow();
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.next = this.match + 1;
    this.resetFlow();
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.state = 'snapshot';
    this.resetFlow();
    this.pendingSnapshot = snapshotIndex;
    this.snapshotOffset = 0;
  }

  /** A successful ack for `index`. Returns whether `match` advanced. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    if (this.next < index + 1) this.next = index + 1;
    return updated;
  }

  /**
   * A rejection of AppendEntries whose prevIndex was `rejected`; `probeHint`
   * is where the leader should probe next (from the follower's hint). Returns
   * false when the rejection is stale (answers an earlier message).
   */
  maybeDecrTo(rejected: number, probeHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      // Everything past match was sent optimistically; fall back to probing right after it.
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, probeHint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }

  toStatus(): ProgressStatus {
    return {
      state: this.state,
      match: this.match,
      next: this.next,
      inflight: this.inflights.count,
      recentActive: this.recentActive,
    };
  }

  private resetFlow(): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.snapshotOffset = 0;
    this.inflights.reset();
  }
}
