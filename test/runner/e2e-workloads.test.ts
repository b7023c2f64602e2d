import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import execa from 'execa';
import { runnerBundle } from '../support/runner-bundle';

/**
 * End to end for the broadcast / g-set / counter / kafka workloads: the
 * bundled CLI against scripted fixture nodes (test/fixtures/), a correct one
 * (valid, exit 0) and broken ones (invalid for the reason the checker names,
 * exit 1). Short runs: a 2-3 s client phase and a 1 s --recovery-time
 * (the fixtures gossip every 100 ms: ten rounds, with room for a loaded machine).
 */
const ROOT = path.resolve(__dirname, '..', '..');
const FIX = path.join(ROOT, 'test', 'fixtures');
const SEED = Number(process.env.SEED ?? 4242);

describe(`maelstrom-local end to end: broadcast, g-set, counters, kafka (SEED=${SEED})`, function () {
  this.timeout(60_000);
  let tmp = '';
  let cli = '';

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-e2e-w-'));
    cli = runnerBundle();
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const run = async (args: string[]) => {
    const r = await execa('node', [cli, ...args, '--store', path.join(tmp, 'store')], { reject: false, cwd: ROOT });
    return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  };
  const latest = (f: string) => path.join(tmp, 'store', 'latest', f);
  const results = () => JSON.parse(fs.readFileSync(latest('results.json'), 'utf8'));
  const history = (): Record<string, unknown>[] =>
    fs.readFileSync(latest('history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const test = (workload: string, fixture: string, extra: string[] = []) =>
    run(['test', '-w', workload, '--bin', path.join(FIX, fixture), '--node-count', '3', '--time-limit', '2', '--rate', '20', '--recovery-time', '1', '--seed', String(SEED), ...extra]);

  it('broadcast: gossiping node on 5 nodes under partitions -> valid; topology sent; one final read per worker', async () => {
    const r = await test('broadcast', 'broadcast-gossip.js', ['--node-count', '5', '--nemesis', 'partition', '--nemesis-interval', '0.5', '--log-net-recv']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const res = results();
    assert.equal(res.workload.valid, true);
    assert.equal(res.workload['lost-count'], 0);
    assert.ok(res.workload['stable-count'] > 0);
    for (const q of ['0', '0.5', '0.95', '0.99', '1']) assert.equal(typeof res.workload['stable-latencies'][q], 'number', q);
    assert.ok(res.net.servers['msgs-per-op'] > 0);
    const h = history();
    const finals = h.filter((o) => o.final === true && o.type === 'invoke');
    assert.equal(finals.length, 5);
    assert.ok(finals.every((o) => o.f === 'read'));
    // The heal precedes the final reads.
    const lastHeal = h.map((o) => o.f).lastIndexOf('stop-partition');
    assert.ok(lastHeal >= 0 && lastHeal < h.indexOf(finals[0]));
    const log = fs.readFileSync(latest('jepsen.log'), 'utf8');
    assert.match(log, /:recv \{"id":\d+,"src":"c\d+","dest":"n0","body":\{"type":"topology","topology":\{"n0":\["n3","n1"\]/);
  });

  it('broadcast: node that never gossips -> invalid with lost messages, exit 1', async () => {
    const r = await test('broadcast', 'broadcast-local-only.js');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const w = results().workload;
    assert.equal(w.valid, false);
    assert.ok(w['lost-count'] > 0 && w.lost.length === w['lost-count']);
  });

  it('g-set: CRDT node -> valid; node that drops multiples of 7 -> lost [0, 7, ...], exit 1', async () => {
    const ok = await test('g-set', 'g-set-gossip.js');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(results().workload['lost-count'], 0);
    const bad = await test('g-set', 'g-set-forgetful.js');
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    const w = results().workload;
    assert.ok(w.lost.length > 0 && w.lost.every((e: number) => e % 7 === 0), JSON.stringify(w.lost));
  });

  it('pn-counter: CRDT node -> valid; double-counting merge and local-only counts -> final reads outside acceptable', async () => {
    const ok = await test('pn-counter', 'pn-counter-crdt.js');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const w = results().workload;
    assert.equal(w['final-reads'].length, 3);
    assert.ok(w['final-reads'].every((v: number) => w.acceptable.some(([lo, hi]: number[]) => lo <= v && v <= hi)));
    for (const broken of ['pn-counter-double-count.js', 'counter-local-only.js']) {
      const bad = await test('pn-counter', broken);
      assert.equal(bad.code, 1, broken + bad.stdout + bad.stderr);
      assert.ok(results().workload.errors.length > 0, broken);
    }
  });

  it('g-counter: node over seq-kv -> valid with non-negative deltas only; local-only counts -> invalid', async () => {
    const ok = await test('g-counter', 'g-counter-seq-kv.js');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.ok(history().every((o) => o.f !== 'add' || (typeof o.value === 'number' && o.value >= 0)));
    const bad = await test('g-counter', 'counter-local-only.js');
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.equal(results().workload.valid, false);
  });

  it('kafka: single-log node -> valid (final polls see every message; crash ops do not fail :stats)', async () => {
    const r = await test('kafka', 'kafka-single-log.js', ['--time-limit', '3', '--rate', '50']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const res = results();
    assert.deepEqual([res.workload.valid, res.workload['error-types'], res.stats.valid], [true, [], true]);
    const h = history();
    const finals = h.filter((o) => o.final === true && o.type === 'invoke');
    assert.deepEqual(finals.filter((o) => o.f === 'crash').length, 3);
    assert.ok(finals.some((o) => o.f === 'assign' && o['seek-to-beginning?'] === true));
    assert.ok(h.some((o) => o.f === 'poll' && o.type === 'ok' && JSON.stringify(o.value) !== '[["poll",{}]]'));
  });

  it('kafka: broken nodes -> invalid for the reason the checker names', async () => {
    const cases: [string, string[]][] = [
      ['kafka-skip.js', ['lost-write', 'unseen']],
      ['kafka-redeliver.js', ['nonmonotonic-poll']],
      ['kafka-dup-offset.js', ['inconsistent-offsets']],
    ];
    for (const [fixture, expected] of cases) {
      const r = await test('kafka', fixture, ['--time-limit', '3', '--rate', '50']);
      assert.equal(r.code, 1, fixture + r.stdout + r.stderr);
      const w = results().workload;
      for (const t of expected) assert.ok(w['bad-error-types'].includes(t), `${fixture}: ${t} not in ${JSON.stringify(w['bad-error-types'])}`);
      assert.ok(w[expected[0]].count > 0);
    }
  });

  it('bad input: unknown --topology exits 254 naming the choices; --help lists every workload', async () => {
    const r = await test('broadcast', 'broadcast-gossip.js', ['--topology', 'ring']);
    assert.equal(r.code, 254);
    assert.match(r.stderr, /--topology: unknown topology "ring"; expected one of line, grid, tree, tree2, tree3, tree4, total/);
    const help = await run(['test', '--help']);
    for (const w of ['lin-kv', 'txn-list-append', 'txn-rw-register', 'echo', 'unique-ids', 'broadcast', 'g-set', 'g-counter', 'pn-counter', 'kafka']) {
      assert.ok(help.stdout.includes(w), w);
    }
  });

  it('--test-count 2 runs twice (two stored runs), stopping early only on a bad verdict', async () => {
    const ok = await run(['test', '-w', 'echo', '--bin', path.join(FIX, 'echo-node.js'), '--node-count', '1', '--time-limit', '0.5', '--test-count', '2', '--seed', '5']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal((ok.stdout.match(/Everything looks good/g) ?? []).length, 2);
    assert.match(ok.stdout, /Seed: 5 [\s\S]*Seed: 6 /);
    const bad = await test('g-set', 'g-set-forgetful.js', ['--test-count', '3']);
    assert.equal(bad.code, 1);
    assert.equal((bad.stdout.match(/Analysis invalid/g) ?? []).length, 1);
  });
});
