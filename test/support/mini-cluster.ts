/**
 * A small in-process cluster of real RaftServers for request-path tests: one
 * virtual clock, a network with a fixed latency and switchable partitions and
 * duplication, in-memory storage, and clients that record every reply.
 * (The full fault-injecting simulator lives in src/sim/.)
 */
import { VirtualScheduler } from '../../src/runner/scheduler';
import { Rng } from '../../src/runner/rng';
import type { NodeEnv } from '../../src/protocol/env';
import type { Body, Envelope } from '../../src/protocol/message';
import { DEFAULT_OPTIONS, type ServerOptions } from '../../src/server/options';
import { RaftServer, type ServerTestingFaults } from '../../src/server/server';
import { openMemoryStorage } from '../../src/storage';
import { createNodeWorkloads } from '../../workloads/node-registry';

export class MiniCluster {
  readonly scheduler = new VirtualScheduler();
  readonly servers = new Map<string, RaftServer>();
  readonly logs: string[] = [];
  /** Replies that reached clients, by client id. */
  readonly replies: Envelope[] = [];
  /** Ordered pairs "from>to" whose messages are dropped. */
  private readonly cut = new Set<string>();
  duplicateForwards = false;
  private clientMsgId = 1;
  private readonly rng: Rng;

  constructor(
    readonly ids: string[],
    options: Partial<ServerOptions> = {},
    private readonly latencyMs = 2,
    seed = 1,
    faults: ServerTestingFaults = {},
  ) {
    this.rng = new Rng(seed);
    for (const id of ids) {
      const server = new RaftServer({
        env: this.env(id),
        options: { ...DEFAULT_OPTIONS, statsIntervalMs: 0, ...options },
        workloads: createNodeWorkloads(),
        openStorage: () => openMemoryStorage(),
        incarnation: `i${id}`,
        testingFaults: faults,
      });
      this.servers.set(id, server);
    }
    for (const id of ids) {
      this.deliver({ src: `c-init-${id}`, dest: id, body: { type: 'init', msg_id: 1, node_id: id, node_ids: ids } });
    }
  }

  private env(id: string): NodeEnv {
    const rng = this.rng.fork(id);
    return {
      now: () => this.scheduler.now(),
      setTimer: (ms, fn) => this.scheduler.after(ms, fn),
      defer: (fn) => this.scheduler.defer(fn),
      random: () => rng.float(),
      log: (line) => this.logs.push(`${this.scheduler.now().toFixed(0)} ${id} ${line}`),
      send: (m) => this.route(m),
    };
  }

  private route(m: Envelope): void {
    if (!this.servers.has(m.dest)) {
      this.replies.push(JSON.parse(JSON.stringify(m)) as Envelope);
      return;
    }
    if (this.cut.has(`${m.src}>${m.dest}`)) return;
    const copies = this.duplicateForwards && m.body.fwd !== undefined ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const copy = JSON.parse(JSON.stringify(m)) as Envelope;
      this.scheduler.after(this.latencyMs * (1 + i), () => this.deliver(copy));
    }
  }

  private deliver(m: Envelope): void {
    this.servers.get(m.dest)!.node.handleMessage(m);
  }

  /** Isolate `group` from everyone else, both directions. */
  partition(group: string[]): void {
    for (const a of group) {
      for (const b of this.ids) {
        if (group.includes(b)) continue;
        this.cut.add(`${a}>${b}`);
        this.cut.add(`${b}>${a}`);
      }
    }
  }

  heal(): void {
    this.cut.clear();
  }

  /** Send a client request to `node`; returns its msg_id. Clients are never partitioned. */
  request(node: string, body: Omit<Body, 'msg_id'>, client = 'c1'): number {
    const msgId = this.clientMsgId++;
    this.scheduler.defer(() => this.deliver({ src: client, dest: node, body: { ...body, msg_id: msgId } as Body }));
    return msgId;
  }

  replyTo(msgId: number, client = 'c1'): Body | undefined {
    return this.replies.find((r) => r.dest === client && r.body.in_reply_to === msgId)?.body;
  }

  /** Run virtual time forward, letting storage promises settle between events. */
  async run(ms: number): Promise<void> {
    const end = this.scheduler.now() + ms;
    while (this.scheduler.now() < end) {
      this.scheduler.runUntil(Math.min(end, this.scheduler.now() + 1));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async runUntil(predicate: () => boolean, maxMs: number): Promise<boolean> {
    const end = this.scheduler.now() + maxMs;
    while (this.scheduler.now() < end) {
      if (predicate()) return true;
      await this.run(1);
    }
    return predicate();
  }

  leader(): string | null {
    for (const [id, s] of this.servers) if (s.raftStatus?.role === 'leader') return id;
    return null;
  }
}
