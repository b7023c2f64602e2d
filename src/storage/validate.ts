/**
 * Shape checks for the Raft records, used twice: on the arguments of save()
 * and saveSnapshot() (bad input gets a clear error), and on records decoded
 * from disk (a checksum-valid record of the wrong shape is corruption, not data).
 * Each returns a description of the first problem, or null.
 */
import type { Entry, HardState, Snapshot } from './types';

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

export function hardStateProblem(x: unknown): string | null {
  if (!isObject(x)) return 'hard state must be an object {term, vote, commit}';
  if (!isCount(x.term)) return `hard state term must be a non-negative integer, got ${JSON.stringify(x.term)}`;
  if (x.vote !== null && typeof x.vote !== 'string') return `hard state vote must be a string or null, got ${JSON.stringify(x.vote)}`;
  if (!isCount(x.commit)) return `hard state commit must be a non-negative integer, got ${JSON.stringify(x.commit)}`;
  return null;
}

export function entryProblem(x: unknown): string | null {
  if (!isObject(x)) return 'entry must be an object {index, term, kind, data}';
  if (!isCount(x.index) || x.index < 1) return `entry index must be a positive integer, got ${JSON.stringify(x.index)}`;
  if (!isCount(x.term)) return `entry ${x.index}: term must be a non-negative integer, got ${JSON.stringify(x.term)}`;
  if (x.kind !== 'normal' && x.kind !== 'noop' && x.kind !== 'config') return `entry ${x.index}: kind must be 'normal', 'noop' or 'config', got ${JSON.stringify(x.kind)}`;
  if (typeof x.data !== 'string') return `entry ${x.index}: data must be a string`;
  return null;
}

/** Entries must be well formed and consecutive (each index one more than the previous). */
export function entriesProblem(x: unknown): string | null {
  if (!Array.isArray(x)) return 'entries must be an array';
  for (let i = 0; i < x.length; i++) {
    const problem = entryProblem(x[i]);
    if (problem) return problem;
    if (i > 0 && (x[i] as Entry).index !== (x[i - 1] as Entry).index + 1) {
      return `entries must have consecutive indexes, got ${(x[i - 1] as Entry).index} then ${(x[i] as Entry).index}`;
    }
  }
  return null;
}

export function snapshotProblem(x: unknown): string | null {
  if (!isObject(x)) return 'snapshot must be an object {meta, data}';
  const meta = x.meta;
  if (!isObject(meta)) return 'snapshot meta must be an object {index, term, voters}';
  if (!isCount(meta.index)) return `snapshot index must be a non-negative integer, got ${JSON.stringify(meta.index)}`;
  if (!isCount(meta.term)) return `snapshot term must be a non-negative integer, got ${JSON.stringify(meta.term)}`;
  for (const key of ['voters', 'learners', 'outgoing'] as const) {
    const ids = meta[key];
    if (key !== 'voters' && ids === undefined) continue;
    if (!Array.isArray(ids) || !ids.every((v) => typeof v === 'string')) return `snapshot ${key} must be an array of node ids`;
  }
  if (typeof x.data !== 'string') return 'snapshot data must be a string';
  return null;
}

export function copyEntry(e: Entry): Entry {
  return { index: e.index, term: e.term, kind: e.kind, data: e.data };
}

export function copyHardState(h: HardState): HardState {
  return { term: h.term, vote: h.vote, commit: h.commit };
}

export function copySnapshot(s: Snapshot): Snapshot {
  const meta: Snapshot['meta'] = { index: s.meta.index, term: s.meta.term, voters: [...s.meta.voters] };
  if (s.meta.learners !== undefined) meta.learners = [...s.meta.learners];
  if (s.meta.outgoing !== undefined) meta.outgoing = [...s.meta.outgoing];
  return { meta, data: s.data };
}
