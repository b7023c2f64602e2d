/**
 * Everything this node sends to its peers goes through here, so that one
 * Maelstrom message per peer carries every Raft message and every forwarded
 * client command that became ready meanwhile.
 *
 * Flush policy (adaptive, like Nagle's algorithm without the ack wait): if
 * nothing went to a peer in the last `minGapMs`, the batch leaves at the end
 * of the current turn, so an idle cluster pays no latency; under load, a peer
 * gets at most one message per `minGapMs`, and everything produced in that
 * window rides along. Maelstrom counts messages, and so does every real
 * network stack: this is what keeps messages per operation below one.
 */
import type { NodeEnv } from '../protocol/env';
import type { Body } from '../protocol/message';
import type { Message } from '../raft';
import { peerBody } from './wire';

interface PeerQueue {
  raft: Message[];
  forwards: string[];
  /** Commands that were already forwarded once by another follower. */
  reforwards: string[];
  scheduled: boolean;
  lastSentAt: number;
}

export interface PeerOutboxStats {
  envelopes: number;
  raftMessages: number;
  forwardedCommands: number;
}

export class PeerOutbox {
  private readonly peers = new Map<string, PeerQueue>();
  readonly stats: PeerOutboxStats = { envelopes: 0, raftMessages: 0, forwardedCommands: 0 };

  constructor(
    private readonly env: NodeEnv,
    private readonly send: (dest: string, body: Body) => void,
    /** 0 = flush every turn; batching off = one envelope per item, immediately. */
    private readonly minGapMs: number,
    private readonly batching: boolean,
    /** Called on each Raft message as it leaves (RaftNode.stampOutgoing: the leader's durable prefix). */
    private readonly stamp?: (m: Message) => void,
  ) {}

  raft(messages: readonly Message[]): void {
    for (const m of messages) {
      if (!this.batching) this.emit(m.to, [m], [], []);
      else this.queue(m.to).raft.push(m);
    }
    this.scheduleAll();
  }

  forward(dest: string, commands: readonly string[], alreadyForwarded = false): void {
    if (!this.batching) {
      for (const c of commands) this.emit(dest, [], alreadyForwarded ? [] : [c], alreadyForwarded ? [c] : []);
      return;
    }
    const q = this.queue(dest);
    (alreadyForwarded ? q.reforwards : q.forwards).push(...commands);
    this.schedule(dest, q);
  }

  private queue(dest: string): PeerQueue {
    let q = this.peers.get(dest);
    if (!q) {
      q = { raft: [], forwards: [], reforwards: [], scheduled: false, lastSentAt: Number.NEGATIVE_INFINITY };
      this.peers.set(dest, q);
    }
    return q;
  }

  private scheduleAll(): void {
    for (const [dest, q] of this.peers) this.schedule(dest, q);
  }

  private schedule(dest: string, q: PeerQueue): void {
    if (q.scheduled || (q.raft.length === 0 && q.forwards.length === 0 && q.reforwards.length === 0)) return;
    q.scheduled = true;
    const wait = q.lastSentAt + this.minGapMs - this.env.now();
    if (wait <= 0) this.env.defer(() => this.flush(dest, q));
    else this.env.setTimer(wait, () => this.flush(dest, q));
  }

  private flush(dest: string, q: PeerQueue): void {
    q.scheduled = false;
    if (q.raft.length === 0 && q.forwards.length === 0 && q.reforwards.length === 0) return;
    this.emit(dest, q.raft, q.forwards, q.reforwards);
    q.raft = [];
    q.forwards = [];
    q.reforwards = [];
    q.lastSentAt = this.env.now();
  }

  private emit(dest: string, raft: Message[], forwards: string[], reforwards: string[]): void {
    if (this.stamp) for (const m of raft) this.stamp(m);
    this.stats.envelopes++;
    this.stats.raftMessages += raft.length;
    this.stats.forwardedCommands += forwards.length + reforwards.length;
    this.send(dest, peerBody(raft, forwards, reforwards));
  }
}
