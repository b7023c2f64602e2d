/**
 * The node-to-node network of the simulation. Unlike Maelstrom's network
 * (src/runner/network.ts, which the simulated clients still use) every
 * message gets its own latency, so messages overtake each other freely
 * (reordering); loss and duplication are per message; partitions are a set of
 * directed links, so they may be asymmetric (a hears b, b does not hear a).
 * A partition is checked at delivery time: a message in flight when a link
 * is cut is lost, as on a real network.
 */
import type { LatencyShape, NetworkProfile } from './config';
import type { Rng } from '../runner/rng';
import type { Scheduler } from '../runner/scheduler';
import type { Trace } from './trace';

export interface NetworkFaults {
  loss: number;
  duplicate: number;
  /** Multiplies every latency while the slow-network fault is active. */
  slowdown: number;
}

export class SimNetwork {
  private readonly cut = new Set<string>();
  /**
   * Node-level isolation (leader strikes), kept apart from the partition's
   * link cuts so that healing a partition does not end it. What a `silent`
   * node sends is lost at once (messages it sent earlier are already on the
   * wire and arrive); a `deaf` node receives nothing from its peers, in flight
   * or not. Counts, so overlapping isolations of one node end one at a time.
   */
  private readonly silent = new Map<string, number>();
  private readonly deaf = new Map<string, number>();
  /** Sends a node may still make before `exhausted` runs (see afterSends). */
  private readonly budgets = new Map<string, { left: number; exhausted: () => void }>();
  readonly faults: NetworkFaults = { loss: 0, duplicate: 0, slowdown: 1 };
  sent = 0;
  delivered = 0;
  /** JSON characters handed to the network, for the storm guard. */
  sentChars = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly profile: NetworkProfile,
    private readonly rng: Rng,
    private readonly trace: Trace,
    private readonly deliver: (dest: string, line: string) => void,
  ) {}

  send(src: string, dest: string, line: string): void {
    this.sent++;
    this.sentChars += line.length;
    const budget = this.budgets.get(src);
    if (budget !== undefined) {
      if (budget.left > 0) budget.left--;
      else {
        this.budgets.delete(src);
        budget.exhausted();
      }
    }
    if (this.silent.has(src)) {
      if (this.trace.enabled) this.trace.record('silenced', src, `-> ${dest} ${line}`);
      return;
    }
    if (this.faults.loss > 0 && this.rng.float() < this.faults.loss) {
      if (this.trace.enabled) this.trace.record('lost', src, `-> ${dest} ${line}`);
      return;
    }
    const copies = this.faults.duplicate > 0 && this.rng.float() < this.faults.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = this.latency() * this.faults.slowdown;
      this.scheduler.after(delay, () => {
        if (this.cut.has(linkKey(src, dest)) || this.deaf.has(dest)) {
          if (this.trace.enabled) this.trace.record('cut', dest, `<- ${src} ${line}`);
          return;
        }
        this.delivered++;
        this.deliver(dest, line);
      });
    }
  }

  /** Drop everything `receiver` would get from each of `senders` (directed). */
  cutLinks(receiver: string, senders: Iterable<string>): void {
    for (const s of senders) this.cut.add(linkKey(s, receiver));
  }

  /** Heal the partition's link cuts (node isolations stay, see isolate()). */
  heal(): void {
    this.cut.clear();
  }

  /**
   * Cut `node` off from its peers until the matching rejoin(): only what it
   * sends from now on (`outgoing`: it still hears votes and acks, nobody
   * hears it), or `both` directions (then what is in flight to it is lost too).
   */
  isolate(node: string, direction: 'both' | 'outgoing'): void {
    bump(this.silent, node, 1);
    if (direction === 'both') bump(this.deaf, node, 1);
  }

  rejoin(node: string, direction: 'both' | 'outgoing'): void {
    bump(this.silent, node, -1);
    if (direction === 'both') bump(this.deaf, node, -1);
  }

  /**
   * Let `node` send `count` more messages to its peers, then call `exhausted`
   * just before its next send goes out (so a strike installed there already
   * holds for that message). Replaces a budget not yet used up.
   */
  afterSends(node: string, count: number, exhausted: () => void): void {
    this.budgets.set(node, { left: count, exhausted });
  }

  /** End every partition, every isolation and every pending send budget. */
  healAll(): void {
    this.cut.clear();
    this.silent.clear();
    this.deaf.clear();
    this.budgets.clear();
  }

  cutLinkCount(): number {
    return this.cut.size;
  }

  private latency(): number {
    return sampleLatency(this.profile.shape, this.profile.meanMs, this.rng);
  }
}

function bump(counts: Map<string, number>, node: string, by: number): void {
  const n = (counts.get(node) ?? 0) + by;
  if (n > 0) counts.set(node, n);
  else counts.delete(node);
}

function linkKey(src: string, dest: string): string {
  return `${src}>${dest}`;
}

/** Continuous latencies (ms): distinct delivery instants make reordering the norm. */
export function sampleLatency(shape: LatencyShape, mean: number, rng: Rng): number {
  switch (shape) {
    case 'constant':
      return mean;
    case 'uniform':
      return rng.float() * 2 * mean;
    case 'exponential':
      return rng.exponential(mean);
    case 'spiky':
      // Mostly fast, sometimes 50x slower: the tail that makes timeouts fire spuriously.
      return rng.float() < 0.02 ? mean * 50 * rng.float() : rng.float() * mean;
  }
}
