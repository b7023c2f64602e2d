/**
 * Node-to-node traffic on Maelstrom's wire. Everything one node sends to one
 * peer in one flush travels as a single Maelstrom message
 * `{type, ms: [Raft messages], fwd: [commands], fwd2: [commands]}`:
 * Raft messages for the core, and client commands (encoded log commands) a
 * follower forwards to the leader — `fwd2` holds commands already forwarded
 * once, which are never passed on again, so a stale view of who leads cannot
 * bounce them around.
 *
 * The body type names what is inside, so that Maelstrom's own message
 * diagrams and logs read as Raft: `append`, `append_ack`, `heartbeat`,
 * `vote`, `forward`, ... when one kind travels alone, and `raft_batch` with
 * a `kinds` summary (e.g. "append+heartbeat") when several share the
 * envelope. The receiver ignores the name and reads the fields.
 */
import type { Body } from '../protocol/message';
import { isObject } from '../protocol/message';
import type { Message } from '../raft';

/** The wire name of each Raft message kind (Maelstrom convention: snake_case, answers end in _ack). */
const WIRE_NAMES: Readonly<Record<string, string>> = {
  'pre-vote': 'pre_vote',
  'pre-vote-resp': 'pre_vote_ack',
  vote: 'vote',
  'vote-resp': 'vote_ack',
  append: 'append',
  'append-resp': 'append_ack',
  heartbeat: 'heartbeat',
  'heartbeat-resp': 'heartbeat_ack',
  snapshot: 'snapshot',
  'snapshot-resp': 'snapshot_ack',
  'read-index': 'read_index',
  'read-index-resp': 'read_index_ack',
  'timeout-now': 'timeout_now',
};

/** Body type of an envelope carrying several kinds of content. */
export const BATCH_BODY = 'raft_batch';
const FORWARD_BODY = 'forward';

/** Every body type a peer envelope may have ("raft" is the name older versions of this node used). */
export const PEER_BODY_TYPES: readonly string[] = [...new Set([...Object.values(WIRE_NAMES), FORWARD_BODY, BATCH_BODY, 'raft'])];

const MESSAGE_TYPES = new Set<string>([
  'pre-vote', 'pre-vote-resp', 'vote', 'vote-resp', 'append', 'append-resp', 'heartbeat', 'heartbeat-resp',
  'snapshot', 'snapshot-resp', 'read-index', 'read-index-resp', 'timeout-now',
]);

export function peerBody(raft: Message[], forwards: string[], reforwards: string[]): Body {
  const kinds: string[] = [];
  for (const m of raft) {
    const name = WIRE_NAMES[m.type];
    if (!kinds.includes(name)) kinds.push(name);
  }
  if (forwards.length > 0 || reforwards.length > 0) kinds.push(FORWARD_BODY);
  const body: Body = kinds.length === 1 ? { type: kinds[0] } : { type: BATCH_BODY, kinds: kinds.join('+') };
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
