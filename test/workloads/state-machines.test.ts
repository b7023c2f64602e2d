import { strict as assert } from 'assert';
import { ErrorCode } from '../../src/protocol/errors';
import type { Body, Json } from '../../src/protocol/message';
import { RequestError } from '../../src/protocol/node';
import { linKvWorkload } from '../../workloads/lin-kv/node';
import { createNodeWorkloads } from '../../workloads/node-registry';
import type { ReplicatedWorkload } from '../../src/server/workload';

const txn = createNodeWorkloads().find((w) => w.kind === 'replicated' && w.name === 'txn') as ReplicatedWorkload;

function run(workload: ReplicatedWorkload, bodies: Body[]) {
  const machine = workload.createStateMachine();
  const replies = bodies.map((body) => {
    const { command, readOnly } = workload.parse(body);
    return readOnly ? machine.query(command) : machine.apply(command);
  });
  return { machine, replies };
}

describe('workloads: lin-kv state machine', () => {
  it('reads, writes and cases with Maelstrom\'s error codes', () => {
    const { replies } = run(linKvWorkload, [
      { type: 'read', key: 1 },
      { type: 'cas', key: 1, from: 0, to: 1 },
      { type: 'write', key: 1, value: 3 },
      { type: 'read', key: 1 },
      { type: 'cas', key: 1, from: 2, to: 4 },
      { type: 'cas', key: 1, from: 3, to: 4 },
      { type: 'read', key: 1 },
      { type: 'read', key: '1' },
      { type: 'cas', key: 9, from: null, to: 5, create_if_not_exists: true },
      { type: 'read', key: 9 },
    ]);
    assert.deepEqual(replies.map((r) => (r.type === 'error' ? r.code : r)), [
      ErrorCode.KeyDoesNotExist,
      ErrorCode.KeyDoesNotExist,
      { type: 'write_ok' },
      { type: 'read_ok', value: 3 },
      ErrorCode.PreconditionFailed,
      { type: 'cas_ok' },
      { type: 'read_ok', value: 4 },
      ErrorCode.KeyDoesNotExist, // "1" is not 1
      { type: 'cas_ok' },
      { type: 'read_ok', value: 5 },
    ]);
  });

  it('rejects malformed requests with 12', () => {
    for (const body of [{ type: 'read' }, { type: 'write', key: 1 }, { type: 'cas', key: 1, from: 1 }, { type: 'cas', key: 1, from: 1, to: 2, create_if_not_exists: 'yes' }]) {
      assert.throws(() => linKvWorkload.parse(body as Body), (e: unknown) => e instanceof RequestError && e.code === ErrorCode.MalformedRequest);
    }
  });

  it('snapshots and restores to an identical state', () => {
    const { machine } = run(linKvWorkload, [
      { type: 'write', key: 1, value: [1, 2] },
      { type: 'write', key: 'k', value: { a: null } },
    ]);
    const copy = linKvWorkload.createStateMachine();
    copy.restore(JSON.parse(JSON.stringify(machine.snapshot())) as Json);
    assert.deepEqual(copy.query({ op: 'read', key: 'k' }), { type: 'read_ok', value: { a: null } });
    assert.deepEqual(copy.snapshot(), machine.snapshot());
  });
});

describe('workloads: transactions', () => {
  it('applies list-append transactions atomically with reads of own writes', () => {
    const { replies } = run(txn, [
      { type: 'txn', txn: [['r', 1, null], ['append', 1, 1], ['r', 1, null], ['append', 2, 7]] },
      { type: 'txn', txn: [['r', 1, null], ['r', 2, null], ['r', 3, null]] },
      { type: 'txn', txn: [['append', 1, 2], ['r', 1, null]] },
    ]);
    assert.deepEqual(replies, [
      { type: 'txn_ok', txn: [['r', 1, null], ['append', 1, 1], ['r', 1, [1]], ['append', 2, 7]] },
      { type: 'txn_ok', txn: [['r', 1, [1]], ['r', 2, [7]], ['r', 3, null]] },
      { type: 'txn_ok', txn: [['append', 1, 2], ['r', 1, [1, 2]]] },
    ]);
  });

  it('applies rw-register transactions and marks read-only ones', () => {
    const { replies } = run(txn, [
      { type: 'txn', txn: [['w', 1, 5], ['r', 1, null], ['w', 1, 6]] },
      { type: 'txn', txn: [['r', 1, null]] },
    ]);
    assert.deepEqual(replies[1], { type: 'txn_ok', txn: [['r', 1, 6]] });
    assert.equal(txn.parse({ type: 'txn', txn: [['r', 1, null]] }).readOnly, true);
    assert.equal(txn.parse({ type: 'txn', txn: [['r', 1, null], ['w', 1, 2]] }).readOnly, false);
  });

  it('aborts a whole transaction without effect when one micro-op cannot apply', () => {
    const { replies } = run(txn, [
      { type: 'txn', txn: [['w', 1, 5]] },
      { type: 'txn', txn: [['append', 2, 1], ['append', 1, 9]] },
      { type: 'txn', txn: [['r', 1, null], ['r', 2, null]] },
    ]);
    assert.equal(replies[1].code, ErrorCode.Abort);
    assert.deepEqual(replies[2], { type: 'txn_ok', txn: [['r', 1, 5], ['r', 2, null]] });
  });

  it('never lets a later append change a list returned earlier', () => {
    const machine = txn.createStateMachine();
    machine.apply([['append', 1, 1]]);
    const first = machine.apply([['r', 1, null]]);
    machine.apply([['append', 1, 2]]);
    assert.deepEqual(first, { type: 'txn_ok', txn: [['r', 1, [1]]] });
  });

  it('rejects malformed and unknown micro-ops', () => {
    const cases: Array<[unknown, number]> = [
      [[['r', 1]], ErrorCode.MalformedRequest],
      [['r', 1, null], ErrorCode.MalformedRequest],
      [[['x', 1, 2]], ErrorCode.NotSupported],
      ['nope', ErrorCode.MalformedRequest],
    ];
    for (const [t, code] of cases) {
      assert.throws(() => txn.parse({ type: 'txn', txn: t }), (e: unknown) => e instanceof RequestError && e.code === code, JSON.stringify(t));
    }
  });
});
