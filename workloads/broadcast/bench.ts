import { checkSetFull } from '../../src/checker/set-full';
import { Body } from '../../src/protocol/message';
import { DEFAULT_RPC_TIMEOUT_MS, EachThreadGenerator, MixGenerator } from '../../src/runner/mix-generator';
import { BenchWorkload, GeneratorContext, OpSpec, ValueCheck } from '../../src/runner/workload';
import { DEFAULT_TOPOLOGY, topologyFor } from './topology';

/**
 * Maelstrom's broadcast workload: `topology` once per node at client setup,
 * then a 50/50 mix of `broadcast` (messages 0, 1, 2, ... in order) and
 * `read`; after the time limit, heal, wait, and one final `read` per worker.
 * The checker is set-full with broadcast as add (src/checker/set-full.ts).
 */
export function broadcastGenerator(ctx: GeneratorContext): MixGenerator {
  let next = 0;
  return new MixGenerator(ctx.rng, [() => ({ f: 'broadcast', value: next++ }), () => ({ f: 'read', value: null })]);
}

export const broadcastBench: BenchWorkload = {
  name: 'broadcast',
  // Maelstrom's broadcast client wraps its calls in with-errors #{:read}.
  idempotent: new Set(['read']),
  reusableClient: false,
  fs: ['broadcast', 'read'],
  validate: () => null,
  timeoutMs: () => DEFAULT_RPC_TIMEOUT_MS,
  generator: broadcastGenerator,
  finalGenerator: () => new EachThreadGenerator({ f: 'read', value: null }),
  setupRequest: (node, nodes, options) => ({
    body: { type: 'topology', topology: topologyFor(options.topology ?? DEFAULT_TOPOLOGY, nodes) },
    replyType: 'topology_ok',
  }),
  request: (op: OpSpec) => (op.f === 'broadcast' ? { type: 'broadcast', message: op.value } : { type: 'read' }),
  replySchema: (op) => (op.f === 'read' ? { type: 'read_ok', required: ['messages'] } : { type: 'broadcast_ok', required: [] }),
  completion(op: OpSpec, reply: Body): ValueCheck {
    if (op.f !== 'read') return { ok: true, value: op.value };
    if (!Array.isArray(reply.messages)) return { ok: false, reason: `messages is ${JSON.stringify(reply.messages)}, not an array` };
    return { ok: true, value: reply.messages };
  },
  check: (history) => checkSetFull(history, { addF: 'broadcast' }),
};
