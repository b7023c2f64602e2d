/**
 * A random Raft-like storage workload and an oracle for it, shared by the
 * simulated-disk and the real-process crash tests.
 *
 * The oracle (ExpectedLog) is written independently of src/storage's
 * StoredLog on purpose: it keeps the whole log as a plain array and applies
 * the contract's rules directly.
 */
import type { Entry, HardState, Recovered, Snapshot } from '../../../src/raft/types';
import type { RaftStorage } from '../../../src/storage';
import { Prng } from './prng';

export type StorageOp =
  | { kind: 'save'; hardState: HardState | null; entries: Entry[] }
  | { kind: 'snapshot'; snapshot: Snapshot };

export class ExpectedLog {
  hardState: HardState = { term: 0, vote: null, commit: 0 };
  snapshot: Snapshot | null = null;
  /** log[i - 1] is entry i; entries at or below the snapshot point may be stale placeholders. */
  log: Entry[] = [];

  static from(r: Recovered): ExpectedLog {
    const m = new ExpectedLog();
    m.hardState = { ...r.hardState };
    m.snapshot = r.snapshot;
    const base = r.snapshot ? r.snapshot.meta.index : 0;
    m.log = [];
    for (let i = 1; i <= base; i++) m.log.push({ index: i, term: -1, kind: 'noop', data: '(covered by snapshot)' });
    m.log.push(...r.entries.map((e) => ({ ...e })));
    return m;
  }

  clone(): ExpectedLog {
    const m = new ExpectedLog();
    m.hardState = { ...this.hardState };
    m.snapshot = this.snapshot;
    m.log = [...this.log];
    return m;
  }

  snapIndex(): number {
    return this.snapshot ? this.snapshot.meta.index : 0;
  }

  lastIndex(): number {
    return this.log.length;
  }

  termAt(index: number): number {
    if (index === this.snapIndex()) return this.snapshot ? this.snapshot.meta.term : 0;
    return this.log[index - 1].term;
  }

  apply(op: StorageOp): void {
    if (op.kind === 'save') {
      if (op.hardState) this.hardState = { ...op.hardState };
      const fresh = op.entries.filter((e) => e.index > this.snapIndex());
      if (fresh.length > 0) {
        this.log.length = fresh[0].index - 1;
        this.log.push(...fresh.map((e) => ({ ...e })));
      }
      return;
    }
    const { index, term } = op.snapshot.meta;
    if (index <= this.snapIndex()) return;
    const matches = index <= this.log.length && this.log[index - 1].term === term;
    if (!matches) {
      this.log.length = Math.min(this.log.length, index);
      while (this.log.length < index) this.log.push({ index: this.log.length + 1, term: -1, kind: 'noop', data: '(covered by snapshot)' });
    }
    this.snapshot = op.snapshot;
  }

  /** What recover() must return for this state. */
  recovered(): Recovered {
    return { hardState: this.hardState, snapshot: this.snapshot, entries: this.log.slice(this.snapIndex()) };
  }
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789 {}":,é→💾';

function randomData(rng: Prng): string {
  const length = rng.chance(0.05) ? rng.int(500, 3000) : rng.int(0, 60);
  const chars = [...ALPHABET];
  let s = '';
  for (let i = 0; i < length; i++) s += chars[rng.int(0, chars.length - 1)];
  return s;
}

/** The next operation a Raft node might plausibly issue given `model` (the state after every op issued so far). */
export function nextOp(rng: Prng, model: ExpectedLog): StorageOp {
  const last = model.lastIndex();
  const base = model.snapIndex();
  const roll = rng.next();
  if (roll < 0.08 && last > base) {
    const index = rng.int(base + 1, last);
    return { kind: 'snapshot', snapshot: snapshotAt(index, model.termAt(index), rng) };
  }
  if (roll < 0.1) {
    // As if installed from a leader: beyond our log, or with a term we do not hold.
    const index = last + rng.int(0, 4) || 1;
    const term = model.hardState.term + 1;
    return { kind: 'snapshot', snapshot: snapshotAt(index, term, rng) };
  }
  const hs = model.hardState;
  let term = hs.term;
  let hardState: HardState | null = null;
  if (rng.chance(0.5)) {
    if (rng.chance(0.15)) term++;
    hardState = { term, vote: rng.chance(0.3) ? null : `n${rng.int(1, 5)}`, commit: rng.int(hs.commit <= last ? hs.commit : 0, last) };
  }
  let start = last + 1;
  if (rng.chance(0.15) && last > base) start = rng.int(base + 1, last);
  const count = rng.chance(0.1) ? 0 : rng.int(1, 6);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    entries.push({ index: start + i, term: Math.max(term, 1), kind: rng.chance(0.1) ? 'noop' : 'normal', data: randomData(rng) });
  }
  return { kind: 'save', hardState, entries };
}

function snapshotAt(index: number, term: number, rng: Prng): Snapshot {
  return { meta: { index, term, voters: ['n1', 'n2', 'n3'] }, data: `state@${index}:${randomData(rng)}` };
}

/** Ops are issued in bursts of concurrent calls (a Raft turn's worth); both the writer and the checker use this. */
export const MAX_BURST = 8;

/**
 * The next burst, applied to `model` op by op. With `bigWrites`, now and then a multi-megabyte entry: a
 * write(2) that large can be cut short by SIGKILL, tearing a record for real.
 */
export function nextBurst(rng: Prng, model: ExpectedLog, bigWrites: boolean, afterEach?: (model: ExpectedLog) => void): StorageOp[] {
  const burst: StorageOp[] = [];
  const size = rng.int(1, MAX_BURST);
  for (let b = 0; b < size; b++) {
    let op = nextOp(rng, model);
    if (bigWrites && op.kind === 'save' && rng.chance(0.02)) {
      const index = model.lastIndex() + 1;
      op = { kind: 'save', hardState: null, entries: [{ index, term: Math.max(model.hardState.term, 1), kind: 'normal', data: 'B'.repeat(rng.int(1, 4) << 20) }] };
    }
    model.apply(op);
    afterEach?.(model);
    burst.push(op);
  }
  return burst;
}

export function issue(storage: RaftStorage, op: StorageOp): Promise<void> {
  return op.kind === 'save' ? storage.save(op.hardState, op.entries) : storage.saveSnapshot(op.snapshot);
}

/** A stable text for comparing recovered states (and for readable diffs). */
export function describe(r: Recovered): string {
  return JSON.stringify({ hardState: r.hardState, snapshot: r.snapshot, entries: r.entries });
}
