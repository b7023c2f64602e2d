/**
 * ReadIndex bookkeeping on the leader (Raft thesis §6.4). Reads arriving in
 * one batch share a round: the round records the commit index at the time it
 * was opened and is confirmed once a quorum has answered a heartbeat sent
 * after it was opened. An answer to a newer round also confirms every older
 * round (that heartbeat was sent later), so acks are credited to all rounds
 * up to the one they name and rounds complete in order.
 */
import type { NodeId } from './types';

/** One read (or a follower's batch of reads) waiting for a round. */
export interface ReadRequest {
  /** Who asked: the leader itself, or the follower that forwarded it. */
  origin: NodeId;
  contexts: string[];
}

export interface ReadRound {
  id: string;
  /** Commit index when the round was opened: the reads' index. */
  index: number;
  requests: ReadRequest[];
  acks: Set<NodeId>;
  /** Leader tick when opened, and whether every follower has been asked yet. */
  openedAt: number;
  widened: boolean;
}

export class ReadOnlyQueue {
  private rounds: ReadRound[] = [];

  get size(): number {
    return this.rounds.length;
  }

  open(id: string, index: number, requests: ReadRequest[], self: NodeId, now: number): void {
    this.rounds.push({ id, index, requests, acks: new Set([self]), openedAt: now, widened: false });
  }

  /**
   * True if some round opened at or before `openedBy` has not yet been sent
   * to every follower; marks every round as widened (a heartbeat carries the
   * newest id, which answers for all of them).
   */
  takeStale(openedBy: number): boolean {
    if (!this.rounds.some((r) => !r.widened && r.openedAt <= openedBy)) return false;
    for (const r of this.rounds) r.widened = true;
    return true;
  }

  /** Id of the newest round: heartbeats carry it so one answer confirms everything queued. */
  newestId(): string | null {
    return this.rounds.length === 0 ? null : this.rounds[this.rounds.length - 1].id;
  }

  /**
   * Credits `from`'s answer to round `id` (and all older ones). Returns the
   * rounds that are now confirmed by a quorum, oldest first, removing them.
   */
  ack(id: string, from: NodeId, isQuorum: (acks: ReadonlySet<NodeId>) => boolean): ReadRound[] {
    const pos = this.rounds.findIndex((r) => r.id === id);
    if (pos < 0) return [];
    for (let i = 0; i <= pos; i++) this.rounds[i].acks.add(from);
    let done = 0;
    while (done < this.rounds.length && isQuorum(this.rounds[done].acks)) done++;
    return this.rounds.splice(0, done);
  }

  /** Removes and returns every round (leadership lost: none of them can complete). */
  drain(): ReadRound[] {
    const all = this.rounds;
    this.rounds = [];
    return all;
  }
}
