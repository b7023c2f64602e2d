/**
 * Maelstrom's pn-counter checker (also g-counter's). Every ok add certainly
 * happened and every info add may or may not have, so the acceptable final
 * values are definite-sum + any subset-sum of the indeterminate deltas. Only
 * ok reads marked final (after the recovery wait) are judged: earlier reads
 * may lag arbitrarily, which is what "non-linearizable read" allows.
 */
import { CheckResult, HistoryOp } from './history';

/** Closed integer ranges [lo, hi], sorted, disjoint and not adjacent. */
export type Ranges = [number, number][];

/** Merge overlapping or adjacent integer ranges (Guava's TreeRangeSet over open (lo-1, hi+1) does the same). */
export function normalize(ranges: Ranges): Ranges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** Acceptable sums: start at `definite`; each indeterminate delta adds a shifted copy of what is acceptable so far. */
export function acceptableRanges(definite: number, indeterminate: readonly number[]): Ranges {
  let ranges: Ranges = [[definite, definite]];
  for (const d of indeterminate) ranges = normalize([...ranges, ...ranges.map(([lo, hi]): [number, number] => [lo + d, hi + d])]);
  return ranges;
}

export function inRanges(ranges: Ranges, x: number): boolean {
  return ranges.some(([lo, hi]) => lo <= x && x <= hi);
}

export function checkCounter(history: readonly HistoryOp[]): CheckResult {
  let definite = 0;
  const indeterminate: number[] = [];
  const pending = new Map<number, HistoryOp>();
  for (const op of history) {
    if (typeof op.process !== 'number' || op.f !== 'add') continue;
    if (op.type === 'invoke') {
      pending.set(op.process, op);
      continue;
    }
    pending.delete(op.process);
    if (typeof op.value !== 'number') continue;
    if (op.type === 'ok') definite += op.value;
    else if (op.type === 'info') indeterminate.push(op.value);
  }
  // An add the test ended on without a completion is indeterminate, as Jepsen's info completion would make it.
  for (const op of pending.values()) if (typeof op.value === 'number') indeterminate.push(op.value);
  const acceptable = acceptableRanges(definite, indeterminate);
  const reads = history.filter((op) => op.final === true && op.type === 'ok' && op.f === 'read' && typeof op.process === 'number');
  const errors = reads.filter((r) => typeof r.value !== 'number' || !inRanges(acceptable, r.value));
  return {
    valid: errors.length === 0,
    errors: errors.length > 0 ? errors : null,
    'final-reads': reads.map((r) => r.value),
    acceptable,
  };
}
