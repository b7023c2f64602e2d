import { strict as assert } from 'assert';
import * as zlib from 'zlib';
import { crc32 } from '../../src/storage/crc32';
import { decodeFrame, encodeFrame, HEADER_BYTES } from '../../src/storage/record-codec';
import { openMemoryStorage, StorageError } from '../../src/storage';
import { Prng } from './support/prng';
import { entries, entry, hs } from './support/helpers';

describe('storage record framing', function () {
  it('CRC-32 matches the standard check value and zlib', function () {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
    const zlibCrc = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
    if (zlibCrc) {
      const rng = new Prng(7);
      for (let n = 0; n < 50; n++) {
        const data = Uint8Array.from({ length: rng.int(0, 300) }, () => rng.int(0, 255));
        assert.equal(crc32(data), zlibCrc(data));
      }
    }
  });

  it('decodes what it encodes, and classifies every truncation as torn and every bit flip as bad', function () {
    const frame = encodeFrame({ type: 'save', hardState: hs(3, 2, 'n1'), entries: entries(1, 3) });
    const ok = decodeFrame(frame, 0);
    assert.equal(ok.kind, 'ok');
    assert.deepEqual(ok.kind === 'ok' && ok.payload, { type: 'save', hardState: hs(3, 2, 'n1'), entries: entries(1, 3) });
    for (let cut = 0; cut < frame.length; cut++) {
      assert.equal(decodeFrame(frame.subarray(0, cut), 0).kind, 'torn', `cut at ${cut}`);
    }
    for (let at = 0; at < frame.length; at++) {
      const damaged = frame.slice();
      damaged[at] ^= 0x10;
      const result = decodeFrame(damaged, 0);
      // A damaged length can also make the record look longer than the file: torn.
      assert.notEqual(result.kind, 'ok', `flip at byte ${at} went unnoticed`);
      if (at >= HEADER_BYTES) assert.equal(result.kind, 'corrupt');
    }
  });
});

describe('memory storage', function () {
  it('round-trips, applies truncation and the snapshot rule, resolves in call order', async function () {
    const s = openMemoryStorage();
    assert.deepEqual(await s.recover(), { hardState: hs(0), snapshot: null, entries: [] });
    const order: number[] = [];
    await Promise.all([
      s.save(hs(1, 0, 'n1'), entries(1, 5)).then(() => order.push(1)),
      s.save(hs(2, 3, 'n2'), entries(4, 4, 2)).then(() => order.push(2)),
      s.saveSnapshot({ meta: { index: 2, term: 1, voters: ['n1'] }, data: 'two' }).then(() => order.push(3)),
    ]);
    assert.deepEqual(order, [1, 2, 3]);
    const r = await s.recover();
    assert.deepEqual(r.hardState, hs(2, 3, 'n2'));
    assert.deepEqual(r.snapshot, { meta: { index: 2, term: 1, voters: ['n1'] }, data: 'two' });
    assert.deepEqual(r.entries, [entry(3), entry(4, 2)]);
    await s.saveSnapshot({ meta: { index: 4, term: 9, voters: ['n1'] }, data: 'other' });
    assert.deepEqual((await s.recover()).entries, []);
  });

  it('rejects bad input and use after close with clear errors', async function () {
    const s = openMemoryStorage();
    await s.recover();
    await assert.rejects(s.save(null, [entry(2)]), (e: Error) => e instanceof StorageError && /gap/.test(e.message));
    await assert.rejects(s.save({ term: 1 } as never, []), /vote/);
    await s.close();
    await assert.rejects(s.save(null, []), /after close/);
  });

  it('keeps its own copies: mutating what was saved changes nothing stored', async function () {
    const s = openMemoryStorage();
    const e = entry(1);
    await s.save(null, [e]);
    e.data = 'mutated';
    assert.equal((await s.recover()).entries[0].data, 'cmd-1');
  });
});
