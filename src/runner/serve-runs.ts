import * as fs from 'fs';
import * as path from 'path';

/**
 * The runs under a store root, for `serve`'s index: every directory holding a
 * history.jsonl or results.json (store/<workload>/<timestamp>/, and the runs
 * nested inside hunt directories), summarised from the files store.ts writes.
 * Symlinks (store/latest, store/<workload>/latest) are not followed, so each
 * run appears once.
 */

export type Verdict = 'valid' | 'invalid' | 'unknown' | 'none';

export interface RunSummary {
  /** Path relative to the store root, with forward slashes. */
  rel: string;
  workload: string;
  /** ISO time the run started (from the directory name), or the directory's mtime. */
  start: string;
  startMs: number;
  nodes: number | null;
  /** none: no results.json (the run crashed, was aborted, or is still going). */
  verdict: Verdict;
  ops: number | null;
  availability: number | null;
  /** Files directly in the run directory, sorted. */
  files: string[];
}

/** Deep enough for store/hunt/<hunt>/run-0000/<workload>/<timestamp>. */
const MAX_DEPTH = 7;
const MAX_RUNS = 20_000;

function isRunDir(entries: readonly string[]): boolean {
  return entries.includes('history.jsonl') || entries.includes('results.json');
}

/** 20261201T162052.631Z (store.ts's timestampDirName, maybe with a -N suffix) -> epoch ms. */
export function parseRunTimestamp(name: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d{1,3}))?Z/.exec(name);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms ? Number(ms.padEnd(3, '0')) : 0);
  return Number.isNaN(t) ? null : t;
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}

export function summarizeRun(root: string, dir: string, entries: readonly string[]): RunSummary {
  const rel = path.relative(root, dir).split(path.sep).join('/');
  const name = path.basename(dir);
  const parsed = parseRunTimestamp(name);
  const startMs = parsed ?? fs.statSync(dir).mtimeMs;
  let nodes: number | null = null;
  try {
    nodes = fs.readdirSync(path.join(dir, 'node-logs')).filter((f) => f.endsWith('.log')).length;
  } catch {
    // A run that never started its nodes has no node-logs/.
  }
  const results = entries.includes('results.json') ? readJson(path.join(dir, 'results.json')) : null;
  const valid = results?.valid;
  const verdict: Verdict = results === null ? 'none' : valid === true ? 'valid' : valid === false ? 'invalid' : 'unknown';
  const count = field(results?.stats, 'count');
  const okFraction = field(results?.availability, 'ok-fraction');
  const files = entries.filter((f) => {
    try {
      return fs.statSync(path.join(dir, f)).isFile();
    } catch {
      return false;
    }
  });
  return {
    rel,
    workload: parsed !== null ? path.basename(path.dirname(dir)) : name,
    start: new Date(startMs).toISOString(),
    startMs,
    nodes,
    verdict,
    ops: typeof count === 'number' ? count : null,
    availability: typeof okFraction === 'number' ? okFraction : null,
    files: files.sort(),
  };
}

/** Newest first. */
export function findRuns(root: string): RunSummary[] {
  const runs: RunSummary[] = [];
  const walk = (dir: string, depth: number): void => {
    if (runs.length >= MAX_RUNS) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const names = entries.map((e) => e.name);
    if (isRunDir(names)) {
      runs.push(summarizeRun(root, dir, names));
      return;
    }
    if (depth >= MAX_DEPTH) return;
    for (const e of entries) if (e.isDirectory() && !e.isSymbolicLink()) walk(path.join(dir, e.name), depth + 1);
  };
  walk(root, 0);
  return runs.sort((a, b) => b.startMs - a.startMs || (a.rel < b.rel ? 1 : -1));
}
