/**
 * A FileSystem decorator that counts calls, for tests that assert group
 * commit (fsyncs per save) and for the benchmark's fsyncs/s figure.
 */
import type { FileHandle, FileSystem, OpenMode } from './file-system';

export interface FileSystemCounts {
  appends: number;
  appendedBytes: number;
  fsyncs: number;
  dirFsyncs: number;
  opens: number;
  renames: number;
  unlinks: number;
  truncates: number;
}

export class CountingFileSystem implements FileSystem {
  readonly counts: FileSystemCounts = {
    appends: 0, appendedBytes: 0, fsyncs: 0, dirFsyncs: 0, opens: 0, renames: 0, unlinks: 0, truncates: 0,
  };

  constructor(private readonly inner: FileSystem) {}

  mkdir(dir: string): Promise<void> {
    return this.inner.mkdir(dir);
  }
  list(dir: string): Promise<string[]> {
    return this.inner.list(dir);
  }
  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    this.counts.opens++;
    const handle = await this.inner.open(path, mode);
    const counts = this.counts;
    return {
      append(data) {
        counts.appends++;
        counts.appendedBytes += data.length;
        return handle.append(data);
      },
      fsync() {
        counts.fsyncs++;
        return handle.fsync();
      },
      close: () => handle.close(),
    };
  }
  readFile(path: string): Promise<Uint8Array> {
    return this.inner.readFile(path);
  }
  rename(from: string, to: string): Promise<void> {
    this.counts.renames++;
    return this.inner.rename(from, to);
  }
  unlink(path: string): Promise<void> {
    this.counts.unlinks++;
    return this.inner.unlink(path);
  }
  truncate(path: string, length: number): Promise<void> {
    this.counts.truncates++;
    return this.inner.truncate(path, length);
  }
  fsyncDir(dir: string): Promise<void> {
    this.counts.dirFsyncs++;
    return this.inner.fsyncDir(dir);
  }
}
