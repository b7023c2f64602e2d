import { HistoryOp } from './history';

export function readHistoryFile(path: string): HistoryOp[] {
  void path;
  throw new Error('history reader not implemented yet');
}
