/**
 * Throughput vs latency plot, hand-written SVG (no dependencies): one line per
 * configuration through its concurrency points, x = ops/s, y = p50 latency
 * (log scale, with p99 as a faint whisker). Pure: returns the SVG text.
 */
import type { PointResult } from './point-config';
import { opsPerSec } from './report';

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22', '#393b79', '#637939'];

export interface PlotOptions {
  title: string;
  width?: number;
  height?: number;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** "Nice" linear ticks covering [0, max]. */
export function linearTicks(max: number, count = 6): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = 0; t <= max + step * 1e-9; t += step) ticks.push(Math.round(t * 1e6) / 1e6);
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

/** Powers of ten (and 2x, 5x) spanning [lo, hi], for a log axis. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * Math.pow(10, e);
      if (v >= lo / 1.0001 && v <= hi * 1.0001) out.push(Math.round(v * 1e6) / 1e6);
    }
  }
  return out;
}

export function throughputLatencySvg(results: readonly PointResult[], o: PlotOptions): string {
  const width = o.width ?? 900;
  const height = o.height ?? 520;
  const m = { left: 70, right: 290, top: 40, bottom: 55 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;

  const series = new Map<string, PointResult[]>();
  for (const r of results) {
    if (!r.window || r.window.latency.count === 0) continue;
    const list = series.get(r.config.series) ?? [];
    list.push(r);
    series.set(r.config.series, list);
  }
  const all = [...series.values()].flat();
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${m.left}" y="22" font-size="15" font-weight="bold">${esc(o.title)}</text>`,
  ];
  if (all.length === 0) {
    parts.push(`<text x="${m.left}" y="${m.top + 30}">no points</text>`, '</svg>');
    return parts.join('\n');
  }
  const xMax = Math.max(...all.map(opsPerSec)) * 1.05;
  const lats = all.flatMap((r) => [r.window!.latency.p50, r.window!.latency.p99]).filter((x) => x > 0);
  const yLo = Math.pow(10, Math.floor(Math.log10(Math.min(...lats))));
  const yHi = Math.pow(10, Math.ceil(Math.log10(Math.max(...lats))));
  const xTicks = linearTicks(xMax);
  const xTop = xTicks[xTicks.length - 1];
  const X = (v: number): number => m.left + (v / xTop) * plotW;
  const Y = (v: number): number => m.top + plotH - ((Math.log10(Math.max(v, yLo)) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo))) * plotH;

  parts.push(`<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  for (const t of xTicks) {
    parts.push(`<line x1="${X(t).toFixed(1)}" y1="${m.top}" x2="${X(t).toFixed(1)}" y2="${m.top + plotH}" stroke="#eee"/>`);
    parts.push(`<text x="${X(t).toFixed(1)}" y="${m.top + plotH + 16}" text-anchor="middle">${t}</text>`);
  }
  for (const t of logTicks(yLo, yHi)) {
    parts.push(`<line x1="${m.left}" y1="${Y(t).toFixed(1)}" x2="${m.left + plotW}" y2="${Y(t).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.left - 6}" y="${(Y(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`);
  }
  parts.push(`<text x="${m.left + plotW / 2}" y="${height - 14}" text-anchor="middle">throughput (replies/s in the measurement window)</text>`);
  parts.push(`<text transform="translate(16 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">latency ms (p50 line, p99 whisker; log)</text>`);

  let i = 0;
  for (const [name, points] of series) {
    const color = PALETTE[i % PALETTE.length];
    const sorted = [...points].sort((a, b) => a.config.concurrency - b.config.concurrency);
    const path = sorted.map((r, k) => `${k === 0 ? 'M' : 'L'}${X(opsPerSec(r)).toFixed(1)},${Y(r.window!.latency.p50).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const r of sorted) {
      const x = X(opsPerSec(r)).toFixed(1);
      const w = r.window!;
      parts.push(`<line x1="${x}" y1="${Y(w.latency.p50).toFixed(1)}" x2="${x}" y2="${Y(w.latency.p99).toFixed(1)}" stroke="${color}" stroke-opacity="0.35"/>`);
      parts.push(
        `<circle cx="${x}" cy="${Y(w.latency.p50).toFixed(1)}" r="3.5" fill="${color}"><title>${esc(name)}, ${r.config.concurrency} workers: ` +
          `${opsPerSec(r).toFixed(0)} ops/s, p50 ${w.latency.p50} ms, p99 ${w.latency.p99} ms</title></circle>`,
      );
    }
    const ly = m.top + 10 + i * 18;
    parts.push(`<line x1="${m.left + plotW + 15}" y1="${ly}" x2="${m.left + plotW + 35}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${m.left + plotW + 40}" y="${ly + 4}">${esc(name)}</text>`);
    i++;
  }
  parts.push('</svg>');
  return parts.join('\n');
}
