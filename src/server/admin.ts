/**
 * Admin requests on the Maelstrom protocol (our extension; README.md "Admin
 * protocol" is the contract any node can implement):
 *
 *   raft_status           -> raft_status_ok {role, term, leader, commit, applied, voters, learners}
 *                            answered at once from this node's own view: a probe, NOT linearizable
 *                            (a deposed leader may still say "leader" until it hears the new term).
 *   raft_transfer_leader  -> raft_transfer_leader_ok {leader} once `to` leads
 *                            (without `to`: the most caught-up other voter).
 *
 * Error semantics follow the client requests (request-path.ts): a definite
 * error only when nothing was started (12 for a bad request or unknown node,
 * 11 when there is no leader to ask or the node is not ready); once the
 * leader has started a transfer, the TimeoutNow it may have sent can still
 * elect `to` after any deadline, so giving up is the indefinite code 0.
 */
import { ErrorCode } from '../protocol/errors';
import type { Body, Envelope } from '../protocol/message';
import { RequestError } from '../protocol/node';
import { forwardToLeader, servingRaft } from './admin-forward';
import type { ServerContext } from './context';
import { ReconfigureRequests } from './reconfigure';

export const ADMIN_REQUEST_TYPES = ['raft_status', 'raft_transfer_leader', 'raft_reconfigure'] as const;

const STATUS_FIELDS = new Set(['type', 'msg_id']);
const TRANSFER_FIELDS = new Set(['type', 'msg_id', 'to']);

interface PendingTransfer {
  request: Envelope;
  to: string;
  deadline: number;
}

export interface AdminHooks {
  /** Run the core's ready loop later in this turn (after input reached the core). */
  scheduleReady(): void;
  /** Why the node refuses new requests (graceful leave), or null while it serves. */
  refusal(): string | null;
}

/** Every key of `body` must be one `allowed` names: an unknown field is a malformed request, not something to ignore. */
export function checkFields(body: Body, allowed: ReadonlySet<string>): void {
  const extra = Object.keys(body).filter((k) => !allowed.has(k));
  if (extra.length > 0) {
    throw new RequestError(ErrorCode.MalformedRequest, `${body.type}: unknown field(s) ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
  }
}

export class AdminRequests {
  /** Transfers this node started as leader, answered when their `to` leads. */
  private pending: PendingTransfer[] = [];
  /** Requests passed on to the leader whose answer we still relay. */
  private forwarding = 0;
  /** raft_reconfigure (reconfigure.ts). */
  readonly reconfigure: ReconfigureRequests;

  constructor(
    private readonly ctx: ServerContext,
    private readonly hooks: AdminHooks,
  ) {
    this.reconfigure = new ReconfigureRequests(ctx, hooks, () => this.transferWaitMs);
  }

  /**
   * How long a leader waits for `to` to take over. The core gives up on a
   * transferee after one election timeout (electionTicks); an election then
   * takes up to another randomized timeout ([N, 2N) ticks). Four election
   * timeouts cover both with room for a loaded machine.
   */
  get transferWaitMs(): number {
    const o = this.ctx.options;
    return 4 * o.electionTicks * o.tickMs;
  }

  /** A follower waits for the leader's answer a little longer than the leader waits itself. */
  get forwardWaitMs(): number {
    return this.transferWaitMs + 250;
  }

  /** Nothing owed (graceful leave waits for this). */
  get idle(): boolean {
    return this.pending.length === 0 && this.forwarding === 0 && this.reconfigure.idle;
  }

  // ---------------------------------------------------------------------------
  // raft_status

  status(request: Envelope): void {
    checkFields(request.body, STATUS_FIELDS);
    const ctx = this.ctx;
    if (ctx.failed) throw new RequestError(ErrorCode.TemporarilyUnavailable, `node unavailable: ${ctx.failed}`);
    const raft = ctx.raft;
    if (!raft) throw new RequestError(ErrorCode.TemporarilyUnavailable, 'not ready: recovering storage');
    const st = raft.status;
    ctx.node.reply(request, {
      type: 'raft_status_ok',
      role: st.role,
      term: st.term,
      leader: st.leader,
      commit: st.commit,
      applied: st.applied,
      // The configuration in effect here (the newest in this node's log); `outgoing` is non-empty while joint.
      voters: st.voters,
      learners: st.learners,
      outgoing: st.outgoing,
    });
  }

  // ---------------------------------------------------------------------------
  // raft_transfer_leader

  transfer(request: Envelope): void {
    const body = request.body;
    checkFields(body, TRANSFER_FIELDS);
    const ctx = this.ctx;
    const voters = ctx.raft ? ctx.raft.voters : ctx.node.nodeIds;
    let to: string | null = null;
    if (body.to !== undefined) {
      if (typeof body.to !== 'string') throw new RequestError(ErrorCode.MalformedRequest, `"to" must be a node id string, got ${JSON.stringify(body.to)}`);
      if (!voters.includes(body.to)) throw new RequestError(ErrorCode.MalformedRequest, `"to": ${JSON.stringify(body.to)} is not a voter (voters: ${voters.join(', ')})`);
      to = body.to;
    }
    const raft = servingRaft(ctx, this.hooks.refusal());
    const me = ctx.node.nodeId;
    const leader = ctx.soft.leader;
    if (to !== null && leader === to) {
      ctx.node.reply(request, { type: 'raft_transfer_leader_ok', leader: to });
      return;
    }
    if (leader === null) throw new RequestError(ErrorCode.TemporarilyUnavailable, 'no leader known');
    if (leader !== me) {
      // One hop at most: a peer forwarded this to us because it thought we lead;
      // with views that disagree, passing it on again could bounce it around.
      if (ctx.node.isPeer(request.src)) throw new RequestError(ErrorCode.TemporarilyUnavailable, `not the leader (${leader} is, as far as ${me} knows)`);
      this.forward(request, leader, to);
      return;
    }
    const target = to ?? this.mostCaughtUpPeer();
    if (target === null) throw new RequestError(ErrorCode.TemporarilyUnavailable, 'no other voter to hand leadership to');
    if (target === me) {
      ctx.node.reply(request, { type: 'raft_transfer_leader_ok', leader: me });
      return;
    }
    this.startTransfer(target);
    this.pending.push({ request, to: target, deadline: ctx.env.now() + this.transferWaitMs });
  }

  /** Leader only: hand over to `to` (the core ignores a non-voter or a non-leader call). */
  startTransfer(to: string): void {
    const raft = this.ctx.raft;
    if (!raft || this.ctx.timers.stopped) return;
    this.ctx.timers.catchUp(raft); // ticks before input, as for every other call into the core
    raft.transferLeadership(to);
    this.ctx.env.log(`transferring leadership to ${to}`);
    this.hooks.scheduleReady();
  }

  /**
   * The voter, other than us, whose log matches ours furthest (leader only;
   * null elsewhere or when there is no other voter). Peers heard from in the
   * last election timeout come first: a silent one cannot take over. Ties
   * are broken at random so repeated transfers spread over the cluster.
   */
  mostCaughtUpPeer(): string | null {
    const raft = this.ctx.raft;
    const progress = raft?.status.progress;
    if (!raft || !progress) return null;
    const peers = raft.voters.filter((v) => v !== raft.id);
    if (peers.length === 0) return null;
    const active = peers.filter((p) => progress[p]?.recentActive);
    const pool = active.length > 0 ? active : peers;
    const best = Math.max(...pool.map((p) => progress[p]?.match ?? 0));
    const top = pool.filter((p) => (progress[p]?.match ?? 0) === best);
    return top[Math.min(top.length - 1, Math.floor(this.ctx.env.random() * top.length))];
  }

  /** A follower asks the leader and relays its answer (ok or error) unchanged. */
  private forward(request: Envelope, leader: string, to: string | null): void {
    const ask: Body = { type: 'raft_transfer_leader' };
    if (to !== null) ask.to = to;
    this.forwarding++;
    forwardToLeader(this.ctx, {
      request,
      leader,
      ask,
      waitMs: this.forwardWaitMs,
      relayOk: (answer) => (answer.type === 'raft_transfer_leader_ok' && typeof answer.leader === 'string' ? { type: 'raft_transfer_leader_ok', leader: answer.leader } : null),
      stillMay: 'the transfer may still happen',
      done: () => this.forwarding--,
    });
  }

  /** A new soft state: answer the transfers whose `to` now leads. */
  onSoftState(): void {
    const leader = this.ctx.soft.leader;
    if (leader === null || this.pending.length === 0) return;
    this.pending = this.pending.filter((p) => {
      if (p.to !== leader) return true;
      this.ctx.node.reply(p.request, { type: 'raft_transfer_leader_ok', leader });
      return false;
    });
  }

  /** Periodic: give up on transfers past their deadline (indefinite: a TimeoutNow may still elect `to`). */
  sweep(): void {
    this.reconfigure.progress();
    const now = this.ctx.env.now();
    this.pending = this.pending.filter((p) => {
      if (now < p.deadline) return true;
      this.ctx.node.replyError(p.request, ErrorCode.Timeout, `${p.to} did not take over within ${this.transferWaitMs} ms; it may still do so`);
      return false;
    });
  }

  /** The node stops (storage failed, or it leaves): answer every transfer still waiting, indefinitely. */
  failAll(reason: string): void {
    this.reconfigure.failAll(reason);
    for (const p of this.pending) this.ctx.node.replyError(p.request, ErrorCode.Timeout, `${reason}; the transfer to ${p.to} may still happen`);
    this.pending = [];
  }
}
