/**
 * From point results to the figures the issue asks for: the best point of
 * each configuration, reference ratios, floor rows, and the verdict on each
 * target. Pure; run.ts prints and stores what this returns.
 *
 * "ops/s" everywhere is replies per second in the measurement window: `ok`
 * plus definite errors the node answered (a lin-kv cas whose precondition
 * failed went through Raft like any write). Client timeouts are not counted.
 */
import { floorRows, type FloorRow, type ReadMode } from './floor';
import { FLOOR_SERIES, REFERENCE } from './plan';
import type { PointResult } from './point-config';

export interface SeriesBest {
  series: string;
  /** The point with the most ops/s. */
  best: PointResult;
  opsPerSec: number;
  concurrency: number;
}

export function opsPerSec(r: PointResult): number {
  return r.window?.repliedPerSec ?? 0;
}

/**
 * CPU microseconds spent per reply over the window, by all node processes and
 * the runner together (null without CPU samples). On a machine with spare
 * cores this is what a configuration costs, independent of how many cores the
 * other tenants leave it.
 */
export function cpuUsPerOp(r: PointResult, which: 'all' | 'nodes' = 'all'): number | null {
  const ops = opsPerSec(r);
  if (r.cpu.length === 0 || ops <= 0) return null;
  const pct = r.cpu.filter((c) => which === 'all' || c.name !== 'runner').reduce((s, c) => s + c.percent, 0);
  return Math.round(((pct / 100) / ops) * 1e6 * 10) / 10;
}

export function bestBySeries(results: readonly PointResult[]): Map<string, SeriesBest> {
  const out = new Map<string, SeriesBest>();
  for (const r of results) {
    if (!r.window || FLOOR_SERIES_NAMES.has(r.config.series)) continue;
    const cur = out.get(r.config.series);
    if (!cur || opsPerSec(r) > cur.opsPerSec) {
      out.set(r.config.series, { series: r.config.series, best: r, opsPerSec: opsPerSec(r), concurrency: r.config.concurrency });
    }
  }
  return out;
}

const FLOOR_SERIES_NAMES = new Set<string>(Object.values(FLOOR_SERIES));

export interface Ratio {
  name: string;
  numerator: string;
  denominator: string;
  value: number | null;
}

/** Best-vs-best throughput ratios of the reference configurations. */
export function referenceRatios(best: ReadonlyMap<string, SeriesBest>): Ratio[] {
  const ratio = (name: string, num: string, den: string): Ratio => {
    const a = best.get(num)?.opsPerSec;
    const b = best.get(den)?.opsPerSec;
    return { name, numerator: num, denominator: den, value: a !== undefined && b !== undefined && b > 0 ? round3(a / b) : null };
  };
  const cpuRatio = (name: string, num: string, den: string): Ratio => {
    // Ops per CPU-second: how the two would compare if each had the cores it can use.
    const a = best.get(num);
    const b = best.get(den);
    const ca = a ? cpuUsPerOp(a.best) : null;
    const cb = b ? cpuUsPerOp(b.best) : null;
    return { name, numerator: num, denominator: den, value: ca !== null && cb !== null && ca > 0 ? round3(cb / ca) : null };
  };
  return [
    ratio('3 nodes / single node', REFERENCE.base, REFERENCE.singleNode),
    cpuRatio('3 nodes / single node, per CPU-second (cpu us/op of single / of 3 nodes)', REFERENCE.base, REFERENCE.singleNode),
    ratio('3 nodes / echo (harness ceiling)', REFERENCE.base, REFERENCE.echo),
    ratio('single node / echo', REFERENCE.singleNode, REFERENCE.echo),
    ratio('pipelining+batching / neither', REFERENCE.base, REFERENCE.neither),
    ratio('pipelining+batching / batching only (no-pipelining)', REFERENCE.base, REFERENCE.noPipelining),
    ratio('pipelining+batching / pipelining only (no-batching)', REFERENCE.base, REFERENCE.noBatching),
  ];
}

export interface FloorReport {
  series: string;
  readMode: ReadMode;
  leader: string | null;
  rows: FloorRow[];
  /** Checker verdict of the floor run. */
  valid: boolean | 'unknown' | null;
}

export function floorReports(results: readonly PointResult[]): FloorReport[] {
  const out: FloorReport[] = [];
  for (const r of results) {
    if (!FLOOR_SERIES_NAMES.has(r.config.series) || !r.window) continue;
    const readMode: ReadMode = r.config.nodeArgs.includes('lease') ? 'lease' : 'read-index';
    out.push({
      series: r.config.series,
      readMode,
      leader: r.leader,
      rows: floorRows(r.window.latencyByRole, r.window.latencyByClass, r.config.latencyMs, readMode),
      valid: r.valid,
    });
  }
  return out;
}

export interface Target {
  name: string;
  /** What the target asks for, e.g. ">= 0.6". */
  goal: string;
  measured: number | null;
  met: boolean | null;
  /** How far off, in words, when missed. */
  note: string;
}

export function evaluateTargets(best: ReadonlyMap<string, SeriesBest>, floors: readonly FloorReport[]): Target[] {
  const targets: Target[] = [];
  const base = best.get(REFERENCE.base);
  const single = best.get(REFERENCE.singleNode);
  const neither = best.get(REFERENCE.neither);

  const share = base && single && single.opsPerSec > 0 ? base.opsPerSec / single.opsPerSec : null;
  targets.push(threshold('lin-kv 3 nodes L0, best ops/s as a share of single-node best', '>= 0.60', share, 0.6, 'min'));

  const mpo = base?.best.serverMsgsPerOp ?? null;
  targets.push(threshold(`server msgs-per-op at that load (${base ? base.concurrency + ' workers' : 'n/a'})`, '< 1.00', mpo, 1.0, 'max-exclusive'));

  const speedup = base && neither && neither.opsPerSec > 0 ? base.opsPerSec / neither.opsPerSec : null;
  targets.push(threshold('pipelining+batching speed-up over both off (best vs best)', '>= 2.00', speedup, 2.0, 'min'));

  for (const f of floors) {
    for (const row of f.rows) {
      if (row.ratio === null) {
        targets.push({ name: `${f.series}: ${row.cls} p50 mix vs floor mix 0 ms`, goal: '<= 1.2x', measured: row.p50Mix, met: null, note: 'floor mix is 0 ms: no ratio; see the absolute p50' });
        continue;
      }
      targets.push(threshold(`${f.series}: ${row.cls} p50 mix ${row.p50Mix} ms / floor mix ${row.floorMix} ms`, '<= 1.20', row.ratio, 1.2, 'max'));
    }
  }
  return targets;
}

function threshold(name: string, goal: string, measured: number | null, limit: number, kind: 'min' | 'max' | 'max-exclusive'): Target {
  if (measured === null) return { name, goal, measured: null, met: null, note: 'not measured (a point failed or was not in the plan)' };
  const m = round3(measured);
  const met = kind === 'min' ? measured >= limit : kind === 'max' ? measured <= limit : measured < limit;
  let note = 'met';
  if (!met) {
    const off = kind === 'min' ? (limit - measured) / limit : (measured - limit) / limit;
    note = `missed by ${(off * 100).toFixed(1)}% (${m} vs ${limit})`;
  }
  return { name, goal, measured: m, met, note };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// ---------------------------------------------------------------------------
// Tables.

function pad(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}

function cpuCell(r: PointResult): string {
  if (r.cpu.length === 0) return '-';
  const leader = r.cpu.find((c) => c.name === r.leader);
  const runner = r.cpu.find((c) => c.name === 'runner');
  return `${leader ? leader.percent.toFixed(0) : '-'}/${runner ? runner.percent.toFixed(0) : '-'}`;
}

/** Every point: one row each, grouped by series in plan order. */
export function pointsTable(results: readonly PointResult[], markdown: boolean): string[] {
  const header = ['configuration', 'workers', 'ops/s', 'ok/s', 'p50 ms', 'p99 ms', 'srv msgs/op', 'timeouts', 'batch', 'cpu% ldr/runner', 'cpu us/op', 'valid'];
  const rows: string[][] = [header];
  for (const r of results) {
    if (FLOOR_SERIES_NAMES.has(r.config.series)) continue;
    const w = r.window;
    if (!w) {
      rows.push([r.config.series, String(r.config.concurrency), 'ERROR', (r.error ?? '').split('\n')[0].slice(0, 80), '', '', '', '', '', '', '', '']);
      continue;
    }
    const batch = r.leaderStats?.['avg-batch'];
    rows.push([
      r.config.series,
      String(r.config.concurrency),
      w.repliedPerSec.toFixed(0),
      w.okPerSec.toFixed(0),
      w.latency.p50.toFixed(2),
      w.latency.p99.toFixed(2),
      r.serverMsgsPerOp === null ? '-' : r.serverMsgsPerOp.toFixed(3),
      String(w.timeoutsOrInfo),
      batch === undefined ? '-' : String(batch),
      cpuCell(r),
      cpuUsPerOp(r)?.toFixed(1) ?? '-',
      r.valid === null ? '-' : String(r.valid),
    ]);
  }
  return markdown ? markdownTable(rows) : pad(rows);
}

export function bestTable(best: ReadonlyMap<string, SeriesBest>, markdown: boolean): string[] {
  const rows: string[][] = [['configuration', 'best ops/s', 'at workers', 'p50 ms', 'p99 ms', 'srv msgs/op', 'cpu us/op']];
  for (const b of best.values()) {
    const w = b.best.window;
    rows.push([b.series, b.opsPerSec.toFixed(0), String(b.concurrency), w ? w.latency.p50.toFixed(2) : '-', w ? w.latency.p99.toFixed(2) : '-', b.best.serverMsgsPerOp?.toFixed(3) ?? '-', cpuUsPerOp(b.best)?.toFixed(1) ?? '-']);
  }
  return markdown ? markdownTable(rows) : pad(rows);
}

export function floorTable(floors: readonly FloorReport[], markdown: boolean): string[] {
  const rows: string[][] = [['run', 'op', 'leader p50 / floor ms', 'follower p50 / floor ms', 'p50 mix', 'floor mix', 'ratio', 'p50 all ops']];
  const cell = (x: FloorRow['leader']): string => (x ? `${x.p50.toFixed(1)} / ${x.floor} (+${(x.p50 - x.floor).toFixed(1)}, n=${x.count})` : '-');
  for (const f of floors) {
    for (const row of f.rows) {
      rows.push([f.series, row.cls, cell(row.leader), cell(row.follower), row.p50Mix.toFixed(1), row.floorMix.toFixed(1), row.ratio === null ? '-' : row.ratio.toFixed(2), row.p50.toFixed(1)]);
    }
  }
  return markdown ? markdownTable(rows) : pad(rows);
}

export function targetsTable(targets: readonly Target[], markdown: boolean): string[] {
  const rows: string[][] = [['target', 'goal', 'measured', 'verdict']];
  for (const t of targets) rows.push([t.name, t.goal, t.measured === null ? '-' : String(t.measured), t.met === null ? 'n/a' : t.met ? 'MET' : `MISSED: ${t.note}`]);
  return markdown ? markdownTable(rows) : pad(rows);
}

export function ratiosTable(ratios: readonly Ratio[], markdown: boolean): string[] {
  const rows: string[][] = [['ratio (best ops/s vs best ops/s)', 'value']];
  for (const r of ratios) rows.push([r.name, r.value === null ? '-' : r.value.toFixed(2)]);
  return markdown ? markdownTable(rows) : pad(rows);
}

function markdownTable(rows: string[][]): string[] {
  const esc = (c: string): string => c.replace(/\|/g, '\\|');
  const [head, ...body] = rows;
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...body.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ];
}

/**
 * CPU microseconds per reply, split into the runner, the leader and the other
 * nodes, for the best point of each configuration: where the machine's time
 * goes when the cluster is CPU-bound.
 */
export function cpuBreakdownTable(best: ReadonlyMap<string, SeriesBest>, markdown: boolean): string[] {
  const rows: string[][] = [['configuration (best point)', 'ops/s', 'runner us/op', 'leader us/op', 'other nodes us/op', 'total us/op', 'total cpu %']];
  for (const b of best.values()) {
    const r = b.best;
    const ops = b.opsPerSec;
    if (r.cpu.length === 0 || ops <= 0) continue;
    const us = (pct: number): string => (((pct / 100) / ops) * 1e6).toFixed(1);
    const runner = r.cpu.filter((c) => c.name === 'runner').reduce((s, c) => s + c.percent, 0);
    const leader = r.cpu.filter((c) => c.name === r.leader).reduce((s, c) => s + c.percent, 0);
    const others = r.cpu.filter((c) => c.name !== 'runner' && c.name !== r.leader).reduce((s, c) => s + c.percent, 0);
    rows.push([b.series, ops.toFixed(0), us(runner), us(leader), us(others), us(runner + leader + others), (runner + leader + others).toFixed(0)]);
  }
  return markdown ? markdownTable(rows) : pad(rows);
}
