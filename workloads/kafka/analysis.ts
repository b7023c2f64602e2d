/**
 * The building blocks of jepsen.tests.kafka's analysis, for Maelstrom's
 * kafka histories (single-mop send and poll ops, string keys): what each op
 * wrote and read, and the version order of every key reconstructed from the
 * offsets that sends and polls reported. Written from the definitions in
 * jepsen.tests.kafka; see checker.ts for the anomaly classes built on them.
 */
import { HistoryOp } from '../../src/checker/history';

/** A value as a map key: messages are JSON. */
export const vkey = (v: unknown): string => JSON.stringify(v ?? null);

/** key -> values sent by the op, in order (op-writes). */
export function opWrites(op: HistoryOp): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  if ((op.f !== 'send' && op.f !== 'txn') || !Array.isArray(op.value)) return out;
  for (const mop of op.value as unknown[]) {
    if (!Array.isArray(mop) || mop[0] !== 'send') continue;
    const k = String(mop[1]);
    const v = Array.isArray(mop[2]) ? mop[2][1] : mop[2];
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  return out;
}

/** key -> [offset, value] pairs sent with a known offset. */
export function opWritePairs(op: HistoryOp): Map<string, [number, unknown][]> {
  const out = new Map<string, [number, unknown][]>();
  if ((op.f !== 'send' && op.f !== 'txn') || !Array.isArray(op.value)) return out;
  for (const mop of op.value as unknown[]) {
    if (!Array.isArray(mop) || mop[0] !== 'send' || !Array.isArray(mop[2]) || typeof mop[2][0] !== 'number') continue;
    const k = String(mop[1]);
    out.set(k, [...(out.get(k) ?? []), [mop[2][0], mop[2][1]]]);
  }
  return out;
}

/** key -> [offset, value] pairs polled, in order (op-read-pairs). */
export function opReadPairs(op: HistoryOp): Map<string, [number, unknown][]> {
  const out = new Map<string, [number, unknown][]>();
  if ((op.f !== 'poll' && op.f !== 'txn') || !Array.isArray(op.value)) return out;
  for (const mop of op.value as unknown[]) {
    if (!Array.isArray(mop) || mop[0] !== 'poll' || mop.length < 2 || mop[1] === null || typeof mop[1] !== 'object') continue;
    for (const [k, pairs] of Object.entries(mop[1] as Record<string, unknown>)) {
      if (!Array.isArray(pairs)) continue;
      const list = out.get(k) ?? [];
      for (const p of pairs) if (Array.isArray(p)) list.push([p[0] as number, p[1]]);
      out.set(k, list);
    }
  }
  return out;
}

/** key -> values polled, in order (op-reads). */
export function opReads(op: HistoryOp): Map<string, unknown[]> {
  return new Map([...opReadPairs(op)].map(([k, ps]) => [k, ps.map((p) => p[1])]));
}

export type ValuesByKey = Map<string, Set<string>>;

function addAll(into: ValuesByKey, from: Map<string, unknown[]>): void {
  for (const [k, vs] of from) {
    let set = into.get(k);
    if (!set) into.set(k, (set = new Set()));
    for (const v of vs) set.add(vkey(v));
  }
}

/** Completions by type -> key -> values written (writes-by-type) or read (reads-by-type). */
export function byType(ops: readonly HistoryOp[], what: (op: HistoryOp) => Map<string, unknown[]>): Record<'ok' | 'info' | 'fail', ValuesByKey> {
  const out = { ok: new Map(), info: new Map(), fail: new Map() } as Record<'ok' | 'info' | 'fail', ValuesByKey>;
  for (const op of ops) if (op.type !== 'invoke') addAll(out[op.type], what(op));
  return out;
}

/** ok, or info with one of its sent values read by an ok poll: its sends surely took effect. */
export function mustHaveCommitted(okReads: ValuesByKey, op: HistoryOp): boolean {
  if (op.type === 'ok') return true;
  if (op.type !== 'info') return false;
  for (const [k, vs] of opWrites(op)) {
    const read = okReads.get(k);
    if (read && vs.some((v) => read.has(vkey(v)))) return true;
  }
  return false;
}

export interface VersionOrder {
  /** Offsets 0..max, each the set of values (JSON) seen there, or null for a hole. */
  log: (Set<string> | null)[];
  /** Dense index -> value (one per non-empty offset), and value -> its last dense index. */
  byIndex: string[];
  byValue: Map<string, number>;
}

export interface InconsistentOffset {
  key: string;
  offset: number;
  index: number;
  values: unknown[];
}

/**
 * Version orders from every poll (any completion type) and from the sends
 * that must have committed; offsets holding two or more values are the
 * inconsistent-offsets errors.
 */
export function versionOrders(ops: readonly HistoryOp[], okReads: ValuesByKey): { orders: Map<string, VersionOrder>; errors: InconsistentOffset[] } {
  const logs = new Map<string, Map<number, Set<string>>>();
  const put = (k: string, offset: number, v: unknown): void => {
    let log = logs.get(k);
    if (!log) logs.set(k, (log = new Map()));
    let set = log.get(offset);
    if (!set) log.set(offset, (set = new Set()));
    set.add(vkey(v));
  };
  for (const op of ops) {
    if (op.f !== 'poll' && op.f !== 'send' && op.f !== 'txn') continue;
    if (mustHaveCommitted(okReads, op)) for (const [k, ps] of opWritePairs(op)) for (const [o, v] of ps) put(k, o, v);
    for (const [k, ps] of opReadPairs(op)) for (const [o, v] of ps) if (typeof o === 'number') put(k, o, v);
  }
  const orders = new Map<string, VersionOrder>();
  const errors: InconsistentOffset[] = [];
  for (const k of [...logs.keys()].sort()) {
    const m = logs.get(k) as Map<number, Set<string>>;
    const max = Math.max(...m.keys());
    const log: (Set<string> | null)[] = [];
    for (let o = 0; o <= max; o++) log.push(m.get(o) ?? null);
    const byIndex: string[] = [];
    const byValue = new Map<string, number>();
    log.forEach((vs, offset) => {
      if (!vs) return;
      if (vs.size >= 2) errors.push({ key: k, offset, index: byIndex.length, values: [...vs].sort().map((x) => JSON.parse(x)) });
      const first = vs.values().next().value as string;
      byValue.set(first, byIndex.length);
      byIndex.push(first);
    });
    orders.set(k, { log, byIndex, byValue });
  }
  return { orders, errors };
}

/** key -> value -> the (last) completion that sent it (writer-of). */
export function writerOf(ops: readonly HistoryOp[]): Map<string, Map<string, HistoryOp>> {
  const out = new Map<string, Map<string, HistoryOp>>();
  for (const op of ops) {
    if (op.type === 'invoke') continue;
    for (const [k, vs] of opWrites(op)) {
      let m = out.get(k);
      if (!m) out.set(k, (m = new Map()));
      for (const v of vs) m.set(vkey(v), op);
    }
  }
  return out;
}

/** key -> value -> completions that polled it (readers-of). */
export function readersOf(ops: readonly HistoryOp[]): Map<string, Map<string, HistoryOp[]>> {
  const out = new Map<string, Map<string, HistoryOp[]>>();
  for (const op of ops) {
    if (op.type === 'invoke') continue;
    for (const [k, vs] of opReads(op)) {
      let m = out.get(k);
      if (!m) out.set(k, (m = new Map()));
      for (const v of vs) m.set(vkey(v), [...(m.get(vkey(v)) ?? []), op]);
    }
  }
  return out;
}
