import { Body } from '../../src/protocol/message';
import { Completion, mapOutcome } from '../../src/runner/outcome';
import { closedSchemaViolation } from '../../src/runner/reply';
import { BenchWorkload, OpSpec, Rpc, WorkloadClient } from '../../src/runner/workload';

/**
 * Maelstrom's kafka client (maelstrom.workload.kafka/Client), one per worker:
 * it keeps the offsets it will poll from, per assigned key.
 *   assign [k ...]   list_committed_offsets, then poll each k from where this
 *                    client already was, else the committed offset, else 0
 *                    (with :seek-to-beginning?, from 0); keys not listed are dropped
 *   crash            info at once, no RPC (the worker then opens a fresh client)
 *   [[poll]]         poll, advance past the highest offset seen per key, then
 *                    commit_offsets the highest polled offsets (if any)
 *   [[send k v]]     send; the value becomes [send k [offset v]]
 * Errors go through with-errors #{:assign}: timeouts and indefinite errors of
 * poll and send are info, assign's are fail.
 */
export type KafkaMop = ['poll'] | ['poll', Record<string, [number, unknown][]>] | ['send', string, unknown];

class RpcFailure extends Error {
  constructor(readonly completion: Completion) {
    super('rpc failed');
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);

export class KafkaClient implements WorkloadClient {
  private offsets = new Map<string, number>();

  constructor(private readonly workload: BenchWorkload) {}

  async invoke(op: OpSpec, rpc: Rpc): Promise<Completion> {
    try {
      return await this.run(op, rpc);
    } catch (e) {
      if (e instanceof RpcFailure) return e.completion;
      throw e;
    }
  }

  /** One RPC; an error, timeout or malformed reply ends the op with the with-errors outcome (info, or fail for assign). */
  private async call(rpc: Rpc, op: OpSpec, body: Record<string, unknown>, replyType: string, required: string[], check: (b: Body) => string | null): Promise<Body> {
    const result = await rpc(body);
    if (result.kind === 'timeout' || result.body.type === 'error') throw new RpcFailure(mapOutcome(this.workload, op, result));
    const problem = closedSchemaViolation(result.body, { type: replyType, required }) ?? check(result.body);
    if (problem !== null) {
      throw new RpcFailure({
        type: 'info',
        value: op.value,
        error: `indeterminate: ${problem}`,
        exception: { class: 'clojure.lang.ExceptionInfo', message: `${problem} in reply ${JSON.stringify(result.body)}` },
      });
    }
    return result.body;
  }

  private async run(op: OpSpec, rpc: Rpc): Promise<Completion> {
    if (op.f === 'crash') return { type: 'info', value: op.value };
    if (op.f === 'assign') {
      const keys = op.value as string[];
      const next = new Map<string, number>();
      if (op.attrs?.['seek-to-beginning?'] === true) {
        for (const k of keys) next.set(k, 0);
      } else {
        const reply = await this.call(rpc, op, { type: 'list_committed_offsets', keys }, 'list_committed_offsets_ok', ['offsets'], (b) => offsetMapProblem(b.offsets, 'offsets'));
        const committed = reply.offsets as Record<string, number>;
        for (const k of keys) next.set(k, this.offsets.get(k) ?? committed[k] ?? 0);
      }
      this.offsets = next;
      return { type: 'ok', value: op.value };
    }
    const [mop] = op.value as KafkaMop[];
    if (mop[0] === 'send') {
      const [, key, msg] = mop;
      const reply = await this.call(rpc, op, { type: 'send', key, msg }, 'send_ok', ['offset'], (b) => (Number.isInteger(b.offset) ? null : `offset ${JSON.stringify(b.offset)} is not an integer`));
      return { type: 'ok', value: [['send', key, [reply.offset as number, msg]]] };
    }
    const reply = await this.call(rpc, op, { type: 'poll', offsets: Object.fromEntries(this.offsets) }, 'poll_ok', ['msgs'], (b) => msgsProblem(b.msgs));
    const msgs = reply.msgs as Record<string, [number, unknown][]>;
    const highest: Record<string, number> = {};
    for (const [k, pairs] of Object.entries(msgs)) {
      let max = -1;
      for (const [offset] of pairs) max = Math.max(max, offset);
      this.offsets.set(k, Math.max(this.offsets.get(k) ?? -Infinity, max + 1));
      // Maelstrom's txn-offsets: the highest polled offset per key, starting from 0.
      if (pairs.length > 0) highest[k] = Math.max(0, max);
    }
    if (Object.keys(highest).length > 0) {
      await this.call(rpc, op, { type: 'commit_offsets', offsets: highest }, 'commit_offsets_ok', [], () => null);
    }
    return { type: 'ok', value: [['poll', msgs]] };
  }

}

function offsetMapProblem(x: unknown, what: string): string | null {
  if (!isObject(x)) return `${what} is not a map of keys to offsets`;
  for (const [k, v] of Object.entries(x)) if (!Number.isInteger(v)) return `${what}[${JSON.stringify(k)}] = ${JSON.stringify(v)} is not an integer offset`;
  return null;
}

/** poll_ok's msgs: {key: [[offset, msg], ...]} with integer offsets. */
function msgsProblem(x: unknown): string | null {
  if (!isObject(x)) return 'msgs is not a map of keys to [offset, msg] pairs';
  for (const [k, pairs] of Object.entries(x)) {
    if (!Array.isArray(pairs)) return `msgs[${JSON.stringify(k)}] is not an array`;
    for (const p of pairs) {
      if (!Array.isArray(p) || p.length !== 2 || !Number.isInteger(p[0])) return `msgs[${JSON.stringify(k)}] has ${JSON.stringify(p)}, not an [offset, msg] pair`;
    }
  }
  return null;
}
