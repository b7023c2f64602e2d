import { Body, isClientId } from '../protocol/message';
import { MinHeap } from './heap';
import { NetJournal } from './journal';
import { TrafficWindow } from './leader';
import { Rng } from './rng';
import { Scheduler, TimerHandle } from './scheduler';

/** A message in flight. `id` is Maelstrom's global message number (from 0). */
export interface NetMessage {
  id: number;
  src: string;
  dest: string;
  body: Body;
  /** Delivery deadline, scheduler ms. */
  deadline: number;
}

export type Consumer = (message: NetMessage) => void;

export type SendResult = { ok: true; id: number } | { ok: false; reason: string };

export interface NetworkOptions {
  scheduler: Scheduler;
  /** Latency in ms for a non-client message (spec §2.2). */
  latency: () => number;
  /** Randomness for the loss/duplicate extensions only. */
  rng: Rng;
  journal: NetJournal;
  /** --log-net-send / --log-net-recv: told of every message as it is enqueued / delivered. */
  onSend?: (message: NetMessage) => void;
  onRecv?: (message: NetMessage) => void;
}

/** receiver -> senders whose messages it drops (spec §2.4); may be asymmetric. */
export type Grudge = Map<string, Set<string>>;

interface Inbox {
  consumer: Consumer;
  queue: MinHeap<NetMessage>;
  /** Set while the consumer sleeps on a dequeued message until its deadline (head-of-line blocking). */
  sleeping: TimerHandle | null;
  /** Re-entrancy guard: a delivery may cause sends to this same inbox. */
  pumping: boolean;
}

const byDeadline = (a: NetMessage, b: NetMessage): boolean =>
  a.deadline < b.deadline || (a.deadline === b.deadline && a.id < b.id);

/**
 * Maelstrom's network (spec §2): one queue per registered id ordered by
 * deadline, one consumer per id that takes the head, THEN checks partitions
 * (so the drop decision is made at dequeue time), then sleeps until the
 * deadline and delivers. While it sleeps, later messages wait behind it even
 * if their deadline is earlier. Clients and services are never partitioned.
 */
export class Network {
  private readonly inboxes = new Map<string, Inbox>();
  private readonly drops: Grudge = new Map();
  private nextId = 0;
  /** Extension (ours): probability that a node<->node message is lost at send. */
  lossProbability = 0;
  /** Extension (ours): probability that a node<->node message is delivered twice. */
  duplicateProbability = 0;
  /**
   * Extension (ours) `slow`: node<->node messages to or from one of these
   * nodes get `extraMs()` on top of the normal latency (a congested link or a
   * degraded NIC). Still Maelstrom's model (latency is arbitrary), but delays
   * of the order of an election timeout deliver votes and acknowledgements
   * after their term is over, which is what stale-message bugs need.
   */
  slow: { nodes: ReadonlySet<string>; extraMs: () => number } | null = null;
  /**
   * Extension (ours) `strike-leader`: told of every node->node send, after the
   * message is queued (and, at latency 0, delivered), lost ones included.
   */
  onServerSend: ((src: string, dest: string) => void) | null = null;
  /** Delivered node<->node messages per source over the last seconds (leader inference, leader.ts). */
  readonly traffic = new TrafficWindow();

  constructor(private readonly opts: NetworkOptions) {}

  register(id: string, consumer: Consumer): void {
    this.inboxes.set(id, { consumer, queue: new MinHeap(byDeadline), sleeping: null, pumping: false });
  }

  /** Closing a client: its queue and any sleeping delivery vanish with it. */
  unregister(id: string): void {
    const inbox = this.inboxes.get(id);
    if (inbox?.sleeping) inbox.sleeping.cancel();
    this.inboxes.delete(id);
  }

  isRegistered(id: string): boolean {
    return this.inboxes.has(id);
  }

  /**
   * Validate and enqueue. Invalid src/dest is an error the caller must act on
   * (for a node: Maelstrom stops reading its stdout, spec §1.1).
   */
  send(src: string, dest: string, body: Body): SendResult {
    if (!this.inboxes.has(src)) return { ok: false, reason: `Invalid source for message: ${JSON.stringify(src)} is not registered` };
    const inbox = this.inboxes.get(dest);
    if (!inbox) return { ok: false, reason: `Invalid dest for message: ${JSON.stringify(dest)} is not registered` };
    const id = this.nextId++;
    const client = isClientId(src) || isClientId(dest);
    const deadline = this.opts.scheduler.now() + (client ? 0 : this.opts.latency() + this.slowDelay(src, dest));
    this.opts.journal.send(src, dest);
    const message: NetMessage = { id, src, dest, body, deadline };
    this.opts.onSend?.(message);
    const serverPair = !client && this.isServerPair(src, dest);
    if (serverPair && this.lossProbability > 0 && this.opts.rng.float() < this.lossProbability) {
      this.onServerSend?.(src, dest);
      return { ok: true, id };
    }
    inbox.queue.push(message);
    if (serverPair && this.duplicateProbability > 0 && this.opts.rng.float() < this.duplicateProbability) {
      const again = this.opts.scheduler.now() + this.opts.latency() + this.slowDelay(src, dest);
      inbox.queue.push({ ...message, deadline: again });
    }
    this.pump(dest);
    if (serverPair) this.onServerSend?.(src, dest);
    return { ok: true, id };
  }

  private slowDelay(src: string, dest: string): number {
    const slow = this.slow;
    if (slow === null || !this.isServerPair(src, dest) || !(slow.nodes.has(src) || slow.nodes.has(dest))) return 0;
    return slow.extraMs();
  }

  /** Add a grudge's drops to the current partition state (Jepsen's drop-all!). */
  partition(grudge: Grudge): void {
    for (const [receiver, senders] of grudge) {
      let set = this.drops.get(receiver);
      if (!set) this.drops.set(receiver, (set = new Set()));
      for (const s of senders) set.add(s);
    }
  }

  heal(): void {
    this.drops.clear();
  }

  isPartitioned(): boolean {
    for (const s of this.drops.values()) if (s.size > 0) return true;
    return false;
  }

  /** Messages queued but not yet delivered, per destination (diagnostics). */
  queued(id: string): number {
    return this.inboxes.get(id)?.queue.size ?? 0;
  }

  private serverIds: Set<string> | null = null;

  /** Which ids are server nodes, for the loss/duplicate extensions (services are exempt). */
  setServerIds(ids: readonly string[]): void {
    this.serverIds = new Set(ids);
  }

  private isServerPair(src: string, dest: string): boolean {
    return this.serverIds !== null && this.serverIds.has(src) && this.serverIds.has(dest);
  }

  /** Run `dest`'s consumer loop until it is idle or sleeping on a deadline. */
  private pump(dest: string, woken?: NetMessage): void {
    const inbox = this.inboxes.get(dest);
    if (!inbox || inbox.sleeping || inbox.pumping) return;
    inbox.pumping = true;
    try {
      if (woken) this.deliver(inbox, woken);
      for (;;) {
        if (this.inboxes.get(dest) !== inbox) return;
        const head = inbox.queue.pop();
        if (!head) return;
        // The partition check happens now, at dequeue, not at the deadline (spec §2.3).
        if (this.drops.get(dest)?.has(head.src)) continue;
        const wait = head.deadline - this.opts.scheduler.now();
        if (wait > 0) {
          inbox.sleeping = this.opts.scheduler.after(wait, () => {
            inbox.sleeping = null;
            this.pump(dest, head);
          });
          return;
        }
        this.deliver(inbox, head);
      }
    } finally {
      inbox.pumping = false;
    }
  }

  private deliver(inbox: Inbox, message: NetMessage): void {
    if (this.inboxes.get(message.dest) !== inbox) return;
    this.opts.journal.recv(message.src, message.dest);
    this.opts.onRecv?.(message);
    if (this.isServerPair(message.src, message.dest)) this.traffic.record(message.src, this.opts.scheduler.now());
    inbox.consumer(message);
  }
}
