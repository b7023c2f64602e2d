/**
 * What the server writes into a Raft log entry's `data`: one client command
 * plus the identity that makes re-proposals harmless.
 *
 * `origin` is the node incarnation that received the client request, `seq`
 * that origin's request number, and `low` its low watermark: every seq below
 * it is finished (answered or abandoned) and will never be proposed again by
 * the origin. Retrying a forward, a duplicated network message, or a request
 * re-proposed after a leader change can therefore put the same (origin, seq)
 * into the log twice; the session table (sessions.ts) applies it once.
 */
import type { Json } from '../protocol/message';

export interface LogCommand {
  origin: string;
  seq: number;
  low: number;
  /** Which replicated workload's state machine applies it. */
  workload: string;
  command: Json;
}

interface WireCommand {
  o: string;
  s: number;
  l: number;
  w: string;
  c: Json;
}

export function encodeLogCommand(c: LogCommand): string {
  const wire: WireCommand = { o: c.origin, s: c.seq, l: c.low, w: c.workload, c: c.command };
  return JSON.stringify(wire);
}

/** Decodes an entry written by encodeLogCommand; anything else is a bug, so it throws. */
export function decodeLogCommand(data: string): LogCommand {
  const w = JSON.parse(data) as WireCommand;
  if (typeof w.o !== 'string' || !Number.isInteger(w.s) || !Number.isInteger(w.l) || typeof w.w !== 'string') {
    throw new Error(`log entry is not a server command: ${data.slice(0, 200)}`);
  }
  return { origin: w.o, seq: w.s, low: w.l, workload: w.w, command: w.c };
}
