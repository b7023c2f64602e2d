/**
 * raft_reconfigure and --voters against real node processes over real pipes:
 * the life the runner's `membership` fault drives (remove a voter, add it back
 * as a learner, promote it), the errors of the admin protocol, and client
 * requests on a removed node.
 */
import { strict as assert } from 'assert';
import { ErrorCode } from '../../src/protocol/errors';
import type { Body } from '../../src/protocol/message';
import { PipeCluster } from '../support/pipe-cluster';

const ids = ['n1', 'n2', 'n3', 'n4'];

async function eventually(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sorted = (v: unknown): string[] => [...(v as string[])].sort();

describe('raft_reconfigure and --voters (real node processes)', function () {
  this.timeout(60_000);

  it('--voters 3 boots n4 as a learner; remove a voter, add it back as a learner, promote it; data survives every step', async () => {
    const c = new PipeCluster(ids, ['--voters', '3']);
    try {
      const leader = await c.leader(5000, ['n1', 'n2', 'n3']);
      const boot = await c.request('n4', { type: 'raft_status' });
      assert.deepEqual([boot.voters, boot.learners, boot.outgoing], [['n1', 'n2', 'n3'], ['n4'], []]);
      assert.equal((await c.request(leader, { type: 'write', key: 'k', value: 1 })).type, 'write_ok');
      // A learner serves reads: it asks the leader for the read index and waits for its own log.
      await eventually('the learner reads the write', 5000, async () => (await c.request('n4', { type: 'read', key: 'k' })).value === 1);

      const victim = ['n1', 'n2', 'n3'].find((id) => id !== leader) as string;
      const keep = ['n1', 'n2', 'n3'].filter((id) => id !== victim);
      // Through a follower (one hop to the leader): remove `victim`.
      const via = keep.find((id) => id !== leader) as string;
      const removed = await c.request(via, { type: 'raft_reconfigure', voters: keep, learners: ['n4'] }, 10_000);
      assert.equal(removed.type, 'raft_reconfigure_ok', JSON.stringify(removed));
      assert.deepEqual(sorted(removed.voters), sorted(keep));
      await eventually(`${victim} learns it is out`, 5000, async () => {
        const r = await c.request(victim, { type: 'read', key: 'k' });
        return r.type === 'error' && r.code === ErrorCode.TemporarilyUnavailable && /not a member/.test(String(r.text));
      });
      // Promoting a node that is not even a learner is refused, definitely: nothing changed.
      const stranger = await c.request(leader, { type: 'raft_reconfigure', voters: [...keep, victim], learners: ['n4'] }, 10_000);
      assert.equal(stranger.code, ErrorCode.TemporarilyUnavailable, JSON.stringify(stranger));
      assert.match(String(stranger.text), /learner/);

      const back = await c.request(leader, { type: 'raft_reconfigure', voters: keep, learners: ['n4', victim] }, 10_000);
      assert.equal(back.type, 'raft_reconfigure_ok', JSON.stringify(back));
      assert.equal((await c.request(leader, { type: 'write', key: 'k', value: 2 })).type, 'write_ok');
      await eventually(`${victim} catches up as a learner`, 5000, async () => (await c.request(victim, { type: 'read', key: 'k' })).value === 2);

      const promoted = await c.request(leader, { type: 'raft_reconfigure', voters: [...keep, victim], learners: ['n4'] }, 10_000);
      assert.equal(promoted.type, 'raft_reconfigure_ok', JSON.stringify(promoted));
      const st = await c.request(victim, { type: 'raft_status' });
      assert.deepEqual(sorted(st.voters), ['n1', 'n2', 'n3']);
      assert.equal((await c.request(victim, { type: 'cas', key: 'k', from: 2, to: 3 })).type, 'cas_ok');
    } finally {
      await c.stop();
    }
  });

  it('a leader that removes itself answers ok, hands over, and the rest keep serving', async () => {
    const c = new PipeCluster(['n1', 'n2', 'n3']);
    try {
      const leader = await c.leader();
      const rest = c.ids.filter((id) => id !== leader);
      const ok = await c.request(leader, { type: 'raft_reconfigure', voters: rest }, 10_000);
      assert.equal(ok.type, 'raft_reconfigure_ok', JSON.stringify(ok));
      const next = await c.leader(5000, rest);
      assert.ok(rest.includes(next));
      assert.equal((await c.request(next, { type: 'write', key: 1, value: 1 })).type, 'write_ok');
    } finally {
      await c.stop();
    }
  });

  it('the same change twice at once (a retry, a duplicated forward) is one change: both answered ok; a different one meanwhile gets 11', async () => {
    const c = new PipeCluster(['n1', 'n2', 'n3']);
    try {
      const leader = await c.leader();
      const rest = c.ids.filter((id) => id !== leader);
      const target = { type: 'raft_reconfigure', voters: [leader, rest[0]], learners: [rest[1]] };
      const [a, b, other] = await Promise.all([
        c.request(leader, target, 10_000),
        c.request(leader, target, 10_000),
        c.request(leader, { type: 'raft_reconfigure', voters: c.ids }, 10_000),
      ]);
      assert.equal(a.type, 'raft_reconfigure_ok', JSON.stringify(a));
      assert.equal(b.type, 'raft_reconfigure_ok', JSON.stringify(b));
      assert.equal(other.code, ErrorCode.TemporarilyUnavailable, JSON.stringify(other));
      const st = await c.request(rest[1], { type: 'raft_status' });
      assert.deepEqual([sorted(st.voters), st.learners], [sorted([leader, rest[0]]), [rest[1]]]);
    } finally {
      await c.stop();
    }
  });

  it('malformed changes get 12 and change nothing; the same configuration is ok at once', async () => {
    const c = new PipeCluster(['n1', 'n2', 'n3']);
    try {
      const leader = await c.leader();
      const bad: Body[] = [];
      for (const body of [
        { type: 'raft_reconfigure', voters: [] },
        { type: 'raft_reconfigure', voters: ['n1', 'n9'] },
        { type: 'raft_reconfigure', voters: ['n1', 'n2'], learners: ['n2'] },
        { type: 'raft_reconfigure', voters: 'n1' },
        { type: 'raft_reconfigure', voters: ['n1'], force: true },
      ]) bad.push(await c.request(leader, body));
      for (const b of bad) assert.equal(b.code, ErrorCode.MalformedRequest, JSON.stringify(b));
      const same = await c.request(leader, { type: 'raft_reconfigure', voters: ['n3', 'n2', 'n1'] });
      assert.deepEqual(same, { type: 'raft_reconfigure_ok', voters: ['n3', 'n2', 'n1'], learners: [], in_reply_to: same.in_reply_to });
    } finally {
      await c.stop();
    }
  });
});
