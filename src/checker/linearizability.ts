import { CheckResult, HistoryOp } from './history';

/** lin-kv: per-key linearizability of a CAS register (skeleton; search lands next). */
export function checkLinKv(history: HistoryOp[], opts?: { budgetMsPerKey?: number }): CheckResult {
  void history; void opts;
  return { valid: 'unknown', error: 'linearizability checker not implemented yet' };
}

/** Single-register form (bare values) as in Knossos' test data. */
export function checkRegister(history: HistoryOp[], opts?: { budgetMs?: number }): CheckResult {
  void history; void opts;
  return { valid: 'unknown', error: 'linearizability checker not implemented yet' };
}

/**
 * SVG picture of an invalid key's smallest non-linearizable window, for
 * `independent/<key>/linear.svg`. Pass a per-key result (`checkLinKv(h).results[key]`)
 * or a `checkRegister` result; returns null when the result carries no failure.
 */
export function renderLinearizabilitySvg(keyResult: CheckResult): string | null {
  void keyResult;
  return null;
}
