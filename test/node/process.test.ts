/**
 * The built bundle as Maelstrom runs it: a real process, real pipes.
 */
import { strict as assert } from 'assert';
import * as path from 'path';
import execa from 'execa';
import { ErrorCode } from '../../src/protocol/errors';
import { assertAllJsonEnvelopes, NODE_BUNDLE, NodeProcess } from '../support/node-process';

const init = (id: string, ids: string[]) => ({ src: 'c0', dest: id, body: { type: 'init', msg_id: 1, node_id: id, node_ids: ids } });

describe('node process (dist/raft-node.js)', function () {
  this.timeout(20000);

  it('answers init, echo and generate, survives a burst of malformed lines, and exits cleanly on EOF', async () => {
    const node = new NodeProcess();
    node.send(init('n1', ['n1', 'n2', 'n3']));
    node.send({ src: 'c1', dest: 'n1', body: { type: 'echo', msg_id: 1, echo: 'hello' } });
    node.send({ src: 'c1', dest: 'n1', body: { type: 'generate', msg_id: 2 } });
    node.send('{not json');
    node.send('[]');
    node.send('"just a string"');
    node.send({ src: 'c1', dest: 'n1', body: 'not an object' });
    node.send({ src: 'c1', dest: 'n1', body: { type: 'bogus', msg_id: 7 } });
    node.send({ src: 'c1', dest: 'n1', body: { msg_id: 8 } });
    node.send({ src: 'c1', dest: 'n1', body: { type: 'echo', msg_id: 9 } });
    node.send({ src: 'c1', dest: 'n1', body: { type: 'read', msg_id: 10 } });
    node.send({ src: 'c1', dest: 'n1', body: { type: 'txn', msg_id: 11, txn: [['zz', 1, 2]] } });
    node.send({ src: 'c1', dest: 'n1', body: { type: 'generate', msg_id: 12 } });
    const code = await node.end();
    assert.equal(code, 0, node.stderr);
    assertAllJsonEnvelopes(node.lines);
    const c0 = node.messages.filter((m) => m.dest === 'c0').map((m) => m.body);
    assert.deepEqual(c0, [{ type: 'init_ok', in_reply_to: 1 }], 'init answered once');
    const c1 = node.messages.filter((m) => m.dest === 'c1').map((m) => m.body);
    const reply = (id: number) => c1.find((b) => b.in_reply_to === id);
    assert.deepEqual(reply(1), { type: 'echo_ok', echo: 'hello', in_reply_to: 1 });
    assert.equal(reply(2)?.type, 'generate_ok');
    assert.notDeepEqual(reply(2)?.id, reply(12)?.id);
    assert.equal(reply(7)?.code, ErrorCode.NotSupported);
    assert.equal(reply(8)?.code, ErrorCode.MalformedRequest);
    assert.equal(reply(9)?.code, ErrorCode.MalformedRequest);
    assert.equal(reply(10)?.code, ErrorCode.MalformedRequest);
    assert.equal(reply(11)?.code, ErrorCode.NotSupported);
    assert.equal(reply(12)?.type, 'generate_ok');
    assert.match(node.stderr, /malformed input/);
  });

  it('serves lin-kv as a single-node cluster through Raft', async () => {
    const node = new NodeProcess();
    node.send(init('n1', ['n1']));
    await node.reply('c0', 1);
    node.send({ src: 'c1', dest: 'n1', body: { type: 'write', msg_id: 1, key: 5, value: 'a' } });
    assert.deepEqual((await node.reply('c1', 1)).body, { type: 'write_ok', in_reply_to: 1 });
    node.send({ src: 'c1', dest: 'n1', body: { type: 'cas', msg_id: 2, key: 5, from: 'a', to: 'b' } });
    // The read is sent only after the cas completed, so it must observe it.
    assert.deepEqual((await node.reply('c1', 2)).body, { type: 'cas_ok', in_reply_to: 2 });
    node.send({ src: 'c1', dest: 'n1', body: { type: 'read', msg_id: 3, key: 5 } });
    node.send({ src: 'c1', dest: 'n1', body: { type: 'read', msg_id: 4, key: 6 } });
    assert.deepEqual((await node.reply('c1', 3)).body, { type: 'read_ok', value: 'b', in_reply_to: 3 });
    assert.equal((await node.reply('c1', 4)).body.code, ErrorCode.KeyDoesNotExist);
    assert.equal(await node.end(), 0);
    assertAllJsonEnvelopes(node.lines);
  });

  it('runs through bin/raft-node as well as the bundle', async () => {
    const wrapper = path.resolve(__dirname, '../../bin/raft-node');
    const line = JSON.stringify(init('n1', ['n1']));
    const run = await execa(wrapper, [], { input: `${line}\n` });
    assert.deepEqual(JSON.parse(run.stdout).body, { type: 'init_ok', in_reply_to: 1 });
  });

  it('prints --help and rejects unknown flags with a clear message', async () => {
    const help = await execa(NODE_BUNDLE, ['--help']);
    assert.match(help.stdout, /--data-dir DIR/);
    const bad = await execa(NODE_BUNDLE, ['--bogus'], { reject: false });
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /unknown option "--bogus"/);
  });
});
