import { Body } from '../protocol/message';
import { ReplySchema } from './workload';

/**
 * Maelstrom validates `*_ok` replies against closed Prismatic schemas
 * (spec §1.5): exactly `type`, the workload's keys, a required integer
 * `in_reply_to` and an optional integer `msg_id`. Returns what is wrong, or null.
 */
export function closedSchemaViolation(body: Body, schema: ReplySchema): string | null {
  const problems: string[] = [];
  if (body.type !== schema.type) problems.push(`type is ${JSON.stringify(body.type)}, expected ${JSON.stringify(schema.type)}`);
  if (!Number.isInteger(body.in_reply_to)) problems.push('in_reply_to: missing-required-key or not an integer');
  if (body.msg_id !== undefined && !Number.isInteger(body.msg_id)) problems.push('msg_id: not an integer');
  const allowed = new Set(['type', 'in_reply_to', 'msg_id', ...schema.required]);
  for (const k of schema.required) if (!(k in body) || body[k] === undefined) problems.push(`${k}: missing-required-key`);
  for (const k of Object.keys(body)) if (!allowed.has(k)) problems.push(`${k}: disallowed-key`);
  return problems.length === 0 ? null : `malformed-rpc-response: ${problems.join('; ')}`;
}
