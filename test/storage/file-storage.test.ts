import { strict as assert } from 'assert';
import { CountingFileSystem, openFileStorage, SimDisk, StorageError, type FileSystem, type RaftStorage } from '../../src/storage';
import type { Snapshot } from '../../src/raft/types';
import { DIR, SimNode, entries, entry, hs } from './support/helpers';

function snap(index: number, term: number, data = `state@${index}`): Snapshot {
  return { meta: { index, term, voters: ['n1', 'n2', 'n3'] }, data };
}

async function reopen(node: SimNode, options = {}): Promise<{ storage: RaftStorage; recovered: Awaited<ReturnType<RaftStorage['recover']>> }> {
  const storage = node.open(options);
  const recovered = await storage.recover();
  return { storage, recovered };
}

describe('file storage (on the simulated disk)', function () {
  it('an empty directory recovers to the empty state and is usable', async function () {
    const node = new SimNode();
    const { storage, recovered } = await reopen(node);
    assert.deepEqual(recovered, { hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] });
    await storage.save(hs(1, 0, 'n2'), entries(1, 3));
    await storage.close();
    assert.deepEqual(node.logLines, []);
    assert.deepEqual(await node.files(), ['wal-0000000000000001.log']);
  });

  it('round-trips hard state and entries across a restart, including non-ASCII data', async function () {
    const node = new SimNode();
    const { storage } = await reopen(node);
    await storage.save(hs(2, 1, 'n1'), [entry(1, 1, 'é→💾'), { index: 2, term: 2, kind: 'noop', data: '' }]);
    await storage.save(hs(2, 2, 'n1'), []);
    await storage.close();
    const { recovered } = await reopen(node);
    assert.deepEqual(recovered, {
      hardState: hs(2, 2, 'n1'),
      snapshot: null,
      entries: [entry(1, 1, 'é→💾'), { index: 2, term: 2, kind: 'noop', data: '' }],
    });
  });

  it('an entry at index i replaces every stored entry >= i', async function () {
    const node = new SimNode();
    const { storage } = await reopen(node);
    await storage.save(hs(1), entries(1, 5, 1));
    await storage.save(hs(2), entries(3, 4, 2));
    await storage.close();
    const { storage: s2, recovered } = await reopen(node);
    assert.deepEqual(recovered.entries, [entry(1, 1), entry(2, 1), entry(3, 2), entry(4, 2)]);
    await s2.save(null, [entry(1, 3)]);
    await s2.close();
    assert.deepEqual((await reopen(node)).recovered.entries, [entry(1, 3)]);
  });

  it('rejects bad input with a clear error and stays usable', async function () {
    const node = new SimNode();
    const { storage } = await reopen(node);
    await storage.save(null, entries(1, 2));
    const bad: Array<[() => Promise<void>, RegExp]> = [
      [() => storage.save(null, [entry(4)]), /gap/],
      [() => storage.save(null, [entry(3), entry(5)]), /consecutive/],
      [() => storage.save({ term: -1, vote: null, commit: 0 }, []), /term/],
      [() => storage.save(null, [{ index: 3, term: 1, kind: 'weird', data: '' } as never]), /kind/],
      [() => storage.save(null, [{ index: 3, term: 1, kind: 'normal', data: 7 } as never]), /data/],
      [() => storage.save(null, 'nope' as never), /array/],
      [() => storage.saveSnapshot({ meta: { index: 1, term: 1 }, data: '' } as never), /voters/],
    ];
    for (const [call, message] of bad) await assert.rejects(call(), (e: Error) => e instanceof StorageError && message.test(e.message));
    await storage.save(null, [entry(3)]);
    await storage.close();
    assert.deepEqual((await reopen(node)).recovered.entries, entries(1, 3));
  });

  it('refuses calls out of order: before recover, twice recover, after close', async function () {
    const node = new SimNode();
    const storage = node.open();
    await assert.rejects(storage.save(null, [entry(1)]), /before recover/);
    await storage.recover();
    await assert.rejects(storage.recover(), /once/);
    await storage.close();
    await assert.rejects(storage.save(null, [entry(1)]), /after close/);
    await assert.rejects(storage.saveSnapshot(snap(1, 1)), /after close/);
  });

  it('close() during recovery waits for it, releases the files, and fails the recovery clearly', async function () {
    const node = new SimNode();
    const storage = node.open();
    const recovering = storage.recover();
    await storage.close();
    await assert.rejects(recovering, /closed during recovery/);
    await assert.rejects(storage.save(null, []), /after close/);
    // The directory is intact and opens normally.
    assert.deepEqual((await reopen(node)).recovered.entries, []);
  });

  it('group commit: 100 saves issued together cost one fsync, and resolve in call order', async function () {
    const node = new SimNode();
    const { storage } = await reopen(node);
    const before = { ...node.fs.counts };
    const order: number[] = [];
    await Promise.all(Array.from({ length: 100 }, (_, i) => storage.save(hs(1, i), [entry(i + 1)]).then(() => order.push(i))));
    assert.equal(node.fs.counts.fsyncs - before.fsyncs, 1);
    assert.equal(node.fs.counts.appends - before.appends, 1);
    assert.deepEqual(order, Array.from({ length: 100 }, (_, i) => i));
    await storage.close();
    assert.equal((await reopen(node)).recovered.entries.length, 100);
  });

  it('group commit: saves made while a write is in flight share the next fsync', async function () {
    const node = new SimNode();
    const { storage } = await reopen(node);
    const before = { ...node.fs.counts };
    const first = storage.save(null, [entry(1)]);
    // Let the writer start on the first record, then pile up 50 more behind it.
    await Promise.resolve();
    await Promise.resolve();
    assert.equal(node.fs.counts.appends - before.appends, 1, 'the first write should be in flight');
    assert.equal(node.fs.counts.fsyncs - before.fsyncs, 0, 'the first write should not be finished');
    const rest = Array.from({ length: 50 }, (_, i) => storage.save(null, [entry(i + 2)]));
    await Promise.all([first, ...rest]);
    assert.equal(node.fs.counts.fsyncs - before.fsyncs, 2);
    assert.equal(node.fs.counts.appends - before.appends, 2);
  });

  it('a save with nothing new still waits for everything queued before it', async function () {
    const node = new SimNode();
    const { storage } = await reopen(node);
    const events: string[] = [];
    const a = storage.save(hs(1), entries(1, 3)).then(() => events.push('a'));
    const b = storage.save(hs(1), []).then(() => events.push('b'));
    await Promise.all([a, b]);
    assert.deepEqual(events, ['a', 'b']);
  });

  it('snapshot + compaction: the WAL restarts after the snapshot and old files go', async function () {
    const node = new SimNode();
    const { storage } = await reopen(node, { segmentBytes: 300 });
    for (let i = 1; i <= 40; i++) await storage.save(hs(1, i - 1), [entry(i)]);
    assert.ok((await node.files()).length > 3, 'small segments should have rotated');
    await storage.saveSnapshot(snap(30, 1));
    await storage.save(hs(1, 40), [entry(41)]);
    await storage.close();
    const files = await node.files();
    const segments = files.filter((f) => f.startsWith('wal-'));
    assert.deepEqual(files.filter((f) => f.endsWith('.snap')), ['snap-30-1.snap']);
    // The checkpoint segment, plus one more if entry 41 pushed it past segmentBytes.
    assert.ok(segments.length <= 2, `old segments should be gone: ${segments.join(' ')}`);
    const { recovered } = await reopen(node);
    assert.deepEqual(recovered.snapshot, snap(30, 1));
    assert.deepEqual(recovered.entries, entries(31, 41));
    assert.deepEqual(recovered.hardState, hs(1, 40));
  });

  it('repeated snapshots keep the directory bounded (two snapshots, one segment)', async function () {
    const node = new SimNode();
    const { storage } = await reopen(node, { segmentBytes: 1000 });
    for (let round = 1; round <= 30; round++) {
      await storage.save(hs(1, round * 10), entries(round * 10 - 9, round * 10));
      await storage.saveSnapshot(snap(round * 10 - 2, 1));
    }
    await storage.close();
    const files = await node.files();
    assert.deepEqual(files.filter((f) => f.endsWith('.snap')), ['snap-288-1.snap', 'snap-298-1.snap']);
    assert.equal(files.filter((f) => f.startsWith('wal-')).length, 1);
    const bytes = node.disk.peek(`${DIR}/${files.find((f) => f.startsWith('wal-'))}`)!;
    assert.ok(bytes.length < 500, `the WAL should hold only what follows the snapshot, has ${bytes.length} bytes`);
    const { recovered } = await reopen(node);
    assert.deepEqual(recovered.entries, entries(299, 300));
  });

  it('a snapshot whose (index, term) the log does not hold discards the whole log (Raft §7)', async function () {
    const node = new SimNode();
    const { storage } = await reopen(node);
    await storage.save(hs(2), entries(1, 10, 1));
    await storage.saveSnapshot(snap(5, 2));
    await storage.save(null, entries(6, 7, 2));
    await storage.close();
    const { recovered } = await reopen(node);
    assert.deepEqual(recovered.snapshot, snap(5, 2));
    assert.deepEqual(recovered.entries, entries(6, 7, 2));
  });

  it('a snapshot beyond the end of the log empties it; a stale snapshot is ignored', async function () {
    const node = new SimNode();
    const { storage } = await reopen(node);
    await storage.save(hs(1), entries(1, 3));
    await storage.saveSnapshot(snap(8, 2));
    await storage.saveSnapshot(snap(4, 1));
    await storage.save(null, [entry(9, 2)]);
    await storage.close();
    const { recovered } = await reopen(node);
    assert.deepEqual(recovered.snapshot, snap(8, 2));
    assert.deepEqual(recovered.entries, [entry(9, 2)]);
    assert.deepEqual((await node.files()).filter((f) => f.endsWith('.snap')), ['snap-8-2.snap']);
  });

  it('entries at or below the snapshot point are skipped, not rejected', async function () {
    const node = new SimNode();
    const { storage } = await reopen(node);
    await storage.saveSnapshot(snap(5, 1));
    await storage.save(null, entries(3, 7));
    await storage.close();
    assert.deepEqual((await reopen(node)).recovered.entries, entries(6, 7));
  });
});

describe('file storage recovery from damage', function () {
  /** Twenty saves, one record each; returns the WAL path and the byte offset where each record starts. */
  async function twentyRecords(node: SimNode, segmentBytes?: number): Promise<void> {
    const { storage } = await reopen(node, segmentBytes ? { segmentBytes } : {});
    for (let i = 1; i <= 20; i++) await storage.save(hs(1, i - 1), [entry(i, 1, `payload-${i}-${'x'.repeat(20)}`)]);
    await storage.close();
  }

  function walFile(files: string[]): string {
    return `${DIR}/${files.filter((f) => f.startsWith('wal-')).pop()}`;
  }

  it('a corrupted byte mid-WAL: recovery stops before it and never returns anything after it', async function () {
    const node = new SimNode();
    await twentyRecords(node);
    const path = walFile(await node.files());
    const bytes = node.disk.peek(path)!;
    const text = new TextDecoder().decode(bytes);
    const offset = text.indexOf('payload-11-');
    node.disk.corruptByte(path, offset + 3);
    const { storage, recovered } = await reopen(node);
    // Record 11 and everything after it are gone, though records 12..20 are intact on disk.
    assert.deepEqual(recovered.entries.map((e) => e.index), Array.from({ length: 10 }, (_, i) => i + 1));
    assert.deepEqual(recovered.hardState, hs(1, 9));
    assert.equal(node.logLines.length, 1);
    assert.match(node.logLines[0], /checksum mismatch .*CORRUPTION.*truncating/);
    assert.ok(node.disk.peek(path)!.length < offset, 'the file was cut at the bad record');
    // Writing continues from the cut, and a second recovery agrees.
    await storage.save(null, [entry(11, 2)]);
    await storage.close();
    const again = await reopen(node);
    assert.deepEqual(again.recovered.entries.map((e) => `${e.index}/${e.term}`), [...Array.from({ length: 10 }, (_, i) => `${i + 1}/1`), '11/2']);
  });

  it('corruption in an earlier segment discards every later segment', async function () {
    const node = new SimNode();
    await twentyRecords(node, 150);
    const segments = (await node.files()).filter((f) => f.startsWith('wal-'));
    assert.ok(segments.length >= 4, `expected several segments, got ${segments.length}`);
    const victim = `${DIR}/${segments[1]}`;
    node.disk.corruptByte(victim, 12);
    const { recovered } = await reopen(node);
    const survivors = (await node.files()).filter((f) => f.startsWith('wal-'));
    assert.deepEqual(survivors, segments.slice(0, 2));
    const lastIndex = recovered.entries.length;
    assert.ok(lastIndex < 10, `only records before the bad one may survive, got ${lastIndex}`);
    assert.deepEqual(recovered.entries.map((e) => e.index), Array.from({ length: lastIndex }, (_, i) => i + 1));
    assert.match(node.logLines[0], /discarding \d+ later segment/);
  });

  for (const cut of [1, 4, 8, 9, 30]) {
    it(`a torn tail (last record missing its final ${cut} bytes) is cut off quietly`, async function () {
      const node = new SimNode();
      await twentyRecords(node);
      const path = walFile(await node.files());
      const fs = node.disk.mount();
      const size = node.disk.peek(path)!.length;
      await fs.truncate(path, size - cut);
      const { recovered } = await reopen(node);
      assert.deepEqual(recovered.entries.map((e) => e.index), Array.from({ length: 19 }, (_, i) => i + 1));
      assert.equal(node.logLines.length, 1);
      assert.match(node.logLines[0], /torn tail, expected after a crash/);
    });
  }

  it('a zero-filled tail (size on disk before data) is treated as torn', async function () {
    const node = new SimNode();
    await twentyRecords(node);
    const path = walFile(await node.files());
    const handle = await node.disk.mount().open(path, 'append');
    await handle.append(new Uint8Array(64));
    const { recovered } = await reopen(node);
    assert.equal(recovered.entries.length, 20);
    assert.match(node.logLines[0], /record length 0/);
  });

  it('garbage files: unknown names ignored, temp files removed, a garbage segment cut, a garbage snapshot skipped', async function () {
    const node = new SimNode();
    const { storage } = await reopen(node);
    await storage.save(hs(1, 2), entries(1, 6));
    await storage.saveSnapshot(snap(3, 1));
    await storage.save(null, [entry(7)]);
    await storage.close();
    const fs = node.disk.mount();
    const write = async (name: string, text: string): Promise<void> => {
      const h = await fs.open(`${DIR}/${name}`, 'overwrite');
      await h.append(new TextEncoder().encode(text));
      await h.fsync();
      await h.close();
    };
    await write('notes.txt', 'hello');
    await write('wal-abc.log', 'junk');
    await write('snap-9-9.snap.tmp', 'half a snapshot');
    await write('snap-9-9.snap', 'not a snapshot at all');
    await write('wal-0000000000009999.log', 'this is not a WAL segment');
    const { storage: s2, recovered } = await reopen(node);
    assert.deepEqual(recovered.snapshot, snap(3, 1));
    assert.deepEqual(recovered.entries, entries(4, 7));
    const log = node.logLines.join('\n');
    assert.match(log, /ignoring unrecognised file .*notes\.txt/);
    assert.match(log, /ignoring unrecognised file .*wal-abc\.log/);
    assert.match(log, /removing unfinished temp file .*snap-9-9\.snap\.tmp/);
    assert.match(log, /ignoring unreadable snapshot .*snap-9-9\.snap/);
    assert.match(log, /wal-0000000000009999\.log at byte 0/);
    await s2.save(null, [entry(8)]);
    await s2.close();
    assert.deepEqual((await reopen(node)).recovered.entries, entries(4, 8));
  });

  it('a missing snapshot behind a compacted WAL is refused, not papered over', async function () {
    const node = new SimNode();
    const { storage } = await reopen(node);
    await storage.save(hs(1), entries(1, 6));
    await storage.saveSnapshot(snap(4, 1));
    await storage.close();
    await node.disk.mount().unlink(`${DIR}/snap-4-1.snap`);
    await assert.rejects(node.open().recover(), (e: Error) => e instanceof StorageError && /hole in the log/.test(e.message));
  });
});

describe('file storage recovery after a killed predecessor', function () {
  it('what recover() returns stays durable even if the predecessor died before its fsync', async function () {
    const pending: Array<() => void> = [];
    const disk = new SimDisk({ random: () => 0, schedule: (c) => pending.push(c) });
    const settle = async (): Promise<void> => {
      while (pending.length > 0) {
        pending.shift()!();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    };
    const a = openFileStorage(DIR, disk.mount(), { logger: () => undefined });
    const ra = a.recover();
    await settle();
    await ra;
    void a.save(hs(1, 0, 'n1'), entries(1, 3));
    // Run IO until the record is appended but not yet fsync'd, then kill the process.
    await new Promise<void>((resolve) => setImmediate(resolve));
    pending.shift()!();
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(pending.length, 1, 'the fsync should be pending');
    disk.kill();
    pending.length = 0;

    const b = openFileStorage(DIR, disk.mount(), { logger: () => undefined });
    const rb = b.recover();
    await settle();
    const seen = await rb;
    assert.deepEqual(seen.entries, entries(1, 3), 'the page cache still holds the record');
    disk.crash();
    pending.length = 0;

    const c = openFileStorage(DIR, disk.mount(), { logger: () => undefined });
    const rc = c.recover();
    await settle();
    assert.deepEqual(await rc, seen);
  });
});

describe('file storage failure handling', function () {
  it('a failed fsync rejects that save and every later call', async function () {
    const node = new SimNode();
    let failFsync = false;
    const inner = node.disk.mount();
    const flaky: FileSystem = {
      ...inner,
      mkdir: (d) => inner.mkdir(d),
      list: (d) => inner.list(d),
      readFile: (p) => inner.readFile(p),
      rename: (a, b) => inner.rename(a, b),
      unlink: (p) => inner.unlink(p),
      truncate: (p, n) => inner.truncate(p, n),
      fsyncDir: (d) => inner.fsyncDir(d),
      async open(path, mode) {
        const h = await inner.open(path, mode);
        return {
          append: (data) => h.append(data),
          fsync: () => (failFsync ? Promise.reject(new Error('EIO: simulated')) : h.fsync()),
          close: () => h.close(),
        };
      },
    };
    const logLines: string[] = [];
    const storage = openFileStorage(DIR, new CountingFileSystem(flaky), { logger: (l) => logLines.push(l) });
    await storage.recover();
    await storage.save(null, [entry(1)]);
    failFsync = true;
    const a = storage.save(null, [entry(2)]);
    const b = storage.save(null, [entry(3)]);
    await assert.rejects(a, /EIO: simulated/);
    await assert.rejects(b, /EIO: simulated/);
    failFsync = false;
    await assert.rejects(storage.save(null, [entry(2)]), /failed storage/);
    assert.match(logLines.join('\n'), /refusing all further writes/);
  });
});
