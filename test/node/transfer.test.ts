/**
 * The `transfer` nemesis (our extension) against the real node: the runner
 * asks random nodes to hand leadership to random voters while clients run
 * lin-kv under partitions. The history must stay linearizable and show the
 * transfers and their answers.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import execa from 'execa';
import { NODE_BUNDLE, requireBundle } from '../support/node-process';
import { runnerBundle } from '../support/runner-bundle';

describe('nemesis transfer against dist/raft-node.js', function () {
  this.timeout(60_000);

  it('lin-kv, 3 nodes, --nemesis partition,transfer: valid, and transfers make their target lead', async () => {
    // Seed 1 draws both faults; a seed whose partition is a long one-directional
    // 3-ring (no round trip between any two nodes: no Raft can elect) fails the
    // stats checker for want of any ok op, whatever the transfers do.
    await checkRun(['--nemesis', 'partition,transfer', '--nemesis-interval', '2', '--time-limit', '10', '--rate', '50', '--seed', '1'], 2);
  });

  it('lin-kv with lease reads under rapid transfers stays linearizable (a handing-over leader serves no lease read)', async () => {
    await checkRun(['--nemesis', 'transfer', '--nemesis-interval', '0.3', '--time-limit', '6', '--rate', '100', '--seed', '9'], 5, ['--', '--read-mode', 'lease']);
  });
});

/** One runner test of the real node; checks validity and the transfers in the history. */
async function checkRun(extra: string[], minTransfers: number, nodeArgs: string[] = []): Promise<void> {
  requireBundle();
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-transfer-'));
  const args = ['test', '-w', 'lin-kv', '--bin', NODE_BUNDLE, '--node-count', '3', '--concurrency', '2n', ...extra, '--store', store, ...nodeArgs];
  const run = await execa('node', [runnerBundle(), ...args], { reject: false });
  try {
    assert.equal(run.exitCode, 0, `${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}\n(store ${store})`);
    const results = JSON.parse(fs.readFileSync(path.join(store, 'latest', 'results.json'), 'utf8'));
    assert.equal(results.valid, true);
    const history = fs.readFileSync(path.join(store, 'latest', 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const nemesis = history.filter((op) => op.process === 'nemesis');
    // Every nemesis op is an invocation/completion pair, adjacent in the history.
    for (let i = 0; i < nemesis.length; i += 2) assert.equal(nemesis[i].f, nemesis[i + 1]?.f, JSON.stringify(nemesis[i]));
    const starts = nemesis.filter((op, i) => i % 2 === 0 && op.f === 'start-transfer');
    const answers = nemesis.filter((op, i) => i % 2 === 1 && op.f === 'stop-transfer').map((op) => op.value);
    assert.ok(starts.length >= minTransfers, `${starts.length} transfers started`);
    assert.ok(starts.every((op) => typeof op.value.node === 'string' && typeof op.value.to === 'string'));
    assert.ok(answers.some((a) => Array.isArray(a) && a[0] === 'leader'), JSON.stringify(answers));
    // Transfer requests never show up as client ops.
    assert.ok(history.every((op) => op.process === 'nemesis' || op.f !== 'raft_transfer_leader'));
    fs.rmSync(store, { recursive: true, force: true });
  } catch (e) {
    console.error(`store kept at ${store}`);
    throw e;
  }
}
