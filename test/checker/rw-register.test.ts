/**
 * Elle rw-register as Maelstrom configures it: hand-written anomalies with
 * valid twins, version-order inference, Maelstrom's wrapper.
 */
import { strict as assert } from 'assert';
import { checkRwRegister } from '../../src/checker/rw-register';
import { CheckResult } from '../../src/checker/history';
import { HistoryBuilder, txn } from './builders';

type Mop = [string, unknown, unknown];
const check = (h: ReturnType<HistoryBuilder['build']>, models = ['strict-serializable']): CheckResult => checkRwRegister(h, { consistencyModels: models });
const types = (r: CheckResult): string[] => (r['anomaly-types'] as string[] | undefined) ?? [];
const seq = (...txns: Mop[][]) => txns.reduce((b, m, p) => b.op(txn(p, m)), new HistoryBuilder()).build();
const concurrent = (...txns: Mop[][]) => new HistoryBuilder().concurrent(txns.map((m, p) => txn(p, m))).build();

function assertAnomaly(r: CheckResult, type: string): void {
  assert.equal(r.valid, false, `expected invalid with ${type}, got ${JSON.stringify(r).slice(0, 400)}`);
  assert.ok(types(r).includes(type), `expected ${type} in ${JSON.stringify(types(r))}`);
}

describe('checker: rw-register (Elle, Maelstrom wrapper)', function () {
  it('internal: a read that disagrees with the txn\'s own write', function () {
    assertAnomaly(check(seq([['w', 'x', 1], ['r', 'x', 2]], [['r', 'x', 1]])), 'internal');
    assert.equal(check(seq([['w', 'x', 1], ['r', 'x', 1]], [['r', 'x', 1]])).valid, true);
  });

  it('G1a: reading a failed write', function () {
    const mk = (type: 'ok' | 'fail') => new HistoryBuilder().op(txn(0, [['w', 'x', 1]], type)).op(txn(1, [['r', 'x', 1]])).op(txn(2, [['r', 'x', 1]])).build();
    assertAnomaly(check(mk('fail'), ['read-committed']), 'G1a');
    assert.equal(check(mk('ok'), ['read-committed']).valid, true);
  });

  it('G1b: reading an intermediate write', function () {
    assertAnomaly(check(concurrent([['w', 'x', 1], ['w', 'x', 2]], [['r', 'x', 1]]), ['read-committed']), 'G1b');
    assert.equal(check(concurrent([['w', 'x', 1], ['w', 'x', 2]], [['r', 'x', 2]]), ['read-committed']).valid, true);
  });

  it('lost-update: two txns read the same value and both write', function () {
    const mk = (second: unknown) => new HistoryBuilder()
      .op(txn(0, [['w', 'x', 1]]))
      .concurrent([txn(1, [['r', 'x', 1], ['w', 'x', 2]]), txn(2, [['r', 'x', second], ['w', 'x', 3]])])
      .build();
    assertAnomaly(check(mk(1)), 'lost-update');
    assert.equal(check(mk(2)).valid, true);
  });

  it('G-single-item from the initial-state version order (read skew)', function () {
    assertAnomaly(check(concurrent([['r', 'x', null], ['r', 'y', 1]], [['w', 'x', 1], ['w', 'y', 1]]), ['serializable']), 'G-single-item');
    assert.equal(check(concurrent([['r', 'x', null], ['r', 'y', null]], [['w', 'x', 1], ['w', 'y', 1]]), ['serializable']).valid, true);
  });

  it('G1c: circular information flow', function () {
    assertAnomaly(check(concurrent([['w', 'x', 1], ['r', 'y', 1]], [['w', 'y', 1], ['r', 'x', 1]]), ['read-committed']), 'G1c');
    assert.equal(check(concurrent([['w', 'x', 1], ['r', 'y', null]], [['w', 'y', 1], ['r', 'x', 1]]), ['read-committed']).valid, true);
  });

  it('G-single-item-realtime: stale read after a completed write', function () {
    const r = check(seq([['w', 'x', 1]], [['r', 'x', null]]));
    assertAnomaly(r, 'G-single-item-realtime');
    assert.match(String((r.anomalies as Record<string, { explanation: string }[]>)['G-single-item-realtime'][0].explanation), /completed \(index \d+\) before T\d was invoked/);
    assert.equal(check(seq([['w', 'x', 1]], [['r', 'x', 1]])).valid, true);
  });

  it('writes-follow-reads orders versions; contradictory orders are cyclic-versions', function () {
    // x: 1 -> 2 (T1 read 1, wrote 2) and 2 -> 1 (T2 read 2, wrote 1).
    assertAnomaly(check(seq([['w', 'x', 1]], [['r', 'x', 1], ['w', 'x', 2]], [['r', 'x', 2], ['w', 'x', 1]])), 'cyclic-versions');
    assert.equal(check(seq([['w', 'x', 1]], [['r', 'x', 1], ['w', 'x', 2]], [['r', 'x', 2], ['w', 'x', 3]])).valid, true);
    // With the wfr order 1 < 2, reading 1 after a txn read 1 and wrote 2 completed is stale.
    const stale = seq([['w', 'x', 1]], [['r', 'x', 1], ['w', 'x', 2]], [['r', 'x', 1]]);
    assert.equal(check(stale).valid, false);
    assert.equal(check(stale, ['serializable']).valid, true);
  });

  it('Maelstrom wrapper: an empty transaction graph is invalid, not unknown', function () {
    const r = check(concurrent([['w', 'x', 1]]));
    assert.equal(r.valid, false);
    assert.deepEqual(r['anomaly-types'], ['empty-transaction-graph']);
  });

  it('mixed key types and unknown models give unknown with an error', function () {
    const mixed = check(seq([['w', 1, 1]], [['r', '1', 1]]));
    assert.equal(mixed.valid, 'unknown');
    assert.match(String(mixed.error), /mixes key types/);
    const model = check(seq([['w', 'x', 1]], [['r', 'x', 1]]), ['linearizable-ish']);
    assert.equal(model.valid, 'unknown');
    assert.match(String(model.error), /unknown consistency model "linearizable-ish"/);
  });
});
