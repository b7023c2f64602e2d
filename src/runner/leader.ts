import { Rng } from './rng';

/**
 * Leader inference for the leader-aimed nemesis faults (extensions): black-box,
 * from traffic alone. A Raft leader sends AppendEntries/heartbeats to every
 * follower while each follower mostly answers the leader, so over a window of
 * a second the leader is the node whose node->node messages were delivered the
 * most. We count DELIVERED messages (not sends): an isolated stale leader keeps
 * sending heartbeats into the void, and those must not keep it the "leader".
 */

/** Window the leader-aimed faults look back over, ms. */
export const LEADER_WINDOW_MS = 1000;

export interface LeaderGuess {
  leader: string;
  /** Its delivered node->node messages in the window (0 when guessed at random). */
  sends: number;
  /** `traffic`: the top sender; `random`: no node->node traffic in the window. */
  basis: 'traffic' | 'random';
}

/**
 * The likely leader among `nodes`: the top sender in `counts` (messages per
 * source node in the window); a tie is broken by `rng` among the tied nodes
 * (in sorted order, so the draw is reproducible); with no traffic at all, a
 * uniformly random node. Counts of ids not in `nodes` are ignored.
 */
export function inferLeader(counts: ReadonlyMap<string, number>, nodes: readonly string[], rng: Rng): LeaderGuess {
  if (nodes.length === 0) throw new RangeError('inferLeader needs at least one node');
  let best = 0;
  let top: string[] = [];
  for (const n of [...nodes].sort()) {
    const c = counts.get(n) ?? 0;
    if (c <= 0) continue;
    if (c > best) {
      best = c;
      top = [n];
    } else if (c === best) top.push(n);
  }
  if (top.length === 0) return { leader: rng.pick(nodes), sends: 0, basis: 'random' };
  return { leader: top.length === 1 ? top[0] : rng.pick(top), sends: best, basis: 'traffic' };
}

/**
 * Delivered node->node messages per source, in time buckets, keeping only the
 * last `keepMs`. `record` is O(1); `counts` sums the buckets that started in
 * the window (so the window is accurate to one bucket).
 */
export class TrafficWindow {
  private readonly buckets: { start: number; counts: Map<string, number> }[] = [];

  constructor(
    private readonly bucketMs = 50,
    private readonly keepMs = 2 * LEADER_WINDOW_MS,
  ) {}

  record(src: string, at: number): void {
    const start = Math.floor(at / this.bucketMs) * this.bucketMs;
    let last = this.buckets[this.buckets.length - 1];
    if (!last || last.start !== start) {
      last = { start, counts: new Map() };
      this.buckets.push(last);
      while (this.buckets.length > 0 && this.buckets[0].start < start - this.keepMs) this.buckets.shift();
    }
    last.counts.set(src, (last.counts.get(src) ?? 0) + 1);
  }

  /** Messages per source in buckets starting within (now - windowMs, now]. */
  counts(now: number, windowMs: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const b of this.buckets) {
      if (b.start <= now - windowMs || b.start > now) continue;
      for (const [src, c] of b.counts) out.set(src, (out.get(src) ?? 0) + c);
    }
    return out;
  }
}
