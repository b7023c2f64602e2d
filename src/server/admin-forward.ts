/**
 * The one hop an admin request takes from a follower to the leader
 * (admin.ts, reconfigure.ts): the follower asks, relays the leader's answer
 * unchanged (ok or error), and answers the indefinite 0 when it cannot tell
 * what the leader did: no answer in time, or an answer it does not know.
 */
import { ErrorCode } from '../protocol/errors';
import type { Body, Envelope } from '../protocol/message';
import { RequestError } from '../protocol/node';
import type { RaftNode } from '../raft';
import type { ServerContext } from './context';

/**
 * The replica an admin request that changes something may act on, or the
 * definite 11 that says why not (leaving, failed, still recovering).
 */
export function servingRaft(ctx: ServerContext, refusal: string | null): RaftNode {
  if (refusal !== null) throw new RequestError(ErrorCode.TemporarilyUnavailable, refusal);
  if (ctx.failed) throw new RequestError(ErrorCode.TemporarilyUnavailable, `node unavailable: ${ctx.failed}`);
  const raft = ctx.raft;
  if (!raft || ctx.timers.stopped) throw new RequestError(ErrorCode.TemporarilyUnavailable, 'not ready: recovering storage');
  return raft;
}

export interface AdminForward {
  request: Envelope;
  leader: string;
  ask: Body;
  waitMs: number;
  /** The leader's ok answer turned into ours, or null if it is not the expected one. */
  relayOk(answer: Body): Body | null;
  /** What "may still happen" means for this request, for the indefinite answers. */
  stillMay: string;
  done(): void;
}

export function forwardToLeader(ctx: ServerContext, f: AdminForward): void {
  ctx.node.rpc(f.leader, f.ask, f.waitMs).then(
    (answer) => {
      f.done();
      const ok = f.relayOk(answer);
      if (ok !== null) ctx.node.reply(f.request, ok);
      else if (answer.type === 'error' && typeof answer.code === 'number') {
        ctx.node.reply(f.request, { type: 'error', code: answer.code, text: `from leader ${f.leader}: ${String(answer.text ?? '')}` });
      } else {
        // Not our protocol: we cannot tell whether the leader started anything.
        ctx.node.replyError(f.request, ErrorCode.Timeout, `leader ${f.leader} answered ${JSON.stringify(answer.type)}; ${f.stillMay}`);
      }
    },
    // The leader may have started it before its answer was lost.
    () => {
      f.done();
      ctx.node.replyError(f.request, ErrorCode.Timeout, `no answer from leader ${f.leader}; ${f.stillMay}`);
    },
  );
}
