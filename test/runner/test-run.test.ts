import { strict as assert } from 'assert';
import { HistoryOp } from '../../src/checker/history';
import { echoBench } from '../../workloads/echo/bench';
import { linKvBench } from '../../workloads/lin-kv/bench';
import { replyLine, sharedKvLogic, SimHost } from './sim-host';
import { runVirtual } from './virtual-run';

const SEED = Number(process.env.SEED ?? 2024);
const N3 = ['n0', 'n1', 'n2'];

const clientOps = (h: HistoryOp[]): HistoryOp[] => h.filter((o) => o.process !== 'nemesis');

describe(`TestRun on a virtual clock (SEED=${SEED})`, () => {
  it('sends init with node_id/node_ids from init clients c0..c(N-1); workers get c(2N)...; worker t is bound to nodes[t mod N]', async () => {
    const hosts = new Map<string, SimHost>();
    const store = new Map<string, unknown>();
    const { outcome } = await runVirtual({
      workload: linKvBench,
      nodes: N3,
      concurrency: 6,
      rate: 200,
      timeLimitMs: 500,
      seed: SEED,
      host: (id, s) => {
        const h = new SimHost(id, s, sharedKvLogic(store));
        hosts.set(id, h);
        return h;
      },
    });
    const inits = N3.map((id) => JSON.parse(hosts.get(id)?.received[0] ?? '{}'));
    inits.forEach((m, i) => {
      assert.equal(m.body.type, 'init');
      assert.equal(m.body.msg_id, 1);
      assert.equal(m.body.node_id, N3[i]);
      assert.deepEqual(m.body.node_ids, N3);
      assert.equal(m.src, `c${i}`);
      assert.equal(typeof m.id, 'number');
    });
    const workerClients = new Set<string>();
    for (const id of N3) for (const line of hosts.get(id)?.received.slice(1) ?? []) workerClients.add(`${JSON.parse(line).src}@${id}`);
    // 6 workers: c6..c11, each talking to exactly one node.
    const byClient = new Map<string, Set<string>>();
    for (const x of workerClients) {
      const [c, n] = x.split('@');
      byClient.set(c, (byClient.get(c) ?? new Set()).add(n));
    }
    assert.deepEqual([...byClient.keys()].sort(), ['c10', 'c11', 'c6', 'c7', 'c8', 'c9']);
    for (const [, ns] of byClient) assert.equal(ns.size, 1);
    for (const op of clientOps(outcome.history)) assert.equal(op.node, N3[(op.process as number) % 3]);
    assert.ok(outcome.history.length > 50);
  });

  it('replaces the process after info (process + C) and keeps the node; lin-kv read timeouts fail', async () => {
    // A node that never answers writes: every write times out -> info.
    const store = new Map<string, unknown>();
    const base = sharedKvLogic(store);
    const { outcome } = await runVirtual({
      workload: linKvBench,
      nodes: N3,
      concurrency: 6,
      rate: 50,
      timeLimitMs: 4000,
      seed: SEED,
      host: (id, s) =>
        new SimHost(id, s, (msg, emit, self) => {
          if (msg.body.type === 'write') return;
          if (msg.body.type === 'read' && self.id === 'n1') return;
          base(msg, emit, self);
        }),
    });
    const ops = clientOps(outcome.history);
    const infos = ops.filter((o) => o.type === 'info');
    assert.ok(infos.length > 0);
    for (const i of infos) {
      assert.equal(i.f, 'write');
      assert.equal(i.error, 'net-timeout');
      const later = ops.find((o) => o.index > i.index && o.type === 'invoke' && o.process === (i.process as number) + 6);
      if (later) assert.equal(later.node, i.node);
      assert.ok(!ops.some((o) => o.index > i.index && o.process === i.process && o.type === 'invoke'), 'old process never reused');
    }
    const readTimeouts = ops.filter((o) => o.f === 'read' && o.error === 'net-timeout');
    assert.ok(readTimeouts.length > 0 && readTimeouts.every((o) => o.type === 'fail'));
    // Timeout is 1 s at latency 0.
    for (const c of ops.filter((o) => o.error === 'net-timeout')) {
      const inv = ops.filter((o) => o.type === 'invoke' && o.process === c.process && o.index < c.index).pop() as HistoryOp;
      assert.equal((c.time - inv.time) / 1e6, 1000);
    }
  });

  it('respects the global rate (stagger mean 1/rate) and the time limit', async () => {
    const store = new Map<string, unknown>();
    const { outcome } = await runVirtual({
      workload: echoBench,
      nodes: ['n0'],
      concurrency: 4,
      rate: 100,
      timeLimitMs: 5000,
      seed: SEED,
      host: (id, s) => new SimHost(id, s, sharedKvLogic(store)),
    });
    const invokes = clientOps(outcome.history).filter((o) => o.type === 'invoke');
    assert.ok(Math.abs(invokes.length - 500) < 80, `${invokes.length} invokes`);
    const start = invokes[0].time;
    assert.ok(invokes.every((o) => o.time < start + 5000 * 1e6));
    const gaps = invokes.slice(1).map((o, i) => (o.time - invokes[i].time) / 1e6);
    assert.ok(gaps.every((g) => g >= 0 && g < 20 + 1e-6));
  });

  it('is deterministic: the same seed gives the same history, a different seed a different one', async () => {
    const go = async (seed: number) => {
      const store = new Map<string, unknown>();
      const { outcome } = await runVirtual({
        workload: linKvBench,
        nodes: N3,
        concurrency: 6,
        rate: 100,
        timeLimitMs: 2000,
        seed,
        nemesis: ['partition'],
        nemesisIntervalMs: 300,
        latencyMs: 5,
        latencyDist: 'exponential',
        host: (id, s) => new SimHost(id, s, sharedKvLogic(store)),
      });
      return outcome.history;
    };
    const a = await go(SEED);
    const b = await go(SEED);
    assert.deepEqual(a, b);
    assert.ok(a.some((o) => o.f === 'start-partition'));
    assert.notDeepEqual(a, await go(SEED + 1));
  });

  it('mutes a node after a non-JSON stdout line: none of its later messages are delivered', async () => {
    const { outcome, logs } = await runVirtual({
      workload: echoBench,
      nodes: ['n0'],
      concurrency: 1,
      rate: 20,
      timeLimitMs: 3000,
      seed: SEED,
      host: (id, s) => {
        let echoes = 0;
        return new SimHost(id, s, (msg, emit) => {
          if (msg.body.type === 'init') return emit(replyLine(msg, { type: 'init_ok' }));
          if (++echoes === 5) emit('console.log debugging output');
          emit(replyLine(msg, { type: 'echo_ok', echo: msg.body.echo }));
        });
      },
    });
    assert.equal(outcome.mutes.length, 1);
    assert.equal(outcome.mutes[0].node, 'n0');
    assert.match(outcome.mutes[0].reason, /not JSON/);
    assert.ok(logs.some((l) => /MUTE/.test(l)));
    const completions = clientOps(outcome.history).filter((o) => o.type !== 'invoke');
    assert.equal(completions.filter((o) => o.type === 'ok').length, 4);
    assert.ok(completions.slice(4).every((o) => o.type === 'info' && o.error === 'net-timeout'));
  });

  it('mutes a node that sends to its closed init client', async () => {
    const { outcome } = await runVirtual({
      workload: echoBench,
      nodes: ['n0'],
      concurrency: 1,
      rate: 20,
      timeLimitMs: 2000,
      seed: SEED,
      host: (id, s) => {
        let initClient = '';
        let n = 0;
        return new SimHost(id, s, (msg, emit) => {
          if (msg.body.type === 'init') {
            initClient = msg.src;
            return emit(replyLine(msg, { type: 'init_ok' }));
          }
          if (++n === 3) emit(JSON.stringify({ src: 'n0', dest: initClient, body: { type: 'hello' } }));
          emit(replyLine(msg, { type: 'echo_ok', echo: msg.body.echo }));
        });
      },
    });
    assert.equal(outcome.mutes.length, 1);
    assert.match(outcome.mutes[0].reason, /Invalid dest/);
    assert.equal(clientOps(outcome.history).filter((o) => o.type === 'ok').length, 2);
  });

  it('reports a node that exited during the test as crashed (no verdict), and an init failure as aborted', async () => {
    const { outcome } = await runVirtual({
      workload: echoBench,
      nodes: ['n0', 'n1'],
      concurrency: 2,
      rate: 10,
      timeLimitMs: 1000,
      seed: SEED,
      host: (id, s) => {
        const h: SimHost = new SimHost(id, s, (msg, emit) => {
          if (msg.body.type === 'init') {
            if (id === 'n1') s.after(300, () => h.exit(3));
            return emit(replyLine(msg, { type: 'init_ok' }));
          }
          emit(replyLine(msg, { type: 'echo_ok', echo: msg.body.echo }));
        });
        return h;
      },
    });
    assert.deepEqual(outcome.crashes.map((c) => [c.node, c.code]), [['n1', 3]]);
    const silent = await runVirtual({
      workload: echoBench,
      nodes: ['n0'],
      concurrency: 1,
      rate: 10,
      timeLimitMs: 1000,
      seed: SEED,
      host: (id, s) => new SimHost(id, s, () => undefined),
    });
    assert.match(silent.outcome.aborted ?? '', /did not answer init within 10000 ms/);
  });
});

describe('worker rotation (Jepsen context next-thread-index)', () => {
  it('offers free workers from an index bumped once per op mod C+1, so with all workers idle the order is 0,1,2,0,0,1,2,0,...', async () => {
    const { outcome } = await runVirtual({
      workload: echoBench,
      nodes: ['n0'],
      concurrency: 3,
      rate: 10,
      timeLimitMs: 1500,
      seed: 5,
      host: (id, s) => new SimHost(id, s, (msg, emit) => emit(replyLine(msg, { type: msg.body.type === 'init' ? 'init_ok' : 'echo_ok', ...(msg.body.type === 'echo' ? { echo: msg.body.echo } : {}) })), 0.01),
    });
    const threads = outcome.history.filter((o) => o.type === 'invoke').map((o) => o.process);
    assert.ok(threads.length >= 8, `${threads.length} ops`);
    const expected = [0, 1, 2, 0, 0, 1, 2, 0, 0, 1, 2, 0, 0, 1, 2, 0, 0, 1, 2, 0].slice(0, threads.length);
    assert.deepEqual(threads, expected);
  });
});
