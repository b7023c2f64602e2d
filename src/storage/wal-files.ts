/**
 * File names and whole-file operations of a storage directory:
 *
 *   wal-<seq, 16 digits>.log   WAL segments, replayed in seq order
 *   snap-<index>-<term>.snap   snapshots, one framed record each
 *   *.tmp                      half-made files; recovery removes them
 */
import { decodeFrame, parseSnapshotRecord } from './record-codec';
import { joinPath, type FileSystem } from './file-system';
import type { Snapshot } from './types';

const SEGMENT_NAME = /^wal-(\d{16})\.log$/;
const SNAPSHOT_NAME = /^snap-(\d{1,16})-(\d{1,16})\.snap$/;
export const TEMP_SUFFIX = '.tmp';

export function segmentName(seq: number): string {
  return `wal-${String(seq).padStart(16, '0')}.log`;
}

export function parseSegmentName(name: string): number | null {
  const m = SEGMENT_NAME.exec(name);
  if (!m) return null;
  const seq = Number(m[1]);
  // Leave room to count up without losing integer precision.
  return seq > 0 && seq < Number.MAX_SAFE_INTEGER ? seq : null;
}

export function snapshotName(index: number, term: number): string {
  return `snap-${index}-${term}.snap`;
}

export interface SnapshotFile {
  name: string;
  index: number;
  term: number;
}

export function parseSnapshotName(name: string): SnapshotFile | null {
  const m = SNAPSHOT_NAME.exec(name);
  if (!m) return null;
  const index = Number(m[1]);
  const term = Number(m[2]);
  return Number.isSafeInteger(index) && Number.isSafeInteger(term) ? { name, index, term } : null;
}

/**
 * Write a file so that after a crash it either does not exist or is complete:
 * write a temp file, fsync it, rename it into place, fsync the directory (the
 * rename itself is only durable once the directory is).
 */
export async function writeFileAtomically(fs: FileSystem, dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const temp = joinPath(dir, name + TEMP_SUFFIX);
  const handle = await fs.open(temp, 'overwrite');
  try {
    await handle.append(bytes);
    await handle.fsync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, joinPath(dir, name));
  await fs.fsyncDir(dir);
}

/** The snapshot in a snapshot file, or why it cannot be used. */
export async function readSnapshotFile(fs: FileSystem, dir: string, file: SnapshotFile): Promise<Snapshot | string> {
  const bytes = await fs.readFile(joinPath(dir, file.name));
  const frame = decodeFrame(bytes, 0);
  if (frame.kind !== 'ok') return frame.reason;
  if (frame.next !== bytes.length) return `${bytes.length - frame.next} unexpected bytes after the snapshot record`;
  const snapshot = parseSnapshotRecord(frame.payload);
  if (typeof snapshot === 'string') return snapshot;
  if (snapshot.meta.index !== file.index || snapshot.meta.term !== file.term) {
    return `record says index ${snapshot.meta.index} term ${snapshot.meta.term}, name says ${file.index}/${file.term}`;
  }
  return snapshot;
}
