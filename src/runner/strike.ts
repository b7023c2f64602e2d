import { completeGrudge, grudgeToJson } from './partitions';
import { Grudge } from './network';
import { Rng } from './rng';
import { TimerHandle } from './scheduler';

/**
 * `strike-leader` (extension): the black-box form of the simulator's leader
 * strikes. Raft loses data in the few messages after leadership changes
 * hands (Figure 8 of the paper: a new leader replicates an old entry, then
 * dies before its own term's entry is safe), and a fixed-interval nemesis
 * almost never lands there. The runner routes every message, so it can see
 * the moment a node starts to lead: it sends to every peer within
 * BROADCAST_WINDOW_MS after a quiet spell (a fresh leader's first
 * AppendEntries; a candidate's RequestVotes look the same and are fair game).
 * It then lets that node send k more node->node messages (k log-uniform in
 * 0..STRIKE_MAX_AFTER), and cuts it off (both ways, or only its outgoing
 * messages) for an election timeout or so. A node that comes back still
 * leading broadcasts again and is struck again. Counting messages instead of
 * waiting a time puts the fault inside those windows whatever the latency.
 */

/** Sends to every peer within this window count as a broadcast, ms. */
export const BROADCAST_WINDOW_MS = 30;
/**
 * A broadcast is fresh (a new leading role) when the node's previous one was
 * this long before, ms: longer than a leader's heartbeat gap, shorter than an
 * election timeout, so a steady leader is one long episode and every new
 * candidacy or leadership starts one.
 */
export const FRESH_GAP_MS = 150;
/** Largest number of messages a struck node may still send after its fresh broadcast. */
export const STRIKE_MAX_AFTER = 7;
/** Isolation length, log-uniform on [STRIKE_MIN_MS, STRIKE_MAX_MS]. */
export const STRIKE_MIN_MS = 200;
export const STRIKE_MAX_MS = 1000;

export interface StrikeEvent {
  f: 'start-strike' | 'stop-strike';
  value: unknown;
  result: unknown;
}

export interface StrikerOptions {
  nodes: readonly string[];
  rng: Rng;
  now(): number;
  after(ms: number, fn: () => void): TimerHandle;
  /** Cut `node` off with `grudge` (one grudge per struck node: two may be struck at once). */
  isolate(node: string, grudge: Grudge): void;
  heal(node: string): void;
  record(ev: StrikeEvent): void;
}

interface Pending {
  left: number;
  after: number;
  mode: 'both' | 'outgoing';
}

export class LeaderStriker {
  /** Per sender: when it last sent to each peer. */
  private readonly lastSend = new Map<string, Map<string, number>>();
  /** Per sender: when its last broadcast was seen (to tell a fresh one from a steady leader's heartbeats). */
  private readonly lastBroadcast = new Map<string, number>();
  private armed = false;
  /** Nodes that started to lead, counting down their last messages. */
  private readonly pending = new Map<string, Pending>();
  /** Nodes cut off now. A leader elected while its predecessor is struck is struck in turn (Figure 8's chain). */
  private readonly struck = new Map<string, TimerHandle>();

  constructor(private readonly o: StrikerOptions) {}

  arm(): void {
    this.armed = true;
  }

  /** Stop striking and heal every strike in progress; returns how many were healed. */
  disarm(): number {
    this.armed = false;
    this.pending.clear();
    const nodes = [...this.struck.keys()].sort();
    for (const n of nodes) this.endStrike(n);
    return nodes.length;
  }

  striking(): string[] {
    return [...this.struck.keys()].sort();
  }

  observe(src: string, dest: string): void {
    const now = this.o.now();
    let sends = this.lastSend.get(src);
    if (!sends) this.lastSend.set(src, (sends = new Map()));
    sends.set(dest, now);
    const peers = this.o.nodes.filter((n) => n !== src);
    const broadcast = peers.length > 0 && peers.every((p) => now - (sends?.get(p) ?? -Infinity) <= BROADCAST_WINDOW_MS);
    let fresh = false;
    if (broadcast) {
      const previous = this.lastBroadcast.get(src);
      fresh = previous === undefined || now - previous > FRESH_GAP_MS;
      this.lastBroadcast.set(src, now);
    }
    if (!this.armed || this.struck.has(src)) return;
    const p = this.pending.get(src);
    if (p !== undefined) {
      if (--p.left <= 0) this.strike(src, p);
      return;
    }
    if (fresh) {
      const after = Math.min(STRIKE_MAX_AFTER, Math.floor(Math.exp(this.o.rng.float() * Math.log(STRIKE_MAX_AFTER + 2))) - 1);
      const mode = this.o.rng.float() < 0.5 ? 'both' : 'outgoing';
      const next: Pending = { left: after, after, mode };
      this.pending.set(src, next);
      if (after === 0) this.strike(src, next);
    }
  }

  private strike(node: string, p: Pending): void {
    this.pending.delete(node);
    const others = this.o.nodes.filter((n) => n !== node);
    const grudge: Grudge = p.mode === 'both' ? completeGrudge([[node], others]) : new Map(others.map((n) => [n, new Set([node])]));
    const ms = Math.round(Math.exp(Math.log(STRIKE_MIN_MS) + this.o.rng.float() * (Math.log(STRIKE_MAX_MS) - Math.log(STRIKE_MIN_MS))));
    this.o.isolate(node, grudge);
    this.struck.set(node, this.o.after(ms, () => this.endStrike(node)));
    this.o.record({ f: 'start-strike', value: { node, 'after-messages': p.after, mode: p.mode, ms }, result: ['isolated', grudgeToJson(grudge)] });
  }

  private endStrike(node: string): void {
    const timer = this.struck.get(node);
    if (timer === undefined) return;
    this.struck.delete(node);
    timer.cancel();
    // Its next broadcast is a fresh start: a node that comes back still leading is struck again.
    this.lastBroadcast.delete(node);
    this.o.heal(node);
    this.o.record({ f: 'stop-strike', value: { node }, result: 'network-healed' });
  }
}
