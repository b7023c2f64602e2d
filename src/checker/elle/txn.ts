/**
 * What the transactional checkers share: micro-op parsing, session and
 * realtime order edges, cycle explanations and Elle's result map.
 */
import { CheckResult, HistoryOp } from '../history';
import { Operation } from '../ops';
import { show } from '../values';
import { CycleStep, CYCLE_TYPES, findCycles } from './cycles';
import { EDGE_NAMES, EdgeReason, PROCESS, REALTIME, RW, TxnGraph, WR, WW } from './graph';
import { anomaliesProhibitedBy, canonicalModel, impossibleModels, isKnownModel, modelBoundary, UNKNOWN_ANOMALY_TYPES } from './models';

export type Mop = [string, unknown, unknown];

export class TxnFormatError extends Error {}

/** A transaction's micro-ops, validated to be [f, k, v] triples with f in `allowed`. */
export function parseMops(op: Operation, value: unknown, allowed: ReadonlySet<string>): Mop[] {
  if (!Array.isArray(value)) throw new TxnFormatError(`txn at index ${op.invokeIndex} has value ${show(value)}; expected a list of micro-ops`);
  return value.map((m, i) => {
    if (!Array.isArray(m) || m.length !== 3 || typeof m[0] !== 'string') {
      throw new TxnFormatError(`txn at index ${op.invokeIndex}, micro-op ${i}: ${show(m)} is not [f, key, value]`);
    }
    if (!allowed.has(m[0])) {
      throw new TxnFormatError(`txn at index ${op.invokeIndex}, micro-op ${i}: unexpected micro-op type ${JSON.stringify(m[0])}; expected ${[...allowed].join(' or ')}`);
    }
    return [m[0], m[1], m[2]] as Mop;
  });
}

/** The event that represents an op in reports (its completion when there is one). */
export function opSummary(op: Operation): Record<string, unknown> {
  const ev: HistoryOp = op.complete && op.outcome !== 'info' ? op.complete : (op.complete ?? op.invoke);
  const out: Record<string, unknown> = { index: ev.index, time: ev.time, type: op.outcome, process: op.process, f: op.f, value: ev.value };
  if (op.outcome === 'info' && !op.complete) out.pending = true;
  return out;
}

/**
 * Realtime edges: a -> b when a completed ok before b was invoked. Only a
 * transitive reduction is needed for cycles: each invocation links from the
 * "frontier" of completed ops not already ordered before another completed
 * op (Elle's construction).
 */
export function addRealtimeEdges(g: TxnGraph, ops: Operation[]): void {
  const events: { pos: number; vertex: number; invoke: boolean }[] = [];
  ops.forEach((op, v) => {
    events.push({ pos: op.invokeIndex, vertex: v, invoke: true });
    if (op.outcome === 'ok') events.push({ pos: op.completeIndex, vertex: v, invoke: false });
  });
  events.sort((x, y) => x.pos - y.pos);
  const frontier = new Set<number>();
  const before = new Map<number, number[]>();
  for (const ev of events) {
    if (ev.invoke) {
      const preds = [...frontier];
      before.set(ev.vertex, preds);
      for (const p of preds) g.link(p, ev.vertex, REALTIME);
    } else {
      for (const p of before.get(ev.vertex) ?? []) frontier.delete(p);
      frontier.add(ev.vertex);
    }
  }
}

/** Process edges: consecutive ok transactions of one process. */
export function addProcessEdges(g: TxnGraph, ops: Operation[]): void {
  const last = new Map<unknown, number>();
  ops.forEach((op, v) => {
    if (op.outcome !== 'ok') return;
    const p = last.get(op.process);
    if (p !== undefined) g.link(p, v, PROCESS);
    last.set(op.process, v);
  });
}

/** Which order edges the chosen models need (Elle's additional-graphs). */
export function orderEdgesNeeded(reportable: Set<string>): 'realtime' | 'process' | 'none' {
  const types = [...CYCLE_TYPES].filter((t) => reportable.has(t));
  if (types.some((t) => t.endsWith('-realtime'))) return 'realtime';
  if (types.some((t) => t.endsWith('-process'))) return 'process';
  return 'none';
}

export interface Vocabulary {
  /** "appended" / "wrote" */
  wrote: string;
  /** "append" / "write" */
  write: string;
}

function describeEdge(g: TxnGraph, ops: Operation[], step: CycleStep, a: string, b: string, words: Vocabulary): string {
  const r: EdgeReason = g.reason(step.from, step.to, step.kind) ?? {};
  const key = show(r.key);
  switch (step.kind) {
    case WW:
      return `${b} ${words.wrote} ${show(r.value2)} after ${a} ${words.wrote} ${show(r.value)} to key ${key}`;
    case WR:
      return `${b} observed ${a}'s ${words.write} of ${show(r.value)} to key ${key}`;
    case RW:
      return r.initial
        ? `${a} observed the initial (nil) state of key ${key}, which ${b} changed by ${words.write === 'append' ? 'appending' : 'writing'} ${show(r.value2)}`
        : `${a} read key ${key} = ${show(r.value)} and did not observe ${b}'s ${words.write} of ${show(r.value2)}`;
    case PROCESS:
      return `process ${String(ops[step.from].process)} completed ${a} before invoking ${b}`;
    default:
      return `${a} completed (index ${ops[step.from].completeIndex}) before ${b} was invoked (index ${ops[step.to].invokeIndex})`;
  }
}

/** A cycle as Elle reports it: the ops, each step's relation and a readable proof. */
export function explainCycle(g: TxnGraph, ops: Operation[], type: string, steps: CycleStep[], words: Vocabulary): Record<string, unknown> {
  const names = new Map<number, string>();
  for (const s of steps) if (!names.has(s.from)) names.set(s.from, `T${names.size + 1}`);
  const lines = ['Let:'];
  for (const [v, name] of names) lines.push(`  ${name} = ${JSON.stringify(opSummary(ops[v]))}`);
  lines.push('', 'Then:');
  steps.forEach((s, i) => {
    const a = names.get(s.from)!;
    const b = names.get(s.to)!;
    const why = describeEdge(g, ops, s, a, b, words);
    const last = i === steps.length - 1;
    lines.push(`  - ${last ? 'However, ' : ''}${a} < ${b}, because ${why}${last ? `: a contradiction!` : '.'}`);
  });
  return {
    type,
    cycle: steps.map((s) => opSummary(ops[s.from])),
    steps: steps.map((s) => {
      const r = g.reason(s.from, s.to, s.kind) ?? {};
      const out: Record<string, unknown> = { type: EDGE_NAMES[s.kind] };
      if (r.key !== undefined) out.key = r.key;
      if (s.kind === WW || s.kind === RW) {
        out.value = r.initial ? null : r.value;
        out["value'"] = r.value2;
      } else if (s.kind === WR) out.value = r.value;
      return out;
    }),
    explanation: lines.join('\n'),
  };
}

export interface ElleOptions {
  consistencyModels: string[];
  /** Cycle search budget per cycle class per strongly connected component (ms); default 1000, Elle's per-SCC default. */
  cycleSearchBudgetMs?: number;
  now?: () => number;
}

export type Anomalies = Record<string, unknown[]>;

/** Validates model names; returns an error text or null. */
export function unknownModels(models: string[]): string | null {
  const bad = models.filter((m) => !isKnownModel(m));
  if (!bad.length) return null;
  return `unknown consistency model${bad.length > 1 ? 's' : ''} ${bad.map((m) => JSON.stringify(m)).join(', ')}; pass comma-separated names such as strict-serializable, serializable, snapshot-isolation, repeatable-read, read-committed, read-uncommitted`;
}

export function reportableTypes(models: string[]): Set<string> {
  const s = anomaliesProhibitedBy(models);
  for (const t of UNKNOWN_ANOMALY_TYPES) s.add(t);
  return s;
}

/**
 * Runs the cycle search and merges its cases into `anomalies`. A class whose
 * budget ran out gets its own `cycle-search-timeout` case (Elle's fields:
 * the class, the classes searched in full without a find, the SCC size).
 */
export function addCycleAnomalies(g: TxnGraph, ops: Operation[], anomalies: Anomalies, reportable: Set<string>, opts: ElleOptions, words: Vocabulary, now: () => number): void {
  const sccs = findCycles(g, { reportable, budgetMs: opts.cycleSearchBudgetMs ?? 1000, now });
  for (const r of sccs) {
    for (const c of r.cycles) (anomalies[c.type] ??= []).push(explainCycle(g, ops, c.type, c.steps, words));
    for (const type of r.timedOut) {
      (anomalies['cycle-search-timeout'] ??= []).push({
        type: 'cycle-search-timeout',
        'anomaly-spec-type': type,
        'does-not-contain': r.completed.filter((t) => !r.cycles.some((c) => c.type === t)),
        'scc-size': r.sccSize,
      });
    }
    for (const c of r.cycleExists) (anomalies[c.type] ??= []).push(c);
  }
}

/** Elle's result-map: verdict from prohibited anomalies, report of reportable ones, model boundary. */
export function resultMap(models: string[], anomalies: Anomalies): CheckResult {
  const prohibited = anomaliesProhibitedBy(models);
  const reportable = reportableTypes(models);
  const present = Object.keys(anomalies).filter((t) => anomalies[t].length > 0);
  // A cycle-exists marker adds nothing once a specific anomaly rules its model out.
  const specificImpossible = impossibleModels(present.filter((t) => !t.endsWith('-cycle-exists')));
  const shown = present.filter((t) => reportable.has(t) && !(t.endsWith('-cycle-exists') && specificImpossible.has(canonicalModel(t.replace(/-cycle-exists$/, '')))));
  if (!shown.length) return { valid: true };
  const bad = shown.some((t) => prohibited.has(t));
  const report: Anomalies = {};
  for (const t of shown.sort()) report[t] = anomalies[t];
  return {
    valid: bad ? false : 'unknown',
    'anomaly-types': shown.sort(),
    anomalies: report,
    ...modelBoundary(present),
  };
}
