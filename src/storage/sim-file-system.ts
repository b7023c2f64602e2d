/**
 * A deterministic in-memory disk for tests and the simulator, modelling what
 * makes real storage hard: the page cache.
 *
 * - File data written but not fsync'd may be lost on crash(), entirely, or
 *   torn at an arbitrary byte, or kept with a zero-filled hole (the file size
 *   reached the disk before the data blocks did).
 * - Creating, renaming and removing files changes the directory only in the
 *   cache; fsyncDir() makes it durable. A crash keeps a random prefix of the
 *   un-synced directory operations (a journaling file system applies them in order).
 * - Truncation is undone by a crash unless the file was fsync'd afterwards.
 * - Directories themselves are durable as soon as mkdir() completes (a
 *   simplification: storage creates its directory once, before any data).
 *
 * Every choice comes from the injected `random` (a seeded PRNG), and every
 * completion goes through the injected `schedule`, so a run replays exactly.
 * SimDisk is the disk; mount() gives a process its FileSystem. crash() (power
 * loss) and kill() (the process dies, the page cache survives) end every mount
 * made before them: their pending and later calls never complete, exactly
 * like a killed process's.
 */
import { baseName, parentDir, type FileHandle, type FileSystem, type OpenMode } from './file-system';

export interface SimDiskOptions {
  /** Seeded PRNG returning numbers in [0, 1). Drives crash outcomes. */
  random: () => number;
  /**
   * Called once per IO call with the function that completes it. Default:
   * complete on the next microtask. A simulator delays it on its virtual
   * clock; a test can queue them and complete them one by one.
   */
  schedule?: (complete: () => void) => void;
}

export class SimFsError extends Error {
  constructor(readonly code: 'ENOENT' | 'EBADF' | 'EXDEV' | 'EISDIR', message: string) {
    super(`${code}: ${message}`);
    this.name = 'SimFsError';
  }
}

/** What survives a crash: a prefix of the current bytes, or older bytes a truncate detached from them. */
type Durable = { kind: 'prefix'; length: number } | { kind: 'detached'; bytes: Uint8Array };

class Inode {
  private data = new Uint8Array(256);
  length = 0;
  durable: Durable = { kind: 'prefix', length: 0 };

  bytes(): Uint8Array {
    return this.data.slice(0, this.length);
  }

  append(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.data.length) {
      const grown = new Uint8Array(Math.max(this.data.length * 2, this.length + bytes.length));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    this.data.set(bytes, this.length);
    this.length += bytes.length;
  }

  truncate(length: number): void {
    if (this.durable.kind === 'prefix' && length < this.durable.length) {
      // Later appends will overwrite bytes the disk still holds: keep a copy.
      this.durable = { kind: 'detached', bytes: this.data.slice(0, this.durable.length) };
    }
    if (length > this.length) this.append(new Uint8Array(length - this.length));
    else this.length = length;
  }

  fsync(): void {
    this.durable = { kind: 'prefix', length: this.length };
  }

  /** Replace the contents by what the disk holds after a power cut. */
  crash(random: () => number): void {
    if (this.durable.kind === 'detached') {
      if (random() < 0.5) {
        const old = this.durable.bytes;
        this.length = 0;
        this.append(old);
      }
    } else {
      const synced = this.durable.length;
      const unsynced = this.length - synced;
      if (unsynced > 0) {
        const r = random();
        const kept = r < 1 / 3 ? 0 : r < 2 / 3 ? unsynced : Math.floor(random() * (unsynced + 1));
        this.length = synced + kept;
        if (kept > 0 && random() < 0.25) {
          const from = synced + Math.floor(random() * kept);
          const to = from + 1 + Math.floor(random() * (synced + kept - from));
          this.data.fill(0, from, to);
        }
      }
    }
    this.durable = { kind: 'prefix', length: this.length };
  }
}

type DirectoryOp =
  | { kind: 'link'; name: string; inode: Inode }
  | { kind: 'unlink'; name: string }
  | { kind: 'rename'; from: string; to: string; inode: Inode };

class Directory {
  entries = new Map<string, Inode>();
  durable = new Map<string, Inode>();
  pending: DirectoryOp[] = [];
}

export interface SimDiskStats {
  fsyncs: number;
  dirFsyncs: number;
  crashes: number;
}

export class SimDisk {
  private readonly dirs = new Map<string, Directory>();
  private epoch = 0;
  private readonly random: () => number;
  private readonly schedule: (complete: () => void) => void;
  readonly stats: SimDiskStats = { fsyncs: 0, dirFsyncs: 0, crashes: 0 };

  constructor(options: SimDiskOptions) {
    this.random = options.random;
    this.schedule = options.schedule ?? ((complete) => void Promise.resolve().then(complete));
  }

  /** A FileSystem for one life of a process; dead after the next crash(). */
  mount(): FileSystem {
    return new SimFileSystem(this, this.epoch);
  }

  /**
   * The process dies (SIGKILL) but the machine does not: every existing mount
   * dies with its pending calls, and the page cache, synced or not, stays.
   */
  kill(): void {
    this.epoch++;
  }

  /** Power cut: un-synced state is lost or torn, every existing mount dies. */
  crash(): void {
    this.epoch++;
    this.stats.crashes++;
    const survivors = new Set<Inode>();
    for (const path of [...this.dirs.keys()].sort()) {
      const dir = this.dirs.get(path)!;
      const applied = Math.floor(this.random() * (dir.pending.length + 1));
      for (const op of dir.pending.slice(0, applied)) applyDirectoryOp(dir.durable, op);
      dir.pending = [];
      dir.entries = new Map(dir.durable);
      for (const name of [...dir.entries.keys()].sort()) survivors.add(dir.entries.get(name)!);
    }
    for (const inode of survivors) inode.crash(this.random);
  }

  /** Current (cached) contents of a file, or null; for tests. */
  peek(path: string): Uint8Array | null {
    return this.dirs.get(parentDir(path))?.entries.get(baseName(path))?.bytes() ?? null;
  }

  /** Flip bits of one byte, durably, as failing media would; for tests. */
  corruptByte(path: string, offset: number): void {
    const inode = this.lookup(path);
    const bytes = inode.bytes();
    if (offset < 0 || offset >= bytes.length) throw new RangeError(`offset ${offset} outside ${path} (${bytes.length} bytes)`);
    bytes[offset] ^= 0x5a;
    inode.truncate(0);
    inode.append(bytes);
    inode.fsync();
  }

  /** Runs `effect` when the scheduler says so, unless the issuing mount died meanwhile. */
  run<T>(epoch: number, effect: () => T): Promise<T> {
    if (epoch !== this.epoch) return new Promise<T>(() => undefined);
    return new Promise<T>((resolve, reject) => {
      this.schedule(() => {
        if (epoch !== this.epoch) return;
        let result: T;
        try {
          result = effect();
        } catch (e) {
          reject(e);
          return;
        }
        resolve(result);
      });
    });
  }

  directory(path: string): Directory {
    const dir = this.dirs.get(normalizeDir(path));
    if (!dir) throw new SimFsError('ENOENT', `no such directory ${path}`);
    return dir;
  }

  makeDirectory(path: string): void {
    for (let p = normalizeDir(path); !this.dirs.has(p); p = parentDir(p)) {
      this.dirs.set(p, new Directory());
      if (p === '/' || p === '.') break;
    }
  }

  childDirectories(path: string): string[] {
    const parent = normalizeDir(path);
    return [...this.dirs.keys()].filter((p) => p !== parent && parentDir(p) === parent).map(baseName);
  }

  lookup(path: string): Inode {
    const inode = this.directory(parentDir(path)).entries.get(baseName(path));
    if (!inode) throw new SimFsError('ENOENT', `no such file ${path}`);
    return inode;
  }

  countFsync(): void {
    this.stats.fsyncs++;
  }

  countDirFsync(): void {
    this.stats.dirFsyncs++;
  }
}

function normalizeDir(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function applyDirectoryOp(entries: Map<string, Inode>, op: DirectoryOp): void {
  if (op.kind === 'link') entries.set(op.name, op.inode);
  else if (op.kind === 'unlink') entries.delete(op.name);
  else {
    entries.delete(op.from);
    entries.set(op.to, op.inode);
  }
}

/** One process's view of a SimDisk. */
export class SimFileSystem implements FileSystem {
  constructor(private readonly disk: SimDisk, private readonly epoch: number) {}

  mkdir(dir: string): Promise<void> {
    return this.disk.run(this.epoch, () => this.disk.makeDirectory(dir));
  }

  list(dir: string): Promise<string[]> {
    return this.disk.run(this.epoch, () => [...this.disk.directory(dir).entries.keys(), ...this.disk.childDirectories(dir)]);
  }

  open(path: string, mode: OpenMode): Promise<FileHandle> {
    return this.disk.run(this.epoch, () => {
      const dir = this.disk.directory(parentDir(path));
      const name = baseName(path);
      let inode = dir.entries.get(name);
      if (!inode) {
        inode = new Inode();
        dir.entries.set(name, inode);
        dir.pending.push({ kind: 'link', name, inode });
      } else if (mode === 'overwrite') {
        inode.truncate(0);
      }
      return new SimFileHandle(this.disk, this.epoch, inode, path);
    });
  }

  readFile(path: string): Promise<Uint8Array> {
    return this.disk.run(this.epoch, () => this.disk.lookup(path).bytes());
  }

  rename(from: string, to: string): Promise<void> {
    return this.disk.run(this.epoch, () => {
      if (parentDir(from) !== parentDir(to)) throw new SimFsError('EXDEV', `rename across directories: ${from} -> ${to}`);
      const inode = this.disk.lookup(from);
      const dir = this.disk.directory(parentDir(from));
      const op: DirectoryOp = { kind: 'rename', from: baseName(from), to: baseName(to), inode };
      applyDirectoryOp(dir.entries, op);
      dir.pending.push(op);
    });
  }

  unlink(path: string): Promise<void> {
    return this.disk.run(this.epoch, () => {
      this.disk.lookup(path);
      const dir = this.disk.directory(parentDir(path));
      const op: DirectoryOp = { kind: 'unlink', name: baseName(path) };
      applyDirectoryOp(dir.entries, op);
      dir.pending.push(op);
    });
  }

  truncate(path: string, length: number): Promise<void> {
    return this.disk.run(this.epoch, () => this.disk.lookup(path).truncate(length));
  }

  fsyncDir(path: string): Promise<void> {
    return this.disk.run(this.epoch, () => {
      const dir = this.disk.directory(path);
      this.disk.countDirFsync();
      dir.durable = new Map(dir.entries);
      dir.pending = [];
    });
  }
}

class SimFileHandle implements FileHandle {
  private closed = false;

  constructor(private readonly disk: SimDisk, private readonly epoch: number, private readonly inode: Inode, private readonly path: string) {}

  append(data: Uint8Array): Promise<void> {
    const copy = data.slice();
    return this.disk.run(this.epoch, () => {
      this.checkOpen();
      this.inode.append(copy);
    });
  }

  fsync(): Promise<void> {
    return this.disk.run(this.epoch, () => {
      this.checkOpen();
      this.disk.countFsync();
      this.inode.fsync();
    });
  }

  close(): Promise<void> {
    return this.disk.run(this.epoch, () => {
      this.checkOpen();
      this.closed = true;
    });
  }

  private checkOpen(): void {
    if (this.closed) throw new SimFsError('EBADF', `${this.path} is closed`);
  }
}
