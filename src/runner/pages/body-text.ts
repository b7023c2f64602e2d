import { Body } from '../../protocol/message';

/** Bodies longer than this (Raft appends with many entries) keep only their scalar fields in messages.html. */
export const BODY_TEXT_CAP = 600;

/** A body's text for the page; an oversized one is cut down to its scalar fields and says how long it was. */
export function bodyText(body: Body | undefined): string {
  if (body === undefined) return '{}';
  const full = JSON.stringify(body);
  if (full.length <= BODY_TEXT_CAP) return full;
  const small: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string') small[k] = v.length > 80 ? v.slice(0, 77) + '...' : v;
    else if (typeof v === 'number' || typeof v === 'boolean' || v === null) small[k] = v;
    else if (Array.isArray(v)) small[k] = `[${v.length} items]`;
    else small[k] = '{...}';
  }
  small['…'] = `cut to its scalar fields; ${full.length} characters in full`;
  return JSON.stringify(small);
}
