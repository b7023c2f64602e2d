import { strict as assert } from 'assert';
import { ErrorCode } from '../../src/protocol/errors';
import { MaelstromNode, RequestError, RpcTimeout, requireInteger } from '../../src/protocol/node';
import { ManualEnv } from '../support/fake-env';

const init = (id = 'n1', ids = ['n1', 'n2', 'n3']) =>
  JSON.stringify({ src: 'c0', dest: id, body: { type: 'init', msg_id: 1, node_id: id, node_ids: ids } });

function setup() {
  const env = new ManualEnv();
  const node = new MaelstromNode(env);
  return { env, node };
}

describe('protocol: MaelstromNode', () => {
  it('answers init with init_ok and learns its identity', () => {
    const { env, node } = setup();
    node.handleLine(init());
    assert.deepEqual(env.take(), [{ src: 'n1', dest: 'c0', body: { type: 'init_ok', in_reply_to: 1 } }]);
    assert.equal(node.nodeId, 'n1');
    assert.deepEqual(node.nodeIds, ['n1', 'n2', 'n3']);
  });

  it('buffers peer messages that arrive before init and replays them after init_ok', () => {
    const { env, node } = setup();
    const seen: string[] = [];
    node.on('gossip', (m) => seen.push(`${m.src}:${String(m.body.n)}`));
    node.handleLine(JSON.stringify({ src: 'n2', dest: 'n1', body: { type: 'gossip', n: 1 } }));
    node.handleLine(JSON.stringify({ src: 'n3', dest: 'n1', body: { type: 'gossip', n: 2 } }));
    assert.deepEqual(seen, []);
    let initSeenBeforeReplay = false;
    node.onInit(() => (initSeenBeforeReplay = seen.length === 0));
    node.handleLine(init());
    assert.equal(initSeenBeforeReplay, true);
    assert.deepEqual(seen, ['n2:1', 'n3:2']);
    assert.equal(env.take()[0].body.type, 'init_ok');
  });

  it('answers malformed input with 12 when it can, logs otherwise, and keeps serving', () => {
    const { env, node } = setup();
    node.on('echo', (m) => node.reply(m, { type: 'echo_ok', echo: m.body.echo }));
    node.handleLine(init());
    env.take();
    node.handleLine('{not json');
    node.handleLine('{"src":"c1","dest":"n1","body":{"msg_id":5}}');
    node.handleLine('{"src":"c1","dest":"n1","body":[1]}');
    node.handleLine('');
    const replies = env.take();
    assert.equal(replies.length, 1);
    assert.equal(replies[0].body.type, 'error');
    assert.equal(replies[0].body.code, ErrorCode.MalformedRequest);
    assert.equal(replies[0].body.in_reply_to, 5);
    assert.equal(env.logs.filter((l) => l.startsWith('malformed input')).length, 3);
    node.handleLine('{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":6,"echo":"still here"}}');
    assert.deepEqual(env.take()[0].body, { type: 'echo_ok', echo: 'still here', in_reply_to: 6 });
  });

  it('refuses a client message nested too deep before any handler walks it, but trusts peers', () => {
    const { env, node } = setup();
    const seen: string[] = [];
    node.on('put', (m) => seen.push(m.src));
    node.handleLine(init());
    env.take();
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    node.handleMessage({ src: 'c1', dest: 'n1', body: { type: 'put', msg_id: 3, value: deep as number } });
    const [reply] = env.take();
    assert.equal(reply.body.code, ErrorCode.MalformedRequest);
    assert.match(String(reply.body.text), /nested deeper than/);
    let peerValue: unknown = 1;
    for (let i = 0; i < 100; i++) peerValue = [peerValue];
    // Peers run our own code and carry the hot path: their messages are not walked.
    node.handleMessage({ src: 'n2', dest: 'n1', body: { type: 'put', value: peerValue as number } });
    node.handleMessage({ src: 'c1', dest: 'n1', body: { type: 'put', msg_id: 4, value: [[1]] } });
    assert.deepEqual(seen, ['n2', 'c1']);
  });

  it('answers unknown types with 10 and handler RequestErrors with their code', () => {
    const { env, node } = setup();
    node.on('num', (m) => node.reply(m, { type: 'num_ok', n: requireInteger(m.body, 'n') }));
    node.handleLine(init());
    env.take();
    node.handleLine('{"src":"c1","dest":"n1","body":{"type":"bogus","msg_id":7}}');
    node.handleLine('{"src":"c1","dest":"n1","body":{"type":"num","msg_id":8,"n":"x"}}');
    node.handleLine('{"src":"c1","dest":"n1","body":{"type":"num","msg_id":9}}');
    const [a, b, c] = env.take();
    assert.equal(a.body.code, ErrorCode.NotSupported);
    assert.equal(b.body.code, ErrorCode.MalformedRequest);
    assert.equal(c.body.code, ErrorCode.MalformedRequest);
    assert.match(String(c.body.text), /needs "n"/);
  });

  it('turns a handler bug into an indefinite 13 crash reply instead of dying', () => {
    const { env, node } = setup();
    node.on('boom', () => {
      throw new Error('kaboom');
    });
    node.on('definite', () => {
      throw new RequestError(ErrorCode.KeyDoesNotExist, 'nope');
    });
    node.handleLine(init());
    env.take();
    node.handleLine('{"src":"c1","dest":"n1","body":{"type":"boom","msg_id":1}}');
    node.handleLine('{"src":"c1","dest":"n1","body":{"type":"definite","msg_id":2}}');
    const [a, b] = env.take();
    assert.equal(a.body.code, ErrorCode.Crash);
    assert.equal(b.body.code, ErrorCode.KeyDoesNotExist);
  });

  it('refuses a second init with a different identity but re-answers the same one', () => {
    const { env, node } = setup();
    node.handleLine(init());
    node.handleLine(init());
    node.handleLine(init('n2'));
    const [, again, other] = env.take();
    assert.equal(again.body.type, 'init_ok');
    assert.equal(other.body.code, ErrorCode.MalformedRequest);
    assert.equal(node.nodeId, 'n1');
  });

  it('resolves RPCs by in_reply_to and times them out', async () => {
    const { env, node } = setup();
    node.handleLine(init());
    env.take();
    const answered = node.rpc('n2', { type: 'ping' }, 100);
    const request = env.take()[0];
    node.handleLine(JSON.stringify({ src: 'n2', dest: 'n1', body: { type: 'pong', in_reply_to: request.body.msg_id } }));
    assert.equal((await answered).type, 'pong');
    const lost = node.rpc('n3', { type: 'ping' }, 100);
    env.advance(100);
    await assert.rejects(lost, RpcTimeout);
    // A late reply to the timed-out RPC is dropped without error.
    node.handleLine(JSON.stringify({ src: 'n3', dest: 'n1', body: { type: 'pong', in_reply_to: 2 } }));
  });
});
