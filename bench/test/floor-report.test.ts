import { strict as assert } from 'assert';
import { floorMs, floorRows, medianFloor } from '../floor';
import type { LatencyStats } from '../measure';
import { REFERENCE } from '../plan';
import type { PointResult } from '../point-config';
import { bestBySeries, cpuUsPerOp, evaluateTargets, referenceRatios } from '../report';

const stats = (count: number, p50: number): LatencyStats => ({ count, p50, p90: p50, p99: p50, mean: p50 });

function point(series: string, concurrency: number, ops: number, msgsPerOp = 0.5, cpu: [string, number][] = []): PointResult {
  return {
    config: { id: `${series}/${concurrency}`, series, workload: 'lin-kv', nodeCount: 3, concurrency, rate: 1e6, timeLimitS: 5, warmupS: 1, latencyMs: 0, latencyDist: 'constant', bin: 'x', nodeArgs: [], seed: 1, check: false, keepDir: null },
    error: null,
    window: { invoked: ops, ok: ops, failReplied: 0, timeoutsOrInfo: 0, repliedPerSec: ops, okPerSec: ops, latency: stats(ops, 1), latencyByF: {}, latencyByNode: {}, latencyByClass: {}, latencyByRole: {} },
    serverMsgsPerOp: msgsPerOp,
    allMsgsPerOp: msgsPerOp + 2,
    leader: 'n0',
    elections: 1,
    leaderStats: null,
    cpu: cpu.map(([name, percent]) => ({ name, percent })),
    valid: null,
    wallS: 6,
  };
}

describe('bench floors and targets', () => {
  it('gives the issue\'s floors', () => {
    assert.equal(floorMs('write', 'leader', 10, 'read-index'), 20);
    assert.equal(floorMs('cas', 'follower', 10, 'lease'), 40);
    assert.equal(floorMs('read', 'leader', 10, 'read-index'), 20);
    assert.equal(floorMs('txn-read', 'follower', 10, 'read-index'), 20);
    assert.equal(floorMs('read', 'leader', 10, 'lease'), 0);
    assert.equal(floorMs('read', 'follower', 10, 'lease'), 20);
  });

  it('weights floors and per-role p50s by where the ops entered', () => {
    assert.equal(medianFloor([{ count: 1, floor: 20 }, { count: 2, floor: 40 }]), 40);
    assert.equal(medianFloor([{ count: 3, floor: 20 }, { count: 2, floor: 40 }]), 20);
    assert.equal(medianFloor([]), 0);
    const rows = floorRows(
      { leader: { write: stats(10, 22), read: stats(10, 1) }, follower: { write: stats(20, 44), read: stats(20, 23) } },
      { write: stats(30, 42), read: stats(30, 21) },
      10,
      'lease',
    );
    const write = rows.find((r) => r.cls === 'write')!;
    // (10 x 20 + 20 x 40) / 30 and (10 x 22 + 20 x 44) / 30
    assert.equal(write.floorMix, 33.333);
    assert.equal(write.p50Mix, 36.667);
    assert.equal(write.ratio, 1.1);
    assert.equal(write.medianFloor, 40);
    assert.equal(write.p50, 42);
    const read = rows.find((r) => r.cls === 'read')!;
    assert.equal(read.leader?.floor, 0);
    assert.equal(read.floorMix, 13.333);
    assert.equal(read.p50Mix, 15.667);
  });

  it('picks each series\' best point and judges the throughput targets', () => {
    const results = [
      point(REFERENCE.base, 6, 5000, 3.5),
      point(REFERENCE.base, 48, 20000, 0.47, [['runner', 40], ['n0', 30], ['n1', 20], ['n2', 20]]),
      point(REFERENCE.singleNode, 48, 40000, 0, [['runner', 50], ['n0', 50]]),
      point(REFERENCE.neither, 48, 8000),
    ];
    const best = bestBySeries(results);
    assert.equal(best.get(REFERENCE.base)?.concurrency, 48);
    const targets = evaluateTargets(best, []);
    assert.equal(targets[0].measured, 0.5);
    assert.equal(targets[0].met, false);
    assert.match(targets[0].note, /missed by 16\.7%/);
    assert.equal(targets[1].met, true); // 0.47 < 1
    assert.equal(targets[2].measured, 2.5);
    assert.equal(targets[2].met, true);
    // 110% of a core for 20 000 ops/s = 55 us per op; the single node: 100% for 40 000 = 25 us.
    assert.equal(cpuUsPerOp(best.get(REFERENCE.base)!.best), 55);
    const ratios = referenceRatios(best);
    assert.equal(ratios.find((r) => r.name === '3 nodes / single node')?.value, 0.5);
    assert.equal(ratios.find((r) => r.name.startsWith('3 nodes / single node, per CPU'))?.value, 0.455);
    assert.equal(ratios.find((r) => r.name.startsWith('3 nodes / echo'))?.value, null);
  });

  it('reports a missing measurement as n/a, never as met', () => {
    const targets = evaluateTargets(new Map(), []);
    for (const t of targets) assert.equal(t.met, null);
  });
});
