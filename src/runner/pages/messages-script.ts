/**
 * The browser side of messages.html, as plain JavaScript (the page is a single
 * self-contained file, so this text is inlined into it). Kept free of
 * backticks and template placeholders because it lives in a TypeScript
 * template string.
 *
 * Only what is visible is drawn: messages are sorted by send time, so a binary
 * search finds the sends in the visible window (plus the few sent earlier that
 * are still in flight across it). Below ARROW_LIMIT visible sends each message
 * is an arrow; above it the window is cut into pixel rows and each row shows
 * one stroke per (source lane, destination lane) pair, darker the more
 * messages it stands for, so a 30 s run with a million messages still draws
 * in a few milliseconds.
 */
export const MESSAGES_SCRIPT = String.raw`(function () {
'use strict';
var ARROW_LIMIT = 3000, LABEL_LIMIT = 500, ROW_PX = 4, MIN_LANE_W = 34, TOP = 40, LEFT = 70, MIN_SPAN = 20;
var T_START = performance.now();
var D = JSON.parse(document.getElementById('msg-data').textContent);
var T_PARSED = performance.now();
var BODIES = document.getElementById('msg-bodies').textContent;
var N = D.n, NL = D.lanes.length;
var S = new Float64Array(N), R = new Float64Array(N), A = new Int32Array(N), B = new Int32Array(N), T = new Int32Array(N);
var DUP = new Uint8Array(N);
var maxLat = 0, tMin = Math.min(0, D.t0), tMax = D.end;
(function decode() {
  var t = D.t0, m = D.m;
  for (var i = 0, j = 0; i < N; i++, j += 5) {
    t += m[j]; S[i] = t;
    var l = m[j + 1];
    R[i] = l < 0 ? -1 : t + l;
    if (l > maxLat) maxLat = l;
    if (R[i] > tMax) tMax = R[i];
    A[i] = m[j + 2]; B[i] = m[j + 3]; T[i] = m[j + 4];
  }
  if (N > 0 && S[N - 1] > tMax) tMax = S[N - 1];
  for (var k = 0; k < D.dup.length; k++) DUP[D.dup[k]] = 1;
  D.m = null;
})();
if (tMax <= tMin) tMax = tMin + 1000;
var T_DECODED = performance.now();
var ERR = D.types.indexOf('error');
var KIND = D.kinds.map(function (k) { return k === 'node' ? 0 : k === 'service' ? 1 : 2; });
var LANE_OF = {};
D.lanes.forEach(function (l, i) { LANE_OF[l] = i; });

// Bodies are parsed one at a time, when a label or the hover box needs one.
var bodyOff = null;
function body(i) {
  if (bodyOff === null) {
    bodyOff = new Int32Array(N + 1);
    var p = 0;
    for (var k = 0; k < N; k++) {
      bodyOff[k] = p;
      var q = BODIES.indexOf('\n', p);
      p = q < 0 ? BODIES.length + 1 : q + 1;
    }
    bodyOff[N] = BODIES.length + 1;
  }
  try {
    var text = BODIES.slice(bodyOff[i], bodyOff[i + 1] - 1);
    // "E" + a whole envelope: the node's own stdout line, kept as it was (see message-log.ts).
    if (text.charCodeAt(0) === 69) return JSON.parse(text.slice(1)).body || {};
    return JSON.parse(text);
  } catch (e) { return {}; }
}
var LABEL_FIELDS = ['key', 'value', 'from', 'to', 'delta', 'element', 'message', 'term', 'code', 'in_reply_to'];
function label(i) {
  var b = body(i), s = D.types[T[i]];
  for (var k = 0; k < LABEL_FIELDS.length; k++) {
    var f = LABEL_FIELDS[k];
    if (!(f in b)) continue;
    var v = JSON.stringify(b[f]);
    if (v === undefined || v.length > 24) continue;
    s += ' ' + f + '=' + v;
  }
  // Batched protocols (our Raft's {type:"raft", ms:[...]}) carry typed messages in an array: name the first few.
  for (var key in b) {
    var arr = b[key];
    if (!Array.isArray(arr) || arr.length === 0 || typeof arr[0] !== 'object' || arr[0] === null || typeof arr[0].type !== 'string') continue;
    var parts = arr.slice(0, 2).map(function (x) { return x.type + (typeof x.term === 'number' ? ' t' + x.term : ''); });
    s += ' [' + parts.join(', ') + (arr.length > 2 ? ', +' + (arr.length - 2) : '') + ']';
    break;
  }
  return s.length > 64 ? s.slice(0, 61) + '...' : s;
}

function lowerBound(t) { var lo = 0, hi = N; while (lo < hi) { var mid = (lo + hi) >> 1; if (S[mid] < t) lo = mid + 1; else hi = mid; } return lo; }
function upperBound(t) { var lo = 0, hi = N; while (lo < hi) { var mid = (lo + hi) >> 1; if (S[mid] <= t) lo = mid + 1; else hi = mid; } return lo; }

var canvas = document.getElementById('diagram');
var ctx = canvas.getContext('2d');
var tip = document.getElementById('tip');
var status = document.getElementById('status');
var W = 0, H = 0, dpr = 1;
var view = { from: tMin, to: tMax, x: 0 };
var hits = [];
var hover = -1;
var state = window.__diagram = { ready: false, lanes: NL, laneNames: D.lanes, messages: N, drawnArrows: 0, drawnBuckets: 0, drawnLabels: 0,
  mode: '', from: 0, to: 0, draws: 0, lastDrawMs: 0, readyAtMs: 0, errors: 0 };

function laneW() { return Math.max(MIN_LANE_W, (W - LEFT - 10) / Math.max(1, NL)); }
function laneX(l) { return LEFT + view.x + (l + 0.5) * laneW(); }
function yOf(t) { return TOP + (t - view.from) / (view.to - view.from) * (H - TOP); }
function tAt(y) { return view.from + (y - TOP) / (H - TOP) * (view.to - view.from); }

function niceStep(raw) {
  var p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
  var ms = [1, 2, 5, 10];
  for (var i = 0; i < ms.length; i++) if (ms[i] * p >= raw) return ms[i] * p;
  return 10 * p;
}
function fmtT(us, step) {
  if (step >= 1e6) return (us / 1e6).toFixed(0) + ' s';
  if (step >= 1e5) return (us / 1e6).toFixed(1) + ' s';
  if (step >= 1e3) return (us / 1e3).toFixed(step >= 1e4 ? 0 : 1).replace(/\.0$/, '') + ' ms';
  return (us / 1e3).toFixed(3) + ' ms';
}
function fmtDur(us) { return us >= 1e6 ? (us / 1e6).toFixed(3) + ' s' : (us / 1e3).toFixed(3) + ' ms'; }

var STYLE_CLIENT = 0, STYLE_NODE = 1, STYLE_SERVICE = 2, STYLE_ERROR = 3, STYLE_LOST = 4;
var COLORS = ['#2f6fd6', '#4a4a4a', '#1f9d55', '#e03131', '#9a9a9a'];
function styleOf(i) {
  if (T[i] === ERR) return STYLE_ERROR;
  if (R[i] < 0) return STYLE_LOST;
  var ka = KIND[A[i]], kb = KIND[B[i]];
  if (ka === 2 || kb === 2) return STYLE_CLIENT;
  if (ka === 1 || kb === 1) return STYLE_SERVICE;
  return STYLE_NODE;
}
var FAULT_FILL = { partition: 'rgba(255,140,0,0.10)', kill: 'rgba(220,40,40,0.10)', pause: 'rgba(130,60,200,0.10)' };
function faultFill(kind, strong) {
  var base = kind.indexOf('partition') >= 0 || kind.indexOf('strike') >= 0 || kind.indexOf('rotate') >= 0 ? FAULT_FILL.partition
    : kind.indexOf('kill') >= 0 ? FAULT_FILL.kill : kind.indexOf('pause') >= 0 ? FAULT_FILL.pause : 'rgba(120,120,120,0.10)';
  return strong ? base.replace('0.10', '0.28') : base;
}

function resize() {
  dpr = window.devicePixelRatio || 1;
  var r = canvas.getBoundingClientRect();
  W = Math.max(100, r.width); H = Math.max(100, r.height);
  canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
  clampX();
  draw();
}
function clampX() {
  var total = NL * laneW(), room = W - LEFT - 10;
  var minX = Math.min(0, room - total);
  if (view.x < minX) view.x = minX;
  if (view.x > 0) view.x = 0;
}

function drawFaults() {
  ctx.font = '10px sans-serif';
  var lw = laneW();
  for (var k = 0; k < D.faults.length; k++) {
    var f = D.faults[k];
    if (f.to < view.from || f.from > view.to) continue;
    var y1 = Math.max(TOP, yOf(f.from)), y2 = Math.min(H, yOf(f.to));
    ctx.fillStyle = faultFill(f.kind, false);
    ctx.fillRect(LEFT, y1, W - LEFT, Math.max(1, y2 - y1));
    // The nodes the fault acts on (for a partition: the receivers that drop someone) get a darker strip.
    ctx.fillStyle = faultFill(f.kind, true);
    for (var n = 0; n < f.nodes.length; n++) {
      var l = LANE_OF[f.nodes[n]];
      if (l === undefined) continue;
      ctx.fillRect(laneX(l) - lw * 0.3, y1, lw * 0.6, Math.max(1, y2 - y1));
    }
    ctx.fillStyle = '#a0522d';
    if (y2 - y1 > 12) ctx.fillText(f.label, LEFT + 4, y1 + 11);
  }
}

function drawAxis() {
  var span = view.to - view.from, step = niceStep(span / Math.max(2, (H - TOP) / 70));
  ctx.font = '11px sans-serif';
  ctx.textAlign = 'right';
  ctx.strokeStyle = '#eee';
  ctx.fillStyle = '#555';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (var t = Math.ceil(view.from / step) * step; t <= view.to; t += step) {
    var y = Math.round(yOf(t)) + 0.5;
    ctx.moveTo(LEFT, y); ctx.lineTo(W, y);
    ctx.fillText(fmtT(t, step), LEFT - 6, y + 4);
  }
  ctx.stroke();
  ctx.textAlign = 'left';
}

function drawHeader() {
  var lw = laneW();
  var l0 = Math.max(0, Math.floor(-view.x / lw)), l1 = Math.min(NL - 1, Math.ceil((W - LEFT - view.x) / lw));
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, TOP);
  ctx.save();
  ctx.beginPath(); ctx.rect(LEFT, 0, W - LEFT, TOP); ctx.clip();
  ctx.font = 'bold 11px sans-serif';
  ctx.textAlign = 'center';
  for (var m = l0; m <= l1; m++) {
    ctx.fillStyle = KIND[m] === 0 ? '#111' : KIND[m] === 1 ? '#1f7a45' : '#777';
    var name = D.lanes[m];
    ctx.fillText(name.length > 8 ? name.slice(0, 7) + '…' : name, laneX(m), KIND[m] === 2 && (m % 2) ? 30 : 18);
  }
  ctx.restore();
  ctx.textAlign = 'left';
  ctx.strokeStyle = '#ccc';
  ctx.beginPath(); ctx.moveTo(LEFT, TOP - 0.5); ctx.lineTo(W, TOP - 0.5); ctx.stroke();
}

function offscreen(x1, x2) { return (x1 < LEFT && x2 < LEFT) || (x1 > W && x2 > W); }

function drawArrows(lo, hi, earliest) {
  var paths = [[], [], [], [], []];
  var drawn = [];
  // Messages sent before the window that are still in flight inside it.
  for (var i = earliest; i < lo; i++) if (R[i] >= view.from) drawn.push(i);
  for (var j = lo; j < hi; j++) drawn.push(j);
  var shown = 0;
  for (var k = 0; k < drawn.length; k++) {
    var m = drawn[k];
    var x1 = laneX(A[m]), x2 = laneX(B[m]);
    if (offscreen(x1, x2)) continue;
    var y1 = yOf(S[m]);
    var lost = R[m] < 0;
    // A message that never arrived points a third of the way to its destination.
    var y2 = lost ? y1 + 6 : yOf(R[m]);
    if (lost) x2 = x1 + (x2 - x1) * 0.33;
    paths[styleOf(m)].push(m, x1, y1, x2, y2);
    hits.push(m, x1, y1, x2, y2);
    shown++;
  }
  for (var s = 0; s < paths.length; s++) {
    var p = paths[s];
    if (p.length === 0) continue;
    ctx.strokeStyle = COLORS[s]; ctx.fillStyle = COLORS[s];
    ctx.lineWidth = s === STYLE_ERROR ? 1.6 : 1.1;
    ctx.setLineDash(s === STYLE_LOST ? [3, 3] : []);
    ctx.beginPath();
    for (var q = 0; q < p.length; q += 5) { ctx.moveTo(p[q + 1], p[q + 2]); ctx.lineTo(p[q + 3], p[q + 4]); }
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.beginPath();
    for (var h = 0; h < p.length; h += 5) head(p[h + 1], p[h + 2], p[h + 3], p[h + 4], s === STYLE_LOST);
    if (s === STYLE_LOST) ctx.stroke(); else ctx.fill();
  }
  if (hover >= 0) highlight(hover);
  var labels = 0;
  if (shown <= LABEL_LIMIT) labels = drawLabels(paths);
  state.drawnArrows = shown; state.drawnBuckets = 0; state.drawnLabels = labels; state.mode = 'arrows';
  // One drawn arrow's ends in canvas pixels, so a test can hover it.
  state.sampleArrow = hits.length >= 5 ? [hits[1], hits[2], hits[3], hits[4]] : null;
  return shown;
}

function head(x1, y1, x2, y2, cross) {
  var dx = x2 - x1, dy = y2 - y1, len = Math.sqrt(dx * dx + dy * dy);
  if (len < 6) return;
  var ux = dx / len, uy = dy / len, s = 5;
  if (cross) { ctx.moveTo(x2 - s * 0.7, y2 - s * 0.7); ctx.lineTo(x2 + s * 0.7, y2 + s * 0.7); ctx.moveTo(x2 - s * 0.7, y2 + s * 0.7); ctx.lineTo(x2 + s * 0.7, y2 - s * 0.7); return; }
  ctx.moveTo(x2, y2);
  ctx.lineTo(x2 - ux * s * 1.6 - uy * s * 0.7, y2 - uy * s * 1.6 + ux * s * 0.7);
  ctx.lineTo(x2 - ux * s * 1.6 + uy * s * 0.7, y2 - uy * s * 1.6 - ux * s * 0.7);
  ctx.closePath();
}

function drawLabels(paths) {
  // One label per cell of a coarse grid, so dense bursts do not become an ink blot.
  var used = {}, n = 0;
  ctx.font = '10px sans-serif';
  for (var s = 0; s < paths.length; s++) {
    var p = paths[s];
    ctx.fillStyle = s === STYLE_ERROR ? '#c92a2a' : s === STYLE_LOST ? '#777' : '#333';
    for (var q = 0; q < p.length; q += 5) {
      var mx = (p[q + 1] + p[q + 3]) / 2, my = (p[q + 2] + p[q + 4]) / 2;
      if (my < TOP + 6 || mx < LEFT) continue;
      var cell = Math.round(my / 12) + ':' + Math.round(mx / 90);
      if (used[cell]) continue;
      used[cell] = 1;
      var text = label(p[q]);
      var w = ctx.measureText(text).width;
      ctx.save();
      ctx.fillStyle = 'rgba(255,255,255,0.8)';
      ctx.fillRect(mx - w / 2 - 2, my - 9, w + 4, 12);
      ctx.restore();
      ctx.textAlign = 'center';
      ctx.fillText(text, mx, my);
      ctx.textAlign = 'left';
      n++;
    }
  }
  return n;
}

// Scratch counters per (source, destination) pair, reused row after row (sends are sorted, so rows come in order).
var PAIRS = NL * NL, pairDense = PAIRS <= 4000000;
var pairOk = pairDense ? new Int32Array(PAIRS) : null, pairErr = pairDense ? new Int32Array(PAIRS) : null, touched = pairDense ? new Int32Array(PAIRS) : null;

function drawBuckets(lo, hi) {
  var rows = Math.max(1, Math.ceil((H - TOP) / ROW_PX));
  var rowUs = (view.to - view.from) / rows;
  var pairs = PAIRS;
  var cellsOk = [], cellsErr = [];
  var row = -1, nt = 0, mapOk = null, mapErr = null;
  var flush = function () {
    if (row < 0) return;
    if (pairDense) {
      for (var t = 0; t < nt; t++) {
        var k = touched[t];
        if (pairOk[k] > 0) cellsOk.push(row * pairs + k, pairOk[k]);
        if (pairErr[k] > 0) cellsErr.push(row * pairs + k, pairErr[k]);
        pairOk[k] = 0; pairErr[k] = 0;
      }
      nt = 0;
    } else {
      mapOk.forEach(function (c, k) { cellsOk.push(row * pairs + k, c); });
      mapErr.forEach(function (c, k) { cellsErr.push(row * pairs + k, c); });
    }
  };
  for (var i = lo; i < hi; i++) {
    var r = Math.min(rows - 1, Math.floor((S[i] - view.from) / rowUs));
    if (r !== row) { flush(); row = r; if (!pairDense) { mapOk = new Map(); mapErr = new Map(); } }
    var key = A[i] * NL + B[i];
    if (pairDense) {
      if (pairOk[key] === 0 && pairErr[key] === 0) touched[nt++] = key;
      if (T[i] === ERR) pairErr[key]++; else pairOk[key]++;
    } else {
      var m = T[i] === ERR ? mapErr : mapOk;
      m.set(key, (m.get(key) || 0) + 1);
    }
  }
  flush();
  var levels = [[], [], [], []];
  var levelOf = function (c) { return c < 2 ? 0 : c < 10 ? 1 : c < 100 ? 2 : 3; };
  var n = 0;
  var add = function (key, c, err) {
    var row = Math.floor(key / pairs), rest = key - row * pairs, a = Math.floor(rest / NL), b = rest - a * NL;
    var x1 = laneX(a), x2 = laneX(b);
    if (offscreen(x1, x2)) return;
    var y = TOP + row * ROW_PX;
    var st = err ? STYLE_ERROR : KIND[a] === 2 || KIND[b] === 2 ? STYLE_CLIENT : KIND[a] === 1 || KIND[b] === 1 ? STYLE_SERVICE : STYLE_NODE;
    levels[levelOf(c)].push(st, x1, y, x2, y + ROW_PX - 1);
    hits.push(-1 - key, x1, y, x2, y + ROW_PX - 1, c, err ? 1 : 0, rowUs);
    n++;
  };
  for (var c1 = 0; c1 < cellsOk.length; c1 += 2) add(cellsOk[c1], cellsOk[c1 + 1], false);
  for (var c2 = 0; c2 < cellsErr.length; c2 += 2) add(cellsErr[c2], cellsErr[c2 + 1], true);
  var alpha = [0.25, 0.45, 0.7, 1];
  ctx.lineWidth = 1.2;
  for (var lv = 0; lv < 4; lv++) {
    var p = levels[lv];
    for (var s = 0; s < COLORS.length; s++) {
      var stroked = false;
      ctx.beginPath();
      for (var q = 0; q < p.length; q += 5) {
        if (p[q] !== s) continue;
        stroked = true;
        ctx.moveTo(p[q + 1], p[q + 2]); ctx.lineTo(p[q + 3], p[q + 4]);
      }
      if (!stroked) continue;
      ctx.globalAlpha = alpha[lv];
      ctx.strokeStyle = COLORS[s];
      ctx.stroke();
    }
  }
  ctx.globalAlpha = 1;
  state.drawnArrows = 0; state.drawnBuckets = n; state.drawnLabels = 0; state.mode = 'aggregate';
  return n;
}

function highlight(m) {
  var x1 = laneX(A[m]), y1 = yOf(S[m]), x2 = laneX(B[m]), y2 = R[m] < 0 ? y1 + 6 : yOf(R[m]);
  if (R[m] < 0) x2 = x1 + (x2 - x1) * 0.33;
  ctx.save();
  ctx.strokeStyle = '#ffb000'; ctx.lineWidth = 3; ctx.globalAlpha = 0.8;
  ctx.beginPath(); ctx.moveTo(x1, y1); ctx.lineTo(x2, y2); ctx.stroke();
  ctx.restore();
}

var pending = false;
function schedule() { if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; draw(); }); } }

function draw() {
  var started = performance.now();
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  hits = [];
  drawFaults();
  drawAxis();
  var lo = lowerBound(view.from), hi = upperBound(view.to);
  var text;
  ctx.save();
  ctx.beginPath(); ctx.rect(LEFT, TOP, W - LEFT, H - TOP); ctx.clip();
  drawLanesOnly();
  if (hi - lo <= ARROW_LIMIT) {
    var earliest = lowerBound(view.from - maxLat);
    // Cap the in-flight scan: a window inside a 5 s slow message would otherwise walk everything sent meanwhile.
    if (lo - earliest > 200000) earliest = lo - 200000;
    var shown = drawArrows(lo, hi, earliest);
    text = shown + ' message' + (shown === 1 ? '' : 's') + ' drawn';
  } else {
    var cells = drawBuckets(lo, hi);
    text = (hi - lo) + ' messages sent in this window, aggregated into ' + cells + ' strokes (' + ROW_PX + ' px rows; darker = more); zoom in to see single messages';
  }
  ctx.restore();
  drawHeader();
  status.textContent = fmtT(view.from, 1) + ' to ' + fmtT(view.to, 1) + ': ' + text;
  state.from = view.from / 1000; state.to = view.to / 1000;
  state.draws++;
  state.lastDrawMs = performance.now() - started;
  writeHash();
}
function drawLanesOnly() {
  var lw = laneW();
  var l0 = Math.max(0, Math.floor(-view.x / lw)), l1 = Math.min(NL - 1, Math.ceil((W - LEFT - view.x) / lw));
  for (var l = l0; l <= l1; l++) {
    var x = Math.round(laneX(l)) + 0.5;
    ctx.strokeStyle = KIND[l] === 0 ? '#222' : KIND[l] === 1 ? '#1f9d55' : '#c8c8c8';
    ctx.lineWidth = KIND[l] === 0 ? 1.5 : 1;
    ctx.beginPath(); ctx.moveTo(x, TOP); ctx.lineTo(x, H); ctx.stroke();
  }
}

// View changes: wheel zooms around the pointer, shift+wheel or a sideways wheel scrolls lanes, drag pans both.
function zoom(factor, aroundY) {
  var span = view.to - view.from, full = tMax - tMin;
  var next = Math.min(full * 1.5, Math.max(MIN_SPAN, span * factor));
  var t = tAt(aroundY);
  view.from = t - (t - view.from) * next / span;
  view.to = view.from + next;
  schedule();
}
function setWindow(fromUs, toUs) {
  if (!(toUs > fromUs)) return;
  view.from = fromUs; view.to = Math.max(fromUs + MIN_SPAN, toUs);
  schedule();
}
canvas.addEventListener('wheel', function (e) {
  e.preventDefault();
  if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
    view.x -= e.shiftKey ? e.deltaY : e.deltaX;
    clampX(); schedule();
    return;
  }
  var r = canvas.getBoundingClientRect();
  zoom(Math.exp(e.deltaY * 0.0015), e.clientY - r.top);
}, { passive: false });
var drag = null;
canvas.addEventListener('pointerdown', function (e) {
  drag = { x: e.clientX, y: e.clientY, from: view.from, to: view.to, vx: view.x };
  canvas.setPointerCapture(e.pointerId);
});
canvas.addEventListener('pointerup', function (e) { drag = null; canvas.releasePointerCapture(e.pointerId); });
canvas.addEventListener('pointermove', function (e) {
  var r = canvas.getBoundingClientRect();
  var px = e.clientX - r.left, py = e.clientY - r.top;
  if (drag) {
    var dt = (e.clientY - drag.y) / (H - TOP) * (drag.to - drag.from);
    view.from = drag.from - dt; view.to = drag.to - dt;
    view.x = drag.vx + (e.clientX - drag.x);
    clampX(); tip.style.display = 'none'; schedule();
    return;
  }
  showTip(px, py, e.clientX, e.clientY);
});
canvas.addEventListener('pointerleave', function () { tip.style.display = 'none'; if (hover >= 0) { hover = -1; schedule(); } });
canvas.addEventListener('dblclick', function (e) { var r = canvas.getBoundingClientRect(); zoom(e.shiftKey ? 2 : 0.5, e.clientY - r.top); });
document.getElementById('fit').addEventListener('click', function () { view.x = 0; setWindow(tMin, tMax); });
document.getElementById('zin').addEventListener('click', function () { zoom(0.5, (H + TOP) / 2); });
document.getElementById('zout').addEventListener('click', function () { zoom(2, (H + TOP) / 2); });
window.addEventListener('keydown', function (e) {
  if (e.key === '+' || e.key === '=') zoom(0.5, (H + TOP) / 2);
  else if (e.key === '-') zoom(2, (H + TOP) / 2);
  else if (e.key === '0') setWindow(tMin, tMax);
});

function segDist(px, py, x1, y1, x2, y2) {
  var dx = x2 - x1, dy = y2 - y1, l2 = dx * dx + dy * dy;
  var t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / l2));
  var qx = x1 + t * dx - px, qy = y1 + t * dy - py;
  return Math.sqrt(qx * qx + qy * qy);
}
function showTip(px, py, cx, cy) {
  var best = -1, bestD = 6, stride = state.mode === 'aggregate' ? 8 : 5;
  for (var k = 0; k < hits.length; k += stride) {
    var d = segDist(px, py, hits[k + 1], hits[k + 2], hits[k + 3], hits[k + 4]);
    if (d < bestD) { bestD = d; best = k; }
  }
  if (best < 0) {
    tip.style.display = 'none';
    if (hover >= 0) { hover = -1; schedule(); }
    return;
  }
  var text;
  if (state.mode === 'aggregate') {
    var key = -1 - hits[best], pairs = NL * NL, row = Math.floor(key / pairs), rest = key - row * pairs, a = Math.floor(rest / NL), b = rest - a * NL;
    var rowUs = hits[best + 7], t0 = view.from + row * rowUs;
    text = D.lanes[a] + ' \u2192 ' + D.lanes[b] + ': ' + hits[best + 5] + (hits[best + 6] ? ' error' : '') + ' message(s) sent between ' +
      fmtT(t0, 1) + ' and ' + fmtT(t0 + rowUs, 1) + '\nzoom in (wheel, double-click) to see them one by one';
  } else {
    var m = hits[best];
    if (hover !== m) { hover = m; schedule(); }
    var id = D.ids ? D.ids[m] : m;
    text = '#' + id + '  ' + D.lanes[A[m]] + ' \u2192 ' + D.lanes[B[m]] + '\nsent ' + fmtT(S[m], 1) + ', ' +
      (R[m] < 0 ? 'never delivered (dropped by a partition, lost, or still in flight at the end)' : 'delivered ' + fmtDur(R[m] - S[m]) + ' later') +
      (DUP[m] ? ' (delivered twice)' : '') + '\n' + JSON.stringify(body(m), null, 1);
  }
  tip.textContent = text;
  tip.style.display = 'block';
  var left = cx + 14, top = cy + 14;
  if (left + tip.offsetWidth > window.innerWidth) left = Math.max(0, cx - tip.offsetWidth - 14);
  if (top + tip.offsetHeight > window.innerHeight) top = Math.max(0, cy - tip.offsetHeight - 14);
  tip.style.left = left + 'px'; tip.style.top = top + 'px';
}

// The window is kept in the address (#t=FROM-TO, ms since the client phase began) so a view can be linked.
var lastHash = '';
function writeHash() {
  var h = '#t=' + (view.from / 1000).toFixed(3) + '-' + (view.to / 1000).toFixed(3);
  if (h === lastHash) return;
  lastHash = h;
  if (history.replaceState) history.replaceState(null, '', h);
}
function readHash() {
  var m = /t=(-?[0-9.]+)-(-?[0-9.]+)/.exec(location.hash);
  if (!m) return false;
  var h = '#t=' + m[1] + '-' + m[2];
  if (h === lastHash) return true;
  setWindow(Number(m[1]) * 1000, Number(m[2]) * 1000);
  return true;
}
window.addEventListener('hashchange', readHash);
window.addEventListener('resize', resize);
window.addEventListener('error', function () { state.errors++; });
readHash();
resize();
state.ready = true;
state.readyAtMs = performance.now();
// Where the time to first picture went, for the render-time measurement (test/support/render-time.ts).
state.timings = { scriptStartMs: T_START, parseMs: T_PARSED - T_START, decodeMs: T_DECODED - T_PARSED, firstDrawMs: state.lastDrawMs };
})();
`;
