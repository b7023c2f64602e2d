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
import type {
  Entry, HardState, Message, NodeId, ProposeResult, RaftConfig, RaftStatus, ReadIndexResult, ReadState,
  Ready, Recovered, Role, SoftState, TestingFaults,
} from './types';
import { RaftInvariantError, RaftUsageError, invariant } from './errors';
import { RaftLog } from './log';
import { Progress } from './progress';
import { hasQuorum, quorumValue, voteOutcome } from './quorum';
import { ReadOnlyQueue, type ReadRequest } from './read-only';
import { messageProblem } from './validate';

interface ResolvedConfig {
  electionTicks: number;
  heartbeatTicks: number;
  random: () => number;
  preVote: boolean;
  checkQuorum: boolean;
  maxMsgBytes: number;
  maxInflightMsgs: number;
  maxInflightBytes: number;
  leaseReads: boolean;
  leaseTicks: number;
  snapshotChunkBytes: number;
  faults: TestingFaults;
}

/** What the outstanding Ready handed out, so advance() can acknowledge exactly that. */
interface Outstanding {
  appliedTo: number;
}

/** A read a follower forwarded to the leader, waiting for its index. */
interface ForwardedRead {
  context: string;
  deadline: number;
}

const PERSISTED_TYPES: ReadonlySet<Message['type']> = new Set(['vote', 'vote-resp', 'append-resp']);

function resolveConfig(c: RaftConfig): ResolvedConfig {
  const positiveInt = (v: number, name: string): number => {
    if (!Number.isSafeInteger(v) || v < 1) throw new RaftUsageError(`config.${name} must be a positive integer, got ${v}`);
    return v;
  };
  const electionTicks = positiveInt(c.electionTicks, 'electionTicks');
  const heartbeatTicks = positiveInt(c.heartbeatTicks, 'heartbeatTicks');
  if (heartbeatTicks >= electionTicks) {
    throw new RaftUsageError(`config.heartbeatTicks (${heartbeatTicks}) must be below electionTicks (${electionTicks})`);
  }
  const checkQuorum = c.checkQuorum ?? true;
  const leaseTicks = c.leaseTicks ?? electionTicks - 2;
  if (!Number.isSafeInteger(leaseTicks) || leaseTicks < 1 || leaseTicks >= electionTicks) {
    throw new RaftUsageError(`config.leaseTicks must be in [1, electionTicks); got ${leaseTicks} (electionTicks ${electionTicks})`);
  }
  return {
    electionTicks,
    heartbeatTicks,
    random: c.random,
    preVote: c.preVote ?? true,
    checkQuorum,
    maxMsgBytes: c.maxMsgBytes ?? 64 * 1024,
    maxInflightMsgs: positiveInt(c.maxInflightMsgs ?? 256, 'maxInflightMsgs'),
    maxInflightBytes: c.maxInflightBytes ?? 8 * 1024 * 1024,
    // Leases rest on check-quorum's stickiness; without it a lease read could be stale.
    leaseReads: c.readMode === 'lease' && checkQuorum,
    leaseTicks,
    snapshotChunkBytes: positiveInt(c.snapshotChunkBytes ?? 64 * 1024, 'snapshotChunkBytes'),
    faults: c.testingFaults ?? {},
  };
}

export class RaftNode {
  readonly id: NodeId;
  private readonly voters: NodeId[];
  private readonly peers: NodeId[];
  private readonly cfg: ResolvedConfig;

  private term: number;
  private vote: NodeId | null;
  private role: Role = 'follower';
  private leader: NodeId | null = null;
  private readonly log: RaftLog;

  /** Ticks since boot: the clock of leases, transfers and forwarded-read deadlines. */
  private now = 0;
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  /** `now` when a live leader was last heard from (leader stickiness, §9.6 of the thesis). */
  private leaderContactAt = Number.NEGATIVE_INFINITY;

  private votes = new Map<NodeId, boolean>();
  private readonly progress = new Map<NodeId, Progress>();
  private leadTransferee: NodeId | null = null;
  private transferElapsed = 0;
  /** Once this leader has sent TimeoutNow in its term, a delayed copy may elect someone else at any time. */
  private leaseForfeited = false;

  /** Highest (index, term) storage reported durable; valid while the log still has that term there. */
  private persistedIndex: number;
  private persistedTerm: number;

  // Reads.
  private readonly readOnly = new ReadOnlyQueue();
  private readSeq = 0;
  /** Leader: reads arriving before an entry of this term committed (thesis §6.4 step 1). */
  private readsAwaitingTermCommit: ReadRequest[] = [];
  /** Leader: reads waiting for the next heartbeat round (batched per ready()). */
  private readsForNextRound: ReadRequest[] = [];
  /** Follower: reads not yet sent to the leader, and those sent and unanswered. */
  private readsToForward: string[] = [];
  private forwardedReads: ForwardedRead[] = [];

  // Output, drained by ready().
  private msgs: Message[] = [];
  private persistedMsgs: Message[] = [];
  private readStates: ReadState[] = [];
  private droppedReads: string[] = [];
  private prevHardState: HardState;
  private prevSoftState: SoftState;
  private applied: number;
  private outstanding: Outstanding | null = null;
  private droppedMessages = 0;

  constructor(config: RaftConfig, recovered: Recovered) {
    if (typeof config.id !== 'string' || !Array.isArray(config.voters) || !config.voters.includes(config.id)) {
      throw new RaftUsageError(`config.voters must include config.id (${String(config.id)})`);
    }
    if (new Set(config.voters).size !== config.voters.length) throw new RaftUsageError('config.voters has duplicates');
    if (typeof config.random !== 'function') throw new RaftUsageError('config.random must be a function returning [0,1)');
    this.id = config.id;
    this.voters = [...config.voters];
    this.peers = this.voters.filter((v) => v !== this.id);
    this.cfg = resolveConfig(config);

    const hs = recovered.hardState;
    try {
      this.log = new RaftLog(recovered.snapshot, recovered.entries, hs.commit);
    } catch (e) {
      if (e instanceof RaftInvariantError) throw new RaftUsageError(`recovered state is inconsistent: ${e.message}`);
      throw e;
    }
    this.term = hs.term;
    this.vote = hs.vote;
    if (this.log.lastTerm() > this.term) throw new RaftUsageError(`recovered log has term ${this.log.lastTerm()} above hard state term ${this.term}`);
    this.applied = this.log.snapshotIndex();
    this.persistedIndex = this.log.lastIndex();
    this.persistedTerm = this.log.lastTerm();
    this.prevHardState = this.hardState();
    this.prevSoftState = this.softState();
    this.resetTimers();
    if (this.cfg.leaseReads) {
      // A restarted replica may have acknowledged a leader's heartbeat just
      // before crashing; behave as if it had just heard from that leader so
      // the leader's lease stays sound across our restart.
      this.leaderContactAt = 0;
    }
  }

  // -------------------------------------------------------------------------
  // Public API
  // -------------------------------------------------------------------------

  tick(): void {
    this.now++;
    if (this.role === 'leader') this.tickLeader();
    else this.tickElection();
    this.expireForwardedReads();
  }

  step(message: Message): void {
    const problem = messageProblem(message, this.id, this.voters);
    if (problem !== null) {
      this.droppedMessages++;
      return;
    }
    this.stepValid(message);
  }

  propose(data: string[]): ProposeResult {
    if (!Array.isArray(data) || data.length === 0 || !data.every((d) => typeof d === 'string')) {
      throw new RaftUsageError('propose() needs a non-empty array of strings');
    }
    if (this.role !== 'leader') return { ok: false, leader: this.leader };
    if (this.leadTransferee !== null) return { ok: false, leader: null };
    const first = this.log.lastIndex() + 1;
    const entries: Entry[] = data.map((d, i) => ({ index: first + i, term: this.term, kind: 'normal', data: d }));
    this.appendAsLeader(entries);
    return { ok: true, index: first, term: this.term };
  }

  readIndex(context: string): ReadIndexResult {
    if (typeof context !== 'string') throw new RaftUsageError('readIndex() needs a string context');
    if (this.role === 'leader') {
      this.handleReadRequest({ origin: this.id, contexts: [context] });
      return { ok: true };
    }
    if (this.leader === null) return { ok: false, leader: null };
    this.readsToForward.push(context);
    return { ok: true };
  }

  /** Leader only (a no-op elsewhere, or when `to` is not a voter). Aborted after an election timeout. */
  transferLeadership(to: NodeId): void {
    if (this.role !== 'leader' || to === this.id || !this.peers.includes(to)) return;
    if (this.leadTransferee === to) return;
    this.leadTransferee = to;
    this.transferElapsed = 0;
    const pr = this.progress.get(to) as Progress;
    if (pr.match === this.log.lastIndex()) this.sendTimeoutNow(to);
    else this.sendAppend(to, true);
  }

  compact(index: number, data: string): void {
    if (typeof data !== 'string' || !Number.isSafeInteger(index)) throw new RaftUsageError('compact(index, data) needs an integer and a string');
    if (index <= this.log.snapshotIndex()) return;
    const appliable = this.outstanding ? this.outstanding.appliedTo : this.applied;
    if (index > appliable) throw new RaftUsageError(`compact(${index}) beyond the applied index ${appliable}`);
    this.log.compact(index, data, this.voters);
  }

  persisted(index: number, term: number): void {
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(term)) throw new RaftUsageError('persisted(index, term) needs integers');
    if (this.log.term(index) !== term) return; // the log changed since; a later report will cover it
    if (index <= this.selfMatch()) return;
    this.persistedIndex = index;
    this.persistedTerm = term;
    if (this.role === 'leader' && this.maybeCommit()) this.bcastAppend();
  }

  hasReady(): boolean {
    if (this.outstanding !== null) return false;
    this.flushReads();
    return (
      this.msgs.length > 0 ||
      this.persistedMsgs.length > 0 ||
      this.log.hasUnstable() ||
      this.log.pendingSnapshot !== null ||
      this.log.committed > this.applied ||
      this.readStates.length > 0 ||
      this.droppedReads.length > 0 ||
      !sameHardState(this.hardState(), this.prevHardState) ||
      !sameSoftState(this.softState(), this.prevSoftState)
    );
  }

  ready(): Ready {
    if (this.outstanding !== null) throw new RaftUsageError('ready() called again before advance()');
    this.flushReads();
    const hs = this.hardState();
    const prev = this.prevHardState;
    invariant(hs.term >= prev.term && hs.commit >= prev.commit, () => `hard state went back: ${JSON.stringify(prev)} -> ${JSON.stringify(hs)}`);
    invariant(this.applied <= this.log.committed, () => `applied ${this.applied} beyond commit ${this.log.committed}`);
    const ss = this.softState();
    const snapshot = this.log.pendingSnapshot;
    const applyFrom = Math.max(this.applied, snapshot ? snapshot.meta.index : 0) + 1;
    const committedEntries = this.log.committed >= applyFrom ? this.log.slice(applyFrom, this.log.committed + 1) : [];
    const rd: Ready = {
      hardState: sameHardState(hs, this.prevHardState) ? null : hs,
      entries: this.log.takeUnstable(),
      snapshot,
      messages: this.msgs,
      persistedMessages: this.persistedMsgs,
      committedEntries,
      readStates: this.readStates,
      droppedReads: this.droppedReads,
      softState: sameSoftState(ss, this.prevSoftState) ? null : ss,
    };
    this.log.pendingSnapshot = null;
    this.msgs = [];
    this.persistedMsgs = [];
    this.readStates = [];
    this.droppedReads = [];
    this.prevHardState = hs;
    this.prevSoftState = ss;
    this.outstanding = { appliedTo: Math.max(this.log.committed, applyFrom - 1) };
    return rd;
  }

  advance(): void {
    if (this.outstanding === null) throw new RaftUsageError('advance() without an outstanding ready()');
    invariant(this.outstanding.appliedTo >= this.applied, () => `applied index would go back from ${this.applied} to ${this.outstanding?.appliedTo}`);
    this.applied = this.outstanding.appliedTo;
    this.outstanding = null;
  }

  get status(): RaftStatus {
    const s: RaftStatus = {
      id: this.id,
      role: this.role,
      term: this.term,
      vote: this.vote,
      leader: this.leader,
      commit: this.log.committed,
      applied: this.applied,
      lastIndex: this.log.lastIndex(),
      firstIndex: this.log.firstIndex(),
      droppedMessages: this.droppedMessages,
    };
    if (this.role === 'leader') {
      s.progress = {};
      for (const [id, pr] of this.progress) s.progress[id] = pr.toStatus();
    }
    return s;
  }

  /** Term of the entry at `index` in this replica's log (null if compacted or absent). For tests and checkers. */
  termAt(index: number): number | null {
    return this.log.term(index);
  }

  /** The entry at `index` (null if compacted or absent). For tests and checkers. */
  entryAt(index: number): Entry | null {
    return this.log.entry(index);
  }

  // -------------------------------------------------------------------------
  // Roles
  // -------------------------------------------------------------------------

  private becomeFollower(term: number, leader: NodeId | null): void {
    const wasLeader = this.role === 'leader';
    this.reset(term);
    this.role = 'follower';
    this.leader = leader;
    if (leader !== null) this.leaderContactAt = this.now;
    if (wasLeader) this.dropLeaderReads();
  }

  private becomePreCandidate(): void {
    invariant(this.role !== 'leader', () => 'a leader cannot become a pre-candidate');
    // Pre-vote changes neither term nor vote (thesis §9.6): a partitioned node cannot inflate terms.
    this.role = 'pre-candidate';
    this.leader = null;
    this.votes = new Map([[this.id, true]]);
    this.dropForwardedReads();
  }

  private becomeCandidate(): void {
    invariant(this.role !== 'leader', () => 'a leader cannot become a candidate');
    this.reset(this.term + 1);
    this.role = 'candidate';
    this.vote = this.id;
    this.votes = new Map([[this.id, true]]);
  }

  private becomeLeader(): void {
    invariant(this.role === 'candidate', () => `only a candidate can become leader (was ${this.role})`);
    this.reset(this.term);
    invariant(this.log.lastTerm() <= this.term, () => `new leader of term ${this.term} holds entries of term ${this.log.lastTerm()}`);
    this.role = 'leader';
    this.leader = this.id;
    const last = this.log.lastIndex();
    for (const id of this.peers) {
      this.progress.set(id, new Progress(last + 1, this.cfg.maxInflightMsgs, this.cfg.maxInflightBytes));
    }
    // A no-op of the new term: committing it commits every earlier entry
    // (§5.4.2) and lets ReadIndex start (thesis §6.4).
    this.appendAsLeader([{ index: last + 1, term: this.term, kind: 'noop', data: '' }]);
  }

  /** Common part of every role change. */
  private reset(term: number): void {
    if (term !== this.term) {
      invariant(term > this.term, () => `term would go back from ${this.term} to ${term}`);
      this.term = term;
      this.vote = null;
    }
    this.leader = null;
    this.resetTimers();
    this.votes = new Map();
    this.progress.clear();
    this.leadTransferee = null;
    this.transferElapsed = 0;
    this.leaseForfeited = false;
    this.dropForwardedReads();
  }

  private resetTimers(): void {
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.cfg.electionTicks + Math.floor(this.cfg.random() * this.cfg.electionTicks);
  }

  // -------------------------------------------------------------------------
  // Time
  // -------------------------------------------------------------------------

  private tickElection(): void {
    this.electionElapsed++;
    if (this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup();
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.leadTransferee !== null && ++this.transferElapsed >= this.cfg.electionTicks) {
      this.leadTransferee = null; // the transferee did not take over in time
    }
    if (this.electionElapsed >= this.cfg.electionTicks) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum) {
        const active = hasQuorum(this.voters, (id) => id === this.id || (this.progress.get(id) as Progress).recentActive);
        for (const pr of this.progress.values()) pr.recentActive = false;
        if (!active) {
          // Check-quorum (thesis §6.2): a leader cut off from a majority
          // steps down, so clients stop waiting on it and reads stop.
          this.becomeFollower(this.term, null);
          this.leaderContactAt = Number.NEGATIVE_INFINITY;
          return;
        }
      }
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat();
    }
  }

  private hup(): void {
    if (this.role === 'leader') return;
    if (this.cfg.preVote) this.preCampaign();
    else this.campaign(false);
  }

  private preCampaign(): void {
    this.becomePreCandidate();
    if (voteOutcome(this.voters, this.votes) === 'won') {
      this.campaign(false);
      return;
    }
    for (const to of this.peers) {
      this.send({ type: 'pre-vote', from: this.id, to, term: this.term + 1, lastIndex: this.log.lastIndex(), lastTerm: this.log.lastTerm() });
    }
  }

  private campaign(transfer: boolean): void {
    this.becomeCandidate();
    if (voteOutcome(this.voters, this.votes) === 'won') {
      this.becomeLeader();
      return;
    }
    for (const to of this.peers) {
      this.send({ type: 'vote', from: this.id, to, term: this.term, lastIndex: this.log.lastIndex(), lastTerm: this.log.lastTerm(), transfer });
    }
  }

  /** Leader stickiness (thesis §4.2.3/§9.6): ignore disruptive (pre)votes while a live leader is known. */
  private inLeaderLease(): boolean {
    if (!this.cfg.checkQuorum) return false;
    if (this.role === 'leader') return true;
    return this.now - this.leaderContactAt < this.cfg.electionTicks;
  }

  // -------------------------------------------------------------------------
  // Message handling
  // -------------------------------------------------------------------------

  private stepValid(m: Message): void {
    if (m.term > this.term) {
      if (m.type === 'pre-vote' || m.type === 'vote') {
        const sanctioned = m.type === 'vote' && m.transfer;
        if (!sanctioned && this.inLeaderLease()) return;
      }
      if (m.type === 'pre-vote' || (m.type === 'pre-vote-resp' && !m.reject)) {
        // Pre-votes carry a hypothetical term; adopting it would defeat their purpose.
      } else {
        const fromLeader = m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot';
        this.becomeFollower(m.term, fromLeader ? m.from : null);
      }
    } else if (m.term < this.term) {
      if (m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot') {
        // A stale leader (e.g. healed from a partition) learns our term and steps down;
        // without this, pre-vote + stickiness could leave it and us stuck.
        this.send({ type: 'append-resp', from: this.id, to: m.from, term: this.term, reject: true, index: 0, hintIndex: 0, hintTerm: 0 }, false);
      } else if (m.type === 'pre-vote') {
        this.send({ type: 'pre-vote-resp', from: this.id, to: m.from, term: this.term, reject: true });
      } else if (m.type === 'read-index') {
        this.send({ type: 'read-index-resp', from: this.id, to: m.from, term: this.term, contexts: m.contexts, index: 0, reject: true });
      }
      return;
    }

    switch (m.type) {
      case 'pre-vote':
      case 'vote':
        this.handleVoteRequest(m);
        return;
      case 'pre-vote-resp':
        if (this.role === 'pre-candidate' && m.term === (m.reject ? this.term : this.term + 1)) this.tally(m.from, !m.reject);
        return;
      case 'vote-resp':
        if (this.role === 'candidate' && m.term === this.term) this.tally(m.from, !m.reject);
        return;
    }
    invariant(m.term === this.term, () => `message of term ${m.term} handled at term ${this.term}`);

    if (this.role === 'leader') this.stepLeader(m);
    else this.stepFollowerLike(m);
  }

  private handleVoteRequest(m: Message & { type: 'pre-vote' | 'vote' }): void {
    const faults = this.cfg.faults;
    const canVote =
      this.vote === m.from ||
      (this.vote === null && this.leader === null) ||
      (m.type === 'pre-vote' && m.term > this.term) ||
      (m.type === 'vote' && faults.grantTwoVotesPerTerm === true && this.role !== 'leader');
    const upToDate = faults.skipLogUpToDateCheck === true || this.log.isUpToDate(m.lastIndex, m.lastTerm);
    const grant = canVote && upToDate;
    if (m.type === 'pre-vote') {
      this.send({ type: 'pre-vote-resp', from: this.id, to: m.from, term: grant ? m.term : this.term, reject: !grant });
      return;
    }
    if (grant) {
      this.electionElapsed = 0;
      this.vote = m.from;
    }
    this.send({ type: 'vote-resp', from: this.id, to: m.from, term: this.term, reject: !grant });
  }

  private tally(from: NodeId, granted: boolean): void {
    if (!this.votes.has(from)) this.votes.set(from, granted);
    const outcome = voteOutcome(this.voters, this.votes);
    if (outcome === 'won') {
      if (this.role === 'pre-candidate') this.campaign(false);
      else this.becomeLeader();
    } else if (outcome === 'lost') {
      this.becomeFollower(this.term, null);
    }
  }

  private stepFollowerLike(m: Message): void {
    switch (m.type) {
      case 'append':
      case 'heartbeat':
      case 'snapshot':
        if (this.role !== 'follower') this.becomeFollower(this.term, m.from);
        if (this.leader !== m.from) {
          this.dropForwardedReads();
          this.leader = m.from;
        }
        this.electionElapsed = 0;
        this.leaderContactAt = this.now;
        if (m.type === 'append') this.handleAppend(m);
        else if (m.type === 'heartbeat') this.handleHeartbeat(m);
        else this.handleSnapshotChunk(m);
        return;
      case 'timeout-now':
        // Only the leader of our term sends it; a pre-candidate or candidate ignores it.
        if (this.role === 'follower') this.campaign(true);
        return;
      case 'read-index':
        this.send({ type: 'read-index-resp', from: this.id, to: m.from, term: this.term, contexts: m.contexts, index: 0, reject: true });
        return;
      case 'read-index-resp':
        this.handleReadIndexResponse(m);
        return;
      default:
        return; // responses meant for a leader we no longer are
    }
  }

  private stepLeader(m: Message): void {
    switch (m.type) {
      case 'append':
      case 'heartbeat':
      case 'snapshot':
        // Another leader in our term would violate election safety; refuse to act on it.
        this.droppedMessages++;
        return;
      case 'append-resp':
        this.handleAppendResponse(m);
        return;
      case 'heartbeat-resp':
        this.handleHeartbeatResponse(m);
        return;
      case 'snapshot-resp':
        this.handleSnapshotResponse(m);
        return;
      case 'read-index':
        this.handleReadRequest({ origin: m.from, contexts: m.contexts });
        return;
      default:
        return;
    }
  }

  // --- follower side of replication ---------------------------------------

  private handleAppend(m: Message & { type: 'append' }): void {
    if (m.prevIndex < this.log.committed) {
      // Everything up to our commit is already settled; tell the leader where we are.
      this.sendAppendAck(m.from, this.log.committed);
      return;
    }
    const lastNew = this.log.maybeAppend(m.prevIndex, m.prevTerm, m.commit, m.entries);
    if (lastNew !== null) {
      this.sendAppendAck(m.from, lastNew);
      return;
    }
    // Fast backtracking: tell the leader the newest of our entries that could
    // still match, so it skips every entry of the conflicting term at once.
    const hint = this.log.findConflictByTerm(Math.min(m.prevIndex, this.log.lastIndex()), m.prevTerm);
    this.send({ type: 'append-resp', from: this.id, to: m.from, term: this.term, reject: true, index: m.prevIndex, hintIndex: hint.index, hintTerm: hint.term }, false);
  }

  private sendAppendAck(to: NodeId, index: number): void {
    const ack: Message = { type: 'append-resp', from: this.id, to, term: this.term, reject: false, index, hintIndex: 0, hintTerm: 0 };
    // The ack promises the entries are durable: it must wait for this ready's fsync.
    this.send(ack, this.cfg.faults.ackBeforePersist !== true);
  }

  private handleHeartbeat(m: Message & { type: 'heartbeat' }): void {
    // The leader caps commit at what it knows we hold, so this never exceeds our log.
    this.log.commitTo(Math.min(m.commit, this.log.lastIndex()));
    this.send({ type: 'heartbeat-resp', from: this.id, to: m.from, term: this.term, context: m.context, sentAt: m.sentAt });
  }

  private incoming: { index: number; term: number; chunks: string[]; length: number } | null = null;

  private handleSnapshotChunk(m: Message & { type: 'snapshot' }): void {
    if (m.meta.index <= this.log.committed) {
      this.incoming = null;
      this.sendAppendAck(m.from, this.log.committed);
      return;
    }
    const inc = this.incoming;
    if (m.offset === 0 && (inc === null || inc.index !== m.meta.index || inc.term !== m.meta.term || inc.length > 0)) {
      this.incoming = { index: m.meta.index, term: m.meta.term, chunks: [], length: 0 };
    }
    const cur = this.incoming;
    if (cur === null || cur.index !== m.meta.index || cur.term !== m.meta.term || m.offset !== cur.length) {
      const have = cur !== null && cur.index === m.meta.index && cur.term === m.meta.term ? cur.length : 0;
      this.send({ type: 'snapshot-resp', from: this.id, to: m.from, term: this.term, index: m.meta.index, nextOffset: have });
      return;
    }
    cur.chunks.push(m.data);
    cur.length += m.data.length;
    if (!m.done) {
      this.send({ type: 'snapshot-resp', from: this.id, to: m.from, term: this.term, index: m.meta.index, nextOffset: cur.length });
      return;
    }
    this.incoming = null;
    const snapshot = { meta: { index: m.meta.index, term: m.meta.term, voters: [...m.meta.voters] }, data: cur.chunks.join('') };
    if (this.log.matchTerm(snapshot.meta.index, snapshot.meta.term)) {
      // We already hold the snapshot's last entry, hence (log matching) everything before it.
      this.log.commitTo(snapshot.meta.index);
      this.sendAppendAck(m.from, this.log.committed);
      return;
    }
    this.log.restore(snapshot);
    this.sendAppendAck(m.from, snapshot.meta.index);
  }

  // --- leader side of replication ------------------------------------------

  private appendAsLeader(entries: Entry[]): void {
    this.log.append(entries);
    // Entries go out at once; the leader counts itself only after persisted().
    this.bcastAppend();
    // A single voter has nobody to wait for but its own disk.
    if (this.peers.length === 0) this.maybeCommit();
  }

  /** The leader's own durable match: the reported persisted index, if the log still agrees with it. */
  private selfMatch(): number {
    return this.log.term(this.persistedIndex) === this.persistedTerm ? this.persistedIndex : Math.min(this.persistedIndex, this.log.committed);
  }

  /**
   * Commit rule (§5.3, §5.4.2): the highest index held durably by a majority,
   * and only if it belongs to the current term; older entries commit with it.
   */
  private maybeCommit(): boolean {
    const self = this.selfMatch();
    const idx = quorumValue(this.voters, (id) => (id === this.id ? self : (this.progress.get(id) as Progress).match));
    if (idx <= this.log.committed) return false;
    if (this.log.term(idx) !== this.term && this.cfg.faults.commitOldTermByCounting !== true) return false;
    const hadTermCommit = this.committedInTerm();
    this.log.commitTo(idx);
    if (!hadTermCommit && this.committedInTerm()) {
      // Reads that arrived before this term's first commit can start now.
      const waiting = this.readsAwaitingTermCommit;
      this.readsAwaitingTermCommit = [];
      for (const r of waiting) this.handleReadRequest(r);
    }
    return true;
  }

  private committedInTerm(): boolean {
    return this.log.term(this.log.committed) === this.term;
  }

  private bcastAppend(): void {
    for (const id of this.peers) this.sendAppend(id, true);
  }

  /**
   * Sends what `to` is missing. In replicate state this streams batches until
   * the log is exhausted or the in-flight window is full (pipelining); in
   * probe state it sends one message and waits. With `sendIfEmpty`, an empty
   * AppendEntries still goes out (commit propagation, probing).
   */
  private sendAppend(to: NodeId, sendIfEmpty: boolean): void {
    const pr = this.progress.get(to) as Progress;
    let first = true;
    while (!pr.isPaused()) {
      const prevIndex = pr.next - 1;
      const prevTerm = this.log.term(prevIndex);
      if (prevTerm === null) {
        this.startSnapshot(to, pr);
        return;
      }
      const { entries, bytes } =
        pr.next <= this.log.lastIndex() ? this.log.batchFrom(pr.next, this.cfg.maxMsgBytes) : { entries: [], bytes: 0 };
      if (entries.length === 0 && !(sendIfEmpty && first)) return;
      this.send({ type: 'append', from: this.id, to, term: this.term, prevIndex, prevTerm, entries, commit: this.log.committed });
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

  private startSnapshot(to: NodeId, pr: Progress): void {
    const snap = this.log.snapshot;
    invariant(snap !== null, () => `entries before ${this.log.firstIndex()} are compacted but there is no snapshot`);
    pr.becomeSnapshot(snap.meta.index);
    this.sendSnapshotChunk(to, pr);
  }

  private sendSnapshotChunk(to: NodeId, pr: Progress): void {
    const snap = this.log.snapshot;
    if (snap === null) return;
    if (pr.pendingSnapshot !== snap.meta.index) {
      // We compacted again since the transfer started; send the newer snapshot instead.
      pr.becomeSnapshot(snap.meta.index);
    }
    const offset = Math.min(pr.snapshotOffset, snap.data.length);
    const data = snap.data.slice(offset, offset + this.cfg.snapshotChunkBytes);
    const done = offset + data.length >= snap.data.length;
    this.send({ type: 'snapshot', from: this.id, to, term: this.term, meta: { ...snap.meta, voters: [...snap.meta.voters] }, offset, data, done });
  }

  private handleAppendResponse(m: Message & { type: 'append-resp' }): void {
    const pr = this.progress.get(m.from) as Progress;
    pr.recentActive = true;
    if (m.reject) {
      // The follower's hint lets us skip every entry of a term it does not have.
      const probeHint = m.hintTerm > 0 ? this.log.findConflictByTerm(m.hintIndex, m.hintTerm).index : m.hintIndex;
      if (pr.maybeDecrTo(m.index, probeHint)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(m.from, true);
      }
      return;
    }
    if (m.index > this.log.lastIndex()) {
      this.droppedMessages++; // acknowledges entries we never had: not from our term's log
      return;
    }
    const wasProbeAtMatch = pr.state === 'probe' && pr.match === m.index;
    if (!pr.maybeUpdate(m.index) && !wasProbeAtMatch) return;
    if (pr.state === 'probe') pr.becomeReplicate();
    else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) {
      pr.becomeProbe();
      pr.becomeReplicate();
    } else if (pr.state === 'replicate') pr.inflights.freeLE(m.index);

    if (this.maybeCommit()) this.bcastAppend();
    else this.sendAppend(m.from, false);

    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) this.sendTimeoutNow(m.from);
  }

  private handleHeartbeatResponse(m: Message & { type: 'heartbeat-resp' }): void {
    const pr = this.progress.get(m.from) as Progress;
    pr.recentActive = true;
    pr.probeSent = false;
    if (m.sentAt <= this.now && m.sentAt > pr.leaseAckedAt) pr.leaseAckedAt = m.sentAt;
    if (pr.state === 'snapshot') {
      this.sendSnapshotChunk(m.from, pr); // retransmit: a chunk or its answer may have been lost
    } else if (pr.match < this.log.lastIndex()) {
      // Acks may have been lost; reopen the window a little so we can resend.
      if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirst();
      this.sendAppend(m.from, true);
    }
    if (m.context !== null) {
      const done = this.readOnly.ack(m.context, m.from, (acks) => hasQuorum(this.voters, (id) => acks.has(id)));
      for (const round of done) this.completeReads(round.index, round.requests);
    }
  }

  private handleSnapshotResponse(m: Message & { type: 'snapshot-resp' }): void {
    const pr = this.progress.get(m.from) as Progress;
    pr.recentActive = true;
    if (pr.state !== 'snapshot' || m.index !== pr.pendingSnapshot) return;
    if (m.nextOffset > pr.snapshotOffset) {
      pr.snapshotOffset = m.nextOffset;
      this.sendSnapshotChunk(m.from, pr);
    } else if (m.nextOffset < pr.snapshotOffset) {
      // The follower lost its partial copy (restart); resume from what it has at the next heartbeat.
      pr.snapshotOffset = m.nextOffset;
    }
  }

  private bcastHeartbeat(): void {
    const context = this.readOnly.newestId();
    for (const id of this.peers) {
      const pr = this.progress.get(id) as Progress;
      this.send({ type: 'heartbeat', from: this.id, to: id, term: this.term, commit: Math.min(pr.match, this.log.committed), context, sentAt: this.now });
    }
  }

  private sendTimeoutNow(to: NodeId): void {
    // From here on a (possibly delayed) TimeoutNow can elect `to` at any
    // moment, bypassing stickiness: this leader's lease is over for good.
    this.leaseForfeited = true;
    this.send({ type: 'timeout-now', from: this.id, to, term: this.term });
  }

  // --- reads ---------------------------------------------------------------

  private handleReadRequest(req: ReadRequest): void {
    if (this.cfg.faults.readWithoutQuorumCheck === true) {
      this.completeReads(this.log.committed, [req]);
      return;
    }
    if (!this.committedInTerm()) {
      // Our commit index may lag the true one until an entry of our term commits.
      this.readsAwaitingTermCommit.push(req);
      return;
    }
    if (this.peers.length === 0 || this.leaseValid()) {
      this.completeReads(this.log.committed, [req]);
      return;
    }
    this.readsForNextRound.push(req);
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
  private leaseValid(): boolean {
    if (!this.cfg.leaseReads || this.leaseForfeited || this.leadTransferee !== null) return false;
    const start = quorumValue(this.voters, (id) => (id === this.id ? this.now : (this.progress.get(id) as Progress).leaseAckedAt));
    const length = this.cfg.faults.leaseOutlivesElection === true ? 3 * this.cfg.electionTicks : this.cfg.leaseTicks;
    return this.now < start + length;
  }

  private completeReads(index: number, requests: ReadRequest[]): void {
    for (const r of requests) {
      if (r.origin === this.id) {
        for (const context of r.contexts) this.readStates.push({ index, context });
      } else {
        this.send({ type: 'read-index-resp', from: this.id, to: r.origin, term: this.term, contexts: r.contexts, index, reject: false });
      }
    }
  }

  /** Batches reads accumulated since the last ready into one round trip. */
  private flushReads(): void {
    if (this.role === 'leader' && this.readsForNextRound.length > 0) {
      const requests = this.readsForNextRound;
      this.readsForNextRound = [];
      this.readOnly.open(`${this.term}.${++this.readSeq}`, this.log.committed, requests, this.id);
      this.bcastHeartbeat();
    }
    if (this.role !== 'leader' && this.readsToForward.length > 0) {
      const contexts = this.readsToForward;
      this.readsToForward = [];
      if (this.leader === null) {
        this.droppedReads.push(...contexts);
        return;
      }
      const deadline = this.now + 2 * this.cfg.electionTicks;
      for (const context of contexts) this.forwardedReads.push({ context, deadline });
      this.send({ type: 'read-index', from: this.id, to: this.leader, term: this.term, contexts });
    }
  }

  private handleReadIndexResponse(m: Message & { type: 'read-index-resp' }): void {
    for (const context of m.contexts) {
      const i = this.forwardedReads.findIndex((r) => r.context === context);
      if (i < 0) continue;
      this.forwardedReads.splice(i, 1);
      if (m.reject) this.droppedReads.push(context);
      else this.readStates.push({ index: m.index, context });
    }
  }

  private expireForwardedReads(): void {
    if (this.forwardedReads.length === 0) return;
    const keep: ForwardedRead[] = [];
    for (const r of this.forwardedReads) {
      if (r.deadline <= this.now) this.droppedReads.push(r.context);
      else keep.push(r);
    }
    this.forwardedReads = keep;
  }

  private dropForwardedReads(): void {
    for (const r of this.forwardedReads) this.droppedReads.push(r.context);
    this.droppedReads.push(...this.readsToForward);
    this.forwardedReads = [];
    this.readsToForward = [];
  }

  /** Leadership lost: no pending read can be confirmed by us any more. */
  private dropLeaderReads(): void {
    const requests: ReadRequest[] = [...this.readsAwaitingTermCommit, ...this.readsForNextRound];
    for (const round of this.readOnly.drain()) requests.push(...round.requests);
    this.readsAwaitingTermCommit = [];
    this.readsForNextRound = [];
    for (const r of requests) {
      if (r.origin === this.id) this.droppedReads.push(...r.contexts);
      else this.send({ type: 'read-index-resp', from: this.id, to: r.origin, term: this.term, contexts: r.contexts, index: 0, reject: true });
    }
  }

  // -------------------------------------------------------------------------
  // Output
  // -------------------------------------------------------------------------

  /** Queues a message; by default those that promise durable state wait for the fsync (see the header). */
  private send(m: Message, persisted: boolean = PERSISTED_TYPES.has(m.type)): void {
    if (persisted) this.persistedMsgs.push(m);
    else this.msgs.push(m);
  }

  private hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  private softState(): SoftState {
    return { leader: this.leader, role: this.role, term: this.term };
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

function sameSoftState(a: SoftState, b: SoftState): boolean {
  return a.leader === b.leader && a.role === b.role && a.term === b.term;
}
