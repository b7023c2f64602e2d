/**
 * Admin request paths that a real-process test cannot aim at reliably, on the
 * in-process mini cluster (virtual clock): the one-hop rule for forwarded
 * transfers, a follower relaying the leader's answer, and a leaving node.
 */
import { strict as assert } from 'assert';
import { ErrorCode } from '../../src/protocol/errors';
import type { Envelope } from '../../src/protocol/message';
import { MiniCluster } from '../support/mini-cluster';

describe('admin requests on the mini cluster', () => {
  it('a non-leader answers a transfer a peer forwarded with 11 (one hop), and a follower relays the leader answer', async () => {
    const c = new MiniCluster(['n1', 'n2', 'n3']);
    const leader = await c.electedLeader();
    await c.run(100); // the followers hear of it
    const [f1, f2] = c.ids.filter((id) => id !== leader);
    const seen: Envelope[] = [];
    c.hook = (m) => {
      seen.push(m);
      return 'deliver';
    };
    // As if f2 had forwarded to f1 on a stale view: f1 does not lead, so it must not pass it on again.
    c.inject(f1, f2, { type: 'raft_transfer_leader', msg_id: 900, to: f2 });
    await c.run(50);
    const answer = seen.find((m) => m.src === f1 && m.dest === f2 && m.body.in_reply_to === 900);
    assert.ok(answer, 'answered');
    assert.equal(answer.body.code, ErrorCode.TemporarilyUnavailable);
    assert.match(String(answer.body.text), /not the leader/);
    assert.ok(!seen.some((m) => m.src === f1 && m.dest === leader && m.body.type === 'raft_transfer_leader'), 'not forwarded again');

    // A client at a follower: forwarded once, the leader's answer relayed.
    const id = c.request(f1, { type: 'raft_transfer_leader', to: f2 });
    const reply = await c.answer(id, 3000);
    assert.deepEqual(reply, { type: 'raft_transfer_leader_ok', leader: f2, in_reply_to: id });
    assert.equal(c.leader(), f2);
  });

  it('a transfer the cluster cannot complete answers 0 after four election timeouts; a leaving node refuses transfers', async () => {
    const c = new MiniCluster(['n1', 'n2', 'n3']);
    const leader = await c.electedLeader();
    const [target] = c.ids.filter((id) => id !== leader);
    c.partition([target]);
    const start = c.scheduler.now();
    const id = c.request(leader, { type: 'raft_transfer_leader', to: target });
    const reply = await c.answer(id, 5000);
    assert.equal(reply?.code, ErrorCode.Timeout, JSON.stringify(reply));
    const waited = c.scheduler.now() - start;
    assert.ok(waited >= 800 && waited < 1100, `answered after ${waited} ms`);
    c.heal();

    void c.servers.get(leader)!.leave();
    const refused = c.request(leader, { type: 'raft_transfer_leader', to: target });
    assert.deepEqual(await c.answer(refused, 500), { type: 'error', code: 11, text: 'not ready: shutting down', in_reply_to: refused });
    const write = c.request(leader, { type: 'write', key: 1, value: 1 });
    assert.deepEqual(await c.answer(write, 500), { type: 'error', code: 11, text: 'not ready: shutting down', in_reply_to: write });
    const status = c.request(leader, { type: 'raft_status' });
    assert.equal((await c.answer(status, 500))?.type, 'raft_status_ok');
  });
});
