import { strict as assert } from 'assert';
import type { Body } from '../../src/protocol/message';
import type { Message } from '../../src/raft';
import { PeerOutbox } from '../../src/server/peer-outbox';
import { decodePeerBody, peerBody, PEER_BODY_TYPES } from '../../src/server/wire';
import { ManualEnv } from '../support/fake-env';

const hb = (to: string, term = 1): Message => ({ type: 'heartbeat', from: 'n1', to, term, commit: 0, context: null, sentAt: 0 });

function setup(gapMs: number, batching = true) {
  const env = new ManualEnv();
  const sent: Array<{ dest: string; body: Body }> = [];
  const outbox = new PeerOutbox(env, (dest, body) => sent.push({ dest, body }), gapMs, batching);
  return { env, sent, outbox };
}

describe('server: peer outbox (one message per peer per flush)', () => {
  it('sends an idle link\'s batch at the end of the turn, one envelope per peer', () => {
    const { env, sent, outbox } = setup(5);
    outbox.raft([hb('n2'), hb('n3'), hb('n2', 2)]);
    outbox.forward('n2', ['cmd-a', 'cmd-b']);
    assert.equal(sent.length, 0, 'nothing leaves before the turn ends');
    env.drain();
    assert.deepEqual(sent.map((s) => s.dest).sort(), ['n2', 'n3']);
    const toN2 = decodePeerBody(sent.find((s) => s.dest === 'n2')!.body);
    assert.ok(toN2.ok);
    assert.equal(toN2.payload.raft.length, 2);
    assert.deepEqual(toN2.payload.forwards, ['cmd-a', 'cmd-b']);
  });

  it('coalesces everything produced within the gap on a busy link', () => {
    const { env, sent, outbox } = setup(5);
    outbox.raft([hb('n2')]);
    env.drain();
    assert.equal(sent.length, 1);
    for (let i = 0; i < 10; i++) {
      env.advance(0.4);
      outbox.raft([hb('n2', 2 + i)]);
    }
    assert.equal(sent.length, 1, 'held back during the gap');
    env.advance(5);
    assert.equal(sent.length, 2);
    const second = decodePeerBody(sent[1].body);
    assert.ok(second.ok);
    assert.equal(second.payload.raft.length, 10);
  });

  it('sends every item on its own when batching is off', () => {
    const { env, sent, outbox } = setup(5, false);
    outbox.raft([hb('n2'), hb('n2')]);
    outbox.forward('n3', ['a', 'b', 'c'], true);
    env.drain();
    assert.equal(sent.length, 5);
    const last = decodePeerBody(sent[4].body);
    assert.ok(last.ok);
    assert.deepEqual(last.payload.reforwards, ['c']);
  });

  it('rejects malformed peer bodies with a reason', () => {
    for (const body of [{ type: 'raft', ms: 'x' }, { type: 'raft', ms: [{ type: 'nope' }] }, { type: 'raft', fwd: [1] }, { type: 'raft', ms: [{ type: 'heartbeat', to: 'n1', term: 1 }] }]) {
      assert.equal(decodePeerBody(body as Body).ok, false, JSON.stringify(body));
    }
  });

  it('names each envelope after what it carries, so a message diagram reads as Raft', () => {
    const ack: Message = { type: 'append-resp', from: 'n2', to: 'n1', term: 1, reject: false, index: 3, hintIndex: 0, hintTerm: 0 };
    assert.equal(peerBody([hb('n2'), hb('n2')], [], []).type, 'heartbeat');
    assert.equal(peerBody([ack], [], []).type, 'append_ack');
    assert.equal(peerBody([], ['c'], []).type, 'forward');
    assert.equal(peerBody([], [], ['c']).type, 'forward');
    const mixed = peerBody([ack, hb('n1')], ['c'], []);
    assert.deepEqual([mixed.type, mixed.kinds], ['raft_batch', 'append_ack+heartbeat+forward']);
    for (const body of [mixed, peerBody([ack], [], [])]) {
      assert.ok(PEER_BODY_TYPES.includes(String(body.type)), `the server listens for ${String(body.type)}`);
      assert.ok(decodePeerBody(body).ok);
    }
  });
});
