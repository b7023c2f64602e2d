/**
 * Durable Raft storage in a directory: a write-ahead log of CRC-framed records
 * in append-only segments, plus atomically written snapshot files.
 *
 * Write path (group commit): save() validates, updates an in-memory mirror of
 * the log, encodes ONE record and queues it. A single writer drains the queue:
 * every record queued while the previous write + fsync was in flight goes out
 * as one append and one fsync, and their promises resolve in call order.
 * saveSnapshot() is a barrier in the same queue, so "everything queued before
 * is durable" holds across both kinds of call.
 *
 * Compaction: a snapshot is written (temp, fsync, rename, fsync dir), then a
 * new segment is written the same way holding one checkpoint record (snapshot
 * point, hard state, the entries kept after it), then older segments and
 * snapshots are removed. A crash anywhere in between leaves either the old
 * segments (and recovery finishes the job) or the new one.
 *
 * The mirror keeps the entries after the latest snapshot in memory (the Raft
 * core holds them too); that is what the checkpoint rewrites.
 */
import { encodeFrame } from './record-codec';
import { joinPath, type FileHandle, type FileSystem } from './file-system';
import { StoredLog } from './stored-log';
import { entriesProblem, hardStateProblem, snapshotProblem, copyEntry, copyHardState, copySnapshot } from './validate';
import { recoverDirectory } from './wal-recovery';
import { segmentName, snapshotName, writeFileAtomically, type SnapshotFile } from './wal-files';
import {
  StorageError, type Entry, type HardState, type RaftStorage, type Recovered, type Snapshot, type StorageLogger,
} from './types';

export interface FileStorageOptions {
  /** Receives one line per repair and compaction. Default (openFileStorage in index.ts): stderr. */
  logger?: StorageLogger;
  /** Appends move to a new segment once the active one is this big. Default 64 MiB. */
  segmentBytes?: number;
  /** Snapshot files kept, newest first (at least 1). Default 2. */
  keepSnapshots?: number;
}

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
}

type Job =
  | { kind: 'records'; frames: Uint8Array[]; waiters: Waiter[] }
  | { kind: 'compact'; snapshot: Snapshot; checkpoint: Uint8Array; waiters: Waiter[] };

interface ActiveSegment {
  seq: number;
  handle: FileHandle;
  bytes: number;
}

type Phase = 'new' | 'recovering' | 'open' | 'closing' | 'closed' | 'failed';

class FileStorage implements RaftStorage {
  private phase: Phase = 'new';
  private failure: Error | null = null;
  private log = new StoredLog();
  private readonly queue: Job[] = [];
  private draining: Promise<void> | null = null;
  private recovering: Promise<Recovered> | null = null;
  private active: ActiveSegment | null = null;
  /** Segments on disk before the active one (only size rotation leaves any). */
  private olderSegments: number[] = [];
  private snapshotFiles: SnapshotFile[] = [];
  private readonly logLine: StorageLogger;
  private readonly segmentBytes: number;
  private readonly keepSnapshots: number;

  constructor(private readonly fs: FileSystem, private readonly dir: string, options: FileStorageOptions) {
    this.logLine = options.logger ?? ((): void => undefined);
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.keepSnapshots = Math.max(1, options.keepSnapshots ?? 2);
    if (!(this.segmentBytes > 0)) throw new StorageError(`segmentBytes must be positive, got ${options.segmentBytes}`);
  }

  recover(): Promise<Recovered> {
    if (this.phase !== 'new') {
      return Promise.reject(new StorageError(`recover() may be called once, before anything else (storage is ${this.phase})`));
    }
    this.phase = 'recovering';
    this.recovering = this.recoverFiles();
    return this.recovering;
  }

  private async recoverFiles(): Promise<Recovered> {
    try {
      const found = await recoverDirectory(this.fs, this.dir, this.logLine);
      this.log = found.log;
      this.snapshotFiles = found.snapshotFiles;
      if (found.needsCheckpoint) {
        const last = found.segments.length > 0 ? found.segments[found.segments.length - 1] : 0;
        this.olderSegments = found.segments;
        await this.writeCheckpoint(last + 1, encodeFrame(this.log.checkpoint()));
        await this.removeObsoleteFiles();
      } else {
        const seq = found.segments[found.segments.length - 1];
        this.olderSegments = found.segments.slice(0, -1);
        const handle = await this.fs.open(joinPath(this.dir, segmentName(seq)), 'append');
        this.active = { seq, handle, bytes: found.lastSegmentBytes };
        // What we just read may be only in the page cache: a killed predecessor
        // can have appended without fsync, or cut a torn tail. Everything we
        // return must be durable, or a power cut could take back what Raft has
        // since acted on.
        await handle.fsync();
      }
      // Likewise for names: a predecessor killed between creating (or renaming,
      // or removing) a file and syncing the directory leaves the change visible
      // but not durable, and nothing later would sync it.
      await this.fs.fsyncDir(this.dir);
      if (this.phase !== 'recovering') {
        // close() was called meanwhile: it is waiting for us to finish.
        throw new StorageError('storage was closed during recovery');
      }
      this.phase = 'open';
      return {
        hardState: copyHardState(this.log.hardState),
        snapshot: found.snapshot ? copySnapshot(found.snapshot) : null,
        entries: this.log.entries.map(copyEntry),
      };
    } catch (e) {
      if (this.phase === 'recovering') {
        this.phase = 'failed';
        this.failure = e instanceof Error ? e : new Error(String(e));
      }
      throw e;
    }
  }

  save(hardState: HardState | null, entries: Entry[]): Promise<void> {
    const refused = this.refusal('save');
    if (refused) return Promise.reject(refused);
    const problem = (hardState === null ? null : hardStateProblem(hardState)) ?? entriesProblem(entries) ??
      this.log.appendProblem(entries);
    if (problem) return Promise.reject(new StorageError(`save() rejected: ${problem}`));

    const current = this.log.hardState;
    const newHardState = hardState && (hardState.term !== current.term || hardState.vote !== current.vote ||
      hardState.commit !== current.commit) ? copyHardState(hardState) : null;
    const copies = entries.map(copyEntry);
    if (newHardState) this.log.hardState = newHardState;
    this.log.append(copies);
    const frame = newHardState || copies.length > 0 ? encodeFrame({ type: 'save', hardState: newHardState, entries: copies }) : null;

    return new Promise<void>((resolve, reject) => {
      const tail = this.queue[this.queue.length - 1];
      if (tail && tail.kind === 'records') {
        if (frame) tail.frames.push(frame);
        tail.waiters.push({ resolve, reject });
      } else {
        this.queue.push({ kind: 'records', frames: frame ? [frame] : [], waiters: [{ resolve, reject }] });
      }
      this.kick();
    });
  }

  saveSnapshot(snapshot: Snapshot): Promise<void> {
    const refused = this.refusal('saveSnapshot');
    if (refused) return Promise.reject(refused);
    const problem = snapshotProblem(snapshot);
    if (problem) return Promise.reject(new StorageError(`saveSnapshot() rejected: ${problem}`));
    if (!this.log.installSnapshot(snapshot.meta.index, snapshot.meta.term)) {
      // Not newer than what we hold: nothing to store, but keep call-order resolution.
      return this.save(null, []);
    }
    const checkpoint = encodeFrame(this.log.checkpoint());
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'compact', snapshot: copySnapshot(snapshot), checkpoint, waiters: [{ resolve, reject }] });
      this.kick();
    });
  }

  async close(): Promise<void> {
    if (this.phase === 'closed' || this.phase === 'closing') return;
    const wasOpen = this.phase === 'open';
    this.phase = 'closing';
    if (this.recovering) await this.recovering.catch(() => undefined);
    if (wasOpen) {
      while (this.draining) await this.draining;
    }
    const handle = this.active?.handle;
    this.active = null;
    this.phase = 'closed';
    if (handle) await handle.close();
  }

  private refusal(call: string): StorageError | null {
    switch (this.phase) {
      case 'open': return null;
      case 'new':
      case 'recovering': return new StorageError(`${call}() before recover() finished: call and await recover() first`);
      case 'closing':
      case 'closed': return new StorageError(`${call}() after close()`);
      case 'failed': return new StorageError(`${call}() on failed storage: ${this.failure?.message}`, this.failure);
    }
  }

  /** Starts the writer on the next microtask, so that calls made in the same turn share one fsync. */
  private kick(): void {
    if (this.draining) return;
    this.draining = Promise.resolve().then(() => this.drain());
  }

  private async drain(): Promise<void> {
    for (;;) {
      const job = this.queue.shift();
      if (!job) {
        // Cleared in the same synchronous step that saw the queue empty, so a
        // call arriving a microtask later starts a new writer instead of waiting forever.
        this.draining = null;
        return;
      }
      try {
        if (job.kind === 'records') await this.writeRecords(job.frames);
        else await this.compact(job.snapshot, job.checkpoint);
      } catch (e) {
        this.fail(e, job.waiters);
        this.draining = null;
        return;
      }
      for (const w of job.waiters) w.resolve();
    }
  }

  /**
   * After a failed write or fsync the page cache can no longer be trusted
   * (the kernel may have dropped the dirty pages), so nothing later may be
   * acknowledged: every queued and future call fails.
   */
  private fail(e: unknown, waiters: Waiter[]): void {
    const cause = e instanceof Error ? e : new Error(String(e));
    this.failure = new StorageError(`storage in ${this.dir} failed: ${cause.message}`, cause);
    this.phase = 'failed';
    this.logLine(`storage: ${this.failure.message}; refusing all further writes`);
    const rejected = [...waiters, ...this.queue.flatMap((j) => j.waiters)];
    this.queue.length = 0;
    for (const w of rejected) w.reject(this.failure);
  }

  private async writeRecords(frames: Uint8Array[]): Promise<void> {
    if (frames.length === 0) return;
    let active = this.active!;
    if (active.bytes >= this.segmentBytes) active = await this.rotate(active);
    const data = concat(frames);
    await active.handle.append(data);
    active.bytes += data.length;
    await active.handle.fsync();
  }

  /** Continue in a new, empty segment. The old one is complete and fsync'd: every batch is. */
  private async rotate(old: ActiveSegment): Promise<ActiveSegment> {
    const seq = old.seq + 1;
    const handle = await this.fs.open(joinPath(this.dir, segmentName(seq)), 'append');
    // The new name must be durable before records in it are acknowledged.
    await this.fs.fsyncDir(this.dir);
    this.active = { seq, handle, bytes: 0 };
    this.olderSegments.push(old.seq);
    await old.handle.close();
    return this.active;
  }

  private async compact(snapshot: Snapshot, checkpoint: Uint8Array): Promise<void> {
    const file: SnapshotFile = { name: snapshotName(snapshot.meta.index, snapshot.meta.term), index: snapshot.meta.index, term: snapshot.meta.term };
    await writeFileAtomically(this.fs, this.dir, file.name, encodeFrame({ type: 'snapshot', snapshot }));
    this.snapshotFiles = [file, ...this.snapshotFiles.filter((f) => f.name !== file.name)];
    const old = this.active!;
    await this.writeCheckpoint(old.seq + 1, checkpoint);
    this.olderSegments.push(old.seq);
    await old.handle.close();
    const removed = await this.removeObsoleteFiles();
    this.logLine(`storage: snapshot at index ${snapshot.meta.index} term ${snapshot.meta.term} saved; ` +
      `WAL restarted in ${segmentName(this.active!.seq)} (${checkpoint.length} bytes), removed ${removed} old file(s)`);
  }

  /** A new segment whose first record restates the whole log, made to appear atomically. */
  private async writeCheckpoint(seq: number, checkpoint: Uint8Array): Promise<void> {
    await writeFileAtomically(this.fs, this.dir, segmentName(seq), checkpoint);
    const handle = await this.fs.open(joinPath(this.dir, segmentName(seq)), 'append');
    this.active = { seq, handle, bytes: checkpoint.length };
  }

  /** Segments before the active one and snapshots beyond the newest few; returns how many went. */
  private async removeObsoleteFiles(): Promise<number> {
    // Newest first: whatever a crash leaves is still a run of segments that replays.
    const doomed = this.olderSegments.map(segmentName).reverse();
    this.olderSegments = [];
    const keep = this.snapshotFiles.slice(0, this.keepSnapshots);
    doomed.push(...this.snapshotFiles.slice(this.keepSnapshots).map((f) => f.name));
    this.snapshotFiles = keep;
    for (const name of doomed) await this.fs.unlink(joinPath(this.dir, name));
    if (doomed.length > 0) await this.fs.fsyncDir(this.dir);
    return doomed.length;
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Storage in `dir` (created if needed) on `fs`. Node-free, so the simulator can
 * run it on a SimDisk; index.ts's openFileStorage adds the real-disk defaults.
 * Call recover() before anything else.
 */
export function createFileStorage(fs: FileSystem, dir: string, options: FileStorageOptions = {}): RaftStorage {
  if (typeof dir !== 'string' || dir.length === 0) throw new StorageError('file storage needs a directory path');
  return new FileStorage(fs, dir, options);
}
