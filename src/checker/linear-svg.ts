/**
 * Draws a linearizability failure window as SVG: one row per process, each op
 * a bar from invocation to completion (info ops run to the right edge), the
 * impossible op in red. Positions are history indexes, so the picture is the
 * same whatever the clock resolution was.
 */
import { describeOp, LinearizabilityFailure, WindowOp } from './linear-report';
import { show } from './values';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function label(op: WindowOp): string {
  if (op.f === 'cas' && Array.isArray(op.value)) return `cas ${show(op.value[0])}→${show(op.value[1])}`;
  return `${op.f} ${show(op.value)}`;
}

export function renderFailureSvg(failure: LinearizabilityFailure, title = 'Not linearizable'): string {
  if (!failure.op) throw new Error('renderFailureSvg: failure has no impossible op');
  const ops = [failure.op, ...failure.concurrent];
  const processes = [...new Set(ops.map((o) => String(o.process)))].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  const lo = Math.min(...ops.map((o) => o.invokeIndex));
  const finite = ops.map((o) => o.completeIndex).filter((x): x is number => x !== null);
  const hi = Math.max(lo + 1, ...finite, ...ops.map((o) => o.invokeIndex)) + 1;
  const left = 110;
  const width = 900;
  const rowH = 34;
  const top = 50;
  const stateLines = failure.states.length + 2;
  const height = top + processes.length * rowH + 20 + stateLines * 16 + 10;
  const x = (pos: number): number => left + ((pos - lo) / (hi - lo)) * (width - left - 20);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="10" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`);
  parts.push(`<text x="10" y="38" fill="#555">history index ${lo} .. ${hi - 1}; red = the operation that could not be linearized</text>`);
  processes.forEach((p, row) => {
    const y = top + row * rowH;
    parts.push(`<text x="10" y="${y + 20}">process ${esc(p)}</text>`);
    parts.push(`<line x1="${left}" y1="${y + rowH - 2}" x2="${width - 10}" y2="${y + rowH - 2}" stroke="#eee"/>`);
  });
  for (const op of ops) {
    const row = processes.indexOf(String(op.process));
    const y = top + row * rowH + 4;
    const x1 = x(op.invokeIndex);
    const x2 = op.completeIndex === null ? width - 20 : x(op.completeIndex);
    const impossible = op === failure.op;
    const fill = impossible ? '#f4a6a6' : op.outcome === 'info' ? '#fde9a9' : '#b7d7f4';
    const stroke = impossible ? '#c00' : '#557';
    parts.push(`<g><title>${esc(describeOp(op))}</title>`);
    parts.push(`<rect x="${x1.toFixed(1)}" y="${y}" width="${Math.max(4, x2 - x1).toFixed(1)}" height="${rowH - 10}" fill="${fill}" stroke="${stroke}" stroke-width="${impossible ? 2 : 1}"/>`);
    parts.push(`<text x="${(x1 + 4).toFixed(1)}" y="${y + 16}">${esc(label(op))}${op.outcome === 'info' ? ' (info)' : ''}</text></g>`);
  }
  let y = top + processes.length * rowH + 24;
  parts.push(`<text x="10" y="${y}" font-weight="bold">Last consistent states before it:</text>`);
  for (const s of failure.states) {
    y += 16;
    const lin = s.linearizedInWindow.length ? `after ${s.linearizedInWindow.map((i) => `#${i}`).join(', ')}` : 'before the window';
    parts.push(`<text x="20" y="${y}">register = ${esc(show(s.value))} (${esc(lin)})</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
