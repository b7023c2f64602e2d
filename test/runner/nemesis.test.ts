import { strict as assert } from 'assert';
import { Grudge } from '../../src/runner/network';
import { FaultTarget, killCount, leaderMinority, Nemesis, NemesisEvent, NemesisFault, shiftedMajority, SLOW_CAP_MS, SLOW_MEAN_MS } from '../../src/runner/nemesis';
import { completeGrudge, majoritiesRingPerfect, majoritiesRingStochastic, partitionGrudge } from '../../src/runner/partitions';
import { Rng } from '../../src/runner/rng';
import { VirtualScheduler } from '../../src/runner/scheduler';

const SEED = Number(process.env.SEED ?? 1234);
const nodes = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i}`);

/** Can `a` hear `b`? */
const hears = (g: Grudge, a: string, b: string): boolean => !(g.get(a)?.has(b) ?? false);

describe(`runner partition shapes (spec §6.1; SEED=${SEED})`, () => {
  it('one: a single node cut off from all others in both directions', () => {
    for (let s = 0; s < 20; s++) {
      const ns = nodes(5);
      const g = partitionGrudge('one', ns, new Rng(SEED + s));
      const isolated = ns.filter((n) => (g.get(n)?.size ?? 0) === 4);
      assert.equal(isolated.length, 1);
      const [x] = isolated;
      for (const n of ns) if (n !== x) assert.deepEqual([...(g.get(n) ?? [])], [x]);
    }
  });

  it('majority: complete cut into floor(N/2) and the rest', () => {
    for (const n of [3, 4, 5, 7]) {
      const g = partitionGrudge('majority', nodes(n), new Rng(SEED + n));
      const sizes = nodes(n).map((x) => g.get(x)?.size ?? 0).sort();
      const small = Math.floor(n / 2);
      const expected = [...Array(small).fill(n - small), ...Array(n - small).fill(small)].sort();
      assert.deepEqual(sizes, expected, `N=${n}`);
      for (const a of nodes(n)) for (const b of nodes(n)) assert.equal(hears(g, a, b), hears(g, b, a));
    }
  });

  it('minority-third: no-op for N <= 3, cuts floor((N-1)/3) nodes otherwise', () => {
    assert.equal(partitionGrudge('minority-third', nodes(3), new Rng(SEED)).size, 0);
    const g = partitionGrudge('minority-third', nodes(7), new Rng(SEED));
    const minority = nodes(7).filter((x) => (g.get(x)?.size ?? 0) === 5);
    assert.equal(minority.length, 2);
  });

  it('majorities-ring N=3 is one-directional: each node drops exactly one peer, in a cycle', () => {
    for (let s = 0; s < 20; s++) {
      const g = majoritiesRingPerfect(nodes(3), new Rng(SEED + s));
      assert.equal(g.size, 3);
      for (const [a, drops] of g) {
        assert.equal(drops.size, 1);
        const [b] = [...drops];
        assert.ok(hears(g, b, a), `${b} must still hear ${a}`);
      }
    }
  });

  it('majorities-ring N=5: each node hears itself and its two ring neighbours; everyone has a majority', () => {
    const g = majoritiesRingPerfect(nodes(5), new Rng(SEED));
    for (const n of nodes(5)) assert.equal(g.get(n)?.size, 2);
    for (const [a, drops] of g) for (const b of drops) assert.ok(!hears(g, b, a), 'N=5 ring is symmetric');
  });

  it('majorities-ring N=2 drops nothing', () => {
    assert.equal(majoritiesRingPerfect(nodes(2), new Rng(SEED)).size, 0);
  });

  it('majorities-ring N>5: symmetric, every node connected to a majority, not everyone to everyone', () => {
    for (const n of [6, 7, 9]) {
      const g = majoritiesRingStochastic(nodes(n), new Rng(SEED + n));
      for (const a of nodes(n)) {
        const heard = nodes(n).filter((b) => hears(g, a, b)).length;
        assert.ok(heard >= Math.floor(n / 2) + 1, `N=${n} ${a} hears ${heard}`);
        for (const b of nodes(n)) assert.equal(hears(g, a, b), hears(g, b, a));
      }
      assert.ok(g.size > 0);
    }
  });

  it('completeGrudge with an empty component is empty', () => {
    assert.equal(completeGrudge([[], ['n1', 'n2']]).size, 0);
  });
});

function recordingTarget(): FaultTarget & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    partition: () => calls.push('partition'),
    heal: () => calls.push('heal'),
    kill: (n) => calls.push(`kill ${n}`),
    restart: (n) => calls.push(`restart ${n}`),
    pause: (n) => calls.push(`pause ${n}`),
    resume: (n) => calls.push(`resume ${n}`),
    setLoss: (p) => calls.push(`loss ${p}`),
    setDuplicate: (p) => calls.push(`dup ${p}`),
    setSlow: (slow) => calls.push(slow === null ? 'slow off' : `slow ${slow.nodes.join(',')}`),
  };
}

function runSchedule(seed: number, faults: NemesisFault[], intervalMs: number, stopAt: number) {
  const scheduler = new VirtualScheduler();
  const events: { at: number; ev: NemesisEvent }[] = [];
  const target = recordingTarget();
  const nem = new Nemesis({
    faults,
    nodes: nodes(5),
    intervalMs,
    stopAt,
    healAt: null,
    rng: new Rng(seed),
    scheduler,
    target,
    record: (ev) => events.push({ at: scheduler.now(), ev }),
  });
  nem.start();
  scheduler.runAll();
  return { events, target };
}

describe(`runner nemesis schedule (spec §6.1; SEED=${SEED})`, () => {
  it('first start-partition at t=0, strict start/stop alternation, gaps uniform on [0, 2*interval), nothing after the limit', () => {
    const { events } = runSchedule(SEED, ['partition'], 1000, 200_000);
    assert.equal(events[0].at, 0);
    assert.equal(events[0].ev.f, 'start-partition');
    events.forEach((e, i) => assert.equal(e.ev.f, i % 2 === 0 ? 'start-partition' : 'stop-partition'));
    const gaps = events.slice(1).map((e, i) => e.at - events[i].at);
    assert.ok(gaps.every((g) => g >= 0 && g < 2000));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    assert.ok(Math.abs(mean - 1000) < 120, `mean gap ${mean}`);
    assert.ok(events.every((e) => e.at < 200_000));
    assert.ok(events.length > 150);
  });

  it('draws the four partition specs uniformly', () => {
    const { events } = runSchedule(SEED, ['partition'], 10, 100_000);
    const counts = new Map<unknown, number>();
    for (const e of events) if (e.ev.f === 'start-partition') counts.set(e.ev.value, (counts.get(e.ev.value) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), ['majorities-ring', 'majority', 'minority-third', 'one']);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    for (const [, c] of counts) assert.ok(Math.abs(c / total - 0.25) < 0.04, `${c}/${total}`);
  });

  it('records the grudge as ["isolated", {...}] and the heal as network-healed', () => {
    const { events } = runSchedule(SEED, ['partition'], 1000, 5000);
    const start = events[0].ev;
    assert.equal((start.result as unknown[])[0], 'isolated');
    assert.equal(events[1].ev.result, 'network-healed');
  });

  it('is a pure function of the seed', () => {
    const a = runSchedule(SEED, ['partition', 'kill'], 500, 30_000);
    const b = runSchedule(SEED, ['partition', 'kill'], 500, 30_000);
    assert.deepEqual(a.events, b.events);
    assert.deepEqual(a.target.calls, b.target.calls);
    const c = runSchedule(SEED + 1, ['partition', 'kill'], 500, 30_000);
    assert.notDeepEqual(a.events, c.events);
  });

  it('extension faults alternate per package and act on the target', () => {
    const { events, target } = runSchedule(SEED, ['kill', 'pause', 'loss', 'duplicate'], 200, 20_000);
    const fs = new Set(events.map((e) => e.ev.f));
    for (const f of ['start-kill', 'stop-kill', 'start-pause', 'stop-pause', 'start-loss', 'stop-loss', 'start-duplicate', 'stop-duplicate']) assert.ok(fs.has(f), f);
    for (const kind of ['kill', 'pause', 'loss', 'duplicate']) {
      const mine = events.filter((e) => e.ev.f.endsWith(`-${kind}`)).map((e) => e.ev.f);
      mine.forEach((f, i) => assert.equal(f, `${i % 2 === 0 ? 'start' : 'stop'}-${kind}`));
    }
    assert.ok(target.calls.some((c) => c.startsWith('kill ')) && target.calls.some((c) => c.startsWith('restart ')));
    assert.ok(target.calls.includes('loss 0.2') && target.calls.includes('loss 0'));
  });
});

describe('--final-heal (extension)', () => {
  it('stops the schedule at healAt and records a stop for every active fault at that instant', () => {
    const scheduler = new VirtualScheduler();
    const events: { at: number; ev: NemesisEvent }[] = [];
    const target = recordingTarget();
    const nem = new Nemesis({
      faults: ['partition', 'kill', 'pause', 'loss', 'duplicate'],
      nodes: nodes(5),
      intervalMs: 100,
      stopAt: 10_000,
      healAt: 7_000,
      rng: new Rng(SEED),
      scheduler,
      target,
      record: (ev) => events.push({ at: scheduler.now(), ev }),
    });
    nem.start();
    scheduler.runAll();
    assert.ok(events.every((e) => e.at <= 7000));
    const last = new Map<string, string>();
    for (const e of events) last.set(e.ev.f.replace(/^(start|stop)-/, ''), e.ev.f);
    assert.equal(last.size, 5);
    for (const [kind, f] of last) assert.equal(f, `stop-${kind}`);
    assert.deepEqual(nem.activeFaults(), []);
    assert.ok(target.calls.lastIndexOf('heal') > target.calls.lastIndexOf('partition'));
    assert.ok(target.calls.lastIndexOf('loss 0') > target.calls.lastIndexOf('loss 0.2'));
  });
});

/** A target that also plays the network: keeps each owner's grudge and reports scripted traffic. */
function fakeCluster(traffic: () => Map<string, number>) {
  const grudges = new Map<string, Grudge>();
  const down = new Set<string>();
  const paused = new Set<string>();
  const calls: string[] = [];
  const target: FaultTarget = {
    partition: (g, owner = 'partition') => {
      grudges.set(owner, g);
      calls.push(`partition ${owner}`);
    },
    heal: (owner) => {
      if (owner === undefined) grudges.clear();
      else grudges.delete(owner);
      calls.push(`heal ${owner ?? 'all'}`);
    },
    kill: (n) => down.add(n),
    restart: (n) => down.delete(n),
    pause: (n) => paused.add(n),
    resume: (n) => paused.delete(n),
    setLoss: () => undefined,
    setDuplicate: () => undefined,
    setSlow: () => undefined,
    trafficCounts: () => traffic(),
  };
  return { target, grudges, down, paused, calls };
}

function runFaults(seed: number, faults: NemesisFault[], n: number, onEvent: (ev: NemesisEvent, at: number) => void, traffic = () => new Map<string, number>(), stopAt = 60_000) {
  const scheduler = new VirtualScheduler();
  const cluster = fakeCluster(traffic);
  const nem = new Nemesis({
    faults,
    nodes: nodes(n),
    intervalMs: 100,
    stopAt,
    healAt: null,
    rng: new Rng(seed),
    scheduler,
    target: cluster.target,
    record: (ev) => onEvent(ev, scheduler.now()),
  });
  nem.start();
  scheduler.runAll();
  return { cluster, nem };
}

describe(`leader-aimed, shifting and multi-node faults (extensions; SEED=${SEED})`, () => {
  it('partition-leader cuts off the top sender (alone, or with one follower for N >= 5) and records it', () => {
    for (const n of [3, 5, 7]) {
      const leader = `n${n - 1}`;
      const traffic = () => new Map(nodes(n).map((x) => [x, x === leader ? 100 : 20] as [string, number]));
      const sizes = new Set<number>();
      let starts = 0;
      const { cluster } = runFaults(SEED, ['partition-leader'], n, (ev) => {
        if (ev.f !== 'start-partition-leader') return;
        starts++;
        const v = ev.value as { leader: string; sends: number; basis: string; minority: string[] };
        assert.equal(v.leader, leader);
        assert.equal(v.sends, 100);
        assert.equal(v.basis, 'traffic');
        assert.ok(v.minority.includes(leader));
        sizes.add(v.minority.length);
        const [tag, grudge] = ev.result as [string, Record<string, string[]>];
        assert.equal(tag, 'isolated');
        // The leader hears none of the majority side and none of them hear it.
        const others = nodes(n).filter((x) => !v.minority.includes(x));
        assert.deepEqual(grudge[leader], others);
        for (const o of others) assert.ok(grudge[o].includes(leader));
      }, traffic);
      assert.ok(starts > 50);
      assert.deepEqual([...sizes].sort(), n >= 5 ? [1, 2] : [1], `N=${n}`);
      assert.ok(cluster.grudges.size <= 1 && [...cluster.grudges.keys()].every((k) => k === 'partition-leader'));
    }
  });

  it('pause-leader and kill-leader act on the inferred leader and undo it at the stop', () => {
    const traffic = () => new Map([['n1', 7], ['n2', 3]]);
    for (const f of ['pause-leader', 'kill-leader'] as const) {
      const seen: string[] = [];
      const { cluster } = runFaults(SEED, [f], 5, (ev) => {
        seen.push(ev.f);
        if (ev.f === `start-${f}`) {
          assert.deepEqual(ev.value, { leader: 'n1', sends: 7, basis: 'traffic' });
          assert.deepEqual(ev.result, [f === 'kill-leader' ? 'killed' : 'paused', ['n1']]);
        } else assert.deepEqual(ev.result, [f === 'kill-leader' ? 'restarted' : 'resumed', ['n1']]);
      }, traffic, 5000);
      seen.forEach((x, i) => assert.equal(x, `${i % 2 === 0 ? 'start' : 'stop'}-${f}`));
      // Active at the end or not, a stop always undid exactly what the start did.
      const active = seen.length % 2 === 1;
      assert.equal((f === 'kill-leader' ? cluster.down : cluster.paused).size, active ? 1 : 0);
    }
  });

  it('partition-shift: every new partition has a majority side different from the previous one, with no heal in between', () => {
    for (const n of [3, 4, 5, 7]) {
      let prev: string[] | null = null;
      let periods = 0;
      let shifts = 0;
      const { cluster } = runFaults(SEED + n, ['partition-shift'], n, (ev) => {
        if (ev.f === 'stop-partition-shift') {
          prev = null;
          return;
        }
        const v = ev.value as { majority: string[]; minority: string[]; 'previous-majority': string[] | null };
        assert.deepEqual(v['previous-majority'], prev);
        assert.equal(v.majority.length, Math.floor(n / 2) + 1);
        assert.deepEqual([...v.majority, ...v.minority].sort(), nodes(n));
        if (prev === null) periods++;
        else {
          shifts++;
          assert.notDeepEqual(v.majority, prev, `N=${n}: the majority must move`);
        }
        const grudge = (ev.result as [string, Record<string, string[]>])[1];
        for (const m of v.minority) assert.deepEqual(grudge[m], v.majority);
        prev = v.majority;
      });
      assert.ok(periods > 20 && shifts >= 2 * periods, `N=${n}: ${periods} periods, ${shifts} shifts`);
      // A shift heals only its own old grudge and partitions again in the same call (no healthy gap).
      cluster.calls.forEach((c, i) => {
        if (c === 'heal partition-shift' && cluster.calls[i + 1] !== undefined) assert.ok(/^(partition|heal) partition-shift$/.test(cluster.calls[i + 1]));
      });
      assert.ok(cluster.calls.every((c) => c.endsWith('partition-shift')), 'only its own grudge is touched');
    }
  });

  it('kill-minority / kill-majority / kill-all take floor((N-1)/2) (>= 1) / floor(N/2)+1 / N nodes and restart them all', () => {
    const expected: Record<number, [number, number, number]> = { 1: [1, 1, 1], 2: [1, 2, 2], 3: [1, 2, 3], 4: [1, 3, 4], 5: [2, 3, 5], 7: [3, 4, 7], 9: [4, 5, 9] };
    for (const [n, [mi, ma, al]] of Object.entries(expected).map(([k, v]) => [Number(k), v] as const)) {
      assert.deepEqual([killCount('minority', n), killCount('majority', n), killCount('all', n), killCount('one', n)], [mi, ma, al, 1], `N=${n}`);
      for (const [f, count] of [['kill-minority', mi], ['kill-majority', ma], ['kill-all', al]] as const) {
        let last: string[] = [];
        const { cluster } = runFaults(SEED, [f], n, (ev) => {
          const [tag, victims] = ev.result as [string, string[]];
          if (ev.f === `start-${f}`) {
            assert.equal(tag, 'killed');
            assert.equal(victims.length, count);
            assert.equal(new Set(victims).size, count);
            last = victims;
          } else {
            assert.equal(tag, 'restarted');
            assert.deepEqual(victims, last);
          }
        }, undefined, 3000);
        assert.ok(cluster.down.size === 0 || cluster.down.size === count);
      }
    }
  });

  it('pause-all freezes every node at once and resumes them all in one step', () => {
    for (const n of [1, 3, 5]) {
      let starts = 0;
      const { cluster } = runFaults(SEED, ['pause-all'], n, (ev) => {
        const [tag, victims] = ev.result as [string, string[]];
        assert.deepEqual(victims, nodes(n));
        if (ev.f === 'start-pause-all') {
          starts++;
          assert.equal(tag, 'paused');
        } else assert.equal(tag, 'resumed');
      }, undefined, 3000);
      assert.ok(starts > 3);
      assert.ok(cluster.paused.size === 0 || cluster.paused.size === n);
    }
  });

  it(`slow delays one node's messages (or everyone's), 0 half the time, else exponential mean ${SLOW_MEAN_MS} ms capped at ${SLOW_CAP_MS}`, () => {
    const scheduler = new VirtualScheduler();
    const sets: (string[] | null)[] = [];
    let extra: (() => number) | null = null;
    const target: FaultTarget = {
      ...fakeCluster(() => new Map()).target,
      setSlow: (slow) => {
        sets.push(slow === null ? null : [...slow.nodes]);
        if (slow !== null) extra = slow.extraMs;
      },
    };
    const events: NemesisEvent[] = [];
    new Nemesis({ faults: ['slow'], nodes: nodes(5), intervalMs: 100, stopAt: 20_000, healAt: null, rng: new Rng(SEED), scheduler, target, record: (ev) => events.push(ev) }).start();
    scheduler.runAll();
    assert.ok(events.length > 20);
    events.forEach((ev, i) => assert.equal(ev.f, i % 2 === 0 ? 'start-slow' : 'stop-slow'));
    sets.forEach((set, i) => (i % 2 === 0 ? assert.ok(set !== null && (set.length === 1 || set.length === 5)) : assert.equal(set, null)));
    assert.ok(sets.some((x) => x?.length === 1) && sets.some((x) => x?.length === 5), 'both shapes drawn');
    const draw = extra as (() => number) | null;
    assert.ok(draw !== null);
    const xs = Array.from({ length: 20_000 }, () => draw());
    const zero = xs.filter((x) => x === 0).length / xs.length;
    assert.ok(zero > 0.47 && zero < 0.53, String(zero));
    const slowOnes = xs.filter((x) => x > 0);
    const mean = slowOnes.reduce((a, b) => a + b, 0) / slowOnes.length;
    assert.ok(mean > 0.9 * SLOW_MEAN_MS && mean < 1.05 * SLOW_MEAN_MS, String(mean));
    assert.ok(Math.max(...xs) <= SLOW_CAP_MS);
  });

  it('leaderMinority and shiftedMajority are pure functions of the rng', () => {
    assert.deepEqual(leaderMinority('n0', nodes(3), new Rng(SEED)), ['n0']);
    assert.deepEqual(shiftedMajority(nodes(5), null, new Rng(SEED)), shiftedMajority(nodes(5), null, new Rng(SEED)));
    assert.deepEqual(shiftedMajority(nodes(2), ['n0', 'n1'], new Rng(SEED)), ['n0', 'n1'], 'N < 3: the majority is everyone');
  });

  it('combined faults: every package keeps its own start/stop alternation and healAll leaves nothing active', () => {
    const faults: NemesisFault[] = ['partition', 'partition-leader', 'pause-leader', 'partition-shift', 'loss', 'kill-all'];
    const scheduler = new VirtualScheduler();
    const cluster = fakeCluster(() => new Map([['n2', 5]]));
    const events: NemesisEvent[] = [];
    const nem = new Nemesis({ faults, nodes: nodes(5), intervalMs: 50, stopAt: 10_000, healAt: 8000, rng: new Rng(SEED), scheduler, target: cluster.target, record: (ev) => events.push(ev) });
    nem.start();
    scheduler.runAll();
    for (const f of faults) {
      const mine = events.filter((e) => e.f.endsWith(`-${f}`) && !e.f.endsWith(`-${f}-leader`) && !e.f.endsWith(`-${f}-shift`));
      assert.ok(mine.length > 4, f);
      assert.equal(mine[mine.length - 1].f, `stop-${f}`);
    }
    assert.equal(cluster.grudges.size, 0);
    assert.equal(cluster.down.size + cluster.paused.size, 0);
    assert.deepEqual(nem.activeFaults(), []);
  });
});
