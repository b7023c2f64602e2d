/**
 * lin-kv keys that vanished: a read answered "key does not exist" (error 20)
 * after a write or cas to that key had been acknowledged.
 *
 * Maelstrom records such a read as a definite `fail`, and the linearizability
 * checker ignores failed operations, so a node that loses a key outright (a
 * new leader without the entries, a restarted node with nothing) passes the
 * standard lin-kv check. But lin-kv has no delete: once a write to k
 * completed ok, every read invoked later must find k. A "does not exist"
 * invoked after that completion has no linearization. This is our extension
 * (docs/maelstrom.md §10); the runner applies it with --final-reads, whose
 * reads of every key are what usually expose it.
 */
import { CheckResult, HistoryOp } from './history';

/** A completion's error is Maelstrom's key-does-not-exist (code 20), as the runner records it. */
export const isMissingKey = (error: unknown): boolean => Array.isArray(error) && error[0] === 'key-does-not-exist';

interface Pending {
  invoke: HistoryOp;
}

export function checkMissingKeys(history: readonly HistoryOp[]): CheckResult {
  // Earliest completion time of an acknowledged write/cas, per key (canonical JSON).
  const firstAck = new Map<string, HistoryOp>();
  const open = new Map<unknown, Pending>();
  const lost: Record<string, unknown>[] = [];
  const keyOf = (op: HistoryOp): string => JSON.stringify((op.value as unknown[])[0]);
  for (const op of history) {
    if (op.f !== 'read' && op.f !== 'write' && op.f !== 'cas') continue;
    if (op.type === 'invoke') {
      open.set(op.process, { invoke: op });
      continue;
    }
    const pending = open.get(op.process);
    open.delete(op.process);
    if (!pending || !Array.isArray(pending.invoke.value)) continue;
    const key = keyOf(pending.invoke);
    if (op.type === 'ok' && (op.f === 'write' || op.f === 'cas')) {
      if (!firstAck.has(key)) firstAck.set(key, op);
    } else if (op.type === 'fail' && op.f === 'read' && isMissingKey(op.error)) {
      const ack = firstAck.get(key);
      // Strictly after: a read concurrent with the first acknowledged write may be ordered before it.
      if (ack && ack.time < pending.invoke.time) {
        lost.push({
          key: JSON.parse(key) as unknown,
          read: { index: op.index, process: op.process, node: op.node, invoked: pending.invoke.time, final: op.final === true },
          'acknowledged-write': { index: ack.index, process: ack.process, f: ack.f, value: ack.value, completed: ack.time },
        });
      }
    }
  }
  if (lost.length === 0) return { valid: true, 'lost-keys': 0 };
  const first = lost[0] as { key: unknown; read: { index: number }; 'acknowledged-write': { index: number } };
  return {
    valid: false,
    'lost-keys': new Set(lost.map((l) => JSON.stringify(l.key))).size,
    reads: lost.slice(0, 20),
    explanation:
      `key ${JSON.stringify(first.key)}: read op #${first.read.index} was told the key does not exist, ` +
      `but op #${first['acknowledged-write'].index} had written it and was acknowledged before the read began; lin-kv has no delete`,
  };
}
