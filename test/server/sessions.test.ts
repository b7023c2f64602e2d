import { strict as assert } from 'assert';
import { decodeLogCommand, encodeLogCommand, type LogCommand } from '../../src/server/log-command';
import { SessionTable } from '../../src/server/sessions';

const cmd = (origin: string, seq: number, low: number): LogCommand => ({ origin, seq, low, workload: 'lin-kv', command: { op: 'write', key: 1, value: seq } });

describe('server: session table (exactly-once application)', () => {
  it('applies a command once and answers duplicates with the remembered result', () => {
    const table = new SessionTable();
    const c = cmd('n1:a', 1, 1);
    assert.deepEqual(table.check(c), { fresh: true });
    table.record(c, { type: 'write_ok' });
    assert.deepEqual(table.check(c), { fresh: false, result: { type: 'write_ok' } });
    assert.deepEqual(table.check(cmd('n2:b', 1, 1)), { fresh: true }, 'origins are independent');
  });

  it('forgets results below the watermark but still rejects their duplicates', () => {
    const table = new SessionTable();
    for (let seq = 1; seq <= 5; seq++) table.record(cmd('n1:a', seq, 1), { type: 'write_ok' });
    assert.equal(table.size, 5);
    table.record(cmd('n1:a', 6, 5), { type: 'write_ok' });
    assert.equal(table.size, 2, 'seqs 1..4 are forgotten');
    assert.deepEqual(table.check(cmd('n1:a', 2, 1)), { fresh: false, result: null });
    assert.deepEqual(table.check(cmd('n1:a', 5, 1)), { fresh: false, result: { type: 'write_ok' } });
    // A late duplicate of an abandoned seq below the watermark must never apply.
    assert.deepEqual(table.check(cmd('n1:a', 3, 7)), { fresh: false, result: null });
  });

  it('survives a snapshot round trip with identical decisions', () => {
    const table = new SessionTable();
    table.record(cmd('n1:a', 4, 2), { type: 'cas_ok' });
    table.record(cmd('n2:b', 9, 9), { type: 'error', code: 22, text: 'x' });
    const copy = new SessionTable();
    copy.restore(JSON.parse(JSON.stringify(table.snapshot())));
    for (const c of [cmd('n1:a', 4, 0), cmd('n1:a', 1, 0), cmd('n1:a', 5, 0), cmd('n2:b', 9, 0), cmd('n3:c', 1, 0)]) {
      assert.deepEqual(copy.check(c), table.check(c));
    }
  });

  it('round-trips log commands and rejects foreign entry data', () => {
    const c = cmd('n1:a', 3, 2);
    assert.deepEqual(decodeLogCommand(encodeLogCommand(c)), c);
    assert.throws(() => decodeLogCommand('{"x":1}'), /not a server command/);
  });
});
