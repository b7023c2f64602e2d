/**
 * A small in-process cluster of real RaftServers for request-path tests: one
 * virtual clock, a network with a fixed latency and switchable partitions and
 * duplication, in-memory storage per node that survives a restart, and clients
 * that record every reply. For directed scenarios it can also hold, drop or
 * edit individual node-to-node messages, restart a node (a new process
 * incarnation on the same storage) and stall a node's event loop.
 * (The full fault-injecting simulator lives in src/sim/.)
 */
import { VirtualScheduler } from '../../src/runner/scheduler';
import { Rng } from '../../src/runner/rng';
import type { NodeEnv } from '../../src/protocol/env';
import type { Body, Envelope } from '../../src/protocol/message';
import { DEFAULT_OPTIONS, type ServerOptions } from '../../src/server/options';
import { RaftServer, type ServerTestingFaults } from '../../src/server/server';
import { openMemoryStorage, type RaftStorage } from '../../src/storage';
import { createNodeWorkloads } from '../../workloads/node-registry';

/** What the network does with one node-to-node envelope (the hook may also edit it). */
export type Verdict = 'deliver' | 'drop' | 'hold';

interface Stall {
  inputs: Array<() => void>;
  other: Array<() => void>;
}

export class MiniCluster {
  readonly scheduler = new VirtualScheduler();
  readonly servers = new Map<string, RaftServer>();
  readonly logs: string[] = [];
  /** Replies that reached clients, by client id. */
  readonly replies: Envelope[] = [];
  /** Envelopes the hook held back, in the order they were held. */
  readonly held: Envelope[] = [];
  /** Decides the fate of every node-to-node envelope that a partition let through. */
  hook: (m: Envelope) => Verdict = () => 'deliver';
  duplicateForwards = false;
  /** Ordered pairs "from>to" whose messages are dropped. */
  private readonly cut = new Set<string>();
  private readonly storages = new Map<string, RaftStorage>();
  /** Process incarnation per node: callbacks of an older one are ignored (it was killed). */
  private readonly life = new Map<string, number>();
  private readonly stalls = new Map<string, Stall>();
  private clientMsgId = 1;
  private readonly rng: Rng;

  constructor(
    readonly ids: string[],
    private readonly options: Partial<ServerOptions> = {},
    private readonly latencyMs = 2,
    seed = 1,
    private readonly faults: ServerTestingFaults = {},
  ) {
    this.rng = new Rng(seed);
    for (const id of ids) {
      this.storages.set(id, openMemoryStorage());
      this.life.set(id, 0);
      this.boot(id);
    }
  }

  private boot(id: string): void {
    const life = this.life.get(id)!;
    const server = new RaftServer({
      env: this.env(id, life),
      options: { ...DEFAULT_OPTIONS, statsIntervalMs: 0, ...this.options },
      workloads: createNodeWorkloads(),
      openStorage: () => this.storages.get(id)!,
      incarnation: life === 0 ? `i${id}` : `i${id}-${life}`,
      testingFaults: this.faults,
    });
    this.servers.set(id, server);
    this.deliver({ src: `c-init-${id}`, dest: id, body: { type: 'init', msg_id: 1, node_id: id, node_ids: this.ids } });
  }

  /** SIGKILL: the process is gone (its timers and sends with it); its storage keeps what it was given. */
  crash(id: string): void {
    this.servers.get(id)!.stop();
    this.life.set(id, this.life.get(id)! + 1);
    this.stalls.delete(id);
  }

  /** Kill `id` (again, if it is down already) and start a new incarnation on the same storage, with Maelstrom's init. */
  restart(id: string): void {
    this.crash(id);
    this.boot(id);
  }

  /** Runs `fn` in node `id`'s process `life`, unless that process was killed; queues it while stalled. */
  private inProcess(id: string, life: number, kind: keyof Stall, fn: () => void): void {
    if (this.life.get(id) !== life) return;
    const stall = this.stalls.get(id);
    if (stall) stall[kind].push(fn);
    else fn();
  }

  private env(id: string, life: number): NodeEnv {
    const rng = this.rng.fork(life === 0 ? id : `${id}/${life}`);
    return {
      now: () => this.scheduler.now(),
      setTimer: (ms, fn) => this.scheduler.after(ms, () => this.inProcess(id, life, 'other', fn)),
      defer: (fn) => this.scheduler.defer(() => this.inProcess(id, life, 'other', fn)),
      random: () => rng.float(),
      log: (line) => this.logs.push(`${this.scheduler.now().toFixed(0)} ${id}${life === 0 ? '' : `/${life}`} ${line}`),
      send: (m) => {
        if (this.life.get(id) === life) this.route(m);
      },
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
      const verdict = this.hook(copy);
      if (verdict === 'drop') continue;
      if (verdict === 'hold') this.held.push(copy);
      else this.scheduler.after(this.latencyMs * (1 + i), () => this.deliver(copy));
    }
  }

  /** Deliver held envelopes now, in the order they were held (only those matching). Returns how many. */
  release(match: (m: Envelope) => boolean = () => true): number {
    const out = this.held.filter(match);
    for (const m of out) this.held.splice(this.held.indexOf(m), 1);
    for (const m of out) this.deliver(m);
    return out.length;
  }

  /** Hands an envelope to the node's current process, as its stdin would. */
  deliver(m: Envelope): void {
    const id = m.dest;
    this.inProcess(id, this.life.get(id)!, 'inputs', () => this.servers.get(id)!.node.handleMessage(m));
  }

  /** The node's event loop stops: inputs, timers and deferred work queue up until unstall(). */
  stall(id: string): void {
    this.stalls.set(id, { inputs: [], other: [] });
  }

  /**
   * The event loop runs again. By default queued input runs first, then the
   * overdue timers: what Node does after a long synchronous turn (the poll
   * phase comes before the timers of the next loop iteration).
   */
  unstall(id: string, timersFirst = false): void {
    const stall = this.stalls.get(id);
    if (!stall) return;
    this.stalls.delete(id);
    const life = this.life.get(id)!;
    const run = (fn: () => void) => this.inProcess(id, life, 'other', fn);
    if (timersFirst) stall.other.forEach(run);
    for (const fn of stall.inputs) this.inProcess(id, life, 'inputs', fn);
    if (!timersFirst) for (const fn of stall.other) this.scheduler.defer(() => run(fn));
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

  /** Any envelope from any source straight into `node` (no msg_id added). */
  inject(node: string, src: string, body: Body): void {
    this.scheduler.defer(() => this.deliver({ src, dest: node, body }));
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

  /** Runs until `msgId` is answered (or maxMs passes) and returns the reply. */
  async answer(msgId: number, maxMs = 2000, client = 'c1'): Promise<Body | undefined> {
    await this.runUntil(() => this.replyTo(msgId, client) !== undefined, maxMs);
    return this.replyTo(msgId, client);
  }

  /** Runs until some node leads and returns it; throws if none does within `maxMs`. */
  async electedLeader(maxMs = 3000): Promise<string> {
    if (!(await this.runUntil(() => this.leader() !== null, maxMs))) throw new Error(`no leader elected within ${maxMs} ms`);
    return this.leader()!;
  }

  leader(): string | null {
    for (const [id, s] of this.servers) if (s.raftStatus?.role === 'leader') return id;
    return null;
  }
}

/** The Raft message types inside a peer envelope. */
export function raftMessageTypes(m: Envelope): string[] {
  const ms = m.body.ms;
  return Array.isArray(ms) ? ms.map((x) => String((x as { type?: unknown }).type)) : [];
}
