/**
 * What the parts of one RaftServer share (server.ts builds it): the
 * environment and the objects made once in the constructor, and the few
 * fields start-up fills in. Each part owns the rest of its state itself:
 * the request path its pending requests, the applier the state machines,
 * the ready loop the write ordering.
 */
import type { NodeEnv } from '../protocol/env';
import type { MaelstromNode } from '../protocol/node';
import type { RaftNode, SoftState } from '../raft';
import type { RaftStorage } from '../storage';
import type { ServerOptions } from './options';
import type { PeerOutbox } from './peer-outbox';
import type { ServerTestingFaults } from './server';
import type { ServerStats } from './stats';
import type { Timers } from './timers';

export interface ServerContext {
  readonly env: NodeEnv;
  readonly options: ServerOptions;
  readonly node: MaelstromNode;
  readonly stats: ServerStats;
  readonly peers: PeerOutbox;
  readonly timers: Timers;
  readonly testingFaults: ServerTestingFaults | undefined;
  /** Null until recovery has finished. */
  raft: RaftNode | null;
  storage: RaftStorage | null;
  /** Why the node gave up (storage failed), or null. */
  failed: string | null;
  /** `<node id>:<incarnation>`: whose client a log command belongs to. */
  origin: string;
  /** The core's last reported soft state. */
  soft: SoftState;
}

/** Per-request diagnostics, only with --verbose (steady state stays quiet otherwise). */
export function debug(ctx: ServerContext, line: string): void {
  if (ctx.options.verbose) ctx.env.log(line);
}
