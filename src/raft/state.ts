/**
 * The state every handler of the core shares: one object per replica, owned
 * by RaftNode (node.ts) and passed as the first argument to the per-concern
 * functions in election.ts, replication.ts, snapshot.ts, reads.ts,
 * transfer.ts and step.ts. This is etcd's single `raft` struct with its
 * methods spread over several files; nothing here is exported from index.ts,
 * so the fields being public is an internal matter of src/raft.
 *
 * Only state and the small queries every concern needs live here: the
 * outgoing queues (`send`), the hard/soft state views, a peer's progress,
 * the leader's own durable match and whether its term has committed. The
 * Ready bookkeeping (what was handed out, what was applied) belongs to
 * RaftNode alone.
 */
import type { HardState, Message, NodeId, RaftConfig, ReadState, Recovered, Role, SoftState, TestingFaults } from './types';
import { RaftInvariantError, RaftUsageError } from './errors';
import { RaftLog } from './log';
import { majorityOf, quorumSize, type Majority } from './quorum';
import { membersOf, membershipProblem, votersOf, type Membership } from './membership';
import { Progress } from './progress';
import { ReadOnlyQueue, type ReadRequest } from './read-only';

export interface ResolvedConfig {
  electionTicks: number;
  heartbeatTicks: number;
  random: () => number;
  preVote: boolean;
  checkQuorum: boolean;
  maxMsgBytes: number;
  maxInflightMsgs: number;
  maxInflightBytes: number;
  adaptiveBatching: boolean;
  leaseReads: boolean;
  leaseTicks: number;
  snapshotChunkBytes: number;
  faults: TestingFaults;
}

/** A read a follower forwarded to the leader, waiting for its index. */
export interface ForwardedRead {
  context: string;
  deadline: number;
}

/** A snapshot arriving from the leader in chunks (follower side). */
export interface IncomingSnapshot {
  index: number;
  term: number;
  chunks: string[];
  length: number;
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
    adaptiveBatching: c.adaptiveBatching ?? false,
    // Leases rest on check-quorum's stickiness; without it a lease read could be stale.
    leaseReads: c.readMode === 'lease' && checkQuorum,
    leaseTicks,
    snapshotChunkBytes: positiveInt(c.snapshotChunkBytes ?? 64 * 1024, 'snapshotChunkBytes'),
    faults: c.testingFaults ?? {},
  };
}

/** What every handler asks of the configuration in effect, computed once per configuration. */
interface MembershipView {
  membership: Membership;
  quorum: Majority[];
  /** Everyone whose vote counts in some group of `quorum`. */
  voters: NodeId[];
  /** Everyone else the leader replicates to: voters, learners, the members just removed; not us. */
  peers: NodeId[];
  /** The peers whose answers count toward a quorum. */
  voterPeers: NodeId[];
}

export class RaftState {
  readonly id: NodeId;
  /** Every node that may ever be a member: the senders step() accepts. */
  readonly cluster: ReadonlySet<NodeId>;
  readonly cfg: ResolvedConfig;
  private view: MembershipView | null = null;

  term: number;
  vote: NodeId | null;
  role: Role = 'follower';
  leader: NodeId | null = null;
  readonly log: RaftLog;

  // Time (election.ts, transfer.ts, reads.ts).
  /** Ticks since boot: the clock of leases, transfers and forwarded-read deadlines. */
  now = 0;
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  /** `now` when a live leader was last heard from (leader stickiness, §9.6 of the thesis). */
  leaderContactAt = Number.NEGATIVE_INFINITY;

  // Elections and replication.
  votes = new Map<NodeId, boolean>();
  readonly progress = new Map<NodeId, Progress>();

  // Leadership transfer (transfer.ts).
  leadTransferee: NodeId | null = null;
  transferElapsed = 0;
  /** Once this leader has sent TimeoutNow in its term, a delayed copy may elect someone else at any time. */
  leaseForfeited = false;

  /**
   * Follower of three voters (replication.ts, commitByPair): in term
   * `pairTerm`, the leader said it durably holds its log up to
   * `pairDurable`, and our log is known to match its up to `pairMatched`.
   */
  pairTerm = 0;
  pairDurable = 0;
  pairMatched = 0;
  /** Leader: the highest durable prefix stamped on an append in term `pairStampedTerm` (reads.ts, readIndexNow). */
  pairStamped = 0;
  pairStampedTerm = 0;

  /** Highest (index, term) storage reported durable; valid while the log still has that term there. */
  persistedIndex: number;
  persistedTerm: number;

  // Reads (reads.ts).
  readonly readOnly = new ReadOnlyQueue();
  readSeq = 0;
  /** Leader: reads arriving before an entry of this term committed (thesis §6.4 step 1). */
  readsAwaitingTermCommit: ReadRequest[] = [];
  /** Leader: reads waiting for the next heartbeat round (batched per ready()). */
  readsForNextRound: ReadRequest[] = [];
  /** Follower: reads not yet sent to the leader, and those sent and unanswered. */
  readsToForward: string[] = [];
  forwardedReads: ForwardedRead[] = [];

  // Snapshot being received (snapshot.ts).
  incoming: IncomingSnapshot | null = null;

  // Output, drained by RaftNode.ready().
  msgs: Message[] = [];
  persistedMsgs: Message[] = [];
  readStates: ReadState[] = [];
  droppedReads: string[] = [];
  droppedMessages = 0;

  constructor(config: RaftConfig, recovered: Recovered) {
    const learners = config.learners ?? [];
    if (typeof config.id !== 'string' || !Array.isArray(config.voters) || !Array.isArray(learners) || (!config.voters.includes(config.id) && !learners.includes(config.id))) {
      throw new RaftUsageError(`config.voters must include config.id (${String(config.id)}), or config.learners must`);
    }
    const boot: Membership = { voters: [...config.voters], outgoing: [], learners: [...learners] };
    this.cluster = new Set(config.cluster ?? membersOf(boot));
    const problem = membershipProblem(boot, this.cluster);
    if (problem !== null) throw new RaftUsageError(`config: ${problem}`);
    if (typeof config.random !== 'function') throw new RaftUsageError('config.random must be a function returning [0,1)');
    this.id = config.id;
    this.cfg = resolveConfig(config);

    const hs = recovered.hardState;
    try {
      this.log = new RaftLog(recovered.snapshot, recovered.entries, hs.commit, boot);
    } catch (e) {
      if (e instanceof RaftInvariantError) throw new RaftUsageError(`recovered state is inconsistent: ${e.message}`);
      throw e;
    }
    this.term = hs.term;
    this.vote = hs.vote;
    if (this.log.lastTerm() > this.term) throw new RaftUsageError(`recovered log has term ${this.log.lastTerm()} above hard state term ${this.term}`);
    this.persistedIndex = this.log.lastIndex();
    this.persistedTerm = this.log.lastTerm();
  }

  // -------------------------------------------------------------------------
  // The configuration in effect (membership.ts)

  /** The majorities every decision needs: one group, or two while joint. */
  get quorum(): Majority[] {
    return this.membershipView().quorum;
  }

  get voters(): NodeId[] {
    return this.membershipView().voters;
  }

  get peers(): NodeId[] {
    return this.membershipView().peers;
  }

  get voterPeers(): NodeId[] {
    return this.membershipView().voterPeers;
  }

  /** Whether we vote in the configuration in effect (the newest in our log, in effect once appended). */
  isVoter(): boolean {
    return this.membershipView().voters.includes(this.id);
  }

  /**
   * Voters campaign; so does a voter of the previous configuration while the
   * change that removed it is not known committed. Without that, a change
   * that replaced most voters could deadlock: the old voters hold the final
   * configuration and stand back, while the new ones lack entries the old
   * ones have and cannot win their votes. A candidate counts votes over its
   * own configuration, so who stands changes liveness, never safety; once
   * elected it replicates the change and steps down when it commits.
   */
  mayCampaign(): boolean {
    if (this.isVoter()) return true;
    const history = this.log.members;
    return history.currentIndex() > this.log.committed && votersOf(history.previous()).includes(this.id);
  }

  private membershipView(): MembershipView {
    const history = this.log.members;
    const faults = this.cfg.faults;
    const m = faults.membershipOnCommit === true ? history.at(this.log.committed) : history.current();
    if (this.view !== null && this.view.membership === m) return this.view;
    const quorum = [majorityOf(m.voters)];
    if (m.outgoing.length > 0) quorum.push(majorityOf(m.outgoing));
    if (faults.countRemovedVoters === true) {
      const removed = votersOf(history.previous()).filter((id) => !votersOf(m).includes(id));
      quorum[0] = { ids: [...m.voters, ...removed], needed: quorumSize(m.voters.length) };
    }
    if (faults.countLearners === true) {
      quorum[0] = { ids: [...quorum[0].ids, ...m.learners.filter((id) => !quorum[0].ids.includes(id))], needed: quorum[0].needed };
    }
    const voters = [...new Set(quorum.flatMap((g) => g.ids))];
    // The members of the previous configuration stay peers too: a node just
    // removed still gets the entry that removes it (and the log after it, until
    // the next change), so it learns it is out instead of waiting as a stale
    // voter of the joint configuration; its answers count toward nothing.
    const peers = [...new Set([...voters, ...membersOf(m), ...membersOf(history.previous())])].filter((id) => id !== this.id);
    this.view = { membership: m, quorum, voters, peers, voterPeers: peers.filter((id) => voters.includes(id)) };
    if (this.role === 'leader') this.trackPeers(peers);
    return this.view;
  }

  /**
   * A leader's configuration changed (it appended a config entry): new
   * members get a progress, probing from our log's end like every follower
   * of a new leader; members that left are no longer replicated to.
   */
  private trackPeers(peers: readonly NodeId[]): void {
    for (const id of peers) {
      if (!this.progress.has(id)) this.progress.set(id, new Progress(this.log.lastIndex() + 1, this.cfg.maxInflightMsgs, this.cfg.maxInflightBytes));
    }
    for (const id of [...this.progress.keys()]) if (!peers.includes(id)) this.progress.delete(id);
  }

  /** Leader only: a peer's progress (every peer has one while we lead). */
  pr(id: NodeId): Progress {
    return this.progress.get(id) as Progress;
  }

  /** Queues a message; by default those that promise durable state wait for the fsync (see node.ts's header). */
  send(m: Message, persisted: boolean = PERSISTED_TYPES.has(m.type)): void {
    if (persisted) this.persistedMsgs.push(m);
    else this.msgs.push(m);
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  softState(): SoftState {
    return { leader: this.leader, role: this.role, term: this.term };
  }

  /** The leader's own durable match: the reported persisted index, if the log still agrees with it. */
  selfMatch(): number {
    return this.log.term(this.persistedIndex) === this.persistedTerm ? this.persistedIndex : Math.min(this.persistedIndex, this.log.committed);
  }

  committedInTerm(): boolean {
    return this.log.term(this.log.committed) === this.term;
  }
}

export function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

export function sameSoftState(a: SoftState, b: SoftState): boolean {
  return a.leader === b.leader && a.role === b.role && a.term === b.term;
}
