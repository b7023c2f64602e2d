/**
 * Exactly-once application of client commands (Raft dissertation §6.3,
 * "implementing linearizable semantics"): the replicated table of which
 * (origin, seq) pairs have been applied, and what they answered.
 *
 * It is part of the replicated state — updated only by committed entries, and
 * saved in snapshots — so every replica makes the same duplicate decisions.
 * Memory stays bounded because each command carries its origin's low
 * watermark: results below it are forgotten, and a late duplicate below it is
 * recognised by the watermark alone.
 */
import type { Json } from '../protocol/message';
import type { ReplyBody } from './workload';
import type { LogCommand } from './log-command';

interface Session {
  low: number;
  /** Results of applied seqs >= low. */
  results: Map<number, ReplyBody>;
}

export type SessionDecision =
  | { fresh: true }
  /** Already applied: `result` is its answer if still remembered. */
  | { fresh: false; result: ReplyBody | null };

export class SessionTable {
  private readonly sessions = new Map<string, Session>();

  /** Decide whether `command` is new; must be followed by `record` when it is. */
  check(command: LogCommand): SessionDecision {
    const session = this.sessions.get(command.origin);
    if (!session) return { fresh: true };
    if (command.seq < session.low) return { fresh: false, result: null };
    const result = session.results.get(command.seq);
    return result === undefined ? { fresh: true } : { fresh: false, result };
  }

  record(command: LogCommand, result: ReplyBody): void {
    let session = this.sessions.get(command.origin);
    if (!session) {
      session = { low: 0, results: new Map() };
      this.sessions.set(command.origin, session);
    }
    session.results.set(command.seq, result);
    this.raiseLow(session, command.low);
  }

  /** A duplicate still carries a (possibly newer) watermark. */
  observe(command: LogCommand): void {
    const session = this.sessions.get(command.origin);
    if (session) this.raiseLow(session, command.low);
  }

  get size(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.results.size;
    return n;
  }

  snapshot(): Json {
    return [...this.sessions].map(([origin, s]) => [origin, s.low, [...s.results].map(([seq, r]) => [seq, r as Json])]);
  }

  restore(snapshot: Json): void {
    this.sessions.clear();
    for (const [origin, low, results] of snapshot as [string, number, [number, ReplyBody][]][]) {
      this.sessions.set(origin, { low, results: new Map(results) });
    }
  }

  private raiseLow(session: Session, low: number): void {
    if (low <= session.low) return;
    session.low = low;
    // Results arrive in roughly increasing seq order (Map keeps insertion
    // order), so stopping at the first seq >= low keeps this amortised O(1).
    // A straggler left behind is harmless: check() tests the watermark first.
    for (const seq of session.results.keys()) {
      if (seq >= low) break;
      session.results.delete(seq);
    }
  }
}
