import { CheckResult, HistoryOp } from './history';

export function checkListAppend(history: HistoryOp[], opts: { consistencyModels: string[] }): CheckResult {
  void history; void opts;
  return { valid: 'unknown', error: 'list-append checker not implemented yet' };
}
