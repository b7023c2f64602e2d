/**
 * Elle's rw-register analysis as Maelstrom configures it (docs/maelstrom.md
 * §5.3): registers are overwritten, so the version order is only
 * partly inferable: nil precedes every value, and, assuming writes follow
 * reads inside a transaction (`wfr-keys?`), a committed txn that externally
 * read k = v and externally wrote k = v' puts v before v'. From those version
 * edges we derive ww and rw dependencies; wr dependencies are direct.
 * Maelstrom's wrapper then drops `cycle-search-timeout` and calls the history
 * valid iff no anomaly type remains.
 */
import { CheckResult, HistoryOp } from './history';
import { defaultClock } from './clock';
import { errorMessage, Operation, pairOperations } from './ops';
import { show, valueKey } from './values';
import { RW, TxnGraph, WR, WW } from './elle/graph';
import {
  addCycleAnomalies, addProcessEdges, addRealtimeEdges, Anomalies, ElleOptions, Mop, opSummary,
  orderEdgesNeeded, parseMops, reportableTypes, resultMap, unknownModels,
} from './elle/txn';

const RW_MOPS = new Set(['r', 'w']);
const NIL = 'null';

export function checkRwRegister(history: HistoryOp[], opts: ElleOptions): CheckResult {
  const models = opts.consistencyModels.length ? opts.consistencyModels : ['strict-serializable'];
  const modelError = unknownModels(models);
  if (modelError) return { valid: 'unknown', error: modelError };
  let result: CheckResult;
  try {
    result = analyze(history, models, opts);
  } catch (e) {
    return { valid: 'unknown', error: errorMessage(e) };
  }
  return maelstromWrapper(result);
}

/** Maelstrom's txn-rw-register wrapper: no timeout marker, valid iff nothing left. */
function maelstromWrapper(r: CheckResult): CheckResult {
  if (!Array.isArray(r['anomaly-types'])) return r;
  const types = (r['anomaly-types'] as string[]).filter((t) => t !== 'cycle-search-timeout');
  const anomalies = { ...(r.anomalies as Anomalies) };
  delete anomalies['cycle-search-timeout'];
  return { ...r, valid: types.length === 0, 'anomaly-types': types, anomalies };
}

/** First read of each key before the txn writes it; last write of each key. */
function externals(mops: Mop[]): { reads: Map<string, unknown>; writes: Map<string, unknown> } {
  const reads = new Map<string, unknown>();
  const writes = new Map<string, unknown>();
  for (const [f, k, v] of mops) {
    const kk = valueKey(k);
    if (f === 'r') {
      if (!reads.has(kk) && !writes.has(kk)) reads.set(kk, v ?? null);
    } else writes.set(kk, v);
  }
  return { reads, writes };
}

function analyze(history: HistoryOp[], models: string[], opts: ElleOptions): CheckResult {
  const all = pairOperations(history).filter((op) => op.f === 'txn');
  const txns = all.filter((op) => op.outcome !== 'fail');
  const mopsOf = new Map<Operation, Mop[]>();
  for (const op of all) mopsOf.set(op, parseMops(op, op.outcome === 'ok' ? op.value : op.invoke.value, RW_MOPS));

  // Elle asserts keys share one type; a node echoing keys as strings gets an unknown verdict.
  const keyTypes = new Set<string>();
  for (const mops of mopsOf.values()) for (const [, k] of mops) keyTypes.add(Array.isArray(k) ? 'array' : k === null ? 'nil' : typeof k);
  if (keyTypes.size > 1) throw new Error(`history mixes key types (${[...keyTypes].sort().join(', ')}); every transaction key must have the same type`);

  const anomalies: Anomalies = {};
  const add = (type: string, c: unknown): void => { (anomalies[type] ??= []).push(c); };
  const keyOf = new Map<string, unknown>();

  // Failed and intermediate writes, for G1a and G1b.
  const failedWrites = new Map<string, Operation>();
  const intermediateWrites = new Map<string, Operation>();
  for (const op of all) {
    const last = new Map<string, unknown>();
    for (const [f, k, v] of mopsOf.get(op)!) {
      keyOf.set(valueKey(k), k);
      if (f !== 'w') continue;
      const kk = valueKey(k);
      if (op.outcome === 'fail') failedWrites.set(kk + '\u0001' + valueKey(v), op);
      if (last.has(kk)) intermediateWrites.set(kk + '\u0001' + valueKey(last.get(kk)), op);
      last.set(kk, v);
    }
  }

  const ext = new Map<Operation, ReturnType<typeof externals>>();
  for (const op of txns) ext.set(op, externals(mopsOf.get(op)!));

  for (const op of txns) {
    if (op.outcome !== 'ok') continue;
    const state = new Map<string, unknown>();
    let internalFound = false;
    for (const mop of mopsOf.get(op)!) {
      const [f, k, v] = mop;
      const kk = valueKey(k);
      if (f === 'w') { state.set(kk, v); continue; }
      const s = state.get(kk);
      if (!internalFound && s !== undefined && s !== null && valueKey(s) !== valueKey(v)) {
        add('internal', { op: opSummary(op), mop, expected: s });
        internalFound = true;
      }
      state.set(kk, v);
      if (v === null || v === undefined) continue;
      const id = kk + '\u0001' + valueKey(v);
      const failedWriter = failedWrites.get(id);
      if (failedWriter) add('G1a', { op: opSummary(op), mop, writer: opSummary(failedWriter) });
      const im = intermediateWrites.get(id);
      if (im && im !== op) add('G1b', { op: opSummary(op), mop, writer: opSummary(im) });
    }
  }
  lostUpdates(txns, ext, keyOf, add);

  // Version graphs: nil -> every value seen; writes-follow-reads edges, unless they make a cycle.
  const initialEdges = new Map<string, Set<string>>();
  const wfrEdges = new Map<string, Set<string>>();
  const valueOf = new Map<string, unknown>();
  const edge = (m: Map<string, Set<string>>, k: string, a: string, b: string): void => {
    (m.get(k) ?? m.set(k, new Set()).get(k)!).add(a + '\u0002' + b);
  };
  for (const op of txns) {
    const { reads, writes } = ext.get(op)!;
    const vals: [string, unknown][] = [...writes];
    if (op.outcome === 'ok') vals.push(...reads);
    for (const [kk, v] of vals) {
      if (v === null || v === undefined) continue;
      valueOf.set(valueKey(v), v);
      edge(initialEdges, kk, NIL, valueKey(v));
    }
    if (op.outcome !== 'ok') continue;
    for (const [kk, v] of reads) {
      if (v === null || v === undefined || !writes.has(kk)) continue;
      const w = writes.get(kk);
      if (valueKey(w) === valueKey(v)) continue;
      edge(wfrEdges, kk, valueKey(v), valueKey(w));
    }
  }
  const combined = new Map<string, Set<string>>();
  for (const [k, es] of initialEdges) combined.set(k, new Set(es));
  for (const [k, es] of wfrEdges) for (const e of es) (combined.get(k) ?? combined.set(k, new Set()).get(k)!).add(e);
  const cyclic: { key: unknown; scc: unknown[] }[] = [];
  for (const [kk, es] of combined) {
    for (const scc of cyclesIn(es)) cyclic.push({ key: keyOf.get(kk), scc: scc.map((v) => (v === NIL ? null : valueOf.get(v))) });
  }
  if (cyclic.length) for (const c of cyclic) add('cyclic-versions', { ...c, sources: ['initial-state', 'wfr-keys'] });
  const versionEdges = cyclic.length ? initialEdges : combined;

  // Transaction graph over ok and info txns.
  const g = new TxnGraph(txns.length);
  const vertexOf = new Map<Operation, number>();
  txns.forEach((op, v) => vertexOf.set(op, v));
  // Indexes of external writers and readers per (key, value); ww/rw use committed txns only, as Elle's do.
  const extWriters = new Map<string, number[]>();
  const extWritersAny = new Map<string, number[]>();
  const extReaders = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, id: string, v: number): void => { (m.get(id) ?? m.set(id, []).get(id)!).push(v); };
  for (const op of txns) {
    const v = vertexOf.get(op)!;
    const { reads, writes } = ext.get(op)!;
    for (const [kk, val] of writes) {
      push(extWritersAny, kk + '\u0001' + valueKey(val), v);
      if (op.outcome === 'ok') push(extWriters, kk + '\u0001' + valueKey(val), v);
    }
    if (op.outcome === 'ok') for (const [kk, val] of reads) push(extReaders, kk + '\u0001' + valueKey(val), v);
  }
  for (const op of txns) {
    if (op.outcome !== 'ok') continue;
    const reader = vertexOf.get(op)!;
    for (const [kk, val] of ext.get(op)!.reads) {
      if (val === null || val === undefined) continue;
      for (const w of extWritersAny.get(kk + '\u0001' + valueKey(val)) ?? []) g.link(w, reader, WR, { key: keyOf.get(kk), value: val });
    }
  }
  for (const [kk, es] of versionEdges) {
    const key = keyOf.get(kk);
    for (const e of es) {
      const [a, b] = e.split('\u0002');
      const v1 = a === NIL ? null : valueOf.get(a);
      const v2 = valueOf.get(b);
      const writers2 = extWriters.get(kk + '\u0001' + b) ?? [];
      if (!writers2.length) continue;
      for (const w1 of extWriters.get(kk + '\u0001' + a) ?? []) for (const w2 of writers2) g.link(w1, w2, WW, { key, value: v1, value2: v2 });
      for (const r of extReaders.get(kk + '\u0001' + a) ?? []) for (const w2 of writers2) {
        g.link(r, w2, RW, a === NIL ? { key, value2: v2, initial: true } : { key, value: v1, value2: v2 });
      }
    }
  }

  const reportable = reportableTypes(models);
  const orderEdges = orderEdgesNeeded(reportable);
  if (orderEdges === 'realtime') addRealtimeEdges(g, txns);
  else if (orderEdges === 'process') addProcessEdges(g, txns);
  if (g.edgeCount === 0) add('empty-transaction-graph', true);
  addCycleAnomalies(g, txns, anomalies, reportable, opts, { wrote: 'wrote', write: 'write' }, opts.now ?? defaultClock);
  return resultMap(models, anomalies);
}

/** Nontrivial SCCs of a small version graph given as "a\u0002b" edge strings. */
function cyclesIn(edges: Set<string>): string[][] {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    const [a, b] = e.split('\u0002');
    (out.get(a) ?? out.set(a, []).get(a)!).push(b);
    if (!out.has(b)) out.set(b, []);
  }
  const ids = [...out.keys()];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const result: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter); low.set(v, counter); counter++;
    stack.push(v); on.add(v);
    for (const w of out.get(v)!) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1) result.push(comp);
    }
  };
  // Version graphs are small (values per key are bounded), so recursion depth is fine.
  for (const v of ids) if (!index.has(v)) visit(v);
  return result;
}

function lostUpdates(txns: Operation[], ext: Map<Operation, { reads: Map<string, unknown>; writes: Map<string, unknown> }>, keyOf: Map<string, unknown>, add: (t: string, c: unknown) => void): void {
  const groups = new Map<string, { key: unknown; value: unknown; txns: Operation[] }>();
  for (const op of txns) {
    if (op.outcome !== 'ok') continue;
    const { reads, writes } = ext.get(op)!;
    for (const [kk, v] of reads) {
      if (!writes.has(kk)) continue;
      const id = kk + '\u0001' + valueKey(v);
      (groups.get(id) ?? groups.set(id, { key: keyOf.get(kk), value: v, txns: [] }).get(id)!).txns.push(op);
    }
  }
  for (const g of groups.values()) if (g.txns.length > 1) add('lost-update', { key: g.key, value: g.value, txns: g.txns.map(opSummary) });
}

