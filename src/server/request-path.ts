/**
 * Client requests from admission to reply: writes get a sequence number and
 * wait in `pendingWrites` until their command is applied here (the reply
 * comes from apply.ts through `onApplied`); reads wait for a ReadIndex round
 * and for the applied index to reach it. Everything admitted in one
 * event-loop turn is routed together by `flush`: one proposal batch on the
 * leader, one forward per peer elsewhere, one read round. `sweep` enforces
 * the deadlines and re-sends what a leader change stranded.
 *
 * Error semantics (docs/architecture.md "Error semantics"): a definite error
 * (11) only for a write that was never proposed nor forwarded; anything that
 * left this node may still commit, so its deadline answer is the indefinite
 * code 0. Reads change nothing, so every read error is definite.
 */
import { ErrorCode } from '../protocol/errors';
import type { Body, Envelope, Json } from '../protocol/message';
import type { ReadState } from '../raft';
import type { Applier } from './apply';
import { debug, type ServerContext } from './context';
import { encodeLogCommand } from './log-command';
import type { ReplicatedWorkload } from './workload';

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

export class RequestPath {
  private nextSeq = 1;
  private readonly pendingWrites = new Map<number, PendingWrite>();
  private toRoute: number[] = [];
  private proposalQueue: string[] = [];
  /** Peers whose forwarded commands sit in proposalQueue: they wait for the commit to reply. */
  private readonly commitWaiters = new Set<string>();
  private waitingReads: PendingRead[] = [];
  private readonly readBatches = new Map<string, ReadBatch>();
  private nextReadBatch = 1;
  private flushScheduled = false;

  constructor(
    private readonly ctx: ServerContext,
    private readonly applier: Applier,
    /** Runs the core's ready loop later in this turn. */
    private readonly scheduleReady: () => void,
  ) {}

  /** Writes waiting for their command to be applied (for the stats line). */
  get pendingCount(): number {
    return this.pendingWrites.size;
  }

  /** No client request is owed an answer (graceful leave waits for this). */
  get idle(): boolean {
    return this.pendingWrites.size === 0 && this.waitingReads.length === 0 && this.readBatches.size === 0;
  }

  // ---------------------------------------------------------------------------
  // Admission and routing.

  admit(workload: ReplicatedWorkload, request: Envelope, command: Json, readOnly: boolean): void {
    const ctx = this.ctx;
    if (ctx.failed) {
      ctx.node.replyError(request, ErrorCode.TemporarilyUnavailable, `node unavailable: ${ctx.failed}`);
      return;
    }
    if (ctx.raft && !ctx.raft.isMember) {
      // Removed from the configuration: the log may stop reaching us at any
      // moment, so nothing is served (or waited for) here; nothing was started.
      ctx.node.replyError(request, ErrorCode.TemporarilyUnavailable, `not a member of the cluster configuration (voters: ${ctx.raft.membership.voters.join(', ')}); ask a member`);
      return;
    }
    const now = ctx.env.now();
    const deadline = now + (workload.name === 'lin-kv' ? ctx.options.kvDeadlineMs : ctx.options.txnDeadlineMs);
    if (readOnly) {
      ctx.stats.reads++;
      if (ctx.testingFaults?.readsWithoutReadIndex) {
        ctx.node.reply(request, this.applier.query(workload.name, command));
        return;
      }
      this.waitingReads.push({ request, workload: workload.name, command, arrivedAt: now, deadline });
    } else {
      ctx.stats.writes++;
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
    const cmd = { origin: this.ctx.origin, seq, low: this.lowWatermark(), workload: write.workload, command: write.command };
    const data = encodeLogCommand(cmd);
    this.applier.rememberOwn(data, cmd);
    return data;
  }

  scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.ctx.env.defer(() => this.flush());
  }

  /** Once per turn: route writes, propose, forward, start a read round, run Raft. */
  private flush(): void {
    this.flushScheduled = false;
    const ctx = this.ctx;
    const raft = ctx.raft;
    if (!raft || ctx.timers.stopped) return;
    ctx.timers.catchUp(raft);
    const leader = ctx.soft.leader;
    const me = ctx.node.nodeId;
    const forwards = new Map<string, string[]>();
    const routing = this.toRoute;
    this.toRoute = [];
    for (const seq of routing) {
      const write = this.pendingWrites.get(seq);
      if (!write) continue;
      if (leader === null) continue; // stays unsent; sweep() retries and enforces the no-leader wait
      const data = this.encodePending(seq, write);
      if (leader === me && ctx.testingFaults?.ackWritesBeforeCommit && write.request.body.type === 'write') {
        this.pendingWrites.delete(seq);
        ctx.node.reply(write.request, { type: 'write_ok' });
      }
      if (leader === me) this.proposalQueue.push(data);
      else push(forwards, leader, data);
      write.sentTo = leader;
      write.sentAt = ctx.env.now();
      write.sentTerm = ctx.soft.term;
    }
    if (this.proposalQueue.length > 0) this.proposeQueued(forwards);
    for (const [dest, cmds] of forwards) ctx.peers.forward(dest, cmds);
    if (this.waitingReads.length > 0) this.startReadRound();
    this.scheduleReady();
  }

  private proposeQueued(forwards: Map<string, string[]>): void {
    const ctx = this.ctx;
    const raft = ctx.raft!;
    const queue = this.proposalQueue;
    this.proposalQueue = [];
    const held: string[] = [];
    for (const batch of this.batches(queue)) {
      const result = raft.propose(batch);
      if (result.ok) {
        ctx.stats.proposals++;
        ctx.stats.proposedEntries += batch.length;
        continue;
      }
      if (raft.transferee !== null) {
        // Still leading, but handing over: the core refuses proposals so the
        // transferee can catch up. Nothing was appended, so keeping the batch
        // is safe; it is proposed again if the transfer aborts, or passed on
        // once the new leader is known. Dropping it would strand our own
        // writes until their deadline: sweep() re-sends nothing to a leader
        // that is still us in the same term.
        held.push(...batch);
        continue;
      }
      // Not leader (any more): nothing was appended, so passing the batch on is
      // safe; with no leader known the commands are dropped here; their origins
      // retry them (our own through sweep()).
      if (result.leader !== null && result.leader !== ctx.node.nodeId) {
        for (const data of batch) push(forwards, result.leader, data);
      }
    }
    this.proposalQueue = held.concat(this.proposalQueue);
    // Followers whose forwarded commands we just proposed wait to reply: ask the
    // core to tell them of the commit at once rather than with the next append.
    for (const peer of this.commitWaiters) raft.notifyOnCommit(peer);
    this.commitWaiters.clear();
  }

  /** Split commands into proposal batches (one command each when batching is off). */
  private batches(commands: string[]): string[][] {
    const options = this.ctx.options;
    if (!options.batching) return commands.map((c) => [c]);
    const out: string[][] = [];
    let current: string[] = [];
    let bytes = 0;
    for (const c of commands) {
      if (current.length > 0 && bytes + c.length > options.maxBatchBytes) {
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
  handleForwarded(src: string, cmds: string[], alreadyForwarded: boolean): void {
    const ctx = this.ctx;
    const leader = ctx.soft.leader;
    if (leader === ctx.node.nodeId) {
      this.proposalQueue.push(...cmds);
      this.commitWaiters.add(src);
      this.scheduleFlush();
    } else if (leader !== null && leader !== src && !alreadyForwarded) {
      // One extra hop at most: a stale follower view must not bounce commands around.
      ctx.peers.forward(leader, cmds, true);
    }
    // Otherwise drop: the origin re-forwards after forwardRetryMs (dedup makes that safe).
  }

  /** A new leader is known: writes waiting for one, or sent to a node that no longer leads, go now. */
  onNewLeader(leader: string): void {
    for (const [seq, write] of this.pendingWrites) if (write.sentTo !== leader) this.toRoute.push(seq);
    this.scheduleFlush();
  }

  /** The applied result of one of our own writes: answer its client. */
  onApplied(seq: number, result: Body): void {
    const write = this.pendingWrites.get(seq);
    if (!write) return;
    this.pendingWrites.delete(seq);
    this.ctx.node.reply(write.request, result);
    this.ctx.stats.latency.record(this.ctx.env.now() - write.arrivedAt);
  }

  // ---------------------------------------------------------------------------
  // Reads (ReadIndex: Raft dissertation §6.4).

  private startReadRound(): void {
    const raft = this.ctx.raft!;
    // Unique per process incarnation: the core matches a read-index answer by
    // context alone, and an answer to a previous incarnation's round (delayed in
    // the network across our restart) carries an index from before writes we may
    // have missed since.
    const context = `${this.ctx.origin}.${this.nextReadBatch++}`;
    const result = raft.readIndex(context);
    if (!result.ok) return; // no leader yet: reads keep waiting (sweep() enforces the wait)
    this.readBatches.set(context, { reads: this.waitingReads, index: null });
    this.waitingReads = [];
    this.ctx.stats.readRounds++;
  }

  /** A Ready's read results: confirmed rounds get their index, dropped ones are retried. */
  onReads(readStates: readonly ReadState[], droppedReads: readonly string[]): void {
    for (const rs of readStates) {
      const batch = this.readBatches.get(rs.context);
      if (batch) batch.index = rs.index;
    }
    for (const context of droppedReads) {
      const batch = this.readBatches.get(context);
      if (!batch) continue;
      this.readBatches.delete(context);
      debug(this.ctx, `read round ${context} dropped (leader changed or unreachable); retrying ${batch.reads.length} reads`);
      this.waitingReads.push(...batch.reads); // retried with the next leader; reads are harmless to repeat
      this.scheduleFlush();
    }
  }

  serveReads(): void {
    for (const [context, batch] of this.readBatches) {
      if (batch.index === null || batch.index > this.applier.applied) continue;
      this.readBatches.delete(context);
      for (const read of batch.reads) this.ctx.node.reply(read.request, this.applier.query(read.workload, read.command));
    }
  }

  // ---------------------------------------------------------------------------
  // Deadlines and retries.

  sweep(): void {
    const ctx = this.ctx;
    if (!ctx.raft) return;
    const now = ctx.env.now();
    const leader = ctx.soft.leader;
    const me = ctx.node.nodeId;
    for (const [seq, write] of this.pendingWrites) {
      if (write.sentTo === null) {
        if (now - write.arrivedAt >= Math.min(ctx.options.noLeaderWaitMs, write.deadline - write.arrivedAt)) {
          // Never proposed, never forwarded: certainly not applied, and never will be
          // (its seq falls below our watermark the moment we drop it).
          this.pendingWrites.delete(seq);
          ctx.node.replyError(write.request, ErrorCode.TemporarilyUnavailable, 'no leader known');
          ctx.stats.unavailable++;
          debug(ctx, `write ${seq} from ${write.request.src}: no leader known, answered 11`);
        } else if (leader !== null) {
          this.toRoute.push(seq);
        }
        continue;
      }
      if (now >= write.deadline) {
        this.pendingWrites.delete(seq);
        ctx.node.replyError(write.request, ErrorCode.Timeout, 'not committed in time; it may still take effect');
        ctx.stats.timeouts++;
        debug(ctx, `write ${seq} from ${write.request.src}: not committed by its deadline, answered 0 (indefinite)`);
        continue;
      }
      const stale =
        write.sentTo !== leader ||
        (leader === me ? write.sentTerm !== ctx.soft.term : now - write.sentAt >= ctx.options.forwardRetryMs);
      if (stale && leader !== null) {
        debug(ctx, `write ${seq}: re-sending to leader ${leader} (last sent to ${write.sentTo} in term ${write.sentTerm})`);
        this.toRoute.push(seq);
      }
    }
    const stillWaiting: PendingRead[] = [];
    for (const read of this.waitingReads) {
      if (now - read.arrivedAt >= Math.min(ctx.options.noLeaderWaitMs, read.deadline - read.arrivedAt)) {
        ctx.node.replyError(read.request, ErrorCode.TemporarilyUnavailable, 'no leader known to confirm a read');
        ctx.stats.unavailable++;
      } else stillWaiting.push(read);
    }
    this.waitingReads = stillWaiting;
    for (const [context, batch] of this.readBatches) {
      const expired = batch.reads.filter((r) => now >= r.deadline);
      if (expired.length === 0) continue;
      for (const read of expired) {
        ctx.node.replyError(read.request, ErrorCode.TemporarilyUnavailable, 'read could not be confirmed in time');
        ctx.stats.timeouts++;
      }
      batch.reads = batch.reads.filter((r) => now < r.deadline);
      if (batch.reads.length === 0) this.readBatches.delete(context);
    }
    if (this.toRoute.length > 0 || this.waitingReads.length > 0 || this.proposalQueue.length > 0) this.scheduleFlush();
  }

  /**
   * The node gave up: answer everything still waiting. A write that left
   * this node may still commit elsewhere (indefinite 0); everything else
   * certainly did not happen (definite 11).
   */
  failAll(reason: string): void {
    const node = this.ctx.node;
    for (const [seq, write] of this.pendingWrites) {
      this.pendingWrites.delete(seq);
      if (write.sentTo === null) node.replyError(write.request, ErrorCode.TemporarilyUnavailable, `node unavailable: ${reason}`);
      else node.replyError(write.request, ErrorCode.Timeout, `node failed (${reason}); the write may still take effect`);
    }
    const reads = [...this.waitingReads, ...[...this.readBatches.values()].flatMap((b) => b.reads)];
    this.waitingReads = [];
    this.readBatches.clear();
    for (const read of reads) node.replyError(read.request, ErrorCode.TemporarilyUnavailable, `node unavailable: ${reason}`);
    this.toRoute = [];
    this.proposalQueue = [];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
