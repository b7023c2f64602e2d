/**
 * Linearizable reads without the log (thesis §6.4): ReadIndex rounds on the
 * leader (bookkeeping in read-only.ts), optional leader leases (§6.4.1), and
 * a follower's reads forwarded to the leader, with their deadlines and the
 * drops that follow a change of leader or term.
 */
import type { Message, NodeId, ReadIndexResult } from './types';
import { hasQuorum, pairIsQuorum, quorumValue } from './quorum';
import type { ReadRequest } from './read-only';
import { flushHeldAppends, sendHeartbeat, tellCommit } from './replication';
import type { ForwardedRead, RaftState } from './state';

/** Ticks a read round waits for its first followers before asking the rest (one tick is 10 ms by default). */
const WIDEN_AFTER_TICKS = 2;

/** RaftNode.readIndex: a leader runs the read; a follower queues it for the leader. */
export function requestRead(s: RaftState, context: string): ReadIndexResult {
  if (s.role === 'leader') {
    handleReadRequest(s, { origin: s.id, contexts: [context] });
    return { ok: true };
  }
  if (s.leader === null) return { ok: false, leader: null };
  s.readsToForward.push(context);
  return { ok: true };
}

// ---------------------------------------------------------------------------
// Leader side

export function handleReadRequest(s: RaftState, req: ReadRequest): void {
  if (s.cfg.faults.readWithoutQuorumCheck === true) {
    completeReads(s, readIndexNow(s), [req]);
    return;
  }
  if (!s.committedInTerm()) {
    // Our commit index may lag the true one until an entry of our term commits.
    s.readsAwaitingTermCommit.push(req);
    return;
  }
  if (hasQuorum(s.quorum, (id) => id === s.id) || leaseValid(s) || askerCompletesQuorum(s, req)) {
    completeReads(s, readIndexNow(s), [req]);
    return;
  }
  s.readsForNextRound.push(req);
}

/**
 * A follower's read request is itself evidence for the round (the asker
 * vouches): the follower sent it in our term and accepts the answer only if
 * it is still in our term when the answer arrives (step.ts drops messages of
 * an older term), so it stayed in our term — granting no vote of a later one
 * — over an interval that contains the moment we answer. We are leader at
 * that moment too. If we two are a majority (three voters), no leader of a
 * later term can exist at that moment, so our commit index, taken then, is
 * as new as any, and the read costs one message each way instead of a
 * heartbeat round. With more voters the round still runs.
 */
function askerCompletesQuorum(s: RaftState, req: ReadRequest): boolean {
  if (req.origin === s.id) return false;
  return pairIsQuorum(s.quorum, s.id, req.origin);
}

/**
 * The index a read must see. Normally our commit index; but a follower that
 * with us is a quorum commits by itself an entry of our term that we hold
 * durably and told it so (replication.ts, commitByPair), and may have
 * answered its client before its ack reaches us. Every such entry is at or
 * below the highest durable prefix we stamped on an append this term
 * (`pairStamped`, RaftNode.stampOutgoing), so a read waits for that prefix:
 * it may wait for a commit already under way, never miss one. The stamp is
 * a fact about our log, so it stays right across a change of configuration.
 */
export function readIndexNow(s: RaftState): number {
  const stamped = s.pairStampedTerm === s.term && s.log.term(s.pairStamped) === s.term ? s.pairStamped : 0;
  return Math.max(stamped, s.log.committed);
}

/** The first entry of this term committed: reads that arrived before it can start now. */
export function releaseReadsAwaitingTermCommit(s: RaftState): void {
  const waiting = s.readsAwaitingTermCommit;
  s.readsAwaitingTermCommit = [];
  for (const r of waiting) handleReadRequest(s, r);
}

/**
 * Lease reads (thesis §6.4.1). A follower that answered a heartbeat sent at
 * leader tick S heard from us at or after S, and, being sticky, grants no
 * vote for electionTicks of its own ticks after that. So no other leader
 * can exist before S + electionTicks; we stop at S + leaseTicks, with
 * leaseTicks < electionTicks. ASSUMPTION: replicas' tick rates differ by
 * less than the margin (electionTicks - leaseTicks ticks per election
 * timeout); the server must tick on a monotonic clock.
 */
function leaseValid(s: RaftState): boolean {
  if (!s.cfg.leaseReads || s.leaseForfeited || s.leadTransferee !== null) return false;
  const start = quorumValue(s.quorum, (id) => (id === s.id ? s.now : s.pr(id).leaseAckedAt));
  const length = s.cfg.faults.leaseOutlivesElection === true ? 3 * s.cfg.electionTicks : s.cfg.leaseTicks;
  return s.now < start + length;
}

function completeReads(s: RaftState, index: number, all: ReadRequest[]): void {
  // An asker the configuration dropped while its read waited gets no log from us to serve it with.
  const requests = all.filter((r) => r.origin === s.id || s.progress.has(r.origin));
  for (const r of all) {
    if (r.origin !== s.id && !s.progress.has(r.origin)) s.send({ type: 'read-index-resp', from: s.id, to: r.origin, term: s.term, contexts: r.contexts, index: 0, reject: true });
  }
  // A read waits for `index` to commit and apply: entries held back for a
  // bigger batch (replication.ts, holdForAck) would make it wait longer.
  const askerLacksEntries = requests.some((r) => r.origin !== s.id && s.pr(r.origin).next <= index);
  if (index > s.log.committed || askerLacksEntries) flushHeldAppends(s);
  for (const r of requests) {
    if (r.origin === s.id) {
      for (const context of r.contexts) s.readStates.push({ index, context });
    } else {
      // The asker waits until it has applied `index`: tell it what it may
      // commit, and make sure it hears when the commit reaches the index.
      const pr = s.pr(r.origin);
      pr.commitWanted = Math.max(pr.commitWanted, index);
      s.send({ type: 'read-index-resp', from: s.id, to: r.origin, term: s.term, contexts: r.contexts, index, reject: false, commit: tellCommit(s, pr) });
    }
  }
}

/** A heartbeat answer naming read round `context`: complete every round a quorum has now confirmed. */
export function ackReadRound(s: RaftState, context: string, from: NodeId): void {
  const done = s.readOnly.ack(context, from, (acks) => hasQuorum(s.quorum, (id) => acks.has(id)));
  for (const round of done) completeReads(s, round.index, round.requests);
}

/** Batches reads accumulated since the last ready into one round trip. */
export function flushReads(s: RaftState): void {
  if (s.role === 'leader' && s.readsForNextRound.length > 0) {
    const requests = s.readsForNextRound;
    s.readsForNextRound = [];
    const index = readIndexNow(s);
    s.readOnly.open(`${s.term}.${++s.readSeq}`, index, requests, s.id, s.now);
    for (const id of roundPeers(s)) sendHeartbeat(s, id);
    if (index > s.log.committed) flushHeldAppends(s); // the round's answers must also bring the commit
  }
  if (s.role !== 'leader' && s.readsToForward.length > 0) {
    const contexts = s.readsToForward;
    s.readsToForward = [];
    if (s.leader === null) {
      s.droppedReads.push(...contexts);
      return;
    }
    const deadline = s.now + 2 * s.cfg.electionTicks;
    for (const context of contexts) s.forwardedReads.push({ context, deadline });
    s.send({ type: 'read-index', from: s.id, to: s.leader, term: s.term, contexts });
  }
}

/**
 * Who hears a new read round first: just enough followers for a quorum, the
 * ones that answered us most recently. Any majority of answers confirms the
 * round, so asking more only buys insurance against a slow or lost answer;
 * widenReadRounds pays for that insurance when it is needed.
 */
function roundPeers(s: RaftState): NodeId[] {
  const peers = s.voterPeers;
  // Joint, or not a voter ourselves: no shortcut, every voter hears the round.
  if (s.quorum.length !== 1 || !s.isVoter()) return peers;
  const needed = s.quorum[0].needed - 1;
  if (needed >= peers.length) return peers;
  return [...peers].sort((a, b) => s.pr(b).lastHeardAt - s.pr(a).lastHeardAt).slice(0, needed);
}

/** Leader tick: a round unconfirmed after WIDEN_AFTER_TICKS asks every follower. */
export function widenReadRounds(s: RaftState): void {
  if (!s.readOnly.takeStale(s.now - WIDEN_AFTER_TICKS)) return;
  const asked = new Set(roundPeers(s));
  for (const id of s.voterPeers) if (!asked.has(id)) sendHeartbeat(s, id);
}

/** Leadership lost: no pending read can be confirmed by us any more. */
export function dropLeaderReads(s: RaftState): void {
  const requests: ReadRequest[] = [...s.readsAwaitingTermCommit, ...s.readsForNextRound];
  for (const round of s.readOnly.drain()) requests.push(...round.requests);
  s.readsAwaitingTermCommit = [];
  s.readsForNextRound = [];
  for (const r of requests) {
    if (r.origin === s.id) s.droppedReads.push(...r.contexts);
    else s.send({ type: 'read-index-resp', from: s.id, to: r.origin, term: s.term, contexts: r.contexts, index: 0, reject: true });
  }
}

// ---------------------------------------------------------------------------
// Follower side

export function handleReadIndexResponse(s: RaftState, m: Message & { type: 'read-index-resp' }): void {
  // Capped by the leader at what we are known to hold, like a heartbeat's commit.
  if (!m.reject && m.commit !== undefined) s.log.commitTo(Math.min(m.commit, s.log.lastIndex()));
  for (const context of m.contexts) {
    const i = s.forwardedReads.findIndex((r) => r.context === context);
    if (i < 0) continue;
    s.forwardedReads.splice(i, 1);
    if (m.reject) s.droppedReads.push(context);
    else s.readStates.push({ index: m.index, context });
  }
}

export function expireForwardedReads(s: RaftState): void {
  if (s.forwardedReads.length === 0) return;
  const keep: ForwardedRead[] = [];
  for (const r of s.forwardedReads) {
    if (r.deadline <= s.now) s.droppedReads.push(r.context);
    else keep.push(r);
  }
  s.forwardedReads = keep;
}

export function dropForwardedReads(s: RaftState): void {
  for (const r of s.forwardedReads) s.droppedReads.push(r.context);
  s.droppedReads.push(...s.readsToForward);
  s.forwardedReads = [];
  s.readsToForward = [];
}
