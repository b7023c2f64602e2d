/**
 * Membership changes (thesis §4.3, src/raft/reconfigure.ts): scenario tests
 * for the classic reconfiguration bugs. Each runs the correct core and the
 * core with the matching testing fault switched on, and asserts that the
 * outcome differs: the test would catch the bug it names.
 */
import { strict as assert } from 'assert';
import type { Membership, TestingFaults } from '../../src/raft';
import { Net } from './scenario-net';

const ids3 = ['n1', 'n2', 'n3'];
const ids5 = ['n1', 'n2', 'n3', 'n4', 'n5'];

function proposeOk(net: Net, leader: string, voters: string[], learners: string[] = []): number {
  const res = net.n(leader).proposeMembership({ voters, learners });
  assert.ok(res.ok, `proposeMembership refused: ${JSON.stringify(res)}`);
  return res.index;
}

function finalOf(m: Membership): { voters: string[]; learners: string[]; joint: boolean } {
  return { voters: [...m.voters].sort(), learners: [...m.learners].sort(), joint: m.outgoing.length > 0 };
}

/** Ticks everyone until `id`'s committed configuration is final and equals voters/learners. */
function settleChange(net: Net, id: string, voters: string[], learners: string[] = []): void {
  for (let i = 0; i < 50; i++) {
    const m = finalOf(net.n(id).committedMembership);
    if (!m.joint && m.voters.join() === [...voters].sort().join() && m.learners.join() === [...learners].sort().join()) return;
    net.tick(net.ids.filter((x) => net.r(x).node !== null), 1);
  }
  assert.fail(`change to ${voters}/${learners} did not finish at ${id}: ${JSON.stringify(net.n(id).committedMembership)}`);
}

describe('raft membership: joint consensus (thesis §4.3)', () => {
  it('a configuration is in effect when appended: the joint entry needs a majority of the new voters too', () => {
    const run = (faults: TestingFaults): { jointCommitted: boolean; joint: boolean } => {
      const net = new Net(ids5, { learners: ['n4', 'n5'], testingFaults: faults });
      net.elect('n1');
      net.settle();
      net.isolate('n4');
      net.isolate('n5');
      const index = proposeOk(net, 'n1', ['n1', 'n4', 'n5']);
      net.settle();
      net.tick(['n1', 'n2', 'n3'], 3);
      return { jointCommitted: net.n('n1').status.commit >= index, joint: net.n('n1').membership.outgoing.length > 0 };
    };
    const correct = run({});
    assert.deepEqual(correct, { jointCommitted: false, joint: true }, 'old voters n2, n3 alone must not commit the change to {n1, n4, n5}');
    assert.equal(run({ membershipOnCommit: true }).jointCommitted, true, 'with the change in effect only on commit, the old majority commits it alone');
  });

  it('replaces most voters at once: the joint step, then the final configuration, and everyone follows', () => {
    const net = new Net(ids5, { learners: ['n4', 'n5'] });
    net.elect('n1');
    net.n('n1').propose(['before']);
    net.settle();
    const index = proposeOk(net, 'n1', ['n1', 'n4', 'n5'], ['n2']);
    settleChange(net, 'n1', ['n1', 'n4', 'n5'], ['n2']);
    assert.ok(net.n('n1').status.commit > index, 'the final configuration follows the joint one');
    assert.deepEqual(net.leaders(), ['n1']);
    net.n('n1').propose(['after']);
    net.tick(ids5, 2);
    for (const id of ['n4', 'n5', 'n2']) assert.ok(net.r(id).applied.some((e) => e.data === 'after'), `${id} keeps receiving the log`);
    assert.equal(finalOf(net.n('n3').membership).voters.includes('n3'), false, 'n3 learned it was removed');
  });

  it('refuses a second change while one is in flight, and a change before the leader has committed in its term', () => {
    const net = new Net(ids3);
    net.elect('n1');
    net.settle();
    const first = proposeOk(net, 'n1', ['n1', 'n2']);
    const again = net.n('n1').proposeMembership({ voters: ['n1'], learners: [] });
    assert.equal(again.ok === false && again.reason, 'change-pending');
    // The same change again (a retry, a duplicated request) joins the one under way: it was started.
    assert.deepEqual(net.n('n1').proposeMembership({ voters: ['n2', 'n1'], learners: [] }), { ok: true, index: first });
    const run = (faults: TestingFaults): string => {
      const n = new Net(ids3, { testingFaults: faults });
      n.dropIf = (m) => m.type === 'append-resp';
      n.elect('n1'); // its no-op cannot commit: no append is acknowledged
      const res = n.n('n1').proposeMembership({ voters: ['n1', 'n2'], learners: ['n3'] });
      return res.ok ? 'accepted' : res.reason;
    };
    assert.equal(run({}), 'term-not-committed', 'the single-server-change rule: commit an entry of the term first');
    assert.equal(run({ changeBeforeTermCommit: true }), 'accepted');
    const bad = net.n('n1').proposeMembership({ voters: ['n1', 'zz'], learners: [] });
    assert.equal(bad.ok === false && bad.reason, 'invalid');
  });
});

describe('raft membership: quorums count only the voters of the configuration in effect', () => {
  it('a removed voter is not counted', () => {
    const run = (faults: TestingFaults): boolean => {
      const net = new Net(ids5, { testingFaults: faults });
      net.elect('n1');
      net.settle();
      proposeOk(net, 'n1', ['n1', 'n2', 'n3']);
      settleChange(net, 'n1', ['n1', 'n2', 'n3']);
      net.isolate('n2');
      net.isolate('n3');
      const p = net.n('n1').propose(['x']);
      net.settle();
      return p.ok && net.n('n1').status.commit >= p.index;
    };
    assert.equal(run({}), false, 'n1 with the removed n4, n5 is no majority of {n1, n2, n3}');
    assert.equal(run({ countRemovedVoters: true }), true);
  });

  it('learners are not counted', () => {
    const run = (faults: TestingFaults): boolean => {
      const net = new Net(ids5, { learners: ['n4', 'n5'], testingFaults: faults });
      net.elect('n1');
      net.settle();
      net.isolate('n2');
      net.isolate('n3');
      const p = net.n('n1').propose(['x']);
      net.settle();
      return p.ok && net.n('n1').status.commit >= p.index;
    };
    assert.equal(run({}), false, 'n1 with learners n4, n5 is no majority of {n1, n2, n3}');
    assert.equal(run({ countLearners: true }), true);
  });

  it('learners receive the log, never stand for election, and can be promoted', () => {
    const net = new Net(['n1', 'n2', 'n3', 'n4'], { learners: ['n4'] });
    net.elect('n1');
    net.n('n1').propose(['a']);
    net.tick(['n1'], 2); // the commit index reaches followers with the next heartbeat
    assert.ok(net.r('n4').applied.some((e) => e.data === 'a'));
    net.isolate('n4');
    const before = net.sent.length;
    net.tick(['n4'], 60);
    assert.equal(net.sent.slice(before).filter((m) => m.from === 'n4').length, 0, 'an isolated learner sends no (pre-)vote requests');
    net.heal();
    proposeOk(net, 'n1', ['n1', 'n2', 'n3', 'n4']);
    settleChange(net, 'n1', ['n1', 'n2', 'n3', 'n4']);
    assert.deepEqual(finalOf(net.n('n4').membership).voters, ['n1', 'n2', 'n3', 'n4']);
  });
});

describe('raft membership: the leader leaves', () => {
  it('a leader that removes itself hands over and steps down once the change commits, and stays out', () => {
    const run = (faults: TestingFaults): string[] => {
      const net = new Net(ids3, { testingFaults: faults });
      net.elect('n1');
      net.settle();
      proposeOk(net, 'n1', ['n2', 'n3']);
      net.settle();
      net.tick(ids3, 3);
      return net.leaders();
    };
    const leaders = run({});
    assert.equal(leaders.length, 1);
    assert.notEqual(leaders[0], 'n1', 'n1 must not lead a configuration it is not in once that is committed');
    assert.deepEqual(run({ removedLeaderKeepsLeading: true }), ['n1']);
  });

  it('a voter removed by a change not yet known committed may still stand, so a change replacing most voters cannot deadlock', () => {
    // n1 leads {n1..n5} -> {n5}; the joint entry commits, the final one reaches n1-n3 only, then n1 crashes.
    const net = new Net(ids5);
    net.elect('n1');
    net.settle();
    net.dropIf = (m) => m.to === 'n5' && m.type === 'append' && m.entries.some((e) => e.kind === 'config' && !e.data.includes('outgoing'));
    proposeOk(net, 'n1', ['n5']);
    net.settle();
    net.tick(ids5, 2);
    net.crash('n1');
    net.heal();
    net.restart('n1');
    for (let i = 0; i < 80 && net.leaders().length === 0; i++) net.tick(ids5, 1);
    settleChange(net, 'n5', ['n5']);
    for (let i = 0; i < 80 && net.leaders()[0] !== 'n5'; i++) net.tick(ids5, 1);
    assert.deepEqual(net.leaders(), ['n5'], 'the cluster finished the change and n5 leads');
  });
});

describe('raft membership: leases across a leadership transfer', () => {
  it('once TimeoutNow is out the old leader serves no lease read, even with its lease still running', () => {
    const net = new Net(ids3, { readMode: 'lease', checkQuorum: true, heartbeatTicks: 1 });
    net.tick(ids3, 40);
    const leader = net.leaders()[0];
    const to = ids3.find((id) => id !== leader) as string;
    net.tick(ids3, 2);
    net.n(leader).readIndex('before');
    net.settle();
    assert.equal(net.r(leader).readStates.length, 1, 'the lease serves a read at once');
    // The TimeoutNow is delayed (dropped here): `to` may still win at any moment without
    // waiting out the lease, so the lease is over although no one has been elected yet.
    net.dropIf = (m) => m.type === 'timeout-now';
    net.n(leader).transferLeadership(to);
    net.settle();
    assert.equal(net.sentOfType('timeout-now').length, 1);
    net.isolate(leader);
    net.n(leader).readIndex('after');
    net.settle();
    assert.equal(net.r(leader).readStates.length, 1, 'no lease read after TimeoutNow, and no quorum reachable');
  });
});
