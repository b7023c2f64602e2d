import { strict as assert } from 'assert';
import { Grudge } from '../../src/runner/network';
import { Rng } from '../../src/runner/rng';
import { VirtualScheduler } from '../../src/runner/scheduler';
import { FRESH_GAP_MS, LeaderStriker, STRIKE_MAX_AFTER, STRIKE_MAX_MS, STRIKE_MIN_MS, StrikeEvent } from '../../src/runner/strike';

const SEED = Number(process.env.SEED ?? 77);
const N3 = ['n0', 'n1', 'n2'];

function setup(seed: number) {
  const s = new VirtualScheduler();
  const cut = new Map<string, Grudge>();
  const events: { at: number; ev: StrikeEvent }[] = [];
  const striker = new LeaderStriker({
    nodes: N3,
    rng: new Rng(seed),
    now: () => s.now(),
    after: (ms, fn) => s.after(ms, fn),
    isolate: (node, g) => cut.set(node, g),
    heal: (node) => cut.delete(node),
    record: (ev) => events.push({ at: s.now(), ev }),
  });
  /** `src` sends one message to every peer now. */
  const broadcast = (src: string): void => {
    for (const p of N3) if (p !== src) striker.observe(src, p);
  };
  return { s, cut, events, striker, broadcast };
}

describe(`strike-leader (extension; SEED=${SEED})`, () => {
  it('a fresh broadcast is struck after 0..7 more messages; a steady leader is not struck again while it stays struck-free', () => {
    const afters: number[] = [];
    for (let seed = SEED; seed < SEED + 200; seed++) {
      const { s, cut, events, striker, broadcast } = setup(seed);
      striker.arm();
      // A follower answering one peer is no broadcast: nothing happens.
      striker.observe('n1', 'n0');
      assert.equal(events.length, 0);
      broadcast('n0');
      const start = () => events.find((e) => e.ev.f === 'start-strike');
      let sent = 0;
      while (!start() && sent < 20) {
        striker.observe('n0', sent % 2 === 0 ? 'n1' : 'n2');
        sent++;
      }
      const st = start();
      assert.ok(st, `seed ${seed}: struck`);
      const v = st.ev.value as { node: string; 'after-messages': number; mode: string; ms: number };
      assert.equal(v.node, 'n0');
      assert.equal(sent, v['after-messages'], `seed ${seed}: struck right after its k-th message`);
      assert.ok(v['after-messages'] >= 0 && v['after-messages'] <= STRIKE_MAX_AFTER);
      assert.ok(v.ms >= STRIKE_MIN_MS && v.ms <= STRIKE_MAX_MS);
      afters.push(v['after-messages']);
      const g = cut.get('n0') as Grudge;
      // Outgoing: the peers drop n0. Both: n0 also drops the peers.
      assert.ok(g.get('n1')?.has('n0') && g.get('n2')?.has('n0'));
      assert.equal(g.has('n0'), v.mode === 'both');
      // While struck it keeps heartbeating into the void: no second strike of n0.
      for (let t = 0; t < 5; t++) {
        s.runUntil(s.now() + 40);
        broadcast('n0');
      }
      assert.equal(events.filter((e) => e.ev.f === 'start-strike').length, 1);
      // The strike ends by itself and heals.
      s.runUntil(s.now() + STRIKE_MAX_MS);
      assert.equal(cut.size, 0);
      assert.deepEqual(events.filter((e) => e.ev.f === 'stop-strike').map((e) => (e.ev.value as { node: string }).node), ['n0']);
    }
    assert.ok(afters.includes(0) && afters.includes(STRIKE_MAX_AFTER), 'both ends of 0..7 drawn');
  });

  it('a steady leader (a broadcast every 50 ms) is one episode; a candidacy after a quiet spell is a new one; a node back from a strike is fresh again', () => {
    const { s, events, striker, broadcast } = setup(SEED);
    // Unarmed: the striker only watches.
    for (let i = 0; i < 10; i++) {
      broadcast('n1');
      s.runUntil(s.now() + 50);
    }
    striker.arm();
    for (let i = 0; i < 10; i++) {
      broadcast('n1');
      s.runUntil(s.now() + 50);
    }
    assert.equal(events.length, 0, 'steady heartbeats never look fresh');
    s.runUntil(s.now() + FRESH_GAP_MS + 1);
    for (let i = 0; i < 10 && events.length === 0; i++) broadcast('n2');
    assert.equal((events[0]?.ev.value as { node: string } | undefined)?.node, 'n2');
    s.runUntil(s.now() + STRIKE_MAX_MS + 1);
    // Back from the strike and still leading: struck again without a quiet spell.
    const before = events.filter((e) => e.ev.f === 'start-strike').length;
    for (let i = 0; i < 10; i++) broadcast('n2');
    assert.equal(events.filter((e) => e.ev.f === 'start-strike').length, before + 1);
  });

  it('two nodes can be struck at once (a leader elected while its predecessor is cut off), and disarm heals both', () => {
    const { cut, events, striker, broadcast } = setup(SEED);
    striker.arm();
    for (const n of ['n0', 'n1']) for (let i = 0; i < 10 && !striker.striking().includes(n); i++) broadcast(n);
    assert.deepEqual(striker.striking(), ['n0', 'n1']);
    assert.equal(striker.disarm(), 2);
    assert.equal(cut.size, 0);
    assert.equal(events.filter((e) => e.ev.f === 'stop-strike').length, 2);
    for (let i = 0; i < 10; i++) broadcast('n2');
    assert.deepEqual(striker.striking(), [], 'disarmed: nothing struck');
  });
});
