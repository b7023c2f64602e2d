/**
 * Majority arithmetic over a fixed voter set (Raft paper §5.2, §5.3). Kept
 * apart from the node so that the one place where "a quorum" is decided can be
 * read and tested on its own.
 */
import type { NodeId } from './types';

export function quorumSize(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

/**
 * The largest value v such that a majority of voters have a value >= v.
 * With match indexes this is the highest index replicated on a quorum; with
 * "tick at which the newest acknowledged heartbeat was sent" it is the start
 * of the newest lease a quorum has granted.
 */
export function quorumValue(voters: readonly NodeId[], valueOf: (id: NodeId) => number): number {
  if (voters.length === 0) return 0;
  const values = voters.map(valueOf).sort((a, b) => b - a);
  return values[quorumSize(voters.length) - 1];
}

export type VoteOutcome = 'won' | 'lost' | 'pending';

/** Granted votes win once they form a majority; rejections lose once a majority is impossible. */
export function voteOutcome(voters: readonly NodeId[], votes: ReadonlyMap<NodeId, boolean>): VoteOutcome {
  let granted = 0;
  let rejected = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === true) granted++;
    else if (v === false) rejected++;
  }
  const q = quorumSize(voters.length);
  if (granted >= q) return 'won';
  if (voters.length - rejected < q) return 'lost';
  return 'pending';
}

/**
 * Exactly three voters: the leader and any one follower are a quorum. Commit
 * by pair and the read index that allows for it (replication.ts, reads.ts)
 * rest on this; a membership change must re-decide it per configuration.
 */
export function pairIsQuorum(voters: readonly NodeId[]): boolean {
  return voters.length === 3;
}

/** True when the voters for which `isActive` holds form a majority. */
export function hasQuorum(voters: readonly NodeId[], isActive: (id: NodeId) => boolean): boolean {
  let n = 0;
  for (const id of voters) if (isActive(id)) n++;
  return n >= quorumSize(voters.length);
}
