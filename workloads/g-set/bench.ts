import { checkSetFull } from '../../src/checker/set-full';
import { Body } from '../../src/protocol/message';
import { DEFAULT_RPC_TIMEOUT_MS, EachThreadGenerator, MixGenerator } from '../../src/runner/mix-generator';
import { BenchWorkload, GeneratorContext, OpSpec, ValueCheck } from '../../src/runner/workload';

/**
 * Maelstrom's g-set workload: a 50/50 mix of `add` (elements 0, 1, 2, ...)
 * and `read`; after the time limit, heal, wait, one final `read` per worker.
 * Checked by Jepsen's set-full.
 */
export function gSetGenerator(ctx: GeneratorContext): MixGenerator {
  let next = 0;
  return new MixGenerator(ctx.rng, [() => ({ f: 'add', value: next++ }), () => ({ f: 'read', value: null })]);
}

export const gSetBench: BenchWorkload = {
  name: 'g-set',
  idempotent: new Set(),
  // Maelstrom's g-set client has no with-errors: every error or timeout is an exception, so info.
  rawErrors: true,
  reusableClient: false,
  fs: ['add', 'read'],
  validate: () => null,
  timeoutMs: () => DEFAULT_RPC_TIMEOUT_MS,
  generator: gSetGenerator,
  // Maelstrom's g-set final reads carry no :final? flag; set-full does not care. Ours are marked final like the rest.
  finalGenerator: () => new EachThreadGenerator({ f: 'read', value: null }),
  request: (op: OpSpec) => (op.f === 'add' ? { type: 'add', element: op.value } : { type: 'read' }),
  replySchema: (op) => (op.f === 'read' ? { type: 'read_ok', required: ['value'] } : { type: 'add_ok', required: [] }),
  completion(op: OpSpec, reply: Body): ValueCheck {
    if (op.f !== 'read') return { ok: true, value: op.value };
    if (!Array.isArray(reply.value)) return { ok: false, reason: `value is ${JSON.stringify(reply.value)}, not an array` };
    return { ok: true, value: reply.value };
  },
  check: (history) => checkSetFull(history),
};
