/**
 * Durable Raft storage: a CRC-checked write-ahead log with group commit and
 * atomic snapshots (file-storage.ts), an in-memory twin (memory-storage.ts),
 * and the FileSystem adapters they run on: the real disk and a simulated one.
 */
import { createFileStorage, type FileStorageOptions } from './file-storage';
import type { FileSystem } from './file-system';
import { nodeFileSystem } from './node-file-system';
import type { RaftStorage } from './types';

export { StorageError, type RaftStorage, type StorageLogger } from './types';
export { createFileStorage, type FileStorageOptions } from './file-storage';
export { openMemoryStorage } from './memory-storage';
export type { FileSystem, FileHandle, OpenMode } from './file-system';
export { nodeFileSystem } from './node-file-system';
export { SimDisk, SimFileSystem, SimFsError, type SimDiskOptions, type SimDiskStats } from './sim-file-system';
export { CountingFileSystem, type FileSystemCounts } from './counting-file-system';

/**
 * Durable storage in `dir` (created if needed), on the real disk unless `fs`
 * says otherwise; repairs and compactions are logged to stderr unless
 * `options.logger` says otherwise. Call recover() before anything else.
 */
export function openFileStorage(dir: string, fs: FileSystem = nodeFileSystem, options: FileStorageOptions = {}): RaftStorage {
  return createFileStorage(fs, dir, { logger: (line) => process.stderr.write(`${line}\n`), ...options });
}
