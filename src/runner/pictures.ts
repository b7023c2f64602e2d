import { HistoryOp } from '../checker/history';
import { pairOps } from './results';

/** Pictures people would rather look at than read: latency-raw.svg, rate.svg, timeline.html. */

const COLORS: Record<string, string> = { ok: '#3a8ee6', info: '#ff9f1a', fail: '#e6407a' };
const W = 960;
const H = 420;
const M = { left: 64, right: 150, top: 30, bottom: 44 };

export interface FaultInterval {
  label: string;
  from: number;
  to: number;
}

/** Intervals (seconds) during which a nemesis fault was active; open ones end at `endS`. */
export function faultIntervals(history: readonly HistoryOp[], endS: number): FaultInterval[] {
  const open = new Map<string, { from: number; label: string }>();
  const out: FaultInterval[] = [];
  for (const op of history) {
    if (op.process !== 'nemesis') continue;
    const t = op.time / 1e9;
    const m = /^(start|stop)-(.*)$/.exec(op.f);
    if (!m) continue;
    const kind = m[2];
    if (m[1] === 'start' && !open.has(kind)) open.set(kind, { from: t, label: typeof op.value === 'string' ? `${kind} ${op.value}` : kind });
    if (m[1] === 'stop' && open.has(kind)) {
      const o = open.get(kind) as { from: number; label: string };
      out.push({ label: o.label, from: o.from, to: t });
      open.delete(kind);
    }
  }
  for (const [, o] of open) out.push({ label: o.label, from: o.from, to: endS });
  return out;
}

/** Math.max/min without spreading (large histories overflow the argument stack). */
function maxOf(xs: Iterable<number>, start: number): number {
  let m = start;
  for (const x of xs) if (x > m) m = x;
  return m;
}

function minOf(xs: Iterable<number>, start: number): number {
  let m = start;
  for (const x of xs) if (x < m) m = x;
  return m;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function frame(title: string, body: string[], xLabel: string, yLabel: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    ...body,
    `<text x="${M.left + (W - M.left - M.right) / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(14 ${M.top + (H - M.top - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
    '</svg>',
  ].join('\n');
}

function xAxis(endS: number): { x: (s: number) => number; svg: string[] } {
  const span = Math.max(endS, 1e-3);
  const x = (s: number): number => M.left + (s / span) * (W - M.left - M.right);
  const svg: string[] = [`<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="black"/>`];
  const step = niceStep(span / 8);
  for (let t = 0; t <= span + 1e-9; t += step) {
    svg.push(`<line x1="${x(t)}" y1="${H - M.bottom}" x2="${x(t)}" y2="${H - M.bottom + 4}" stroke="black"/>`);
    svg.push(`<text x="${x(t)}" y="${H - M.bottom + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  return { x, svg };
}

function niceStep(raw: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(Math.abs(x) < 1 ? 2 : 1);
}

function shading(intervals: readonly FaultInterval[], x: (s: number) => number): string[] {
  return intervals.map(
    (iv) =>
      `<rect x="${x(iv.from)}" y="${M.top}" width="${Math.max(1, x(iv.to) - x(iv.from))}" height="${H - M.top - M.bottom}" fill="#888" fill-opacity="0.15"><title>${esc(iv.label)}</title></rect>`,
  );
}

function legend(entries: { label: string; color: string; shape?: string }[]): string[] {
  return entries.map((e, i) => {
    const y = M.top + 14 * i + 6;
    return `<rect x="${W - M.right + 12}" y="${y - 7}" width="9" height="9" fill="${e.color}"/><text x="${W - M.right + 26}" y="${y + 1}">${esc(e.label)}</text>`;
  });
}

/** Each op's latency over time (log scale), coloured by outcome, faults shaded. */
export function latencyRawSvg(history: readonly HistoryOp[], endS: number): string {
  const pairs = pairOps(history).filter((p) => p.completion !== null);
  const { x, svg: axis } = xAxis(endS);
  const lats = pairs.map((p) => ((p.completion as HistoryOp).time - p.invoke.time) / 1e6);
  const lo = Math.max(0.01, minOf(lats, 1));
  const hi = maxOf(lats, 10);
  const ly = (ms: number): number => {
    const f = (Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1);
    return H - M.bottom - f * (H - M.top - M.bottom);
  };
  const body: string[] = [...shading(faultIntervals(history, endS), x), ...axis];
  for (let d = Math.floor(Math.log10(lo)); d <= Math.ceil(Math.log10(hi)); d++) {
    const v = Math.pow(10, d);
    if (v < lo || v > hi) continue;
    body.push(`<line x1="${M.left - 4}" y1="${ly(v)}" x2="${W - M.right}" y2="${ly(v)}" stroke="#ddd"/>`);
    body.push(`<text x="${M.left - 6}" y="${ly(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  const fs = [...new Set(pairs.map((p) => p.invoke.f))].sort();
  pairs.forEach((p, i) => {
    const c = p.completion as HistoryOp;
    const cx = x(p.invoke.time / 1e9).toFixed(1);
    const cy = ly(lats[i]).toFixed(1);
    const color = COLORS[c.type] ?? '#000';
    const shape = fs.indexOf(p.invoke.f) % 3;
    if (shape === 0) body.push(`<circle cx="${cx}" cy="${cy}" r="2" fill="${color}"/>`);
    else if (shape === 1) body.push(`<rect x="${Number(cx) - 2}" y="${Number(cy) - 2}" width="4" height="4" fill="${color}"/>`);
    else body.push(`<path d="M${cx} ${Number(cy) - 2.5}l2.5 4.5h-5z" fill="${color}"/>`);
  });
  body.push(...legend([...['ok', 'info', 'fail'].map((t) => ({ label: t, color: COLORS[t] })), ...fs.map((f, i) => ({ label: `${['●', '■', '▲'][i % 3]} ${f}`, color: '#fff' }))]));
  return frame('Raw latency', body, 'time (s)', 'latency (ms, log)');
}

/** Completions per second by f and outcome, faults shaded. */
export function rateSvg(history: readonly HistoryOp[], endS: number): string {
  const pairs = pairOps(history).filter((p) => p.completion !== null);
  const { x, svg: axis } = xAxis(endS);
  const bucket = Math.max(0.1, niceStep(Math.max(endS, 1) / 60));
  const nb = Math.max(1, Math.ceil(endS / bucket));
  const series = new Map<string, number[]>();
  for (const p of pairs) {
    const c = p.completion as HistoryOp;
    const key = `${p.invoke.f} ${c.type}`;
    const xs = series.get(key) ?? new Array<number>(nb).fill(0);
    xs[Math.min(nb - 1, Math.floor(c.time / 1e9 / bucket))] += 1 / bucket;
    series.set(key, xs);
  }
  const max = maxOf([...series.values()].flat(), 1);
  const y = (r: number): number => H - M.bottom - (r / max) * (H - M.top - M.bottom);
  const body: string[] = [...shading(faultIntervals(history, endS), x), ...axis];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    body.push(`<line x1="${M.left - 4}" y1="${y(v)}" x2="${W - M.right}" y2="${y(v)}" stroke="#eee"/><text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(Math.round(v * 10) / 10)}</text>`);
  }
  const palette = ['#3a8ee6', '#ff9f1a', '#e6407a', '#2ca02c', '#9467bd', '#8c564b', '#17becf', '#bcbd22', '#7f7f7f'];
  const keys = [...series.keys()].sort();
  keys.forEach((k, i) => {
    const pts = (series.get(k) as number[]).map((r, b) => `${x((b + 0.5) * bucket).toFixed(1)},${y(r).toFixed(1)}`).join(' ');
    body.push(`<polyline points="${pts}" fill="none" stroke="${palette[i % palette.length]}" stroke-width="1.5"/>`);
  });
  body.push(...legend(keys.map((k, i) => ({ label: k, color: palette[i % palette.length] }))));
  return frame('Throughput', body, 'time (s)', 'completions / s');
}

/** One column per process; each op a bar from invocation to completion, coloured by outcome. */
export const TIMELINE_MAX_OPS = 10_000;

export function timelineHtml(history: readonly HistoryOp[], title: string): string {
  const all = pairOps(history);
  // Browsers choke on hundreds of thousands of divs; show the first ops only and say so.
  const pairs = all.slice(0, TIMELINE_MAX_OPS);
  const note = all.length > pairs.length ? ` Showing the first ${pairs.length} of ${all.length} operations.` : '';
  const processes = [...new Set(pairs.map((p) => p.invoke.process as number))].sort((a, b) => a - b);
  const end = maxOf(pairs.map((p) => p.completion?.time ?? p.invoke.time), 1);
  const pxPerS = Math.min(2000, Math.max(60, 4000 / (end / 1e9)));
  const col = new Map(processes.map((p, i) => [p, i]));
  const bars = pairs.map((p) => {
    const c = p.completion;
    const top = (p.invoke.time / 1e9) * pxPerS;
    const h = Math.max(2, (((c?.time ?? end) - p.invoke.time) / 1e9) * pxPerS);
    const type = c?.type ?? 'info';
    const tip = `${p.invoke.process} ${p.invoke.f} ${JSON.stringify(p.invoke.value)} -> ${type} ${JSON.stringify(c?.value ?? null)}${c?.error !== undefined ? ' ' + JSON.stringify(c.error) : ''} [${((p.invoke.time) / 1e6).toFixed(1)} ms, ${c ? ((c.time - p.invoke.time) / 1e6).toFixed(1) + ' ms' : 'no completion'}] node ${String(p.invoke.node ?? '')}`;
    return `<div class="op ${type}" style="left:${(col.get(p.invoke.process as number) as number) * 110 + 60}px;top:${top.toFixed(1)}px;height:${h.toFixed(1)}px" title="${esc(tip)}">${esc(p.invoke.f)}</div>`;
  });
  const heads = processes.map((p, i) => `<div class="head" style="left:${i * 110 + 60}px">process ${p}</div>`);
  const faults = faultIntervals(history, end / 1e9).map(
    (iv) => `<div class="fault" style="top:${(iv.from * pxPerS).toFixed(1)}px;height:${Math.max(1, (iv.to - iv.from) * pxPerS).toFixed(1)}px" title="${esc(iv.label)}">${esc(iv.label)}</div>`,
  );
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font-family:sans-serif;font-size:11px}
.wrap{position:relative;margin-top:30px;height:${Math.ceil((end / 1e9) * pxPerS) + 40}px}
.op{position:absolute;width:100px;overflow:hidden;border-radius:2px;opacity:.85;white-space:nowrap}
.ok{background:#9fd0ff}.info{background:#ffd08a}.fail{background:#ffb3cf}
.head{position:absolute;top:-22px;width:100px;font-weight:bold}
.fault{position:absolute;left:0;width:56px;background:#ddd;overflow:hidden}
</style></head><body><h3>${esc(title)}</h3><p>Time runs downwards (${pxPerS.toFixed(0)} px/s). Hover an operation for details. Grey bars on the left: active faults.${esc(note)}</p>
<div class="wrap">${heads.join('')}${faults.join('')}${bars.join('\n')}</div></body></html>`;
}
