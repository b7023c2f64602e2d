import { strict as assert } from 'assert';
import { buildPlan, CLOSED_LOOP_RATE } from '../plan';
import { frameCategory, moduleIndex, summarizeProfile, type CpuProfile } from '../profile';
import type { PointResult } from '../point-config';
import { linearTicks, logTicks, throughputLatencySvg } from '../svg';

describe('bench plan, plot and profile summary', () => {
  it('keeps the full plan within the time budget and every lin-kv point valid for the runner', () => {
    for (const quick of [false, true]) {
      const plan = buildPlan({ quick, bin: 'dist/raft-node.js', seed: 1 });
      // ~1.5 s of start-up/teardown per point on top of the client phase.
      const estimateS = plan.points.reduce((s, p) => s + p.timeLimitS + 1.5, 0);
      assert.ok(estimateS < (quick ? 90 : 480), `${quick ? 'quick' : 'full'} plan needs ~${estimateS} s`);
      for (const p of plan.points) {
        if (p.workload === 'lin-kv') assert.equal(p.concurrency % (2 * p.nodeCount), 0, p.id);
        assert.ok(p.warmupS < p.timeLimitS, p.id);
      }
      assert.equal(new Set(plan.points.map((p) => p.id)).size, plan.points.length, 'point ids are unique');
    }
    const full = buildPlan({ quick: false, bin: 'b', seed: 1 });
    for (const w of ['lin-kv', 'txn-list-append', 'txn-rw-register']) {
      for (const n of [3, 5]) for (const l of [0, 10]) assert.ok(full.points.some((p) => p.workload === w && p.nodeCount === n && p.latencyMs === l && p.rate === CLOSED_LOOP_RATE), `${w} n${n} L${l}`);
    }
  });

  it('draws ticks that cover the data', () => {
    assert.deepEqual(linearTicks(95), [0, 20, 40, 60, 80, 100]);
    assert.deepEqual(logTicks(0.1, 100), [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]);
  });

  it('draws one path per series and a placeholder when there is nothing', () => {
    const mk = (series: string, concurrency: number, ops: number, p50: number): PointResult => ({
      config: { ...buildPlan({ quick: true, bin: 'b', seed: 1 }).points[0], series, concurrency },
      error: null,
      window: { invoked: 1, ok: 1, failReplied: 0, timeoutsOrInfo: 0, repliedPerSec: ops, okPerSec: ops, latency: { count: 1, p50, p90: p50, p99: p50 * 3, mean: p50 }, latencyByF: {}, latencyByNode: {}, latencyByClass: {}, latencyByRole: {} },
      serverMsgsPerOp: 1, allMsgsPerOp: 3, leader: 'n0', elections: 1, leaderStats: null, cpu: [], valid: null, wallS: 1,
    });
    const two = throughputLatencySvg([mk('a', 6, 100, 1), mk('a', 12, 200, 2), mk('b', 6, 50, 0.5)], { title: 't' });
    assert.equal((two.match(/<path /g) ?? []).length, 2);
    assert.equal((two.match(/<circle /g) ?? []).length, 3);
    assert.match(two, /a, 12 workers: 200 ops\/s/);
    const svg = throughputLatencySvg([], { title: 'empty <plot>' });
    assert.match(svg, /no points/);
    assert.match(svg, /empty &lt;plot&gt;/);
  });

  it('maps bundle lines to modules and books self time by category', () => {
    const bundle = ['#!/usr/bin/env node', '// src/raft/node.ts', 'function step() {}', '// src/server/server.ts', 'function flush() {}'].join('\n');
    const moduleOf = moduleIndex(bundle);
    assert.equal(moduleOf(0), '(bundle prologue)');
    assert.equal(moduleOf(2), 'src/raft/node.ts');
    assert.equal(moduleOf(4), 'src/server/server.ts');
    const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0 });
    assert.equal(frameCategory(frame('stringify', ''), 'raft-node.js', moduleOf), 'JSON.stringify');
    assert.equal(frameCategory(frame('writeUtf8String', ''), 'raft-node.js', moduleOf), 'pipe write (stdout/stderr syscalls)');
    assert.equal(frameCategory(frame('x', 'node:internal/streams/writable'), 'raft-node.js', moduleOf), 'node:streams');
    const profile: CpuProfile = {
      startTime: 0,
      endTime: 4000,
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 4] },
        { id: 2, callFrame: frame('flush', 'file:///x/dist/raft-node.js', 4), children: [3] },
        { id: 3, callFrame: frame('step', 'file:///x/dist/raft-node.js', 2) },
        { id: 4, callFrame: frame('(idle)', '') },
      ],
      samples: [2, 3, 3, 4, 4],
      timeDeltas: [0, 1000, 1000, 1000, 1000],
    };
    const s = summarizeProfile(profile, bundle, 'raft-node.js', ['flush']);
    // Sample i's time is the delta to the next sample: flush 1 ms, step 2 ms, idle 1 ms (+0 for the last).
    assert.equal(s.busyMs, 3);
    assert.equal(s.idleMs, 1);
    assert.deepEqual(s.byModule.map((e) => [e.name, e.percent]), [['src/raft/node.ts', 66.7], ['src/server/server.ts', 33.3]]);
    assert.deepEqual(s.inclusive.map((e) => [e.name, e.ms]), [['flush', 3]]);
  });
});
