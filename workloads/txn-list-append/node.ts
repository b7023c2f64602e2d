/**
 * txn-list-append's write micro-op: `["append", k, v]` appends v to the list
 * at k, creating it. Lists are never mutated in place, so a list handed out in
 * an earlier reply can never change after the fact.
 */
import type { WriteMicroOp } from '../txn/engine';

export const appendMicroOp: WriteMicroOp = {
  name: 'append',
  apply(current, arg) {
    if (current === undefined || current === null) return { ok: true, next: [arg] };
    if (!Array.isArray(current)) return { ok: false, reason: 'cannot append to a value that is not a list' };
    return { ok: true, next: [...current, arg] };
  },
};
