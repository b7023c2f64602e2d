import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { createServeServer } from '../../src/runner/serve';
import { Browser, Page } from './chromium';

/**
 * The README's screenshots (docs/*.png), reproducibly: a 10 s partitioned
 * lin-kv run of our node with --live (the live view is shot mid-run), its
 * messages.html (whole run, and zoomed into the first partition), and serve's
 * index over a store holding that run and two short fixture runs (one valid,
 * one invalid).
 *
 *   make build && node -r ./test/support/register.js test/support/page-shots.ts [OUTDIR, default docs]
 */
const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'maelstrom-local');

function runCli(args: string[], onLine: (line: string) => void = () => undefined): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(CLI, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      buf += s;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
    child.on('exit', (code) => resolve(code));
  });
}

async function shoot(page: Page, url: string, ready: string, file: string): Promise<void> {
  await page.navigate(url);
  await page.waitFor(ready, 20_000);
  await new Promise((r) => setTimeout(r, 300));
  await page.screenshot(file);
  if (page.errors().length > 0) throw new Error(`${url}: console errors ${JSON.stringify(page.errors())}`);
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? path.join(ROOT, 'docs'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-shots-'));
  const store = path.join(tmp, 'store');
  const browser = await Browser.launch();
  try {
    const fixture = (name: string): string => path.join(ROOT, 'test', 'fixtures', name);
    const short = ['--node-count', '3', '--concurrency', '2n', '--time-limit', '2', '--rate', '100', '--store', store];
    await runCli(['test', '-w', 'lin-kv', '--bin', fixture('lin-kv-stale-reads.js'), ...short]);
    await runCli(['test', '-w', 'echo', '--bin', fixture('echo-node.js'), ...short]);

    const livePage = await browser.newPage(1200, 900);
    let shot: Promise<void> | null = null;
    const code = await runCli(
      ['test', '-w', 'lin-kv', '--bin', 'dist/raft-node.js', '--node-count', '3', '--time-limit', '10', '--rate', '100', '--concurrency', '2n', '--nemesis', 'partition', '--nemesis-interval', '3', '--live', '0', '--store', store],
      (line) => {
        const m = /^Live view: (\S+)/.exec(line);
        if (m) shot = shoot(livePage, m[1], 'window.__live && window.__live.last && window.__live.last.elapsedS > 6', path.join(out, 'live-view.png'));
      },
    );
    if (shot === null) throw new Error('the run printed no "Live view:" line');
    await shot;
    console.log(`lin-kv run exited ${code}`);

    const dir = fs.realpathSync(path.join(store, 'latest'));
    const file = 'file://' + path.join(dir, 'messages.html');
    const page = await browser.newPage(1280, 800);
    await shoot(page, file, 'window.__diagram && window.__diagram.ready', path.join(out, 'messages-whole.png'));
    // Zoom to the first partition's start: elections, appends refused across the cut, clients' errors.
    const data = JSON.parse(/<script type="application\/json" id="msg-data">([\s\S]*?)<\/script>/.exec(fs.readFileSync(path.join(dir, 'messages.html'), 'utf8'))?.[1] ?? '{}') as {
      faults: { from: number }[];
    };
    const at = (data.faults.find((f) => f.from > 500_000)?.from ?? 3_000_000) / 1000;
    await shoot(page, `${file}#t=${(at - 20).toFixed(0)}-${(at + 80).toFixed(0)}`, 'window.__diagram && window.__diagram.mode === "arrows"', path.join(out, 'messages-zoom.png'));

    const server = createServeServer(store);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const index = await browser.newPage(1280, 200);
    await shoot(index, `http://127.0.0.1:${port}/`, 'document.querySelectorAll("tr.run").length >= 3', path.join(out, 'serve-index.png'));
    await new Promise<void>((resolve) => (server as http.Server).close(() => resolve()));
  } finally {
    await browser.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
