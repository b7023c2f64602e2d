import { MessagesPage } from './messages-data';
import { MESSAGES_SCRIPT } from './messages-script';

/**
 * messages.html: a Lamport diagram of the run in one self-contained file (no
 * external URLs, so it opens from a store directory copied anywhere). The
 * data sits in two inert <script> blocks the page script reads as text: the
 * numbers as one JSON document, the bodies one per line.
 */

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Inside a <script> block only "</script" would end it early; JSON allows "<" to be written as \u003c anywhere in a string. */
function scriptSafe(json: string): string {
  return json.replace(/</g, '\\u003c');
}

export function messagesHtml(page: MessagesPage): string {
  const d = page.data;
  const nodes = d.kinds.filter((k) => k === 'node').length;
  const clients = d.kinds.filter((k) => k === 'client').length;
  const services = d.lanes.filter((_, i) => d.kinds[i] === 'service');
  const summary =
    `${d.n.toLocaleString('en-US')} messages; ${nodes} node${nodes === 1 ? '' : 's'}, ${clients} client${clients === 1 ? '' : 's'}` +
    (services.length ? `, services ${services.join(', ')}` : '') +
    (d.faults.length ? `; ${d.faults.length} fault span${d.faults.length === 1 ? '' : 's'}` : '') +
    (d.truncated ? '; recording stopped at its cap, later messages are missing' : '');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(d.title)} — messages</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
html,body{margin:0;height:100%;font-family:sans-serif;font-size:12px;color:#222}
body{display:flex;flex-direction:column}
header{padding:6px 10px;border-bottom:1px solid #ddd;flex:none}
header h1{font-size:15px;margin:0 8px 0 0;display:inline}
header button{font-size:12px;margin-left:4px}
.legend span{display:inline-block;margin-right:12px}
.sw{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:4px}
#status{color:#555;margin-top:3px}
#diagram{flex:1;width:100%;min-height:0;display:block;cursor:grab;touch-action:none}
#tip{position:fixed;display:none;max-width:560px;max-height:60vh;overflow:hidden;white-space:pre-wrap;font:11px monospace;
 background:#fffef4;border:1px solid #bbb;box-shadow:0 2px 6px rgba(0,0,0,.2);padding:6px;pointer-events:none;z-index:2}
</style></head><body>
<header>
<h1>${esc(d.title)}</h1><span>${esc(summary)}</span>
<button id="fit" title="show the whole run (key 0)">whole run</button><button id="zin" title="zoom in (key +)">+</button><button id="zout" title="zoom out (key -)">−</button>
<div class="legend">
<span><i class="sw" style="background:#2f6fd6"></i>client ↔ node</span>
<span><i class="sw" style="background:#4a4a4a"></i>node ↔ node</span>
<span><i class="sw" style="background:#1f9d55"></i>service</span>
<span><i class="sw" style="background:#e03131"></i>error reply</span>
<span><i class="sw" style="background:repeating-linear-gradient(90deg,#9a9a9a 0 3px,transparent 3px 6px)"></i>never delivered</span>
<span><i class="sw" style="background:rgba(255,140,0,.35);height:9px"></i>partition (darker: the receivers that drop)</span>
<span><i class="sw" style="background:rgba(220,40,40,.3);height:9px"></i>kill</span>
<span><i class="sw" style="background:rgba(130,60,200,.3);height:9px"></i>pause</span>
<span>Time runs down. Wheel: zoom · drag: pan · shift+wheel: scroll lanes · double-click: zoom in · hover: the full body</span>
</div>
<div id="status"></div>
</header>
<canvas id="diagram"></canvas>
<div id="tip"></div>
<script type="application/json" id="msg-data">${scriptSafe(JSON.stringify(d))}</script>
<script type="text/plain" id="msg-bodies">${scriptSafe(page.bodies)}</script>
<script>
${MESSAGES_SCRIPT}
</script>
</body></html>
`;
}
