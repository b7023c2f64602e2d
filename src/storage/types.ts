/**
 * The storage contract the Raft server drives. The record types themselves
 * (Entry, HardState, Snapshot, Recovered) belong to the Raft core.
 */
import type { Entry, HardState, Recovered, Snapshot } from '../raft/types';

export type { Entry, HardState, Recovered, Snapshot };

export interface RaftStorage {
  /** Read everything back at start: latest snapshot, hard state, log entries after the snapshot. Call once, first. */
  recover(): Promise<Recovered>;
  /**
   * Append records; resolves once they and everything queued before them are durable.
   * An entry at index i replaces every stored entry >= i (log truncation on conflict).
   * Calls made while a write/fsync is in flight are coalesced into the next single write + fsync.
   * Order of resolution = order of calls.
   */
  save(hardState: HardState | null, entries: Entry[]): Promise<void>;
  /**
   * Durably store a snapshot, then compact the log behind it. Follows the Raft paper's InstallSnapshot
   * rule (§7): entries after the snapshot are kept only if the log holds the snapshot's own
   * (index, term); otherwise the whole log is discarded. A snapshot not newer than the current one is ignored.
   */
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  /** Waits for queued writes, then releases files. Later calls reject. */
  close(): Promise<void>;
}

/** Where storage reports recovery repairs and compaction (one line each). */
export type StorageLogger = (line: string) => void;

/** Raised for calls the storage cannot honour (bad arguments, wrong order, closed, failed). */
export class StorageError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = 'StorageError';
  }
}
