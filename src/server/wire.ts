/**
 * Node-to-node traffic on Maelstrom's wire. Everything one node sends to one
 * peer in one flush travels as a single Maelstrom message
 * `{type: "raft", ms: [Raft messages], fwd: [commands], fwd2: [commands]}`:
 * Raft messages for the core, and client commands (encoded log commands) a
 * follower forwards to the leader — `fwd2` holds commands already forwarded
 * once, which are never passed on again, so a stale view of who leads cannot
 * bounce them around.
 */
import type { Body } from '../protocol/message';
import { isObject } from '../protocol/message';
import type { Message } from '../raft';

export const PEER_BODY = 'raft';

const MESSAGE_TYPES = new Set<string>([
  'pre-vote', 'pre-vote-resp', 'vote', 'vote-resp', 'append', 'append-resp', 'heartbeat', 'heartbeat-resp',
  'snapshot', 'snapshot-resp', 'read-index', 'read-index-resp', 'timeout-now',
]);

export function peerBody(raft: Message[], forwards: string[], reforwards: string[]): Body {
  const body: Body = { type: PEER_BODY };
  if (raft.length > 0) body.ms = raft;
  if (forwards.length > 0) body.fwd = forwards;
  if (reforwards.length > 0) body.fwd2 = reforwards;
  return body;
}

export interface PeerPayload {
  raft: Message[];
  forwards: string[];
  reforwards: string[];
}

/**
 * The contents of a peer body, or a reason to drop it. Only the envelope shape
 * is checked here; the core itself discards Raft messages whose fields are
 * wrong, and the apply path rejects commands it cannot decode.
 */
export function decodePeerBody(body: Body): { ok: true; payload: PeerPayload } | { ok: false; reason: string } {
  const { ms = [], fwd = [], fwd2 = [] } = body;
  if (!Array.isArray(ms) || !Array.isArray(fwd) || !Array.isArray(fwd2)) {
    return { ok: false, reason: 'peer body fields ms/fwd/fwd2 must be arrays' };
  }
  for (const m of ms) {
    if (!isObject(m) || typeof m.type !== 'string' || !MESSAGE_TYPES.has(m.type)) {
      return { ok: false, reason: `not a raft message: ${JSON.stringify(m).slice(0, 200)}` };
    }
    if (typeof m.from !== 'string' || typeof m.to !== 'string' || !Number.isInteger(m.term)) {
      return { ok: false, reason: `raft message without from/to/term: ${JSON.stringify(m).slice(0, 200)}` };
    }
  }
  if (![...fwd, ...fwd2].every((c) => typeof c === 'string')) return { ok: false, reason: 'forwarded commands must be strings' };
  return { ok: true, payload: { raft: ms as Message[], forwards: fwd as string[], reforwards: fwd2 as string[] } };
}
