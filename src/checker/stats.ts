import { CheckResult, HistoryOp } from './history';

export function checkStats(history: HistoryOp[]): CheckResult {
  void history;
  return { valid: 'unknown', error: 'stats checker not implemented yet' };
}

export function checkAvailability(history: HistoryOp[], spec?: 'total' | number): CheckResult {
  void history; void spec;
  return { valid: 'unknown', error: 'availability checker not implemented yet' };
}
