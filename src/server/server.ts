/**
 * The replicated node: Maelstrom protocol in, Raft in the middle, workload
 * state machines out. Follow a client request from `onClientRequest` to its
 * reply:
 *
 *   write (any node) ─ pending[seq] ─ flush(): leader? propose : forward to leader
 *        ─ Raft commits the entry ─ every replica applies it (apply.ts)
 *        ─ the node holding pending[seq] replies to the client.
 *   read  (any node) ─ readIndex(batch) ─ ReadState{index} ─ applied ≥ index
 *        ─ answer from local state (serveReads()).
 *
 * Batching at every hop: requests that arrive in one event-loop turn become
 * one proposal (or one forward message), one Ready, one disk write, one Raft
 * message per peer and one stdout write.
 *
 * This file wires the parts together and owns start-up, failure and peer
 * input: request-path.ts (admission, routing, forwarding, reads, deadlines),
 * ready-loop.ts (persist → send → apply ordering), apply.ts (state machines,
 * sessions, snapshots), timers.ts (ticks and periodic work); context.ts is
 * what they share.
 */
import type { NodeEnv } from '../protocol/env';
import type { Envelope } from '../protocol/message';
import { MaelstromNode, type InitInfo } from '../protocol/node';
import { RaftNode, type Recovered, type Snapshot, type SoftState, type TestingFaults } from '../raft';
import type { ServerOptions } from './options';
import { ServerStats } from './stats';
import type { RaftStorage } from '../storage';
import { AdminRequests } from './admin';
import { Applier } from './apply';
import type { ServerContext } from './context';
import { leaveGracefully } from './leave';
import { PeerOutbox } from './peer-outbox';
import { ReadyLoop } from './ready-loop';
import { ErrorCode } from '../protocol/errors';
import { RequestPath } from './request-path';
import { Timers } from './timers';
import { decodePeerBody, PEER_BODY_TYPES } from './wire';
import type { NodeWorkload, ReplicatedWorkload } from './workload';

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

export class RaftServer {
  readonly node: MaelstromNode;
  readonly stats = new ServerStats();
  private readonly env: NodeEnv;
  private readonly options: ServerOptions;
  private readonly ctx: ServerContext;
  private readonly timers: Timers;
  private readonly applier: Applier;
  private readonly requests: RequestPath;
  private readonly readyLoop: ReadyLoop;
  private readonly admin: AdminRequests;
  private startupQueue: Array<() => void> = [];
  /** When storage recovery began (null before init): client requests wait for it only so long. */
  private recoveryStartedAt: number | null = null;
  /** Set once a graceful leave began: new client requests get a definite 11 with this text. */
  private refusing: string | null = null;
  private leaving: Promise<boolean> | null = null;

  constructor(private readonly deps: ServerDeps) {
    this.env = deps.env;
    this.options = deps.options;
    this.node = new MaelstromNode(deps.env);
    this.applier = new Applier(deps.env, this.stats, deps.options.snapshotInterval);
    for (const workload of deps.workloads) {
      if (workload.kind === 'local') {
        for (const type of workload.requestTypes) {
          this.node.on(type, (request) => {
            if (!this.refuse(request)) workload.handle(request, { node: this.node, incarnation: deps.incarnation });
          });
        }
      } else {
        this.applier.addMachine(workload.name, workload.createStateMachine());
        for (const type of workload.requestTypes) {
          this.node.on(type, (request) => this.onClientRequest(workload, request));
        }
      }
    }
    const peers = new PeerOutbox(deps.env, (dest, body) => this.node.send(dest, body), deps.options.peerFlushMs, deps.options.batching, (m) =>
      this.ctx.raft?.stampOutgoing(m),
    );
    this.timers = new Timers(deps.env, deps.options.tickMs);
    this.ctx = {
      env: deps.env,
      options: deps.options,
      node: this.node,
      stats: this.stats,
      peers,
      timers: this.timers,
      testingFaults: deps.testingFaults,
      raft: null,
      storage: null,
      failed: null,
      origin: '',
      soft: { leader: null, role: 'follower', term: 0 },
    };
    this.requests = new RequestPath(this.ctx, this.applier, () => this.readyLoop.scheduleReady());
    this.admin = new AdminRequests(this.ctx, { scheduleReady: () => this.readyLoop.scheduleReady(), refusal: () => this.refusing });
    // Answered at once, even during start-up (never queued behind recovery): they are probes and control, not client operations.
    this.node.on('raft_status', (request) => this.admin.status(request));
    this.node.on('raft_transfer_leader', (request) => this.admin.transfer(request));
    this.node.on('raft_reconfigure', (request) => this.admin.reconfigure.handle(request));
    this.readyLoop = new ReadyLoop(this.ctx, {
      onSoftState: (soft) => this.onSoftState(soft),
      restoreSnapshot: (snapshot) => this.restoreSnapshot(snapshot),
      apply: (entries) => this.applier.apply(entries, this.ctx.origin, (seq, result) => this.requests.onApplied(seq, result)),
      onReads: (readStates, droppedReads) => this.requests.onReads(readStates, droppedReads),
      serveReads: () => {
        this.requests.serveReads();
        this.admin.reconfigure.progress();
      },
      maybeSnapshot: () => this.applier.maybeSnapshot(this.ctx.raft!, (snapshot) => this.readyLoop.saveSnapshot(snapshot)),
      fail: (reason) => this.fail(reason),
    });
    for (const type of PEER_BODY_TYPES) this.node.on(type, (message) => this.whenStarted(() => this.onPeerMessage(message)));
    this.node.onInit((info) => this.start(info));
  }

  handleLine(line: string): void {
    this.node.handleLine(line);
  }

  /** Stop timers (stdin closed, or the simulator crashing this node). */
  stop(): void {
    this.timers.stop();
  }

  get raftStatus() {
    return this.ctx.raft?.status ?? null;
  }

  /**
   * Graceful leave (leave.ts): refuse new client requests from now on, hand
   * leadership over, answer what is owed, stop, make storage durable.
   * Resolves true when it is safe to exit 0. Idempotent.
   */
  leave(): Promise<boolean> {
    if (!this.leaving) {
      this.refusing = 'not ready: shutting down';
      this.env.log('leave: shutting down (new requests get 11; handing over leadership; answering what is owed)');
      this.leaving = leaveGracefully({
        ctx: this.ctx,
        admin: this.admin,
        requests: this.requests,
        stop: () => this.stop(),
        abandonStartup: () => {
          const queued = this.startupQueue;
          this.startupQueue = [];
          for (const run of queued) run();
        },
      });
    }
    return this.leaving;
  }

  // ---------------------------------------------------------------------------
  // Start-up: open storage, recover, build the Raft replica.

  private start(info: InitInfo): void {
    this.ctx.origin = `${info.nodeId}:${this.deps.incarnation}`;
    this.recoveryStartedAt = this.env.now();
    let storage: RaftStorage;
    try {
      storage = this.deps.openStorage(info.nodeId);
    } catch (e) {
      this.fail(`cannot open storage: ${(e as Error).message}`);
      return;
    }
    this.ctx.storage = storage;
    // startRaft can throw too (the core refuses an inconsistent recovered state):
    // either way the node must say so and stay unavailable, never die silently
    // in an unhandled rejection.
    storage
      .recover()
      .then((recovered) => this.startRaft(info, recovered))
      .catch((e: unknown) => this.fail(`recovery failed: ${(e as Error).message}`));
  }

  private startRaft(info: InitInfo, recovered: Recovered): void {
    if (this.timers.stopped) return;
    if (recovered.snapshot) this.restoreSnapshot(recovered.snapshot);
    const o = this.options;
    // Boot configuration; the log and snapshots override it once they hold one (membership.ts).
    const voterCount = Math.min(o.voters ?? info.nodeIds.length, info.nodeIds.length);
    this.ctx.raft = new RaftNode(
      {
        id: info.nodeId,
        voters: info.nodeIds.slice(0, voterCount),
        learners: info.nodeIds.slice(voterCount),
        cluster: [...info.nodeIds],
        electionTicks: o.electionTicks,
        heartbeatTicks: o.heartbeatTicks,
        random: () => this.env.random(),
        preVote: true,
        checkQuorum: true,
        maxMsgBytes: o.batching ? o.maxBatchBytes : 0,
        maxInflightMsgs: o.pipelining ? o.maxInflightMsgs : 1,
        adaptiveBatching: o.batching && o.pipelining,
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
    this.timers.startTicks();
    this.timers.every(o.tickMs, () => {
      this.timers.catchUp(this.ctx.raft);
      this.readyLoop.scheduleReady();
    });
    this.timers.every(Math.max(10, Math.floor(o.forwardRetryMs / 2)), () => {
      this.requests.sweep();
      this.admin.sweep();
    });
    if (o.statsIntervalMs > 0) this.timers.every(o.statsIntervalMs, () => this.logStats());
    const queued = this.startupQueue;
    this.startupQueue = [];
    for (const run of queued) run();
    this.readyLoop.scheduleReady();
  }

  /**
   * The node cannot go on (storage will not open, recover or write). It stops
   * taking part in Raft but keeps answering: what it had sent on may still
   * commit elsewhere (indefinite 0), everything else certainly did not happen
   * (definite 11), and so does every later request.
   */
  private fail(reason: string): void {
    if (this.ctx.failed) return;
    this.ctx.failed = reason;
    this.env.log(`FATAL: ${reason}; answering every request with 11 temporarily-unavailable`);
    this.stop();
    this.requests.failAll(reason);
    this.admin.failAll(`node unavailable: ${reason}`);
    for (const run of this.startupQueue) run();
    this.startupQueue = [];
  }

  /** Defers work that needs the Raft replica until recovery has finished. */
  private whenStarted(run: () => void): void {
    if (this.ctx.raft || this.ctx.failed) run();
    else this.startupQueue.push(run);
  }

  // ---------------------------------------------------------------------------
  // Input: client requests and peer messages.

  private onClientRequest(workload: ReplicatedWorkload, request: Envelope): void {
    if (this.refuse(request)) return;
    // Parse before anything else so malformed requests get 12 even during start-up.
    const { command, readOnly } = workload.parse(request.body);
    const admit = (): void => {
      if (!this.refuse(request)) this.requests.admit(workload, request, command, readOnly);
    };
    if (this.ctx.raft || this.ctx.failed || this.recoveryStartedAt === null) {
      this.whenStarted(admit);
      return;
    }
    // Storage is still recovering. A small log recovers in milliseconds, so wait a little;
    // a long recovery says "not ready" (Rocinante's signal) rather than let clients time out.
    const left = this.options.recoveryWaitMs - (this.env.now() - this.recoveryStartedAt);
    let settled = false;
    const notReady = (): void => {
      if (settled) return;
      settled = true;
      this.node.replyError(request, ErrorCode.TemporarilyUnavailable, 'not ready: recovering storage');
    };
    if (left <= 0) return notReady();
    const timer = this.env.setTimer(left, notReady);
    this.startupQueue.push(() => {
      if (settled) return;
      settled = true;
      timer.cancel();
      admit();
    });
  }

  /** During a graceful leave: answer a new client request with a definite 11 (it was never started). */
  private refuse(request: Envelope): boolean {
    if (this.refusing === null) return false;
    this.node.replyError(request, ErrorCode.TemporarilyUnavailable, this.refusing);
    return true;
  }

  private onPeerMessage(message: Envelope): void {
    // Only a peer may touch the log or the term: a forged forward would put a
    // command into the log that no client parse ever checked.
    if (!this.node.isPeer(message.src)) {
      this.env.log(`dropping a "${String(message.body.type)}" message from ${message.src}: not a peer`);
      return;
    }
    const decoded = decodePeerBody(message.body);
    if (!decoded.ok) {
      this.env.log(`dropping peer message from ${message.src}: ${decoded.reason}`);
      return;
    }
    const raft = this.ctx.raft;
    if (!raft || this.timers.stopped) return;
    this.timers.catchUp(raft);
    const { raft: messages, forwards, reforwards } = decoded.payload;
    for (const m of messages) raft.step(m);
    if (forwards.length > 0) this.requests.handleForwarded(message.src, forwards, false);
    if (reforwards.length > 0) this.requests.handleForwarded(message.src, reforwards, true);
    this.readyLoop.scheduleReady();
  }

  // ---------------------------------------------------------------------------
  // What the ready loop reports.

  private onSoftState(soft: SoftState): void {
    const before = this.ctx.soft;
    this.ctx.soft = soft;
    if (before.role !== soft.role || before.leader !== soft.leader || before.term !== soft.term) {
      this.env.log(`raft: role ${soft.role} term ${soft.term} leader ${soft.leader ?? '-'}`);
    }
    if (soft.leader !== before.leader && soft.leader !== null) this.requests.onNewLeader(soft.leader);
    this.admin.onSoftState();
  }

  private restoreSnapshot(snapshot: Snapshot): void {
    this.applier.restore(snapshot);
    this.requests.serveReads();
  }

  private logStats(): void {
    const line = this.stats.takeLine(this.ctx.raft?.status ?? null, this.ctx.peers.stats, this.requests.pendingCount, this.applier.sessions.size);
    if (line) this.env.log(line);
  }
}
