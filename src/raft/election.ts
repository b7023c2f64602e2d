/**
 * Elections: role changes, the election timer, pre-vote and vote campaigns,
 * answering (pre-)vote requests, leader stickiness and check-quorum (Raft
 * paper §5.2, §5.4.1; thesis §4.2.3, §6.2, §9.6).
 */
import type { Message, NodeId } from './types';
import { invariant } from './errors';
import { Progress } from './progress';
import { hasQuorum, voteOutcome } from './quorum';
import { dropForwardedReads, dropLeaderReads } from './reads';
import { appendAsLeader } from './replication';
import type { RaftState } from './state';

// ---------------------------------------------------------------------------
// Roles

export function becomeFollower(s: RaftState, term: number, leader: NodeId | null): void {
  const wasLeader = s.role === 'leader';
  reset(s, term);
  s.role = 'follower';
  s.leader = leader;
  if (leader !== null) s.leaderContactAt = s.now;
  if (wasLeader) dropLeaderReads(s);
}

function becomePreCandidate(s: RaftState): void {
  invariant(s.role !== 'leader', () => 'a leader cannot become a pre-candidate');
  // Pre-vote changes neither term nor vote (thesis §9.6): a partitioned node cannot inflate terms.
  s.role = 'pre-candidate';
  s.leader = null;
  s.votes = new Map([[s.id, true]]);
  dropForwardedReads(s);
}

function becomeCandidate(s: RaftState): void {
  invariant(s.role !== 'leader', () => 'a leader cannot become a candidate');
  reset(s, s.term + 1);
  s.role = 'candidate';
  s.vote = s.id;
  s.votes = new Map([[s.id, true]]);
}

function becomeLeader(s: RaftState): void {
  invariant(s.role === 'candidate', () => `only a candidate can become leader (was ${s.role})`);
  reset(s, s.term);
  invariant(s.log.lastTerm() <= s.term, () => `new leader of term ${s.term} holds entries of term ${s.log.lastTerm()}`);
  s.role = 'leader';
  s.leader = s.id;
  const last = s.log.lastIndex();
  for (const id of s.peers) {
    s.progress.set(id, new Progress(last + 1, s.cfg.maxInflightMsgs, s.cfg.maxInflightBytes));
  }
  // A no-op of the new term: committing it commits every earlier entry
  // (§5.4.2) and lets ReadIndex start (thesis §6.4).
  appendAsLeader(s, [{ index: last + 1, term: s.term, kind: 'noop', data: '' }]);
}

/** Common part of every role change. */
function reset(s: RaftState, term: number): void {
  if (term !== s.term) {
    invariant(term > s.term, () => `term would go back from ${s.term} to ${term}`);
    s.term = term;
    s.vote = null;
  }
  s.leader = null;
  resetTimers(s);
  s.votes = new Map();
  s.progress.clear();
  s.leadTransferee = null;
  s.transferElapsed = 0;
  s.leaseForfeited = false;
  dropForwardedReads(s);
}

export function resetTimers(s: RaftState): void {
  s.electionElapsed = 0;
  s.heartbeatElapsed = 0;
  s.randomizedElectionTimeout = s.cfg.electionTicks + Math.floor(s.cfg.random() * s.cfg.electionTicks);
}

// ---------------------------------------------------------------------------
// Time

/** A follower's or candidate's tick: campaign once the randomized timeout runs out (voters only). */
export function tickElection(s: RaftState): void {
  if (!s.mayCampaign()) {
    // A learner, or a node removed from the configuration, never stands for election.
    s.electionElapsed = 0;
    return;
  }
  s.electionElapsed++;
  if (s.electionElapsed >= s.randomizedElectionTimeout) {
    s.electionElapsed = 0;
    hup(s);
  }
}

/**
 * The leader's check once per election timeout. Returns false when the
 * leader stepped down (the rest of its tick must not run).
 */
export function checkQuorum(s: RaftState): boolean {
  if (!s.cfg.checkQuorum) return true;
  const active = hasQuorum(s.quorum, (id) => id === s.id || s.pr(id).recentActive);
  for (const pr of s.progress.values()) pr.recentActive = false;
  if (active) return true;
  // Check-quorum (thesis §6.2): a leader cut off from a majority
  // steps down, so clients stop waiting on it and reads stop.
  becomeFollower(s, s.term, null);
  s.leaderContactAt = Number.NEGATIVE_INFINITY;
  return false;
}

// ---------------------------------------------------------------------------
// Campaigns

function hup(s: RaftState): void {
  if (s.role === 'leader') return;
  if (s.cfg.preVote) preCampaign(s);
  else campaign(s, false);
}

function preCampaign(s: RaftState): void {
  becomePreCandidate(s);
  if (voteOutcome(s.quorum, s.votes) === 'won') {
    campaign(s, false);
    return;
  }
  for (const to of s.voterPeers) {
    s.send({ type: 'pre-vote', from: s.id, to, term: s.term + 1, lastIndex: s.log.lastIndex(), lastTerm: s.log.lastTerm() });
  }
}

/** `transfer`: the leader asked for this election (TimeoutNow), so voters skip stickiness. */
export function campaign(s: RaftState, transfer: boolean): void {
  becomeCandidate(s);
  if (voteOutcome(s.quorum, s.votes) === 'won') {
    becomeLeader(s);
    return;
  }
  for (const to of s.voterPeers) {
    s.send({ type: 'vote', from: s.id, to, term: s.term, lastIndex: s.log.lastIndex(), lastTerm: s.log.lastTerm(), transfer });
  }
}

/** Leader stickiness (thesis §4.2.3/§9.6): ignore disruptive (pre)votes while a live leader is known. */
export function inLeaderLease(s: RaftState): boolean {
  if (!s.cfg.checkQuorum) return false;
  if (s.role === 'leader') return true;
  return s.now - s.leaderContactAt < s.cfg.electionTicks;
}

// ---------------------------------------------------------------------------
// Votes

export function handleVoteRequest(s: RaftState, m: Message & { type: 'pre-vote' | 'vote' }): void {
  const faults = s.cfg.faults;
  const canVote =
    s.vote === m.from ||
    (s.vote === null && s.leader === null) ||
    (m.type === 'pre-vote' && m.term > s.term) ||
    (m.type === 'vote' && faults.grantTwoVotesPerTerm === true && s.role !== 'leader');
  const upToDate = faults.skipLogUpToDateCheck === true || s.log.isUpToDate(m.lastIndex, m.lastTerm);
  const grant = canVote && upToDate;
  if (m.type === 'pre-vote') {
    s.send({ type: 'pre-vote-resp', from: s.id, to: m.from, term: grant ? m.term : s.term, reject: !grant });
    return;
  }
  if (grant) {
    s.electionElapsed = 0;
    s.vote = m.from;
  }
  s.send({ type: 'vote-resp', from: s.id, to: m.from, term: s.term, reject: !grant });
}

export function tally(s: RaftState, from: NodeId, granted: boolean): void {
  if (!s.votes.has(from)) s.votes.set(from, granted);
  const outcome = voteOutcome(s.quorum, s.votes);
  if (outcome === 'won') {
    if (s.role === 'pre-candidate') campaign(s, false);
    else becomeLeader(s);
  } else if (outcome === 'lost') {
    becomeFollower(s, s.term, null);
  }
}
