import { strict as assert } from 'assert';
import { HistoryOp, OpType } from '../../src/checker/history';
import { acceptableRanges, checkCounter } from '../../src/checker/counter';
import { historyToEdn, resultsToEdn } from '../../src/checker/edn';
import { checkSetFull, frequencyDistribution } from '../../src/checker/set-full';
import { parseTestArgs, UsageError } from '../../src/runner/cli';
import { EachThreadGenerator } from '../../src/runner/mix-generator';
import { mapOutcome } from '../../src/runner/outcome';
import { Rng } from '../../src/runner/rng';
import { GeneratorContext } from '../../src/runner/workload';
import { broadcastBench, broadcastGenerator } from '../../workloads/broadcast/bench';
import { gridTopology, lineTopology, topologyFor, TOPOLOGY_NAMES, totalTopology, treeTopology } from '../../workloads/broadcast/topology';
import { gCounterGenerator } from '../../workloads/g-counter/bench';
import { gSetBench, gSetGenerator } from '../../workloads/g-set/bench';
import { pnCounterBench, pnCounterGenerator } from '../../workloads/pn-counter/bench';
import { DEFAULT_OPTIONS } from './virtual-run';

const SEED = Number(process.env.SEED ?? 99);
const nodes = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`);
const ctx = (seed = SEED): GeneratorContext => ({ nodeCount: 5, concurrency: 5, rng: new Rng(seed), options: DEFAULT_OPTIONS });
const free = [{ thread: 0, process: 0 }];

/** A tiny history builder: ms timestamps, processes as given, indices dense. */
function hist(events: [OpType, number, string, unknown, number, Record<string, unknown>?][]): HistoryOp[] {
  return events.map(([type, process, f, value, ms, extra], index) => ({ index, time: ms * 1e6, type, process, f, value, ...(extra ?? {}) }));
}

describe('broadcast topologies (Maelstrom broadcast.clj)', () => {
  it('grid: 5 nodes on a 3x3 grid, row-major, neighbours below/above/right/left', () => {
    assert.deepEqual(gridTopology(nodes(5)), { n0: ['n3', 'n1'], n1: ['n4', 'n2', 'n0'], n2: ['n1'], n3: ['n0', 'n4'], n4: ['n1', 'n3'] });
  });
  it('line: ends have one neighbour, the rest left then right; fewer than 2 nodes: empty', () => {
    assert.deepEqual(lineTopology(nodes(4)), { n0: ['n1'], n1: ['n0', 'n2'], n2: ['n1', 'n3'], n3: ['n2'] });
    assert.deepEqual(lineTopology(nodes(1)), {});
  });
  it('tree2/tree3: heap order, parent first then children', () => {
    assert.deepEqual(treeTopology(2, nodes(6)), { n0: ['n1', 'n2'], n1: ['n0', 'n3', 'n4'], n2: ['n0', 'n5'], n3: ['n1'], n4: ['n1'], n5: ['n2'] });
    assert.deepEqual(treeTopology(3, nodes(5)), { n0: ['n1', 'n2', 'n3'], n1: ['n0', 'n4'], n2: ['n0'], n3: ['n0'], n4: ['n1'] });
    assert.deepEqual(topologyFor('tree', nodes(6)), treeTopology(2, nodes(6)));
  });
  it('total: everyone else; every topology is symmetric and covers every node (n >= 2)', () => {
    assert.deepEqual(totalTopology(nodes(3)), { n0: ['n1', 'n2'], n1: ['n0', 'n2'], n2: ['n0', 'n1'] });
    for (const name of TOPOLOGY_NAMES) {
      for (const n of [2, 5, 9, 25]) {
        const t = topologyFor(name, nodes(n));
        assert.deepEqual(Object.keys(t).sort(), nodes(n).sort(), `${name} ${n}`);
        for (const [a, ns] of Object.entries(t)) for (const b of ns) assert.ok(t[b].includes(a), `${name} ${n}: ${a}->${b} not symmetric`);
      }
    }
    assert.throws(() => topologyFor('ring', nodes(3)), /unknown topology "ring"/);
  });
  it('the setup request is the topology message for the configured topology', () => {
    const req = broadcastBench.setupRequest?.('n0', nodes(3), { ...DEFAULT_OPTIONS, topology: 'line' });
    assert.deepEqual(req, { body: { type: 'topology', topology: lineTopology(nodes(3)) }, replyType: 'topology_ok' });
  });
});

describe(`set and counter generators (SEED=${SEED})`, () => {
  it('broadcast: about half broadcasts, with values 0, 1, 2, ... in order; the rest reads', () => {
    const g = broadcastGenerator(ctx());
    const ops = Array.from({ length: 2000 }, () => g.next(free)?.op);
    const bs = ops.filter((o) => o?.f === 'broadcast').map((o) => o?.value);
    assert.deepEqual(bs, bs.map((_, i) => i));
    assert.ok(bs.length > 850 && bs.length < 1150, String(bs.length));
    assert.ok(ops.every((o) => o?.f === 'broadcast' || (o?.f === 'read' && o.value === null)));
    assert.equal(g.next([]), null);
  });
  it('g-set: adds of 0, 1, 2, ... mixed with reads', () => {
    const g = gSetGenerator(ctx());
    const adds = Array.from({ length: 500 }, () => g.next(free)?.op).filter((o) => o?.f === 'add');
    assert.deepEqual(adds.map((o) => o?.value), adds.map((_, i) => i));
  });
  it('pn-counter: deltas uniform on -5..4, half the ops; g-counter: 0..4 only, a third of the ops', () => {
    const count = (gen: ReturnType<typeof pnCounterGenerator>) => {
      const seen = new Map<unknown, number>();
      let adds = 0;
      for (let i = 0; i < 6000; i++) {
        const op = gen.next(free)?.op;
        if (op?.f === 'add') {
          adds++;
          seen.set(op.value, (seen.get(op.value) ?? 0) + 1);
        }
      }
      return { adds, values: [...seen.keys()].sort((a, b) => Number(a) - Number(b)) };
    };
    const pn = count(pnCounterGenerator(ctx()));
    assert.deepEqual(pn.values, [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4]);
    assert.ok(pn.adds > 2700 && pn.adds < 3300, String(pn.adds));
    const g = count(gCounterGenerator(ctx()));
    assert.deepEqual(g.values, [0, 1, 2, 3, 4]);
    assert.ok(g.adds > 1750 && g.adds < 2250, String(g.adds));
  });
  it('each-thread: one op per worker thread, then nothing', () => {
    const g = new EachThreadGenerator({ f: 'read', value: null });
    const ws = [0, 1, 2].map((t) => ({ thread: t, process: t + 10 }));
    assert.deepEqual([g.next(ws)?.thread, g.next(ws)?.thread, g.next(ws.slice(1))?.thread], [0, 1, 2]);
    assert.equal(g.next(ws), null);
  });
});

describe('set-full checker (Jepsen, as Maelstrom runs it for g-set and broadcast)', () => {
  it('an element a later read misses for good is lost -> invalid, with lost-latencies', () => {
    const r = checkSetFull(
      hist([
        ['invoke', 0, 'add', 1, 0],
        ['ok', 0, 'add', 1, 1],
        ['invoke', 1, 'read', null, 2],
        ['ok', 1, 'read', [1], 3],
        ['invoke', 1, 'read', null, 10],
        ['ok', 1, 'read', [], 11],
      ]),
    );
    assert.equal(r.valid, false);
    assert.deepEqual(r.lost, [1]);
    assert.equal(r['lost-count'], 1);
    // lost time = last present invocation + 1 ns; known at 1 ms: 1 ms truncated.
    assert.deepEqual(r['lost-latencies'], { 0: 1, 0.5: 1, 0.95: 1, 0.99: 1, 1: 1 });
  });
  it('missing, then present for good: stable but stale, latency from known to just after the last miss', () => {
    const r = checkSetFull(
      hist([
        ['invoke', 0, 'add', 7, 0],
        ['ok', 0, 'add', 7, 5],
        ['invoke', 1, 'read', null, 40],
        ['ok', 1, 'read', [], 41],
        ['invoke', 1, 'read', null, 90],
        ['ok', 1, 'read', [7], 91],
      ]),
    );
    assert.equal(r.valid, true);
    assert.deepEqual([r['stable-count'], r['stale-count'], r.stale], [1, 1, [7]]);
    assert.equal((r['stable-latencies'] as Record<string, number>)['0.5'], 35);
    assert.equal((r['worst-stale'] as { element: unknown }[])[0].element, 7);
  });
  it('a read concurrent with the add that misses it does not make it lost; never read at all is never-read', () => {
    const r = checkSetFull(
      hist([
        ['invoke', 1, 'read', null, 0],
        ['invoke', 0, 'add', 1, 1],
        ['ok', 0, 'add', 1, 2],
        ['ok', 1, 'read', [], 3],
        ['invoke', 0, 'add', 2, 4],
        ['info', 0, 'add', 2, 9],
      ]),
    );
    assert.equal(r['lost-count'], 0);
    assert.deepEqual(r['never-read'], [1, 2]);
    // Nothing stable: Jepsen says unknown.
    assert.equal(r.valid, 'unknown');
  });
  it('an unacknowledged add a read saw is known; broadcast maps its f to add', () => {
    const r = checkSetFull(
      hist([
        ['invoke', 0, 'broadcast', 3, 0],
        ['info', 0, 'broadcast', 3, 5],
        ['invoke', 1, 'read', null, 6],
        ['ok', 1, 'read', [3], 7],
      ]),
      { addF: 'broadcast' },
    );
    assert.deepEqual([r.valid, r['stable-count'], r['attempt-count']], [true, 1, 1]);
  });
  it('frequency distribution picks sorted[floor(n q)]', () => {
    assert.deepEqual(frequencyDistribution([0, 0.5, 1], [5, 1, 3, 2]), { 0: 1, 0.5: 3, 1: 5 });
    assert.equal(frequencyDistribution([0.5], []), null);
  });
});

describe('counter checker (Maelstrom pn-counter, also g-counter)', () => {
  it('acceptable ranges: definite sum, plus any subset of the indeterminate deltas, merged', () => {
    assert.deepEqual(acceptableRanges(10, []), [[10, 10]]);
    assert.deepEqual(acceptableRanges(0, [5, -5]), [[-5, -5], [0, 0], [5, 5]]);
    assert.deepEqual(acceptableRanges(0, [1, 1, 3]), [[0, 5]]);
  });
  const base: [OpType, number, string, unknown, number, Record<string, unknown>?][] = [
    ['invoke', 0, 'add', 3, 0],
    ['ok', 0, 'add', 3, 1],
    ['invoke', 1, 'add', -2, 2],
    ['ok', 1, 'add', -2, 3],
    ['invoke', 0, 'add', 4, 4],
    ['info', 0, 'add', 4, 5],
    ['invoke', 1, 'add', 9, 6],
    ['fail', 1, 'add', 9, 7],
    ['invoke', 1, 'read', null, 8],
    ['ok', 1, 'read', 100, 9],
  ];
  it('final reads of 1 or 5 are fine (the info add may or may not have happened); a non-final read never counts', () => {
    const r = checkCounter(hist([...base, ['invoke', 2, 'read', null, 20, { final: true }], ['ok', 2, 'read', 1, 21, { final: true }], ['invoke', 3, 'read', null, 20, { final: true }], ['ok', 3, 'read', 5, 21, { final: true }]]));
    assert.deepEqual(r, { valid: true, errors: null, 'final-reads': [1, 5], acceptable: [[1, 1], [5, 5]] });
  });
  it('a final read of 10 (the failed add counted) is an error', () => {
    const r = checkCounter(hist([...base, ['invoke', 2, 'read', null, 20, { final: true }], ['ok', 2, 'read', 10, 21, { final: true }]]));
    assert.equal(r.valid, false);
    assert.equal((r.errors as HistoryOp[])[0].value, 10);
  });
});

describe('outcomes and flags of the set and counter workloads', () => {
  const err = (code: number) => ({ kind: 'reply' as const, body: { type: 'error', code, text: 'no', in_reply_to: 1 } });
  it('g-set and counters have no with-errors: a definite error or a timeout is info with an exception', () => {
    for (const w of [gSetBench, pnCounterBench]) {
      const c = mapOutcome(w, { f: 'add', value: 1 }, err(22));
      assert.deepEqual([c.type, c.error], ['info', ['precondition-failed', 'no']]);
      assert.ok(c.exception);
      assert.equal(mapOutcome(w, { f: 'read', value: null }, { kind: 'timeout' }).type, 'info');
    }
  });
  it('broadcast: with-errors #{:read}: a read timeout fails, a broadcast timeout is info, a definite error fails', () => {
    assert.equal(mapOutcome(broadcastBench, { f: 'read', value: null }, { kind: 'timeout' }).type, 'fail');
    assert.equal(mapOutcome(broadcastBench, { f: 'broadcast', value: 3 }, { kind: 'timeout' }).type, 'info');
    assert.equal(mapOutcome(broadcastBench, { f: 'broadcast', value: 3 }, err(22)).type, 'fail');
  });
  it('a counter read_ok with a non-integer value is a malformed reply (info)', () => {
    const c = mapOutcome(pnCounterBench, { f: 'read', value: null }, { kind: 'reply', body: { type: 'read_ok', value: 2.5, in_reply_to: 1 } });
    assert.equal(c.type, 'info');
  });
  it('--topology, --test-count, --log-net-*, --recovery-time parse; bad values are usage errors', () => {
    const parse = (a: string[]) => parseTestArgs(['--bin', 'x', ...a], () => 1);
    const c = parse(['--topology', 'tree3', '--test-count', '3', '--log-net-send', '--log-net-recv', '--recovery-time', '0.5']);
    assert.ok(!c.help);
    if (!c.help) assert.deepEqual([c.config.topology, c.config.testCount, c.config.logNetSend, c.config.logNetRecv, c.config.recoveryS], ['tree3', 3, true, true, 0.5]);
    const d = parse([]);
    if (!d.help) assert.deepEqual([d.config.topology, d.config.testCount, d.config.recoveryS], ['grid', 1, 10]);
    assert.throws(() => parse(['--topology', 'star']), UsageError);
    assert.throws(() => parse(['--test-count', '0']), UsageError);
  });
});

describe('EDN for the new results and ops', () => {
  it("set-full's quantile map prints as Jepsen's sorted map of numbers", () => {
    assert.match(resultsToEdn({ workload: { 'stable-latencies': { 0: 0, 0.5: 3, 0.95: 4, 0.99: 4, 1: 5 } } }), /:stable-latencies \{0 0, 0\.5 3, 0\.95 4, 0\.99 4, 1 5\}/);
  });
  it('kafka micro-ops print with keyword functions', () => {
    const edn = historyToEdn(hist([['ok', 0, 'poll', [['poll', { a: [[0, 1]] }]], 0], ['ok', 0, 'send', [['send', 'a', [1, 2]]], 1]]));
    assert.match(edn, /:value \[\[:poll \{"a" \[\[0 1\]\]\}\]\]/);
    assert.match(edn, /:value \[\[:send "a" \[1 2\]\]\]/);
  });
});
