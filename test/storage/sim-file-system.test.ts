import { strict as assert } from 'assert';
import { SimDisk, SimFsError } from '../../src/storage';
import { Prng } from './support/prng';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | null): string | null => (b ? new TextDecoder().decode(b) : null);

/** A random source that always returns `value`, to pin crash outcomes. */
const always = (value: number) => (): number => value;

describe('SimDisk (simulated page cache)', function () {
  it('fsync\'d data survives a crash; unsynced data is lost when the dice say so', async function () {
    const disk = new SimDisk({ random: always(0) });
    const fs = disk.mount();
    await fs.mkdir('/d');
    const h = await fs.open('/d/f', 'append');
    await fs.fsyncDir('/d');
    await h.append(bytes('durable;'));
    await h.fsync();
    await h.append(bytes('volatile'));
    assert.equal(text(disk.peek('/d/f')), 'durable;volatile');
    disk.crash();
    assert.equal(text(disk.peek('/d/f')), 'durable;');
  });

  it('a crash can tear unsynced data at an arbitrary byte', async function () {
    const seen = new Set<number>();
    for (let seed = 0; seed < 60; seed++) {
      const disk = new SimDisk({ random: new Prng(seed).next });
      const fs = disk.mount();
      await fs.mkdir('/d');
      const h = await fs.open('/d/f', 'append');
      await fs.fsyncDir('/d');
      await h.append(bytes('0123456789'));
      disk.crash();
      const after = disk.peek('/d/f')!;
      seen.add(after.length);
    }
    assert.ok(seen.has(0) && seen.has(10), 'all-or-nothing outcomes occur');
    assert.ok([...seen].some((n) => n > 0 && n < 10), 'torn outcomes occur');
  });

  it('a created file whose directory was not fsync\'d can vanish; after fsyncDir it cannot', async function () {
    const disk = new SimDisk({ random: always(0) });
    const fs = disk.mount();
    await fs.mkdir('/d');
    const a = await fs.open('/d/a', 'append');
    await a.append(bytes('x'));
    await a.fsync();
    disk.crash();
    assert.equal(disk.peek('/d/a'), null);
    const fs2 = disk.mount();
    const b = await fs2.open('/d/b', 'append');
    await b.append(bytes('y'));
    await b.fsync();
    await fs2.fsyncDir('/d');
    disk.crash();
    assert.equal(text(disk.peek('/d/b')), 'y');
  });

  it('a rename not yet made durable can be undone by a crash', async function () {
    const disk = new SimDisk({ random: always(0) });
    const fs = disk.mount();
    await fs.mkdir('/d');
    const h = await fs.open('/d/f.tmp', 'overwrite');
    await h.append(bytes('new'));
    await h.fsync();
    await fs.fsyncDir('/d');
    await fs.rename('/d/f.tmp', '/d/f');
    disk.crash();
    assert.deepEqual((await disk.mount().list('/d')).sort(), ['f.tmp']);
  });

  it('a crashed mount is dead: its pending and later calls never complete', async function () {
    const pending: Array<() => void> = [];
    const disk = new SimDisk({ random: always(0), schedule: (c) => pending.push(c) });
    const fs = disk.mount();
    let settled = false;
    fs.mkdir('/d').then(() => { settled = true; }, () => { settled = true; });
    disk.crash();
    for (const c of pending.splice(0)) c();
    fs.list('/').then(() => { settled = true; }, () => { settled = true; });
    for (const c of pending.splice(0)) c();
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(settled, false);
  });

  it('kill() ends the process but keeps the page cache, unsynced data included', async function () {
    const disk = new SimDisk({ random: always(0) });
    const fs = disk.mount();
    await fs.mkdir('/d');
    const h = await fs.open('/d/f', 'append');
    await h.append(bytes('unsynced'));
    disk.kill();
    let settled = false;
    h.append(bytes('late')).then(() => { settled = true; }, () => { settled = true; });
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(settled, false);
    assert.equal(text(await disk.mount().readFile('/d/f')), 'unsynced');
  });

  it('reports missing files as ENOENT errors', async function () {
    const fs = new SimDisk({ random: always(0) }).mount();
    await assert.rejects(fs.readFile('/nope/x'), (e: Error) => e instanceof SimFsError && e.code === 'ENOENT');
    await fs.mkdir('/d');
    await assert.rejects(fs.unlink('/d/x'), /ENOENT/);
  });

  it('is deterministic: the same seed gives the same crash outcome', async function () {
    const run = async (seed: number): Promise<string> => {
      const disk = new SimDisk({ random: new Prng(seed).next });
      const fs = disk.mount();
      await fs.mkdir('/d');
      const h = await fs.open('/d/f', 'append');
      await fs.fsyncDir('/d');
      for (let i = 0; i < 5; i++) await h.append(bytes(`chunk-${i};`));
      disk.crash();
      return Array.from(disk.peek('/d/f')!).join(',');
    };
    for (let seed = 1; seed < 20; seed++) assert.equal(await run(seed), await run(seed));
  });
});
