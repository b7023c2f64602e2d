/**
 * The test-only broken build of our node (corpus/build.ts) and the guarantee
 * that the production bundle cannot be broken from its command line.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import execa from 'execa';
import { buildCorpus } from '../../corpus/build';
import { parseBrokenArgs } from '../../corpus/broken-node-main';
import { MUTANTS } from '../../corpus/mutants';
import { BROKEN_SWITCHES } from '../../src/sim/broken-switches';

const ROOT = path.resolve(__dirname, '..', '..');
const init = JSON.stringify({ src: 'c0', dest: 'n1', body: { type: 'init', msg_id: 1, node_id: 'n1', node_ids: ['n1', 'n2', 'n3'] } });

describe('corpus: broken build of our node', function () {
  this.timeout(60_000);

  it('dist/raft-node.js (make build) has no --broken parser and no switch names', () => {
    const bundle = path.join(ROOT, 'dist', 'raft-node.js');
    assert.ok(fs.existsSync(bundle), 'run `make build` first');
    const text = fs.readFileSync(bundle, 'utf8');
    assert.ok(!text.includes('--broken'), 'dist/raft-node.js mentions --broken');
    assert.ok(!text.includes('raft-node-broken'), 'dist/raft-node.js mentions the broken entry');
    for (const name of Object.keys(BROKEN_SWITCHES)) assert.ok(!text.includes(name), `dist/raft-node.js names the switch ${name}`);
  });

  it('parseBrokenArgs takes the simulator\u2019s switch names and passes every other argument through', () => {
    const a = parseBrokenArgs(['--tick-ms', '5', '--broken', 'skip-log-up-to-date-check', '--verbose', '--broken', 'reads-without-read-index']);
    assert.deepEqual(a.nodeArgv, ['--tick-ms', '5', '--verbose']);
    assert.deepEqual(a.names, ['skip-log-up-to-date-check', 'reads-without-read-index']);
    assert.deepEqual(a.switches, { raft: { skipLogUpToDateCheck: true }, server: { readsWithoutReadIndex: true } });
    assert.throws(() => parseBrokenArgs(['--broken', 'nope']), /unknown switch "nope"/);
    assert.throws(() => parseBrokenArgs(['--broken']), /needs a switch name/);
  });

  describe('corpus/build.ts into a scratch dist/', () => {
    let dist = '';
    before(() => {
      dist = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-dist-'));
    });
    after(() => fs.rmSync(dist, { recursive: true, force: true }));

    it('writes the broken node, every mutant and the reference as executables', () => {
      const out = buildCorpus(dist);
      assert.equal(out.brokenNode, path.join(dist, 'test', 'raft-node-broken.js'));
      assert.equal(out.reference, path.join(dist, 'corpus', 'reference.js'));
      assert.deepEqual(Object.keys(out.mutants).sort(), MUTANTS.map((m) => m.name).sort());
      for (const f of [out.brokenNode, out.reference, ...Object.values(out.mutants)]) {
        assert.equal(fs.statSync(f).mode & 0o777, 0o755, f);
        assert.ok(fs.readFileSync(f, 'utf8').startsWith('#!/usr/bin/env node\n'), f);
      }
    });

    it('the broken node runs with --broken, answers init, and refuses an unknown switch (exit 2)', async () => {
      const bin = path.join(dist, 'test', 'raft-node-broken.js');
      const ok = await execa(bin, ['--broken', 'grant-two-votes-per-term', '--tick-ms', '10'], { input: init + '\n', reject: false });
      assert.equal(ok.exitCode, 0, ok.stderr);
      assert.deepEqual(JSON.parse(ok.stdout.split('\n')[0]).body, { type: 'init_ok', in_reply_to: 1 });
      assert.match(ok.stderr, /broken switches: grant-two-votes-per-term/);
      const bad = await execa(bin, ['--broken', 'nope'], { input: init + '\n', reject: false });
      assert.equal(bad.exitCode, 2);
      assert.match(bad.stderr, /unknown switch "nope"/);
      const badNodeFlag = await execa(bin, ['--no-such-flag'], { input: init + '\n', reject: false });
      assert.equal(badNodeFlag.exitCode, 2, 'the node\u2019s own parser still rejects unknown flags');
    });
  });
});
