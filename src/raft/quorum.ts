/**
 * Majority arithmetic (Raft paper §5.2, §5.3; thesis §4.3). A decision needs
 * a majority of every group: one group normally, two during a joint
 * configuration (old voters and new voters). Kept apart from the node so that
 * the one place where "a quorum" is decided can be read and tested on its own;
 * which groups apply is the state's business (RaftState.quorum).
 */
import type { NodeId } from './types';

/** Voters whose answers count, and how many of them a decision needs. */
export interface Majority {
  ids: readonly NodeId[];
  needed: number;
}

export function quorumSize(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

export function majorityOf(ids: readonly NodeId[]): Majority {
  return { ids, needed: quorumSize(ids.length) };
}

/**
 * The largest value v such that, in every group, `needed` voters have a
 * value >= v. With match indexes this is the highest index replicated on a
 * quorum; with "tick at which the newest acknowledged heartbeat was sent" it
 * is the start of the newest lease a quorum has granted.
 */
export function quorumValue(groups: readonly Majority[], valueOf: (id: NodeId) => number): number {
  let v = Number.POSITIVE_INFINITY;
  for (const g of groups) {
    if (g.ids.length === 0) continue;
    const values = g.ids.map(valueOf).sort((a, b) => b - a);
    v = Math.min(v, g.needed <= values.length ? values[g.needed - 1] : Number.NEGATIVE_INFINITY);
  }
  return v === Number.POSITIVE_INFINITY ? 0 : v;
}

export type VoteOutcome = 'won' | 'lost' | 'pending';

/** Won once every group has a majority of grants; lost once some group can no longer reach one. */
export function voteOutcome(groups: readonly Majority[], votes: ReadonlyMap<NodeId, boolean>): VoteOutcome {
  let allWon = true;
  for (const g of groups) {
    let granted = 0;
    let rejected = 0;
    for (const id of g.ids) {
      const v = votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    if (g.ids.length - rejected < g.needed) return 'lost';
    if (granted < g.needed) allWon = false;
  }
  return allWon ? 'won' : 'pending';
}

/** True when the voters for which `isActive` holds form a majority of every group. */
export function hasQuorum(groups: readonly Majority[], isActive: (id: NodeId) => boolean): boolean {
  for (const g of groups) {
    let n = 0;
    for (const id of g.ids) if (isActive(id)) n++;
    if (n < g.needed) return false;
  }
  return true;
}

/**
 * `a` and `b` alone are a quorum (with three voters: the leader and any one
 * follower). Commit by pair and the read shortcuts that rest on it
 * (replication.ts, reads.ts) hold exactly when this does, for the
 * configuration each side is in.
 */
export function pairIsQuorum(groups: readonly Majority[], a: NodeId, b: NodeId): boolean {
  return groups.length > 0 && hasQuorum(groups, (id) => id === a || id === b);
}
