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
 * Every ok echo's reply carries exactly the string its request sent. The
 * completion value is the reply body (as Maelstrom records it); the invoke's
 * value is the string sent.
 */
export function checkEcho(history: HistoryOp[]): CheckResult {
  const pending = new Map<unknown, HistoryOp>();
  const errors: { expected: unknown; got: unknown; index: number }[] = [];
  let okCount = 0;
  for (const op of history) {
    if (op.process === 'nemesis' || op.f !== 'echo') continue;
    if (op.type === 'invoke') {
      pending.set(op.process, op);
      continue;
    }
    const invoke = pending.get(op.process);
    pending.delete(op.process);
    if (op.type !== 'ok' || !invoke) continue;
    okCount++;
    const body = op.value as { echo?: unknown } | null;
    const got = body && typeof body === 'object' ? body.echo : undefined;
    if (got !== invoke.value) errors.push({ expected: invoke.value, got: got ?? null, index: op.index });
  }
  return { valid: errors.length === 0, 'ok-count': okCount, errors: errors.slice(0, 10), 'error-count': errors.length };
}

export const echoBench: BenchWorkload = {
  name: 'echo',
  idempotent: new Set(),
  fs: ['echo'],
  validate: () => null,
  timeoutMs: () => ECHO_TIMEOUT_MS,
  generator: (ctx) => new EchoGenerator(ctx),
  request: (op) => ({ type: 'echo', echo: op.value }),
  replySchema: () => ({ type: 'echo_ok', required: ['echo'] }),
  completion: (_op, reply) => ({ ok: true, value: { ...reply } }),
  check: (history) => checkEcho(history),
};
