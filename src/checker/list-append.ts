/**
 * Elle's list-append analysis (Kingsbury & Alvaro, "Elle", §3-4;
 * docs/maelstrom.md §5.2). Appends are unique per key, so every
 * read of a list reveals a prefix of the key's version order; from the
 * longest read we recover the order of appends, from which ww, wr and rw
 * dependencies follow directly. Non-cycle anomalies are found by scanning.
 */
import { CheckResult, HistoryOp } from './history';
import { defaultClock } from './clock';
import { errorMessage, Operation, pairOperations } from './ops';
import { valueKey } from './values';
import { RW, TxnGraph, WR, WW } from './elle/graph';
import {
  addCycleAnomalies, addProcessEdges, addRealtimeEdges, Anomalies, ElleOptions, Mop, opSummary,
  orderEdgesNeeded, parseMops, reportableTypes, resultMap, unknownModels,
} from './elle/txn';

const LIST_MOPS = new Set(['r', 'append']);
/** Version-order position of "no element yet". */
const INIT = '\u0000init';

interface Writer {
  op: Operation;
  /** Graph vertex, or -1 for failed txns (not in the graph). */
  vertex: number;
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function isPrefix(a: unknown[], b: unknown[]): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (valueKey(a[i]) !== valueKey(b[i])) return false;
  return true;
}

export function checkListAppend(history: HistoryOp[], opts: ElleOptions): CheckResult {
  const models = opts.consistencyModels.length ? opts.consistencyModels : ['strict-serializable'];
  const modelError = unknownModels(models);
  if (modelError) return { valid: 'unknown', error: modelError };
  try {
    return analyze(history, models, opts);
  } catch (e) {
    return { valid: 'unknown', error: errorMessage(e) };
  }
}

function analyze(history: HistoryOp[], models: string[], opts: ElleOptions): CheckResult {
  const all = pairOperations(history).filter((op) => op.f === 'txn');
  // Graph vertices: transactions that may have happened (ok and info).
  const txns = all.filter((op) => op.outcome !== 'fail');
  const mopsOf = new Map<Operation, Mop[]>();
  for (const op of all) mopsOf.set(op, parseMops(op, op.outcome === 'ok' ? op.value : op.invoke.value, LIST_MOPS));

  // Appends must be unique per key (in invocations) or nothing can be inferred.
  const writers = new Map<string, Map<string, Writer>>();
  const keyOf = new Map<string, unknown>();
  const writerVertex = new Map<Operation, number>();
  txns.forEach((op, v) => writerVertex.set(op, v));
  for (const op of all) {
    for (const [f, k, v] of parseMops(op, op.invoke.value, LIST_MOPS)) {
      if (f !== 'append') continue;
      const kk = valueKey(k);
      keyOf.set(kk, k);
      let m = writers.get(kk);
      if (!m) writers.set(kk, (m = new Map()));
      const vk = valueKey(v);
      const prev = m.get(vk);
      if (prev && prev.op !== op) {
        throw new Error(`value ${vk} appended to key ${kk} twice (indexes ${prev.op.invokeIndex} and ${op.invokeIndex}); list-append needs unique appends per key`);
      }
      m.set(vk, { op, vertex: writerVertex.get(op) ?? -1 });
    }
  }
  const writerOf = (k: unknown, e: unknown): Writer | undefined => writers.get(valueKey(k))?.get(valueKey(e));

  const anomalies: Anomalies = {};
  const add = (type: string, c: unknown): void => { (anomalies[type] ??= []).push(c); };

  // Per-txn scans: internal consistency, future reads, duplicates, G1a, G1b.
  const intermediate = new Map<string, Map<string, Operation>>();
  for (const op of all) {
    const lastAppend = new Map<string, unknown>();
    for (const [f, k, v] of mopsOf.get(op)!) {
      if (f !== 'append') continue;
      const kk = valueKey(k);
      if (lastAppend.has(kk)) {
        let m = intermediate.get(kk);
        if (!m) intermediate.set(kk, (m = new Map()));
        m.set(valueKey(lastAppend.get(kk)), op);
      }
      lastAppend.set(kk, v);
    }
  }
  for (const op of txns) {
    if (op.outcome !== 'ok') continue;
    const mops = mopsOf.get(op)!;
    checkInternal(op, mops, add);
    mops.forEach((mop, i) => {
      const [f, k, v] = mop;
      if (f !== 'r') return;
      const list = asList(v);
      const counts = new Map<string, number>();
      for (const e of list) counts.set(valueKey(e), (counts.get(valueKey(e)) ?? 0) + 1);
      const dups: Record<string, number> = {};
      for (const [e, c] of counts) if (c > 1) dups[e] = c;
      if (Object.keys(dups).length) add('duplicate-elements', { op: opSummary(op), mop, duplicates: dups });
      const later = new Set(mops.slice(i + 1).filter((m) => m[0] === 'append' && valueKey(m[1]) === valueKey(k)).map((m) => valueKey(m[2])));
      const future = list.filter((e) => later.has(valueKey(e)));
      if (future.length) add('future-read', { op: opSummary(op), mop, elements: future });
      for (const e of list) {
        const w = writerOf(k, e);
        if (w && w.op.outcome === 'fail') add('G1a', { op: opSummary(op), mop, writer: opSummary(w.op), element: e });
      }
      if (list.length) {
        const lastE = list[list.length - 1];
        const im = intermediate.get(valueKey(k))?.get(valueKey(lastE));
        if (im && im !== op) add('G1b', { op: opSummary(op), mop, writer: opSummary(im), element: lastE });
      }
    });
  }
  lostUpdates(txns, mopsOf, add);

  // Version order per key from the reads of txns that may have happened.
  const readsByKey = new Map<string, { key: unknown; lists: Map<string, unknown[]> }>();
  for (const op of txns) {
    for (const [f, k, v] of mopsOf.get(op)!) {
      if (f !== 'r' || !Array.isArray(v) || v.length === 0) continue;
      const kk = valueKey(k);
      let r = readsByKey.get(kk);
      if (!r) readsByKey.set(kk, (r = { key: k, lists: new Map() }));
      r.lists.set(valueKey(v), v);
    }
  }
  const order = new Map<string, unknown[]>();
  for (const [kk, { key, lists }] of readsByKey) {
    const sorted = [...lists.values()].sort((a, b) => a.length - b.length);
    for (let i = 1; i < sorted.length; i++) {
      if (!isPrefix(sorted[i - 1], sorted[i])) {
        add('incompatible-order', { key, values: [sorted[i - 1], sorted[i]] });
        break;
      }
    }
    const longest = sorted[sorted.length - 1];
    const seen = new Set<string>();
    order.set(kk, longest.filter((e) => !seen.has(valueKey(e)) && (seen.add(valueKey(e)), true)));
  }
  // A key appended exactly once and never read non-empty: its order is just [v].
  const appendsByKey = new Map<string, unknown[]>();
  for (const op of txns) for (const [f, k, v] of mopsOf.get(op)!) {
    if (f !== 'append') continue;
    const kk = valueKey(k);
    (appendsByKey.get(kk) ?? appendsByKey.set(kk, []).get(kk)!).push(v);
  }
  for (const [kk, vs] of appendsByKey) if (!order.has(kk) && vs.length === 1) order.set(kk, vs);

  dirtyUpdates(order, writers, keyOf, add);

  // Dependency graph.
  const g = new TxnGraph(txns.length);
  const position = new Map<string, Map<string, number>>();
  for (const [kk, vs] of order) position.set(kk, new Map(vs.map((e, i) => [valueKey(e), i])));
  const readers = new Map<string, Map<string, number[]>>();
  txns.forEach((op, vertex) => {
    for (const [f, k, v] of mopsOf.get(op)!) {
      // A nil read in an info txn is the invocation's placeholder, not an observation.
      if (f !== 'r' || (op.outcome === 'info' && (v === null || v === undefined))) continue;
      const list = asList(v);
      const kk = valueKey(k);
      const at = list.length ? valueKey(list[list.length - 1]) : INIT;
      let m = readers.get(kk);
      if (!m) readers.set(kk, (m = new Map()));
      (m.get(at) ?? m.set(at, []).get(at)!).push(vertex);
      if (list.length) {
        const w = writerOf(k, list[list.length - 1]);
        if (w && w.vertex >= 0) g.link(w.vertex, vertex, WR, { key: k, value: list[list.length - 1] });
      }
    }
  });
  txns.forEach((op, vertex) => {
    for (const [f, k, v] of mopsOf.get(op)!) {
      if (f !== 'append') continue;
      const kk = valueKey(k);
      const vs = order.get(kk) ?? [];
      const pos = position.get(kk)?.get(valueKey(v));
      // An unobserved append came after every observed one.
      const prevIdx = pos === undefined ? vs.length - 1 : pos - 1;
      const prev = prevIdx >= 0 ? vs[prevIdx] : undefined;
      const prevKey = prevIdx >= 0 ? valueKey(prev) : INIT;
      if (prevIdx >= 0) {
        const w = writerOf(k, prev);
        if (w && w.vertex >= 0) g.link(w.vertex, vertex, WW, { key: k, value: prev, value2: v });
      }
      for (const r of readers.get(kk)?.get(prevKey) ?? []) {
        g.link(r, vertex, RW, prevIdx >= 0 ? { key: k, value: prev, value2: v } : { key: k, value2: v, initial: true });
      }
    }
  });

  const reportable = reportableTypes(models);
  const orderEdges = orderEdgesNeeded(reportable);
  if (orderEdges === 'realtime') addRealtimeEdges(g, txns);
  else if (orderEdges === 'process') addProcessEdges(g, txns);
  if (g.edgeCount === 0) add('empty-transaction-graph', true);
  addCycleAnomalies(g, txns, anomalies, reportable, opts, { wrote: 'appended', write: 'append' }, opts.now ?? defaultClock);
  return resultMap(models, anomalies);
}

/**
 * Within one ok txn, each read must agree with the txn's own earlier read and
 * appends of that key; with appends but no earlier read, it must end with them.
 */
function checkInternal(op: Operation, mops: Mop[], add: (t: string, c: unknown) => void): void {
  const state = new Map<string, { known: boolean; value: unknown; suffix: unknown[] }>();
  for (const mop of mops) {
    const [f, k, v] = mop;
    const kk = valueKey(k);
    const s = state.get(kk);
    if (f === 'append') {
      if (!s) state.set(kk, { known: false, value: null, suffix: [v] });
      else if (s.known) s.value = [...asList(s.value), v];
      else s.suffix.push(v);
      continue;
    }
    if (s) {
      if (s.known) {
        if (valueKey(v) !== valueKey(s.value)) add('internal', { op: opSummary(op), mop, expected: s.value });
      } else {
        const list = asList(v);
        const tail = list.slice(Math.max(0, list.length - s.suffix.length));
        if (v === null || v === undefined || list.length < s.suffix.length || valueKey(tail) !== valueKey(s.suffix)) {
          add('internal', { op: opSummary(op), mop, expected: ['...', ...s.suffix] });
        }
      }
    }
    state.set(kk, { known: true, value: v, suffix: [] });
  }
}

/** Two committed txns read the same state of k and both appended to k. */
function lostUpdates(txns: Operation[], mopsOf: Map<Operation, Mop[]>, add: (t: string, c: unknown) => void): void {
  const groups = new Map<string, { key: unknown; value: unknown; txns: Operation[] }>();
  for (const op of txns) {
    if (op.outcome !== 'ok') continue;
    const firstRead = new Map<string, unknown>();
    const wrote = new Set<string>();
    for (const [f, k, v] of mopsOf.get(op)!) {
      const kk = valueKey(k);
      if (f === 'r') {
        if (!firstRead.has(kk) && !wrote.has(kk)) firstRead.set(kk, v);
      } else if (!wrote.has(kk)) {
        wrote.add(kk);
        if (!firstRead.has(kk)) continue;
        const id = kk + '\u0001' + valueKey(firstRead.get(kk));
        const g = groups.get(id) ?? groups.set(id, { key: k, value: firstRead.get(kk), txns: [] }).get(id)!;
        g.txns.push(op);
      }
    }
  }
  for (const g of groups.values()) {
    if (g.txns.length > 1) add('lost-update', { key: g.key, value: g.value, txns: g.txns.map(opSummary) });
  }
}

/** In a key's version order, an element appended by a failed txn followed by one from a committed txn. */
function dirtyUpdates(
  order: Map<string, unknown[]>, writers: Map<string, Map<string, Writer>>,
  keyOf: Map<string, unknown>, add: (t: string, c: unknown) => void,
): void {
  for (const [kk, vs] of order) {
    const key = keyOf.get(kk) ?? kk;
    let prevOutcome: 'ok' | 'info' | 'fail' = 'ok';
    let prevOp: Operation | null = null;
    let span: unknown[] = [];
    for (const e of vs) {
      const w = writers.get(kk)?.get(valueKey(e));
      if (!w) continue;
      const o = w.op.outcome;
      if (o === 'ok' || (o === 'fail' && prevOutcome !== 'fail')) {
        if (o === 'ok' && prevOutcome === 'fail' && prevOp) {
          add('dirty-update', { key, values: [...span, e], txns: [opSummary(prevOp), '...', opSummary(w.op)] });
        }
        prevOutcome = o;
        prevOp = w.op;
        span = [e];
      } else {
        // info writers, or a failed one after a failed one: the aborted range continues.
        span.push(e);
      }
    }
  }
}
