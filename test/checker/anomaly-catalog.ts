/**
 * One small history per anomaly type our txn checkers can detect, each
 * labelled with every detectable anomaly it contains (worked out by hand:
 * some anomalies bring others along, e.g. a lost update on a list is also a
 * G2-item, and an order-edge cycle between two ops of one process is both a
 * -process and a -realtime cycle). Used to tell consistency models apart.
 */
import { HistoryOp } from '../../src/checker/history';
import { HistoryBuilder, OpSpec, txn } from './builders';

type Mop = [string, unknown, unknown];

export interface CatalogEntry {
  name: string;
  workload: 'txn-list-append' | 'txn-rw-register';
  history: HistoryOp[];
  /** Every detectable anomaly type the history contains. */
  contains: string[];
}

const start = (b: HistoryBuilder, s: OpSpec): HistoryBuilder => b.invoke(s.process, s.f, s.invoke);
const finish = (b: HistoryBuilder, s: OpSpec): HistoryBuilder => b.complete(s.process, s.type ?? 'ok', s.f, s.complete);

/** Pairwise concurrent txns, one process each. */
function concurrent(...txns: Mop[][]): HistoryOp[] {
  return new HistoryBuilder().concurrent(txns.map((m, p) => txn(p, m))).build();
}

/** A write-read pair on its own key, so a history whose anomaly adds no edge still has a transaction graph. */
const FILLER: Mop[][] = [[['append', 'f', 1]], [['r', 'f', [1]]]];

/** Runs `steps` in order: ['s', op] starts an op, ['e', op] ends it. */
function timeline(steps: ['s' | 'e', OpSpec][]): HistoryOp[] {
  const b = new HistoryBuilder();
  for (const [what, s] of steps) (what === 's' ? start : finish)(b, s);
  return b.build();
}

function staleRead(sameProcess: boolean): HistoryOp[] {
  // T1 appends x and completes; then T2 reads x empty.
  const t1 = txn(0, [['append', 'x', 1]]);
  const t2 = txn(sameProcess ? 0 : 1, [['r', 'x', []]]);
  return timeline([['s', t1], ['e', t1], ['s', t2], ['e', t2]]);
}

function orderedWrites(sameProcess: boolean): HistoryOp[] {
  // T1 appends x 1 and completes, then T2 appends x 2; a concurrent reader saw [2, 1].
  const t1 = txn(0, [['append', 'x', 1]]);
  const t2 = txn(sameProcess ? 0 : 1, [['append', 'x', 2]]);
  const r = txn(2, [['r', 'x', [2, 1]]]);
  return timeline([['s', r], ['s', t1], ['e', t1], ['s', t2], ['e', t2], ['e', r]]);
}

function readFromFuture(sameProcess: boolean): HistoryOp[] {
  // T1 reads y = [1] and completes before T2, which appends 1 to y, starts.
  const t1 = txn(0, [['r', 'y', [1]]]);
  const t2 = txn(sameProcess ? 0 : 1, [['append', 'y', 1]]);
  return timeline([['s', t1], ['e', t1], ['s', t2], ['e', t2]]);
}

function adjacentRwThenOrder(sameProcess: boolean): HistoryOp[] {
  // T1 -rw-> T2 -rw-> T3, and T3 completed before T1 began. T2 overlaps both.
  const t1 = txn(0, [['r', 'x', []]]);
  const t2 = txn(1, [['r', 'y', []], ['append', 'x', 1]]);
  const t3 = txn(sameProcess ? 0 : 2, [['append', 'y', 1]]);
  return timeline([['s', t2], ['s', t3], ['e', t3], ['s', t1], ['e', t1], ['e', t2]]);
}

function nonadjacentRwThenOrder(sameProcess: boolean): HistoryOp[] {
  // T1 -rw-> T2 -wr-> T3 -rw-> T4, and T4 completed before T1 began; nothing else is ordered.
  const t1 = txn(0, [['r', 'x', []]]);
  const t2 = txn(1, [['append', 'x', 1], ['append', 'y', 1]]);
  const t3 = txn(2, [['r', 'y', [1]], ['r', 'z', []]]);
  const t4 = txn(sameProcess ? 0 : 3, [['append', 'z', 1]]);
  return timeline([['s', t2], ['s', t3], ['s', t4], ['e', t4], ['s', t1], ['e', t1], ['e', t2], ['e', t3]]);
}

export const CATALOG: CatalogEntry[] = [
  {
    name: 'G0 (write cycle)', workload: 'txn-list-append', contains: ['G0'],
    history: concurrent([['append', 'x', 1], ['append', 'y', 1]], [['append', 'x', 2], ['append', 'y', 2]], [['r', 'x', [1, 2]], ['r', 'y', [2, 1]]]),
  },
  {
    name: 'G1c (circular information flow)', workload: 'txn-list-append', contains: ['G1c'],
    history: concurrent([['append', 'x', 1], ['r', 'y', [1]]], [['append', 'y', 1], ['r', 'x', [1]]]),
  },
  {
    name: 'G-single-item (read skew)', workload: 'txn-list-append', contains: ['G-single-item'],
    history: concurrent([['r', 'x', []], ['r', 'y', [1]]], [['append', 'x', 1], ['append', 'y', 1]]),
  },
  {
    name: 'G-nonadjacent-item (rw, wr, rw, wr)', workload: 'txn-list-append', contains: ['G-nonadjacent-item'],
    history: concurrent([['r', 'x', []], ['r', 'w', [1]]], [['append', 'x', 1], ['append', 'y', 1]], [['r', 'y', [1]], ['r', 'z', []]], [['append', 'z', 1], ['append', 'w', 1]]),
  },
  {
    name: 'G2-item (write skew)', workload: 'txn-list-append', contains: ['G2-item'],
    history: concurrent([['r', 'x', []], ['append', 'y', 1]], [['r', 'y', []], ['append', 'x', 1]]),
  },
  { name: 'G0-realtime', workload: 'txn-list-append', contains: ['G0-realtime'], history: orderedWrites(false) },
  { name: 'G0-process', workload: 'txn-list-append', contains: ['G0-process', 'G0-realtime'], history: orderedWrites(true) },
  { name: 'G1c-realtime', workload: 'txn-list-append', contains: ['G1c-realtime'], history: readFromFuture(false) },
  { name: 'G1c-process', workload: 'txn-list-append', contains: ['G1c-process', 'G1c-realtime'], history: readFromFuture(true) },
  { name: 'G-single-item-realtime (stale read)', workload: 'txn-list-append', contains: ['G-single-item-realtime'], history: staleRead(false) },
  { name: 'G-single-item-process', workload: 'txn-list-append', contains: ['G-single-item-process', 'G-single-item-realtime'], history: staleRead(true) },
  { name: 'G-nonadjacent-item-realtime', workload: 'txn-list-append', contains: ['G-nonadjacent-item-realtime'], history: nonadjacentRwThenOrder(false) },
  {
    name: 'G-nonadjacent-item-process', workload: 'txn-list-append',
    contains: ['G-nonadjacent-item-process', 'G-nonadjacent-item-realtime'], history: nonadjacentRwThenOrder(true),
  },
  { name: 'G2-item-realtime', workload: 'txn-list-append', contains: ['G2-item-realtime'], history: adjacentRwThenOrder(false) },
  { name: 'G2-item-process', workload: 'txn-list-append', contains: ['G2-item-process', 'G2-item-realtime'], history: adjacentRwThenOrder(true) },
  {
    // Both read x empty and appended to it: each overwrote what the other read, a G2-item too.
    name: 'lost-update', workload: 'txn-list-append', contains: ['lost-update', 'G2-item'],
    history: concurrent([['r', 'x', []], ['append', 'x', 1]], [['r', 'x', []], ['append', 'x', 2]]),
  },
  {
    name: 'G1a (aborted read)', workload: 'txn-list-append', contains: ['G1a'],
    history: new HistoryBuilder().concurrent([txn(0, [['append', 'x', 1]], 'fail'), txn(1, [['r', 'x', [1]]]), ...FILLER.map((m, i) => txn(2 + i, m))]).build(),
  },
  {
    // T2 saw T1's first append but not its second, which then comes after: T2 -rw-> T1 -wr-> T2.
    name: 'G1b (intermediate read)', workload: 'txn-list-append', contains: ['G1b', 'G-single-item'],
    history: concurrent([['append', 'x', 1], ['append', 'x', 2]], [['r', 'x', [1]]]),
  },
  { name: 'internal', workload: 'txn-list-append', contains: ['internal'], history: concurrent([['append', 'x', 1], ['r', 'x', []]], ...FILLER) },
  {
    // The failed T1's element sits before the committed T2's in the read order (and was read: G1a too).
    name: 'dirty-update', workload: 'txn-list-append', contains: ['dirty-update', 'G1a'],
    history: new HistoryBuilder().concurrent([txn(0, [['append', 'x', 1]], 'fail'), txn(1, [['append', 'x', 2]]), txn(2, [['r', 'x', [1, 2]]])]).build(),
  },
  { name: 'duplicate-elements', workload: 'txn-list-append', contains: ['duplicate-elements'], history: concurrent([['append', 'x', 1]], [['r', 'x', [1, 1]]]) },
  {
    name: 'incompatible-order', workload: 'txn-list-append', contains: ['incompatible-order'],
    history: concurrent([['append', 'x', 1]], [['append', 'x', 2]], [['r', 'x', [1]]], [['r', 'x', [2]]]),
  },
  { name: 'future-read', workload: 'txn-list-append', contains: ['future-read'], history: concurrent([['r', 'x', [1]], ['append', 'x', 1]], ...FILLER) },
  {
    // Each read the other's write and overwrote it: versions 1 < 2 < 1, and the reads make a G1c.
    name: 'cyclic-versions (rw-register)', workload: 'txn-rw-register', contains: ['cyclic-versions', 'G1c'],
    history: concurrent([['r', 'x', 1], ['w', 'x', 2]], [['r', 'x', 2], ['w', 'x', 1]]),
  },
];
