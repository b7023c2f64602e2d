/**
 * Admin requests (raft_status, raft_transfer_leader) and the graceful leave on
 * SIGTERM, against real node processes (dist/raft-node.js) over real pipes.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ErrorCode } from '../../src/protocol/errors';
import type { Body } from '../../src/protocol/message';
import { NodeProcess } from '../support/node-process';
import { PipeCluster } from '../support/pipe-cluster';

const init = (id: string, ids: string[]) => ({ src: 'c0', dest: id, body: { type: 'init', msg_id: 1, node_id: id, node_ids: ids } });
const STATUS_KEYS = ['applied', 'commit', 'in_reply_to', 'leader', 'learners', 'outgoing', 'role', 'term', 'type', 'voters'];

async function until(what: string, ms: number, check: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('admin requests and graceful leave (real node processes)', function () {
  this.timeout(30_000);

  it('one node: raft_status schema, malformed admin requests get 12, and the node keeps serving', async () => {
    const node = new NodeProcess();
    try {
      node.send(init('n1', ['n1']));
      await node.reply('c0', 1);
      let status: Body = {} as Body;
      for (let id = 100; status.role !== 'leader'; id++) {
        node.send({ src: 'c1', dest: 'n1', body: { type: 'raft_status', msg_id: id } });
        status = (await node.reply('c1', id)).body;
        assert.deepEqual(Object.keys(status).sort(), STATUS_KEYS, JSON.stringify(status));
        if (status.role !== 'leader') await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(status.type, 'raft_status_ok');
      assert.equal(status.leader, 'n1');
      assert.deepEqual(status.voters, ['n1']);
      assert.deepEqual(status.learners, []);
      assert.ok(typeof status.term === 'number' && status.term >= 1);
      assert.ok(typeof status.commit === 'number' && typeof status.applied === 'number');

      const ask = async (msgId: number, body: Record<string, unknown>) => {
        node.send({ src: 'c1', dest: 'n1', body: { ...body, msg_id: msgId } });
        return (await node.reply('c1', msgId)).body;
      };
      const bad = [
        await ask(1, { type: 'raft_status', verbose: true }),
        await ask(2, { type: 'raft_transfer_leader', to: 'n9' }),
        await ask(3, { type: 'raft_transfer_leader', to: 7 }),
        await ask(4, { type: 'raft_transfer_leader', to: 'n1', force: true }),
        await ask(5, { type: 'raft_transfer_leader', to: null }),
      ];
      for (const b of bad) assert.equal(b.code, ErrorCode.MalformedRequest, JSON.stringify(b));
      assert.match(String(bad[0].text), /unknown field.*verbose/);
      assert.match(String(bad[1].text), /not a voter/);
      // Already the leader: done at once. No `to` and no other voter: nothing to do (definite).
      assert.deepEqual(await ask(6, { type: 'raft_transfer_leader', to: 'n1' }), { type: 'raft_transfer_leader_ok', leader: 'n1', in_reply_to: 6 });
      const none = await ask(7, { type: 'raft_transfer_leader' });
      assert.equal(none.code, ErrorCode.TemporarilyUnavailable);
      assert.deepEqual(await ask(8, { type: 'write', key: 1, value: 2 }), { type: 'write_ok', in_reply_to: 8 });
      assert.deepEqual(await ask(9, { type: 'read', key: 1 }), { type: 'read_ok', value: 2, in_reply_to: 9 });
      assert.equal(await node.end(), 0);
    } finally {
      node.kill();
    }
  });

  it('three nodes: transfers at the leader, through a follower, and without `to` make the named (or another) node lead', async () => {
    const c = new PipeCluster(['n1', 'n2', 'n3']);
    try {
      const first = await c.leader();
      const followers = c.ids.filter((id) => id !== first);
      const statuses = await Promise.all(c.ids.map((id) => c.request(id, { type: 'raft_status' })));
      for (const s of statuses) {
        assert.deepEqual(s.voters, ['n1', 'n2', 'n3']);
        assert.equal(s.leader, first);
      }

      // At the leader, to a named follower.
      const to1 = followers[0];
      const r1 = await c.request(first, { type: 'raft_transfer_leader', to: to1 });
      assert.deepEqual(r1, { type: 'raft_transfer_leader_ok', leader: to1, in_reply_to: r1.in_reply_to });
      assert.equal(await c.leader(), to1);

      // At a follower (forwarded to the leader), to the third node.
      const to2 = followers[1];
      const viaFollower = c.ids.find((id) => id !== to1 && id !== to2)!;
      const r2 = await c.request(viaFollower, { type: 'raft_transfer_leader', to: to2 });
      assert.equal(r2.type, 'raft_transfer_leader_ok', JSON.stringify(r2));
      assert.equal(r2.leader, to2);
      assert.equal(await c.leader(), to2);

      // Without `to`: someone other than the current leader.
      const r3 = await c.request(to2, { type: 'raft_transfer_leader' });
      assert.equal(r3.type, 'raft_transfer_leader_ok', JSON.stringify(r3));
      assert.notEqual(r3.leader, to2);
      const now = await c.leader();
      assert.equal(now, r3.leader);

      // The cluster still serves, through every node.
      for (const [i, id] of c.ids.entries()) {
        assert.equal((await c.request(id, { type: 'write', key: 'k', value: i })).type, 'write_ok');
        assert.deepEqual(await c.request(id, { type: 'read', key: 'k' }).then((b) => b.value), i);
      }
    } finally {
      await c.stop();
    }
  });

  it('a transfer to a node the leader cannot reach answers the indefinite 0, and writes during it still commit', async () => {
    const c = new PipeCluster(['n1', 'n2', 'n3']);
    try {
      const leader = await c.leader();
      const [target, other] = c.ids.filter((id) => id !== leader);
      c.cutLink(leader, target);
      const started = Date.now();
      const transfer = c.request(leader, { type: 'raft_transfer_leader', to: target }, 5000);
      // Proposals are refused while the core waits for the transferee; the node
      // keeps them and proposes them once the transfer is given up. A write at
      // the leader itself is never re-sent by anyone (same leader, same term):
      // without that it would wait out its deadline.
      const write = c.request(leader, { type: 'write', key: 'x', value: 1 }, 5000);
      const forwarded = c.request(other, { type: 'write', key: 'y', value: 1 }, 5000);
      const answer = await transfer;
      assert.equal(answer.type, 'error', JSON.stringify(answer));
      assert.equal(answer.code, ErrorCode.Timeout);
      assert.ok(Date.now() - started < 3000, `answered after ${Date.now() - started} ms`);
      assert.equal((await write).type, 'write_ok', JSON.stringify(await write));
      assert.equal((await forwarded).type, 'write_ok', JSON.stringify(await forwarded));
      // The other follower still sees the old leader (the target never campaigned: pre-vote finds a live leader).
      assert.equal((await c.request(other, { type: 'raft_status' })).leader, leader);
    } finally {
      await c.stop();
    }
  });

  it('SIGTERM on the leader: hands over, answers what it owes (write_ok or 11 "not ready"), exits 0', async () => {
    const c = new PipeCluster(['n1', 'n2', 'n3']);
    try {
      const leader = await c.leader();
      const rest = c.ids.filter((id) => id !== leader);
      const ids = Array.from({ length: 20 }, (_, i) => c.send(leader, { type: 'write', key: `k${i % 3}`, value: i }));
      c.signal(leader, 'SIGTERM');
      await until('the leave to start', 5000, () => /leave: shutting down/.test(c.stderrOf(leader)));
      const late = c.send(leader, { type: 'write', key: 'late', value: 1 });
      assert.equal(await c.exit(leader), 0, c.stderr());
      for (const id of ids) {
        const r = await c.waitFor((m) => m.dest === 'c1' && m.body.in_reply_to === id, 100, `reply ${id}`);
        const ok = r.body.type === 'write_ok' || (r.body.code === ErrorCode.TemporarilyUnavailable && /not ready/.test(String(r.body.text)));
        assert.ok(ok, JSON.stringify(r.body));
      }
      const lateReply = c.replies.find((m) => m.body.in_reply_to === late);
      // It either arrived before the process exited (then it was refused), or never reached it.
      if (lateReply) assert.deepEqual(lateReply.body, { type: 'error', code: 11, text: 'not ready: shutting down', in_reply_to: late });
      // The handover elected a successor; the two survivors are a majority and keep serving.
      const next = await c.leader(3000, rest);
      assert.ok(rest.includes(next));
      assert.match(c.stderrOf(leader), new RegExp(`transferring leadership to n\\d`));
      assert.equal((await c.request(rest[0], { type: 'write', key: 'after', value: 1 })).type, 'write_ok');
    } finally {
      await c.stop();
    }
  });

  it('SIGTERM refuses new requests with a definite 11, answers the owed ones, flushes --data-dir and exits 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-leave-'));
    try {
      // n1 alone of three: no leader can be elected, so a write waits (owed) until its no-leader bound.
      const lone = new NodeProcess(['--data-dir', dir]);
      lone.send(init('n1', ['n1', 'n2', 'n3']));
      await lone.reply('c0', 1);
      await until('recovery', 5000, () => /started n1/.test(lone.stderr));
      lone.send({ src: 'c1', dest: 'n1', body: { type: 'write', msg_id: 1, key: 1, value: 1 } });
      lone.child.kill('SIGTERM');
      await until('the leave to start', 5000, () => /leave: shutting down/.test(lone.stderr));
      lone.send({ src: 'c1', dest: 'n1', body: { type: 'read', msg_id: 2, key: 1 } });
      lone.send({ src: 'c1', dest: 'n1', body: { type: 'echo', msg_id: 3, echo: 'x' } });
      lone.send({ src: 'c1', dest: 'n1', body: { type: 'raft_transfer_leader', msg_id: 4 } });
      const status = (await (lone.send({ src: 'c1', dest: 'n1', body: { type: 'raft_status', msg_id: 5 } }), lone.reply('c1', 5))).body;
      assert.equal(status.type, 'raft_status_ok', `status probes are still answered while leaving: ${JSON.stringify(status)}`);
      for (const id of [2, 3, 4]) {
        assert.deepEqual((await lone.reply('c1', id)).body, { type: 'error', code: 11, text: 'not ready: shutting down', in_reply_to: id });
      }
      const owed = (await lone.reply('c1', 1, 3000)).body;
      assert.equal(owed.code, ErrorCode.TemporarilyUnavailable, JSON.stringify(owed));
      assert.match(String(owed.text), /no leader/);
      assert.equal(await lone.child.then((r) => r.exitCode), 0, lone.stderr);

      // One node of one: a write, SIGTERM, restart on the same directory: the write is there.
      const single = new NodeProcess(['--data-dir', dir]);
      single.send(init('s1', ['s1']));
      await single.reply('c0', 1);
      single.send({ src: 'c1', dest: 's1', body: { type: 'write', msg_id: 1, key: 'a', value: 42 } });
      assert.equal((await single.reply('c1', 1)).body.type, 'write_ok');
      single.child.kill('SIGTERM');
      assert.equal(await single.child.then((r) => r.exitCode), 0, single.stderr);
      assert.match(single.stderr, /leave: done, exiting 0/);
      const again = new NodeProcess(['--data-dir', dir]);
      again.send(init('s1', ['s1']));
      await again.reply('c0', 1);
      again.send({ src: 'c1', dest: 's1', body: { type: 'read', msg_id: 1, key: 'a' } });
      assert.deepEqual((await again.reply('c1', 1)).body, { type: 'read_ok', value: 42, in_reply_to: 1 });
      assert.equal(await again.end(), 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
