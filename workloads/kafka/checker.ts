/**
 * The kafka checker Maelstrom runs (jepsen.tests.kafka/checker), for
 * histories of single-mop send and poll ops with assign and crash. Each
 * anomaly class is one function below; the verdict is invalid when any class
 * outside the allowed ones (int-send-skip, G0) has a case. Not reproduced:
 * Elle's cycle search (Jepsen's kafka graph is wr edges plus realtime and
 * process order: a cycle needs a poll seeing a message before its send began),
 * precommitted-read (needs multi-mop txns, which Maelstrom's kafka never
 * issues) and the lag plots (worst-realtime-lag is computed, lag.ts).
 * src/runner/README.md has the details.
 */
import { CheckResult, HistoryOp } from '../../src/checker/history';
import {
  byType,
  InconsistentOffset,
  mustHaveCommitted,
  opReads,
  opWrites,
  readersOf,
  ValuesByKey,
  VersionOrder,
  versionOrders,
  vkey,
  writerOf,
} from './analysis';
import { worstRealtimeLag } from './lag';

type Case = Record<string, unknown>;
const parse = (s: string): unknown => JSON.parse(s);

/** G1a (aborted read): an ok poll saw a value whose send definitely failed. */
export function g1aCases(ops: readonly HistoryOp[], failedWrites: ValuesByKey, writers: ReturnType<typeof writerOf>): Case[] {
  const out: Case[] = [];
  for (const op of ops) {
    if (op.type !== 'ok' || (op.f !== 'poll' && op.f !== 'txn')) continue;
    for (const [k, vs] of opReads(op)) {
      for (const v of vs) if (failedWrites.get(k)?.has(vkey(v))) out.push({ key: k, value: v, writer: writers.get(k)?.get(vkey(v)) ?? null, reader: op });
    }
  }
  return out;
}

/**
 * Lost writes: for each key, the highest dense index any ok poll read
 * reaches (by each value's FIRST appearance) bounds what must have been read:
 * every value whose LAST appearance is at or below it. Those no ok poll read,
 * whose send must have committed, are lost.
 */
export function lostWriteCases(
  orders: Map<string, VersionOrder>,
  okReads: ValuesByKey,
  writers: ReturnType<typeof writerOf>,
  readers: ReturnType<typeof readersOf>,
): Case[] {
  const out: Case[] = [];
  for (const [k, read] of okReads) {
    const vo = orders.get(k);
    const log = vo ? vo.log.filter((s): s is Set<string> => s !== null) : [];
    const firstIndex = new Map<string, number>();
    const lastIndex = new Map<string, number>();
    log.forEach((vs, i) => {
      for (const v of vs) {
        if (!firstIndex.has(v)) firstIndex.set(v, i);
        lastIndex.set(v, i);
      }
    });
    let bound = -1;
    for (const v of read) if (firstIndex.has(v)) bound = Math.max(bound, firstIndex.get(v) as number);
    const mustRead = [...lastIndex].filter(([, i]) => i <= bound).sort((a, b) => a[1] - b[1]).map(([v]) => v);
    const atBound = [...lastIndex].find(([, i]) => i === bound)?.[0];
    const maxRead = atBound !== undefined ? readers.get(k)?.get(atBound)?.[0] ?? null : null;
    for (const v of mustRead) {
      if (read.has(v)) continue;
      const w = writers.get(k)?.get(v);
      // Jepsen throws here (:no-writer-of): a polled value nobody sent. Its checker then crashes -> unknown.
      if (!w) throw new Error(`no-writer-of: key ${k} value ${v} was polled but no op sent it`);
      if (!mustHaveCommitted(okReads, w)) continue;
      out.push({ key: k, value: parse(v), index: firstIndex.get(v), 'max-read-index': bound, writer: w, 'max-read': maxRead });
    }
  }
  return out;
}

/** delta between two values' dense indices, 1 when either is not in the order (Jepsen's convention). */
function delta(vo: VersionOrder | undefined, v1: unknown, v2: unknown): { delta: number; i1?: number; i2?: number } {
  const i1 = vo?.byValue.get(vkey(v1));
  const i2 = vo?.byValue.get(vkey(v2));
  return i1 !== undefined && i2 !== undefined ? { delta: i2 - i1, i1, i2 } : { delta: 1 };
}

const skipped = (vo: VersionOrder | undefined, i1: number, i2: number): unknown[] =>
  vo ? vo.byIndex.slice(i1 + 1, i2).map(parse) : [];

/** int-poll-skip / int-nonmonotonic-poll: consecutive values of one key within a single poll. */
export function intPollCases(ops: readonly HistoryOp[], orders: Map<string, VersionOrder>): { skip: Case[]; nonmonotonic: Case[] } {
  const skip: Case[] = [];
  const nonmonotonic: Case[] = [];
  for (const op of ops) {
    for (const [k, vs] of opReads(op)) {
      const vo = orders.get(k);
      for (let j = 1; j < vs.length; j++) {
        const d = delta(vo, vs[j - 1], vs[j]);
        if (d.delta > 1) skip.push({ key: k, values: [vs[j - 1], vs[j]], delta: d.delta, skipped: skipped(vo, d.i1 as number, d.i2 as number), op });
        else if (d.delta < 1) nonmonotonic.push({ key: k, values: [vs[j - 1], vs[j]], delta: d.delta, op });
      }
    }
  }
  return { skip, nonmonotonic };
}

function byProcess(ops: readonly HistoryOp[]): Map<unknown, HistoryOp[]> {
  const out = new Map<unknown, HistoryOp[]>();
  for (const op of ops) out.set(op.process, [...(out.get(op.process) ?? []), op]);
  return out;
}

/** An assign completion that took effect narrows the keys tracked since the previous op. */
function narrow(last: Map<string, HistoryOp>, assign: HistoryOp): Map<string, HistoryOp> {
  const keys = new Set((Array.isArray(assign.value) ? assign.value : []).map(String));
  return new Map([...last].filter(([k]) => keys.has(k)));
}

/**
 * poll-skip / nonmonotonic-poll: per process, a poll's first value of a key
 * against the last value the previous ok poll of that key saw. An assign
 * resets what is compared (only keys it kept).
 */
export function pollCases(ops: readonly HistoryOp[], orders: Map<string, VersionOrder>): { skip: Case[]; nonmonotonic: Case[] } {
  const skip: Case[] = [];
  const nonmonotonic: Case[] = [];
  for (const procOps of byProcess(ops).values()) {
    let last = new Map<string, HistoryOp>();
    for (const op of procOps) {
      if (op.f === 'assign' || op.f === 'subscribe') {
        if (op.type !== 'invoke' && op.type !== 'fail') last = narrow(last, op);
        continue;
      }
      if (op.f !== 'poll' && op.f !== 'txn') continue;
      const reads = opReads(op);
      for (const [k, vs] of reads) {
        const prev = last.get(k);
        if (!prev || vs.length === 0) continue;
        const prevVs = opReads(prev).get(k) ?? [];
        const v = prevVs[prevVs.length - 1];
        const vo = orders.get(k);
        const d = delta(vo, v, vs[0]);
        if (d.delta > 1) skip.push({ key: k, delta: d.delta, skipped: skipped(vo, d.i1 as number, d.i2 as number), ops: [prev, op] });
        if (d.delta < 1) nonmonotonic.push({ key: k, values: [v, vs[0]], delta: d.delta, ops: [prev, op] });
      }
      if (op.type === 'ok') for (const k of reads.keys()) last.set(k, op);
    }
  }
  return { skip, nonmonotonic };
}

/** nonmonotonic-send: per process, a send to a key landing at or before that process's previous send to it. */
export function nonmonotonicSendCases(ops: readonly HistoryOp[], orders: Map<string, VersionOrder>): Case[] {
  const out: Case[] = [];
  for (const procOps of byProcess(ops).values()) {
    let last = new Map<string, HistoryOp>();
    for (const op of procOps) {
      if (op.type !== 'ok' && op.type !== 'info') continue;
      if (op.f === 'assign' || op.f === 'subscribe') {
        last = narrow(last, op);
        continue;
      }
      if (op.f !== 'send' && op.f !== 'txn') continue;
      const sends = opWrites(op);
      for (const [k, vs] of sends) {
        const prev = last.get(k);
        if (!prev) continue;
        const prevVs = opWrites(prev).get(k) ?? [];
        const d = delta(orders.get(k), prevVs[prevVs.length - 1], vs[0]);
        if (d.delta < 1) out.push({ key: k, values: [prevVs[prevVs.length - 1], vs[0]], delta: d.delta, ops: [prev, op] });
      }
      for (const k of sends.keys()) last.set(k, op);
    }
  }
  return out;
}

/** duplicate: one value at more than one offset of a key. */
export function duplicateCases(orders: Map<string, VersionOrder>): Case[] {
  const out: Case[] = [];
  for (const [k, vo] of orders) {
    const offsets = new Map<string, number[]>();
    vo.log.forEach((vs, o) => {
      for (const v of vs ?? []) offsets.set(v, [...(offsets.get(v) ?? []), o]);
    });
    for (const [v, os] of offsets) if (os.length > 1) out.push({ key: k, value: parse(v), count: os.length, offsets: os });
  }
  return out;
}

/** unseen: values acknowledged by an ok send that no ok poll ever returned, per key. */
export function unseenCase(ops: readonly HistoryOp[]): Case | null {
  const sent = byType(ops, opWrites).ok;
  const polled = byType(ops, opReads).ok;
  const unseen: Record<string, number> = {};
  const messages: Record<string, unknown[]> = {};
  for (const k of [...sent.keys()].sort()) {
    const missing = [...(sent.get(k) as Set<string>)].filter((v) => !polled.get(k)?.has(v)).map(parse);
    if (missing.length === 0) continue;
    unseen[k] = missing.length;
    messages[k] = missing.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : 0)).slice(0, 32);
  }
  if (Object.keys(unseen).length === 0) return null;
  const lastTime = ops.length > 0 ? ops[ops.length - 1].time : 0;
  return { time: lastTime, unseen, messages };
}

/** Types that do not invalidate a Maelstrom kafka test (allowed-error-types with :sub-via #{:assign}, no ww-deps). */
export const ALLOWED_ERROR_TYPES = new Set(['int-send-skip', 'G0', 'G0-process', 'G0-realtime', 'PL-1-cycle-exists', 'strong-PL-1-cycle-exists']);

/** condense-error: how many cases, and which are shown. */
function condense(type: string, errs: Case[]): { count: number; errs: Case[] } {
  const by = (f: (c: Case) => number) => [...errs].sort((a, b) => f(a) - f(b));
  const d = (c: Case) => c.delta as number;
  switch (type) {
    case 'duplicate':
      return { count: errs.length, errs: by((c) => c.count as number).slice(0, 32) };
    case 'inconsistent-offsets':
      return { count: errs.length, errs: by((c) => (c.values as unknown[]).length).slice(0, 32) };
    case 'int-nonmonotonic-poll':
    case 'nonmonotonic-poll':
    case 'nonmonotonic-send':
      return { count: errs.length, errs: by(d).slice(0, 8) };
    case 'int-poll-skip':
    case 'poll-skip':
      return { count: errs.length, errs: by(d).slice(-8) };
    default:
      return { count: errs.length, errs };
  }
}

export function checkKafka(history: readonly HistoryOp[]): CheckResult {
  const ops = history.filter((op) => typeof op.process === 'number');
  const writesByType = byType(ops, opWrites);
  const okReads = byType(ops, opReads).ok;
  const { orders, errors: inconsistent } = versionOrders(ops, okReads);
  const writers = writerOf(ops);
  const readers = readersOf(ops);
  const intPoll = intPollCases(ops, orders);
  const poll = pollCases(ops, orders);
  const found: Record<string, Case[] | InconsistentOffset[]> = {
    duplicate: duplicateCases(orders),
    'int-poll-skip': intPoll.skip,
    'int-nonmonotonic-poll': intPoll.nonmonotonic,
    'inconsistent-offsets': inconsistent,
    G1a: g1aCases(ops, writesByType.fail, writers),
    'lost-write': lostWriteCases(orders, okReads, writers, readers),
    'nonmonotonic-poll': poll.nonmonotonic,
    'nonmonotonic-send': nonmonotonicSendCases(ops, orders),
    'poll-skip': poll.skip,
  };
  const result: CheckResult = { valid: true };
  const errorTypes: string[] = [];
  for (const [type, errs] of Object.entries(found)) {
    if (errs.length === 0) continue;
    errorTypes.push(type);
    result[type] = condense(type, errs as Case[]);
  }
  const unseen = unseenCase(ops);
  if (unseen) {
    errorTypes.push('unseen');
    result.unseen = unseen;
  }
  errorTypes.sort();
  const bad = errorTypes.filter((t) => !ALLOWED_ERROR_TYPES.has(t));
  const infoCauses = new Map<string, unknown>();
  for (const op of ops) if (op.type === 'info' && ['txn', 'send', 'poll'].includes(op.f)) infoCauses.set(JSON.stringify(op.error ?? null), op.error ?? null);
  result.valid = bad.length === 0;
  result['worst-realtime-lag'] = worstRealtimeLag(history);
  result['bad-error-types'] = bad;
  result['error-types'] = errorTypes;
  result['info-txn-causes'] = [...infoCauses.values()];
  return result;
}
