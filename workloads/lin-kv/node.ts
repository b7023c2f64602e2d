/**
 * lin-kv's state machine: a map from any JSON key to any JSON value with
 * read / write / cas (docs/maelstrom.md §5.1).
 *
 * Errors are definite by construction: they are decided when the command is
 * applied from the committed log, so "key does not exist" (20) and "precondition
 * failed" (22) describe the operation's one and only effect.
 */
import { ErrorCode } from '../../src/protocol/errors';
import { canonicalKey, isJson, jsonEqual } from '../../src/protocol/json';
import type { Body, Json } from '../../src/protocol/message';
import { RequestError, requireField } from '../../src/protocol/node';
import type { ParsedCommand, ReplicatedWorkload, ReplyBody, StateMachine } from '../../src/server/workload';

type KvCommand =
  | { op: 'read'; key: Json }
  | { op: 'write'; key: Json; value: Json }
  | { op: 'cas'; key: Json; from: Json; to: Json; create: boolean };

function jsonField(body: Body, key: string): Json {
  const value = requireField(body, key);
  if (!isJson(value)) throw new RequestError(ErrorCode.MalformedRequest, `"${key}" is not a JSON value`);
  return value;
}

export class KvStateMachine implements StateMachine {
  private readonly data = new Map<string, { key: Json; value: Json }>();

  apply(command: Json): ReplyBody {
    const c = command as KvCommand;
    switch (c.op) {
      case 'read':
        return this.query(command);
      case 'write':
        this.data.set(canonicalKey(c.key), { key: c.key, value: c.value });
        return { type: 'write_ok' };
      case 'cas': {
        const slot = canonicalKey(c.key);
        const current = this.data.get(slot);
        if (!current) {
          if (!c.create) return kvError(ErrorCode.KeyDoesNotExist, `key ${JSON.stringify(c.key)} does not exist`);
          this.data.set(slot, { key: c.key, value: c.to });
          return { type: 'cas_ok' };
        }
        if (!jsonEqual(current.value, c.from)) {
          return kvError(
            ErrorCode.PreconditionFailed,
            `expected ${JSON.stringify(c.from)}, had ${JSON.stringify(current.value)}`,
          );
        }
        current.value = c.to;
        return { type: 'cas_ok' };
      }
    }
  }

  query(command: Json): ReplyBody {
    const c = command as KvCommand;
    const current = this.data.get(canonicalKey(c.key));
    if (!current) return kvError(ErrorCode.KeyDoesNotExist, `key ${JSON.stringify(c.key)} does not exist`);
    return { type: 'read_ok', value: current.value };
  }

  snapshot(): Json {
    return [...this.data.values()].map(({ key, value }) => [key, value]);
  }

  restore(snapshot: Json): void {
    this.data.clear();
    for (const [key, value] of snapshot as [Json, Json][]) this.data.set(canonicalKey(key), { key, value });
  }
}

function kvError(code: number, text: string): ReplyBody {
  return { type: 'error', code, text };
}

export const linKvWorkload: ReplicatedWorkload = {
  kind: 'replicated',
  name: 'lin-kv',
  requestTypes: ['read', 'write', 'cas'],
  parse(body): ParsedCommand {
    const key = jsonField(body, 'key');
    switch (body.type) {
      case 'read': {
        const command: Json = { op: 'read', key };
        return { command, readOnly: true };
      }
      case 'write': {
        const command: Json = { op: 'write', key, value: jsonField(body, 'value') };
        return { command, readOnly: false };
      }
      case 'cas': {
        const create = body.create_if_not_exists;
        if (create !== undefined && typeof create !== 'boolean') {
          throw new RequestError(ErrorCode.MalformedRequest, '"create_if_not_exists" must be a boolean');
        }
        const command: Json = { op: 'cas', key, from: jsonField(body, 'from'), to: jsonField(body, 'to'), create: create === true };
        return { command, readOnly: false };
      }
      default:
        throw new RequestError(ErrorCode.NotSupported, `lin-kv has no "${body.type}"`);
    }
  },
  createStateMachine: () => new KvStateMachine(),
};
