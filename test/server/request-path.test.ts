/**
 * The request path on a real in-process cluster: forwarding, reads, error
 * semantics under partitions, exactly-once under duplicated forwards.
 */
import { strict as assert } from 'assert';
import { ErrorCode } from '../../src/protocol/errors';
import { DEFAULT_OPTIONS } from '../../src/server/options';
import { RaftServer } from '../../src/server/server';
import { createNodeWorkloads } from '../../workloads/node-registry';
import { ManualEnv } from '../support/fake-env';
import { MiniCluster } from '../support/mini-cluster';

async function answer(cluster: MiniCluster, msgId: number, maxMs = 2000) {
  const reply = await cluster.answer(msgId, maxMs);
  assert.ok(reply !== undefined, `request ${msgId} is answered`);
  return reply;
}

describe('server: request path', function () {
  this.timeout(30000);

  it('forwards a follower\'s write to the leader and serves reads at any replica', async () => {
    const cluster = new MiniCluster(['n1', 'n2', 'n3']);
    const leader = await cluster.electedLeader();
    const [f1, f2] = cluster.ids.filter((id) => id !== leader);
    const w = cluster.request(f1, { type: 'write', key: 1, value: 10 });
    assert.deepEqual(await answer(cluster, w), { type: 'write_ok', in_reply_to: w });
    const r1 = cluster.request(f2, { type: 'read', key: 1 });
    const r2 = cluster.request(leader, { type: 'read', key: 1 });
    assert.deepEqual(await answer(cluster, r1), { type: 'read_ok', value: 10, in_reply_to: r1 });
    assert.deepEqual(await answer(cluster, r2), { type: 'read_ok', value: 10, in_reply_to: r2 });
    const c = cluster.request(f2, { type: 'cas', key: 1, from: 9, to: 11 });
    assert.equal((await answer(cluster, c)).code, ErrorCode.PreconditionFailed);
  });

  it('batches a burst of writes into few proposals', async () => {
    const cluster = new MiniCluster(['n1', 'n2', 'n3']);
    const leader = await cluster.electedLeader();
    const before = cluster.servers.get(leader)!.stats.proposals;
    const ids = Array.from({ length: 50 }, (_, i) => cluster.request(leader, { type: 'write', key: i, value: i }));
    for (const id of ids) assert.equal((await answer(cluster, id)).type, 'write_ok');
    const proposals = cluster.servers.get(leader)!.stats.proposals - before;
    assert.ok(proposals <= 2, `50 writes in one turn took ${proposals} proposals`);
  });

  it('answers 11 on an isolated minority node, and that write never takes effect', async () => {
    const cluster = new MiniCluster(['n1', 'n2', 'n3']);
    const leader = await cluster.electedLeader();
    const lonely = cluster.ids.find((id) => id !== leader)!;
    const w0 = cluster.request(leader, { type: 'write', key: 7, value: 1 });
    await answer(cluster, w0);
    cluster.partition([lonely]);
    await cluster.run(1000); // its election timer fires; it no longer knows a leader
    const sentAt = cluster.scheduler.now();
    const w = cluster.request(lonely, { type: 'write', key: 7, value: 2 });
    const reply = await answer(cluster, w, 2000);
    assert.ok(reply.code === ErrorCode.TemporarilyUnavailable || reply.code === ErrorCode.Timeout, JSON.stringify(reply));
    assert.ok(cluster.scheduler.now() - sentAt < 1000, 'answered within the client timeout');
    cluster.heal();
    await cluster.run(1500);
    const r = cluster.request(leader, { type: 'read', key: 7 });
    const read = await answer(cluster, r);
    if (reply.code === ErrorCode.TemporarilyUnavailable) assert.equal(read.value, 1, 'a definite error must mean no effect');
  });

  it('gives a deposed leader\'s pending write an indefinite error, never a definite one', async () => {
    const cluster = new MiniCluster(['n1', 'n2', 'n3']);
    const leader = await cluster.electedLeader();
    cluster.partition([leader]);
    const w = cluster.request(leader, { type: 'write', key: 3, value: 3 });
    const reply = await answer(cluster, w, 2000);
    assert.equal(reply.code, ErrorCode.Timeout, `proposed writes may still commit: ${JSON.stringify(reply)}`);
    cluster.heal();
    const newLeader = await cluster.electedLeader();
    const r = cluster.request(newLeader, { type: 'read', key: 3 });
    const read = await answer(cluster, r);
    assert.equal(read.code, ErrorCode.KeyDoesNotExist, 'the old leader\'s uncommitted entry was discarded');
  });

  it('applies a duplicated forward exactly once', async () => {
    const cluster = new MiniCluster(['n1', 'n2', 'n3']);
    const leader = await cluster.electedLeader();
    const follower = cluster.ids.find((id) => id !== leader)!;
    cluster.duplicateForwards = true;
    const a = cluster.request(follower, { type: 'txn', txn: [['append', 1, 'x']] });
    assert.equal((await answer(cluster, a)).type, 'txn_ok');
    await cluster.run(200); // let the duplicate arrive and commit
    const r = cluster.request(leader, { type: 'txn', txn: [['r', 1, null]] });
    assert.deepEqual((await answer(cluster, r)).txn, [['r', 1, ['x']]]);
    const dups = [...cluster.servers.values()].reduce((n, s) => n + s.stats.duplicates, 0);
    assert.ok(dups > 0, 'the duplicate reached the log and was recognised');
  });

  it('serves reads from a follower only after a ReadIndex round', async () => {
    const cluster = new MiniCluster(['n1', 'n2', 'n3']);
    const leader = await cluster.electedLeader();
    const follower = cluster.ids.find((id) => id !== leader)!;
    const before = cluster.servers.get(follower)!.stats.readRounds;
    const r = cluster.request(follower, { type: 'read', key: 99 });
    assert.equal((await answer(cluster, r)).code, ErrorCode.KeyDoesNotExist);
    assert.equal(cluster.servers.get(follower)!.stats.readRounds, before + 1);
  });
});

describe('server: start-up failures', () => {
  it('answers 11 and logs FATAL when the recovered state is refused, instead of dying silently', async () => {
    const env = new ManualEnv();
    // A log entry of term 3 under a hard state of term 1: the core refuses to start from it.
    const inconsistent = {
      recover: async () => ({
        hardState: { term: 1, vote: null, commit: 0 },
        snapshot: null,
        entries: [{ index: 1, term: 3, kind: 'noop' as const, data: '' }],
      }),
      save: async () => undefined,
      saveSnapshot: async () => undefined,
      close: async () => undefined,
    };
    const server = new RaftServer({ env, options: DEFAULT_OPTIONS, workloads: createNodeWorkloads(), openStorage: () => inconsistent, incarnation: 'x' });
    server.handleLine(JSON.stringify({ src: 'c0', dest: 'n1', body: { type: 'init', msg_id: 1, node_id: 'n1', node_ids: ['n1'] } }));
    server.handleLine(JSON.stringify({ src: 'c1', dest: 'n1', body: { type: 'write', msg_id: 2, key: 1, value: 1 } }));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    env.drain();
    const reply = env.sent.find((m) => m.body.in_reply_to === 2);
    assert.equal(reply?.body.code, ErrorCode.TemporarilyUnavailable);
    assert.ok(env.logs.some((l) => l.startsWith('FATAL: recovery failed')), env.logs.join('\n'));
    server.stop();
  });
});
