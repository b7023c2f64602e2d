import { strict as assert } from 'assert';
import { inferLeader, TrafficWindow } from '../../src/runner/leader';
import { Rng } from '../../src/runner/rng';

const SEED = Number(process.env.SEED ?? 77);
const N5 = ['n0', 'n1', 'n2', 'n3', 'n4'];

describe(`leader inference for the leader-aimed faults (SEED=${SEED})`, () => {
  it('picks the top sender of the window', () => {
    const counts = new Map([
      ['n0', 12],
      ['n1', 48],
      ['n2', 13],
      ['n3', 11],
    ]);
    const g = inferLeader(counts, N5, new Rng(SEED));
    assert.deepEqual(g, { leader: 'n1', sends: 48, basis: 'traffic' });
  });

  it('breaks ties with the rng, only among the tied nodes, reproducibly', () => {
    const counts = new Map([
      ['n0', 5],
      ['n2', 30],
      ['n4', 30],
      ['n3', 29],
    ]);
    const seen = new Set<string>();
    for (let s = 0; s < 200; s++) {
      const g = inferLeader(counts, N5, new Rng(SEED + s));
      assert.ok(g.leader === 'n2' || g.leader === 'n4', g.leader);
      assert.equal(g.sends, 30);
      seen.add(g.leader);
      assert.deepEqual(inferLeader(counts, N5, new Rng(SEED + s)), g, 'same seed, same pick');
    }
    assert.deepEqual([...seen].sort(), ['n2', 'n4']);
  });

  it('with no traffic (or only from ids that are not nodes) picks a uniformly random node', () => {
    const tally = new Map<string, number>();
    const rng = new Rng(SEED);
    for (let i = 0; i < 5000; i++) {
      const g = inferLeader(new Map([['lin-kv', 99], ['n3', 0]]), N5, rng);
      assert.equal(g.basis, 'random');
      assert.equal(g.sends, 0);
      tally.set(g.leader, (tally.get(g.leader) ?? 0) + 1);
    }
    assert.deepEqual([...tally.keys()].sort(), N5);
    for (const [, c] of tally) assert.ok(Math.abs(c / 5000 - 0.2) < 0.03, String(c));
  });

  it('TrafficWindow counts only the last window (bucket granularity) and forgets old buckets', () => {
    const w = new TrafficWindow(50, 2000);
    for (let t = 0; t < 1000; t += 10) w.record('n0', t); // n0 led during [0, 1 s)
    for (let t = 1000; t < 2000; t += 10) {
      w.record('n2', t); // then n2, with its followers answering less
      if (t % 40 === 0) w.record('n1', t);
    }
    const late = w.counts(1999, 1000);
    assert.equal(late.get('n0'), undefined);
    assert.equal(late.get('n2'), 100);
    assert.equal(inferLeader(late, N5, new Rng(SEED)).leader, 'n2');
    const early = w.counts(999, 1000);
    assert.equal(early.get('n0'), 100);
    assert.equal(early.get('n2'), undefined);
    w.record('n3', 10_000);
    assert.deepEqual([...w.counts(10_000, 100_000).keys()], ['n3'], 'buckets older than keepMs are dropped');
  });
});
