import { strict as assert } from 'assert';
import { NetJournal } from '../../src/runner/journal';
import { HEAVY_TAIL_CAP, LatencyStartupError, makeLatency, paretoScaleFraction, PARETO_SHAPE } from '../../src/runner/latency';
import { Network, NetMessage } from '../../src/runner/network';
import { Rng } from '../../src/runner/rng';
import { VirtualScheduler } from '../../src/runner/scheduler';

function setup(latency: () => number) {
  const scheduler = new VirtualScheduler();
  const journal = new NetJournal();
  const net = new Network({ scheduler, latency, rng: new Rng(1), journal });
  const got = new Map<string, { at: number; m: NetMessage }[]>();
  for (const id of ['n1', 'n2', 'n3', 'c1', 'lin-kv']) {
    got.set(id, []);
    net.register(id, (m) => got.get(id)?.push({ at: scheduler.now(), m }));
  }
  net.setServerIds(['n1', 'n2', 'n3']);
  return { scheduler, journal, net, got };
}

describe('runner network (spec §2)', () => {
  it('gives client messages zero latency and node messages the drawn latency', () => {
    const { scheduler, net, got } = setup(() => 50);
    net.send('c1', 'n1', { type: 'read' });
    net.send('n2', 'n1', { type: 'x' });
    net.send('n2', 'lin-kv', { type: 'read' });
    scheduler.runAll();
    const n1 = got.get('n1') ?? [];
    assert.deepEqual(n1.map((x) => [x.m.src, x.at]), [['c1', 0], ['n2', 50]]);
    assert.equal(got.get('lin-kv')?.[0].at, 50);
  });

  it('numbers messages globally from 0', () => {
    const { scheduler, net, got } = setup(() => 0);
    net.send('n1', 'n2', { type: 'a' });
    net.send('n2', 'n3', { type: 'b' });
    scheduler.runAll();
    assert.equal(got.get('n2')?.[0].m.id, 0);
    assert.equal(got.get('n3')?.[0].m.id, 1);
  });

  it('blocks the head of line: a later message with an earlier deadline waits behind a sleeping one', () => {
    const lat = [100, 10];
    const { scheduler, net, got } = setup(() => lat.shift() ?? 0);
    net.send('n2', 'n1', { type: 'slow' }); // deadline 100, dequeued at once, consumer sleeps
    net.send('n3', 'n1', { type: 'fast' }); // deadline 10 but waits
    scheduler.runAll();
    assert.deepEqual((got.get('n1') ?? []).map((x) => [x.m.body.type, x.at]), [['slow', 100], ['fast', 100]]);
  });

  it('takes the drop decision at dequeue: dequeued before a partition -> delivered; during -> lost even if healed before its deadline', () => {
    const { scheduler, net, got } = setup(() => 100);
    net.send('n2', 'n1', { type: 'before' }); // dequeued now (idle consumer), delivered at 100
    net.partition(new Map([['n1', new Set(['n2'])]]));
    scheduler.runUntil(150);
    assert.deepEqual((got.get('n1') ?? []).map((x) => x.m.body.type), ['before']);
    net.send('n2', 'n1', { type: 'during' }); // dequeued at 150 while partitioned: dropped
    net.heal();
    scheduler.runAll();
    assert.deepEqual((got.get('n1') ?? []).map((x) => x.m.body.type), ['before']);
    net.send('n2', 'n1', { type: 'after' });
    scheduler.runAll();
    assert.deepEqual((got.get('n1') ?? []).map((x) => x.m.body.type), ['before', 'after']);
  });

  it('drops queued messages whose dequeue happens while partitioned, even if sent before the partition', () => {
    const { scheduler, net, got } = setup(() => 100);
    net.send('n2', 'n1', { type: 'first' }); // consumer sleeps on it until 100
    net.send('n3', 'n1', { type: 'queued' }); // still queued
    net.partition(new Map([['n1', new Set(['n3'])]]));
    scheduler.runAll();
    assert.deepEqual((got.get('n1') ?? []).map((x) => x.m.body.type), ['first']);
  });

  it('applies grudges one way only (asymmetric partitions)', () => {
    const { scheduler, net, got } = setup(() => 0);
    net.partition(new Map([['n1', new Set(['n2'])]]));
    net.send('n2', 'n1', { type: 'x' });
    net.send('n1', 'n2', { type: 'y' });
    scheduler.runAll();
    assert.equal(got.get('n1')?.length, 0);
    assert.equal(got.get('n2')?.length, 1);
  });

  it('never partitions clients or services (grudges only name server nodes)', () => {
    const { scheduler, net, got } = setup(() => 0);
    net.partition(new Map([['n1', new Set(['n2', 'n3'])]]));
    net.send('c1', 'n1', { type: 'read' });
    net.send('lin-kv', 'n1', { type: 'read_ok' });
    scheduler.runAll();
    assert.equal(got.get('n1')?.length, 2);
  });

  it('rejects unregistered src or dest', () => {
    const { net } = setup(() => 0);
    const r1 = net.send('n1', 'c99', { type: 'x' });
    const r2 = net.send('zz', 'n1', { type: 'x' });
    assert.equal(r1.ok, false);
    assert.match(r1.ok ? '' : r1.reason, /Invalid dest/);
    assert.equal(r2.ok, false);
  });

  it('journals sends and delivered receives per view; dropped messages are sent but not received', () => {
    const { scheduler, net, journal } = setup(() => 0);
    net.send('c1', 'n1', { type: 'a' });
    net.send('n1', 'n2', { type: 'b' });
    net.partition(new Map([['n3', new Set(['n1'])]]));
    net.send('n1', 'n3', { type: 'c' });
    scheduler.runAll();
    const s = journal.stats(2);
    assert.deepEqual(s.clients, { 'send-count': 1, 'recv-count': 1, 'msg-count': 1 });
    assert.deepEqual(s.servers, { 'send-count': 2, 'recv-count': 1, 'msg-count': 2, 'msgs-per-op': 1 });
    assert.equal(s.all['msgs-per-op'], 1.5);
  });

  it('loss and duplicate extensions affect only node<->node messages', () => {
    const { scheduler, net, got } = setup(() => 0);
    net.lossProbability = 1;
    net.send('n1', 'n2', { type: 'lost' });
    net.send('c1', 'n2', { type: 'kept' });
    net.send('lin-kv', 'n2', { type: 'kept' });
    net.lossProbability = 0;
    net.duplicateProbability = 1;
    net.send('n1', 'n2', { type: 'twice' });
    scheduler.runAll();
    assert.deepEqual((got.get('n2') ?? []).map((x) => x.m.body.type), ['kept', 'kept', 'twice', 'twice']);
  });

  it('onServerSend (strike-leader) hears every node->node send, lost ones too, and nothing else', () => {
    const { scheduler, net } = setup(() => 0);
    const seen: string[] = [];
    net.onServerSend = (src, dest) => seen.push(`${src}>${dest}`);
    net.send('n1', 'n2', { type: 'a' });
    net.send('c1', 'n1', { type: 'client' });
    net.send('lin-kv', 'n1', { type: 'service' });
    net.lossProbability = 1;
    net.send('n2', 'n3', { type: 'lost' });
    scheduler.runAll();
    assert.deepEqual(seen, ['n1>n2', 'n2>n3']);
  });

  it('slow extension: extra delay only on node<->node messages touching a slow node; the receiver waits behind it', () => {
    const { scheduler, net, got } = setup(() => 10);
    const extras = [500, 0];
    net.slow = { nodes: new Set(['n1']), extraMs: () => extras.shift() ?? 0 };
    net.send('n1', 'n2', { type: 'slowed' }); // 10 + 500, and n2's consumer sleeps on it (head of line)
    net.send('n1', 'n2', { type: 'fast-copy' }); // 10 + 0, but stuck behind it
    net.send('n3', 'n2', { type: 'untouched' }); // 10: neither end is slow, still stuck behind it
    net.send('c1', 'n1', { type: 'client' }); // 0: clients are never slowed
    net.send('lin-kv', 'n1', { type: 'service' }); // 10: services are not server pairs
    scheduler.runAll();
    const n2 = (got.get('n2') ?? []).map((x) => [x.m.body.type, x.at]);
    assert.deepEqual(n2, [['slowed', 510], ['fast-copy', 510], ['untouched', 510]]);
    assert.deepEqual((got.get('n1') ?? []).map((x) => [x.m.body.type, x.at]), [['client', 0], ['service', 10]]);
    net.slow = null;
    net.send('n1', 'n2', { type: 'after' });
    scheduler.runAll();
    assert.deepEqual((got.get('n2') ?? []).slice(-1).map((x) => [x.m.body.type, x.at - 510]), [['after', 10]]);
    // Queued before the first is dequeued, the fast copy does overtake: the heap orders by deadline.
    const later = setup(() => 10);
    const extra = [500, 0];
    later.net.slow = { nodes: new Set(['n2']), extraMs: () => extra.shift() ?? 0 };
    later.net.send('n3', 'n1', { type: 'blocker' }); // n1's consumer sleeps on this until 10
    later.net.send('n2', 'n1', { type: 'slowed' });
    later.net.send('n2', 'n1', { type: 'fast-copy' });
    later.scheduler.runAll();
    assert.deepEqual((later.got.get('n1') ?? []).map((x) => [x.m.body.type, x.at]), [['blocker', 10], ['fast-copy', 10], ['slowed', 510]]);
  });
});

describe('runner latency distributions (spec §2.2)', () => {
  const seed = Number(process.env.SEED ?? 42);
  it(`uniform is an integer in [0, 2*mean) with mean ~ mean (seed ${seed})`, () => {
    const draw = makeLatency('uniform', 10, new Rng(seed));
    const xs = Array.from({ length: 20000 }, draw);
    assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0 && x < 20));
    assert.equal(Math.min(...xs), 0);
    assert.equal(Math.max(...xs), 19);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.abs(mean - 9.5) < 0.3, `mean ${mean}`);
  });
  it(`exponential is truncated to integers, mean a little below the given mean (seed ${seed})`, () => {
    const draw = makeLatency('exponential', 20, new Rng(seed));
    const xs = Array.from({ length: 20000 }, draw);
    assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(mean > 18.5 && mean < 20.2, `mean ${mean}`);
  });
  it('constant is exactly the mean', () => {
    const draw = makeLatency('constant', 7, new Rng(1));
    assert.deepEqual([draw(), draw()], [7, 7]);
  });
  it('mean 0 with uniform or exponential aborts start-up like Maelstrom', () => {
    assert.throws(() => makeLatency('uniform', 0, new Rng(1)), LatencyStartupError);
    assert.throws(() => makeLatency('exponential', 0, new Rng(1)), LatencyStartupError);
    assert.doesNotThrow(() => makeLatency('constant', 0, new Rng(1)));
  });
  it(`pareto (extension): heavy-tailed, capped at ${HEAVY_TAIL_CAP}x the mean, capped mean = mean (seed ${seed})`, () => {
    const mean = 10;
    const draw = makeLatency('pareto', mean, new Rng(seed));
    const xs = Array.from({ length: 200_000 }, draw);
    const xm = paretoScaleFraction(PARETO_SHAPE, HEAVY_TAIL_CAP) * mean;
    assert.ok(Math.abs(xm - 3.664) < 0.01, `x_m ${xm}`);
    let sum = 0;
    let max = 0;
    let min = Infinity;
    let capped = 0;
    for (const x of xs) {
      sum += x;
      if (x > max) max = x;
      if (x < min) min = x;
      if (x === HEAVY_TAIL_CAP * mean) capped++;
    }
    assert.ok(Math.abs(sum / xs.length - mean) < 0.25, `mean ${sum / xs.length}`);
    assert.ok(min >= xm && max <= HEAVY_TAIL_CAP * mean, `range [${min}, ${max}]`);
    // P(X > cap) = (x_m / cap)^1.5 ~ 0.25%: the cap is hit, but rarely; the median sits well below the mean.
    assert.ok(capped > 0.0015 * xs.length && capped < 0.0035 * xs.length, `capped ${capped}`);
    const sorted = xs.slice().sort((a, b) => a - b);
    assert.ok(sorted[xs.length / 2] < 0.7 * mean, `median ${sorted[xs.length / 2]}`);
    assert.ok(sorted[Math.floor(xs.length * 0.99)] > 4 * mean, `p99 ${sorted[Math.floor(xs.length * 0.99)]}`);
    assert.deepEqual(Array.from({ length: 5 }, makeLatency('pareto', mean, new Rng(seed))), xs.slice(0, 5), 'seeded');
  });
  it(`lognormal (extension): mean ~ mean, capped (seed ${seed})`, () => {
    const draw = makeLatency('lognormal', 10, new Rng(seed));
    const xs = Array.from({ length: 100_000 }, draw);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.abs(mean - 10) < 0.2, `mean ${mean}`);
    assert.ok(xs.every((x) => x > 0 && x <= HEAVY_TAIL_CAP * 10));
  });
  it('pareto and lognormal with mean 0 are a constant 0 (no start-up error: they are ours)', () => {
    assert.deepEqual([makeLatency('pareto', 0, new Rng(1))(), makeLatency('lognormal', 0, new Rng(1))()], [0, 0]);
  });
});
