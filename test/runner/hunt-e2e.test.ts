import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import execa from 'execa';
import { mutantSource } from '../../corpus/mutants';
import { parseTestArgs } from '../../src/runner/cli';
import { runnerBundle } from '../support/runner-bundle';

/**
 * `maelstrom-local hunt` end to end: the bundled CLI against fixture nodes, real processes.
 * Runs are pinned short (--time-limit 1) so the whole file takes ~20 s.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const FIX = path.join(ROOT, 'test', 'fixtures');

describe('maelstrom-local hunt end to end', function () {
  this.timeout(60_000);
  let tmp = '';
  let cli = '';

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-hunt-'));
    cli = runnerBundle();
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const hunt = async (args: string[]) => {
    const store = path.join(tmp, `store-${Math.random().toString(36).slice(2, 8)}`);
    const r = await execa('node', [cli, 'hunt', '--store', store, ...args], { reject: false, cwd: ROOT });
    return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr, store };
  };

  it('a lin-kv node that reads a value nobody wrote -> exit 1: store dir, replay command, the key and op, replays', async () => {
    const r = await hunt(['-w', 'lin-kv', '--bin', path.join(FIX, 'hunt-phantom-read.js'), '--time-limit', '1', '--rate', '100', '--seed', '7', '--replays', '2', '--budget', '60']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FOUND in run 0 after [\d.]+ s: invalid/);
    assert.match(r.stdout, /saw: {4}lin-kv key \S+ is not linearizable: a read returning 1000 \(ok, process \d+, history op #\d+/);
    assert.match(r.stdout, /reproduced in 2 of 2 replays/);
    const dir = /store: {2}(.*)/.exec(r.stdout)?.[1] ?? '';
    assert.ok(dir.startsWith(path.join(r.store, 'hunt')), dir);
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')).valid, false);
    // hunt.json (what make hunt-bench reads) carries the same finding.
    const summary = JSON.parse(fs.readFileSync(path.join(path.dirname(path.dirname(path.dirname(dir))), 'hunt.json'), 'utf8'));
    assert.equal(summary['exit-code'], 1);
    assert.equal(summary.finding.run, 0);
    assert.equal(summary.finding.store, dir);
    assert.equal(summary.finding.reproduced, 2);
    assert.ok(summary.finding['found-after-ms'] > 0);
    // The replay command parses back, through the test command's parser, to the run's own configuration
    // (but for messages.html, which the search run skipped and the replay writes: recording changes no draw).
    const replay = (/replay: (.*)/.exec(r.stdout)?.[1] ?? '').split(' ');
    assert.deepEqual(replay.slice(0, 2), ['bin/maelstrom-local', 'test']);
    const parsed = parseTestArgs(replay.slice(2), () => 0);
    const stored = fs.readFileSync(path.join(path.dirname(path.dirname(dir)), 'runner-output.txt'), 'utf8').split('\n')[0].split(' ').slice(3);
    const original = parseTestArgs(stored, () => 0);
    assert.ok(!parsed.help && !original.help);
    if (!parsed.help && !original.help) {
      assert.equal(original.config.messages, false, 'the search run skipped messages.html');
      assert.equal(parsed.config.messages, true, 'the replay writes it');
      assert.deepEqual({ ...parsed.config, store: '', messages: true }, { ...original.config, store: '', messages: true });
    }
    assert.equal(parsed.help ? -1 : parsed.config.store, path.join(r.store), 'the hunt was given --store, so the replay names it');
    assert.match(r.stdout, /runs\s+1\n[\s\S]*invalid\s+1\n[\s\S]*time to first finding\s+[\d.]+ s \(run 0\)/);
  });

  it('a node that exits during the test -> exit 1 (crash): node, exit code and its last stderr line', async () => {
    const r = await hunt(['-w', 'lin-kv', '--bin', path.join(FIX, 'crash-after-init.js'), '--time-limit', '1.5', '--rate', '20', '--replays', '1', '--seed', '3', '--no-final-reads']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FOUND in run 0 after [\d.]+ s: crash/);
    assert.match(r.stdout, /saw: {4}node n\d exited during the test with exit code 3; its last stderr message: "fixture: exiting on purpose"/);
    assert.match(r.stdout, /reproduced in 1 of 1 replays/);
  });

  it('a correct node -> exit 0, one progress line per run (stdout not a terminal), no test summaries', async () => {
    const r = await hunt(['-w', 'echo', '--bin', path.join(FIX, 'echo-node.js'), '--time-limit', '1', '--rate', '50', '--runs', '2', '--seed', '5', '--', '--unused-node-arg']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.split('\n').filter((l) => /^run \d \[[\d.]+\/300 s\] n\d t1s r50 .* -> valid \([\d.]+ s\)$/.test(l)).length, 2, r.stdout);
    assert.doesNotMatch(r.stdout, /Everything looks good/);
    assert.match(r.stdout, /Nothing found in 2 run\(s\)/);
    const runs = fs.readdirSync(fs.readdirSync(path.join(r.store, 'hunt')).map((d) => path.join(r.store, 'hunt', d))[0]);
    assert.deepEqual(runs.sort(), ['hunt.json', 'run-0000', 'run-0001']);
  });

  it('a clearly broken Raft from the mutant corpus (any-node-reads-local-state) -> `hunt --budget 60 --seed 1` finds it, exit 1', async function () {
    // The budget bounds when the last run may START; that run (final reads, rotations) and a loaded machine
    // can take it well past 60 s, so the harness waits longer than the budget.
    this.timeout(240_000);
    const bin = path.join(tmp, 'any-node-reads-local-state.js');
    fs.writeFileSync(bin, mutantSource('any-node-reads-local-state'), { mode: 0o755 });
    const r = await hunt(['-w', 'lin-kv', '--bin', bin, '--budget', '60', '--seed', '1', '--replays', '0']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FOUND in run \d+ after [\d.]+ s: invalid/);
    assert.match(r.stdout, /saw: {4}lin-kv key \S+ is not linearizable/);
  });

  it('bad arguments through main.ts -> 254; --help -> 0', async () => {
    const bad = await hunt(['--bin', path.join(FIX, 'echo-node.js'), '--faults', 'kill-leader']);
    assert.equal(bad.code, 254);
    assert.match(bad.stderr, /needs --durable/);
    const help = await execa('node', [cli, 'hunt', '--help'], { reject: false });
    assert.equal(help.exitCode, 0);
    assert.match(help.stdout, /Usage: maelstrom-local hunt/);
  });
});
