/**
 * RaftNode: one replica of a Raft group as a pure state machine (in the style
 * of etcd's raft). It does no IO and reads no clock: time arrives as tick(),
 * randomness through config.random, peers' messages through step(); what the
 * replica wants done comes out of ready().
 *
 * ## Driving a replica (the durability contract)
 *
 * The server runs this loop, one batch at a time:
 *
 *   1. rd = node.ready()                       (only when node.hasReady())
 *   2. send rd.messages                        (allowed at once: the leader's AppendEntries
 *                                               go out before its own disk write, §10.2.1 of the thesis)
 *   3. make durable, in this order, with one fsync:
 *        rd.snapshot (if any), rd.entries (an entry at index i replaces every stored entry >= i),
 *        rd.hardState (if not null)
 *   4. send rd.persistedMessages               (ONLY after step 3 is durable: these are vote grants,
 *                                               vote requests, and append/snapshot acks; each
 *                                               promises something that must survive a crash)
 *   5. node.persisted(i, t) with the last entry of rd.entries (or rd.snapshot's index/term when
 *      there are no entries): the leader counts itself toward a commit quorum only for entries
 *      reported here
 *   6. if rd.snapshot: restore the state machine from it; then apply rd.committedEntries in order;
 *      answer rd.readStates once applied >= index; answer rd.droppedReads with an error
 *   7. node.advance()
 *
 * Steps 2-6 may overlap with further step()/tick()/propose() calls, but the
 * next ready() may only be taken after advance().
 *
 * Pipelined writes (advance() before the fsync completes, several writes in
 * flight) are allowed if storage applies writes in order and the server keeps
 * one rule: a batch's persistedMessages and its persisted() call wait until
 * that batch's write AND every earlier batch's write are durable. This holds
 * even for a batch with nothing to write: an append ack in it may vouch for
 * entries an earlier, still-running write carries.
 *
 * Committed entries may be applied before this replica's own copy of them is
 * durable: "committed" already means durable on a quorum (acks go out only
 * after the fsync and the leader counts itself only after persisted()), and
 * after a crash they are learned and applied again. A received snapshot
 * replaces the state machine before committedEntries of the same batch.
 *
 * The application may call compact(index, data) for any index it has applied
 * (snapshot taken at that index); it must make that snapshot durable itself
 * before deleting the log prefix from storage.
 *
 * ## Restart
 *
 * A restarted replica is constructed from exactly what step 3 made durable:
 * hard state, newest snapshot (the state machine is restored from it by the
 * server), and the entries after it. It comes back as a follower in the
 * recovered term with its recovered vote (so it can never vote twice in a
 * term), re-applies committed entries after the snapshot through
 * committedEntries, and learns everything else from the current leader.
 */
import type { Entry, HardState, MembershipResult, MembershipTarget, Message, NodeId, ProposeResult, RaftConfig, RaftStatus, ReadIndexResult, Ready, Recovered, SoftState } from './types';
import type { Membership } from './membership';
import { proposeMembership } from './reconfigure';
import { RaftUsageError, invariant } from './errors';
import { checkQuorum, resetTimers, tickElection } from './election';
import { pairIsQuorum } from './quorum';
import { expireForwardedReads, flushReads, requestRead, widenReadRounds } from './reads';
import { afterCommit, appendAsLeader, commitByPair, flushHeldAppends, maybeCommit, periodicHeartbeat } from './replication';
import { RaftState, sameHardState, sameSoftState } from './state';
import { stepValid } from './step';
import { startTransfer, tickTransfer } from './transfer';
import { messageProblem } from './validate';

/*
 * Where the rest of the core lives: the state every handler shares is
 * RaftState (state.ts); step.ts routes each message by term and role to
 * election.ts, replication.ts, snapshot.ts, reads.ts or transfer.ts. This
 * class is the public surface and the Ready bookkeeping: what ready()
 * handed out and what the application has applied.
 */

/** What the outstanding Ready handed out, so advance() can acknowledge exactly that. */
interface Outstanding {
  appliedTo: number;
}

export class RaftNode {
  readonly id: NodeId;
  private readonly s: RaftState;

  private prevHardState: HardState;
  private prevSoftState: SoftState;
  private applied: number;
  private outstanding: Outstanding | null = null;

  constructor(config: RaftConfig, recovered: Recovered) {
    const s = new RaftState(config, recovered);
    this.s = s;
    this.id = s.id;
    this.applied = s.log.snapshotIndex();
    this.prevHardState = s.hardState();
    this.prevSoftState = s.softState();
    resetTimers(s);
    if (s.cfg.leaseReads) {
      // A restarted replica may have acknowledged a leader's heartbeat just
      // before crashing; behave as if it had just heard from that leader so
      // the leader's lease stays sound across our restart.
      s.leaderContactAt = 0;
    }
  }

  // -------------------------------------------------------------------------
  // Input

  tick(): void {
    const s = this.s;
    s.now++;
    if (s.role === 'leader') this.tickLeader();
    else tickElection(s);
    expireForwardedReads(s);
  }

  step(message: Message): void {
    const problem = messageProblem(message, this.s.id, this.s.cluster);
    if (problem !== null) {
      this.s.droppedMessages++;
      return;
    }
    stepValid(this.s, message);
  }

  propose(data: string[]): ProposeResult {
    if (!Array.isArray(data) || data.length === 0 || !data.every((d) => typeof d === 'string')) {
      throw new RaftUsageError('propose() needs a non-empty array of strings');
    }
    const s = this.s;
    if (s.role !== 'leader') return { ok: false, leader: s.leader };
    if (s.leadTransferee !== null) return { ok: false, leader: null };
    const first = s.log.lastIndex() + 1;
    const entries: Entry[] = data.map((d, i) => ({ index: first + i, term: s.term, kind: 'normal', data: d }));
    appendAsLeader(s, entries);
    return { ok: true, index: first, term: s.term };
  }

  /**
   * Leader only: `peer` forwarded commands that are now in our log and waits
   * to answer their clients, so it is told the moment everything up to our
   * last index commits. Other followers learn a commit with the next append
   * or heartbeat (replication.ts, afterCommit).
   */
  notifyOnCommit(peer: NodeId): void {
    const pr = this.s.role === 'leader' ? this.s.progress.get(peer) : undefined;
    if (pr) pr.commitWanted = Math.max(pr.commitWanted, this.s.log.lastIndex());
  }

  /**
   * Called by the server for each message just before it leaves: an append
   * of our current term gets our durable log prefix as of now. With three
   * voters the follower then commits by itself once it holds the entries
   * (replication.ts, commitByPair), so it needs no commit notice for them.
   * Stamped at the last moment because the leader sends appends before its
   * own write (node.ts's header); with fast storage the write is done by the
   * time the message leaves. A leader never truncates its log within its
   * term, so the claim stays true.
   */
  stampOutgoing(m: Message): void {
    const s = this.s;
    if (m.type !== 'append' || s.role !== 'leader' || m.term !== s.term || m.from !== s.id) return;
    // Only a follower that with us is a quorum of our configuration may commit by pair.
    if (!pairIsQuorum(s.quorum, s.id, m.to)) return;
    const durable = s.selfMatch();
    m.durable = durable;
    if (s.pairStampedTerm !== s.term) {
      s.pairStampedTerm = s.term;
      s.pairStamped = 0;
    }
    s.pairStamped = Math.max(s.pairStamped, durable);
    // The follower commits by itself only up to an entry of this term (commitByPair).
    const upTo = Math.min(durable, m.prevIndex + m.entries.length);
    const pr = s.log.term(upTo) === s.term ? s.progress.get(m.to) : undefined;
    if (pr) pr.sentCommit = Math.max(pr.sentCommit, upTo);
  }

  readIndex(context: string): ReadIndexResult {
    if (typeof context !== 'string') throw new RaftUsageError('readIndex() needs a string context');
    return requestRead(this.s, context);
  }

  /** Leader only (a no-op elsewhere, or when `to` is not a voter). Aborted after an election timeout. */
  transferLeadership(to: NodeId): void {
    startTransfer(this.s, to);
  }

  /**
   * The voter a leadership transfer is handing over to, or null (none running,
   * or not leader). While it is set, propose() refuses and lease reads are off.
   */
  get transferee(): NodeId | null {
    return this.s.role === 'leader' ? this.s.leadTransferee : null;
  }

  /**
   * Leader only: start changing the configuration to `target` (reconfigure.ts).
   * Done once `committedMembership` equals it and is not joint.
   */
  proposeMembership(target: MembershipTarget): MembershipResult {
    if (typeof target !== 'object' || target === null || !Array.isArray(target.voters) || !Array.isArray(target.learners)) {
      throw new RaftUsageError('proposeMembership() needs {voters: string[], learners: string[]}');
    }
    return proposeMembership(this.s, target);
  }

  /** The configuration in effect here: the newest one in this replica's log. */
  get membership(): Membership {
    return copyMembership(this.s.log.members.current());
  }

  /** The configuration that governs `index` (for a snapshot taken there); index must not be compacted away. */
  membershipAt(index: number): Membership {
    if (!Number.isSafeInteger(index) || index < this.s.log.snapshotIndex()) throw new RaftUsageError(`membershipAt(${index}): compacted or not an index`);
    return copyMembership(this.s.log.members.at(index));
  }

  /** The configuration in effect at this replica's commit index. */
  get committedMembership(): Membership {
    return copyMembership(this.s.log.members.at(this.s.log.committed));
  }

  /** The voters of the configuration in effect (both halves while joint). */
  get voters(): readonly NodeId[] {
    return [...this.s.voters];
  }

  /** Whether this replica is a member (voter or learner) of the configuration in effect. */
  get isMember(): boolean {
    const m = this.s.log.members.current();
    const id = this.s.id;
    // Asked on every client request: no sets or arrays built for it.
    return m.voters.includes(id) || m.outgoing.includes(id) || m.learners.includes(id);
  }

  compact(index: number, data: string): void {
    if (typeof data !== 'string' || !Number.isSafeInteger(index)) throw new RaftUsageError('compact(index, data) needs an integer and a string');
    const s = this.s;
    if (index <= s.log.snapshotIndex()) return;
    const appliable = this.outstanding ? this.outstanding.appliedTo : this.applied;
    if (index > appliable) throw new RaftUsageError(`compact(${index}) beyond the applied index ${appliable}`);
    s.log.compact(index, data);
  }

  persisted(index: number, term: number): void {
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(term)) throw new RaftUsageError('persisted(index, term) needs integers');
    const s = this.s;
    if (s.log.term(index) !== term) return; // the log changed since; a later report will cover it
    if (index <= s.selfMatch()) return;
    s.persistedIndex = index;
    s.persistedTerm = term;
    if (s.role === 'leader' && maybeCommit(s)) afterCommit(s);
    else commitByPair(s);
  }

  /**
   * The leader's tick: heartbeats every heartbeatTicks, and once per election
   * timeout the transfer deadline and check-quorum (which may end our term
   * as leader, and with it this tick).
   */
  private tickLeader(): void {
    const s = this.s;
    s.heartbeatElapsed++;
    s.electionElapsed++;
    tickTransfer(s);
    if (s.electionElapsed >= s.cfg.electionTicks) {
      s.electionElapsed = 0;
      if (!checkQuorum(s)) return;
    }
    widenReadRounds(s);
    flushHeldAppends(s);
    if (s.heartbeatElapsed >= s.cfg.heartbeatTicks) {
      s.heartbeatElapsed = 0;
      periodicHeartbeat(s);
    }
  }

  // -------------------------------------------------------------------------
  // Output: the Ready protocol

  hasReady(): boolean {
    if (this.outstanding !== null) return false;
    const s = this.s;
    flushReads(s);
    return (
      s.msgs.length > 0 ||
      s.persistedMsgs.length > 0 ||
      s.log.hasUnstable() ||
      s.log.pendingSnapshot !== null ||
      s.log.committed > this.applied ||
      s.readStates.length > 0 ||
      s.droppedReads.length > 0 ||
      !sameHardState(s.hardState(), this.prevHardState) ||
      !sameSoftState(s.softState(), this.prevSoftState)
    );
  }

  ready(): Ready {
    if (this.outstanding !== null) throw new RaftUsageError('ready() called again before advance()');
    const s = this.s;
    flushReads(s);
    const hs = s.hardState();
    const prev = this.prevHardState;
    invariant(hs.term >= prev.term && hs.commit >= prev.commit, () => `hard state went back: ${JSON.stringify(prev)} -> ${JSON.stringify(hs)}`);
    invariant(this.applied <= s.log.committed, () => `applied ${this.applied} beyond commit ${s.log.committed}`);
    const ss = s.softState();
    const snapshot = s.log.pendingSnapshot;
    const applyFrom = Math.max(this.applied, snapshot ? snapshot.meta.index : 0) + 1;
    const committedEntries = s.log.committed >= applyFrom ? s.log.slice(applyFrom, s.log.committed + 1) : [];
    const rd: Ready = {
      hardState: sameHardState(hs, this.prevHardState) ? null : hs,
      entries: s.log.takeUnstable(),
      snapshot,
      messages: s.msgs,
      persistedMessages: s.persistedMsgs,
      committedEntries,
      readStates: s.readStates,
      droppedReads: s.droppedReads,
      softState: sameSoftState(ss, this.prevSoftState) ? null : ss,
    };
    s.log.pendingSnapshot = null;
    s.msgs = [];
    s.persistedMsgs = [];
    s.readStates = [];
    s.droppedReads = [];
    this.prevHardState = hs;
    this.prevSoftState = ss;
    this.outstanding = { appliedTo: Math.max(s.log.committed, applyFrom - 1) };
    return rd;
  }

  advance(): void {
    if (this.outstanding === null) throw new RaftUsageError('advance() without an outstanding ready()');
    invariant(this.outstanding.appliedTo >= this.applied, () => `applied index would go back from ${this.applied} to ${this.outstanding?.appliedTo}`);
    this.applied = this.outstanding.appliedTo;
    this.outstanding = null;
  }

  // -------------------------------------------------------------------------
  // Inspection

  get status(): RaftStatus {
    const s = this.s;
    const st: RaftStatus = {
      id: s.id,
      role: s.role,
      term: s.term,
      vote: s.vote,
      leader: s.leader,
      commit: s.log.committed,
      applied: this.applied,
      lastIndex: s.log.lastIndex(),
      firstIndex: s.log.firstIndex(),
      ...copyMembership(s.log.members.current()),
      droppedMessages: s.droppedMessages,
    };
    if (s.role === 'leader') {
      st.progress = {};
      for (const [id, pr] of s.progress) st.progress[id] = pr.toStatus();
    }
    return st;
  }

  /** Term of the entry at `index` in this replica's log (null if compacted or absent). For tests and checkers. */
  termAt(index: number): number | null {
    return this.s.log.term(index);
  }

  /** The entry at `index` (null if compacted or absent). For tests and checkers. */
  entryAt(index: number): Entry | null {
    return this.s.log.entry(index);
  }
}

function copyMembership(m: Membership): Membership {
  return { voters: [...m.voters], outgoing: [...m.outgoing], learners: [...m.learners] };
}
