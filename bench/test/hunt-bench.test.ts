import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MUTANTS } from '../../corpus/mutants';
import { brokenSubjects, witnessRuns } from '../hunt-bench';

describe('hunt-bench: runs that reached the bug', () => {
  it('counts search runs with a WITNESS line in a node log; replays and other files do not count', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hunt-bench-witness-'));
    try {
      const log = (run: string, node: string, text: string): void => {
        const d = path.join(dir, run, 'lin-kv', '20261201T000000.000Z', 'node-logs');
        fs.mkdirSync(d, { recursive: true });
        fs.writeFileSync(path.join(d, `${node}.log`), text);
      };
      log('run-0000', 'n0', 'term 3: leader\n');
      log('run-0000', 'n1', 'term 3: WITNESS second vote in term 3: n2 after n0\n');
      log('run-0001', 'n0', 'term 1: leader\n');
      log('run-0002', 'n2', 'nothing here\n');
      log('run-0001-replay-1', 'n0', 'WITNESS in a replay\n');
      fs.writeFileSync(path.join(dir, 'run-0002', 'runner-output.txt'), 'WITNESS outside node-logs\n');
      assert.deepEqual(witnessRuns(dir), { runs: 3, reached: 1 });
      assert.deepEqual(witnessRuns(path.join(dir, 'absent')), { runs: 0, reached: 0 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hunts the witness build of every mutant, and our node\u2019s switches without one', () => {
    const mutants = Object.fromEntries(MUTANTS.map((m) => [m.name, `/d/corpus/${m.name}.js`]));
    const subjects = brokenSubjects({ brokenNode: '/d/test/raft-node-broken.js', mutants });
    const q = subjects.find((s) => s.name === 'quorum-off-by-one');
    assert.equal(q?.bin, '/d/corpus/witness/quorum-off-by-one.js');
    assert.equal(q?.witness, true);
    assert.ok(subjects.filter((s) => s.name.startsWith('node:')).every((s) => s.witness !== true && s.bin === '/d/test/raft-node-broken.js'));
  });
});
