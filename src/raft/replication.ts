/**
 * Log replication (Raft paper §5.3, §5.4.2; thesis §10.2.1): the follower's
 * AppendEntries and heartbeat handling, and the leader's side: appending,
 * the commit rule, streaming AppendEntries within each follower's in-flight
 * window (progress.ts), acknowledgement and rejection handling, heartbeats.
 */
import type { Entry, Message, NodeId } from './types';
import { pairIsQuorum, quorumValue } from './quorum';
import { ackReadRound, releaseReadsAwaitingTermCommit } from './reads';
import { sendSnapshotChunk, startSnapshot } from './snapshot';
import type { Progress } from './progress';
import type { RaftState } from './state';
import { transferIfCaughtUp } from './transfer';
import { afterMembershipCommit } from './reconfigure';

// ---------------------------------------------------------------------------
// Follower side

export function handleAppend(s: RaftState, m: Message & { type: 'append' }): void {
  if (m.prevIndex < s.log.committed) {
    // Everything up to our commit is already settled; tell the leader where we are.
    sendAppendAck(s, m.from, s.log.committed, m.sentAt);
    return;
  }
  const lastNew = s.log.maybeAppend(m.prevIndex, m.prevTerm, m.commit, m.entries);
  if (lastNew !== null) {
    sendAppendAck(s, m.from, lastNew, m.sentAt);
    notePair(s, lastNew, m.durable);
    return;
  }
  // Fast backtracking: tell the leader the newest of our entries that could
  // still match, so it skips every entry of the conflicting term at once.
  const hint = s.log.findConflictByTerm(Math.min(m.prevIndex, s.log.lastIndex()), m.prevTerm);
  s.send({ type: 'append-resp', from: s.id, to: m.from, term: s.term, reject: true, index: m.prevIndex, hintIndex: hint.index, hintTerm: hint.term, ...echoSentAt(m.sentAt) }, false);
}

/** The append's send time travels back so the leader can count the answer as lease evidence. */
function echoSentAt(sentAt: number | undefined): { sentAt?: number } {
  return sentAt === undefined ? {} : { sentAt };
}

/** `sentAt`: the send time of the append answered, if it carried one (snapshots do not). */
export function sendAppendAck(s: RaftState, to: NodeId, index: number, sentAt?: number): void {
  const ack: Message = { type: 'append-resp', from: s.id, to, term: s.term, reject: false, index, hintIndex: 0, hintTerm: 0, ...echoSentAt(sentAt) };
  // The ack promises the entries are durable: it must wait for this ready's fsync.
  s.send(ack, s.cfg.faults.ackBeforePersist !== true);
}

/** What an accepted append told us: our log matches the leader's up to `matched`, the leader holds `durable`. */
function notePair(s: RaftState, matched: number, durable: number | undefined): void {
  if (s.pairTerm !== s.term) {
    s.pairTerm = s.term;
    s.pairDurable = 0;
    s.pairMatched = 0;
  }
  s.pairMatched = Math.max(s.pairMatched, matched);
  if (durable !== undefined) s.pairDurable = Math.max(s.pairDurable, durable);
  commitByPair(s);
}

/**
 * Follower of exactly three voters: commit without waiting for the leader's
 * word. An entry of the current term that we hold durably (selfMatch) and
 * the leader holds durably (it said so, for this term) is on two of the
 * three voters in its own term: committed by definition (§5.4.2), so any
 * later leader has it. Our log is the leader's up to pairMatched, so the
 * leader's copy is the same entry. This saves the round trip that would
 * tell us the commit, which a reply waiting here would otherwise pay.
 */
export function commitByPair(s: RaftState): void {
  if (s.role !== 'follower' || s.pairTerm !== s.term || s.leader === null || !pairIsQuorum(s.quorum, s.id, s.leader)) return;
  // Our configuration must be one the leader's log holds too (its entry within
  // the matched prefix), not a stale entry past it; the leader stamps only
  // while the pair is a quorum of its own configuration (RaftNode.stampOutgoing).
  if (s.log.members.currentIndex() > s.pairMatched) return;
  const leaderHolds = s.cfg.faults.pairCommitWithoutLeaderDurability === true ? s.pairMatched : s.pairDurable;
  const idx = Math.min(leaderHolds, s.pairMatched, s.selfMatch());
  if (idx > s.log.committed && s.log.term(idx) === s.term) s.log.commitTo(idx);
}

export function handleHeartbeat(s: RaftState, m: Message & { type: 'heartbeat' }): void {
  // The leader caps commit at what it knows we hold, so this never exceeds our log.
  s.log.commitTo(Math.min(m.commit, s.log.lastIndex()));
  if (m.quiet === true) return; // a commit notice: the leader asked for no answer
  s.send({ type: 'heartbeat-resp', from: s.id, to: m.from, term: s.term, context: m.context, sentAt: m.sentAt });
}

// ---------------------------------------------------------------------------
// Leader side

export function appendAsLeader(s: RaftState, entries: Entry[]): void {
  s.log.append(entries);
  // Entries go out at once (or join a batch held for an ack, holdForAck);
  // the leader counts itself only after persisted().
  for (const id of s.peers) sendAppend(s, id, false);
  // A single voter has nobody to wait for but its own disk.
  if (s.voterPeers.length === 0) maybeCommit(s);
}

/**
 * Commit rule (§5.3, §5.4.2): the highest index held durably by a majority,
 * and only if it belongs to the current term; older entries commit with it.
 */
export function maybeCommit(s: RaftState): boolean {
  const self = s.selfMatch();
  const idx = quorumValue(s.quorum, (id) => (id === s.id ? self : s.pr(id).match));
  if (idx <= s.log.committed) return false;
  if (s.log.term(idx) !== s.term && s.cfg.faults.commitOldTermByCounting !== true) return false;
  const hadTermCommit = s.committedInTerm();
  s.log.commitTo(idx);
  if (!hadTermCommit && s.committedInTerm()) releaseReadsAwaitingTermCommit(s);
  return true;
}

/**
 * The commit index advanced. It is not broadcast on messages of its own:
 * followers learn it from the next append or heartbeat, which costs them
 * nothing but apply lag. Only a follower with a reply waiting on the new
 * commit (it forwarded the command) gets a notice now, a quiet heartbeat
 * that asks for no answer; entries still unsent go out and carry it too.
 */
export function afterCommit(s: RaftState): void {
  for (const id of s.peers) {
    sendAppend(s, id, false);
    notifyCommit(s, id);
  }
  afterMembershipCommit(s);
}

/** A quiet commit notice to `to` if a reply waits there for an index we can now report as committed. */
export function notifyCommit(s: RaftState, to: NodeId): void {
  const pr = s.pr(to);
  if (pr.commitWanted <= pr.sentCommit || Math.min(pr.match, s.log.committed) <= pr.sentCommit) return;
  s.send({ type: 'heartbeat', from: s.id, to, term: s.term, commit: tellCommit(s, pr), context: null, sentAt: s.now, quiet: true });
}

/**
 * The commit index a message to this follower may carry without an entry
 * check of its own (heartbeats, read-index answers): ours, capped at what it
 * is known to hold. Recorded as told, so notifyCommit does not repeat it.
 */
export function tellCommit(s: RaftState, pr: Progress): number {
  const commit = Math.min(pr.match, s.log.committed);
  pr.sentCommit = Math.max(pr.sentCommit, commit);
  return commit;
}

/**
 * Sends what `to` is missing. In replicate state this streams batches until
 * the log is exhausted or the in-flight window is full (pipelining); in
 * probe state it sends one message and waits. With `sendIfEmpty`, an empty
 * AppendEntries still goes out (commit propagation, probing). Unless
 * `flushHeld`, small batches may be held back (holdForAck).
 */
export function sendAppend(s: RaftState, to: NodeId, sendIfEmpty: boolean, flushHeld = false): void {
  const pr = s.pr(to);
  if (!flushHeld && !sendIfEmpty && holdForAck(s, pr)) return;
  let first = true;
  while (!pr.isPaused()) {
    const prevIndex = pr.next - 1;
    const prevTerm = s.log.term(prevIndex);
    if (prevTerm === null) {
      startSnapshot(s, to, pr);
      return;
    }
    const { entries, bytes } =
      pr.next <= s.log.lastIndex() ? s.log.batchFrom(pr.next, s.cfg.maxMsgBytes) : { entries: [], bytes: 0 };
    if (entries.length === 0 && !(sendIfEmpty && first)) return;
    const commit = s.log.committed;
    s.send({ type: 'append', from: s.id, to, term: s.term, prevIndex, prevTerm, entries, commit, sentAt: s.now });
    pr.lastAppendAt = s.now;
    // The follower commits up to the last index this message brings it to.
    pr.sentCommit = Math.max(pr.sentCommit, Math.min(commit, prevIndex + entries.length));
    first = false;
    if (pr.state === 'replicate') {
      if (entries.length === 0) return;
      pr.next = entries[entries.length - 1].index + 1;
      pr.inflights.add(entries[entries.length - 1].index, bytes);
    } else {
      pr.probeSent = true;
      return;
    }
  }
}

/** Entries pending for one follower below which adaptive batching may hold them. */
const HOLD_MAX_ENTRIES = 64;

/**
 * Adaptive batching (no latency when idle, batches that grow with load):
 * while an append is in flight to a follower that answers within a tick, a
 * small batch waits for that answer, which sends it (handleAppendResponse),
 * or for the next tick (flushHeldAppends), whichever comes first. A follower
 * with nothing in flight gets new entries at once; a large batch, or a
 * follower with a longer round trip (`--latency`), keeps the pipeline.
 */
function holdForAck(s: RaftState, pr: Progress): boolean {
  if (!s.cfg.adaptiveBatching || pr.state !== 'replicate' || pr.inflights.count === 0) return false;
  if (pr.ackRttTicks > 1) return false;
  return s.log.lastIndex() - pr.next + 1 < HOLD_MAX_ENTRIES;
}

/** Leader tick: the bound on how long adaptive batching holds entries back. */
export function flushHeldAppends(s: RaftState): void {
  if (!s.cfg.adaptiveBatching) return;
  for (const id of s.peers) {
    const pr = s.pr(id);
    if (pr.state === 'replicate' && pr.next <= s.log.lastIndex()) sendAppend(s, id, false, true);
  }
}

export function handleAppendResponse(s: RaftState, m: Message & { type: 'append-resp' }): void {
  const pr = s.pr(m.from);
  pr.recentActive = true;
  pr.lastHeardAt = s.now;
  if (m.sentAt !== undefined) creditLease(s, pr, m.sentAt);
  if (m.reject) {
    // The follower's hint lets us skip every entry of a term it does not have.
    const probeHint = m.hintTerm > 0 ? s.log.findConflictByTerm(m.hintIndex, m.hintTerm).index : m.hintIndex;
    if (pr.maybeDecrTo(m.index, probeHint)) {
      if (pr.state === 'replicate') pr.becomeProbe();
      sendAppend(s, m.from, true);
    }
    return;
  }
  if (m.index > s.log.lastIndex()) {
    s.droppedMessages++; // acknowledges entries we never had: not from our term's log
    return;
  }
  const wasProbeAtMatch = pr.state === 'probe' && pr.match === m.index;
  if (m.sentAt !== undefined && m.sentAt <= s.now) pr.ackRttTicks = s.now - m.sentAt;
  if (!pr.maybeUpdate(m.index) && !wasProbeAtMatch) return;
  if (pr.state === 'probe') pr.becomeReplicate();
  else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) {
    pr.becomeProbe();
    pr.becomeReplicate();
  } else if (pr.state === 'replicate') pr.inflights.freeLE(m.index);

  if (maybeCommit(s)) afterCommit(s);
  else {
    sendAppend(s, m.from, false);
    // The commit may already have passed what this follower waits for, before it held it.
    notifyCommit(s, m.from);
  }

  transferIfCaughtUp(s, m.from);
}

/**
 * A follower answered a message we sent at tick `sentAt`: it had heard from
 * us by then and, being sticky, votes for nobody else for an election
 * timeout after (see leaseValid in reads.ts). Ignore clocks from the future:
 * only a forged or corrupted answer carries one.
 */
function creditLease(s: RaftState, pr: Progress, sentAt: number): void {
  if (sentAt <= s.now && sentAt > pr.leaseAckedAt) pr.leaseAckedAt = sentAt;
}

/**
 * The leader's periodic heartbeat, skipped for a follower that needs none:
 * one that got an append within the heartbeat interval (its election timer
 * was reset by it, and the append's answer brings the leader the same
 * liveness and lease evidence a heartbeat's would) and whose window is open
 * (a full window means acks may be lost, and the heartbeat's answer is what
 * reopens it). Its commit index rides on the next append; when traffic
 * stops, the next interval is not busy and its heartbeat carries it. A read
 * round waiting for answers always gets its heartbeat.
 */
export function periodicHeartbeat(s: RaftState): void {
  const roundPending = s.readOnly.newestId() !== null;
  for (const id of s.peers) {
    const pr = s.pr(id);
    const busy = s.now - pr.lastAppendAt < s.cfg.heartbeatTicks;
    if (!roundPending && busy && pr.state === 'replicate' && !pr.inflights.full()) continue;
    sendHeartbeat(s, id);
  }
}

export function sendHeartbeat(s: RaftState, to: NodeId): void {
  s.send({ type: 'heartbeat', from: s.id, to, term: s.term, commit: tellCommit(s, s.pr(to)), context: s.readOnly.newestId(), sentAt: s.now });
}

export function handleHeartbeatResponse(s: RaftState, m: Message & { type: 'heartbeat-resp' }): void {
  const pr = s.pr(m.from);
  pr.recentActive = true;
  pr.lastHeardAt = s.now;
  pr.probeSent = false;
  creditLease(s, pr, m.sentAt);
  if (pr.state === 'snapshot') {
    sendSnapshotChunk(s, m.from, pr); // retransmit: a chunk or its answer may have been lost
  } else if (pr.match < s.log.lastIndex()) {
    // Acks may have been lost; reopen the window a little so we can resend.
    if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirst();
    sendAppend(s, m.from, true);
  }
  if (m.context !== null) ackReadRound(s, m.context, m.from);
}
