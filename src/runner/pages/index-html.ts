import { RunSummary } from '../serve-runs';

/** `serve`'s pages: the index of runs and a listing per directory. Plain HTML, no script. */

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** URL of a path under the store root: /store/<each segment percent-encoded>. */
export function storeUrl(rel: string, dir = false): string {
  const segs = rel === '' ? [] : rel.split('/').map(encodeURIComponent);
  return '/store/' + segs.join('/') + (dir && segs.length ? '/' : '');
}

/** The files a reader looks at first, in this order, with a short name for the index. */
export const PICTURES: readonly [string, string][] = [
  ['messages.html', 'messages'],
  ['timeline.html', 'timeline'],
  ['latency-raw.svg', 'latency'],
  ['rate.svg', 'rate'],
  ['results.json', 'results'],
  ['history.jsonl', 'history'],
  ['jepsen.log', 'log'],
];

const STYLE = `body{font-family:sans-serif;font-size:13px;margin:14px;color:#222}
h1{font-size:18px;margin:0 0 4px}table{border-collapse:collapse;margin-top:10px}
td,th{border-bottom:1px solid #eee;padding:4px 9px;text-align:left;white-space:nowrap}th{background:#f6f6f6}
td.num{text-align:right}.valid{color:#2b8a3e;font-weight:bold}.invalid{color:#c92a2a;font-weight:bold}
.unknown{color:#e8590c;font-weight:bold}.none{color:#888}a{color:#1864ab;text-decoration:none}a:hover{text-decoration:underline}
.links a{margin-right:8px}.muted{color:#888}ul{line-height:1.6}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body>
${body}
</body></html>
`;
}

function verdictCell(r: RunSummary): string {
  const text = r.verdict === 'none' ? 'no verdict' : r.verdict;
  const why = r.verdict === 'none' ? ' title="no results.json: the run crashed, was aborted, or is still running"' : '';
  return `<td class="${r.verdict}"${why}>${text}</td>`;
}

function runLinks(r: RunSummary): string {
  const links = PICTURES.filter(([f]) => r.files.includes(f)).map(([f, label]) => `<a href="${storeUrl(r.rel ? `${r.rel}/${f}` : f)}">${label}</a>`);
  links.push(`<a href="${storeUrl(r.rel, true)}">all files</a>`);
  return links.join('');
}

export function indexHtml(storeLabel: string, runs: readonly RunSummary[]): string {
  const rows = runs.map((r) => {
    const avail = r.availability === null ? '–' : `${(r.availability * 100).toFixed(1)} %`;
    return (
      `<tr class="run"><td><a href="${storeUrl(r.rel, true)}">${esc(r.start.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</a></td>` +
      `<td>${esc(r.workload)}</td><td class="num">${r.nodes ?? '–'}</td>${verdictCell(r)}` +
      `<td class="num">${r.ops ?? '–'}</td><td class="num">${avail}</td><td class="links">${runLinks(r)}</td>` +
      `<td class="muted">${esc(r.rel)}</td></tr>`
    );
  });
  const body =
    `<h1>maelstrom-local runs</h1><div class="muted">${runs.length} run${runs.length === 1 ? '' : 's'} under ${esc(storeLabel)}, newest first · ` +
    `<a href="${storeUrl('', true)}">browse the store</a></div>` +
    (runs.length === 0
      ? '<p>No runs yet: <code>bin/maelstrom-local test …</code> writes them here.</p>'
      : `<table><thead><tr><th>started (UTC)</th><th>workload</th><th>nodes</th><th>verdict</th><th>ops</th><th>availability</th><th>files</th><th>directory</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`);
  return page('maelstrom-local runs', body);
}

export interface DirEntry {
  name: string;
  dir: boolean;
  size: number;
}

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A directory of the store; for a run directory, its summary and pictures first. */
export function dirHtml(rel: string, entries: readonly DirEntry[], run: RunSummary | null): string {
  const crumbs = ['<a href="/">runs</a>', `<a href="${storeUrl('', true)}">store</a>`];
  const segs = rel === '' ? [] : rel.split('/');
  segs.forEach((s, i) => crumbs.push(`<a href="${storeUrl(segs.slice(0, i + 1).join('/'), true)}">${esc(s)}</a>`));
  const join = (name: string): string => (rel ? `${rel}/${name}` : name);
  const list = entries
    .map((e) => `<li><a href="${storeUrl(join(e.name), e.dir)}">${esc(e.name)}${e.dir ? '/' : ''}</a> <span class="muted">${e.dir ? '' : size(e.size)}</span></li>`)
    .join('\n');
  let head = '';
  if (run) {
    const pics = PICTURES.filter(([f]) => run.files.includes(f))
      .map(([f, label]) => `<a href="${storeUrl(join(f))}">${label}</a>`)
      .join(' · ');
    head =
      `<p>${esc(run.workload)} · started ${esc(run.start)} · ${run.nodes ?? '?'} node(s) · verdict <span class="${run.verdict}">${run.verdict === 'none' ? 'no verdict' : run.verdict}</span>` +
      ` · ${run.ops ?? '–'} ops · availability ${run.availability === null ? '–' : (run.availability * 100).toFixed(1) + ' %'}</p><p class="links">${pics}</p>`;
  }
  return page(rel || 'store', `<h1>${crumbs.join(' / ')}</h1>${head}<ul>\n${list}\n</ul>`);
}
