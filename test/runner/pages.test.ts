import { strict as assert } from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { HistoryOp } from '../../src/checker/history';
import { Body } from '../../src/protocol/message';
import { NetJournal } from '../../src/runner/journal';
import { LiveCounters } from '../../src/runner/live';
import { interpret, probeClientId, PROBE_EVERY_MS, StatusProbe } from '../../src/runner/live-probe';
import { MessageLog } from '../../src/runner/message-log';
import { NetMessage, Network } from '../../src/runner/network';
import { faultSpans } from '../../src/runner/pages/fault-spans';
import { BODY_TEXT_CAP } from '../../src/runner/pages/body-text';
import { messagesPage } from '../../src/runner/pages/messages-data';
import { messagesHtml } from '../../src/runner/pages/messages-html';
import { Rng } from '../../src/runner/rng';
import { VirtualScheduler } from '../../src/runner/scheduler';
import { createServeServer, resolveStorePath, runServeCommand } from '../../src/runner/serve';
import { findRuns, parseRunTimestamp } from '../../src/runner/serve-runs';
import { Browser, chromiumAvailable, CHROMIUM } from '../support/chromium';
import { NODE_BUNDLE, requireBundle } from '../support/node-process';
import { runnerBundle } from '../support/runner-bundle';

/**
 * messages.html, `serve` and `test --live`: their data and servers over plain
 * HTTP first, then the same pages in headless Chromium (skipped, with one
 * SKIPPED line, where /usr/bin/chromium is not installed; CI installs it).
 */

const ROOT = path.resolve(__dirname, '..', '..');

let skipNoted = false;
/** Call at the top of a browser test: marks it pending when there is no Chromium, saying so once. */
function needBrowser(ctx: Mocha.Context): void {
  if (chromiumAvailable()) return;
  if (!skipNoted) {
    skipNoted = true;
    console.log(`\nSKIPPED: browser page tests (test/runner/pages.test.ts): ${CHROMIUM} not found; install chromium (apt-get install chromium) to run them`);
  }
  ctx.skip();
}

interface Got {
  status: number;
  body: string;
  type: string;
}

/** GET with the path sent exactly as given (no normalisation: the traversal tests rely on it). */
function get(port: number, rawPath: string): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const op = (index: number, timeMs: number, type: HistoryOp['type'], process: HistoryOp['process'], f: string, value: unknown): HistoryOp => ({
  index,
  time: Math.round(timeMs * 1e6),
  type,
  process,
  f,
  value,
});

function msg(id: number, src: string, dest: string, body: Body): NetMessage {
  return { id, src, dest, body, deadline: 0 };
}

describe('messages.html data (no browser)', () => {
  it('MessageLog keeps send and first delivery times, skips hidden ids, flags duplicates, stops at its cap', () => {
    let now = 10;
    const log = new MessageLog(() => now, 5);
    log.hide('c-live-n0');
    log.send(msg(0, 'c1', 'n0', { type: 'read', key: 1, msg_id: 1 }));
    now = 11;
    log.send(msg(1, 'c-live-n0', 'n0', { type: 'raft_status', msg_id: 1 }));
    log.recv(msg(0, 'c1', 'n0', { type: 'read' }));
    now = 12;
    log.recv(msg(0, 'c1', 'n0', { type: 'read' }));
    log.send(msg(2, 'n0', 'n1', { type: 'raft' }));
    for (let id = 3; id < 8; id++) log.send(msg(id, 'n0', 'n1', { type: 'raft' }));
    const r = log.records();
    assert.equal(r.count, 5);
    assert.deepEqual([r.sendMs[0], r.recvMs[0]], [10, 11]);
    assert.equal(r.duplicated[0], 1);
    assert.equal(r.src[1], -1, 'the probe message is a hole');
    assert.ok(Number.isNaN(r.recvMs[2]), 'never delivered');
    assert.deepEqual(r.lanes, ['c1', 'n0', 'n1']);
    assert.equal(r.truncated, true);
  });

  it('MessageLog keeps a node\'s stdout line as the text of the message parsed from it, and only of that one', () => {
    const log = new MessageLog(() => 0);
    const line = '{"src":"n0","dest":"c1","body":{"type":"read_ok","value":3,"in_reply_to":1}}';
    const body = JSON.parse(line).body as Body;
    log.noteLine(line, body);
    log.send(msg(0, 'n0', 'c1', body));
    log.noteLine('{"src":"n0","dest":"nowhere","body":{"type":"x"}}', { type: 'x' });
    log.send(msg(1, 'c1', 'n0', { type: 'read', key: 1 }));
    const big = { type: 'raft', entries: 'x'.repeat(2000) };
    const bigLine = JSON.stringify({ src: 'n0', dest: 'n1', body: big });
    log.noteLine(bigLine, big);
    log.send(msg(2, 'n0', 'n1', big));
    const r = log.records();
    assert.equal(r.bodies[0], 'E' + line);
    assert.equal(r.bodies[1], '{"type":"read","key":1}', 'a noted line whose send never came is not attached to the next message');
    assert.ok(r.bodies[2].startsWith('{"type":"raft","entries":"xxx') && r.bodies[2].length < BODY_TEXT_CAP, 'a big line is cut down like a body');
    assert.deepEqual([...r.type].map((t) => r.types[t]), ['read_ok', 'read', 'raft']);
  });

  it('MessageLog grows past its initial capacity', () => {
    const log = new MessageLog(() => 1);
    for (let id = 0; id < 40_000; id++) log.send(msg(id, 'n0', 'n1', { type: 'x' }));
    const r = log.records();
    assert.equal(r.count, 40_000);
    assert.equal(r.src[39_999], 0);
    assert.equal(r.dest[39_999], 1);
  });

  it('faultSpans: one span per partition shape, with the cut and the nodes it hits; open faults end at the end', () => {
    const h = [
      op(0, 0, 'info', 'nemesis', 'start-partition-shift', 'majority'),
      op(1, 1, 'info', 'nemesis', 'start-partition-shift', ['isolated', { n0: ['n1', 'n2'], n1: ['n0'], n2: ['n0'] }]),
      op(2, 100, 'info', 'nemesis', 'start-partition-shift', 'majority'),
      op(3, 101, 'info', 'nemesis', 'start-partition-shift', ['isolated', { n2: ['n0', 'n1'], n0: ['n2'], n1: ['n2'] }]),
      op(4, 200, 'info', 'nemesis', 'stop-partition-shift', null),
      op(5, 201, 'info', 'nemesis', 'stop-partition-shift', 'network-healed'),
      op(6, 300, 'info', 'nemesis', 'start-kill', 'one'),
      op(7, 301, 'info', 'nemesis', 'start-kill', ['killed', ['n1']]),
    ];
    const spans = faultSpans(h, 500e6);
    assert.equal(spans.length, 3);
    assert.deepEqual([spans[0].fromNs, spans[0].toNs], [0, 101e6]);
    assert.deepEqual(spans[0].cut, { n0: ['n1', 'n2'], n1: ['n0'], n2: ['n0'] });
    assert.deepEqual([spans[1].fromNs, spans[1].toNs], [101e6, 200e6]);
    assert.deepEqual(spans[2].nodes, ['n1']);
    assert.equal(spans[2].toNs, 500e6);
    assert.match(spans[2].label, /kill one on n1/);
  });

  const sample = () => {
    let now = 0;
    const log = new MessageLog(() => now);
    const big = { type: 'raft', entries: Array.from({ length: 200 }, (_, i) => ({ term: 1, index: i, op: 'write' })), term: 3 };
    const sends: [number, string, string, Body, number | null][] = [
      [95, 'c0', 'n0', { type: 'init', node_id: 'n0', node_ids: ['n0', 'n1'], msg_id: 1 }, 96],
      [101, 'c4', 'n1', { type: 'write', key: 2, value: 3, msg_id: 1 }, 101],
      [102, 'n1', 'lin-kv', { type: 'cas', key: 2, from: 1, to: 3, msg_id: 5 }, 103],
      [103, 'lin-kv', 'n1', { type: 'error', code: 22, text: '</script><b>x</b>', in_reply_to: 5 }, 104],
      [104, 'n1', 'n0', big, null],
      [105, 'n1', 'c4', { type: 'write_ok', in_reply_to: 1 }, 105.5],
    ];
    sends.forEach(([at, src, dest, body, recv], id) => {
      now = at;
      log.send(msg(id, src, dest, body));
      if (recv !== null) {
        now = recv;
        log.recv(msg(id, src, dest, body));
      }
    });
    const history = [op(0, 0.5, 'info', 'nemesis', 'start-partition', 'one'), op(1, 0.6, 'info', 'nemesis', 'start-partition', ['isolated', { n0: ['n1'] }])];
    return messagesPage({ title: 'lin-kv test', records: log.records(), history, nodes: ['n0', 'n1', 'n2'], originMs: 100, endNs: 10e6 });
  };

  it('messagesPage: lanes nodes, then services, then clients by number; times in µs on the history clock; lost = -1; big bodies cut', () => {
    const { data, bodies } = sample();
    assert.deepEqual(data.lanes, ['n0', 'n1', 'n2', 'lin-kv', 'c0', 'c4'], 'n2 sent nothing and still has its lane');
    assert.deepEqual(data.kinds, ['node', 'node', 'node', 'service', 'client', 'client']);
    assert.equal(data.n, 6);
    assert.equal(data.t0, -5000, 'init was sent 5 ms before the client phase');
    const rows = Array.from({ length: data.n }, (_, i) => data.m.slice(i * 5, i * 5 + 5));
    assert.deepEqual(rows[0], [0, 1000, 4, 0, data.types.indexOf('init')]);
    assert.deepEqual(rows[1], [6000, 0, 5, 1, data.types.indexOf('write')]);
    assert.equal(rows[4][1], -1);
    assert.deepEqual([rows[3][2], rows[3][3]], [3, 1], 'lin-kv -> n1');
    const lines = bodies.split('\n');
    assert.equal(lines.length, 6);
    const cut = JSON.parse(lines[4]) as Record<string, unknown>;
    assert.equal(cut.term, 3);
    assert.equal(cut.entries, '[200 items]');
    assert.ok(lines[4].length < BODY_TEXT_CAP);
    assert.deepEqual(JSON.parse(lines[1]), { type: 'write', key: 2, value: 3, msg_id: 1 });
    assert.equal(data.faults.length, 1);
    assert.deepEqual(data.faults[0].cut, { n0: ['n1'] });
    assert.equal(data.ids, null);
  });

  it('messagesHtml is one self-contained file whose data blocks survive "</script>" in a body', () => {
    const page = sample();
    const html = messagesHtml(page);
    assert.ok(!/\b(src|href)\s*=\s*["']?(https?:)?\/\//i.test(html), 'no external URLs');
    assert.ok(!/<link\b/i.test(html));
    assert.equal((html.match(/<\/script>/g) ?? []).length, 3, 'only the three real script ends');
    const block = (id: string): string => {
      const m = new RegExp(`<script type="[^"]+" id="${id}">([\\s\\S]*?)</script>`).exec(html);
      assert.ok(m, id);
      return m[1];
    };
    assert.deepEqual(JSON.parse(block('msg-data')), page.data);
    const bodies = block('msg-bodies').split('\n').map((l) => JSON.parse(l) as Body);
    assert.equal(bodies[3].text, '</script><b>x</b>');
    assert.match(html, /<canvas id="diagram">/);
    assert.match(html, /window\.__diagram = \{/);
  });
});

describe('live view parts (no browser)', () => {
  it('LiveCounters: completions by second and outcome, latency from the invoke, nemesis events apart', () => {
    const c = new LiveCounters();
    const h = [
      op(0, 10, 'invoke', 0, 'read', null),
      op(1, 12, 'ok', 0, 'read', 1),
      op(2, 900, 'invoke', 1, 'write', 2),
      op(3, 1100, 'info', 1, 'write', 2),
      op(4, 1200, 'info', 'nemesis', 'start-partition', 'one'),
      op(5, 1300, 'invoke', 0, 'cas', [1, 2]),
      op(6, 1310, 'fail', 0, 'cas', [1, 2]),
    ];
    for (const o of h) c.record(o);
    assert.deepEqual(c.totals, { invoke: 3, ok: 1, fail: 1, info: 1 });
    const s = c.series();
    assert.deepEqual(s.map((b) => [b.t, b.ok, b.fail, b.info]), [[0, 1, 0, 0], [1, 0, 1, 1]]);
    assert.equal(s[0].p50, 2);
    assert.equal(s[1].max, 200);
    assert.equal(c.recent(1.5).count, 3);
    assert.deepEqual(c.lastEvents().map((e) => e.f), ['start-partition']);
  });

  it('LiveCounters: a busy second keeps a bounded latency sample, exact counts and max', () => {
    const c = new LiveCounters();
    let i = 0;
    for (let k = 0; k < 5000; k++) {
      c.record(op(i++, 100, 'invoke', 0, 'read', null));
      c.record(op(i++, 100 + (k === 1234 ? 50 : 1), 'ok', 0, 'read', 1));
    }
    const [s] = c.series(0.5);
    assert.equal(s.ok, 5000);
    assert.equal(s.max, 50);
    assert.equal(s.p50, 1);
    assert.deepEqual([c.recent(0.5).count, c.recent(0.5).max], [5000, 50]);
  });

  it('interpret: raft_status_ok, error 10 = not supported, silence, other errors', () => {
    const ok = interpret('n0', { kind: 'reply', body: { type: 'raft_status_ok', role: 'leader', term: 4, leader: 'n0', commit: 9, applied: 8, voters: ['n0', 'n1'], learners: [] } });
    assert.deepEqual(ok, { node: 'n0', state: 'ok', role: 'leader', term: 4, leader: 'n0', commit: 9, applied: 8, voters: ['n0', 'n1'], learners: [] });
    assert.equal(interpret('n0', { kind: 'reply', body: { type: 'error', code: 10, text: 'unknown' } }).state, 'unsupported');
    assert.equal(interpret('n0', { kind: 'timeout' }).state, 'silent');
    const e = interpret('n0', { kind: 'reply', body: { type: 'error', code: 11, text: 'not ready' } });
    assert.deepEqual([e.state, e.detail], ['error', 'error 11: not ready']);
  });

  it('StatusProbe: probes only when polled, at most every 500 ms, one at a time, invisible to the :net counts', () => {
    const scheduler = new VirtualScheduler();
    const journal = new NetJournal();
    const network = new Network({ scheduler, latency: () => 0, rng: new Rng(1), journal });
    const hidden: string[] = [];
    let asked = 0;
    network.register('n0', (m) => {
      asked++;
      network.send('n0', m.src, { type: 'raft_status_ok', role: 'follower', term: 1, leader: 'n1', commit: 0, applied: 0, voters: [], learners: [], in_reply_to: m.body.msg_id });
    });
    const probe = new StatusProbe(network, scheduler, ['n0'], (id) => {
      hidden.push(id);
      journal.hide(id);
    });
    assert.deepEqual(probe.poll(), [{ node: 'n0', state: 'pending' }], 'not enabled yet: nothing sent');
    assert.equal(asked, 0);
    assert.deepEqual(hidden, [], 'nothing hidden (no per-message check) until a probe client exists');
    probe.enable();
    probe.poll();
    probe.poll();
    assert.equal(asked, 1, 'a second poll within 500 ms sends nothing');
    scheduler.runUntil(PROBE_EVERY_MS);
    const [s] = probe.poll();
    assert.equal(asked, 2);
    assert.equal(s.state, 'ok');
    assert.equal(s.leader, 'n1');
    assert.deepEqual(hidden, [probeClientId('n0')]);
    assert.equal(journal.stats(0).all['send-count'], 0, 'probe traffic is not counted');
  });
});

describe('serve (no browser)', function () {
  this.timeout(20_000);
  let tmp = '';
  let store = '';
  let server: http.Server | null = null;
  let port = 0;
  const runA = 'lin-kv/20261201T100000.000Z';
  const runB = 'echo/20261201T110000.000Z';
  const runHunt = 'hunt/20261201T090000.000Z-seed5/run-0000/lin-kv/20261201T090001.000Z';

  const writeRun = (rel: string, results: Record<string, unknown> | null, nodes: string[]): void => {
    const dir = path.join(store, rel);
    fs.mkdirSync(path.join(dir, 'node-logs'), { recursive: true });
    for (const n of nodes) fs.writeFileSync(path.join(dir, 'node-logs', `${n}.log`), `${n} log\n`);
    fs.writeFileSync(path.join(dir, 'history.jsonl'), '{"index":0}\n');
    fs.writeFileSync(path.join(dir, 'messages.html'), '<!doctype html><title>m</title>');
    fs.writeFileSync(path.join(dir, 'rate.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    if (results) fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(results));
  };

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-serve-'));
    store = path.join(tmp, 'store');
    writeRun(runA, { valid: false, stats: { count: 123 }, availability: { 'ok-fraction': 0.5 } }, ['n0', 'n1', 'n2']);
    writeRun(runB, { valid: true, stats: { count: 7 }, availability: { 'ok-fraction': 1 } }, ['n0']);
    writeRun(runHunt, null, ['n0', 'n1', 'n2', 'n3', 'n4']);
    fs.symlinkSync(runA, path.join(store, 'latest'));
    fs.writeFileSync(path.join(tmp, 'secret.txt'), 'outside the store\n');
    fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(store, 'escape.txt'));
    server = createServeServer(store);
    await new Promise<void>((resolve) => (server as http.Server).listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('findRuns: every run once (symlinks not followed), newest first, summarised from its files', () => {
    const runs = findRuns(store);
    assert.deepEqual(runs.map((r) => r.rel), [runB, runA, runHunt]);
    assert.deepEqual(
      runs.map((r) => [r.workload, r.nodes, r.verdict, r.ops, r.availability]),
      [['echo', 1, 'valid', 7, 1], ['lin-kv', 3, 'invalid', 123, 0.5], ['lin-kv', 5, 'none', null, null]],
    );
    assert.equal(parseRunTimestamp('20261201T162052.631Z-2'), Date.UTC(2026, 11, 1, 16, 20, 52, 631));
    assert.equal(parseRunTimestamp('latest'), null);
  });

  it('the index lists each run with its verdict, and every link on it answers 200', async () => {
    const index = await get(port, '/');
    assert.equal(index.status, 200);
    assert.match(index.type, /text\/html/);
    assert.equal((index.body.match(/<tr class="run">/g) ?? []).length, 3);
    assert.match(index.body, /<td class="invalid">invalid<\/td><td class="num">123<\/td><td class="num">50\.0 %<\/td>/);
    assert.ok(index.body.indexOf(runB) < index.body.indexOf(runA), 'newest first');
    const links = [...index.body.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(links.includes(`/store/${runA}/messages.html`));
    assert.ok(links.length >= 10);
    for (const link of new Set(links)) assert.equal((await get(port, link)).status, 200, link);
    const runPage = await get(port, `/store/${runA}/`);
    assert.match(runPage.body, /verdict <span class="invalid">invalid/);
    const sublinks = [...runPage.body.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(sublinks.includes(`/store/${runA}/node-logs/`));
    for (const link of new Set(sublinks)) assert.equal((await get(port, link)).status, 200, link);
    assert.equal((await get(port, `/store/${runA}/node-logs/n1.log`)).body, 'n1 log\n');
    assert.match((await get(port, `/store/${runA}/rate.svg`)).type, /image\/svg\+xml/);
    assert.equal((await get(port, '/store/latest/history.jsonl')).status, 200, 'a symlink inside the store is fine');
  });

  it('refuses to leave the store: .., encoded .., symlinks out; 404 for what is not there', async () => {
    for (const p of ['/store/../secret.txt', '/store/..%2fsecret.txt', '/store/%2e%2e/secret.txt', '/store/lin-kv/..%2F..%2F..%2Fsecret.txt', '/store/escape.txt', '/store/%00']) {
      const r = await get(port, p);
      assert.equal(r.status, 403, p);
      assert.ok(!r.body.includes('outside the store\n') || r.body === 'outside the store\n');
    }
    assert.equal((await get(port, '/store/nope.txt')).status, 404);
    assert.equal((await get(port, '/etc/passwd')).status, 404);
    const root = fs.realpathSync(store);
    assert.equal(resolveStorePath(root, '..%2F..%2Fetc'), null);
    assert.equal(resolveStorePath(root, '%E0%A4%A'), null, 'malformed escapes');
  });

  it('serve: a port in use, bad flags and a missing store are refused with a message and exit 254', async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    assert.equal(await runServeCommand(['--store', store, '--port', String(port)], io), 254);
    assert.match(lines.join('\n'), new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use; pick another with --port`));
    assert.equal(await runServeCommand(['--port', 'eighty'], io), 254);
    assert.match(lines.join('\n'), /--port: expected an integer from 0 to 65535, got "eighty"/);
    assert.equal(await runServeCommand(['--store', path.join(tmp, 'nothing')], io), 254);
    assert.match(lines.join('\n'), /no such directory/);
    assert.equal(await runServeCommand(['--bogus'], io), 254);
    assert.equal(await runServeCommand(['--help'], io), 0);
    assert.match(lines.join('\n'), /Usage: maelstrom-local serve \[--store DIR\] \[--host 127\.0\.0\.1\] \[--port 8080\]/);
  });

  it('test --live on a port in use: refused before the test starts, exit 254, no store directory', async () => {
    const runStore = path.join(tmp, 'live-busy');
    const args = [runnerBundle(), 'test', '-w', 'echo', '--bin', path.join(ROOT, 'test', 'fixtures', 'echo-node.js'), '--node-count', '1'];
    args.push('--time-limit', '1', '--live', String(port), '--store', runStore);
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      c.stderr.setEncoding('utf8');
      c.stderr.on('data', (d: string) => (stderr += d));
      c.on('exit', (code) => resolve({ code, stderr }));
    });
    assert.equal(r.code, 254, r.stderr);
    assert.match(r.stderr, new RegExp(`--live: port ${port} on 127\\.0\\.0\\.1 is in use; pick another with --live`));
    assert.ok(!fs.existsSync(runStore));
  });

  it('the index in Chromium: the runs table, no console errors', async function () {
    needBrowser(this);
    const browser = await Browser.launch();
    try {
      const page = await browser.newPage(1200, 500);
      await page.navigate(`http://127.0.0.1:${port}/`);
      assert.equal(await page.evaluate<number>('document.querySelectorAll("tr.run").length'), 3);
      assert.equal(await page.evaluate<string>('document.querySelector("tr.run td.valid").textContent'), 'valid');
      await page.navigate(`http://127.0.0.1:${port}/store/${runA}/`);
      assert.ok((await page.evaluate<number>('document.querySelectorAll("li a").length')) >= 4);
      assert.deepEqual(page.errors(), []);
      page.close();
    } finally {
      await browser.close();
    }
  });
});

/** A real run of the bundled runner against our node, with --live, shared by the tests below. */
describe('a real lin-kv run: --live, messages.html (end to end)', function () {
  this.timeout(60_000);
  let tmp = '';
  let child: ChildProcess | null = null;
  let liveUrl = '';
  let stdout = '';
  let exit: Promise<number | null> = Promise.resolve(null);
  // Long enough for the browser test to open the live page while the run is still going on a loaded machine.
  const TIME_LIMIT_S = 8;

  before(async function () {
    requireBundle();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-pages-'));
    const cli = runnerBundle();
    const args = [cli, 'test', '-w', 'lin-kv', '--bin', NODE_BUNDLE, '--node-count', '3', '--concurrency', '2n', '--rate', '60'];
    args.push('--time-limit', String(TIME_LIMIT_S), '--nemesis', 'partition', '--nemesis-interval', '1', '--seed', '7', '--live', '0', '--store', path.join(tmp, 'store'));
    const c = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    exit = new Promise((resolve) => c.on('exit', (code) => resolve(code)));
    c.stdout?.setEncoding('utf8');
    c.stderr?.setEncoding('utf8');
    c.stderr?.on('data', (s: string) => (stdout += s));
    liveUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "Live view:" line; output so far:\n${stdout}`)), 15_000);
      c.stdout?.on('data', (s: string) => {
        stdout += s;
        const m = /Live view: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      c.on('exit', () => reject(new Error(`runner exited early:\n${stdout}`)));
    });
  });
  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const liveJson = async (): Promise<{ phase: string; elapsedS: number; totals: { ok: number }; status: { node: string; state: string; role?: string }[] }> => {
    const port = Number(new URL(liveUrl).port);
    return JSON.parse((await get(port, '/live.json')).body) as Awaited<ReturnType<typeof liveJson>>;
  };

  it('live.json moves while the test runs and every node answers raft_status', async () => {
    let s = await liveJson();
    const until = Date.now() + 10_000;
    while ((s.phase !== 'running' || s.status.some((n) => n.state !== 'ok') || s.totals.ok === 0) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      s = await liveJson();
    }
    assert.equal(s.phase, 'running');
    assert.deepEqual(s.status.map((n) => n.state), ['ok', 'ok', 'ok'], JSON.stringify(s.status));
    assert.ok(s.status.every((n) => ['leader', 'follower', 'candidate', 'pre-candidate'].includes(String(n.role))), JSON.stringify(s.status));
    await new Promise((r) => setTimeout(r, 600));
    const later = await liveJson();
    assert.ok(later.elapsedS > s.elapsedS);
    assert.ok(later.totals.ok >= s.totals.ok);
  });

  it('the live page updates in Chromium while the test runs, without console errors', async function () {
    needBrowser(this);
    const browser = await Browser.launch();
    try {
      const page = await browser.newPage(1200, 900);
      await page.navigate(liveUrl);
      await page.waitFor('window.__live && window.__live.updates >= 3 && window.__live.last.phase === "running"', 8000);
      const first = await page.evaluate<number>('window.__live.last.elapsedS');
      await page.waitFor(`window.__live.last.elapsedS > ${first + 0.4}`, 5000);
      assert.equal(await page.evaluate<number>('document.querySelectorAll("#nodes tr.node-ok").length'), 3);
      assert.match(await page.evaluate<string>('document.getElementById("ok").textContent'), /^\d+$/);
      assert.deepEqual(page.errors(), []);
      page.close();
    } finally {
      await browser.close();
    }
  });

  let dir = '';
  it('after the run: messages.html holds the run, the probes are in neither the history nor the diagram', async () => {
    const code = await exit;
    assert.ok(code === 0 || code === 1, `exit ${code}\n${stdout}`);
    dir = fs.realpathSync(path.join(tmp, 'store', 'latest'));
    const html = fs.readFileSync(path.join(dir, 'messages.html'), 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="msg-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? 'null') as {
      lanes: string[];
      n: number;
      types: string[];
      faults: unknown[];
    };
    assert.deepEqual(data.lanes.slice(0, 3), ['n0', 'n1', 'n2']);
    assert.ok(!data.lanes.some((l) => l.startsWith('c-live')), data.lanes.join(','));
    assert.ok(!data.types.includes('raft_status') && !data.types.includes('raft_status_ok'));
    assert.ok(data.n > 500, String(data.n));
    assert.ok(data.faults.length > 0);
    assert.ok(!fs.readFileSync(path.join(dir, 'history.jsonl'), 'utf8').includes('raft_status'));
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as { net: { all: { 'send-count': number } } };
    assert.equal(results.net.all['send-count'], data.n, 'the :net count is the messages of the test, probes excluded');
  });

  it('messages.html in Chromium: lanes, arrows when zoomed in, aggregates when not, no console errors', async function () {
    needBrowser(this);
    assert.ok(dir, 'needs the previous test');
    const browser = await Browser.launch();
    try {
      const page = await browser.newPage(1280, 800);
      const file = 'file://' + path.join(dir, 'messages.html');
      await page.navigate(file);
      await page.waitFor('window.__diagram && window.__diagram.ready', 10_000);
      const whole = await page.evaluate<{ lanes: number; mode: string; drawnBuckets: number; drawnArrows: number }>('window.__diagram');
      assert.ok(whole.lanes >= 3 + 6);
      assert.ok(whole.drawnBuckets > 0 || whole.drawnArrows > 0);
      await page.evaluate('location.hash = "#t=2000-2080"');
      await page.waitFor('window.__diagram.from === 2000 && window.__diagram.draws >= 2', 5000);
      const zoomed = await page.evaluate<{ mode: string; drawnArrows: number; drawnLabels: number }>('window.__diagram');
      assert.equal(zoomed.mode, 'arrows');
      assert.ok(zoomed.drawnArrows > 0 && zoomed.drawnLabels > 0, JSON.stringify(zoomed));
      // Hover the middle of a drawn arrow: the box shows who sent what, and the full body.
      const box = await page.evaluate<{ left: number; top: number; a: number[] }>(
        '(() => { const r = document.getElementById("diagram").getBoundingClientRect(); return { left: r.left, top: r.top, a: window.__diagram.sampleArrow }; })()',
      );
      const [x1, y1, x2, y2] = box.a;
      await page.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: box.left + (x1 + x2) / 2, y: box.top + (y1 + y2) / 2 });
      await page.waitFor('document.getElementById("tip").style.display === "block"', 5000);
      assert.match(await page.evaluate<string>('document.getElementById("tip").textContent'), /^#\d+ {2}\S+ → \S+\nsent [\s\S]*"type":/);
      // Zoom with the wheel.
      await page.send('Input.dispatchMouseEvent', { type: 'mouseWheel', x: 600, y: 400, deltaX: 0, deltaY: -300 });
      await page.waitFor('window.__diagram.to - window.__diagram.from < 79', 5000);
      assert.deepEqual(page.errors(), []);
      page.close();
    } finally {
      await browser.close();
    }
  });
});
