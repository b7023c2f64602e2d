import { strict as assert } from 'assert';
import type { HistoryOp } from '../../src/checker/history';
import type { Entry } from '../../src/raft';
import { Rng } from '../../src/runner/rng';
import { VirtualScheduler } from '../../src/runner/scheduler';
import { parseSimArgs, replayCommand, UsageError } from '../../src/sim/cli';
import { CommitChecker } from '../../src/sim/commit-checker';
import { chooseConfig, DRIFT_BOUND } from '../../src/sim/config';
import { checkLiveness } from '../../src/sim/liveness';
import { SimNetwork } from '../../src/sim/sim-network';
import { simulate } from '../../src/sim/simulate';
import { NO_TRACE } from '../../src/sim/trace';

function op(index: number, timeMs: number, type: HistoryOp['type'], process: number, f: string, extra: Partial<HistoryOp> = {}): HistoryOp {
  return { index, time: timeMs * 1e6, type, process, f, value: [0, 1], ...extra };
}

const entries = (from: number, to: number, term: number): Entry[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ index: from + i, term, kind: 'normal', data: `x${from + i}` }) as Entry);
const empty = { hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] };

describe('sim: liveness window', () => {
  it('passes when every op invoked in the window is ok or a data-level failure', () => {
    const h = [
      op(0, 10, 'invoke', 0, 'write'), op(1, 20, 'info', 0, 'write', { error: 'net-timeout' }), // before the window: ignored
      op(2, 100, 'invoke', 1, 'cas'), op(3, 110, 'fail', 1, 'cas', { error: ['precondition-failed', 'x'] }),
      op(4, 120, 'invoke', 2, 'read'), op(5, 130, 'ok', 2, 'read'),
    ];
    const r = checkLiveness(h, 50e6);
    assert.equal(r.ok, true);
    assert.equal(r.invoked, 2);
    assert.equal(r.okCount, 1);
  });

  it('fails on timeouts, unavailability, unfinished ops, or no ok at all', () => {
    const timeout = checkLiveness([op(0, 100, 'invoke', 0, 'write'), op(1, 200, 'info', 0, 'write', { error: 'net-timeout' }), op(2, 100, 'invoke', 1, 'read'), op(3, 120, 'ok', 1, 'read')], 50e6);
    assert.equal(timeout.ok, false);
    assert.equal(timeout.unservedCount, 1);
    assert.match(timeout.unserved[0], /net-timeout/);
    const unavailable = checkLiveness([op(0, 100, 'invoke', 0, 'read'), op(1, 200, 'fail', 0, 'read', { error: ['temporarily-unavailable', 'x'] })], 50e6);
    assert.equal(unavailable.ok, false);
    const open = checkLiveness([op(0, 100, 'invoke', 0, 'read')], 50e6);
    assert.equal(open.ok, false);
    assert.match(open.unserved[0], /never completed/);
    assert.equal(checkLiveness([], 0).ok, false, 'a window without a single ok op is not recovery');
  });
});

describe('sim: State Machine Safety checker', () => {
  it('accepts replicas that agree and truncation of uncommitted entries', () => {
    const c = new CommitChecker();
    for (const n of ['a', 'b']) c.recovered(n, empty);
    c.saved('a', { term: 1, vote: 'a', commit: 0 }, entries(1, 3, 1));
    c.saved('a', { term: 1, vote: 'a', commit: 2 }, []);
    c.saved('b', { term: 1, vote: 'a', commit: 0 }, entries(1, 3, 1));
    // b's uncommitted entry 3 is replaced by a later leader's entry; index 3 was never committed.
    c.saved('b', { term: 2, vote: 'b', commit: 3 }, entries(3, 4, 2));
    c.saved('a', { term: 2, vote: 'b', commit: 4 }, entries(3, 4, 2));
    assert.deepEqual(c.violations, []);
  });

  it('reports two replicas committing different terms at one index, also via snapshots and recovery', () => {
    const c = new CommitChecker();
    for (const n of ['a', 'b', 'c']) c.recovered(n, empty);
    c.saved('a', { term: 1, vote: 'a', commit: 2 }, entries(1, 2, 1));
    c.saved('b', { term: 2, vote: 'b', commit: 2 }, [...entries(1, 1, 1), ...entries(2, 2, 2)]);
    assert.equal(c.violations.length, 1);
    assert.match(c.violations[0], /committed entry 2 differs: term 1 on a, term 2 on b/);
    c.snapshot('c', { meta: { index: 1, term: 3, voters: ['a', 'b', 'c'] }, data: '' });
    assert.equal(c.violations.length, 2);
    c.recovered('a', { hardState: { term: 1, vote: 'a', commit: 1 }, snapshot: null, entries: entries(1, 1, 1) });
    assert.equal(c.violations.length, 2, 'recovering what was committed before is no violation');
  });
});

describe('sim: network', () => {
  const profile = { shape: 'uniform' as const, meanMs: 5, loss: 0.5, duplicate: 0.5 };

  it('cuts are directed (asymmetric partitions) and heal restores delivery', () => {
    const scheduler = new VirtualScheduler();
    const got: string[] = [];
    const net = new SimNetwork(scheduler, profile, new Rng(1), NO_TRACE, (dest, line) => got.push(`${dest}:${line}`));
    net.cutLinks('b', ['a']);
    net.send('a', 'b', 'ab');
    net.send('b', 'a', 'ba');
    scheduler.runAll();
    assert.deepEqual(got, ['a:ba']);
    net.heal();
    net.send('a', 'b', 'ab2');
    scheduler.runAll();
    assert.deepEqual(got, ['a:ba', 'b:ab2']);
  });

  it('isolations (leader strikes) outlive partition heals; a send budget strikes at a message boundary', () => {
    const scheduler = new VirtualScheduler();
    const got: string[] = [];
    const net = new SimNetwork(scheduler, profile, new Rng(3), NO_TRACE, (dest, line) => got.push(`${dest}:${line}`));
    net.send('a', 'b', 'before');
    net.isolate('a', 'outgoing');
    net.send('a', 'b', 'muted');
    net.send('b', 'a', 'heard');
    net.heal();
    net.send('a', 'b', 'still-muted');
    scheduler.runAll();
    assert.deepEqual(got.sort(), ['a:heard', 'b:before'], 'what a muted node sent earlier arrives; it still hears');
    net.rejoin('a', 'outgoing');
    got.length = 0;
    net.send('b', 'a', 'inflight');
    net.isolate('a', 'both');
    net.send('a', 'b', 'out');
    scheduler.runAll();
    assert.deepEqual(got, [], 'an isolated node loses what is in flight to it');
    net.healAll();
    let struck = 0;
    net.afterSends('a', 2, () => {
      struck++;
      net.isolate('a', 'outgoing');
    });
    for (const m of ['1', '2', '3', '4']) net.send('a', 'b', m);
    scheduler.runAll();
    assert.equal(struck, 1);
    assert.deepEqual(got.sort(), ['b:1', 'b:2'], 'two messages get out, the strike holds from the third');
  });

  it('a cut applies to messages already in flight; loss, duplication and reordering happen', () => {
    const scheduler = new VirtualScheduler();
    const got: string[] = [];
    const net = new SimNetwork(scheduler, profile, new Rng(2), NO_TRACE, (_d, line) => got.push(line));
    net.send('a', 'b', 'inflight');
    net.cutLinks('b', ['a']);
    scheduler.runAll();
    assert.deepEqual(got, []);
    net.heal();
    net.faults.loss = 0.3;
    net.faults.duplicate = 0.3;
    for (let i = 0; i < 400; i++) net.send('a', 'b', String(i));
    scheduler.runAll();
    const distinct = new Set(got);
    assert.ok(distinct.size < 400, 'some messages are lost');
    assert.ok(got.length > distinct.size, 'some messages are duplicated');
    const order = got.map(Number);
    assert.ok(order.some((v, i) => i > 0 && v < order[i - 1]), 'messages overtake each other');
  });
});

describe('sim: configuration and command line', () => {
  it('draws every tunable from the seed, with clock drift inside the stated bound', () => {
    const a = chooseConfig(42, 'lin-kv');
    assert.deepEqual(chooseConfig(42, 'lin-kv'), a);
    assert.ok([3, 5, 7].includes(a.tunables.nodeCount));
    assert.equal(a.clockRates.length, a.tunables.nodeCount);
    for (const seed of [1, 2, 3, 4, 5]) {
      for (const r of chooseConfig(seed, 'lin-kv').clockRates) assert.ok(Math.abs(r - 1) <= DRIFT_BOUND);
    }
    const pinned = chooseConfig(42, 'lin-kv', { nodeCount: 7, faults: [], readMode: 'lease', batching: false });
    assert.equal(pinned.tunables.nodeCount, 7);
    assert.deepEqual(pinned.faults, []);
    assert.equal(pinned.tunables.readMode, 'lease');
    assert.equal(pinned.tunables.batching, false);
  });

  it('parses swarm and replay flags and re-emits the shaping ones in the replay command', () => {
    const args = parseSimArgs(['--seeds', '500', '--workload', 'all', '--nodes', '3', '--broken', 'ack-writes-before-commit', '--fault-ms', '2000']);
    assert.ok(args !== 'help');
    assert.equal(args.seeds, 500);
    assert.deepEqual(args.workloads, ['lin-kv', 'txn-list-append', 'txn-rw-register']);
    assert.deepEqual(args.overrides.broken, { server: { ackWritesBeforeCommit: true } });
    assert.equal(args.overrides.phases?.faultMs, 2000);
    assert.equal(
      replayCommand('lin-kv', 17, args.shapingFlags),
      'node -r ./test/support/register.js src/sim/main.ts --workload lin-kv --seed 17 --nodes 3 --broken ack-writes-before-commit --fault-ms 2000',
    );
    const single = parseSimArgs(['--seed', '9']);
    assert.ok(single !== 'help' && single.single && single.firstSeed === 9 && single.seeds === 1);
    assert.equal(parseSimArgs(['--help']), 'help');
  });

  it('rejects bad flags with a message that says how to fix them', () => {
    const bad: Array<[string[], RegExp]> = [
      [['--seeds', '0'], /--seeds needs an integer >= 1/],
      [['--seeds'], /needs a value/],
      [['--workload', 'kafka'], /--workload must be one of/],
      [['--nodes', '4'], /--nodes must be 3, 5 or 7/],
      [['--faults', 'meteor'], /unknown fault "meteor"/],
      [['--broken', 'everything'], /unknown switch "everything"/],
      [['--seed', '3', '--seeds', '5'], /do not combine/],
      [['--frobnicate'], /unknown option/],
    ];
    for (const [argv, re] of bad) assert.throws(() => parseSimArgs(argv), (e: unknown) => e instanceof UsageError && re.test((e as Error).message), argv.join(' '));
  });
});

describe('sim: leader strikes', function () {
  this.timeout(60_000);
  it('every new leader is noticed and struck (the hook on the server log line still matches)', async () => {
    const config = chooseConfig(5, 'lin-kv', { faults: ['leader-strike'], phases: { faultMs: 1500, recoveryMs: 2500, finalMs: 800 } });
    const r = await simulate(config);
    assert.deepEqual(r.failures, []);
    const strikes = r.history.filter((o) => o.process === 'nemesis' && String(o.f).startsWith('strike-'));
    assert.ok(strikes.length >= 4, `only ${strikes.length / 2} strikes in 1.5 s`);
  });
});
