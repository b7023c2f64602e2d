/**
 * The transaction engine shared by txn-list-append and txn-rw-register
 * (docs/maelstrom.md §5.2, §5.3): a map of JSON keys to JSON values
 * on which a whole transaction — a list of micro-ops `[f, key, arg]` — is
 * applied atomically, in order, each read seeing the transaction's own
 * earlier writes.
 *
 * Every transaction is executed by the Raft log in one total order and
 * read-only transactions are served at a ReadIndex, which together give strict
 * serializability. Each workload contributes its write micro-op (`append`,
 * `w`); `r` (read) is common. Both workloads share one request type (`txn`), so
 * they share one engine rather than competing for the type.
 */
import { ErrorCode } from '../../src/protocol/errors';
import { canonicalKey, isJson } from '../../src/protocol/json';
import type { Json } from '../../src/protocol/message';
import { RequestError, requireArray } from '../../src/protocol/node';
import type { ReplicatedWorkload, ReplyBody, StateMachine } from '../../src/server/workload';

/** A write micro-op: given the key's current value, the next one — or why not. */
export interface WriteMicroOp {
  name: string;
  /** `undefined` current value means the key was never written. */
  apply(current: Json | undefined, arg: Json): { ok: true; next: Json } | { ok: false; reason: string };
}

type MicroOp = [string, Json, Json];

export class TxnStateMachine implements StateMachine {
  private readonly data = new Map<string, { key: Json; value: Json }>();

  constructor(private readonly writes: ReadonlyMap<string, WriteMicroOp>) {}

  apply(command: Json): ReplyBody {
    const txn = command as MicroOp[];
    // Stage writes so that an aborted transaction leaves no trace (atomicity).
    const staged = new Map<string, { key: Json; value: Json }>();
    const result: MicroOp[] = [];
    for (const [f, key, arg] of txn) {
      const slot = canonicalKey(key);
      const current = staged.get(slot) ?? this.data.get(slot);
      if (f === 'r') {
        result.push([f, key, current ? current.value : null]);
        continue;
      }
      const write = this.writes.get(f);
      if (!write) return { type: 'error', code: ErrorCode.NotSupported, text: `unknown micro-op ${f}` };
      const outcome = write.apply(current?.value, arg);
      if (!outcome.ok) return { type: 'error', code: ErrorCode.Abort, text: outcome.reason };
      staged.set(slot, { key, value: outcome.next });
      result.push([f, key, arg]);
    }
    for (const [slot, entry] of staged) this.data.set(slot, entry);
    return { type: 'txn_ok', txn: result };
  }

  query(command: Json): ReplyBody {
    const txn = command as MicroOp[];
    return {
      type: 'txn_ok',
      txn: txn.map(([f, key]) => [f, key, this.data.get(canonicalKey(key))?.value ?? null]),
    };
  }

  snapshot(): Json {
    return [...this.data.values()].map(({ key, value }) => [key, value]);
  }

  restore(snapshot: Json): void {
    this.data.clear();
    for (const [key, value] of snapshot as [Json, Json][]) this.data.set(canonicalKey(key), { key, value });
  }
}

export function txnWorkload(writeOps: readonly WriteMicroOp[]): ReplicatedWorkload {
  const writes = new Map(writeOps.map((op) => [op.name, op]));
  const known = ['r', ...writes.keys()];
  return {
    kind: 'replicated',
    name: 'txn',
    requestTypes: ['txn'],
    parse(body) {
      const txn = requireArray(body, 'txn');
      const mops: MicroOp[] = txn.map((mop, i) => {
        if (!Array.isArray(mop) || mop.length !== 3 || typeof mop[0] !== 'string' || !isJson(mop[1]) || !isJson(mop[2])) {
          throw new RequestError(ErrorCode.MalformedRequest, `micro-op ${i} must be [f, key, value], got ${JSON.stringify(mop)}`);
        }
        if (!known.includes(mop[0])) {
          throw new RequestError(ErrorCode.NotSupported, `micro-op ${i}: unknown function "${mop[0]}" (known: ${known.join(', ')})`);
        }
        return [mop[0], mop[1], mop[2]];
      });
      return { command: mops, readOnly: mops.every(([f]) => f === 'r') };
    },
    createStateMachine: () => new TxnStateMachine(writes),
  };
}
