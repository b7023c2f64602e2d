/**
 * Jepsen's set-full checker, as Maelstrom runs it for g-set (and, with
 * `broadcast` renamed `add`, for broadcast). Written from its definition in
 * jepsen.checker; see src/runner/README.md for where we differ.
 *
 * Every `add` invocation starts tracking its element. For each element we keep
 *   known:        the first completion that proves it exists (its ok add, or
 *                 the first ok read that contains it), in history order;
 *   lastPresent:  the latest-invoked ok read that contains it;
 *   lastAbsent:   the latest-invoked ok read that lacks it.
 * Only elements whose add was invoked before a read completed are updated by
 * that read (Jepsen folds the history in order).
 *
 * stable: some read saw it, and no read invoked after that one missed it.
 * lost:   it is known, a read invoked after it became known missed it, and no
 *         read invoked later saw it again.
 * otherwise never-read.
 */
import { CheckResult, HistoryOp, Validity } from './history';

interface ElementState {
  element: unknown;
  known: HistoryOp | null;
  lastPresent: HistoryOp | null;
  lastAbsent: HistoryOp | null;
}

export interface ElementResult {
  element: unknown;
  outcome: 'stable' | 'lost' | 'never-read';
  'stable-latency': number | null;
  'lost-latency': number | null;
  known: HistoryOp | null;
  'last-absent': HistoryOp | null;
}

const key = (v: unknown): string => JSON.stringify(v ?? null);

/** Jepsen's frequency-distribution: quantile q at sorted[min(n-1, floor(n q))]. */
export function frequencyDistribution(points: readonly number[], xs: readonly number[]): Record<string, number> | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const n = sorted.length;
  const out: Record<string, number> = {};
  for (const p of points) out[String(p)] = sorted[Math.min(n - 1, Math.floor(n * p))];
  return out;
}

/** Nanoseconds to whole milliseconds, truncated (Jepsen: `(long (nanos->ms x))`). */
const nanosToMs = (ns: number): number => Math.trunc(ns / 1e6);

export function elementResult(e: ElementState): ElementResult {
  const { known, lastPresent, lastAbsent } = e;
  const absentIdx = lastAbsent?.index ?? -1;
  const presentIdx = lastPresent?.index ?? -1;
  const stable = lastPresent !== null && absentIdx < lastPresent.index;
  const lost = known !== null && lastAbsent !== null && presentIdx < lastAbsent.index && known.index < lastAbsent.index;
  // Jepsen's approximation: the element became stable just after the last read that missed it.
  const stableTime = stable ? (lastAbsent ? lastAbsent.time + 1 : 0) : null;
  const lostTime = lost ? (lastPresent ? lastPresent.time + 1 : 0) : null;
  const knownTime = known?.time ?? 0;
  return {
    element: e.element,
    outcome: stable ? 'stable' : lost ? 'lost' : 'never-read',
    'stable-latency': stableTime === null ? null : nanosToMs(Math.max(0, stableTime - knownTime)),
    'lost-latency': lostTime === null ? null : nanosToMs(Math.max(0, lostTime - knownTime)),
    known,
    'last-absent': lastAbsent,
  };
}

function compareElements(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = key(a);
  const y = key(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface SetFullOptions {
  /** Rename this f to `add` first (broadcast's checker maps :broadcast to :add). */
  addF?: string;
  /** Jepsen's :linearizable? (Maelstrom never sets it): stale elements invalidate. */
  linearizable?: boolean;
}

export const LATENCY_POINTS = [0, 0.5, 0.95, 0.99, 1] as const;

export function checkSetFull(history: readonly HistoryOp[], opts: SetFullOptions = {}): CheckResult {
  const addF = opts.addF ?? 'add';
  const elements = new Map<string, ElementState>();
  const openInvoke = new Map<number, HistoryOp>();
  for (const op of history) {
    if (typeof op.process !== 'number') continue;
    if (op.type === 'invoke') openInvoke.set(op.process, op);
    const inv = op.type === 'invoke' ? op : openInvoke.get(op.process);
    if (op.type !== 'invoke') openInvoke.delete(op.process);
    if (op.f === addF) {
      if (op.type === 'invoke') elements.set(key(op.value), { element: op.value, known: null, lastPresent: null, lastAbsent: null });
      else if (op.type === 'ok') {
        const e = elements.get(key(op.value));
        if (e && e.known === null) e.known = op;
      }
      continue;
    }
    if (op.f !== 'read' || op.type !== 'ok' || !inv || !Array.isArray(op.value)) continue;
    const seen = new Set(op.value.map(key));
    for (const [k, e] of elements) {
      if (seen.has(k)) {
        if (e.known === null) e.known = op;
        if (e.lastPresent === null || e.lastPresent.index < inv.index) e.lastPresent = inv;
      } else if (e.lastAbsent === null || e.lastAbsent.index < inv.index) e.lastAbsent = inv;
    }
  }
  const rs = [...elements.values()].sort((a, b) => compareElements(a.element, b.element)).map(elementResult);
  const of = (o: ElementResult['outcome']) => rs.filter((r) => r.outcome === o);
  const stable = of('stable');
  const lost = of('lost');
  const neverRead = of('never-read');
  const stale = stable.filter((r) => (r['stable-latency'] ?? 0) > 0);
  const worstStale = [...stale].sort((a, b) => (b['stable-latency'] ?? 0) - (a['stable-latency'] ?? 0)).slice(0, 8);
  let valid: Validity = true;
  if (lost.length > 0) valid = false;
  else if (stable.length === 0) valid = 'unknown';
  else if (opts.linearizable && stale.length > 0) valid = false;
  const elems = (xs: ElementResult[]) => xs.map((r) => r.element).sort(compareElements);
  const result: CheckResult = {
    valid,
    'attempt-count': rs.length,
    'stable-count': stable.length,
    'lost-count': lost.length,
    lost: elems(lost),
    'never-read-count': neverRead.length,
    'never-read': elems(neverRead),
    'stale-count': stale.length,
    stale: elems(stale),
    'worst-stale': worstStale,
  };
  const stableLat = frequencyDistribution(LATENCY_POINTS, rs.flatMap((r) => (r['stable-latency'] === null ? [] : [r['stable-latency']])));
  if (stableLat) result['stable-latencies'] = stableLat;
  const lostLat = frequencyDistribution(LATENCY_POINTS, rs.flatMap((r) => (r['lost-latency'] === null ? [] : [r['lost-latency']])));
  if (lostLat) result['lost-latencies'] = lostLat;
  // Jepsen counts an element as duplicated only when it occurs fewer than once in a read, i.e. never; we report the
  // same (always empty) so results compare key for key. README: "set-full duplicates".
  result['duplicated-count'] = 0;
  result.duplicated = {};
  return result;
}
