/**
 * The replicated node: Maelstrom protocol in, Raft in the middle, workload
 * state machines out. Follow a client request from `onClientRequest` to its
 * reply:
 *
 *   write (any node) ─ pending[seq] ─ flush(): leader? propose : forward to leader
 *        ─ Raft commits the entry ─ every replica applies it (apply())
 *        ─ the node holding pending[seq] replies to the client.
 *   read  (any node) ─ readIndex(batch) ─ ReadState{index} ─ applied ≥ index
 *        ─ answer from local state (serveReads()).
 *
 * Batching at every hop: requests that arrive in one event-loop turn become
 * one proposal (or one forward message), one Ready, one disk write, one Raft
 * message per peer and one stdout write.
 *
 * Error semantics (docs/architecture.md "Error semantics"): a definite error
 * (11) only for a write that was never proposed nor forwarded; anything that
 * left this node may still commit, so its deadline answer is the indefinite
 * code 0. Reads change nothing, so every read error is definite.
 */
import { ErrorCode } from '../protocol/errors';
import type { NodeEnv, TimerHandle } from '../protocol/env';
import type { Body, Envelope, Json } from '../protocol/message';
import { MaelstromNode, type InitInfo } from '../protocol/node';
import { RaftNode, type Entry, type Message, type Ready, type Recovered, type Snapshot, type SoftState, type TestingFaults } from '../raft';
import { decodeLogCommand, encodeLogCommand } from './log-command';
import type { ServerOptions } from './options';
import { SessionTable } from './sessions';
import { ServerStats } from './stats';
import type { RaftStorage } from '../storage';
import { PeerOutbox } from './peer-outbox';
import { decodePeerBody, PEER_BODY } from './wire';
import type { NodeWorkload, ReplicatedWorkload, StateMachine } from './workload';

export interface ServerDeps {
  env: NodeEnv;
  options: ServerOptions;
  workloads: NodeWorkload[];
  /** Opens this node's storage once its id is known (from init). */
  openStorage(nodeId: string): RaftStorage;
  /** Differs on every start of the process (unique ids, session origin). */
  incarnation: string;
  /** Deliberately broken behaviour, for tests that prove the simulator and checkers catch it. Never in production. */
  testingFaults?: ServerTestingFaults;
  /** Broken-rule switches of the Raft core itself (simulator tests only), passed through to RaftConfig. Never in production. */
  raftTestingFaults?: TestingFaults;
}

export interface ServerTestingFaults {
  /** Answer a lin-kv `write` with write_ok as soon as it is proposed, before it commits. */
  ackWritesBeforeCommit?: boolean;
  /** Answer reads from local state at once, without a ReadIndex round. */
  readsWithoutReadIndex?: boolean;
}

interface PendingWrite {
  request: Envelope;
  workload: string;
  command: Json;
  arrivedAt: number;
  deadline: number;
  /** Where the command was last sent (a leader, or this node when it proposed); null = never left. */
  sentTo: string | null;
  sentAt: number;
  sentTerm: number;
}

interface PendingRead {
  request: Envelope;
  workload: string;
  command: Json;
  arrivedAt: number;
  deadline: number;
}

interface ReadBatch {
  reads: PendingRead[];
  /** Set once the ReadState arrives: serve when applied >= index. */
  index: number | null;
}

/** Serialized form of a snapshot's data. */
interface SnapshotData {
  machines: Record<string, Json>;
  sessions: Json;
}

export class RaftServer {
  readonly node: MaelstromNode;
  private readonly env: NodeEnv;
  private readonly options: ServerOptions;
  private readonly replicated = new Map<string, ReplicatedWorkload>();
  private readonly machines = new Map<string, StateMachine>();
  private readonly sessions = new SessionTable();
  readonly stats = new ServerStats();

  private raft: RaftNode | null = null;
  private storage: RaftStorage | null = null;
  private failed: string | null = null;
  private origin = '';
  private startupQueue: Array<() => void> = [];

  // Request path state.
  private nextSeq = 1;
  private readonly pendingWrites = new Map<number, PendingWrite>();
  private toRoute: number[] = [];
  private proposalQueue: string[] = [];
  private waitingReads: PendingRead[] = [];
  private readonly readBatches = new Map<string, ReadBatch>();
  private nextReadBatch = 1;

  // Raft-facing state.
  private soft: SoftState = { leader: null, role: 'follower', term: 0 };
  private applied = 0;
  private appliedTerm = 0;
  private lastSnapshotIndex = 0;
  private tickOrigin = 0;
  private ticksDone = 0;
  private snapshotBarrier: Promise<void> | null = null;
  /** Resolves once every storage write issued so far is durable. */
  private writeTail: Promise<void> = Promise.resolve();
  private readonly peers: PeerOutbox;
  private flushScheduled = false;
  private readyScheduled = false;
  private timers: TimerHandle[] = [];
  private stopped = false;

  constructor(private readonly deps: ServerDeps) {
    this.env = deps.env;
    this.options = deps.options;
    this.node = new MaelstromNode(deps.env);
    for (const workload of deps.workloads) {
      if (workload.kind === 'local') {
        for (const type of workload.requestTypes) {
          this.node.on(type, (request) => workload.handle(request, { node: this.node, incarnation: deps.incarnation }));
        }
      } else {
        this.replicated.set(workload.name, workload);
        this.machines.set(workload.name, workload.createStateMachine());
        for (const type of workload.requestTypes) {
          this.node.on(type, (request) => this.onClientRequest(workload, request));
        }
      }
    }
    this.peers = new PeerOutbox(deps.env, (dest, body) => this.node.send(dest, body), deps.options.peerFlushMs, deps.options.batching);
    this.node.on(PEER_BODY, (message) => this.whenStarted(() => this.onPeerMessage(message)));
    this.node.onInit((info) => this.start(info));
  }

  /** Per-request diagnostics, only with --verbose (steady state stays quiet otherwise). */
  private debug(line: string): void {
    if (this.options.verbose) this.env.log(line);
  }

  handleLine(line: string): void {
    this.node.handleLine(line);
  }

  /** Stop timers (stdin closed, or the simulator crashing this node). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    this.timers = [];
  }

  get raftStatus() {
    return this.raft?.status ?? null;
  }

  // ---------------------------------------------------------------------------
  // Start-up: open storage, recover, build the Raft replica.

  private start(info: InitInfo): void {
    this.origin = `${info.nodeId}:${this.deps.incarnation}`;
    let storage: RaftStorage;
    try {
      storage = this.deps.openStorage(info.nodeId);
    } catch (e) {
      this.fail(`cannot open storage: ${(e as Error).message}`);
      return;
    }
    this.storage = storage;
    // startRaft can throw too (the core refuses an inconsistent recovered state):
    // either way the node must say so and stay unavailable, never die silently
    // in an unhandled rejection.
    storage
      .recover()
      .then((recovered) => this.startRaft(info, recovered))
      .catch((e: unknown) => this.fail(`recovery failed: ${(e as Error).message}`));
  }

  private startRaft(info: InitInfo, recovered: Recovered): void {
    if (this.stopped) return;
    if (recovered.snapshot) this.restoreSnapshot(recovered.snapshot);
    const o = this.options;
    this.raft = new RaftNode(
      {
        id: info.nodeId,
        voters: [...info.nodeIds],
        electionTicks: o.electionTicks,
        heartbeatTicks: o.heartbeatTicks,
        random: () => this.env.random(),
        preVote: true,
        checkQuorum: true,
        maxMsgBytes: o.batching ? o.maxBatchBytes : 0,
        maxInflightMsgs: o.pipelining ? o.maxInflightMsgs : 1,
        readMode: o.readMode,
        testingFaults: this.deps.raftTestingFaults,
      },
      recovered,
    );
    this.env.log(
      `started ${info.nodeId} of [${info.nodeIds.join(',')}]: term ${recovered.hardState.term}, commit ` +
        `${recovered.hardState.commit}, ${recovered.entries.length} log entries, snapshot at ${recovered.snapshot?.meta.index ?? 0}` +
        (o.dataDir ? ` (data dir ${o.dataDir})` : ' (in memory)'),
    );
    this.tickOrigin = this.env.now();
    this.every(o.tickMs, () => {
      this.catchUpTicks();
      this.scheduleReady();
    });
    this.every(Math.max(10, Math.floor(o.forwardRetryMs / 2)), () => this.sweep());
    if (o.statsIntervalMs > 0) this.every(o.statsIntervalMs, () => this.logStats());
    const queued = this.startupQueue;
    this.startupQueue = [];
    for (const run of queued) run();
    this.scheduleReady();
  }

  /**
   * Ticks are counted from the monotonic clock, not from timer callbacks, and
   * are caught up before the core sees any input (a peer message, a read
   * round): after a stall (GC, SIGSTOP, a long turn) Node runs buffered input
   * before overdue timers, and a leader judging its lease on an under-counted
   * clock would serve a read after a newer leader acknowledged a write.
   */
  private catchUpTicks(): void {
    const raft = this.raft;
    if (!raft) return;
    const due = Math.floor((this.env.now() - this.tickOrigin) / this.options.tickMs);
    for (; this.ticksDone < due; this.ticksDone++) raft.tick();
  }

  /**
   * The node cannot go on (storage will not open, recover or write). It stops
   * taking part in Raft but keeps answering: what it had sent on may still
   * commit elsewhere (indefinite 0), everything else certainly did not happen
   * (definite 11), and so does every later request.
   */
  private fail(reason: string): void {
    if (this.failed) return;
    this.failed = reason;
    this.env.log(`FATAL: ${reason}; answering every request with 11 temporarily-unavailable`);
    this.stop();
    for (const [seq, write] of this.pendingWrites) {
      this.pendingWrites.delete(seq);
      if (write.sentTo === null) this.node.replyError(write.request, ErrorCode.TemporarilyUnavailable, `node unavailable: ${reason}`);
      else this.node.replyError(write.request, ErrorCode.Timeout, `node failed (${reason}); the write may still take effect`);
    }
    const reads = [...this.waitingReads, ...[...this.readBatches.values()].flatMap((b) => b.reads)];
    this.waitingReads = [];
    this.readBatches.clear();
    for (const read of reads) this.node.replyError(read.request, ErrorCode.TemporarilyUnavailable, `node unavailable: ${reason}`);
    this.toRoute = [];
    this.proposalQueue = [];
    for (const run of this.startupQueue) run();
    this.startupQueue = [];
  }

  /** Defers work that needs the Raft replica until recovery has finished. */
  private whenStarted(run: () => void): void {
    if (this.raft || this.failed) run();
    else this.startupQueue.push(run);
  }

  private every(ms: number, fn: () => void): void {
    const loop = (): void => {
      if (this.stopped) return;
      fn();
      this.timers[index] = this.env.setTimer(ms, loop);
    };
    const index = this.timers.length;
    this.timers.push(this.env.setTimer(ms, loop));
  }

  // ---------------------------------------------------------------------------
  // Client requests.

  private onClientRequest(workload: ReplicatedWorkload, request: Envelope): void {
    // Parse before anything else so malformed requests get 12 even during start-up.
    const { command, readOnly } = workload.parse(request.body);
    this.whenStarted(() => this.admit(workload, request, command, readOnly));
  }

  private admit(workload: ReplicatedWorkload, request: Envelope, command: Json, readOnly: boolean): void {
    if (this.failed) {
      this.node.replyError(request, ErrorCode.TemporarilyUnavailable, `node unavailable: ${this.failed}`);
      return;
    }
    const now = this.env.now();
    const deadline = now + (workload.name === 'lin-kv' ? this.options.kvDeadlineMs : this.options.txnDeadlineMs);
    if (readOnly) {
      this.stats.reads++;
      if (this.deps.testingFaults?.readsWithoutReadIndex) {
        this.node.reply(request, this.machines.get(workload.name)!.query(command));
        return;
      }
      this.waitingReads.push({ request, workload: workload.name, command, arrivedAt: now, deadline });
    } else {
      this.stats.writes++;
      const seq = this.nextSeq++;
      this.pendingWrites.set(seq, {
        request, workload: workload.name, command, arrivedAt: now, deadline, sentTo: null, sentAt: 0, sentTerm: 0,
      });
      this.toRoute.push(seq);
    }
    this.scheduleFlush();
  }

  /** The origin's low watermark: every seq below it is finished. */
  private lowWatermark(): number {
    // Map iteration order is insertion order, and seqs are inserted increasing.
    for (const seq of this.pendingWrites.keys()) return seq;
    return this.nextSeq;
  }

  private encodePending(seq: number, write: PendingWrite): string {
    return encodeLogCommand({ origin: this.origin, seq, low: this.lowWatermark(), workload: write.workload, command: write.command });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.env.defer(() => this.flush());
  }

  /** Once per turn: route writes, propose, forward, start a read round, run Raft. */
  private flush(): void {
    this.flushScheduled = false;
    const raft = this.raft;
    if (!raft || this.stopped) return;
    this.catchUpTicks();
    const leader = this.soft.leader;
    const me = this.node.nodeId;
    const forwards = new Map<string, string[]>();
    const routing = this.toRoute;
    this.toRoute = [];
    for (const seq of routing) {
      const write = this.pendingWrites.get(seq);
      if (!write) continue;
      if (leader === null) continue; // stays unsent; sweep() retries and enforces the no-leader wait
      const data = this.encodePending(seq, write);
      if (leader === me && this.deps.testingFaults?.ackWritesBeforeCommit && write.request.body.type === 'write') {
        this.pendingWrites.delete(seq);
        this.node.reply(write.request, { type: 'write_ok' });
      }
      if (leader === me) this.proposalQueue.push(data);
      else push(forwards, leader, data);
      write.sentTo = leader;
      write.sentAt = this.env.now();
      write.sentTerm = this.soft.term;
    }
    if (this.proposalQueue.length > 0) this.proposeQueued(forwards);
    for (const [dest, cmds] of forwards) this.peers.forward(dest, cmds);
    if (this.waitingReads.length > 0) this.startReadRound();
    this.scheduleReady();
  }

  private proposeQueued(forwards: Map<string, string[]>): void {
    const raft = this.raft!;
    const queue = this.proposalQueue;
    this.proposalQueue = [];
    for (const batch of this.batches(queue)) {
      const result = raft.propose(batch);
      if (result.ok) {
        this.stats.proposals++;
        this.stats.proposedEntries += batch.length;
        continue;
      }
      // Not leader (any more): nothing was appended, so passing the batch on is
      // safe. With no leader known the commands are dropped here; their origins
      // retry them (our own through sweep()).
      if (result.leader !== null && result.leader !== this.node.nodeId) {
        for (const data of batch) push(forwards, result.leader, data);
      }
    }
  }

  /** Split commands into proposal batches (one command each when batching is off). */
  private batches(commands: string[]): string[][] {
    if (!this.options.batching) return commands.map((c) => [c]);
    const out: string[][] = [];
    let current: string[] = [];
    let bytes = 0;
    for (const c of commands) {
      if (current.length > 0 && bytes + c.length > this.options.maxBatchBytes) {
        out.push(current);
        current = [];
        bytes = 0;
      }
      current.push(c);
      bytes += c.length;
    }
    if (current.length > 0) out.push(current);
    return out;
  }

  /** Commands a follower handed us: propose them if we lead, else pass them on once. */
  private handleForwarded(src: string, cmds: string[], alreadyForwarded: boolean): void {
    const leader = this.soft.leader;
    if (leader === this.node.nodeId) {
      this.proposalQueue.push(...cmds);
      this.scheduleFlush();
    } else if (leader !== null && leader !== src && !alreadyForwarded) {
      // One extra hop at most: a stale follower view must not bounce commands around.
      this.peers.forward(leader, cmds, true);
    }
    // Otherwise drop: the origin re-forwards after forwardRetryMs (dedup makes that safe).
  }

  // ---------------------------------------------------------------------------
  // Reads (ReadIndex: Raft dissertation §6.4).

  private startReadRound(): void {
    const raft = this.raft!;
    // Unique per process incarnation: the core matches a read-index answer by
    // context alone, and an answer to a previous incarnation's round (delayed in
    // the network across our restart) carries an index from before writes we may
    // have missed since.
    const context = `${this.origin}.${this.nextReadBatch++}`;
    const result = raft.readIndex(context);
    if (!result.ok) return; // no leader yet: reads keep waiting (sweep() enforces the wait)
    this.readBatches.set(context, { reads: this.waitingReads, index: null });
    this.waitingReads = [];
    this.stats.readRounds++;
  }

  private serveReads(): void {
    for (const [context, batch] of this.readBatches) {
      if (batch.index === null || batch.index > this.applied) continue;
      this.readBatches.delete(context);
      for (const read of batch.reads) {
        const machine = this.machines.get(read.workload)!;
        this.node.reply(read.request, machine.query(read.command));
      }
    }
  }

  // ---------------------------------------------------------------------------
  // Raft plumbing.

  private onPeerMessage(message: Envelope): void {
    // Only a peer may touch the log or the term: a forged forward would put a
    // command into the log that no client parse ever checked.
    if (!this.node.isPeer(message.src)) {
      this.env.log(`dropping a "${PEER_BODY}" message from ${message.src}: not a peer`);
      return;
    }
    const decoded = decodePeerBody(message.body);
    if (!decoded.ok) {
      this.env.log(`dropping peer message from ${message.src}: ${decoded.reason}`);
      return;
    }
    const raft = this.raft;
    if (!raft || this.stopped) return;
    this.catchUpTicks();
    const { raft: messages, forwards, reforwards } = decoded.payload;
    for (const m of messages) raft.step(m);
    if (forwards.length > 0) this.handleForwarded(message.src, forwards, false);
    if (reforwards.length > 0) this.handleForwarded(message.src, reforwards, true);
    this.scheduleReady();
  }

  private scheduleReady(): void {
    if (this.readyScheduled) return;
    this.readyScheduled = true;
    this.env.defer(() => {
      this.readyScheduled = false;
      this.processReady();
    });
  }

  /**
   * Drain the core's Ready batches. Order matters (see src/raft/node.ts):
   * `messages` may leave at once — the leader replicates before its own fsync —
   * but `persistedMessages` (votes, append acks) only after this batch's hard
   * state and entries are durable; `persisted()` then lets the leader count
   * itself toward the quorum.
   *
   * One deliberate difference from the core's recommended loop: committed
   * entries are applied (and answered) without waiting for this replica's own
   * fsync of the same batch. That is safe because "committed" already means
   * durable on a quorum that did not need this replica's unsynced copy (its
   * ack is only sent after the fsync), and it takes one disk latency off every
   * reply on followers. After a crash the entries are re-learned and re-applied.
   */
  private processReady(): void {
    const raft = this.raft;
    if (!raft || this.stopped) return;
    while (raft.hasReady()) {
      const rd = raft.ready();
      if (rd.softState) this.onSoftState(rd.softState);
      this.queueRaft(rd.messages);
      if (rd.snapshot) this.restoreSnapshot(rd.snapshot);
      this.persist(rd);
      this.apply(rd.committedEntries);
      for (const rs of rd.readStates) {
        const batch = this.readBatches.get(rs.context);
        if (batch) batch.index = rs.index;
      }
      for (const context of rd.droppedReads) {
        const batch = this.readBatches.get(context);
        if (!batch) continue;
        this.readBatches.delete(context);
        this.debug(`read round ${context} dropped (leader changed or unreachable); retrying ${batch.reads.length} reads`);
        this.waitingReads.push(...batch.reads); // retried with the next leader; reads are harmless to repeat
        this.scheduleFlush();
      }
      raft.advance();
      this.serveReads();
      this.maybeSnapshot();
    }
  }

  /**
   * Make one Ready durable, then release what waited for it. Three rules:
   * - storage.save() calls go out at once (storage group-commits them and
   *   resolves in call order), so a busy leader pipelines its disk writes;
   * - a received snapshot is a barrier: writes issued after it wait for it;
   * - a batch's persistedMessages and persisted() wait for `writeTail`, i.e.
   *   for its own write AND every earlier one — even a batch with nothing to
   *   write may carry an ack for entries an earlier write still holds.
   */
  private persist(rd: Ready): void {
    const storage = this.storage!;
    const lastEntry = rd.entries.length > 0 ? rd.entries[rd.entries.length - 1] : null;
    // What persisted() reports: the last entry, or the snapshot's position when there are none.
    const last = lastEntry ?? (rd.snapshot ? { index: rd.snapshot.meta.index, term: rd.snapshot.meta.term } : null);
    const hardState = rd.hardState;
    const entries = rd.entries;
    const hasWrite = hardState !== null || entries.length > 0;
    const write = (): Promise<void> => (hasWrite ? storage.save(hardState, entries) : Promise.resolve());
    let done: Promise<void> | null = null;
    if (rd.snapshot) {
      const snapshot = rd.snapshot;
      done = this.writeTail.then(() => storage.saveSnapshot(snapshot)).then(write);
      const barrier: Promise<void> = done.then(() => {
        if (this.snapshotBarrier === barrier) this.snapshotBarrier = null;
      });
      this.snapshotBarrier = barrier;
    } else if (hasWrite) {
      done = this.snapshotBarrier ? this.snapshotBarrier.then(write) : write();
    }
    if (done) {
      this.stats.diskWrites++;
      const previous = this.writeTail;
      this.writeTail = done.then(() => previous);
    }
    if (!done && rd.persistedMessages.length === 0) return;
    const messages = rd.persistedMessages;
    this.writeTail.then(
      () => {
        if (this.stopped) return;
        this.queueRaft(messages);
        if (last) this.raft?.persisted(last.index, last.term);
        this.scheduleReady();
      },
      // Acknowledging without durability would break the contract; stop instead.
      (e: unknown) => this.fail(`write to storage failed: ${(e as Error).message}`),
    );
  }

  private queueRaft(messages: readonly Message[]): void {
    if (messages.length > 0) this.peers.raft(messages);
  }

  private onSoftState(soft: SoftState): void {
    const before = this.soft;
    this.soft = soft;
    if (before.role !== soft.role || before.leader !== soft.leader || before.term !== soft.term) {
      this.env.log(`raft: role ${soft.role} term ${soft.term} leader ${soft.leader ?? '-'}`);
    }
    if (soft.leader !== before.leader && soft.leader !== null) {
      // Writes waiting for a leader, or sent to a node that no longer leads, go now.
      for (const [seq, write] of this.pendingWrites) if (write.sentTo !== soft.leader) this.toRoute.push(seq);
      this.scheduleFlush();
    }
  }

  // ---------------------------------------------------------------------------
  // Applying the log.

  private apply(entries: readonly Entry[]): void {
    for (const entry of entries) {
      if (entry.index <= this.applied) continue; // covered by a snapshot we restored
      if (entry.index !== this.applied + 1) {
        throw new Error(`apply gap: applied ${this.applied}, next committed entry ${entry.index}`);
      }
      this.applied = entry.index;
      this.appliedTerm = entry.term;
      this.stats.applied++;
      if (entry.kind === 'noop') continue;
      const cmd = decodeLogCommand(entry.data);
      const machine = this.machines.get(cmd.workload);
      if (!machine) throw new Error(`log entry ${entry.index} names unknown workload ${cmd.workload}`);
      const decision = this.sessions.check(cmd);
      let result: Body | null;
      if (decision.fresh) {
        result = machine.apply(cmd.command);
        this.sessions.record(cmd, result);
      } else {
        this.stats.duplicates++;
        this.sessions.observe(cmd);
        result = decision.result;
      }
      if (cmd.origin === this.origin) {
        const write = this.pendingWrites.get(cmd.seq);
        if (write && result) {
          this.pendingWrites.delete(cmd.seq);
          this.node.reply(write.request, result);
          this.stats.latency.record(this.env.now() - write.arrivedAt);
        }
      }
    }
  }

  private maybeSnapshot(): void {
    const interval = this.options.snapshotInterval;
    if (interval <= 0 || this.applied - this.lastSnapshotIndex < interval) return;
    const data: SnapshotData = { machines: {}, sessions: this.sessions.snapshot() };
    for (const [name, machine] of this.machines) data.machines[name] = machine.snapshot();
    const encoded = JSON.stringify(data);
    const snapshot: Snapshot = {
      meta: { index: this.applied, term: this.appliedTerm, voters: [...this.node.nodeIds] },
      data: encoded,
    };
    this.raft!.compact(this.applied, encoded);
    this.lastSnapshotIndex = this.applied;
    this.env.log(`snapshot at index ${snapshot.meta.index} term ${snapshot.meta.term} (${encoded.length} bytes)`);
    // Only after every earlier write is durable: the snapshot must never cover
    // entries (or a term) that the disk does not hold yet.
    const storage = this.storage!;
    this.writeTail
      .then(() => storage.saveSnapshot(snapshot))
      .catch((e: unknown) => this.env.log(`snapshot save failed: ${(e as Error).message}`));
  }

  private restoreSnapshot(snapshot: Snapshot): void {
    const data = JSON.parse(snapshot.data) as SnapshotData;
    for (const [name, machine] of this.machines) {
      const state = data.machines[name];
      if (state !== undefined) machine.restore(state);
    }
    this.sessions.restore(data.sessions);
    this.applied = snapshot.meta.index;
    this.appliedTerm = snapshot.meta.term;
    this.lastSnapshotIndex = snapshot.meta.index;
    this.env.log(`restored snapshot at index ${snapshot.meta.index} term ${snapshot.meta.term}`);
    this.serveReads();
  }

  // ---------------------------------------------------------------------------
  // Deadlines and retries.

  private sweep(): void {
    if (!this.raft) return;
    const now = this.env.now();
    const leader = this.soft.leader;
    const me = this.node.nodeId;
    for (const [seq, write] of this.pendingWrites) {
      if (write.sentTo === null) {
        if (now - write.arrivedAt >= Math.min(this.options.noLeaderWaitMs, write.deadline - write.arrivedAt)) {
          // Never proposed, never forwarded: certainly not applied, and never will be
          // (its seq falls below our watermark the moment we drop it).
          this.pendingWrites.delete(seq);
          this.node.replyError(write.request, ErrorCode.TemporarilyUnavailable, 'no leader known');
          this.stats.unavailable++;
          this.debug(`write ${seq} from ${write.request.src}: no leader known, answered 11`);
        } else if (leader !== null) {
          this.toRoute.push(seq);
        }
        continue;
      }
      if (now >= write.deadline) {
        this.pendingWrites.delete(seq);
        this.node.replyError(write.request, ErrorCode.Timeout, 'not committed in time; it may still take effect');
        this.stats.timeouts++;
        this.debug(`write ${seq} from ${write.request.src}: not committed by its deadline, answered 0 (indefinite)`);
        continue;
      }
      const stale =
        write.sentTo !== leader ||
        (leader === me ? write.sentTerm !== this.soft.term : now - write.sentAt >= this.options.forwardRetryMs);
      if (stale && leader !== null) {
        this.debug(`write ${seq}: re-sending to leader ${leader} (last sent to ${write.sentTo} in term ${write.sentTerm})`);
        this.toRoute.push(seq);
      }
    }
    const stillWaiting: PendingRead[] = [];
    for (const read of this.waitingReads) {
      if (now - read.arrivedAt >= Math.min(this.options.noLeaderWaitMs, read.deadline - read.arrivedAt)) {
        this.node.replyError(read.request, ErrorCode.TemporarilyUnavailable, 'no leader known to confirm a read');
        this.stats.unavailable++;
      } else stillWaiting.push(read);
    }
    this.waitingReads = stillWaiting;
    for (const [context, batch] of this.readBatches) {
      const expired = batch.reads.filter((r) => now >= r.deadline);
      if (expired.length === 0) continue;
      for (const read of expired) {
        this.node.replyError(read.request, ErrorCode.TemporarilyUnavailable, 'read could not be confirmed in time');
        this.stats.timeouts++;
      }
      batch.reads = batch.reads.filter((r) => now < r.deadline);
      if (batch.reads.length === 0) this.readBatches.delete(context);
    }
    if (this.toRoute.length > 0 || this.waitingReads.length > 0) this.scheduleFlush();
  }

  private logStats(): void {
    const line = this.stats.takeLine(this.raft?.status ?? null, this.peers.stats, this.pendingWrites.size, this.sessions.size);
    if (line) this.env.log(line);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
