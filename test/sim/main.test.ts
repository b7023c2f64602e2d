import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

function sim(args: string[]) {
  return spawnSync(process.execPath, ['-r', './test/support/register.js', 'src/sim/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
}

describe('sim: command line entry point', function () {
  this.timeout(120_000);

  it('exits 2 with a fix-it message on a bad flag', () => {
    const r = sim(['--nodes', '4']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--nodes must be 3, 5 or 7/);
  });

  it('a failing seed prints its replay command, writes history and trace, and the replay fails identically', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-main-'));
    try {
      const shaping = ['--broken', 'reads-without-read-index', '--fault-ms', '1500', '--recovery-ms', '2500', '--final-ms', '800'];
      const r = sim(['--seeds', '3', '--workload', 'lin-kv', '--out', out, '--quiet', ...shaping]);
      assert.equal(r.status, 1, r.stdout + r.stderr);
      const m = /replay: (node .*?) {3}\(artifacts: (\S+); replayed identically: true\)/.exec(r.stdout);
      assert.ok(m, `no replay line in:\n${r.stdout}`);
      const dir = m[2];
      for (const f of ['history.jsonl', 'trace.txt', 'result.txt']) assert.ok(fs.statSync(path.join(dir, f)).size > 0, f);
      const history = fs.readFileSync(path.join(dir, 'history.jsonl'), 'utf8');
      const replayArgs = m[1].split(' ').slice(4);
      fs.rmSync(dir, { recursive: true });
      const again = sim([...replayArgs, '--out', out]);
      assert.equal(again.status, 1, again.stdout + again.stderr);
      assert.equal(fs.readFileSync(path.join(dir, 'history.jsonl'), 'utf8'), history);
      assert.match(r.stdout, /\d+ ops\/s, [\d.]+ virtual s per wall s/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
