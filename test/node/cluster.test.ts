/**
 * The bundle as a cluster of real processes over real pipes, driven by the
 * local runner exactly as `make lin-kv` does, with Maelstrom's partitions and
 * the runner's kill/pause faults. Each run is short; the verdict must be valid
 * (exit 0) and every checker must have had something to check.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import execa from 'execa';
import { NODE_BUNDLE, requireBundle } from '../support/node-process';

const RUNNER = path.resolve(__dirname, '../../bin/maelstrom-local');

interface RunResult {
  exitCode: number;
  stdout: string;
  results: Record<string, any>;
  history: Array<Record<string, any>>;
}

async function runTest(args: string[], nodeArgs: string[] = []): Promise<RunResult> {
  requireBundle();
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-cluster-'));
  const all = ['test', '--bin', NODE_BUNDLE, '--store', store, ...args, ...(nodeArgs.length ? ['--', ...nodeArgs] : [])];
  const run = await execa(RUNNER, all, { reject: false, env: { CI: 'true' } });
  const latest = path.join(store, 'latest', 'results.json');
  const results = fs.existsSync(latest) ? JSON.parse(fs.readFileSync(latest, 'utf8')) : {};
  const historyFile = path.join(store, 'latest', 'history.jsonl');
  const history = fs.existsSync(historyFile)
    ? fs.readFileSync(historyFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    : [];
  if (run.exitCode !== 0) {
    // Keep the evidence for whoever reads the failure.
    console.error(`runner ${all.join(' ')} exited ${run.exitCode}; store kept at ${store}\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`);
  } else {
    fs.rmSync(store, { recursive: true, force: true });
  }
  return { exitCode: run.exitCode ?? -1, stdout: run.stdout, results, history };
}

const common = ['--time-limit', '6', '--rate', '100', '--concurrency', '2n', '--nemesis', 'partition', '--nemesis-interval', '2'];

describe('cluster of real node processes through the local runner', function () {
  this.timeout(120000);

  for (const nodes of [3, 5]) {
    for (const workload of ['lin-kv', 'txn-list-append', 'txn-rw-register']) {
      it(`${workload} on ${nodes} nodes with partitions is valid`, async () => {
        const seed = 100 * nodes + workload.length;
        const run = await runTest(['-w', workload, '--node-count', String(nodes), '--seed', String(seed), ...common]);
        assert.equal(run.exitCode, 0, `seed ${seed}: expected a valid verdict`);
        assert.equal(run.results.valid, true);
        assert.ok(run.results.stats['ok-count'] > 50, `only ${run.results.stats['ok-count']} ok operations`);
      });
    }
  }

  it('lin-kv survives SIGKILL/restart and pauses with --data-dir', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-data-'));
    try {
      const run = await runTest(
        ['-w', 'lin-kv', '--node-count', '3', '--seed', '7', '--time-limit', '8', '--rate', '100', '--concurrency', '2n',
          '--nemesis', 'partition,kill,pause', '--nemesis-interval', '1.5'],
        ['--data-dir', dataDir],
      );
      assert.equal(run.exitCode, 0);
      assert.match(run.stdout, /kill/);
      const restarted = fs.readdirSync(dataDir).filter((d) => fs.readdirSync(path.join(dataDir, d)).some((f) => f.startsWith('wal-')));
      assert.ok(restarted.length >= 2, `nodes wrote WALs: ${restarted.join(',')}`);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('lin-kv with lease reads stays linearizable under partitions and pauses', async () => {
    // A paused leader resumes believing in its lease unless it counts the ticks it
    // missed: this is the run that catches a lease outliving its election timeout.
    const run = await runTest(
      ['-w', 'lin-kv', '--node-count', '3', '--seed', '9', '--time-limit', '6', '--rate', '200', '--concurrency', '4n',
        '--nemesis', 'partition,pause', '--nemesis-interval', '1'],
      ['--read-mode', 'lease'],
    );
    assert.equal(run.exitCode, 0);
    assert.ok(run.history.some((op) => op.type === 'ok' && op.f === 'read'), 'some lease reads succeeded');
  });

  it('answers every operation definitely when there are no faults (--latency 10)', async () => {
    for (const workload of ['lin-kv', 'txn-list-append']) {
      const run = await runTest(['-w', workload, '--node-count', '3', '--seed', '11', '--time-limit', '4', '--rate', '100',
        '--concurrency', '2n', '--latency', '10']);
      assert.equal(run.exitCode, 0);
      assert.equal(run.results.stats['info-count'], 0, `${workload}: no operation may end info without faults`);
      // lin-kv fails legitimately (missing key, cas mismatch); nothing else may fail.
      const failures = run.history.filter((op) => op.type === 'fail').map((op) => JSON.stringify(op.error));
      const unexpected = failures.filter((e) => !/key-does-not-exist|precondition-failed/.test(e));
      assert.deepEqual(unexpected, [], `${workload}: failures other than 20/22`);
      assert.ok(run.history.some((op) => op.type === 'ok'));
    }
  });
});
