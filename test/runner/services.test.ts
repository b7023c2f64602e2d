import { strict as assert } from 'assert';
import { Body } from '../../src/protocol/message';
import { Rng } from '../../src/runner/rng';
import { LinKvService, LinTsoService, LwwKvService, SeqKvService } from '../../src/runner/services';

const b = (x: Record<string, unknown>): Body => x as Body;

describe('built-in services (spec §2.6)', () => {
  it('lin-kv: read/write/cas with errors 20 and 22, create_if_not_exists, value equality by type', () => {
    const s = new LinKvService();
    assert.equal(s.handle('n1', b({ type: 'read', key: 1 }))?.code, 20);
    assert.equal(s.handle('n1', b({ type: 'cas', key: 1, from: 0, to: 1 }))?.code, 20);
    assert.deepEqual(s.handle('n1', b({ type: 'cas', key: 1, from: 0, to: 1, create_if_not_exists: true })), { type: 'cas_ok' });
    assert.deepEqual(s.handle('n2', b({ type: 'read', key: 1 })), { type: 'read_ok', value: 1 });
    assert.equal(s.handle('n1', b({ type: 'cas', key: 1, from: '1', to: 2 }))?.code, 22);
    assert.deepEqual(s.handle('n1', b({ type: 'write', key: 'k', value: [1, 2] })), { type: 'write_ok' });
    assert.deepEqual(s.handle('n1', b({ type: 'read', key: 'k' })), { type: 'read_ok', value: [1, 2] });
    assert.equal(s.handle('n1', b({ type: 'read', key: '1' }))?.code, 20, 'key "1" is not key 1');
    assert.equal(s.handle('n1', b({ type: 'bogus' })), null);
  });

  it('lin-tso: timestamps 0, 1, 2, ...', () => {
    const s = new LinTsoService();
    assert.deepEqual([0, 1, 2].map(() => s.handle('n1', b({ type: 'ts' }))), [0, 1, 2].map((ts) => ({ type: 'ts_ok', ts })));
    assert.equal(s.handle('n1', b({ type: 'read' })), null);
  });

  it('seq-kv: a sender never reads older than what it saw (per-sender monotonic), may read stale values of others', () => {
    const s = new SeqKvService(new Rng(Number(process.env.SEED ?? 3)));
    let staleSeen = false;
    let lastSeenByN1 = -1;
    for (let i = 0; i < 300; i++) {
      s.handle('n2', b({ type: 'write', key: 0, value: i }));
      const r = s.handle('n1', b({ type: 'read', key: 0 }));
      if (r?.type === 'read_ok') {
        const v = r.value as number;
        assert.ok(v >= lastSeenByN1, `n1 went back from ${lastSeenByN1} to ${v}`);
        lastSeenByN1 = v;
        if (v < i) staleSeen = true;
      }
      // n2 always sees its own latest write (it advanced its index by writing).
      assert.deepEqual(s.handle('n2', b({ type: 'read', key: 0 })), { type: 'read_ok', value: i });
    }
    assert.ok(staleSeen, 'seq-kv should serve some stale reads to another sender');
  });

  it('lww-kv: writes eventually visible; create_if_not_exists ignored', () => {
    const s = new LwwKvService(new Rng(4));
    s.handle('n1', b({ type: 'write', key: 1, value: 5 }));
    let seen = false;
    for (let i = 0; i < 50 && !seen; i++) seen = s.handle('n1', b({ type: 'read', key: 1 }))?.value === 5;
    assert.ok(seen);
    assert.equal(s.handle('n1', b({ type: 'cas', key: 9, from: 0, to: 1, create_if_not_exists: true }))?.code, 20);
  });
});
