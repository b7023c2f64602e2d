import { CheckResult, HistoryOp } from '../../src/checker/history';
import { BenchWorkload, FreeWorker, GeneratorContext, OpGenerator, OpSpec } from '../../src/runner/workload';

/** Maelstrom's echo client timeout is its default RPC timeout. */
export const ECHO_TIMEOUT_MS = 5000;

/** `{f: echo, value: "Please echo <0..127>"}` to any free worker, as Maelstrom's echo workload does. */
export class EchoGenerator implements OpGenerator {
  constructor(private readonly ctx: GeneratorContext) {}

  next(free: readonly FreeWorker[]): { thread: number; op: OpSpec } | null {
    if (free.length === 0) return null;
    return { thread: free[0].thread, op: { f: 'echo', value: `Please echo ${this.ctx.rng.int(128)}` } };
  }
}

/**
 * Maelstrom's echo checker: EVERY invocation's completion must carry the sent
 * string under `echo`. Its completion value is the reply body; a fail/info
 * completion keeps the invoke's string (no `echo` field) and a missing
 * completion has none, so in Maelstrom a single timed-out echo is an error too.
 */
export function checkEcho(history: HistoryOp[]): CheckResult {
  const pending = new Map<unknown, HistoryOp>();
  const errors: { expected: unknown; received: unknown; index: number }[] = [];
  let okCount = 0;
  const complain = (invoke: HistoryOp, completion: HistoryOp | null): void => {
    errors.push({ expected: invoke.value, received: completion ? completion.value : null, index: invoke.index });
  };
  for (const op of history) {
    if (op.process === 'nemesis' || op.f !== 'echo') continue;
    if (op.type === 'invoke') {
      pending.set(op.process, op);
      continue;
    }
    const invoke = pending.get(op.process);
    pending.delete(op.process);
    if (!invoke) continue;
    const body = op.value;
    const got = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as { echo?: unknown }).echo : undefined;
    if (op.type === 'ok' && got === invoke.value) okCount++;
    else complain(invoke, op);
  }
  for (const invoke of pending.values()) complain(invoke, null);
  return { valid: errors.length === 0, 'ok-count': okCount, 'error-count': errors.length, errors: errors.slice(0, 10) };
}

export const echoBench: BenchWorkload = {
  name: 'echo',
  idempotent: new Set(),
  fs: ['echo'],
  // Maelstrom's echo client is not Reusable: after an info Jepsen opens a fresh client (new c id).
  reusableClient: false,
  validate: () => null,
  timeoutMs: () => ECHO_TIMEOUT_MS,
  generator: (ctx) => new EchoGenerator(ctx),
  request: (op) => ({ type: 'echo', echo: op.value }),
  replySchema: () => ({ type: 'echo_ok', required: ['echo'] }),
  completion: (_op, reply) => ({ ok: true, value: { ...reply } }),
  check: (history) => checkEcho(history),
};
