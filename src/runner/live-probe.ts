import { ErrorCode } from '../protocol/errors';
import { NetClient, RpcResult } from './client';
import { Network } from './network';
import { Scheduler } from './scheduler';

/**
 * The live view's `raft_status` probes (the admin request of README.md
 * "Admin protocol"). One client per node, named `c-live-<node>` so it never
 * takes a number from the test's own client sequence (the test's client ids
 * stay the same whether anyone watches) and, starting with "c", travels like
 * any Maelstrom client: zero latency, never partitioned. Probes go out only
 * when the page asks, at most once per PROBE_EVERY_MS per node, one at a time.
 * The clients stay registered until the run ends: a node that answers a
 * closed client would be muted by the network (unknown destination).
 */

export const PROBE_EVERY_MS = 500;
export const PROBE_TIMEOUT_MS = 1000;

export interface NodeStatus {
  node: string;
  /** ok: it answered raft_status_ok; unsupported: error 10; silent: no answer in time; error: another error; pending: not asked yet. */
  state: 'ok' | 'unsupported' | 'silent' | 'error' | 'pending';
  role?: string;
  term?: number;
  leader?: string | null;
  commit?: number;
  applied?: number;
  voters?: string[];
  learners?: string[];
  detail?: string;
  /** Seconds since the answer (or the give-up). */
  ageS?: number;
}

export const probeClientId = (node: string): string => `c-live-${node}`;

export class StatusProbe {
  private readonly clients = new Map<string, NetClient>();
  private readonly inFlight = new Set<string>();
  private readonly status = new Map<string, NodeStatus & { at: number }>();
  private lastRound = -Infinity;
  private enabled = false;

  constructor(
    private readonly network: Network,
    private readonly scheduler: Scheduler,
    private readonly nodes: readonly string[],
    /** Told of each probe client's id before its first message, to keep that traffic out of the test's records. */
    private readonly onClient: (id: string) => void = () => undefined,
  ) {}

  /** Start answering polls with probes (after every node's init; before that a node may not know who it is). */
  enable(): void {
    this.enabled = true;
  }

  disable(): void {
    this.enabled = false;
  }

  /** Called on each poll of the page: maybe send a round of probes, and report what is known. */
  poll(): NodeStatus[] {
    const now = this.scheduler.now();
    if (this.enabled && now - this.lastRound >= PROBE_EVERY_MS) {
      this.lastRound = now;
      for (const node of this.nodes) this.probe(node);
    }
    return this.nodes.map((node) => {
      const s = this.status.get(node);
      if (!s) return { node, state: 'pending' };
      const { at, ...rest } = s;
      return { ...rest, ageS: Math.round((now - at) / 100) / 10 };
    });
  }

  private probe(node: string): void {
    if (this.inFlight.has(node)) return;
    let client = this.clients.get(node);
    if (!client) {
      this.onClient(probeClientId(node));
      client = new NetClient(probeClientId(node), this.network, this.scheduler);
      client.open();
      this.clients.set(node, client);
    }
    this.inFlight.add(node);
    client.call(node, { type: 'raft_status' }, PROBE_TIMEOUT_MS, (r) => {
      this.inFlight.delete(node);
      this.status.set(node, { ...interpret(node, r), at: this.scheduler.now() });
    });
  }
}

export function interpret(node: string, r: RpcResult): NodeStatus {
  if (r.kind === 'timeout') return { node, state: 'silent', detail: `no answer within ${PROBE_TIMEOUT_MS} ms` };
  const b = r.body;
  if (b.type === 'error') {
    if (b.code === ErrorCode.NotSupported) return { node, state: 'unsupported', detail: 'raft_status not supported (error 10)' };
    return { node, state: 'error', detail: `error ${String(b.code)}${typeof b.text === 'string' ? ': ' + b.text : ''}` };
  }
  if (b.type !== 'raft_status_ok') return { node, state: 'error', detail: `unexpected reply type ${JSON.stringify(b.type)}` };
  const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
  const num = (x: unknown): number | undefined => (typeof x === 'number' ? x : undefined);
  const strs = (x: unknown): string[] | undefined => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : undefined);
  return {
    node,
    state: 'ok',
    role: str(b.role),
    term: num(b.term),
    leader: b.leader === null ? null : str(b.leader),
    commit: num(b.commit),
    applied: num(b.applied),
    voters: strs(b.voters),
    learners: strs(b.learners),
  };
}
