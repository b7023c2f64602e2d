/**
 * Liveness after the storm: once every fault has been healed and the cluster
 * had its recovery time, every client operation invoked from then on must be
 * served. "Served" means ok, or a definite answer that is about the data, not
 * about availability (a cas whose precondition failed, a read of a missing
 * key). Timeouts, 11 temporarily-unavailable and indeterminate replies in
 * that window mean the cluster did not recover.
 */
import type { HistoryOp } from '../checker/history';

const SERVED_ERRORS = new Set(['precondition-failed', 'key-does-not-exist']);

export interface LivenessResult {
  ok: boolean;
  /** Client ops invoked in the final window. */
  invoked: number;
  okCount: number;
  /** First few ops that were not served, as "f value -> type error". */
  unserved: string[];
  unservedCount: number;
}

/** `windowStartNs` is history time (ns since the client phase began). */
export function checkLiveness(history: readonly HistoryOp[], windowStartNs: number): LivenessResult {
  const open = new Map<number, HistoryOp>();
  const result: LivenessResult = { ok: true, invoked: 0, okCount: 0, unserved: [], unservedCount: 0 };
  for (const op of history) {
    if (op.process === 'nemesis') continue;
    if (op.type === 'invoke') {
      if (op.time >= windowStartNs) {
        open.set(op.process, op);
        result.invoked++;
      }
      continue;
    }
    const invoke = open.get(op.process);
    if (!invoke) continue;
    open.delete(op.process);
    if (op.type === 'ok') {
      result.okCount++;
      continue;
    }
    const name = Array.isArray(op.error) ? op.error[0] : op.error;
    if (op.type === 'fail' && typeof name === 'string' && SERVED_ERRORS.has(name)) continue;
    result.unservedCount++;
    if (result.unserved.length < 5) {
      result.unserved.push(`${op.f} ${JSON.stringify(invoke.value)} -> ${op.type} ${JSON.stringify(op.error ?? null)} (process ${op.process}, node ${String(invoke.node)})`);
    }
  }
  for (const invoke of open.values()) {
    result.unservedCount++;
    if (result.unserved.length < 5) result.unserved.push(`${invoke.f} ${JSON.stringify(invoke.value)} never completed (process ${invoke.process})`);
  }
  result.ok = result.unservedCount === 0 && result.okCount > 0;
  return result;
}
