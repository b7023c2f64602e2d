import { CheckResult, HistoryOp } from '../../src/checker/history';
import { BenchWorkload, FreeWorker, OpGenerator, OpSpec } from '../../src/runner/workload';

export const UNIQUE_IDS_TIMEOUT_MS = 5000;

/** `{f: generate}` forever, to any free worker. */
export class GenerateGenerator implements OpGenerator {
  next(free: readonly FreeWorker[]): { thread: number; op: OpSpec } | null {
    if (free.length === 0) return null;
    return { thread: free[0].thread, op: { f: 'generate', value: null } };
  }
}

/** Maelstrom's unique-ids checker: every acknowledged id is distinct (JSON value equality). */
export function checkUniqueIds(history: HistoryOp[]): CheckResult {
  let attempted = 0;
  const seen = new Map<string, number>();
  const numeric: number[] = [];
  for (const op of history) {
    if (op.process === 'nemesis' || op.f !== 'generate') continue;
    if (op.type === 'invoke') attempted++;
    if (op.type !== 'ok') continue;
    const k = JSON.stringify(op.value);
    seen.set(k, (seen.get(k) ?? 0) + 1);
    if (typeof op.value === 'number') numeric.push(op.value);
  }
  const duplicated: Record<string, number> = {};
  let acknowledged = 0;
  for (const [k, n] of seen) {
    acknowledged += n;
    if (n > 1) duplicated[k] = n;
  }
  const dupCount = Object.keys(duplicated).length;
  const result: CheckResult = {
    valid: dupCount === 0,
    'attempted-count': attempted,
    'acknowledged-count': acknowledged,
    'duplicated-count': dupCount,
    duplicated: Object.fromEntries(Object.entries(duplicated).slice(0, 32)),
  };
  if (numeric.length > 0) result.range = [numeric.reduce((a, b) => Math.min(a, b)), numeric.reduce((a, b) => Math.max(a, b))];
  return result;
}

export const uniqueIdsBench: BenchWorkload = {
  name: 'unique-ids',
  idempotent: new Set(),
  reusableClient: true,
  fs: ['generate'],
  validate: () => null,
  timeoutMs: () => UNIQUE_IDS_TIMEOUT_MS,
  generator: () => new GenerateGenerator(),
  request: () => ({ type: 'generate' }),
  replySchema: () => ({ type: 'generate_ok', required: ['id'] }),
  completion: (_op, reply) => ({ ok: true, value: reply.id }),
  check: (history) => checkUniqueIds(history),
};
