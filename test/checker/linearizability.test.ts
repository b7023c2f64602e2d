/**
 * Hand-written lin-kv / cas-register histories, each invalid one next to a
 * valid twin that differs in one value.
 */
import { strict as assert } from 'assert';
import { checkLinKv, checkRegister, renderLinearizabilitySvg } from '../../src/checker/linearizability';
import { CheckResult } from '../../src/checker/history';
import { HistoryBuilder } from './builders';

const w = (process: number, key: number, v: unknown) => ({ process, f: 'write', invoke: [key, v] });
const r = (process: number, key: number, v: unknown, type: 'ok' | 'fail' | 'info' = 'ok') => ({ process, f: 'read', invoke: [key, null], complete: [key, v], type });
const cas = (process: number, key: number, from: unknown, to: unknown, type: 'ok' | 'fail' | 'info' = 'ok') => ({ process, f: 'cas', invoke: [key, [from, to]], type });

describe('checker: linearizability (lin-kv)', function () {
  it('stale read after a completed write is invalid; reading the new value is valid', function () {
    const bad = new HistoryBuilder().op(w(0, 1, 3)).op(w(0, 1, 4)).op(r(1, 1, 3)).build();
    const good = new HistoryBuilder().op(w(0, 1, 3)).op(w(0, 1, 4)).op(r(1, 1, 4)).build();
    const b = checkLinKv(bad);
    assert.equal(b.valid, false);
    assert.deepEqual(b.failures, [1]);
    assert.equal(checkLinKv(good).valid, true);
  });

  it('a read concurrent with a write may see either value', function () {
    for (const seen of [3, 4]) {
      const h = new HistoryBuilder().op(w(0, 1, 3)).concurrent([w(0, 1, 4), r(1, 1, seen)]).build();
      assert.equal(checkLinKv(h).valid, true, `read ${seen}`);
    }
    const h = new HistoryBuilder().op(w(0, 1, 3)).concurrent([w(0, 1, 4), r(1, 1, 5)]).build();
    assert.equal(checkLinKv(h).valid, false);
  });

  it('cas succeeds only from the current value', function () {
    const bad = new HistoryBuilder().op(w(0, 2, 1)).op(cas(0, 2, 2, 3)).build();
    const good = new HistoryBuilder().op(w(0, 2, 1)).op(cas(0, 2, 1, 3)).op(r(1, 2, 3)).build();
    assert.equal(checkLinKv(bad).valid, false);
    assert.equal(checkLinKv(good).valid, true);
  });

  it('a failed op never happened', function () {
    const bad = new HistoryBuilder().op(w(0, 1, 1)).op({ ...w(1, 1, 2), type: 'fail' }).op(r(0, 1, 2)).build();
    const good = new HistoryBuilder().op(w(0, 1, 1)).op({ ...w(1, 1, 2), type: 'fail' }).op(r(0, 1, 1)).build();
    assert.equal(checkLinKv(bad).valid, false);
    assert.equal(checkLinKv(good).valid, true);
  });

  it('an info op may take effect any time later, or never', function () {
    const base = () => new HistoryBuilder().op(w(0, 1, 1)).invoke(1, 'write', [1, 2]).complete(1, 'info', 'write', [1, 2]);
    assert.equal(checkLinKv(base().op(r(0, 1, 2)).op(r(0, 1, 2)).build()).valid, true, 'took effect');
    assert.equal(checkLinKv(base().op(r(0, 1, 1)).op(r(0, 1, 2)).build()).valid, true, 'took effect late');
    assert.equal(checkLinKv(base().op(r(0, 1, 1)).op(r(0, 1, 1)).build()).valid, true, 'never took effect');
    assert.equal(checkLinKv(base().op(r(0, 1, 2)).op(r(0, 1, 1)).build()).valid, false, 'cannot be undone');
    // An invoke without completion is the same as info.
    const open = new HistoryBuilder().op(w(0, 1, 1)).invoke(1, 'write', [1, 2]).op(r(0, 1, 2)).build();
    assert.equal(checkLinKv(open).valid, true);
    const openBad = new HistoryBuilder().op(w(0, 1, 1)).invoke(1, 'write', [1, 2]).op(r(0, 1, 3)).build();
    assert.equal(checkLinKv(openBad).valid, false);
  });

  it('a read of nil is always legal (Knossos cas-register); other initial reads are not', function () {
    const nilRead = new HistoryBuilder().op(w(0, 1, 1)).op(r(1, 1, null)).build();
    assert.equal(checkLinKv(nilRead).valid, true);
    const initialBad = new HistoryBuilder().op(r(1, 1, 0)).build();
    assert.equal(checkLinKv(initialBad).valid, false);
  });

  it('1 and "1" are different values; equal structures are equal', function () {
    const bad = new HistoryBuilder().op(w(0, 1, 1)).op(r(1, 1, '1')).build();
    const good = new HistoryBuilder().op(w(0, 1, 1)).op(r(1, 1, 1)).build();
    assert.equal(checkLinKv(bad).valid, false);
    assert.equal(checkLinKv(good).valid, true);
    const obj = new HistoryBuilder().op(w(0, 1, { a: 1, b: [2] })).op(r(1, 1, { b: [2], a: 1 })).build();
    assert.equal(checkLinKv(obj).valid, true);
  });

  it('keys are checked independently and reported per key', function () {
    const h = new HistoryBuilder().op(w(0, 1, 1)).op(w(0, 2, 5)).op(r(1, 1, 1)).op(r(1, 2, 1)).build();
    const res = checkLinKv(h);
    assert.equal(res.valid, false);
    assert.deepEqual(res.failures, [2]);
    const results = res.results as Record<string, CheckResult>;
    assert.equal(results['1'].valid, true);
    assert.equal(results['2'].valid, false);
  });

  it('the failure names the impossible op, its concurrent ops and the states reached, and renders as SVG', function () {
    const h = new HistoryBuilder().op(w(0, 1, 3)).op(w(0, 1, 0)).concurrent([r(1, 1, 3), w(2, 1, 4)]).op(r(3, 1, 4)).build();
    const res = checkLinKv(h);
    const key = (res.results as Record<string, CheckResult>)['1'];
    const failure = key.failure as { op: { f: string; value: unknown; process: number }; concurrent: { f: string; value: unknown }[]; states: { value: unknown }[] };
    assert.deepEqual([failure.op.f, failure.op.value, failure.op.process], ['read', 3, 1]);
    assert.deepEqual(failure.concurrent.map((o) => [o.f, o.value]), [['write', 4]]);
    assert.deepEqual(failure.states.map((s) => s.value).sort(), [0, 4]);
    assert.match(String(key.explanation), /cannot read 3 from register 4/);
    const svg = renderLinearizabilitySvg(key, 'key 1')!;
    assert.match(svg, /^<svg/);
    assert.match(svg, /read 3/);
    assert.match(svg, /process 1/);
    assert.equal(renderLinearizabilitySvg((res.results as Record<string, CheckResult>)['1'] && { valid: true }), null);
  });

  it('an exhausted budget gives unknown, never valid', function () {
    // Many concurrent info writes: the search must consider their subsets.
    const b = new HistoryBuilder();
    for (let p = 0; p < 14; p++) b.invoke(p, 'write', [1, p]).complete(p, 'info', 'write', [1, p]);
    b.op(r(20, 1, 3)).op(r(20, 1, 5)).op(r(20, 1, 3));
    const res = checkLinKv(b.build(), { maxStepsPerKey: 2 });
    assert.equal(res.valid, 'unknown');
    assert.deepEqual(res['unknown-keys'], [1]);
    const key = (res.results as Record<string, CheckResult>)['1'];
    assert.match(String(key.error), /budget/);
    // With a generous budget the same history is decided (3 was overwritten by 5 and never rewritten).
    assert.equal(checkLinKv(b.build()).valid, false);
  });

  it('a time budget is enforced through the injected clock', function () {
    const h = new HistoryBuilder().op(w(0, 1, 1)).op(w(0, 1, 2)).op(r(1, 1, 1)).build();
    let fake = 0;
    // Every clock reading advances 10 ms: the first budget check finds it spent.
    const res = checkLinKv(h, { budgetMsPerKey: 1, now: () => (fake += 10) });
    assert.equal(res.valid, 'unknown');
    assert.match(String((res.results as Record<string, CheckResult>)['1'].error), /1 ms/);
    fake = 0;
    assert.equal(checkLinKv(h, { budgetMsPerKey: 1000, now: () => (fake += 10) }).valid, false);
  });

  it('many info ops: decided within budget or unknown, never a wrong verdict', function () {
    const b = new HistoryBuilder();
    // 30 lost writes of distinct values, then reads that each see one of them, in order.
    for (let p = 0; p < 30; p++) b.invoke(p, 'write', [1, p]).complete(p, 'info', 'write', [1, p]);
    for (let i = 0; i < 30; i += 3) b.op(r(100, 1, i));
    const valid = checkLinKv(b.build(), { budgetMsPerKey: 5000 });
    // Trying unknown-outcome ops last decides this one at once.
    assert.equal(valid.valid, true);
    b.op(r(100, 1, 0)); // 0 was overwritten by a later-read value already: impossible
    const invalid = checkLinKv(b.build(), { budgetMsPerKey: 1000 });
    assert.ok(invalid.valid === false || invalid.valid === 'unknown', String(invalid.valid));
    // Lost writes that are overwritten before anyone looks are pruned, and
    // configurations differing only in extra lost ops are dominated: this is
    // decided exactly, with few configurations.
    assert.equal(invalid.valid, false);
    assert.ok(((invalid.results as Record<string, CheckResult>)['1']['configs-explored'] as number) < 5000);
  });

  it('a read of a value nobody wrote is reported without a search', function () {
    const h = new HistoryBuilder().op(w(0, 1, 1)).concurrent([r(1, 1, 9), w(2, 1, 2)]).op({ ...w(3, 1, 9), type: 'fail' }).build();
    const res = checkLinKv(h);
    const key = (res.results as Record<string, CheckResult>)['1'];
    assert.equal(key.valid, false);
    assert.equal(key['configs-explored'], 0);
    assert.match(String(key.explanation), /#\d+ process 1 read 9/);
    assert.match(String(key.explanation), /no operation on this register ever writes 9/);
    assert.ok(renderLinearizabilitySvg(key)!.includes('read 9'));
    // The twin where 9 is written (ok) concurrently is fine.
    const twin = new HistoryBuilder().op(w(0, 1, 1)).concurrent([r(1, 1, 9), w(2, 1, 9)]).build();
    assert.equal(checkLinKv(twin).valid, true);
  });

  it('malformed histories give unknown with a clear error, not a crash', function () {
    const noInvoke = [{ index: 0, time: 0, type: 'ok' as const, process: 0, f: 'read', value: [1, 1] }];
    const res = checkLinKv(noInvoke);
    assert.equal(res.valid, 'unknown');
    assert.match(String(res.error), /no pending invocation/);
    const badValue = new HistoryBuilder().op({ process: 0, f: 'write', invoke: 7 }).build();
    assert.match(String(checkLinKv(badValue).error), /expected \[key, value\]/);
    const badF = new HistoryBuilder().op({ process: 0, f: 'frob', invoke: [1, 2] }).build();
    const resF = checkLinKv(badF);
    assert.equal(resF.valid, 'unknown');
    assert.match(String((resF.results as Record<string, CheckResult>)['1'].error), /unsupported register op/);
  });

  it('nemesis ops are ignored', function () {
    const h = new HistoryBuilder().op(w(0, 1, 1)).build();
    h.push({ index: 2, time: 2, type: 'info', process: 'nemesis', f: 'start-partition', value: { n0: ['n1'] } });
    assert.equal(checkLinKv(h).valid, true);
  });

  it('checkRegister takes bare values', function () {
    const good = new HistoryBuilder().op({ process: 0, f: 'write', invoke: 2 }).op({ process: 1, f: 'cas', invoke: [2, 3] }).op({ process: 0, f: 'read', invoke: null, complete: 3 }).build();
    assert.equal(checkRegister(good).valid, true);
    const bad = new HistoryBuilder().op({ process: 0, f: 'write', invoke: 2 }).op({ process: 1, f: 'cas', invoke: [2, 3] }).op({ process: 0, f: 'read', invoke: null, complete: 2 }).build();
    assert.equal(checkRegister(bad).valid, false);
  });
});
