import * as path from 'path';
import { Browser } from './chromium';

/**
 * How long headless Chromium takes to open a messages.html and draw it: from
 * Page.navigate to window.__diagram.ready, and the page's own clock at that
 * moment (performance.now() since navigation start).
 *
 *   node -r ./test/support/register.js test/support/render-time.ts store/latest/messages.html [runs]
 */
async function main(): Promise<void> {
  const [file, runsArg] = process.argv.slice(2);
  if (!file) {
    console.error('usage: render-time.ts MESSAGES.HTML [RUNS]');
    process.exit(254);
  }
  const runs = Number(runsArg ?? 3);
  const url = 'file://' + path.resolve(file);
  const browser = await Browser.launch();
  try {
    const walls: number[] = [];
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage(1280, 800);
      const t0 = Date.now();
      await page.navigate(url, 60_000);
      await page.waitFor('window.__diagram && window.__diagram.ready', 60_000, 10);
      const wall = Date.now() - t0;
      const d = await page.evaluate<{ messages: number; lanes: number; readyAtMs: number; lastDrawMs: number; mode: string; timings: Record<string, number> }>(
        '({messages: __diagram.messages, lanes: __diagram.lanes, readyAtMs: __diagram.readyAtMs, lastDrawMs: __diagram.lastDrawMs, mode: __diagram.mode, timings: __diagram.timings})',
      );
      walls.push(wall);
      const errors = page.errors();
      console.log(
        `run ${i + 1}: ready ${wall} ms after navigate (page clock ${d.readyAtMs.toFixed(0)} ms: HTML loaded at ${d.timings.scriptStartMs.toFixed(0)}, ` +
          `JSON ${d.timings.parseMs.toFixed(0)}, decode ${d.timings.decodeMs.toFixed(0)}, first draw ${d.timings.firstDrawMs.toFixed(1)} ms, ${d.mode}); ` +
          `${d.messages} messages, ${d.lanes} lanes; console errors: ${errors.length}`,
      );
      page.close();
    }
    walls.sort((a, b) => a - b);
    console.log(`median ${walls[Math.floor(walls.length / 2)]} ms over ${runs} run(s)`);
  } finally {
    await browser.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
