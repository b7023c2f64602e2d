/**
 * The live view's page (`test --live PORT`): polls /live.json every 500 ms
 * and redraws. Self-contained like the store pages; the script is plain
 * JavaScript without backticks or template placeholders (it sits in a
 * template string).
 */

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const SCRIPT = String.raw`(function () {
'use strict';
var POLL_MS = 500;
var state = window.__live = { updates: 0, failures: 0, last: null };
var $ = function (id) { return document.getElementById(id); };
function fmt(x, d) { return x === null || x === undefined ? '–' : Number(x).toFixed(d === undefined ? 1 : d); }
function cell(tr, text, cls) { var td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td); }

function chart(canvas, series, lines, yLabel, seconds) {
  var dpr = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight;
  canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
  var c = canvas.getContext('2d');
  c.setTransform(dpr, 0, 0, dpr, 0, 0);
  c.clearRect(0, 0, w, h);
  var L = 46, R = 8, T = 8, B = 20;
  var n = Math.max(series.length, seconds, 10), max = 1;
  series.forEach(function (p) { lines.forEach(function (l) { var v = p[l.key]; if (v !== null && v > max) max = v; }); });
  var x = function (i) { return L + (i + 0.5) / n * (w - L - R); };
  var y = function (v) { return h - B - v / max * (h - T - B); };
  c.strokeStyle = '#ddd'; c.fillStyle = '#666'; c.font = '10px sans-serif'; c.lineWidth = 1;
  for (var g = 0; g <= 4; g++) {
    var v = max * g / 4, yy = Math.round(y(v)) + 0.5;
    c.beginPath(); c.moveTo(L, yy); c.lineTo(w - R, yy); c.stroke();
    c.textAlign = 'right'; c.fillText(v >= 100 ? v.toFixed(0) : v.toFixed(1), L - 4, yy + 3);
  }
  c.textAlign = 'center';
  var step = Math.max(1, Math.ceil(n / 10));
  for (var t = 0; t < n; t += step) c.fillText(t + ' s', x(t), h - 6);
  c.save(); c.translate(10, T + (h - T - B) / 2); c.rotate(-Math.PI / 2); c.fillText(yLabel, 0, 0); c.restore();
  lines.forEach(function (l) {
    c.strokeStyle = l.color; c.lineWidth = 1.8; c.beginPath();
    var started = false;
    series.forEach(function (p, i) {
      var v = p[l.key];
      if (v === null) { started = false; return; }
      if (!started) { c.moveTo(x(i), y(v)); started = true; } else c.lineTo(x(i), y(v));
    });
    c.stroke();
  });
}

function render(s) {
  state.updates++; state.last = s;
  $('phase').textContent = s.phase === 'setup' ? 'setting up (init)' : s.phase === 'running' ? 'running' : 'finished';
  $('phase').className = 'phase ' + s.phase;
  $('elapsed').textContent = fmt(s.elapsedS) + ' / ' + s.timeLimitS + ' s';
  $('bar').style.width = Math.min(100, 100 * s.elapsedS / Math.max(0.001, s.timeLimitS)) + '%';
  $('invoke').textContent = s.totals.invoke;
  $('ok').textContent = s.totals.ok;
  $('fail').textContent = s.totals.fail;
  $('info').textContent = s.totals.info;
  var full = s.series.length >= 2 ? s.series[s.series.length - 2] : null;
  $('rate').textContent = full ? (full.ok + full.fail + full.info) + ' ops/s (' + full.ok + ' ok, ' + full.fail + ' fail, ' + full.info + ' info)' : '–';
  $('lat').textContent = s.recent.count ? 'p50 ' + fmt(s.recent.p50, 2) + ' · p95 ' + fmt(s.recent.p95, 2) + ' · p99 ' + fmt(s.recent.p99, 2) + ' · max ' + fmt(s.recent.max, 1) + ' ms (' + s.recent.count + ' ops)' : '–';
  $('faults').textContent = s.faults.length ? s.faults.join(', ') : 'none';
  $('faults').className = s.faults.length ? 'hot' : '';
  var ev = $('events'); ev.textContent = '';
  s.events.slice().reverse().forEach(function (e) {
    var li = document.createElement('li');
    li.textContent = fmt(e.t, 2) + ' s  ' + e.f + (e.value === null || e.value === undefined ? '' : '  ' + JSON.stringify(e.value));
    ev.appendChild(li);
  });
  var tb = $('nodes'); tb.textContent = '';
  s.status.forEach(function (n) {
    var tr = document.createElement('tr');
    tr.className = 'node-' + n.state;
    cell(tr, n.node, 'id');
    if (n.state === 'ok') {
      cell(tr, n.role || '?', 'role ' + (n.role || ''));
      cell(tr, fmt(n.term, 0)); cell(tr, n.leader === null ? 'none' : (n.leader || '?'));
      cell(tr, fmt(n.commit, 0)); cell(tr, fmt(n.applied, 0));
      cell(tr, (n.voters || []).join(','));
      cell(tr, fmt(n.ageS, 1) + ' s ago', 'age');
    } else {
      var td = document.createElement('td'); td.colSpan = 7; td.className = 'why';
      td.textContent = n.state === 'unsupported' ? 'not supported (the node answers raft_status with error 10)'
        : n.state === 'silent' ? 'not supported or not answering (' + (n.detail || 'no answer') + ')'
        : n.state === 'pending' ? (s.phase === 'setup' ? 'waiting for the client phase' : 'asking…') : (n.detail || n.state);
      tr.appendChild(td);
    }
    tb.appendChild(tr);
  });
  // While running, the current second is still filling up: leave it out rather than draw a false drop.
  var done = s.phase === 'done' ? s.series : s.series.slice(0, -1), secs = Math.ceil(s.timeLimitS);
  chart($('opsChart'), done, [{ key: 'ok', color: '#3a8ee6' }, { key: 'fail', color: '#e6407a' }, { key: 'info', color: '#ff9f1a' }], 'ops/s', secs);
  chart($('latChart'), done, [{ key: 'p50', color: '#2ca02c' }, { key: 'p95', color: '#9467bd' }], 'latency ms', secs);
  $('conn').textContent = 'updated ' + new Date().toLocaleTimeString();
}

function poll() {
  fetch('live.json', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (s) {
    render(s);
    setTimeout(poll, POLL_MS);
  }).catch(function () {
    state.failures++;
    var finished = state.last && state.last.elapsedS >= state.last.timeLimitS - 0.5;
    $('conn').textContent = finished ? 'the runner has exited (test over); the numbers above are the last ones' : 'no answer from the runner; retrying…';
    $('conn').className = 'lost';
    setTimeout(poll, POLL_MS * 4);
  });
}
poll();
})();
`;

export function liveHtml(title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)} — live</title>
<style>
body{font-family:sans-serif;font-size:13px;margin:12px;color:#222;max-width:1200px}
h1{font-size:17px;margin:0 0 6px}
.phase{font-weight:bold;padding:1px 6px;border-radius:3px;background:#eee}
.phase.running{background:#d3f9d8}.phase.done{background:#dbe4ff}
.progress{height:6px;background:#eee;border-radius:3px;margin:6px 0 10px;width:100%}
#bar{height:6px;background:#3a8ee6;border-radius:3px;width:0}
.grid{display:grid;grid-template-columns:repeat(4,1fr);gap:8px;margin-bottom:10px}
.box{border:1px solid #ddd;border-radius:4px;padding:6px 8px}
.box b{display:block;font-size:20px}
.ok b{color:#1971c2}.fail b{color:#c2255c}.info b{color:#e8590c}
canvas{width:100%;height:180px;display:block;border:1px solid #eee}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:10px}
table{border-collapse:collapse;margin-top:6px}
td,th{border-bottom:1px solid #eee;padding:3px 10px;text-align:left}
.role.leader{color:#2b8a3e;font-weight:bold}.role.candidate{color:#e8590c}
.why{color:#888;font-style:italic}.age{color:#999}
.hot{color:#c92a2a;font-weight:bold}
#events{font-family:monospace;font-size:11px;margin:4px 0;padding-left:18px;max-height:150px;overflow:auto}
#conn{color:#888}#conn.lost{color:#c92a2a}
</style></head><body>
<h1>${esc(title)} <span id="phase" class="phase">connecting</span></h1>
<div>elapsed <span id="elapsed">–</span> · <span id="conn">connecting…</span></div>
<div class="progress"><div id="bar"></div></div>
<div class="grid">
<div class="box"><span>invoked</span><b id="invoke">–</b></div>
<div class="box ok"><span>ok</span><b id="ok">–</b></div>
<div class="box fail"><span>fail</span><b id="fail">–</b></div>
<div class="box info"><span>info (indeterminate)</span><b id="info">–</b></div>
</div>
<div>last full second: <span id="rate">–</span></div>
<div>latency, last 5 s: <span id="lat">–</span></div>
<div>active faults: <span id="faults">–</span></div>
<div class="charts">
<div><h3>completions per second (ok blue, fail pink, info orange)</h3><canvas id="opsChart"></canvas></div>
<div><h3>latency per second (p50 green, p95 purple)</h3><canvas id="latChart"></canvas></div>
</div>
<h3>nodes (raft_status, polled at most twice a second while this page is open)</h3>
<table><thead><tr><th>node</th><th>role</th><th>term</th><th>leader</th><th>commit</th><th>applied</th><th>voters</th><th>as of</th></tr></thead>
<tbody id="nodes"></tbody></table>
<h3>last nemesis events</h3><ul id="events"></ul>
<script>
${SCRIPT}
</script>
</body></html>
`;
}
