/**
 * Maelstrom's wire format: one JSON object per line, an envelope
 * `{src, dest, body}` (plus an integer `id` Maelstrom adds and nodes ignore),
 * and a body that is an object with a string `type`.
 * See docs/maelstrom.md §1.
 */

/** Any JSON value. Keys and values of workloads keep their JSON type. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Body {
  type: string;
  msg_id?: number;
  in_reply_to?: number;
  [key: string]: unknown;
}

export interface Envelope<B extends Body = Body> {
  /** Maelstrom's internal message number; present on messages it delivers. */
  id?: number;
  src: string;
  dest: string;
  body: B;
}

export interface ErrorBody extends Body {
  type: 'error';
  in_reply_to: number;
  code: number;
  text?: string;
}

/** Outcome of parsing one input line: a message, or why it is not one. */
export type ParsedLine =
  | { ok: true; message: Envelope }
  | { ok: false; reason: string; /** set when the line had a usable src and msg_id to answer */ replyTo?: { src: string; dest: string; msgId: number } };

/**
 * Parse and validate one line. Never throws: malformed input is described, so
 * the caller can answer `12 malformed-request` when it knows whom to answer.
 */
export function parseLine(line: string): ParsedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    return { ok: false, reason: `not JSON: ${(e as Error).message}` };
  }
  if (!isObject(raw)) return { ok: false, reason: 'message is not a JSON object' };
  const { src, dest, body } = raw;
  const msgId = isObject(body) && Number.isInteger(body.msg_id) ? (body.msg_id as number) : undefined;
  const replyTo =
    typeof src === 'string' && typeof dest === 'string' && msgId !== undefined ? { src, dest, msgId } : undefined;
  if (typeof src !== 'string' || src === '') return { ok: false, reason: 'envelope has no string "src"', replyTo };
  if (typeof dest !== 'string' || dest === '') return { ok: false, reason: 'envelope has no string "dest"', replyTo };
  if (!isObject(body)) return { ok: false, reason: '"body" is not a JSON object', replyTo };
  if (typeof body.type !== 'string') return { ok: false, reason: 'body has no string "type"', replyTo };
  if (body.msg_id !== undefined && !Number.isInteger(body.msg_id))
    return { ok: false, reason: '"msg_id" is not an integer', replyTo };
  if (body.in_reply_to !== undefined && !Number.isInteger(body.in_reply_to))
    return { ok: false, reason: '"in_reply_to" is not an integer', replyTo };
  const message: Envelope = { src, dest, body: body as Body };
  if (Number.isInteger(raw.id)) message.id = raw.id as number;
  return { ok: true, message };
}

/** Serialise an envelope for the wire; only the keys Maelstrom's schema allows. */
export function encodeEnvelope(message: Envelope): string {
  return JSON.stringify({ src: message.src, dest: message.dest, body: message.body });
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for ids Maelstrom treats as clients (zero latency, never partitioned). */
export function isClientId(id: string): boolean {
  return id.startsWith('c');
}
