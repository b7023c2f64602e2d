import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CountingFileSystem, nodeFileSystem, openFileStorage } from '../../src/storage';
import { entries, hs } from './support/helpers';

describe('file storage on the real disk', function () {
  let root = '';
  beforeEach(function () {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-storage-'));
  });
  afterEach(function () {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('creates nested directories, round-trips, compacts, and survives a torn tail', async function () {
    const dir = path.join(root, 'data', 'n1');
    const counting = new CountingFileSystem(nodeFileSystem);
    const lines: string[] = [];
    const storage = openFileStorage(dir, counting, { logger: (l) => lines.push(l) });
    await storage.recover();
    await Promise.all([storage.save(hs(1, 0, 'n1'), entries(1, 10)), storage.save(hs(1, 5, 'n1'), entries(11, 20))]);
    assert.equal(counting.counts.fsyncs, 2, 'one fsync for the initial checkpoint, one for both saves');
    await storage.saveSnapshot({ meta: { index: 12, term: 1, voters: ['n1'] }, data: 'S' });
    await storage.save(null, entries(21, 22));
    await storage.close();
    assert.deepEqual(fs.readdirSync(dir).sort(), ['snap-12-1.snap', 'wal-0000000000000002.log']);

    const wal = path.join(dir, 'wal-0000000000000002.log');
    fs.truncateSync(wal, fs.statSync(wal).size - 3);
    const again = openFileStorage(dir, undefined, { logger: (l) => lines.push(l) });
    const r = await again.recover();
    await again.close();
    assert.deepEqual(r.snapshot, { meta: { index: 12, term: 1, voters: ['n1'] }, data: 'S' });
    assert.deepEqual(r.entries, entries(13, 20));
    assert.deepEqual(r.hardState, hs(1, 5, 'n1'));
    assert.match(lines.join('\n'), /torn tail/);
  });

  it('reports an unusable directory as a rejected recover(), not a crash', async function () {
    const file = path.join(root, 'not-a-dir');
    fs.writeFileSync(file, 'x');
    const storage = openFileStorage(path.join(file, 'n1'), undefined, { logger: () => undefined });
    await assert.rejects(storage.recover(), /ENOTDIR|EEXIST/);
    await assert.rejects(storage.save(null, []), /failed storage/);
  });
});
