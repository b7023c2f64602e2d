/**
 * The only door between the WAL logic and a disk. Two implementations:
 * node-file-system.ts (the real one) and sim-file-system.ts (a deterministic
 * in-memory disk with a page cache that loses unsynced data on crash).
 *
 * Paths are plain strings joined with '/'. Every call is asynchronous so that
 * the storage never blocks the event loop and the simulator can delay or
 * drop completions.
 */
export interface FileHandle {
  /** Write `data` at the end of the file (the page cache; not durable until fsync). */
  append(data: Uint8Array): Promise<void>;
  /** Make everything written to this file durable (data and size; fdatasync is enough). */
  fsync(): Promise<void>;
  close(): Promise<void>;
}

export type OpenMode =
  /** Create if missing, keep contents, write at the end. */
  | 'append'
  /** Create if missing, discard contents. */
  | 'overwrite';

export interface FileSystem {
  /** Create a directory and its missing parents; no error if it exists. */
  mkdir(dir: string): Promise<void>;
  /** Names (not paths) of the entries of a directory. */
  list(dir: string): Promise<string[]>;
  open(path: string, mode: OpenMode): Promise<FileHandle>;
  readFile(path: string): Promise<Uint8Array>;
  /** Atomic replace within one directory; durable only after fsyncDir. */
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Cut a file to `length` bytes; durable only after an fsync of the file. */
  truncate(path: string, length: number): Promise<void>;
  /** Make creations, renames and removals in `dir` durable. */
  fsyncDir(dir: string): Promise<void>;
}

export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** The directory part of a path ('' for a bare name, '/' for a file at the root). */
export function parentDir(path: string): string {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const slash = trimmed.lastIndexOf('/');
  if (slash < 0) return '.';
  if (slash === 0) return '/';
  return trimmed.slice(0, slash);
}

export function baseName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}
