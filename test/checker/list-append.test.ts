/**
 * Elle list-append: one hand-written history per anomaly class, each next to
 * a valid twin that differs in one value.
 */
import { strict as assert } from 'assert';
import { checkListAppend } from '../../src/checker/list-append';
import { CheckResult } from '../../src/checker/history';
import { HistoryBuilder, txn } from './builders';

type Mop = [string, unknown, unknown];
const check = (h: ReturnType<HistoryBuilder['build']>, models = ['strict-serializable']): CheckResult => checkListAppend(h, { consistencyModels: models });
const types = (r: CheckResult): string[] => (r['anomaly-types'] as string[] | undefined) ?? [];
const concurrent = (...txns: Mop[][]) => new HistoryBuilder().concurrent(txns.map((m, p) => txn(p, m))).build();

function assertAnomaly(r: CheckResult, type: string): void {
  assert.equal(r.valid, false, `expected invalid with ${type}, got ${JSON.stringify(r).slice(0, 400)}`);
  assert.ok(types(r).includes(type), `expected ${type} in ${JSON.stringify(types(r))}`);
}

describe('checker: list-append (Elle)', function () {
  it('G0: write cycle; twin with a consistent order is valid', function () {
    const bad = concurrent([['append', 'x', 1], ['append', 'y', 1]], [['append', 'x', 2], ['append', 'y', 2]], [['r', 'x', [1, 2]], ['r', 'y', [2, 1]]]);
    const r = check(bad);
    assertAnomaly(r, 'G0');
    assert.deepEqual(r.not, ['read-uncommitted']);
    assert.match(String((r.anomalies as Record<string, { explanation: string }[]>).G0[0].explanation), /appended 1 after T\d appended 2 to key "y"/);
    const good = concurrent([['append', 'x', 1], ['append', 'y', 1]], [['append', 'x', 2], ['append', 'y', 2]], [['r', 'x', [1, 2]], ['r', 'y', [1, 2]]]);
    assert.equal(check(good).valid, true);
  });

  it('G1c: circular information flow; twin reading the initial state is valid', function () {
    const bad = concurrent([['append', 'x', 1], ['r', 'y', [1]]], [['append', 'y', 1], ['r', 'x', [1]]]);
    assertAnomaly(check(bad), 'G1c');
    assertAnomaly(check(bad, ['read-committed']), 'G1c');
    const good = concurrent([['append', 'x', 1], ['r', 'y', []]], [['append', 'y', 1], ['r', 'x', [1]]]);
    assert.equal(check(good).valid, true);
  });

  it('G-single-item: read skew; twin is valid', function () {
    const bad = concurrent([['r', 'x', []], ['r', 'y', [1]]], [['append', 'x', 1], ['append', 'y', 1]]);
    const r = check(bad, ['snapshot-isolation']);
    assertAnomaly(r, 'G-single-item');
    const ex = String((r.anomalies as Record<string, { explanation: string }[]>)['G-single-item'][0].explanation);
    assert.match(ex, /observed the initial \(nil\) state of key "x"/);
    assert.match(ex, /observed T\d's append of 1 to key "y"/);
    assert.match(ex, /a contradiction!/);
    const good = concurrent([['r', 'x', []], ['r', 'y', []]], [['append', 'x', 1], ['append', 'y', 1]]);
    assert.equal(check(good, ['snapshot-isolation']).valid, true);
  });

  it('G2-item: write skew is invalid under serializable, allowed by snapshot isolation; twin valid', function () {
    const bad = concurrent([['r', 'x', []], ['append', 'y', 1]], [['r', 'y', []], ['append', 'x', 1]]);
    assertAnomaly(check(bad, ['serializable']), 'G2-item');
    assert.deepEqual(check(bad, ['serializable']).not, ['repeatable-read']);
    assert.equal(check(bad, ['snapshot-isolation']).valid, true);
    assert.equal(check(bad, ['read-committed']).valid, true);
    const good = concurrent([['r', 'x', []], ['append', 'y', 1]], [['r', 'y', [1]], ['append', 'x', 1]]);
    assert.equal(check(good, ['serializable']).valid, true);
  });

  it('G-nonadjacent-item: two non-adjacent rw edges, prohibited by snapshot isolation; twin valid', function () {
    const bad = concurrent(
      [['r', 'a', []], ['r', 'd', [1]]],
      [['append', 'a', 1], ['append', 'b', 1]],
      [['r', 'b', [1]], ['r', 'c', []]],
      [['append', 'c', 1], ['append', 'd', 1]],
    );
    assertAnomaly(check(bad, ['snapshot-isolation']), 'G-nonadjacent-item');
    const good = concurrent(
      [['r', 'a', []], ['r', 'd', []]],
      [['append', 'a', 1], ['append', 'b', 1]],
      [['r', 'b', [1]], ['r', 'c', []]],
      [['append', 'c', 1], ['append', 'd', 1]],
    );
    assert.equal(check(good, ['snapshot-isolation']).valid, true);
  });

  it('G-single-item-realtime: a stale read after a completed append; fine for plain serializable', function () {
    const bad = new HistoryBuilder().op(txn(0, [['append', 'x', 1]])).op(txn(1, [['r', 'x', []]])).build();
    assertAnomaly(check(bad), 'G-single-item-realtime');
    assert.equal(check(bad, ['serializable']).valid, true);
    const good = new HistoryBuilder().op(txn(0, [['append', 'x', 1]])).op(txn(1, [['r', 'x', [1]]])).build();
    assert.equal(check(good).valid, true);
  });

  it('G-single-item-process: same stale read within one process, for session models only', function () {
    const sameProcess = new HistoryBuilder().op(txn(0, [['append', 'x', 1]])).op(txn(0, [['r', 'x', []]])).build();
    assertAnomaly(check(sameProcess, ['strong-session-serializable']), 'G-single-item-process');
    assert.equal(check(sameProcess, ['serializable']).valid, true);
    const otherProcess = new HistoryBuilder().op(txn(0, [['append', 'x', 1]])).op(txn(1, [['r', 'x', []]])).build();
    assert.equal(check(otherProcess, ['strong-session-serializable']).valid, true);
  });

  it('G1a: reading a failed append; twin with the append ok is valid', function () {
    const bad = new HistoryBuilder().op(txn(0, [['append', 'x', 1]], 'fail')).op(txn(1, [['r', 'x', [1]]])).build();
    const r = check(bad, ['read-committed']);
    assertAnomaly(r, 'G1a');
    const c = (r.anomalies as Record<string, { element: unknown; writer: { type: string } }[]>).G1a[0];
    assert.equal(c.element, 1);
    assert.equal(c.writer.type, 'fail');
    const good = new HistoryBuilder().op(txn(0, [['append', 'x', 1]])).op(txn(1, [['r', 'x', [1]]])).build();
    assert.equal(check(good, ['read-committed']).valid, true);
  });

  it('an info append may have happened', function () {
    const h = new HistoryBuilder().op(txn(0, [['append', 'x', 1]], 'info')).op(txn(1, [['r', 'x', [1]]])).op(txn(2, [['r', 'x', [1]]])).build();
    assert.equal(check(h).valid, true);
  });

  it('G1b: reading an intermediate append; twin reading the final state is valid', function () {
    const bad = concurrent([['append', 'x', 1], ['append', 'x', 2]], [['r', 'x', [1]]]);
    assertAnomaly(check(bad, ['read-committed']), 'G1b');
    const good = concurrent([['append', 'x', 1], ['append', 'x', 2]], [['r', 'x', [1, 2]]]);
    assert.equal(check(good, ['read-committed']).valid, true);
  });

  it('internal: a read disagreeing with the txn\'s own append; nil after [] too', function () {
    assertAnomaly(check(concurrent([['append', 'x', 1], ['r', 'x', []]])), 'internal');
    assert.equal(check(new HistoryBuilder().op(txn(0, [['append', 'x', 1], ['r', 'x', [1]]])).op(txn(1, [['r', 'x', [1]]])).build()).valid, true);
    assertAnomaly(check(concurrent([['r', 'x', []], ['r', 'x', null]])), 'internal');
    const twin = check(concurrent([['r', 'x', []], ['r', 'x', []]]));
    assert.ok(!types(twin).includes('internal'));
    assertAnomaly(check(concurrent([['r', 'x', [1]], ['append', 'x', 2], ['r', 'x', [1, 3]]], [['append', 'x', 1]])), 'internal');
  });

  it('dirty-update: a committed append after a failed one in the version order', function () {
    const bad = new HistoryBuilder().op(txn(0, [['append', 'x', 1]], 'fail')).op(txn(1, [['append', 'x', 2]])).op(txn(2, [['r', 'x', [1, 2]]])).build();
    assertAnomaly(check(bad, ['read-committed']), 'dirty-update');
    const good = new HistoryBuilder().op(txn(0, [['append', 'x', 1]])).op(txn(1, [['append', 'x', 2]])).op(txn(2, [['r', 'x', [1, 2]]])).build();
    assert.equal(check(good, ['read-committed']).valid, true);
  });

  it('duplicate-elements: an element read twice', function () {
    const bad = new HistoryBuilder().op(txn(0, [['append', 'x', 1]])).op(txn(1, [['r', 'x', [1, 1]]])).build();
    assertAnomaly(check(bad, ['read-uncommitted']), 'duplicate-elements');
    const good = new HistoryBuilder().op(txn(0, [['append', 'x', 1]])).op(txn(1, [['r', 'x', [1]]])).build();
    assert.equal(check(good, ['read-uncommitted']).valid, true);
  });

  it('future-read: reading an element the txn appends later', function () {
    assertAnomaly(check(concurrent([['r', 'x', [1]], ['append', 'x', 1]]), ['read-committed']), 'future-read');
    const twin = new HistoryBuilder().op(txn(0, [['r', 'x', []], ['append', 'x', 1]])).op(txn(1, [['r', 'x', [1]]])).build();
    assert.equal(check(twin, ['read-committed']).valid, true);
  });

  it('lost-update: two txns read the same state and both append', function () {
    const mk = (second: unknown[]) => new HistoryBuilder()
      .op(txn(0, [['append', 'x', 1]]))
      .concurrent([txn(1, [['r', 'x', [1]], ['append', 'x', 2]]), txn(2, [['r', 'x', second], ['append', 'x', 3]])])
      .op(txn(3, [['r', 'x', [1, 2, 3]]]))
      .build();
    const r = check(mk([1]), ['repeatable-read']);
    assertAnomaly(r, 'lost-update');
    assert.equal((r.anomalies as Record<string, { txns: unknown[] }[]>)['lost-update'][0].txns.length, 2);
    assert.equal(check(mk([1, 2]), ['repeatable-read']).valid, true);
    // Read committed does not prohibit lost updates.
    assert.equal(check(mk([1]), ['read-committed']).valid, true);
  });

  it('incompatible-order: two reads that are not prefixes of each other', function () {
    const mk = (other: unknown[]) => new HistoryBuilder()
      .concurrent([txn(0, [['append', 'x', 1]]), txn(1, [['append', 'x', 2]])])
      .concurrent([txn(2, [['r', 'x', [1, 2]]]), txn(3, [['r', 'x', other]])])
      .build();
    assertAnomaly(check(mk([2, 1]), ['read-committed']), 'incompatible-order');
    assert.equal(check(mk([1, 2]), ['read-committed']).valid, true);
  });

  it('reports the model boundary and honours several models', function () {
    const bad = concurrent([['r', 'x', []], ['r', 'y', [1]]], [['append', 'x', 1], ['append', 'y', 1]]);
    const r = check(bad, ['snapshot-isolation', 'read-committed']);
    assert.equal(r.valid, false);
    assert.ok((r['also-not'] as string[]).includes('serializable'));
    assert.ok((r['also-not'] as string[]).includes('strict-serializable'));
    assert.ok(!(r.not as string[]).includes('read-committed'));
  });

  it('unknown model names, malformed txns and empty graphs give unknown', function () {
    const h = new HistoryBuilder().op(txn(0, [['append', 'x', 1]])).op(txn(1, [['r', 'x', [1]]])).build();
    const unknownModel = check(h, ['strict-serializable,serializable']);
    assert.equal(unknownModel.valid, 'unknown');
    assert.match(String(unknownModel.error), /unknown consistency model/);
    const badMop = check(concurrent([['frob', 'x', 1]]));
    assert.equal(badMop.valid, 'unknown');
    assert.match(String(badMop.error), /unexpected micro-op type "frob"/);
    const dupAppend = check(new HistoryBuilder().op(txn(0, [['append', 'x', 1]])).op(txn(1, [['append', 'x', 1]])).build());
    assert.equal(dupAppend.valid, 'unknown');
    assert.match(String(dupAppend.error), /appended to key "x" twice/);
    const single = check(concurrent([['append', 'x', 1]]));
    assert.equal(single.valid, 'unknown');
    assert.deepEqual(single['anomaly-types'], ['empty-transaction-graph']);
  });

  it('aliases: strong-serializable = strict-serializable, conflict-serializable = serializable', function () {
    const stale = new HistoryBuilder().op(txn(0, [['append', 'x', 1]])).op(txn(1, [['r', 'x', []]])).build();
    assert.equal(check(stale, ['strong-serializable']).valid, false);
    assert.equal(check(stale, ['conflict-serializable']).valid, true);
  });
});
