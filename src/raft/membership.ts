/**
 * Cluster membership (Raft thesis §4.3, joint consensus).
 *
 * A configuration names who votes and who only listens. It lives in the log
 * as an entry of kind 'config' and is in effect on a replica as soon as that
 * replica APPENDS the entry, committed or not (thesis §4.1): every replica
 * always uses the newest configuration in its log, and falls back to the
 * previous one if the entry is truncated away. A change of voters goes
 * through a joint configuration (`outgoing` non-empty) in which every
 * decision — a vote, a commit, a lease, check-quorum — needs a majority of
 * the old voters AND a majority of the new ones; once the joint entry
 * commits, the leader appends the final configuration (`outgoing` empty).
 * Any two configurations that can be in effect at the same time therefore
 * share a voter in every pair of their quorums.
 *
 * Learners receive the log and snapshots but never vote, never campaign and
 * count toward no quorum. A node in neither list is removed: it keeps
 * running (Maelstrom's node ids never change) but the leader no longer
 * replicates to it.
 */
import type { Entry, NodeId, SnapshotMeta } from './types';
import { invariant } from './errors';

export interface Membership {
  /** The voters (during a joint configuration: the incoming ones). */
  voters: NodeId[];
  /** Non-empty only in a joint configuration: the outgoing voters. */
  outgoing: NodeId[];
  /** Non-voting members. May overlap `outgoing` (a voter being demoted), never `voters`. */
  learners: NodeId[];
}

export function isJoint(m: Membership): boolean {
  return m.outgoing.length > 0;
}

/** Everyone whose vote counts in some majority of `m`. */
export function votersOf(m: Membership): NodeId[] {
  if (!isJoint(m)) return m.voters;
  return [...new Set([...m.voters, ...m.outgoing])];
}

/** Everyone the leader replicates to (and itself): voters of both halves and learners. */
export function membersOf(m: Membership): NodeId[] {
  return [...new Set([...m.voters, ...m.outgoing, ...m.learners])];
}

export function sameMembers(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}

export function sameMembership(a: Membership, b: Membership): boolean {
  return sameMembers(a.voters, b.voters) && sameMembers(a.outgoing, b.outgoing) && sameMembers(a.learners, b.learners);
}

/** Why `m` cannot be a configuration of a cluster made of `cluster`, or null. */
export function membershipProblem(m: Membership, cluster: ReadonlySet<NodeId> | null): string | null {
  for (const [name, ids] of [['voters', m.voters], ['outgoing', m.outgoing], ['learners', m.learners]] as const) {
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return `${name} must be an array of node ids`;
    if (new Set(ids).size !== ids.length) return `${name} has duplicates`;
    if (cluster !== null) {
      const unknown = ids.filter((id) => !cluster.has(id));
      if (unknown.length > 0) return `${name}: unknown node(s) ${unknown.join(', ')}`;
    }
  }
  if (m.voters.length === 0) return 'voters must not be empty';
  const both = m.learners.filter((id) => m.voters.includes(id));
  if (both.length > 0) return `node(s) ${both.join(', ')} cannot be both voter and learner`;
  return null;
}

/** A configuration entry's data: compact JSON, `outgoing` only when joint. */
export function encodeMembership(m: Membership): string {
  const out: Record<string, NodeId[]> = { voters: m.voters, learners: m.learners };
  if (isJoint(m)) out.outgoing = m.outgoing;
  return JSON.stringify(out);
}

/** Parses a configuration entry's data, or returns null when it is not one. */
export function decodeMembership(data: string): Membership | null {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const m = { voters: o.voters, outgoing: o.outgoing ?? [], learners: o.learners ?? [] } as Membership;
  return membershipProblem(m, null) === null ? { voters: [...m.voters], outgoing: [...m.outgoing], learners: [...m.learners] } : null;
}

export function membershipOfSnapshot(meta: SnapshotMeta): Membership {
  return { voters: [...meta.voters], outgoing: [...(meta.outgoing ?? [])], learners: [...(meta.learners ?? [])] };
}

/** Snapshot metadata records the configuration in effect at its index (thesis §5.1); `outgoing` only when joint. */
export function snapshotMeta(index: number, term: number, m: Membership): SnapshotMeta {
  const meta: SnapshotMeta = { index, term, voters: [...m.voters], learners: [...m.learners] };
  if (isJoint(m)) meta.outgoing = [...m.outgoing];
  return meta;
}

/** A fresh copy of snapshot metadata (nothing shared with `meta`). */
export function copySnapshotMeta(meta: SnapshotMeta): SnapshotMeta {
  return snapshotMeta(meta.index, meta.term, membershipOfSnapshot(meta));
}

interface Placed {
  index: number;
  membership: Membership;
}

/**
 * The configurations a log holds, by index: the base (from the snapshot, or
 * the boot configuration at index 0) and one per config entry after it.
 * RaftLog keeps it in step with appends, truncations, compactions and
 * snapshot installs, so "the configuration in effect" is always the newest
 * entry here, and "the configuration at index i" is what governed i.
 */
export class MembershipHistory {
  private placed: Placed[];

  constructor(base: Membership, baseIndex: number) {
    this.placed = [{ index: baseIndex, membership: base }];
  }

  current(): Membership {
    return this.placed[this.placed.length - 1].membership;
  }

  /** Log index of the entry that set the current configuration (the base's index if none). */
  currentIndex(): number {
    return this.placed[this.placed.length - 1].index;
  }

  /** The configuration before the current one (the current one if there is none in memory). */
  previous(): Membership {
    return this.placed[Math.max(0, this.placed.length - 2)].membership;
  }

  /** The configuration in effect once the log reaches `index`. */
  at(index: number): Membership {
    for (let i = this.placed.length - 1; i > 0; i--) if (this.placed[i].index <= index) return this.placed[i].membership;
    return this.placed[0].membership;
  }

  appended(e: Entry): void {
    if (e.kind !== 'config') return;
    const m = decodeMembership(e.data);
    invariant(m !== null, () => `config entry ${e.index} does not hold a configuration`);
    this.placed.push({ index: e.index, membership: m });
  }

  /** Entries from `index` on are gone: so are the configurations they set. */
  truncatedFrom(index: number): void {
    while (this.placed.length > 1 && this.placed[this.placed.length - 1].index >= index) this.placed.pop();
  }

  /** The log prefix up to `index` is compacted: keep what governs `index` as the new base. */
  compactedTo(index: number): void {
    const base = this.at(index);
    this.placed = [{ index, membership: base }, ...this.placed.filter((p) => p.index > index)];
  }

  reset(base: Membership, index: number): void {
    this.placed = [{ index, membership: base }];
  }
}
