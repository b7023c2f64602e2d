/**
 * On-disk framing shared by WAL segments and snapshot files:
 *
 *   [u32 LE payload length][u32 LE CRC-32 of payload][payload: UTF-8 JSON]
 *
 * Each save() call becomes exactly ONE record, so a save is all-or-nothing on
 * disk: a crash can tear a record, never split a hard state from its entries.
 * A zero length is rejected outright because a zero-filled tail (a file whose
 * size reached the disk before its data did) would otherwise pass: the CRC of
 * an empty payload is 0.
 */
import { crc32 } from './crc32';
import { entriesProblem, hardStateProblem, snapshotProblem } from './validate';
import type { Entry, HardState, Snapshot } from './types';

export const HEADER_BYTES = 8;
/** Larger lengths are treated as corruption rather than allocated. */
export const MAX_RECORD_BYTES = 1 << 30;

/** One save() call: an optional new hard state and entries that replace the log from entries[0].index on. */
export interface SaveRecord {
  type: 'save';
  hardState: HardState | null;
  entries: Entry[];
}

/**
 * The first record of a segment written by compaction: the log restarts after
 * the snapshot point (index, term) with exactly these entries and this hard
 * state. Everything in earlier segments is superseded.
 */
export interface CheckpointRecord {
  type: 'checkpoint';
  snapshotIndex: number;
  snapshotTerm: number;
  hardState: HardState;
  entries: Entry[];
}

/** The single record of a snap-<index>-<term>.snap file. */
export interface SnapshotRecord {
  type: 'snapshot';
  snapshot: Snapshot;
}

export type WalRecord = SaveRecord | CheckpointRecord;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeFrame(record: WalRecord | SnapshotRecord): Uint8Array {
  const payload = encoder.encode(JSON.stringify(record));
  const frame = new Uint8Array(HEADER_BYTES + payload.length);
  const view = new DataView(frame.buffer);
  view.setUint32(0, payload.length, true);
  view.setUint32(4, crc32(payload), true);
  frame.set(payload, HEADER_BYTES);
  return frame;
}

export type FrameResult =
  | { kind: 'ok'; payload: unknown; next: number }
  /** The file ends inside this record: the normal aftermath of a crash mid-write. */
  | { kind: 'torn'; reason: string }
  /** The bytes are there but wrong. */
  | { kind: 'corrupt'; reason: string };

export function decodeFrame(bytes: Uint8Array, offset: number): FrameResult {
  const remaining = bytes.length - offset;
  if (remaining < HEADER_BYTES) return { kind: 'torn', reason: `incomplete record header (${remaining} of ${HEADER_BYTES} bytes)` };
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, HEADER_BYTES);
  const length = view.getUint32(0, true);
  const expectedCrc = view.getUint32(4, true);
  if (length === 0) return { kind: 'corrupt', reason: 'record length 0' };
  if (length > MAX_RECORD_BYTES) return { kind: 'corrupt', reason: `record length ${length} exceeds ${MAX_RECORD_BYTES}` };
  const start = offset + HEADER_BYTES;
  if (start + length > bytes.length) {
    return { kind: 'torn', reason: `incomplete record (${bytes.length - start} of ${length} payload bytes)` };
  }
  const actualCrc = crc32(bytes, start, start + length);
  if (actualCrc !== expectedCrc) {
    return { kind: 'corrupt', reason: `checksum mismatch (stored ${hex(expectedCrc)}, computed ${hex(actualCrc)})` };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(decoder.decode(bytes.subarray(start, start + length)));
  } catch (e) {
    return { kind: 'corrupt', reason: `checksum-valid record is not UTF-8 JSON: ${(e as Error).message}` };
  }
  return { kind: 'ok', payload, next: start + length };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/** Returns the record, or a description of why the payload is not a WAL record. */
export function parseWalRecord(payload: unknown): WalRecord | string {
  if (typeof payload !== 'object' || payload === null) return 'record is not an object';
  const r = payload as Record<string, unknown>;
  if (r.type === 'save') {
    if (r.hardState !== null) {
      const problem = hardStateProblem(r.hardState);
      if (problem) return problem;
    }
    return entriesProblem(r.entries) ?? (r as unknown as SaveRecord);
  }
  if (r.type === 'checkpoint') {
    const { snapshotIndex, snapshotTerm } = r;
    if (!Number.isSafeInteger(snapshotIndex) || (snapshotIndex as number) < 0) return 'checkpoint snapshotIndex is not a count';
    if (!Number.isSafeInteger(snapshotTerm) || (snapshotTerm as number) < 0) return 'checkpoint snapshotTerm is not a count';
    const problem = hardStateProblem(r.hardState) ?? entriesProblem(r.entries);
    if (problem) return problem;
    const entries = r.entries as Entry[];
    if (entries.length > 0 && entries[0].index !== (snapshotIndex as number) + 1) {
      return `checkpoint entries start at ${entries[0].index}, not right after snapshot index ${snapshotIndex}`;
    }
    return r as unknown as CheckpointRecord;
  }
  return `unknown record type ${JSON.stringify(r.type)}`;
}

export function parseSnapshotRecord(payload: unknown): Snapshot | string {
  if (typeof payload !== 'object' || payload === null) return 'snapshot record is not an object';
  const r = payload as Record<string, unknown>;
  if (r.type !== 'snapshot') return `expected a snapshot record, got type ${JSON.stringify(r.type)}`;
  return snapshotProblem(r.snapshot) ?? (r.snapshot as Snapshot);
}
