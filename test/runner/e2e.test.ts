import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import execa from 'execa';
import { runnerBundle } from '../support/runner-bundle';

/**
 * End to end: the bundled CLI against the fixture nodes in test/fixtures/,
 * real processes over real pipes. Each run is 2-3 s of test time.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const FIX = path.join(ROOT, 'test', 'fixtures');
const SEED = Number(process.env.SEED ?? 4242);

describe(`maelstrom-local end to end (SEED=${SEED})`, function () {
  this.timeout(60_000);
  let tmp = '';
  let cli = '';

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-e2e-'));
    cli = runnerBundle();
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const run = async (args: string[]) => {
    const r = await execa('node', [cli, ...args, '--store', path.join(tmp, 'store')], { reject: false, cwd: ROOT });
    return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  };
  const results = () => JSON.parse(fs.readFileSync(path.join(tmp, 'store', 'latest', 'results.json'), 'utf8'));
  const history = () =>
    fs.readFileSync(path.join(tmp, 'store', 'latest', 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const linKv = (fixture: string, extra: string[] = []) =>
    run(['test', '-w', 'lin-kv', '--bin', path.join(FIX, fixture), '--node-count', '3', '--concurrency', '2n', '--time-limit', '2', '--rate', '100', '--seed', String(SEED), ...extra]);

  it('correct lin-kv node (relays to the lin-kv service) under partitions -> valid, exit 0, full store', async () => {
    const r = await linKv('lin-kv-correct.js', ['--nemesis', 'partition', '--nemesis-interval', '1']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Everything looks good! ヽ\(‘ー`\)ノ$/);
    assert.match(r.stdout, new RegExp(`Seed: ${SEED}`));
    const res = results();
    assert.equal(res.valid, true);
    for (const k of ['perf', 'timeline', 'exceptions', 'stats', 'availability', 'net', 'workload']) assert.ok(k in res, k);
    assert.ok(res.net.all['msgs-per-op'] > 0 && res.net.servers['msgs-per-op'] > 0 && !('msgs-per-op' in res.net.clients));
    assert.ok(res.perf.latency.read.p50 >= 0);
    const dir = fs.realpathSync(path.join(tmp, 'store', 'latest'));
    for (const f of ['history.jsonl', 'results.json', 'latency-raw.svg', 'rate.svg', 'timeline.html', 'node-logs/n0.log', 'jepsen.log']) {
      assert.ok(fs.existsSync(path.join(dir, f)), f);
    }
    const h = history();
    assert.equal(h[0].process, 'nemesis');
    assert.equal(h[0].f, 'start-partition');
    assert.ok(h.filter((o) => o.process !== 'nemesis').every((o) => typeof o.node === 'string'));
  });

  it('stale-read node -> invalid, exit 1', async () => {
    const r = await linKv('lin-kv-stale-reads.js');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /Analysis invalid! \(ﾉಥ益ಥ）ﾉ ┻━┻$/);
    assert.equal(results().workload.valid, false);
  });

  it('node that acks writes from unreplicated local state -> invalid, exit 1', async () => {
    const r = await linKv('lin-kv-local-state.js');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(results().workload.valid, false);
  });

  it('node that drops every write reply -> writes info (net-timeout), stats invalid, exit 1', async () => {
    const r = await linKv('lin-kv-drop-write-replies.js');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const res = results();
    assert.equal(res.stats.valid, false);
    const writes = history().filter((o) => o.f === 'write' && o.type !== 'invoke');
    assert.ok(writes.length > 0 && writes.every((o) => o.type === 'info' && o.error === 'net-timeout'));
  });

  it('extra key in read_ok -> reads are info with an exception, not valid', async () => {
    const r = await linKv('extra-key-node.js');
    assert.notEqual(r.code, 0);
    const reads = history().filter((o) => o.f === 'read' && o.type !== 'invoke');
    // Reads answered read_ok (with the extra key) are info; reads of a missing key get error 20 -> fail.
    assert.ok(reads.length > 0 && !reads.some((o) => o.type === 'ok'));
    assert.ok(reads.some((o) => o.type === 'info' && /disallowed-key/.test(o.error)));
    assert.ok(results().exceptions.exceptions.length > 0);
  });

  it('node that exits during the test -> crashed with its last stderr lines, exit 255, no results', async () => {
    const r = await run(['test', '-w', 'echo', '--bin', path.join(FIX, 'crash-after-init.js'), '--node-count', '1', '--time-limit', '2', '--rate', '20']);
    assert.equal(r.code, 255, r.stdout + r.stderr);
    assert.match(r.stderr, /Node n0 crashed with exit status 3/);
    assert.match(r.stderr, /fixture: exiting on purpose/);
    assert.ok(!fs.existsSync(path.join(tmp, 'store', 'latest', 'results.json')));
    assert.ok(fs.existsSync(path.join(tmp, 'store', 'latest', 'history.jsonl')));
  });

  it('node that exits before answering init -> :init-failed at once with its stderr, exit 255', async () => {
    const r = await run(['test', '-w', 'echo', '--bin', path.join(FIX, 'exit-before-init.js'), '--node-count', '2', '--time-limit', '2']);
    assert.equal(r.code, 255, r.stdout + r.stderr);
    assert.match(r.stderr, /node n0 exited \(code 2, signal null\) before answering init/);
    assert.match(r.stderr, /missing --data-dir/);
  });

  it('node that prints a non-JSON line goes mute and is reported loudly', async () => {
    const r = await run(['test', '-w', 'echo', '--bin', path.join(FIX, 'mute-after-init.js'), '--node-count', '1', '--time-limit', '2', '--rate', '20']);
    assert.match(r.stderr, /node n0 is now MUTE/);
    assert.match(r.stdout, /WARNING: node n0 went MUTE/);
    assert.equal(results()['maelstrom-local']['mute-nodes'][0].node, 'n0');
  });

  it('same --seed twice against a deterministic node -> same operations and same fault schedule', async () => {
    const once = async () => {
      const r = await run(['test', '-w', 'txn-list-append', '--bin', path.join(FIX, 'txn-serial-n0.js'), '--node-count', '3', '--concurrency', '1n',
        '--time-limit', '2', '--rate', '30', '--nemesis', 'partition', '--nemesis-interval', '0.3', '--seed', String(SEED)]);
      assert.ok([0, 1, 2].includes(r.code), r.stdout + r.stderr);
      const h = history();
      return {
        ops: h.filter((o) => o.type === 'invoke' && o.process !== 'nemesis').map((o) => o.value),
        faults: h.filter((o) => o.process === 'nemesis').map((o) => [o.f, o.value]),
      };
    };
    const a = await once();
    const b = await once();
    const n = Math.min(a.ops.length, b.ops.length);
    assert.ok(n > 20);
    assert.deepEqual(a.ops.slice(0, n), b.ops.slice(0, n));
    const m = Math.min(a.faults.length, b.faults.length);
    assert.ok(m >= 4);
    assert.deepEqual(a.faults.slice(0, m), b.faults.slice(0, m));
  });

  it('correct serial txn node -> txn-rw-register valid', async () => {
    const r = await run(['test', '-w', 'txn-rw-register', '--bin', path.join(FIX, 'txn-serial-n0.js'), '--node-count', '3', '--concurrency', '2n', '--time-limit', '2', '--rate', '50']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it('extension faults kill, pause, loss, duplicate and --final-heal run against a correct node and stay valid', async () => {
    const r = await linKv('lin-kv-correct.js', ['--time-limit', '3', '--nemesis', 'kill,pause,loss,duplicate', '--nemesis-interval', '0.2', '--final-heal', '1']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const nem = history().filter((o) => o.process === 'nemesis');
    const fs_ = new Set(nem.map((o) => o.f.replace(/^(start|stop)-/, '')));
    assert.ok(fs_.size >= 3, [...fs_].join(','));
    // --final-heal 1: the run ends with every started fault stopped (the heal), even though the
    // time limit alone would leave faults active (no final heal in Maelstrom for these workloads).
    for (const kind of fs_) {
      const mine = nem.filter((o) => o.f.endsWith(`-${kind}`));
      assert.ok(mine[mine.length - 1].f.startsWith('stop-'), `${kind} left active`);
    }
    // Killed nodes were restarted: not reported as crashes.
    assert.doesNotMatch(r.stderr, /crashed/);
  });

  it('`check` re-checks a stored history through the checker command', async () => {
    await linKv('lin-kv-stale-reads.js');
    const r = await execa('node', [cli, 'check', '-w', 'lin-kv', path.join(tmp, 'store', 'latest', 'history.jsonl')], { reject: false });
    assert.equal(r.exitCode, 1, r.stdout + r.stderr);
  });

  it('bad arguments -> exit 254 with a message', async () => {
    const r1 = await run(['test', '--bin', path.join(FIX, 'echo-node.js'), '--node-count', 'abc']);
    assert.equal(r1.code, 254);
    assert.match(r1.stderr, /--node-count: expected a number/);
    const r2 = await run(['test', '-w', 'lin-kv', '--bin', path.join(FIX, 'echo-node.js'), '--node-count', '3', '--concurrency', '4']);
    assert.equal(r2.code, 254);
    assert.match(r2.stderr, /multiple of 2n/);
    const r3 = await run(['test', '-w', 'echo', '--bin', path.join(tmp, 'missing')]);
    assert.equal(r3.code, 254);
    assert.match(r3.stderr, /no such file/);
    const r4 = await run(['test', '-w', 'echo', '--bin', path.join(FIX, 'echo-node.js'), '--latency-dist', 'uniform']);
    assert.equal(r4.code, 255);
    assert.match(r4.stderr, /uniform/);
  });
});
