/**
 * jepsen.tests.kafka's realtime lag, reduced to its worst point: for every ok
 * poll, per key the process has assigned or seen, how long before the poll
 * was invoked the newest offset it had reached stopped being the log's tail
 * (the first time any ok or info op showed a higher offset existed). A
 * conservative lower bound; 0 when the process is caught up.
 */
import { HistoryOp } from '../../src/checker/history';
import { maxOffsets } from './generator';

export interface WorstLag {
  time: number;
  lag: number;
  process?: unknown;
  key?: string;
}

/** key -> offset -> time (ns) at which that offset was first known to exist. */
function expiries(ops: readonly HistoryOp[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const op of ops) {
    const { polled, sent } = maxOffsets(op);
    for (const [k, o] of [...polled, ...sent]) {
      const times = out.get(k) ?? [];
      // Offset o exists, so every lower one does: fill downwards until an index already known earlier.
      for (let i = o; i >= 0 && times[i] === undefined; i--) times[i] = op.time;
      out.set(k, times);
    }
  }
  return out;
}

/** The worst lag, times in seconds as Maelstrom prints them; {time: 0, lag: 0} for none. */
export function worstRealtimeLag(history: readonly HistoryOp[]): WorstLag {
  const ops = history.filter((op) => typeof op.process === 'number');
  const expired = expiries(ops);
  const offsets = new Map<unknown, Map<string, number>>();
  const invokes = new Map<unknown, HistoryOp>();
  let worst: WorstLag = { time: 0, lag: 0 };
  for (const op of ops) {
    if (op.type === 'invoke') {
      invokes.set(op.process, op);
      continue;
    }
    const inv = invokes.get(op.process);
    invokes.delete(op.process);
    if (op.type !== 'ok') continue;
    if (op.f === 'assign') {
      const mine = offsets.get(op.process) ?? new Map<string, number>();
      const keys = (Array.isArray(op.value) ? op.value : []).map(String);
      offsets.set(op.process, new Map(keys.map((k) => [k, mine.get(k) ?? -1])));
      continue;
    }
    if (op.f !== 'poll' && op.f !== 'txn') continue;
    const mine = new Map(offsets.get(op.process) ?? []);
    const { polled, sent } = maxOffsets(op);
    for (const [k, o] of [...polled, ...sent]) mine.set(k, Math.max(mine.get(k) ?? -Infinity, o));
    offsets.set(op.process, mine);
    const at = inv?.time ?? op.time;
    for (const [k, o] of mine) {
      const expiredAt = expired.get(k)?.[o + 1];
      const lag = expiredAt === undefined ? 0 : Math.max(0, at - expiredAt);
      if (lag > worst.lag) worst = { time: at, lag, process: op.process, key: k };
    }
  }
  return { ...worst, time: worst.time / 1e9, lag: worst.lag / 1e9 };
}
