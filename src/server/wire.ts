/**
 * Raft messages on Maelstrom's wire. All Raft messages one node sends to one
 * peer in one event-loop turn travel as a single Maelstrom message
 * `{type: "raft", ms: [...]}`: Maelstrom counts messages, and so does the
 * network, so batching per destination is the cheapest optimisation there is.
 *
 * Client requests forwarded from a follower to the leader travel the same way
 * (`{type: "forward", cmds: [...]}`: encoded log commands).
 */
import type { Body } from '../protocol/message';
import { isObject } from '../protocol/message';
import type { Message } from '../raft';

export const RAFT_BODY = 'raft';
export const FORWARD_BODY = 'forward';

const MESSAGE_TYPES = new Set<string>([
  'pre-vote', 'pre-vote-resp', 'vote', 'vote-resp', 'append', 'append-resp', 'heartbeat', 'heartbeat-resp',
  'snapshot', 'snapshot-resp', 'read-index', 'read-index-resp', 'timeout-now',
]);

export function raftBody(messages: Message[]): Body {
  return { type: RAFT_BODY, ms: messages };
}

/**
 * The Raft messages in a body, or a reason to drop it. Only the envelope shape
 * is checked here; the core itself discards messages whose fields are wrong.
 */
export function decodeRaftBody(body: Body): { ok: true; messages: Message[] } | { ok: false; reason: string } {
  const ms = body.ms;
  if (!Array.isArray(ms)) return { ok: false, reason: 'raft body without an "ms" array' };
  for (const m of ms) {
    if (!isObject(m) || typeof m.type !== 'string' || !MESSAGE_TYPES.has(m.type)) {
      return { ok: false, reason: `not a raft message: ${JSON.stringify(m).slice(0, 200)}` };
    }
    if (typeof m.from !== 'string' || typeof m.to !== 'string' || !Number.isInteger(m.term)) {
      return { ok: false, reason: `raft message without from/to/term: ${JSON.stringify(m).slice(0, 200)}` };
    }
  }
  return { ok: true, messages: ms as Message[] };
}

export function forwardBody(commands: string[]): Body {
  return { type: FORWARD_BODY, cmds: commands };
}

export function decodeForwardBody(body: Body): string[] | null {
  const cmds = body.cmds;
  return Array.isArray(cmds) && cmds.every((c) => typeof c === 'string') ? (cmds as string[]) : null;
}
