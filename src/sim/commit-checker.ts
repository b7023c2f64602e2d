/**
 * Raft's State Machine Safety property (paper §5.4.3), checked directly on
 * what the nodes make durable: once any node has stored a commit index c with
 * entry (i, term t) in its log for some i <= c, no node may ever store a
 * commit index covering i with a different term at i. Histories only show a
 * violation when a client happened to observe the lost entry; this shows it
 * the moment two nodes disagree about a committed entry.
 *
 * Fed from the storage port (see watched-storage.ts): every save()'s hard
 * state and entries, every snapshot, every recovery, in call order per node.
 */
import type { Entry, HardState, Recovered, Snapshot } from '../raft';

interface NodeLog {
  /** Term of each index this node's storage was asked to hold (entries after the snapshot). */
  terms: Map<number, number>;
  lastIndex: number;
  snapshotIndex: number;
  /** Highest commit index already checked for this node. */
  checked: number;
}

export class CommitChecker {
  /** index -> term of the entry committed there, as first reported by any node. */
  private readonly committed = new Map<number, { term: number; node: string }>();
  private readonly logs = new Map<string, NodeLog>();
  readonly violations: string[] = [];

  recovered(node: string, r: Recovered): void {
    const log: NodeLog = { terms: new Map(), lastIndex: 0, snapshotIndex: 0, checked: 0 };
    this.logs.set(node, log);
    if (r.snapshot) this.snapshot(node, r.snapshot);
    this.append(log, r.entries);
    this.commit(node, log, r.hardState.commit);
  }

  saved(node: string, hardState: HardState | null, entries: readonly Entry[]): void {
    const log = this.logs.get(node);
    if (!log) return;
    this.append(log, entries);
    if (hardState) this.commit(node, log, hardState.commit);
  }

  snapshot(node: string, snapshot: Snapshot): void {
    const log = this.logs.get(node);
    if (!log) return;
    const { index, term } = snapshot.meta;
    this.agree(node, index, term);
    if (index <= log.snapshotIndex) return;
    // InstallSnapshot rule: keep the suffix only if the log holds the snapshot's own entry.
    const keep = log.terms.get(index) === term;
    for (const i of [...log.terms.keys()]) if (!keep || i <= index) log.terms.delete(i);
    log.snapshotIndex = index;
    if (!keep || log.lastIndex < index) log.lastIndex = index;
    log.checked = Math.max(log.checked, index);
  }

  private append(log: NodeLog, entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    // An entry at index i replaces every stored entry >= i (conflict truncation).
    for (let i = entries[0].index; i <= log.lastIndex; i++) log.terms.delete(i);
    for (const e of entries) log.terms.set(e.index, e.term);
    log.lastIndex = entries[entries.length - 1].index;
  }

  private commit(node: string, log: NodeLog, commit: number): void {
    const upTo = Math.min(commit, log.lastIndex);
    for (let i = Math.max(log.checked, log.snapshotIndex) + 1; i <= upTo; i++) {
      const term = log.terms.get(i);
      if (term !== undefined) this.agree(node, i, term);
    }
    log.checked = Math.max(log.checked, upTo);
  }

  private agree(node: string, index: number, term: number): void {
    const first = this.committed.get(index);
    if (!first) {
      this.committed.set(index, { term, node });
      return;
    }
    if (first.term !== term && this.violations.length < 10) {
      this.violations.push(`committed entry ${index} differs: term ${first.term} on ${first.node}, term ${term} on ${node}`);
    }
  }
}
