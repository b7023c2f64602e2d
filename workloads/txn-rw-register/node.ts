/** txn-rw-register's write micro-op: `["w", k, v]` sets register k to v. */
import type { WriteMicroOp } from '../txn/engine';

export const writeMicroOp: WriteMicroOp = {
  name: 'w',
  apply: (_current, arg) => ({ ok: true, next: arg }),
};
