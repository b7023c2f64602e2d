import { HistoryOp } from './history';

export function parseEdn(text: string): unknown {
  void text;
  throw new Error('EDN parser not implemented yet');
}
export function historyFromEdn(text: string): HistoryOp[] {
  void text;
  throw new Error('EDN history reader not implemented yet');
}
export function historyToEdn(history: HistoryOp[]): string {
  void history;
  throw new Error('EDN history writer not implemented yet');
}
export function resultsToEdn(results: Record<string, unknown>): string {
  void results;
  throw new Error('EDN results writer not implemented yet');
}
