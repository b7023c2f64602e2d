/**
 * Drains the core's Ready batches and keeps the durability contract of
 * src/raft/node.ts: what may leave at once leaves at once, what promises
 * durable state waits for the disk, and storage writes are ordered.
 */
import type { Entry, Message, ReadState, Ready, Snapshot, SoftState } from '../raft';
import type { ServerContext } from './context';

/** What the rest of the server does with the parts of a Ready, in the order processReady calls them. */
export interface ReadyHooks {
  onSoftState(soft: SoftState): void;
  restoreSnapshot(snapshot: Snapshot): void;
  apply(entries: readonly Entry[]): void;
  onReads(readStates: readonly ReadState[], droppedReads: readonly string[]): void;
  /** After advance(): answer reads whose index is now applied. */
  serveReads(): void;
  /** After advance(): take a local snapshot when one is due. */
  maybeSnapshot(): void;
  fail(reason: string): void;
}

export class ReadyLoop {
  private readyScheduled = false;
  private snapshotBarrier: Promise<void> | null = null;
  /** Resolves once every storage write issued so far is durable. */
  private writeTail: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: ServerContext, private readonly hooks: ReadyHooks) {}

  scheduleReady(): void {
    if (this.readyScheduled) return;
    this.readyScheduled = true;
    this.ctx.env.defer(() => {
      this.readyScheduled = false;
      this.processReady();
    });
  }

  /**
   * Drain the core's Ready batches. Order matters (see src/raft/node.ts):
   * `messages` may leave at once — the leader replicates before its own fsync —
   * but `persistedMessages` (votes, append acks) only after this batch's hard
   * state and entries are durable; `persisted()` then lets the leader count
   * itself toward the quorum.
   *
   * One deliberate difference from the core's recommended loop: committed
   * entries are applied (and answered) without waiting for this replica's own
   * fsync of the same batch. That is safe because "committed" already means
   * durable on a quorum that did not need this replica's unsynced copy (its
   * ack is only sent after the fsync), and it takes one disk latency off every
   * reply on followers. After a crash the entries are re-learned and re-applied.
   */
  private processReady(): void {
    const raft = this.ctx.raft;
    if (!raft || this.ctx.timers.stopped) return;
    while (raft.hasReady()) {
      const rd = raft.ready();
      if (rd.softState) this.hooks.onSoftState(rd.softState);
      this.queueRaft(rd.messages);
      if (rd.snapshot) this.hooks.restoreSnapshot(rd.snapshot);
      this.persist(rd);
      this.hooks.apply(rd.committedEntries);
      this.hooks.onReads(rd.readStates, rd.droppedReads);
      raft.advance();
      this.hooks.serveReads();
      this.hooks.maybeSnapshot();
    }
  }

  /**
   * Make one Ready durable, then release what waited for it. Three rules:
   * - storage.save() calls go out at once (storage group-commits them and
   *   resolves in call order), so a busy leader pipelines its disk writes;
   * - a received snapshot is a barrier: writes issued after it wait for it;
   * - a batch's persistedMessages and persisted() wait for `writeTail`, i.e.
   *   for its own write AND every earlier one — even a batch with nothing to
   *   write may carry an ack for entries an earlier write still holds.
   */
  private persist(rd: Ready): void {
    const storage = this.ctx.storage!;
    const lastEntry = rd.entries.length > 0 ? rd.entries[rd.entries.length - 1] : null;
    // What persisted() reports: the last entry, or the snapshot's position when there are none.
    const last = lastEntry ?? (rd.snapshot ? { index: rd.snapshot.meta.index, term: rd.snapshot.meta.term } : null);
    const hardState = rd.hardState;
    const entries = rd.entries;
    const hasWrite = hardState !== null || entries.length > 0;
    const write = (): Promise<void> => (hasWrite ? storage.save(hardState, entries) : Promise.resolve());
    let done: Promise<void> | null = null;
    if (rd.snapshot) {
      const snapshot = rd.snapshot;
      done = this.writeTail.then(() => storage.saveSnapshot(snapshot)).then(write);
      const barrier: Promise<void> = done.then(() => {
        if (this.snapshotBarrier === barrier) this.snapshotBarrier = null;
      });
      this.snapshotBarrier = barrier;
    } else if (hasWrite) {
      done = this.snapshotBarrier ? this.snapshotBarrier.then(write) : write();
    }
    if (done) {
      this.ctx.stats.diskWrites++;
      const previous = this.writeTail;
      this.writeTail = done.then(() => previous);
    }
    if (!done && rd.persistedMessages.length === 0) return;
    const messages = rd.persistedMessages;
    this.writeTail.then(
      () => {
        if (this.ctx.timers.stopped) return;
        this.queueRaft(messages);
        if (last) this.ctx.raft?.persisted(last.index, last.term);
        this.scheduleReady();
      },
      // Acknowledging without durability would break the contract; stop instead.
      (e: unknown) => this.hooks.fail(`write to storage failed: ${(e as Error).message}`),
    );
  }

  /**
   * A local snapshot, saved only after every earlier write is durable: the
   * snapshot must never cover entries (or a term) that the disk does not
   * hold yet.
   */
  saveSnapshot(snapshot: Snapshot): void {
    const storage = this.ctx.storage!;
    this.writeTail
      .then(() => storage.saveSnapshot(snapshot))
      .catch((e: unknown) => this.ctx.env.log(`snapshot save failed: ${(e as Error).message}`));
  }

  private queueRaft(messages: readonly Message[]): void {
    if (messages.length > 0) this.ctx.peers.raft(messages);
  }
}
