import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import execa from 'execa';
import { parseTestArgs, usage } from '../../src/runner/cli';
import {
  majorityAlive,
  Membership,
  MEMBERSHIP_STATUS_TIMEOUT_MS,
  MEMBERSHIP_TIMEOUT_MS,
  nextMembershipChange,
  pickLearned,
  reconfigureOutcome,
} from '../../src/runner/membership';
import { FaultTarget, Nemesis, NemesisEvent, NemesisFault } from '../../src/runner/nemesis';
import { Rng } from '../../src/runner/rng';
import { VirtualScheduler } from '../../src/runner/scheduler';
import { runnerBundle } from '../support/runner-bundle';

const SEED = Number(process.env.SEED ?? 1234);
const N5 = ['n0', 'n1', 'n2', 'n3', 'n4'];
const none = new Set<string>();
const cfg = (voters: string[], learners: string[] = []): Membership => ({ voters, learners });

describe(`nemesis membership: step logic (extension; SEED=${SEED})`, () => {
  it('cycles one node: remove a voter -> add it back as a learner -> promote it', () => {
    const rng = new Rng(SEED);
    let c = cfg([...N5]);
    const kinds: string[] = [];
    for (let i = 0; i < 9; i++) {
      const ch = nextMembershipChange(c, N5, none, rng);
      assert.ok(ch, `step ${i}`);
      kinds.push(`${ch.kind} ${ch.node}`);
      if (ch.kind === 'remove') {
        assert.deepEqual(ch.next.voters, c.voters.filter((v) => v !== ch.node));
        assert.deepEqual(ch.next.learners, []);
      } else if (ch.kind === 'add-learner') {
        assert.deepEqual(ch.next.voters, c.voters);
        assert.deepEqual(ch.next.learners, [ch.node]);
      } else {
        assert.deepEqual(ch.next.voters, N5);
        assert.deepEqual(ch.next.learners, []);
      }
      c = ch.next;
    }
    for (let i = 0; i < 9; i += 3) {
      const x = kinds[i].split(' ')[1];
      assert.deepEqual(kinds.slice(i, i + 3), [`remove ${x}`, `add-learner ${x}`, `promote ${x}`]);
    }
  });

  it('resumes the cycle from any configuration (a --voters K start: promote the learners first, in node order)', () => {
    const rng = new Rng(SEED);
    assert.deepEqual(nextMembershipChange(cfg(['n0', 'n1', 'n2'], ['n3', 'n4']), N5, none, rng), {
      kind: 'promote',
      node: 'n3',
      next: cfg(['n0', 'n1', 'n2', 'n3'], ['n4']),
    });
    assert.deepEqual(nextMembershipChange(cfg(['n0', 'n2', 'n3', 'n4']), N5, none, rng), { kind: 'add-learner', node: 'n1', next: cfg(['n0', 'n2', 'n3', 'n4'], ['n1']) });
  });

  it('never below 3 voters; fewer than 3 nodes: no removal', () => {
    const rng = new Rng(SEED);
    assert.equal(nextMembershipChange(cfg(['n0', 'n1', 'n2']), ['n0', 'n1', 'n2'], none, rng), null);
    assert.equal(nextMembershipChange(cfg(['n0', 'n1', 'n2'], []), N5.slice(0, 3), none, rng), null);
    assert.equal(nextMembershipChange(cfg(['n0', 'n1']), ['n0', 'n1'], none, rng), null);
    assert.equal(nextMembershipChange(cfg(['n0']), ['n0'], none, rng), null);
    // A learner still gets promoted with 2 nodes.
    assert.equal(nextMembershipChange(cfg(['n0'], ['n1']), ['n0', 'n1'], none, rng)?.kind, 'promote');
    for (let i = 0; i < 50; i++) assert.equal(nextMembershipChange(cfg(['n0', 'n1', 'n2', 'n3']), N5.slice(0, 4), none, rng)?.next.voters.length, 3);
  });

  it('removes only a voter whose removal leaves a majority alive, and only while the old voters have one', () => {
    const rng = new Rng(SEED);
    // 4 voters, n3 down: removing an alive voter leaves 2 of 3 alive (ok), removing n3 leaves 3 of 3; the old set has 3 of 4.
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) seen.add(nextMembershipChange(cfg(['n0', 'n1', 'n2', 'n3']), N5.slice(0, 4), new Set(['n3']), rng)?.node as string);
    assert.deepEqual([...seen].sort(), ['n0', 'n1', 'n2', 'n3']);
    // 5 voters, n0 and n1 down: removing an alive voter leaves 2 of 4 alive (no majority); removing a dead one leaves 3 of 4.
    const picks = new Set<string>();
    for (let i = 0; i < 100; i++) picks.add(nextMembershipChange(cfg(N5), N5, new Set(['n0', 'n1']), rng)?.node as string);
    assert.deepEqual([...picks].sort(), ['n0', 'n1']);
    // No majority alive among the voters: no change at all.
    assert.equal(nextMembershipChange(cfg(N5), N5, new Set(['n0', 'n1', 'n2']), rng), null);
    assert.equal(nextMembershipChange(cfg(['n0', 'n1', 'n2'], ['n3']), N5, new Set(['n0', 'n1']), rng), null);
    // Promotion needs a majority of the NEW voters alive: 3 voters (1 down) + a down learner = 2 of 4.
    assert.equal(nextMembershipChange(cfg(['n0', 'n1', 'n2'], ['n3']), N5, new Set(['n0', 'n3']), rng), null);
    assert.equal(nextMembershipChange(cfg(['n0', 'n1', 'n2'], ['n3']), N5, new Set(['n3']), rng)?.kind, 'promote');
    assert.ok(majorityAlive(['n0', 'n1', 'n2'], new Set(['n0'])) && !majorityAlive(['n0', 'n1'], new Set(['n0'])));
  });

  it('re-learning: the node saying leader with the highest term wins', () => {
    const st = (role: string, term: number, voters: string[], learners?: string[]) => ({ type: 'raft_status_ok', role, term, leader: null, commit: 0, applied: 0, voters, ...(learners ? { learners } : {}) });
    const learned = pickLearned(
      [
        { node: 'n0', reply: st('leader', 3, ['n0', 'n1', 'n2']) },
        { node: 'n1', reply: st('leader', 5, ['n4', 'n1', 'n2', 'n3'], ['n0']) },
        { node: 'n2', reply: st('follower', 9, ['n2']) },
        { node: 'n3', reply: null },
        { node: 'n4', reply: { type: 'error', code: 11, text: 'x' } },
      ],
      N5,
    );
    assert.deepEqual(learned, { voters: ['n1', 'n2', 'n3', 'n4'], learners: ['n0'], from: 'n1', term: 5 });
    assert.equal(pickLearned([{ node: 'n0', reply: st('follower', 1, N5) }, { node: 'n1', reply: null }], N5), null);
    // Ids the runner does not know, or a node in both lists: not a configuration.
    assert.equal(pickLearned([{ node: 'n0', reply: st('leader', 1, ['n9']) }], N5), null);
    assert.equal(pickLearned([{ node: 'n0', reply: st('leader', 1, ['n0'], ['n0']) }], N5), null);
  });

  it('answers: ok sets the configuration; 11 is definite; 0, 12, timeouts and the unexpected leave it in doubt; 10 is not-supported', () => {
    const req = cfg(['n0', 'n1', 'n2']);
    assert.deepEqual(reconfigureOutcome({ type: 'raft_reconfigure_ok', voters: ['n2', 'n0', 'n1'], learners: [] }, req, N5), {
      result: ['ok', { voters: ['n0', 'n1', 'n2'], learners: [] }],
      kind: 'ok',
      config: req,
    });
    assert.equal(reconfigureOutcome({ type: 'error', code: 11, text: 'busy' }, req, N5).kind, 'definite');
    assert.deepEqual(reconfigureOutcome({ type: 'error', code: 11, text: 'busy' }, req, N5).result, ['error', 11, 'busy']);
    for (const r of [null, { type: 'error', code: 0, text: 'x' }, { type: 'error', code: 12, text: 'x' }, { type: 'error', code: 13 }, { type: 'read_ok' }]) {
      assert.equal(reconfigureOutcome(r, req, N5).kind, 'indefinite', JSON.stringify(r));
    }
    assert.equal(reconfigureOutcome(null, req, N5).result, 'timeout');
    assert.deepEqual(reconfigureOutcome({ type: 'error', code: 10, text: 'x' }, req, N5), { result: 'not-supported', kind: 'unsupported' });
  });
});

type Answer = (node: string, body: Record<string, unknown>) => Record<string, unknown> | null | 'hold';

/** A target whose request() answers after 5 ms (null: never, the client times out). `down` records kill/pause. */
function target(scheduler: VirtualScheduler, answer: Answer, asked: string[]): FaultTarget {
  return {
    partition: () => undefined,
    heal: () => undefined,
    kill: () => undefined,
    restart: () => undefined,
    pause: () => undefined,
    resume: () => undefined,
    setLoss: () => undefined,
    setDuplicate: () => undefined,
    setSlow: () => undefined,
    request: (node, body, timeoutMs, done) => {
      asked.push(`${node} ${JSON.stringify(body)}`);
      const reply = answer(node, body);
      if (reply === 'hold') scheduler.after(timeoutMs - 1, () => done({ type: 'raft_reconfigure_ok', voters: body.voters, learners: body.learners }));
      else if (reply) scheduler.after(5, () => done(reply));
      else scheduler.after(timeoutMs, () => done(null));
    },
  };
}

/** An in-memory cluster: n0 holds the configuration and leads at term 1. */
function cluster(nodes: readonly string[], start: Membership = { voters: [...nodes], learners: [] }) {
  let config = start;
  const answer: Answer = (_node, body) => {
    if (body.type === 'raft_status') return { type: 'raft_status_ok', role: _node === 'n0' ? 'leader' : 'follower', term: 1, voters: config.voters, learners: config.learners };
    config = { voters: body.voters as string[], learners: body.learners as string[] };
    return { type: 'raft_reconfigure_ok', voters: config.voters, learners: config.learners };
  };
  return { answer, config: () => config };
}

function run(answer: Answer, opts: { faults?: NemesisFault[]; nodes?: readonly string[]; stopAt?: number; healAt?: number | null } = {}) {
  const scheduler = new VirtualScheduler();
  const events: NemesisEvent[] = [];
  const asked: string[] = [];
  const stopAt = opts.stopAt ?? 3000;
  const nemesis = new Nemesis({
    faults: opts.faults ?? ['membership'],
    nodes: opts.nodes ?? N5,
    intervalMs: 100,
    stopAt,
    healAt: opts.healAt ?? null,
    rng: new Rng(SEED),
    scheduler,
    target: target(scheduler, answer, asked),
    record: (ev) => events.push({ ...ev, at: scheduler.now() } as NemesisEvent),
  });
  nemesis.start();
  scheduler.runUntil(stopAt + MEMBERSHIP_TIMEOUT_MS + 2 * MEMBERSHIP_STATUS_TIMEOUT_MS + 100);
  return { events, asked, nemesis };
}

const ofF = (events: NemesisEvent[], f: string) => events.filter((e) => e.f === f);

describe(`nemesis membership: the package (SEED=${SEED})`, () => {
  it('learns the configuration first, then one change at a time, each answered before the next starts', () => {
    const c = cluster(N5);
    const { events, asked } = run(c.answer);
    assert.equal(events[0].f, 'learn-membership');
    assert.deepEqual(events[0].result, ['learned', { from: 'n0', term: 1, voters: N5, learners: [] }]);
    assert.equal(asked.filter((a) => a.includes('raft_status')).length, N5.length, 'learned once, from every node');
    const starts = ofF(events, 'start-membership');
    const stops = ofF(events, 'stop-membership');
    assert.ok(starts.length >= 6, `${starts.length} changes`);
    assert.equal(stops.length, starts.length);
    // Strictly alternating start/stop: never two in flight.
    const seq = events.filter((e) => e.f !== 'learn-membership').map((e) => e.f);
    seq.forEach((f, i) => assert.equal(f, i % 2 === 0 ? 'start-membership' : 'stop-membership'));
    for (let i = 0; i < starts.length; i++) {
      assert.equal(starts[i].result, 'requested');
      assert.deepEqual(stops[i].value, starts[i].value);
      const v = starts[i].value as { node: string; voters: string[]; learners: string[] };
      assert.deepEqual(stops[i].result, ['ok', { voters: v.voters, learners: v.learners }]);
      assert.ok(v.voters.length >= 3);
    }
    assert.ok(asked.filter((a) => a.includes('raft_reconfigure')).every((a) => /^n\d \{"type":"raft_reconfigure","voters":\[.*\],"learners":\[.*\]\}$/.test(a)));
    assert.ok(new Set(starts.map((s) => (s.value as { node: string }).node)).size > 1, 'sent to random nodes');
  });

  it('a step while a change is pending does nothing', () => {
    // Every reconfigure takes almost the whole timeout: with steps every ~100 ms most find one pending.
    let config = cfg([...N5]);
    const { events } = run((node, body) => {
      if (body.type === 'raft_status') return { type: 'raft_status_ok', role: node === 'n0' ? 'leader' : 'follower', term: 1, voters: config.voters, learners: config.learners };
      config = { voters: body.voters as string[], learners: body.learners as string[] };
      return 'hold';
    }, { stopAt: 12_000 });
    const starts = ofF(events, 'start-membership');
    assert.ok(starts.length >= 2 && starts.length <= 3, `${starts.length} starts in 12 s with ${MEMBERSHIP_TIMEOUT_MS} ms answers`);
    const seq = events.filter((e) => e.f !== 'learn-membership').map((e) => e.f);
    seq.forEach((f, i) => assert.equal(f, i % 2 === 0 ? 'start-membership' : 'stop-membership'));
  });

  it('after an indefinite answer (0 or timeout) it re-learns with raft_status before the next change', () => {
    const c = cluster(N5);
    let n = 0;
    const { events, asked } = run((node, body) => {
      if (body.type === 'raft_reconfigure') {
        n++;
        if (n === 2) {
          c.answer(node, body); // applied, but the answer says 0
          return { type: 'error', code: 0, text: 'indefinite' };
        }
        if (n === 4) return null; // timeout (not applied)
      }
      return c.answer(node, body);
    }, { stopAt: 8000 });
    const stops = ofF(events, 'stop-membership');
    assert.deepEqual(stops[1].result, ['error', 0, 'indefinite']);
    assert.equal(stops[3].result, 'timeout');
    const learns = ofF(events, 'learn-membership');
    assert.ok(learns.length >= 3, `${learns.length} learns`);
    // Each learn right after an indefinite answer, and the next change follows from what it learned.
    for (const k of [1, 3]) {
      const i = events.indexOf(stops[k]);
      assert.equal(events[i + 1].f, 'learn-membership');
      const learned = (events[i + 1].result as [string, Membership])[1];
      assert.equal(events[i + 2].f, 'start-membership');
      const next = events[i + 2].value as Membership & { node: string };
      const expect = nextMembershipChange(learned, N5, none, new Rng(1));
      assert.ok(expect && expect.kind !== 'remove' ? JSON.stringify({ voters: next.voters, learners: next.learners }) === JSON.stringify(expect.next) : next.voters.length === learned.voters.length - 1);
    }
    // The learned view after the applied-but-indefinite change is the change itself.
    const v1 = stops[1].value as Membership;
    assert.deepEqual((events[events.indexOf(stops[1]) + 1].result as [string, Membership])[1].voters, v1.voters);
    assert.equal(asked.filter((a) => a.includes('raft_status')).length, 3 * N5.length);
  });

  it('error 11 keeps the view (no re-learning), and the same change is asked for again', () => {
    const c = cluster(N5);
    let n = 0;
    const { events } = run((node, body) => {
      if (body.type === 'raft_reconfigure' && ++n === 1) return { type: 'error', code: 11, text: 'no leader' };
      return c.answer(node, body);
    });
    const stops = ofF(events, 'stop-membership');
    assert.deepEqual(stops[0].result, ['error', 11, 'no leader']);
    assert.equal(ofF(events, 'learn-membership').length, 1);
    const starts = ofF(events, 'start-membership');
    const strip = (v: unknown) => { const { node: _n, ...rest } = v as { node: string }; return rest; };
    // The first removal failed, so the next change is a removal too (from the same voters).
    assert.equal((strip(starts[1].value) as Membership).voters.length, 4);
    assert.equal((strip(starts[1].value) as Membership).learners.length, 0);
  });

  it('no leader answers raft_status: the configuration stays unknown and nothing is changed', () => {
    const { events, asked } = run((_n, body) => (body.type === 'raft_status' ? { type: 'raft_status_ok', role: 'candidate', term: 2, voters: N5, learners: [] } : null), { stopAt: 1500 });
    assert.ok(ofF(events, 'learn-membership').length >= 1);
    assert.ok(ofF(events, 'learn-membership').every((e) => e.result === 'unknown'));
    assert.equal(asked.filter((a) => a.includes('raft_reconfigure')).length, 0);
  });

  it('a node answering 10 (to raft_reconfigure or raft_status) is recorded once and then left alone', () => {
    const c = cluster(N5);
    const r1 = run((node, body) => (body.type === 'raft_reconfigure' ? { type: 'error', code: 10, text: 'unsupported' } : c.answer(node, body)));
    assert.deepEqual(r1.events.map((e) => [e.f, e.result === 'requested' ? 'requested' : e.result === 'not-supported' ? 'not-supported' : 'learned']), [
      ['learn-membership', 'learned'],
      ['start-membership', 'requested'],
      ['stop-membership', 'not-supported'],
    ]);
    assert.equal(r1.asked.filter((a) => a.includes('raft_reconfigure')).length, 1);
    const r2 = run(() => ({ type: 'error', code: 10, text: 'unsupported' }));
    assert.deepEqual(r2.events, [{ f: 'learn-membership', value: { node: 'n0' }, result: 'not-supported', at: (r2.events[0] as unknown as { at: number }).at }]);
    assert.equal(r2.asked.length, N5.length);
  });

  it('keeps a majority of the voters alive while kill/pause hold nodes down', () => {
    const c = cluster(N5);
    const { events } = run(c.answer, { faults: ['membership', 'pause', 'kill'], stopAt: 20_000 });
    const down = new Map<string, number>();
    let checked = 0;
    for (const e of events) {
      const r = e.result as [string, string[]];
      if (/^start-(kill|pause)$/.test(e.f)) for (const v of r[1]) down.set(v, (down.get(v) ?? 0) + 1);
      if (/^stop-(kill|pause)$/.test(e.f)) for (const v of r[1]) down.set(v, (down.get(v) ?? 0) - 1);
      if (e.f === 'start-membership') {
        const v = e.value as Membership;
        const dead = new Set([...down].filter(([, k]) => k > 0).map(([n]) => n));
        assert.ok(majorityAlive(v.voters, dead), `${JSON.stringify(v)} with ${[...dead]} down`);
        checked++;
      }
    }
    assert.ok(checked >= 5, `${checked} changes`);
    assert.ok(events.some((e) => /^start-(kill|pause)$/.test(e.f)));
  });

  it('after the final heal no change starts; one in flight is answered and recorded', () => {
    const c = cluster(N5);
    const { events } = run((node, body) => (body.type === 'raft_reconfigure' ? (c.answer(node, body), 'hold') : c.answer(node, body)), { stopAt: 20_000, healAt: 7000 });
    const at = (e: NemesisEvent) => (e as unknown as { at: number }).at;
    const starts = ofF(events, 'start-membership');
    assert.ok(starts.length >= 1 && starts.every((s) => at(s) < 7000));
    assert.equal(ofF(events, 'stop-membership').length, starts.length);
  });

  it('an indefinite answer after the final heal: the runner learns (and records) what is in place, and changes nothing', () => {
    const c = cluster(N5);
    let n = 0;
    const { events } = run((node, body) => {
      if (body.type === 'raft_reconfigure' && ++n === 1) {
        c.answer(node, body);
        return null;
      }
      return c.answer(node, body);
    }, { stopAt: 20_000, healAt: 10 });
    assert.deepEqual(events.map((e) => e.f), ['learn-membership', 'start-membership', 'stop-membership', 'learn-membership']);
    assert.equal(events[2].result, 'timeout');
    assert.equal((events[3].result as [string, Membership])[1].voters.length, 4);
  });

  it('--nemesis accepts membership (alone and with others) and --help documents it as ours', () => {
    for (const spec of ['membership', 'partition,membership,transfer']) {
      const parsed = parseTestArgs(['--bin', 'x', '-w', 'lin-kv', '--nemesis', spec], () => 1);
      assert.ok(!parsed.help && parsed.config.nemesis.includes('membership'));
    }
    assert.match(usage(), /^ {2}membership {8}one configuration change per step \(admin request raft_reconfigure/m);
    assert.match(usage(), /answering 10 is recorded once and left alone/);
  });
});

describe('nemesis membership end to end (fixture lin-kv-reconfig.js)', function () {
  this.timeout(60_000);
  const ROOT = path.resolve(__dirname, '..', '..');
  const FIX = path.join(ROOT, 'test', 'fixtures', 'lin-kv-reconfig.js');
  let tmp = '';
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-membership-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const run = async (extra: string[], nodeArgs: string[] = []) => {
    const store = path.join(tmp, `store-${Math.random().toString(36).slice(2)}`);
    const args = ['test', '-w', 'lin-kv', '--bin', FIX, '--node-count', '5', '--concurrency', '2n', '--time-limit', '3', '--rate', '50', '--seed', String(SEED), '--store', store, ...extra];
    const r = await execa('node', [runnerBundle(), ...args, ...(nodeArgs.length > 0 ? ['--', ...nodeArgs] : [])], { reject: false, cwd: ROOT });
    const dir = path.join(store, 'latest');
    const history = fs.readFileSync(path.join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'));
    return { code: r.exitCode, out: r.stdout + r.stderr, history, results };
  };
  type Op = { process: string; type: string; f: string; value: unknown };
  const completions = (h: Op[], f: string) => h.filter((o) => o.process === 'nemesis' && o.f === f).filter((_o, i) => i % 2 === 1);

  it('changes the configuration several times, each answered ok; the run is valid', async () => {
    const r = await run(['--nemesis', 'membership', '--nemesis-interval', '0.2'], ['--voters', '3']);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.results.valid, true);
    const learned = completions(r.history, 'learn-membership');
    assert.deepEqual(learned[0].value, ['learned', { from: 'n0', term: 1, voters: ['n0', 'n1', 'n2'], learners: ['n3', 'n4'] }]);
    const stops = completions(r.history, 'stop-membership');
    assert.ok(stops.length >= 4, `${stops.length} changes`);
    for (const s of stops) assert.equal((s.value as unknown[])[0], 'ok', JSON.stringify(s.value));
    // --voters 3: the learners are promoted first.
    assert.deepEqual((stops[0].value as [string, Membership])[1], { voters: ['n0', 'n1', 'n2', 'n3'], learners: ['n4'] });
  });

  it('a node answering 10: recorded once, then left alone; the run is still valid', async () => {
    const r = await run(['--nemesis', 'membership', '--nemesis-interval', '0.2'], ['--unsupported']);
    assert.equal(r.code, 0, r.out);
    const nem = r.history.filter((o: Op) => o.process === 'nemesis');
    // Every node is asked at once; whichever 10 arrives first is the one recorded (real processes: any of them).
    const first = nem[0]?.value as { node?: unknown } | undefined;
    assert.ok(first !== undefined && typeof first.node === 'string' && /^n[0-9]+$/.test(first.node), JSON.stringify(nem));
    assert.deepEqual(nem.map((o: Op) => [o.f, o.value]), [
      ['learn-membership', { node: first.node }],
      ['learn-membership', 'not-supported'],
    ]);
  });
});
