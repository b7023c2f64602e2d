/**
 * Graceful leave (SIGTERM, "not ready"): the node stops taking new client
 * requests (server.ts answers them with a definite 11), hands leadership to
 * the most caught-up voter if it leads, keeps taking part in Raft until
 * everything it already owes is answered (each request still has its own
 * deadline, enforced by the request path as usual), then stops and makes
 * storage durable.
 *
 * Why hand over first: a leader that just exits leaves the cluster without
 * one for an election timeout or more; the transfer makes the new leader
 * known at once, and the writes this node proposed are re-sent to it and
 * answered here when they apply.
 */
import type { AdminRequests } from './admin';
import type { ServerContext } from './context';
import type { RequestPath } from './request-path';

/** How long a leaving leader keeps trying to hand over before it stops trying. */
export const HANDOVER_MS = 1000;
/** Extra wait past the longest request deadline, after which anything still owed is answered by failAll. */
const DRAIN_SLACK_MS = 500;
const POLL_MS = 10;
/** How long a node told to leave during start-up waits for recovery to finish before it gives up on it. */
const STARTUP_WAIT_MS = 5000;
/** Do not restart an aborted transfer more often than this. */
const RETRY_MS = 100;

export interface LeaveParts {
  ctx: ServerContext;
  admin: AdminRequests;
  requests: RequestPath;
  /** Stops timers, and with them the ready loop: no storage write is issued after this. */
  stop(): void;
  /** Runs what waited for start-up now (client requests in it are refused: the node is leaving). */
  abandonStartup(): void;
}

/** Resolves true once storage is durable and closed; false if it could not be (the caller exits non-zero). */
export async function leaveGracefully(p: LeaveParts): Promise<boolean> {
  const ctx = p.ctx;
  // Requests that arrived during recovery are owed too: let start-up finish
  // (it runs them, and refuses them, since we are leaving) unless it hangs.
  const startBy = ctx.env.now() + STARTUP_WAIT_MS;
  while (!ctx.raft && !ctx.failed && !ctx.timers.stopped && ctx.env.now() < startBy) await sleep(ctx, POLL_MS);
  if (!ctx.raft) p.abandonStartup();
  if (ctx.raft && !ctx.failed && !ctx.timers.stopped) {
    await handOver(p);
    await drain(p);
  }
  p.stop();
  return flushStorage(ctx);
}

function sleep(ctx: ServerContext, ms: number): Promise<void> {
  return new Promise((resolve) => ctx.env.setTimer(ms, resolve));
}

/** While we lead, ask the core to transfer (again after it aborts), for at most HANDOVER_MS. */
async function handOver(p: LeaveParts): Promise<void> {
  const ctx = p.ctx;
  const end = ctx.env.now() + HANDOVER_MS;
  let lastTry = -Infinity;
  while (ctx.soft.role === 'leader' && !ctx.failed && !ctx.timers.stopped && ctx.env.now() < end) {
    const raft = ctx.raft;
    if (raft && raft.transferee === null && ctx.env.now() - lastTry >= RETRY_MS) {
      const target = p.admin.mostCaughtUpPeer();
      if (target === null) return; // a one-node cluster: nobody to hand over to
      lastTry = ctx.env.now();
      p.admin.startTransfer(target);
    }
    await sleep(ctx, POLL_MS);
  }
  if (ctx.soft.role === 'leader') ctx.env.log(`leave: still leading after ${HANDOVER_MS} ms; answering what is owed, then exiting anyway`);
}

/** Wait until nothing is owed; past every deadline, answer what is left (it can only be a bug that kept it). */
async function drain(p: LeaveParts): Promise<void> {
  const ctx = p.ctx;
  const o = ctx.options;
  const end = ctx.env.now() + Math.max(o.kvDeadlineMs, o.txnDeadlineMs, p.admin.transferWaitMs + 250) + DRAIN_SLACK_MS;
  while (!(p.requests.idle && p.admin.idle) && !ctx.failed && ctx.env.now() < end) await sleep(ctx, POLL_MS);
  p.requests.failAll('shutting down');
  p.admin.failAll('shutting down');
}

async function flushStorage(ctx: ServerContext): Promise<boolean> {
  const storage = ctx.storage;
  if (!storage) return true;
  try {
    if (ctx.raft && !ctx.failed) {
      // save() resolves once it and every write queued before it are durable.
      await storage.save(null, []);
      // The ready loop issues a write that waits for a snapshot in a promise
      // continuation; let those run so close() waits for them too.
      await new Promise<void>((resolve) => ctx.env.defer(resolve));
    }
    await storage.close();
    return !ctx.failed;
  } catch (e) {
    ctx.env.log(`leave: storage could not be flushed: ${(e as Error).message}`);
    return false;
  }
}
