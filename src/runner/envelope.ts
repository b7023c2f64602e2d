import { Body, isObject } from '../protocol/message';

export type NodeLine = { ok: true; src: string; dest: string; body: Body } | { ok: false; reason: string };

const ENVELOPE_KEYS = new Set(['src', 'dest', 'body', 'id']);

/**
 * Validate a node's stdout line the way Maelstrom's parse-msg + Message schema
 * do (spec §1.1): JSON object; only src, dest, body and an integer id; string
 * src/dest; body an object (null becomes {}). Anything else is fatal for the
 * node's stdout reader. Registration of src/dest is checked by the network.
 */
export function parseNodeLine(line: string): NodeLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    return { ok: false, reason: `stdout line is not JSON (${(e as Error).message}): ${truncate(line)}` };
  }
  if (!isObject(raw)) return { ok: false, reason: `stdout line is not a JSON object: ${truncate(line)}` };
  const extra = Object.keys(raw).filter((k) => !ENVELOPE_KEYS.has(k));
  if (extra.length > 0) return { ok: false, reason: `envelope schema violation: disallowed key(s) ${extra.map((k) => JSON.stringify(k)).join(', ')} in ${truncate(line)}` };
  if (typeof raw.src !== 'string') return { ok: false, reason: `envelope schema violation: "src" is not a string in ${truncate(line)}` };
  if (typeof raw.dest !== 'string') return { ok: false, reason: `envelope schema violation: "dest" is not a string in ${truncate(line)}` };
  if (raw.id !== undefined && !Number.isInteger(raw.id)) return { ok: false, reason: `envelope schema violation: "id" is not an integer in ${truncate(line)}` };
  if (!('body' in raw)) return { ok: false, reason: `envelope schema violation: missing "body" in ${truncate(line)}` };
  const body = raw.body === null ? {} : raw.body;
  if (!isObject(body)) return { ok: false, reason: `"body" is not a JSON object in ${truncate(line)}` };
  return { ok: true, src: raw.src, dest: raw.dest, body: body as Body };
}

function truncate(s: string): string {
  return s.length > 300 ? `${s.slice(0, 300)}...` : s;
}
