import { strict as assert } from 'assert';
import { Body } from '../../src/protocol/message';
import { mapOutcome } from '../../src/runner/outcome';
import { BenchWorkload, OpSpec } from '../../src/runner/workload';
import { echoBench } from '../../workloads/echo/bench';
import { linKvBench } from '../../workloads/lin-kv/bench';
import { txnListAppendBench } from '../../workloads/txn-list-append/bench';
import { txnRwRegisterBench } from '../../workloads/txn-rw-register/bench';
import { uniqueIdsBench } from '../../workloads/unique-ids/bench';
import { DEFAULT_OPTIONS } from './virtual-run';

const read: OpSpec = { f: 'read', value: [3, null] };
const write: OpSpec = { f: 'write', value: [3, 4] };
const cas: OpSpec = { f: 'cas', value: [3, [1, 2]] };
const txn: OpSpec = { f: 'txn', value: [['r', 1, null], ['append', 1, 5]] };
const reply = (body: Record<string, unknown>): { kind: 'reply'; body: Body } => ({ kind: 'reply', body: { in_reply_to: 1, ...body } as Body });
const timeout = { kind: 'timeout' as const };
const map = (w: BenchWorkload, op: OpSpec, r: Parameters<typeof mapOutcome>[2]) => mapOutcome(w, op, r);

describe('outcome mapping (spec §4.5)', () => {
  it('timeouts: lin-kv read -> fail, write/cas -> info, every txn -> info (even read-only)', () => {
    assert.deepEqual(map(linKvBench, read, timeout), { type: 'fail', value: [3, null], error: 'net-timeout' });
    assert.equal(map(linKvBench, write, timeout).type, 'info');
    assert.equal(map(linKvBench, cas, timeout).type, 'info');
    assert.equal(map(txnListAppendBench, { f: 'txn', value: [['r', 1, null]] }, timeout).type, 'info');
    assert.equal(map(txnRwRegisterBench, txn, timeout).type, 'info');
  });

  it('definite error codes fail with [name, text]; indefinite ones are info; lin-kv read errors always fail', () => {
    assert.deepEqual(map(linKvBench, cas, reply({ type: 'error', code: 22, text: 'expected 1' })), {
      type: 'fail',
      value: [3, [1, 2]],
      error: ['precondition-failed', 'expected 1'],
    });
    assert.deepEqual(map(linKvBench, write, reply({ type: 'error', code: 11 })).error, ['temporarily-unavailable', null]);
    assert.equal(map(linKvBench, write, reply({ type: 'error', code: 11 })).type, 'fail');
    assert.equal(map(linKvBench, write, reply({ type: 'error', code: 13 })).type, 'info');
    assert.equal(map(linKvBench, write, reply({ type: 'error', code: 0 })).type, 'info');
    assert.deepEqual(map(linKvBench, write, reply({ type: 'error', code: 1000, text: 'custom' })), {
      type: 'info',
      value: [3, 4],
      error: ['unknown', 'custom'],
    });
    assert.equal(map(linKvBench, read, reply({ type: 'error', code: 13 })).type, 'fail');
    assert.equal(map(linKvBench, read, reply({ type: 'error', code: 1000 })).type, 'fail');
    assert.equal(map(txnListAppendBench, txn, reply({ type: 'error', code: 30 })).type, 'fail');
    assert.equal(map(txnListAppendBench, txn, reply({ type: 'error', code: 14 })).type, 'fail');
    assert.equal(map(txnListAppendBench, txn, reply({ type: 'error', code: 13 })).type, 'info');
  });

  it('error replies bypass the schema: extra keys are fine', () => {
    assert.equal(map(linKvBench, cas, reply({ type: 'error', code: 20, text: 'x', extra: 1 })).type, 'fail');
  });

  it('ok replies: read_ok value goes into [k v]; write/cas keep the invoke value; null value is allowed', () => {
    assert.deepEqual(map(linKvBench, read, reply({ type: 'read_ok', value: 4 })), { type: 'ok', value: [3, 4] });
    assert.deepEqual(map(linKvBench, read, reply({ type: 'read_ok', value: null, msg_id: 9 })), { type: 'ok', value: [3, null] });
    assert.deepEqual(map(linKvBench, cas, reply({ type: 'cas_ok' })), { type: 'ok', value: [3, [1, 2]] });
    const t = map(txnListAppendBench, txn, reply({ type: 'txn_ok', txn: [['r', 1, [1, 2]], ['append', 1, 5]] }));
    assert.deepEqual(t, { type: 'ok', value: [['r', 1, [1, 2]], ['append', 1, 5]] });
  });

  it('closed schemas: an extra key, a missing key, a wrong type or a bad in_reply_to is info with an exception', () => {
    const extra = map(linKvBench, read, reply({ type: 'read_ok', value: 1, key: 3 }));
    assert.equal(extra.type, 'info');
    assert.match(String(extra.error), /^indeterminate: .*key: disallowed-key/);
    assert.ok(extra.exception);
    assert.match(String(map(linKvBench, read, reply({ type: 'read_ok' })).error), /value: missing-required-key/);
    assert.equal(map(linKvBench, write, reply({ type: 'write_ok', node: 'n1' })).type, 'info');
    assert.equal(map(linKvBench, write, reply({ type: 'cas_ok' })).type, 'info');
    assert.equal(map(linKvBench, write, { kind: 'reply', body: { type: 'write_ok', in_reply_to: 'x' } as unknown as Body }).type, 'info');
    assert.equal(map(linKvBench, write, reply({ type: 'write_ok', msg_id: 1.5 })).type, 'info');
    // Even a read (idempotent) with a malformed reply is info: the exception is not an RPC error.
    assert.equal(map(linKvBench, read, reply({ type: 'read_ok', value: 1, extra: true })).type, 'info');
  });

  it('txn_ok micro-ops must be 3-element [f k v] with a known f', () => {
    assert.equal(map(txnListAppendBench, txn, reply({ type: 'txn_ok', txn: [['r', 1]] })).type, 'info');
    assert.equal(map(txnListAppendBench, txn, reply({ type: 'txn_ok', txn: 'nope' })).type, 'info');
    assert.equal(map(txnListAppendBench, txn, reply({ type: 'txn_ok', txn: [['w', 1, 2]] })).type, 'info');
    assert.equal(map(txnRwRegisterBench, txn, reply({ type: 'txn_ok', txn: [['w', 1, 2]] })).type, 'ok');
    assert.equal(map(txnListAppendBench, txn, reply({ type: 'txn_ok', txn: [['r', 1, null]], extra: 1 })).type, 'info');
    assert.equal(map(txnListAppendBench, txn, reply({ type: 'txn_ok', txn: [['r', 1, 3]] })).type, 'info', 'list-append reads are lists');
    assert.equal(map(txnRwRegisterBench, txn, reply({ type: 'txn_ok', txn: [['r', 1, 3]] })).type, 'ok');
    assert.deepEqual(map(txnListAppendBench, txn, reply({ type: 'txn_ok', txn: null })), { type: 'ok', value: [] });
  });

  it('per-workload timeouts: lin-kv max(10 x latency, 1000) ms, txn 5000 ms', () => {
    assert.equal(linKvBench.timeoutMs({ ...DEFAULT_OPTIONS, latencyMs: 0 }), 1000);
    assert.equal(linKvBench.timeoutMs({ ...DEFAULT_OPTIONS, latencyMs: 250 }), 2500);
    assert.equal(txnListAppendBench.timeoutMs({ ...DEFAULT_OPTIONS, latencyMs: 1000 }), 5000);
    assert.equal(txnRwRegisterBench.timeoutMs(DEFAULT_OPTIONS), 5000);
  });

  it('request bodies match Maelstrom: read {key}, write {key,value}, cas {key,from,to}, txn {txn}, echo, generate', () => {
    assert.deepEqual(linKvBench.request(read), { type: 'read', key: 3 });
    assert.deepEqual(linKvBench.request(write), { type: 'write', key: 3, value: 4 });
    assert.deepEqual(linKvBench.request(cas), { type: 'cas', key: 3, from: 1, to: 2 });
    assert.deepEqual(txnListAppendBench.request(txn), { type: 'txn', txn: txn.value });
    assert.deepEqual(echoBench.request({ f: 'echo', value: 'Please echo 3' }), { type: 'echo', echo: 'Please echo 3' });
    assert.deepEqual(uniqueIdsBench.request({ f: 'generate', value: null }), { type: 'generate' });
  });
});
