import { errorInfo } from '../protocol/errors';
import { OpType } from '../checker/history';
import { closedSchemaViolation } from './reply';
import { RpcResult } from './client';
import { BenchWorkload, OpSpec } from './workload';

export interface Completion {
  type: Exclude<OpType, 'invoke'>;
  value: unknown;
  error?: unknown;
  exception?: { class: string; message: string };
}

/**
 * Maelstrom's `with-errors` outcome mapping (spec §4.5): error replies are
 * mapped before any schema check; definite codes and idempotent fs fail,
 * everything else is indeterminate (`info`). A malformed `*_ok` reply is an
 * exception in the client, hence `info` with `:exception`.
 */
export function mapOutcome(workload: BenchWorkload, op: OpSpec, result: RpcResult): Completion {
  const idempotent = workload.idempotent.has(op.f);
  if (workload.rawErrors && result.kind === 'timeout') {
    return { type: 'info', value: op.value, error: 'net-timeout', exception: { class: 'clojure.lang.ExceptionInfo', message: 'RPC timed out' } };
  }
  if (workload.rawErrors && result.kind === 'reply' && result.body.type === 'error') {
    // No with-errors in Maelstrom's client: the RPC error propagates as an exception, so the op is info whatever the code.
    const { code, text: rawText } = result.body;
    const info = errorInfo(code);
    const text = typeof rawText === 'string' ? rawText : JSON.stringify(rawText ?? null);
    return { type: 'info', value: op.value, error: [info.name, text], exception: { class: 'clojure.lang.ExceptionInfo', message: `rpc-error ${info.name}: ${text}` } };
  }
  if (result.kind === 'timeout') {
    return { type: idempotent ? 'fail' : 'info', value: op.value, error: 'net-timeout' };
  }
  const body = result.body;
  if (body.type === 'error') {
    const info = errorInfo(body.code);
    const text = typeof body.text === 'string' ? body.text : body.text === undefined ? null : JSON.stringify(body.text);
    return { type: info.definite || idempotent ? 'fail' : 'info', value: op.value, error: [info.name, text] };
  }
  const violation = closedSchemaViolation(body, workload.replySchema(op));
  const checked = violation === null ? workload.completion(op, body) : { ok: false as const, reason: violation };
  if (!checked.ok) {
    return {
      type: 'info',
      value: op.value,
      error: `indeterminate: ${checked.reason}`,
      exception: { class: 'clojure.lang.ExceptionInfo', message: `${checked.reason} in reply ${JSON.stringify(body)}` },
    };
  }
  return { type: 'ok', value: checked.value };
}
