/**
 * The real disk, through fs.promises (libuv's thread pool: never blocks the
 * event loop). fsync is fdatasync: it persists the data and the file size,
 * which is all an append-only file needs. Directory fsync opens the directory
 * read-only and syncs it, which Linux requires for a create/rename/unlink to
 * survive power loss.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { type FileHandle, type FileSystem, type OpenMode } from './file-system';

class NodeFileHandle implements FileHandle {
  constructor(private readonly handle: fsp.FileHandle) {}

  async append(data: Uint8Array): Promise<void> {
    let written = 0;
    // Regular files take a write whole, but the contract of write(2) allows less.
    while (written < data.length) {
      const { bytesWritten } = await this.handle.write(data, written, data.length - written, null);
      written += bytesWritten;
    }
  }

  fsync(): Promise<void> {
    return this.handle.datasync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export const nodeFileSystem: FileSystem = {
  async mkdir(dir) {
    const created = await fsp.mkdir(dir, { recursive: true });
    if (created === undefined) return;
    // A fresh directory is only durable once its parent is synced: sync the
    // parent of every level that was just made, from `dir` up.
    const top = path.resolve(created);
    for (let level = path.resolve(dir); ; level = path.dirname(level)) {
      await syncDirectory(path.dirname(level));
      if (level === top || level === path.dirname(level)) break;
    }
  },
  list: (dir) => fsp.readdir(dir),
  async open(path: string, mode: OpenMode) {
    return new NodeFileHandle(await fsp.open(path, mode === 'append' ? 'a' : 'w'));
  },
  async readFile(path) {
    const buf = await fsp.readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  },
  rename: (from, to) => fsp.rename(from, to),
  unlink: (path) => fsp.unlink(path),
  truncate: (path, length) => fsp.truncate(path, length),
  fsyncDir: syncDirectory,
};
