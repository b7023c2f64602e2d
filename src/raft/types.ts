/**
 * Public types of the Raft core. Everything here is plain, JSON-safe data so
 * that the server can encode messages on the wire however it likes and the
 * simulator can copy them freely.
 *
 * Sizes ("bytes") throughout the core are measured as JavaScript string
 * lengths (UTF-16 code units) of entry/snapshot `data`: the core never encodes
 * strings itself, and for the ASCII JSON the server stores the two coincide.
 */

export type NodeId = string;

/**
 * One log entry. `data` is opaque to Raft for 'normal' entries ('' for the
 * leader's no-op); a 'config' entry holds a configuration (membership.ts).
 */
export interface Entry {
  index: number;
  term: number;
  kind: 'normal' | 'noop' | 'config';
  data: string;
}

/** The state that must survive a crash (Raft paper Figure 2, "persistent state"), plus commit. */
export interface HardState {
  term: number;
  vote: NodeId | null;
  commit: number;
}

export interface SnapshotMeta {
  /** Last log index covered by the snapshot. */
  index: number;
  /** Term of the entry at `index`. */
  term: number;
  /** The configuration in effect at `index` (membership.ts); `outgoing` only when it is joint. */
  voters: NodeId[];
  learners?: NodeId[];
  outgoing?: NodeId[];
}

/** `data` is opaque: the server's serialized state machine at `meta.index`. */
export interface Snapshot {
  meta: SnapshotMeta;
  data: string;
}

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

/** A completed ReadIndex request: the read may be served once applied >= index. */
export interface ReadState {
  index: number;
  context: string;
}

// ---------------------------------------------------------------------------
// Messages. Every message has `type`, `from`, `to`, `term`. The union is
// discriminated on `type`. Field meanings follow the Raft paper where a name
// exists there (prevLogIndex -> prevIndex, leaderCommit -> commit, ...).
// ---------------------------------------------------------------------------

interface MessageBase {
  from: NodeId;
  to: NodeId;
  term: number;
}

/**
 * Pre-vote request (Ongaro's thesis §9.6). `term` is the term the sender WOULD
 * campaign in (its current term + 1); receivers do not adopt it.
 */
export interface PreVoteRequest extends MessageBase {
  type: 'pre-vote';
  lastIndex: number;
  lastTerm: number;
}

export interface PreVoteResponse extends MessageBase {
  type: 'pre-vote-resp';
  reject: boolean;
}

/** RequestVote. `transfer` marks a campaign started by TimeoutNow: it bypasses leader stickiness. */
export interface VoteRequest extends MessageBase {
  type: 'vote';
  lastIndex: number;
  lastTerm: number;
  transfer: boolean;
}

export interface VoteResponse extends MessageBase {
  type: 'vote-resp';
  reject: boolean;
}

/** AppendEntries carrying entries (possibly none: a commit update or probe). */
export interface AppendRequest extends MessageBase {
  type: 'append';
  prevIndex: number;
  prevTerm: number;
  entries: Entry[];
  commit: number;
  /**
   * The leader's tick clock when sent, echoed in the answer: an append
   * acknowledgement is lease evidence just as a heartbeat's is, so a busy
   * leader needs no heartbeats to keep its lease.
   */
  sentAt?: number;
  /**
   * The leader's durable log prefix when the message left (RaftNode.stampOutgoing):
   * with three voters, a follower that holds an entry of this term durably and
   * hears that the leader does too knows it is on a majority, i.e. committed.
   */
  durable?: number;
}

/**
 * AppendEntries reply. On success `index` is the highest index the follower
 * now durably matches with the leader. On rejection `index` is the rejected
 * `prevIndex`, and (`hintIndex`, `hintTerm`) let the leader skip a whole
 * term at once: the follower has no entry of a term in (hintTerm, prevTerm]
 * at or below hintIndex, and hintTerm is the term of its entry at hintIndex.
 */
export interface AppendResponse extends MessageBase {
  type: 'append-resp';
  reject: boolean;
  index: number;
  hintIndex: number;
  hintTerm: number;
  /** The `sentAt` of the append this answers (absent when that append had none). */
  sentAt?: number;
}

/**
 * Heartbeat. `commit` is capped at what the follower is known to hold.
 * `context` (non-null) names the newest pending ReadIndex round; `sentAt` is
 * the leader's tick clock when it was sent (echoed back, used for leases).
 */
export interface HeartbeatRequest extends MessageBase {
  type: 'heartbeat';
  commit: number;
  context: string | null;
  sentAt: number;
  /**
   * A commit notice, not a liveness probe: the follower applies `commit` and
   * sends no answer. The leader uses it to release a reply waiting at that
   * follower without paying for a round trip.
   */
  quiet?: boolean;
}

export interface HeartbeatResponse extends MessageBase {
  type: 'heartbeat-resp';
  context: string | null;
  sentAt: number;
}

/** One chunk of an InstallSnapshot transfer: `data` is `snapshot.data.slice(offset, offset + chunk)`. */
export interface SnapshotChunk extends MessageBase {
  type: 'snapshot';
  meta: SnapshotMeta;
  offset: number;
  data: string;
  /** True on the chunk that ends the snapshot data. */
  done: boolean;
}

/** Progress of a chunked transfer: the follower holds `nextOffset` characters of snapshot `index`. */
export interface SnapshotChunkResponse extends MessageBase {
  type: 'snapshot-resp';
  index: number;
  nextOffset: number;
}

/** A follower asks the leader for a read index on behalf of its local reads. */
export interface ReadIndexRequest extends MessageBase {
  type: 'read-index';
  contexts: string[];
}

/** The leader's answer: the read index for `contexts`, or `reject` (not leader any more / cannot serve). */
export interface ReadIndexResponse extends MessageBase {
  type: 'read-index-resp';
  contexts: string[];
  index: number;
  reject: boolean;
  /**
   * What the follower may mark committed: the leader's commit capped at the
   * follower's known match, so a read waiting for `index` need not wait for
   * the next append or heartbeat to learn it.
   */
  commit?: number;
}

/** Leadership transfer: the recipient campaigns at once (Raft thesis §3.10). */
export interface TimeoutNow extends MessageBase {
  type: 'timeout-now';
}

export type Message =
  | PreVoteRequest
  | PreVoteResponse
  | VoteRequest
  | VoteResponse
  | AppendRequest
  | AppendResponse
  | HeartbeatRequest
  | HeartbeatResponse
  | SnapshotChunk
  | SnapshotChunkResponse
  | ReadIndexRequest
  | ReadIndexResponse
  | TimeoutNow;

export type MessageType = Message['type'];

/**
 * Deliberately broken rules, for tests only: the randomized tester must catch
 * each of them. Never set in production.
 */
export interface TestingFaults {
  /** Commit an entry of an older term by counting replicas (Raft paper §5.4.2, Figure 8). */
  commitOldTermByCounting?: boolean;
  /** Forget `vote` when deciding: grant every up-to-date candidate in a term. */
  grantTwoVotesPerTerm?: boolean;
  /** Grant votes without the "candidate's log is at least as up-to-date" check (§5.4.1). */
  skipLogUpToDateCheck?: boolean;
  /** Complete ReadIndex immediately with the local commit, without a heartbeat round. */
  readWithoutQuorumCheck?: boolean;
  /** Send append acknowledgements before the entries are durable. */
  ackBeforePersist?: boolean;
  /** Hold leader leases for three election timeouts instead of less than one. */
  leaseOutlivesElection?: boolean;
  /** A follower of three voters commits what it holds without the leader's word that the leader holds it too. */
  pairCommitWithoutLeaderDurability?: boolean;
  /** A configuration takes effect when its entry commits, not when it is appended (thesis §4.1). */
  membershipOnCommit?: boolean;
  /** Quorums keep counting the voters the latest change removed (with the new configuration's majority size). */
  countRemovedVoters?: boolean;
  /** Quorums count learners' acks and votes (with the voters' majority size). */
  countLearners?: boolean;
  /** A new leader may propose a configuration change before an entry of its term commits. */
  changeBeforeTermCommit?: boolean;
  /** A leader that is not a voter of the committed configuration keeps leading. */
  removedLeaderKeepsLeading?: boolean;
}

export interface RaftConfig {
  id: NodeId;
  /** The boot configuration's voters (used until the log or a snapshot says otherwise). */
  voters: NodeId[];
  /** The boot configuration's learners (default none). */
  learners?: NodeId[];
  /**
   * Every node that may ever be a member (Maelstrom's node_ids): messages from
   * anyone else are dropped. Default: voters and learners.
   */
  cluster?: NodeId[];
  /** Election timeout is randomized in [electionTicks, 2*electionTicks). */
  electionTicks: number;
  heartbeatTicks: number;
  /** Seeded PRNG returning numbers in [0, 1). */
  random: () => number;
  /** Default true. */
  preVote?: boolean;
  /** Default true. */
  checkQuorum?: boolean;
  /** Max bytes of entry data per AppendEntries (default 64 KiB); 0 or 1 => exactly one entry per message. */
  maxMsgBytes?: number;
  /** Max AppendEntries in flight per follower (default 256); 1 => stop-and-wait. */
  maxInflightMsgs?: number;
  /** Max bytes of entry data in flight per follower (default 8 MiB). */
  maxInflightBytes?: number;
  /**
   * Default false. While an AppendEntries is in flight to a follower whose
   * acks come back within a tick, new entries wait for that ack (or the next
   * tick) and leave as one batch: batches grow with load by themselves, and
   * an idle follower still gets an entry at once. Followers with a longer
   * round trip keep the pipeline.
   */
  adaptiveBatching?: boolean;
  /** Default 'read-index'. 'lease' is only honoured when checkQuorum is on. */
  readMode?: 'read-index' | 'lease';
  /** Snapshots travel in chunks of this many characters (default 64 KiB). */
  snapshotChunkBytes?: number;
  /**
   * Lease length in ticks (lease mode only). Default electionTicks - 2; must be
   * < electionTicks: the margin absorbs clock-rate drift between replicas.
   */
  leaseTicks?: number;
  /** Test-only broken rules. */
  testingFaults?: TestingFaults;
}

/** What storage hands back at start. `entries` follow the snapshot (if any) contiguously. */
export interface Recovered {
  hardState: HardState;
  snapshot: Snapshot | null;
  entries: Entry[];
}

export interface SoftState {
  leader: NodeId | null;
  role: Role;
  term: number;
}

export interface Ready {
  /** Changed hard state to make durable (null = unchanged). */
  hardState: HardState | null;
  /** To make durable; an entry at index i replaces any stored entry >= i. */
  entries: Entry[];
  /** Received snapshot: make durable, then the application restores from it (before applying committedEntries). */
  snapshot: Snapshot | null;
  /** May be sent immediately (e.g. the leader's AppendEntries before its own fsync). */
  messages: Message[];
  /** Send only after THIS ready's hardState/entries/snapshot are durable (votes, append acks). */
  persistedMessages: Message[];
  /** Apply in order (committed on a quorum). */
  committedEntries: Entry[];
  /** Completed ReadIndex requests. */
  readStates: ReadState[];
  /** Contexts of reads that can no longer complete: answer them with an error. */
  droppedReads: string[];
  /** When changed. */
  softState: SoftState | null;
}

export type ProposeResult =
  | { ok: true; index: number; term: number }
  | { ok: false; leader: NodeId | null };

export type ReadIndexResult = { ok: true } | { ok: false; leader: NodeId | null };

/** A configuration as the user asks for it: who votes, who only listens. */
export interface MembershipTarget {
  voters: NodeId[];
  learners: NodeId[];
}

/**
 * RaftNode.proposeMembership. `index` is the entry that starts the change
 * (the joint configuration, or the final one when only learners change); the
 * change is done once `committedMembership` equals the target and is not
 * joint. Refusals change nothing.
 */
export type MembershipResult =
  | { ok: true; index: number }
  | { ok: false; reason: 'not-leader'; leader: NodeId | null }
  | { ok: false; reason: 'transferring' | 'term-not-committed' | 'change-pending' | 'invalid'; detail: string };

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** Leader's view of one follower, for logs and tests. */
export interface ProgressStatus {
  state: ProgressState;
  match: number;
  next: number;
  inflight: number;
  recentActive: boolean;
}

export interface RaftStatus {
  id: NodeId;
  role: Role;
  term: number;
  vote: NodeId | null;
  leader: NodeId | null;
  commit: number;
  applied: number;
  lastIndex: number;
  firstIndex: number;
  /** The configuration in effect (the newest in the log); `outgoing` is non-empty while joint. */
  voters: NodeId[];
  learners: NodeId[];
  outgoing: NodeId[];
  /** Only on a leader: per-follower replication progress. */
  progress?: Record<NodeId, ProgressStatus>;
  /** Messages discarded by step() as malformed or misaddressed. */
  droppedMessages: number;
}
