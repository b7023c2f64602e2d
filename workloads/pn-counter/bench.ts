import { checkCounter } from '../../src/checker/counter';
import { Body } from '../../src/protocol/message';
import { DEFAULT_RPC_TIMEOUT_MS, EachThreadGenerator, MixGenerator } from '../../src/runner/mix-generator';
import { BenchWorkload, GeneratorContext, OpSpec, ValueCheck } from '../../src/runner/workload';

/** Maelstrom's pn-counter deltas: (- (rand-int 10) 5), so -5 .. 4. */
export function pnCounterDelta(ctx: GeneratorContext): number {
  return ctx.rng.int(10) - 5;
}

/** A 50/50 mix of `add` with a fresh delta and `read`. */
export function pnCounterGenerator(ctx: GeneratorContext): MixGenerator {
  return new MixGenerator(ctx.rng, [() => ({ f: 'add', value: pnCounterDelta(ctx) }), () => ({ f: 'read', value: null })]);
}

/** The parts pn-counter and g-counter share: requests, replies, checker, the final read per worker. */
export function counterBench(name: string, generator: BenchWorkload['generator']): BenchWorkload {
  return {
    name,
    idempotent: new Set(),
    // Maelstrom's counter client has no with-errors: every error or timeout is an exception, so info.
    rawErrors: true,
    reusableClient: false,
    fs: ['add', 'read'],
    validate: () => null,
    timeoutMs: () => DEFAULT_RPC_TIMEOUT_MS,
    generator,
    finalGenerator: () => new EachThreadGenerator({ f: 'read', value: null }),
    request: (op: OpSpec) => (op.f === 'add' ? { type: 'add', delta: op.value } : { type: 'read' }),
    replySchema: (op) => (op.f === 'read' ? { type: 'read_ok', required: ['value'] } : { type: 'add_ok', required: [] }),
    completion(op: OpSpec, reply: Body): ValueCheck {
      if (op.f !== 'read') return { ok: true, value: op.value };
      // The reply schema says s/Int: a float or a string is a malformed reply (an exception, so info).
      if (typeof reply.value !== 'number' || !Number.isInteger(reply.value)) return { ok: false, reason: `value is ${JSON.stringify(reply.value)}, not an integer` };
      return { ok: true, value: reply.value };
    },
    check: (history) => checkCounter(history),
  };
}

export const pnCounterBench: BenchWorkload = counterBench('pn-counter', pnCounterGenerator);
