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
    if (this.faults.loss > 0 && this.rng.float() < this.faults.loss) {
      if (this.trace.enabled) this.trace.record('lost', src, `-> ${dest} ${line}`);
      return;
    }
    const copies = this.faults.duplicate > 0 && this.rng.float() < this.faults.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = this.latency() * this.faults.slowdown;
      this.scheduler.after(delay, () => {
        if (this.cut.has(linkKey(src, dest))) {
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

  heal(): void {
    this.cut.clear();
  }

  cutLinkCount(): number {
    return this.cut.size;
  }

  private latency(): number {
    return sampleLatency(this.profile.shape, this.profile.meanMs, this.rng);
  }
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
