/**
 * Pairs a flat event history (invoke, then ok/fail/info per process) into
 * operations with an interval. Every checker works on these.
 */
import { HistoryOp, Process } from './history';

export type Outcome = 'ok' | 'fail' | 'info';

export interface Operation {
  /** Dense 0-based id in invocation order. */
  id: number;
  process: Process;
  f: string;
  outcome: Outcome;
  /** The invocation event. */
  invoke: HistoryOp;
  /** The completion event; absent when the history ended first (treated as info). */
  complete?: HistoryOp;
  /** History index of the invocation. */
  invokeIndex: number;
  /** History index of the completion; Infinity for info and unfinished ops. */
  completeIndex: number;
  /** Completion value for ok ops (it carries read results), else the invocation value. */
  value: unknown;
}

export class HistoryError extends Error {}

function isClientProcess(p: unknown): p is number {
  return typeof p === 'number' && Number.isInteger(p);
}

/**
 * Client operations of a history in invocation order. Nemesis and other
 * non-integer processes are skipped. Throws HistoryError on a structurally
 * broken history (completion without invocation, double invocation).
 */
export function pairOperations(history: readonly HistoryOp[]): Operation[] {
  const ops: Operation[] = [];
  const pending = new Map<number, Operation>();
  for (let pos = 0; pos < history.length; pos++) {
    const ev = history[pos];
    if (ev === null || typeof ev !== 'object') throw new HistoryError(`history entry ${pos} is not an object`);
    if (!isClientProcess(ev.process)) continue;
    const index = typeof ev.index === 'number' ? ev.index : pos;
    if (ev.type === 'invoke') {
      if (pending.has(ev.process)) {
        throw new HistoryError(
          `process ${ev.process} invoked op at index ${index} while its op at index ${pending.get(ev.process)!.invokeIndex} was still pending`,
        );
      }
      const op: Operation = {
        id: ops.length, process: ev.process, f: String(ev.f), outcome: 'info', invoke: ev,
        invokeIndex: index, completeIndex: Infinity, value: ev.value,
      };
      ops.push(op);
      pending.set(ev.process, op);
    } else if (ev.type === 'ok' || ev.type === 'fail' || ev.type === 'info') {
      const op = pending.get(ev.process);
      if (!op) throw new HistoryError(`${ev.type} at index ${index} for process ${ev.process} has no pending invocation`);
      pending.delete(ev.process);
      op.complete = ev;
      op.outcome = ev.type;
      if (ev.type === 'ok') {
        op.completeIndex = index;
        op.value = ev.value;
      } else if (ev.type === 'fail') {
        op.completeIndex = index;
      }
    } else {
      throw new HistoryError(`history entry ${pos} has unknown type ${JSON.stringify(ev.type)}`);
    }
  }
  return ops;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
