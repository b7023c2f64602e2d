import { strict as assert } from 'assert';
import { parseTestArgs, usage } from '../../src/runner/cli';
import { FaultTarget, Nemesis, NemesisEvent, TRANSFER_TIMEOUT_MS } from '../../src/runner/nemesis';
import { Rng } from '../../src/runner/rng';
import { VirtualScheduler } from '../../src/runner/scheduler';

const SEED = Number(process.env.SEED ?? 1234);
const NODES = ['n0', 'n1', 'n2'];

type Answer = (node: string, body: Record<string, unknown>) => Record<string, unknown> | null;

/** A target whose request() answers after 5 ms (or never, for null: the runner's client times out). */
function target(scheduler: VirtualScheduler, answer: Answer | null, asked: string[]): FaultTarget {
  const t: FaultTarget = {
    partition: () => undefined,
    heal: () => undefined,
    kill: () => undefined,
    restart: () => undefined,
    pause: () => undefined,
    resume: () => undefined,
    setLoss: () => undefined,
    setDuplicate: () => undefined,
    setSlow: () => undefined,
  };
  if (answer) {
    t.request = (node, body, timeoutMs, done) => {
      asked.push(`${node} ${JSON.stringify(body)}`);
      const reply = answer(node, body);
      if (reply) scheduler.after(5, () => done(reply));
      else scheduler.after(timeoutMs, () => done(null));
    };
  }
  return t;
}

function run(answer: Answer | null, stopAt = 2000): { events: NemesisEvent[]; asked: string[] } {
  const scheduler = new VirtualScheduler();
  const events: NemesisEvent[] = [];
  const asked: string[] = [];
  new Nemesis({
    faults: ['transfer'],
    nodes: NODES,
    intervalMs: 100,
    stopAt,
    healAt: null,
    rng: new Rng(SEED),
    scheduler,
    target: target(scheduler, answer, asked),
    record: (ev) => events.push(ev),
  }).start();
  scheduler.runUntil(stopAt + TRANSFER_TIMEOUT_MS + 100);
  return { events, asked };
}

describe(`nemesis transfer (extension; SEED=${SEED})`, () => {
  it('asks a random node to hand leadership to a random voter and records start-transfer, then the answer', () => {
    const { events, asked } = run((_node, body) => ({ type: 'raft_transfer_leader_ok', leader: body.to }));
    const starts = events.filter((e) => e.f === 'start-transfer');
    const stops = events.filter((e) => e.f === 'stop-transfer');
    assert.ok(starts.length >= 5, `${starts.length} transfers`);
    assert.equal(stops.length, starts.length);
    assert.equal(asked.length, starts.length);
    for (const s of starts) {
      const v = s.value as { node: string; to: string };
      assert.ok(NODES.includes(v.node) && NODES.includes(v.to));
      assert.equal(s.result, 'requested');
    }
    for (const s of stops) assert.deepEqual(s.result, ['leader', (s.value as { to: string }).to]);
    // Each answer comes after its own start.
    for (const s of stops) {
      const start = events.findIndex((e) => e.f === 'start-transfer' && e.value === s.value);
      assert.ok(start >= 0 && start < events.indexOf(s));
    }
    assert.ok(asked.every((a) => /^n\d \{"type":"raft_transfer_leader","to":"n\d"\}$/.test(a)), asked[0]);
    const targets = new Set(starts.map((s) => (s.value as { to: string }).to));
    assert.ok(targets.size > 1, 'targets are drawn at random');
  });

  it('records errors and timeouts as the answer', () => {
    let i = 0;
    const { events } = run(() => (i++ % 2 === 0 ? { type: 'error', code: 0, text: 'no' } : null), 1000);
    const results = events.filter((e) => e.f === 'stop-transfer').map((e) => JSON.stringify(e.result));
    assert.ok(results.includes('["error",0,"no"]'), results.join(' '));
    assert.ok(results.includes('"timeout"'), results.join(' '));
  });

  it('a node answering 10 (not-supported): recorded once, then the fault asks nothing more', () => {
    const { events, asked } = run(() => ({ type: 'error', code: 10, text: 'unsupported message type' }));
    const stops = events.filter((e) => e.f === 'stop-transfer');
    assert.equal(stops[0].result, 'not-supported');
    // Only the transfers already sent before the first answer came back.
    const firstAnswer = events.indexOf(stops[0]);
    assert.ok(events.slice(firstAnswer + 1).every((e) => e.f === 'stop-transfer'));
    assert.equal(asked.length, events.filter((e) => e.f === 'start-transfer').length);
    assert.ok(asked.length <= 2, `${asked.length} asked`);
  });

  it('without a request path it records nothing', () => {
    assert.deepEqual(run(null).events, []);
  });

  it('--nemesis accepts transfer (with others) and --help documents it as ours', () => {
    const parsed = parseTestArgs(['--bin', 'x', '-w', 'lin-kv', '--nemesis', 'partition,transfer'], () => 1);
    assert.ok(!parsed.help && parsed.config.nemesis.includes('transfer'));
    assert.match(usage(), /^ {2}transfer {10}ask a random node to hand leadership/m);
  });
});
