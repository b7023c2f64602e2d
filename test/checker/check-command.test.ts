/**
 * The `check` command: argument handling, output, exit codes.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCheckCommand } from '../../src/checker/check-command';
import { historyToEdn } from '../../src/checker/edn';
import { HistoryBuilder, txn } from './builders';

async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runCheckCommand(argv, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

describe('checker: check command', function () {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'checker-cli-'));
  after(function () { fs.rmSync(tmp, { recursive: true, force: true }); });
  const write = (name: string, text: string) => { const p = path.join(tmp, name); fs.writeFileSync(p, text); return p; };
  const jsonl = (h: object[]) => h.map((e) => JSON.stringify(e)).join('\n') + '\n';

  const linValid = new HistoryBuilder().op({ process: 0, f: 'write', invoke: [0, 1] }).op({ process: 1, f: 'read', invoke: [0, null], complete: [0, 1] })
    .op({ process: 1, f: 'cas', invoke: [0, [1, 2]] }).build();
  const linInvalid = new HistoryBuilder().op({ process: 0, f: 'write', invoke: [0, 1] }).op({ process: 1, f: 'read', invoke: [0, null], complete: [0, 5] })
    .op({ process: 1, f: 'cas', invoke: [0, [1, 2]] }).build();

  it('exit 0 for a valid lin-kv history, with Jepsen\'s closing line', async function () {
    const { code, out } = await run('check', '-w', 'lin-kv', write('ok.jsonl', jsonl(linValid)));
    assert.equal(code, 0);
    assert.match(out, /:valid\? true/);
    assert.match(out, /Everything looks good!/);
  });

  it('exit 1 for an invalid one, explaining the failure; EDN input works too', async function () {
    const { code, out } = await run('check', write('bad.edn', historyToEdn(linInvalid)));
    assert.equal(code, 1);
    assert.match(out, /Key 0: Not linearizable/);
    assert.match(out, /Analysis invalid!/);
  });

  it('txn workloads honour --consistency-models', async function () {
    const writeSkew = new HistoryBuilder().concurrent([txn(0, [['r', 'x', []], ['append', 'y', 1]]), txn(1, [['r', 'y', []], ['append', 'x', 1]])]).build();
    const file = write('skew.jsonl', jsonl(writeSkew));
    const strict = await run('check', '-w', 'txn-list-append', file);
    assert.equal(strict.code, 1);
    assert.match(strict.out, /G2-item/);
    assert.match(strict.out, /a contradiction!/);
    assert.equal((await run('check', '-w', 'txn-list-append', file, '--consistency-models', 'snapshot-isolation')).code, 0);
    assert.equal((await run('check', '-w', 'txn-list-append', file, '--consistency-models=snapshot-isolation, read-committed')).code, 0);
    const unknown = await run('check', '-w', 'txn-list-append', file, '--consistency-models', 'bogus');
    assert.equal(unknown.code, 2);
    assert.match(unknown.out, /Errors occurred during analysis/);
    const rw = new HistoryBuilder().op(txn(0, [['w', 'x', 1]])).op(txn(1, [['r', 'x', 1]])).build();
    assert.equal((await run('check', '-w', 'txn-rw-register', write('rw.jsonl', jsonl(rw)), '--json')).code, 0);
  });

  it('--availability makes availability part of the verdict', async function () {
    const h = new HistoryBuilder().op({ process: 0, f: 'write', invoke: [0, 1] }).op({ process: 1, f: 'read', invoke: [0, null], type: 'fail' }).build();
    const file = write('avail.jsonl', jsonl(h));
    assert.equal((await run('check', file)).code, 0);
    assert.equal((await run('check', file, '--availability', 'total')).code, 1);
    assert.equal((await run('check', file, '--availability', '0.5')).code, 0);
  });

  it('bad arguments and unreadable files exit 254 with what was wrong', async function () {
    const cases: [string[], RegExp][] = [
      [['check'], /missing the history file/],
      [['check', '-w', 'kafka', 'x'], /unknown workload "kafka"/],
      [['check', 'a', 'b'], /only one history file/],
      [['check', '--frob', 'a'], /unknown option --frob/],
      [['check', 'a', '--availability', 'most'], /--availability must be/],
      [['check', 'a', '--budget-ms', '-1'], /--budget-ms must be a positive integer/],
      [['check', path.join(tmp, 'nope.jsonl')], /cannot read history file/],
      [['check', write('junk.jsonl', '{"type":"invoke"\n')], /not valid JSON/],
    ];
    for (const [argv, msg] of cases) {
      const { code, out } = await run(...argv);
      assert.equal(code, 254, argv.join(' '));
      assert.match(out, msg);
    }
    const help = await run('check', '--help');
    assert.equal(help.code, 0);
    assert.match(help.out, /Usage: maelstrom-local check/);
  });
});
