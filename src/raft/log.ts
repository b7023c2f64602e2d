/**
 * The replica's in-memory view of its log: an optional snapshot (everything
 * up to `snapshotIndex`, compacted) followed by contiguous entries. The log
 * also remembers which suffix has not yet been handed to storage through a
 * Ready (`unstableFrom`), so that the server persists each entry once, and
 * whether a received snapshot still has to be handed out.
 *
 * Invariants (checked, throwing RaftInvariantError):
 * - entries are contiguous, start at snapshotIndex + 1, and terms never decrease;
 * - committed entries are never truncated or replaced;
 * - committed never decreases and never exceeds lastIndex.
 *
 * It also tracks the configurations its entries set (`members`), because the
 * configuration in effect is a property of the log (membership.ts).
 */
import type { Entry, Snapshot } from './types';
import { invariant } from './errors';
import { MembershipHistory, membershipOfSnapshot, snapshotMeta, type Membership } from './membership';

export class RaftLog {
  /** Newest snapshot known locally (sent to followers that are too far behind). */
  snapshot: Snapshot | null;
  private snapIndex: number;
  private snapTerm: number;
  private entries: Entry[];
  committed: number;
  /** First index not yet handed to storage in a Ready. */
  unstableFrom: number;
  /** A snapshot received from the leader that storage has not been handed yet. */
  pendingSnapshot: Snapshot | null = null;
  /** The configurations this log holds; `members.current()` is the one in effect. */
  readonly members: MembershipHistory;

  constructor(snapshot: Snapshot | null, entries: Entry[], committed: number, boot: Membership) {
    this.snapshot = snapshot;
    this.snapIndex = snapshot ? snapshot.meta.index : 0;
    this.snapTerm = snapshot ? snapshot.meta.term : 0;
    this.members = snapshot ? new MembershipHistory(membershipOfSnapshot(snapshot.meta), this.snapIndex) : new MembershipHistory(boot, 0);
    this.entries = [];
    for (const e of entries) this.appendChecked(e);
    this.committed = Math.max(committed, this.snapIndex);
    invariant(this.committed <= this.lastIndex(), () => `recovered commit ${committed} is beyond the last index ${this.lastIndex()}`);
    this.unstableFrom = this.lastIndex() + 1;
  }

  firstIndex(): number {
    return this.snapIndex + 1;
  }

  lastIndex(): number {
    return this.snapIndex + this.entries.length;
  }

  lastTerm(): number {
    return this.entries.length === 0 ? this.snapTerm : this.entries[this.entries.length - 1].term;
  }

  snapshotIndex(): number {
    return this.snapIndex;
  }

  /** Term of the entry at `index`, or null if it is compacted away or beyond the end. */
  term(index: number): number | null {
    if (index === this.snapIndex) return this.snapTerm;
    if (index < this.snapIndex || index > this.lastIndex()) return null;
    return this.entries[index - this.snapIndex - 1].term;
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  entry(index: number): Entry | null {
    if (index <= this.snapIndex || index > this.lastIndex()) return null;
    return this.entries[index - this.snapIndex - 1];
  }

  /** Entries in [lo, hi); lo must not be compacted. */
  slice(lo: number, hi: number): Entry[] {
    invariant(lo > this.snapIndex, () => `slice from ${lo} but entries up to ${this.snapIndex} are compacted`);
    return this.entries.slice(lo - this.snapIndex - 1, Math.max(0, hi - this.snapIndex - 1));
  }

  /**
   * Entries from `lo` for one AppendEntries: at least one entry (if any
   * exist), then more while the data stays within `maxBytes`. maxBytes <= 1
   * turns batching off (exactly one entry).
   */
  batchFrom(lo: number, maxBytes: number): { entries: Entry[]; bytes: number } {
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i <= this.lastIndex(); i++) {
      const e = this.entries[i - this.snapIndex - 1];
      const size = e.data.length;
      if (out.length > 0 && (maxBytes <= 1 || bytes + size > maxBytes)) break;
      out.push(e);
      bytes += size;
    }
    return { entries: out, bytes };
  }

  /** §5.4.1: is a log ending at (lastIndex, lastTerm) at least as up-to-date as ours? */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /** Leader-side append of new entries at the end. */
  append(entries: Entry[]): void {
    for (const e of entries) this.appendChecked(e);
  }

  /**
   * Follower-side AppendEntries (§5.3). Returns the index of the last entry
   * the message vouches for, or null when (prevIndex, prevTerm) does not match.
   */
  maybeAppend(prevIndex: number, prevTerm: number, commit: number, entries: Entry[]): number | null {
    if (!this.matchTerm(prevIndex, prevTerm)) return null;
    const lastNew = prevIndex + entries.length;
    const conflict = this.findConflict(entries);
    if (conflict !== 0) {
      invariant(conflict > this.committed, () => `entry ${conflict} conflicts with the committed prefix (commit ${this.committed})`);
      const from = conflict - (prevIndex + 1);
      this.truncateAndAppend(entries.slice(from));
    }
    this.commitTo(Math.min(commit, lastNew));
    return lastNew;
  }

  /**
   * Index of the first entry of `entries` that is missing or has another term
   * locally (0 if all are present). Entries at or below the snapshot are
   * committed, hence equal, and skipped.
   */
  findConflict(entries: Entry[]): number {
    for (const e of entries) {
      if (e.index <= this.snapIndex) continue;
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * Fast backtracking: the largest index <= `index` whose term is <= `term`
   * (or the snapshot index if the search runs into it), with its term. Every
   * entry in (result, index] has a term > `term`, so none can match an entry
   * of the other log whose term is <= `term`.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    let i = Math.min(index, this.lastIndex());
    while (i > this.snapIndex) {
      const t = this.term(i) as number;
      if (t <= term) return { index: i, term: t };
      i--;
    }
    return { index: this.snapIndex, term: this.snapTerm };
  }

  commitTo(index: number): boolean {
    if (index <= this.committed) return false;
    invariant(index <= this.lastIndex(), () => `commit ${index} beyond last index ${this.lastIndex()}`);
    this.committed = index;
    return true;
  }

  /** Install a snapshot received from the leader: the whole log is replaced by it. */
  restore(snapshot: Snapshot): void {
    invariant(snapshot.meta.index > this.committed, () => `restoring snapshot ${snapshot.meta.index} at or below commit ${this.committed}`);
    this.snapshot = snapshot;
    this.pendingSnapshot = snapshot;
    this.snapIndex = snapshot.meta.index;
    this.snapTerm = snapshot.meta.term;
    this.entries = [];
    this.committed = snapshot.meta.index;
    this.unstableFrom = this.snapIndex + 1;
    this.members.reset(membershipOfSnapshot(snapshot.meta), snapshot.meta.index);
  }

  /** The application snapshotted its state at `index`: discard the prefix up to it. */
  compact(index: number, data: string): void {
    invariant(index > this.snapIndex && index <= this.committed, () => `compact(${index}) outside (${this.snapIndex}, ${this.committed}]`);
    const term = this.term(index) as number;
    this.entries = this.entries.slice(index - this.snapIndex);
    this.snapIndex = index;
    this.snapTerm = term;
    this.snapshot = { meta: snapshotMeta(index, term, this.members.at(index)), data };
    this.members.compactedTo(index);
    if (this.unstableFrom <= index) this.unstableFrom = index + 1;
  }

  /** Entries not yet handed to storage; marks them handed. */
  takeUnstable(): Entry[] {
    const out = this.unstableFrom <= this.lastIndex() ? this.slice(this.unstableFrom, this.lastIndex() + 1) : [];
    this.unstableFrom = this.lastIndex() + 1;
    return out;
  }

  hasUnstable(): boolean {
    return this.unstableFrom <= this.lastIndex();
  }

  private truncateAndAppend(entries: Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0].index;
    invariant(first > this.snapIndex && first <= this.lastIndex() + 1, () => `append at ${first} leaves a gap (log ${this.firstIndex()}..${this.lastIndex()})`);
    this.entries.length = first - this.snapIndex - 1;
    this.members.truncatedFrom(first);
    if (this.unstableFrom > first) this.unstableFrom = first;
    for (const e of entries) this.appendChecked(e);
  }

  private appendChecked(e: Entry): void {
    const expected = this.lastIndex() + 1;
    invariant(e.index === expected, () => `log matching: entry index ${e.index}, expected ${expected}`);
    invariant(e.term >= this.lastTerm(), () => `entry ${e.index} has term ${e.term} below the previous term ${this.lastTerm()}`);
    this.entries.push(e);
    this.members.appended(e);
  }
}
