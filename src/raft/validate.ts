/**
 * Structural checks for messages arriving from peers. The wire decoder is the
 * server's, so anything may arrive here; step() drops (and counts) messages
 * this rejects instead of letting them break an invariant.
 */
import type { Entry, Message, NodeId } from './types';
import { decodeMembership } from './membership';

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

function entriesProblem(entries: unknown, prevIndex: number, msgTerm: number, prevTerm: number): string | null {
  if (!Array.isArray(entries)) return 'entries is not an array';
  let lastTerm = prevTerm;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Partial<Entry> | null;
    if (typeof e !== 'object' || e === null) return `entry ${i} is not an object`;
    if (e.index !== prevIndex + 1 + i) return `entry ${i} has index ${String(e.index)}, expected ${prevIndex + 1 + i}`;
    if (!isIndex(e.term) || e.term < lastTerm || e.term > msgTerm) return `entry ${i} has a bad term ${String(e.term)}`;
    if (e.kind !== 'normal' && e.kind !== 'noop' && e.kind !== 'config') return `entry ${i} has a bad kind`;
    if (typeof e.data !== 'string') return `entry ${i} data is not a string`;
    if (e.kind === 'config' && decodeMembership(e.data) === null) return `entry ${i} is not a valid configuration`;
    lastTerm = e.term;
  }
  return null;
}

/** Returns why `m` is unacceptable for replica `self` of a cluster of `cluster`, or null if it is well-formed. */
export function messageProblem(m: unknown, self: NodeId, cluster: ReadonlySet<NodeId>): string | null {
  if (typeof m !== 'object' || m === null) return 'not an object';
  const msg = m as Record<string, unknown>;
  if (msg.to !== self) return `addressed to ${String(msg.to)}, not ${self}`;
  if (typeof msg.from !== 'string' || msg.from === self || !cluster.has(msg.from)) return `unknown sender ${String(msg.from)}`;
  if (!isIndex(msg.term)) return 'bad term';
  const t = msg as unknown as Message;
  switch (t.type) {
    case 'pre-vote':
    case 'vote':
      if (!isIndex(t.lastIndex) || !isIndex(t.lastTerm)) return 'bad lastIndex/lastTerm';
      if (t.type === 'vote' && typeof t.transfer !== 'boolean') return 'bad transfer flag';
      return null;
    case 'pre-vote-resp':
    case 'vote-resp':
      return typeof t.reject === 'boolean' ? null : 'bad reject flag';
    case 'append':
      if (!isIndex(t.prevIndex) || !isIndex(t.prevTerm) || !isIndex(t.commit)) return 'bad prevIndex/prevTerm/commit';
      if (t.prevTerm > t.term) return 'prevTerm above the message term';
      if (t.sentAt !== undefined && !Number.isSafeInteger(t.sentAt)) return 'bad sentAt';
      if (t.durable !== undefined && !isIndex(t.durable)) return 'bad durable';
      return entriesProblem(t.entries, t.prevIndex, t.term, t.prevTerm);
    case 'append-resp':
      if (typeof t.reject !== 'boolean' || !isIndex(t.index) || !isIndex(t.hintIndex) || !isIndex(t.hintTerm)) return 'bad append response fields';
      if (t.sentAt !== undefined && !Number.isSafeInteger(t.sentAt)) return 'bad sentAt';
      return null;
    case 'heartbeat':
    case 'heartbeat-resp':
      if (t.context !== null && typeof t.context !== 'string') return 'bad context';
      if (typeof t.sentAt !== 'number' || !Number.isSafeInteger(t.sentAt)) return 'bad sentAt';
      if (t.type === 'heartbeat' && !isIndex(t.commit)) return 'bad commit';
      if (t.type === 'heartbeat' && t.quiet !== undefined && typeof t.quiet !== 'boolean') return 'bad quiet flag';
      return null;
    case 'snapshot': {
      const meta = t.meta as unknown as Record<string, unknown> | null;
      if (typeof meta !== 'object' || meta === null || !isIndex(meta.index) || !isIndex(meta.term) || !isStringArray(meta.voters)) return 'bad snapshot meta';
      if ((meta.learners !== undefined && !isStringArray(meta.learners)) || (meta.outgoing !== undefined && !isStringArray(meta.outgoing))) return 'bad snapshot meta';
      if ((meta.index as number) === 0 || (meta.term as number) > t.term) return 'bad snapshot meta';
      if (!isIndex(t.offset) || typeof t.data !== 'string' || typeof t.done !== 'boolean') return 'bad snapshot chunk';
      return null;
    }
    case 'snapshot-resp':
      return isIndex(t.index) && isIndex(t.nextOffset) ? null : 'bad snapshot response';
    case 'read-index':
      return isStringArray(t.contexts) ? null : 'bad contexts';
    case 'read-index-resp':
      if (t.commit !== undefined && !isIndex(t.commit)) return 'bad read index response commit';
      return isStringArray(t.contexts) && isIndex(t.index) && typeof t.reject === 'boolean' ? null : 'bad read index response';
    case 'timeout-now':
      return null;
    default:
      return `unknown type ${String((msg as { type?: unknown }).type)}`;
  }
}
