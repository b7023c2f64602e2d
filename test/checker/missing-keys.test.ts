import { strict as assert } from 'assert';
import { HistoryOp } from '../../src/checker/history';
import { checkMissingKeys } from '../../src/checker/missing-keys';

/** Build a history from [type, process, f, value, time, error?] rows. */
function history(rows: [HistoryOp['type'], number, string, unknown, number, unknown?][]): HistoryOp[] {
  return rows.map(([type, process, f, value, time, error], index) => ({ index, type, process, f, value, time, ...(error !== undefined ? { error } : {}) }));
}
const MISSING = ['key-does-not-exist', 'not found'];

describe('checker: missing keys (a key that vanished after an acknowledged write)', () => {
  it('a read invoked after an acknowledged write, told the key does not exist -> invalid, naming both ops', () => {
    const h = history([
      ['invoke', 0, 'write', [3, 7], 0],
      ['ok', 0, 'write', [3, 7], 10],
      ['invoke', 1, 'read', [3, null], 20],
      ['fail', 1, 'read', [3, null], 30, MISSING],
    ]);
    const r = checkMissingKeys(h);
    assert.equal(r.valid, false);
    assert.equal(r['lost-keys'], 1);
    assert.match(String(r.explanation), /key 3: read op #3 was told the key does not exist, but op #1 had written it/);
  });

  it('an acknowledged cas counts as a write too', () => {
    const h = history([
      ['invoke', 0, 'cas', ['k', [1, 2]], 0],
      ['ok', 0, 'cas', ['k', [1, 2]], 10],
      ['invoke', 1, 'read', ['k', null], 11],
      ['fail', 1, 'read', ['k', null], 12, MISSING],
    ]);
    assert.equal(checkMissingKeys(h).valid, false);
  });

  it('valid: the read was concurrent with the first write, the write failed or is indefinite, another key, another error', () => {
    const concurrent = history([
      ['invoke', 0, 'write', [3, 7], 0],
      ['invoke', 1, 'read', [3, null], 5],
      ['ok', 0, 'write', [3, 7], 10],
      ['fail', 1, 'read', [3, null], 30, MISSING],
    ]);
    assert.equal(checkMissingKeys(concurrent).valid, true);
    for (const type of ['fail', 'info'] as const) {
      const h = history([
        ['invoke', 0, 'write', [3, 7], 0],
        [type, 0, 'write', [3, 7], 10],
        ['invoke', 1, 'read', [3, null], 20],
        ['fail', 1, 'read', [3, null], 30, MISSING],
      ]);
      assert.equal(checkMissingKeys(h).valid, true, type);
    }
    const otherKey = history([
      ['invoke', 0, 'write', [3, 7], 0],
      ['ok', 0, 'write', [3, 7], 10],
      ['invoke', 1, 'read', [4, null], 20],
      ['fail', 1, 'read', [4, null], 30, MISSING],
    ]);
    assert.equal(checkMissingKeys(otherKey).valid, true);
    const unavailable = history([
      ['invoke', 0, 'write', [3, 7], 0],
      ['ok', 0, 'write', [3, 7], 10],
      ['invoke', 1, 'read', [3, null], 20],
      ['fail', 1, 'read', [3, null], 30, ['temporarily-unavailable', 'no leader']],
    ]);
    assert.equal(checkMissingKeys(unavailable).valid, true);
  });
});
