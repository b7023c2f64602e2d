/**
 * EDN in and out, history files, stats and availability.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EdnError, historyFromEdn, historyToEdn, parseEdn, resultsToEdn } from '../../src/checker/edn';
import { HistoryFileError, parseHistoryText, readHistoryFile } from '../../src/checker/history-io';
import { checkAvailability, checkStats } from '../../src/checker/stats';
import { HistoryOp } from '../../src/checker/history';
import { HistoryBuilder, txn } from './builders';

describe('checker: EDN', function () {
  it('parses the EDN forms Jepsen writes', function () {
    assert.deepEqual(parseEdn('{:a 1, :b [nil true false] :c #{:x} :d "s\\"q" :e (1 2) :f -3.5 :g 7N}'), {
      a: 1, b: [null, true, false], c: ['x'], d: 's"q', e: [1, 2], f: -3.5, g: 7,
    });
    assert.deepEqual(parseEdn('; comment\n#jepsen.history.Op{:type :ok, :value #_ignored [1]}'), { type: 'ok', value: [1] });
    assert.deepEqual(parseEdn('{1 :one}'), { 1: 'one' });
  });

  it('reports malformed EDN with a position', function () {
    assert.throws(() => parseEdn('{:a [1 2}'), EdnError);
    assert.throws(() => parseEdn('[1 2'), /missing \]/);
    assert.throws(() => parseEdn('{:a}'), /odd number/);
    assert.throws(() => parseEdn('"abc'), /unterminated string/);
  });

  it('reads histories as one vector or one map per line', function () {
    const vec = historyFromEdn('[{:process 0, :type :invoke, :f :read, :value nil}\n {:process 0, :type :ok, :f :read, :value 3}]');
    const lines = historyFromEdn('{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value 3}\n');
    assert.deepEqual(vec, lines);
    assert.deepEqual(vec.map((o) => [o.index, o.type, o.process, o.f, o.value]), [[0, 'invoke', 0, 'read', null], [1, 'ok', 0, 'read', 3]]);
    assert.equal(historyFromEdn('[{:process :nemesis, :type :info, :f :kill, :value nil}]')[0].process, 'nemesis');
    assert.throws(() => historyFromEdn('[{:process 0, :type :done, :f :read}]'), /:type/);
  });

  it('round-trips our history through history.edn, with keywords where Jepsen has them', function () {
    const h: HistoryOp[] = new HistoryBuilder()
      .op(txn(0, [['r', 9, [1, 2]], ['append', 9, 3]]))
      .invoke(1, 'cas', [7, [1, 4]]).complete(1, 'fail', 'cas', [7, [1, 4]])
      .build();
    h[3].error = ['precondition-failed', 'expected 1, had 2'];
    h.push({ index: 4, time: 4000, type: 'info', process: 'nemesis', f: 'start-partition', value: { n0: ['n1'] } });
    const edn = historyToEdn(h);
    assert.match(edn, /:type :invoke, :process 0, :f :txn, :value \[\[:r 9 nil\] \[:append 9 3\]\]/);
    assert.match(edn, /:error \[:precondition-failed "expected 1, had 2"\]/);
    assert.match(edn, /:process :nemesis/);
    assert.equal(edn.trim().split('\n').length, 5);
    assert.deepEqual(historyFromEdn(edn), h);
  });

  it('writes results.edn with :valid? and keyword anomaly types', function () {
    const edn = resultsToEdn({ valid: 'unknown', workload: { valid: false, 'anomaly-types': ['G1c'], not: ['read-committed'], results: { 0: { valid: true } } }, stats: { valid: true, count: 3 } });
    assert.match(edn, /:valid\? :unknown/);
    assert.match(edn, /:valid\? false/);
    assert.match(edn, /:anomaly-types \[:G1c\]/);
    assert.match(edn, /:not #\{:read-committed\}/);
    assert.match(edn, /:results \{0 \{:valid\? true\}\}/);
    // And it parses back.
    const back = parseEdn(edn) as Record<string, unknown>;
    assert.equal(back['valid?'], 'unknown');
  });
});

describe('checker: history files', function () {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'checker-io-'));
  after(function () { fs.rmSync(tmp, { recursive: true, force: true }); });

  it('reads .jsonl and .edn by content', function () {
    const jsonl = path.join(tmp, 'h.txt');
    fs.writeFileSync(jsonl, '{"index":0,"time":1,"type":"invoke","process":0,"f":"read","value":[0,null]}\n{"index":1,"time":2,"type":"ok","process":0,"f":"read","value":[0,1]}\n');
    const edn = path.join(tmp, 'h2.txt');
    fs.writeFileSync(edn, '{:index 0 :time 1 :type :invoke :process 0 :f :read :value [0 nil]}\n{:index 1 :time 2 :type :ok :process 0 :f :read :value [0 1]}\n');
    assert.deepEqual(readHistoryFile(jsonl), readHistoryFile(edn));
    const array = path.join(tmp, 'h3.json');
    fs.writeFileSync(array, JSON.stringify(readHistoryFile(jsonl)));
    assert.deepEqual(readHistoryFile(array), readHistoryFile(jsonl));
  });

  it('explains bad input', function () {
    assert.throws(() => parseHistoryText('{"type":"invoke","process":0,"f":"read"}\n{oops', 'h.jsonl'), /h\.jsonl:2: not valid JSON/);
    assert.throws(() => parseHistoryText('{"type":"begin","process":0,"f":"read"}', 'h.jsonl'), /"type" is "begin"/);
    assert.throws(() => parseHistoryText('', 'h.jsonl'), /empty history/);
    assert.throws(() => parseHistoryText('hello world', 'x'), HistoryFileError);
    assert.throws(() => readHistoryFile(path.join(tmp, 'missing.jsonl')), /cannot read history file/);
  });
});

describe('checker: stats and availability', function () {
  const h = () => new HistoryBuilder()
    .op({ process: 0, f: 'read', invoke: [0, null], complete: [0, null] })
    .op({ process: 0, f: 'write', invoke: [0, 1], type: 'fail' })
    .op({ process: 1, f: 'write', invoke: [0, 2] })
    .op({ process: 1, f: 'cas', invoke: [0, [2, 3]], type: 'info' });

  it('every f needs at least one ok', function () {
    const bad = checkStats(h().build());
    assert.equal(bad.valid, false);
    assert.deepEqual([bad.count, bad['ok-count'], bad['fail-count'], bad['info-count']], [4, 2, 1, 1]);
    const byF = bad['by-f'] as Record<string, { valid: boolean; count: number }>;
    assert.equal(byF.cas.valid, false);
    assert.equal(byF.write.valid, true);
    const good = checkStats(h().op({ process: 2, f: 'cas', invoke: [0, [2, 3]] }).build());
    assert.equal(good.valid, true);
  });

  it('availability: ok / invocations against total or a fraction', function () {
    const hist = h().invoke(3, 'read', [0, null]).build(); // 5 invokes, 2 ok
    assert.deepEqual(checkAvailability(hist), { valid: true, 'ok-fraction': 0.4 });
    assert.equal(checkAvailability(hist, 'total').valid, false);
    assert.equal(checkAvailability(hist, 0.4).valid, true);
    assert.equal(checkAvailability(hist, 0.5).valid, false);
    assert.equal(checkAvailability([], 'total').valid, true);
    assert.equal(checkAvailability(hist, 2).valid, 'unknown');
  });
});
