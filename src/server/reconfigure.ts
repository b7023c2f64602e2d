/**
 * The admin request `raft_reconfigure {voters, learners?}` (README.md "Admin
 * protocol"): change who votes and who only listens, answered
 * `raft_reconfigure_ok {voters, learners}` once that configuration is
 * committed (the core goes through a joint configuration when the voters
 * change; src/raft/reconfigure.ts).
 *
 * Errors, as for every other request: 12 when the request is malformed
 * (unknown node, empty voters, a node in both lists); the definite 11 when
 * nothing was started (no leader, another change unfinished, the leader has
 * not committed in its term yet, a learner to promote has not caught up, the
 * node is shutting down); the indefinite 0 once the change is in the log but
 * not known committed by the deadline: it may still complete.
 *
 * A learner is promoted only once it holds the log up to the leader's commit
 * index as of the request (thesis §4.2.1): a voter that must first catch up
 * would leave the new configuration without a working majority meanwhile.
 */
import { ErrorCode } from '../protocol/errors';
import type { Body, Envelope } from '../protocol/message';
import { RequestError } from '../protocol/node';
import { membershipProblem, sameMembership, type Membership, type MembershipTarget } from '../raft';
import { checkFields, type AdminHooks } from './admin';
import { forwardToLeader, servingRaft } from './admin-forward';
import type { ServerContext } from './context';

const FIELDS = new Set(['type', 'msg_id', 'voters', 'learners']);

interface PendingChange {
  request: Envelope;
  target: MembershipTarget;
  deadline: number;
  /** Learners being promoted must hold the log up to here before the change is proposed. */
  catchUpTo: number;
  proposed: boolean;
}

/** The change is finished: `m` is the target itself, out of its joint step. */
function isDone(m: Membership, target: MembershipTarget): boolean {
  return sameMembership(m, { voters: target.voters, outgoing: [], learners: target.learners });
}

export class ReconfigureRequests {
  private pending: PendingChange[] = [];
  private forwarding = 0;

  constructor(
    private readonly ctx: ServerContext,
    private readonly hooks: AdminHooks,
    /** How long a change may take: the leader's wait; a forwarding follower waits a little longer. */
    private readonly waitMs: () => number,
  ) {}

  get idle(): boolean {
    return this.pending.length === 0 && this.forwarding === 0;
  }

  handle(request: Envelope): void {
    const body = request.body;
    checkFields(body, FIELDS);
    const ctx = this.ctx;
    const target = parseTarget(body, ctx.node.nodeIds);
    const raft = servingRaft(ctx, this.hooks.refusal());
    const me = ctx.node.nodeId;
    const leader = ctx.soft.leader;
    if (leader === null) throw new RequestError(ErrorCode.TemporarilyUnavailable, 'no leader known');
    if (leader !== me) {
      // One hop at most, as for transfers (admin.ts).
      if (ctx.node.isPeer(request.src)) throw new RequestError(ErrorCode.TemporarilyUnavailable, `not the leader (${leader} is, as far as ${me} knows)`);
      this.forwarding++;
      forwardToLeader(ctx, {
        request,
        leader,
        ask: { type: 'raft_reconfigure', voters: target.voters, learners: target.learners },
        waitMs: this.waitMs() + 250,
        relayOk: (answer) => (answer.type === 'raft_reconfigure_ok' ? { type: 'raft_reconfigure_ok', voters: answer.voters, learners: answer.learners } : null),
        stillMay: 'the change may still happen',
        done: () => this.forwarding--,
      });
      return;
    }
    // Several may wait here: the core refuses a second, different change (definite 11) and
    // lets the same one again (a retry, a duplicated forward) join the one under way.
    const current = raft.membership;
    const promoted = target.voters.filter((id) => !current.voters.includes(id) && id !== me);
    const change: PendingChange = { request, target, deadline: ctx.env.now() + this.waitMs(), catchUpTo: promoted.length > 0 ? raft.status.commit : 0, proposed: false };
    this.pending.push(change);
    this.progress();
  }

  /** Called after every ready batch and periodically: propose what has caught up, answer what is done. */
  progress(): void {
    if (this.pending.length === 0) return;
    const raft = this.ctx.raft;
    if (!raft) return;
    const now = this.ctx.env.now();
    this.pending = this.pending.filter((p) => {
      if (!p.proposed) return this.tryPropose(p, now);
      if (isDone(raft.committedMembership, p.target)) {
        this.ctx.node.reply(p.request, { type: 'raft_reconfigure_ok', voters: p.target.voters, learners: p.target.learners });
        return false;
      }
      if (now < p.deadline) return true;
      this.ctx.node.replyError(p.request, ErrorCode.Timeout, `the configuration change is not known committed after ${this.waitMs()} ms; it may still complete`);
      return false;
    });
  }

  /** Returns whether `p` stays pending. */
  private tryPropose(p: PendingChange, now: number): boolean {
    const ctx = this.ctx;
    const raft = ctx.raft!;
    const progress = raft.status.progress;
    const current = raft.membership;
    if (progress !== undefined) {
      const strangers = p.target.voters.filter((id) => id !== raft.id && !current.voters.includes(id) && !current.learners.includes(id));
      if (strangers.length > 0) {
        ctx.node.replyError(p.request, ErrorCode.TemporarilyUnavailable, `not changed: ${strangers.join(', ')} must first join as learner(s), so that they catch up before they vote`);
        return false;
      }
      const lagging = p.target.voters.filter((id) => id !== raft.id && !current.voters.includes(id) && (progress[id]?.match ?? 0) < p.catchUpTo);
      if (lagging.length > 0) {
        if (now < p.deadline - this.waitMs() / 2) return true; // give them half the wait to catch up
        ctx.node.replyError(p.request, ErrorCode.TemporarilyUnavailable, `not changed: ${lagging.join(', ')} has not caught up to index ${p.catchUpTo}; try again`);
        return false;
      }
    }
    this.ctx.timers.catchUp(raft);
    const res = raft.proposeMembership(p.target);
    if (!res.ok) {
      const why = res.reason === 'not-leader' ? `not the leader any more (${res.leader ?? 'none known'})` : res.detail;
      ctx.node.replyError(p.request, res.reason === 'invalid' ? ErrorCode.MalformedRequest : ErrorCode.TemporarilyUnavailable, `not changed: ${why}`);
      return false;
    }
    ctx.env.log(`reconfiguring to voters [${p.target.voters.join(',')}] learners [${p.target.learners.join(',')}] (entry ${res.index})`);
    p.proposed = true;
    this.hooks.scheduleReady();
    return true;
  }

  failAll(reason: string): void {
    for (const p of this.pending) {
      const code = p.proposed ? ErrorCode.Timeout : ErrorCode.TemporarilyUnavailable;
      this.ctx.node.replyError(p.request, code, p.proposed ? `${reason}; the configuration change may still complete` : `${reason}; not changed`);
    }
    this.pending = [];
  }
}

function parseTarget(body: Body, nodeIds: readonly string[]): MembershipTarget {
  const list = (key: string, v: unknown): string[] => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new RequestError(ErrorCode.MalformedRequest, `"${key}" must be an array of node ids, got ${JSON.stringify(v)}`);
    return v as string[];
  };
  const target: MembershipTarget = { voters: list('voters', body.voters), learners: body.learners === undefined ? [] : list('learners', body.learners) };
  const problem = membershipProblem({ voters: target.voters, outgoing: [], learners: target.learners }, new Set(nodeIds));
  if (problem !== null) throw new RequestError(ErrorCode.MalformedRequest, `raft_reconfigure: ${problem} (node ids: ${nodeIds.join(', ')})`);
  return target;
}
