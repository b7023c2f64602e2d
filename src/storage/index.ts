/**
 * Durable Raft storage: a CRC-checked write-ahead log with group commit and
 * atomic snapshots (file-storage.ts), an in-memory twin (memory-storage.ts),
 * and the FileSystem adapters they run on: the real disk and a simulated one.
 */
export { StorageError, type RaftStorage, type StorageLogger } from './types';
export { openFileStorage, type FileStorageOptions } from './file-storage';
export { openMemoryStorage } from './memory-storage';
export type { FileSystem, FileHandle, OpenMode } from './file-system';
export { nodeFileSystem } from './node-file-system';
export { SimDisk, SimFileSystem, SimFsError, type SimDiskOptions, type SimDiskStats } from './sim-file-system';
export { CountingFileSystem, type FileSystemCounts } from './counting-file-system';
