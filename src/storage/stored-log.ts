/**
 * The logical content of a Raft node's storage: hard state, snapshot point and
 * the log entries after it. Both storages keep one as the state "after every
 * call so far"; WAL recovery rebuilds one by replaying records. Keeping the
 * rules in one place is what makes replay agree with what save() promised.
 */
import type { Entry, HardState } from './types';
import type { CheckpointRecord } from './record-codec';

export class StoredLog {
  hardState: HardState = { term: 0, vote: null, commit: 0 };
  /** The log prefix up to here lives in a snapshot. (0, 0) when there is none. */
  snapshotIndex = 0;
  snapshotTerm = 0;
  /** Invariant: entries[k].index === snapshotIndex + 1 + k. */
  entries: Entry[] = [];

  lastIndex(): number {
    return this.snapshotIndex + this.entries.length;
  }

  /** Term of the entry at `index`, the snapshot term at the snapshot point, undefined if not held. */
  termAt(index: number): number | undefined {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    if (index < this.snapshotIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshotIndex - 1].term;
  }

  /**
   * Why `entries` (consecutive) cannot be appended, or null. Entries may
   * overlap the log (they replace it from their first index on) but may not
   * leave a gap after the last entry held.
   */
  appendProblem(entries: readonly Entry[]): string | null {
    if (entries.length === 0) return null;
    const first = entries[0].index;
    if (first > this.lastIndex() + 1) {
      return `entries start at index ${first} but the log ends at ${this.lastIndex()}: that would leave a gap ` +
        '(save a snapshot covering the gap first)';
    }
    return null;
  }

  /**
   * Raft's truncation rule: an entry at index i replaces every entry >= i.
   * Entries at or below the snapshot point are already committed and covered
   * by the snapshot, so they are skipped rather than rejected.
   */
  append(entries: readonly Entry[]): void {
    const fresh = entries.filter((e) => e.index > this.snapshotIndex);
    if (fresh.length === 0) return;
    const keep = fresh[0].index - this.snapshotIndex - 1;
    this.entries.length = Math.min(this.entries.length, keep);
    for (const e of fresh) this.entries.push(e);
  }

  /**
   * Move the snapshot point to (index, term) by the rule of the Raft paper §7:
   * if the log holds an entry with that index and term, the entries after it
   * stay; otherwise the whole log is discarded. Returns false (and changes
   * nothing) when the snapshot is not newer than the current one.
   */
  installSnapshot(index: number, term: number): boolean {
    if (index <= this.snapshotIndex) return false;
    if (this.termAt(index) === term) {
      this.entries = this.entries.slice(index - this.snapshotIndex);
    } else {
      this.entries = [];
    }
    this.snapshotIndex = index;
    this.snapshotTerm = term;
    return true;
  }

  resetTo(checkpoint: CheckpointRecord): void {
    this.snapshotIndex = checkpoint.snapshotIndex;
    this.snapshotTerm = checkpoint.snapshotTerm;
    this.hardState = checkpoint.hardState;
    this.entries = [...checkpoint.entries];
  }

  checkpoint(): CheckpointRecord {
    return {
      type: 'checkpoint',
      snapshotIndex: this.snapshotIndex,
      snapshotTerm: this.snapshotTerm,
      hardState: this.hardState,
      entries: this.entries,
    };
  }
}
