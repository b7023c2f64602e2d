/**
 * Reads a storage directory back: the newest readable snapshot, then every
 * WAL segment in order, record by record, until the first record that is torn,
 * fails its checksum, or does not make sense. The file is cut there and any
 * later segment removed, so nothing written after a bad record is ever
 * returned or built upon. A torn tail is the normal aftermath of SIGKILL; a
 * bad record anywhere else means the disk lied, and the log line says so.
 */
import { decodeFrame, parseWalRecord } from './record-codec';
import { joinPath, type FileSystem } from './file-system';
import { StoredLog } from './stored-log';
import { StorageError, type Snapshot, type StorageLogger } from './types';
import {
  TEMP_SUFFIX, parseSegmentName, parseSnapshotName, readSnapshotFile, segmentName, type SnapshotFile,
} from './wal-files';

export interface RecoveredDirectory {
  log: StoredLog;
  snapshot: Snapshot | null;
  /** Segments left after repair, ascending. The last one is where appends continue. */
  segments: number[];
  /** Byte size of the last segment after repair. */
  lastSegmentBytes: number;
  /** Snapshot files present, newest first. */
  snapshotFiles: SnapshotFile[];
  /**
   * The WAL does not reflect the snapshot (a crash came between writing the
   * snapshot and the compacted segment): the caller must write a checkpoint.
   */
  needsCheckpoint: boolean;
}

export async function recoverDirectory(fs: FileSystem, dir: string, log: StorageLogger): Promise<RecoveredDirectory> {
  await fs.mkdir(dir);
  const names = (await fs.list(dir)).sort();

  const segments: number[] = [];
  const snapshotFiles: SnapshotFile[] = [];
  for (const name of names) {
    const seq = parseSegmentName(name);
    const snap = parseSnapshotName(name);
    if (seq !== null) segments.push(seq);
    else if (snap) snapshotFiles.push(snap);
    else if (name.endsWith(TEMP_SUFFIX)) {
      log(`storage: removing unfinished temp file ${joinPath(dir, name)} left by a crash`);
      await fs.unlink(joinPath(dir, name));
    } else {
      log(`storage: ignoring unrecognised file ${joinPath(dir, name)}`);
    }
  }
  segments.sort((a, b) => a - b);
  snapshotFiles.sort((a, b) => b.index - a.index || b.term - a.term);

  let snapshot: Snapshot | null = null;
  for (const file of snapshotFiles) {
    const found = await readSnapshotFile(fs, dir, file);
    if (typeof found !== 'string') {
      snapshot = found;
      break;
    }
    log(`storage: ignoring unreadable snapshot ${joinPath(dir, file.name)}: ${found}`);
  }

  // Replay starts at the newest segment that opens with a checkpoint: it
  // restates the whole log, so older segments are obsolete (a crash during
  // compaction can leave some of them behind, in any subset).
  const contents = new Map<number, Uint8Array>();
  let start = 0;
  for (let i = segments.length - 1; i >= 0; i--) {
    const bytes = await fs.readFile(joinPath(dir, segmentName(segments[i])));
    contents.set(segments[i], bytes);
    if (opensWithCheckpoint(bytes)) {
      start = i;
      break;
    }
  }
  if (start > 0) {
    const obsolete = segments.splice(0, start);
    log(`storage: removing ${obsolete.length} segment(s) superseded by the checkpoint in ${segmentName(segments[0])} ` +
      '(left by a crash during compaction)');
    for (const seq of obsolete) await fs.unlink(joinPath(dir, segmentName(seq)));
  }

  const stored = new StoredLog();
  let lastSegmentBytes = 0;
  for (let i = 0; i < segments.length; i++) {
    const path = joinPath(dir, segmentName(segments[i]));
    const bytes = contents.get(segments[i]) ?? await fs.readFile(path);
    const bad = replaySegment(bytes, stored);
    lastSegmentBytes = bytes.length;
    if (!bad) continue;

    const later = segments.slice(i + 1);
    const where = `${path} at byte ${bad.offset} of ${bytes.length}`;
    const tail = later.length === 0 && bad.torn
      ? 'a torn tail, expected after a crash'
      : 'CORRUPTION: data after this point is lost';
    log(`storage: WAL ${bad.reason} in ${where} (${tail}); truncating the file there` +
      (later.length > 0 ? ` and discarding ${later.length} later segment(s): ${later.map(segmentName).join(', ')}` : ''));
    await fs.truncate(path, bad.offset);
    for (const seq of later) await fs.unlink(joinPath(dir, segmentName(seq)));
    segments.length = i + 1;
    lastSegmentBytes = bad.offset;
    break;
  }
  // Removals are made durable by the caller's directory sync at the end of recovery.

  let needsCheckpoint = segments.length === 0;
  if (snapshot === null) {
    if (stored.snapshotIndex > 0) {
      throw new StorageError(`storage in ${dir}: the WAL was compacted up to index ${stored.snapshotIndex} ` +
        'but no readable snapshot file exists; refusing to start with a hole in the log (restore the snapshot file or wipe the directory)');
    }
  } else if (stored.snapshotIndex > snapshot.meta.index) {
    throw new StorageError(`storage in ${dir}: the WAL was compacted up to index ${stored.snapshotIndex} ` +
      `but the newest readable snapshot ends at ${snapshot.meta.index}; refusing to start with a hole in the log`);
  } else if (stored.snapshotIndex === snapshot.meta.index) {
    if (stored.snapshotTerm !== snapshot.meta.term) {
      throw new StorageError(`storage in ${dir}: WAL checkpoint term ${stored.snapshotTerm} disagrees with snapshot ` +
        `term ${snapshot.meta.term} at index ${snapshot.meta.index}`);
    }
  } else {
    // The snapshot file is durable but the crash came before the compacted
    // segment was: apply the snapshot now, exactly as saveSnapshot() would have.
    stored.installSnapshot(snapshot.meta.index, snapshot.meta.term);
    log(`storage: snapshot at index ${snapshot.meta.index} is newer than the WAL checkpoint; compacting the WAL now`);
    needsCheckpoint = true;
  }

  return { log: stored, snapshot, segments, lastSegmentBytes, snapshotFiles, needsCheckpoint };
}

function opensWithCheckpoint(bytes: Uint8Array): boolean {
  const frame = decodeFrame(bytes, 0);
  if (frame.kind !== 'ok') return false;
  const record = parseWalRecord(frame.payload);
  return typeof record !== 'string' && record.type === 'checkpoint';
}

interface BadRecord {
  offset: number;
  reason: string;
  /** Incomplete rather than wrong. */
  torn: boolean;
}

/** Applies every good record of one segment to `stored`; describes the first bad one, if any. */
function replaySegment(bytes: Uint8Array, stored: StoredLog): BadRecord | null {
  let offset = 0;
  while (offset < bytes.length) {
    const frame = decodeFrame(bytes, offset);
    if (frame.kind !== 'ok') return { offset, reason: frame.reason, torn: frame.kind === 'torn' };
    const record = parseWalRecord(frame.payload);
    if (typeof record === 'string') return { offset, reason: `malformed record (${record})`, torn: false };
    if (record.type === 'checkpoint') {
      stored.resetTo(record);
    } else {
      const problem = stored.appendProblem(record.entries);
      if (problem) return { offset, reason: `inconsistent record (${problem})`, torn: false };
      if (record.hardState) stored.hardState = record.hardState;
      stored.append(record.entries);
    }
    offset = frame.next;
  }
  return null;
}
