/**
 * `maelstrom-local check -w W` for the workloads whose checkers live beside
 * the runner (the registry hands them to the check command): a stored
 * history is re-checked with the same checker `test` used.
 */
import { strict as assert } from 'assert';
import execa from 'execa';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runnerBundle } from '../support/runner-bundle';

describe('maelstrom-local check: every workload the runner drives', function () {
  this.timeout(60_000);
  let tmp = '';
  let cli = '';
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-check-'));
    cli = runnerBundle();
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const history = (ops: object[]): string => {
    const file = path.join(tmp, `h${Math.random().toString(36).slice(2)}.jsonl`);
    fs.writeFileSync(file, ops.map((o, index) => JSON.stringify({ index, time: index * 1000, ...o })).join('\n') + '\n');
    return file;
  };
  // g-set: 0 and 1 added (ok); a later read sees only 0, so 1 is lost.
  const gset = (lastRead: number[]): object[] => [
    { type: 'invoke', process: 0, f: 'add', value: 0 },
    { type: 'ok', process: 0, f: 'add', value: 0 },
    { type: 'invoke', process: 1, f: 'add', value: 1 },
    { type: 'ok', process: 1, f: 'add', value: 1 },
    { type: 'invoke', process: 0, f: 'read', value: null },
    { type: 'ok', process: 0, f: 'read', value: lastRead },
  ];

  it('g-set: valid when every acknowledged element is read, invalid (lost) when one never is', async () => {
    const ok = await execa('node', [cli, 'check', '-w', 'g-set', history(gset([0, 1]))], { reject: false });
    assert.equal(ok.exitCode, 0, ok.stdout);
    const lost = await execa('node', [cli, 'check', '-w', 'g-set', history(gset([0]))], { reject: false });
    assert.equal(lost.exitCode, 1, lost.stdout);
    assert.match(lost.stdout, /:lost/);
  });

  it('an unknown workload still exits 254 and lists the new ones', async () => {
    const r = await execa('node', [cli, 'check', '-w', 'nope', 'x'], { reject: false });
    assert.equal(r.exitCode, 254);
    assert.match(r.stdout, /unknown workload "nope"; expected one of .*kafka/);
  });
});
