/**
 * "Not ready" while storage recovers (issue: graceful leave's twin at start):
 * a client request that arrives while the node is still reading its WAL waits
 * at most --recovery-wait-ms, then gets a definite 11, and the node serves
 * normally once recovery is done. Real process, real files.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ErrorCode } from '../../src/protocol/errors';
import { openFileStorage } from '../../src/storage';
import { NodeProcess } from '../support/node-process';

describe('not ready while recovering storage (real process, real WAL)', function () {
  this.timeout(30_000);

  it('a request that comes with init gets a definite 11 "not ready: recovering storage"; the next ones are served', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-recovery-'));
    try {
      // A log of 5,000 committed no-ops: recovery reads and checks all of it before Raft starts.
      const storage = openFileStorage(path.join(dir, 'n1'));
      await storage.recover();
      const n = 5000;
      const entries = Array.from({ length: n }, (_, i) => ({ index: i + 1, term: 1, kind: 'noop' as const, data: '' }));
      await storage.save({ term: 1, vote: 'n1', commit: n }, entries);
      await storage.close();

      const node = new NodeProcess(['--data-dir', dir, '--recovery-wait-ms', '0']);
      try {
        // One write: the request is read in the same turn as init, before recovery can finish.
        const init = { src: 'c0', dest: 'n1', body: { type: 'init', msg_id: 1, node_id: 'n1', node_ids: ['n1'] } };
        const early = { src: 'c1', dest: 'n1', body: { type: 'write', msg_id: 2, key: 1, value: 1 } };
        node.send(`${JSON.stringify(init)}\n${JSON.stringify(early)}`);
        await node.reply('c0', 1);
        const first = (await node.reply('c1', 2)).body;
        assert.deepEqual([first.type, first.code, first.text], ['error', ErrorCode.TemporarilyUnavailable, 'not ready: recovering storage']);
        let answer = first;
        for (let id = 3; answer.type !== 'write_ok' && id < 200; id++) {
          await new Promise((r) => setTimeout(r, 20));
          node.send({ src: 'c1', dest: 'n1', body: { type: 'write', msg_id: id, key: 1, value: 2 } });
          answer = (await node.reply('c1', id)).body;
        }
        assert.equal(answer.type, 'write_ok', JSON.stringify(answer));
        node.send({ src: 'c1', dest: 'n1', body: { type: 'read', msg_id: 500, key: 1 } });
        assert.equal((await node.reply('c1', 500)).body.value, 2);
      } finally {
        node.kill();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
