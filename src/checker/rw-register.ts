import { CheckResult, HistoryOp } from './history';

export function checkRwRegister(history: HistoryOp[], opts: { consistencyModels: string[] }): CheckResult {
  void history; void opts;
  return { valid: 'unknown', error: 'rw-register checker not implemented yet' };
}
