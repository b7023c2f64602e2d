/**
 * Routing of one valid message (etcd's Step / stepLeader / stepFollower):
 * the term rules first — a higher term makes us a follower, a lower one is
 * answered so a stale sender learns it is behind — then the message goes to
 * the handler of its concern for our role. Structural checks happened
 * before (validate.ts, in RaftNode.step).
 */
import type { Message } from './types';
import { invariant } from './errors';
import { becomeFollower, handleVoteRequest, inLeaderLease, tally } from './election';
import { dropForwardedReads, handleReadIndexResponse, handleReadRequest } from './reads';
import { handleAppend, handleAppendResponse, handleHeartbeat, handleHeartbeatResponse } from './replication';
import { handleSnapshotChunk, handleSnapshotResponse } from './snapshot';
import type { RaftState } from './state';
import { handleTimeoutNow } from './transfer';

export function stepValid(s: RaftState, m: Message): void {
  if (m.term > s.term) {
    if (m.type === 'pre-vote' || m.type === 'vote') {
      const sanctioned = m.type === 'vote' && m.transfer;
      if (!sanctioned && inLeaderLease(s)) return;
    }
    if (m.type === 'pre-vote' || (m.type === 'pre-vote-resp' && !m.reject)) {
      // Pre-votes carry a hypothetical term; adopting it would defeat their purpose.
    } else {
      const fromLeader = m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot';
      becomeFollower(s, m.term, fromLeader ? m.from : null);
    }
  } else if (m.term < s.term) {
    if (m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot') {
      // A stale leader (e.g. healed from a partition) learns our term and steps down;
      // without this, pre-vote + stickiness could leave it and us stuck.
      s.send({ type: 'append-resp', from: s.id, to: m.from, term: s.term, reject: true, index: 0, hintIndex: 0, hintTerm: 0 }, false);
    } else if (m.type === 'pre-vote') {
      s.send({ type: 'pre-vote-resp', from: s.id, to: m.from, term: s.term, reject: true });
    } else if (m.type === 'read-index') {
      s.send({ type: 'read-index-resp', from: s.id, to: m.from, term: s.term, contexts: m.contexts, index: 0, reject: true });
    }
    return;
  }

  switch (m.type) {
    case 'pre-vote':
    case 'vote':
      handleVoteRequest(s, m);
      return;
    case 'pre-vote-resp':
      if (s.role === 'pre-candidate' && m.term === (m.reject ? s.term : s.term + 1)) tally(s, m.from, !m.reject);
      return;
    case 'vote-resp':
      if (s.role === 'candidate' && m.term === s.term) tally(s, m.from, !m.reject);
      return;
  }
  invariant(m.term === s.term, () => `message of term ${m.term} handled at term ${s.term}`);

  if (s.role === 'leader') stepLeader(s, m);
  else stepFollowerLike(s, m);
}

function stepFollowerLike(s: RaftState, m: Message): void {
  switch (m.type) {
    case 'append':
    case 'heartbeat':
    case 'snapshot':
      if (s.role !== 'follower') becomeFollower(s, s.term, m.from);
      if (s.leader !== m.from) {
        dropForwardedReads(s);
        s.leader = m.from;
      }
      s.electionElapsed = 0;
      s.leaderContactAt = s.now;
      if (m.type === 'append') handleAppend(s, m);
      else if (m.type === 'heartbeat') handleHeartbeat(s, m);
      else handleSnapshotChunk(s, m);
      return;
    case 'timeout-now':
      handleTimeoutNow(s);
      return;
    case 'read-index':
      s.send({ type: 'read-index-resp', from: s.id, to: m.from, term: s.term, contexts: m.contexts, index: 0, reject: true });
      return;
    case 'read-index-resp':
      handleReadIndexResponse(s, m);
      return;
    default:
      return; // responses meant for a leader we no longer are
  }
}

function stepLeader(s: RaftState, m: Message): void {
  if (!s.progress.has(m.from)) {
    // Not (or no longer) a member we replicate to: its answers count for nothing,
    // and a read it asks for could not be served to it from our log.
    if (m.type === 'read-index') s.send({ type: 'read-index-resp', from: s.id, to: m.from, term: s.term, contexts: m.contexts, index: 0, reject: true });
    return;
  }
  switch (m.type) {
    case 'append':
    case 'heartbeat':
    case 'snapshot':
      // Another leader in our term would violate election safety; refuse to act on it.
      s.droppedMessages++;
      return;
    case 'append-resp':
      handleAppendResponse(s, m);
      return;
    case 'heartbeat-resp':
      handleHeartbeatResponse(s, m);
      return;
    case 'snapshot-resp':
      handleSnapshotResponse(s, m);
      return;
    case 'read-index':
      handleReadRequest(s, { origin: m.from, contexts: m.contexts });
      return;
    default:
      return;
  }
}
