/**
 * Leadership transfer (thesis §3.10): the leader brings the transferee's log
 * up to date, then sends it TimeoutNow so it campaigns at once; a transferee
 * that has not taken over within an election timeout is given up on.
 * Proposals are refused while a transfer runs, so the transferee can catch up.
 */
import type { NodeId } from './types';
import { campaign } from './election';
import { sendAppend } from './replication';
import type { RaftState } from './state';

/** Leader only (a no-op elsewhere, or when `to` is not a voter). */
export function startTransfer(s: RaftState, to: NodeId): void {
  if (s.role !== 'leader' || to === s.id || !s.voterPeers.includes(to)) return;
  if (s.leadTransferee === to) return;
  s.leadTransferee = to;
  s.transferElapsed = 0;
  const pr = s.pr(to);
  if (pr.match === s.log.lastIndex()) sendTimeoutNow(s, to);
  else sendAppend(s, to, true);
}

/** Leader's tick: abort a transfer that did not complete within an election timeout. */
export function tickTransfer(s: RaftState): void {
  if (s.leadTransferee !== null && ++s.transferElapsed >= s.cfg.electionTicks) {
    s.leadTransferee = null; // the transferee did not take over in time
  }
}

/** After an append ack from `from`: if it is the transferee and now holds our whole log, hand over. */
export function transferIfCaughtUp(s: RaftState, from: NodeId): void {
  if (from === s.leadTransferee && s.pr(from).match === s.log.lastIndex()) sendTimeoutNow(s, from);
}

function sendTimeoutNow(s: RaftState, to: NodeId): void {
  // From here on a (possibly delayed) TimeoutNow can elect `to` at any
  // moment, bypassing stickiness: this leader's lease is over for good.
  s.leaseForfeited = true;
  s.send({ type: 'timeout-now', from: s.id, to, term: s.term });
}

/**
 * A leader leaving office on purpose (removed from the configuration): hand
 * over to the voter that holds our whole log, if one does, so the cluster
 * need not wait out an election timeout.
 */
export function handOverOnLeaving(s: RaftState): void {
  const last = s.log.lastIndex();
  const heir = s.voterPeers.find((id) => s.pr(id).match === last);
  if (heir !== undefined) sendTimeoutNow(s, heir);
}

/** A TimeoutNow from the leader of our term. */
export function handleTimeoutNow(s: RaftState): void {
  // Only the leader of our term sends it; a pre-candidate or candidate ignores it, and so does a non-voter.
  if (s.role === 'follower' && s.mayCampaign()) campaign(s, true);
}
