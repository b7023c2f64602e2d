/**
 * Maelstrom's `:stats` and `:availability` checkers
 * (docs/maelstrom.md §5.4).
 */
import { CheckResult, HistoryOp } from './history';

function isClient(op: HistoryOp): boolean {
  return typeof op.process === 'number';
}

interface Counts {
  count: number;
  'ok-count': number;
  'fail-count': number;
  'info-count': number;
}

function emptyCounts(): Counts {
  return { count: 0, 'ok-count': 0, 'fail-count': 0, 'info-count': 0 };
}

function add(c: Counts, type: string): void {
  c.count++;
  if (type === 'ok') c['ok-count']++;
  else if (type === 'fail') c['fail-count']++;
  else if (type === 'info') c['info-count']++;
}

/**
 * Counts completed client ops overall and per `f`. Valid only if every `f`
 * that completed at all has at least one ok (so a node that always answers
 * "temporarily unavailable" fails the test even though no checker of the
 * workload can object).
 */
export function checkStats(history: HistoryOp[]): CheckResult {
  const total = emptyCounts();
  const byF = new Map<string, Counts>();
  for (const op of history) {
    if (!isClient(op) || op.type === 'invoke') continue;
    add(total, op.type);
    let c = byF.get(op.f);
    if (!c) {
      c = emptyCounts();
      byF.set(op.f, c);
    }
    add(c, op.type);
  }
  const byFResult: Record<string, Counts & { valid: boolean }> = {};
  let valid = true;
  for (const f of [...byF.keys()].sort()) {
    const c = byF.get(f)!;
    const ok = c['ok-count'] > 0;
    if (!ok) valid = false;
    byFResult[f] = { valid: ok, ...c };
  }
  return { valid, ...total, 'by-f': byFResult };
}

/**
 * ok-fraction = ok completions / invocations of client ops (1 when there
 * are none). `spec` unset: always valid; 'total': requires 1; a number a in
 * [0, 1]: requires ok-fraction >= a.
 */
export function checkAvailability(history: HistoryOp[], spec?: 'total' | number): CheckResult {
  let invokes = 0;
  let oks = 0;
  for (const op of history) {
    if (!isClient(op)) continue;
    if (op.type === 'invoke') invokes++;
    else if (op.type === 'ok') oks++;
  }
  const fraction = invokes === 0 ? 1 : oks / invokes;
  if (spec === undefined) return { valid: true, 'ok-fraction': fraction };
  if (spec !== 'total' && !(typeof spec === 'number' && spec >= 0 && spec <= 1)) {
    return { valid: 'unknown', 'ok-fraction': fraction, error: `availability must be "total" or a number in [0, 1], got ${JSON.stringify(spec)}` };
  }
  const required = spec === 'total' ? 1 : spec;
  return { valid: fraction >= required, 'ok-fraction': fraction, required };
}
