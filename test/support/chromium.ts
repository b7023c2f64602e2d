import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { MiniWebSocket } from './websocket';

/**
 * Headless Chromium driven over the DevTools protocol, for the page tests and
 * the README screenshots. Debian's package (/usr/bin/chromium; .ci/run
 * installs it); no browser download, no driver library.
 */

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Flags that work in this container (root, no GPU, no network needed). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--hide-scrollbars',
  '--mute-audio',
];

export interface ConsoleEntry {
  level: string;
  text: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Params = Record<string, Json | undefined>;

/** One page target: commands, events, and the console errors it has logged. */
export class Page {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, ((params: Record<string, unknown>) => void)[]>();
  readonly console: ConsoleEntry[] = [];

  constructor(private readonly ws: MiniWebSocket) {
    ws.onMessage = (text) => this.dispatch(text);
    ws.onClose = () => {
      for (const w of this.waiting.values()) w.reject(new Error('DevTools connection closed'));
      this.waiting.clear();
    };
    this.on('Runtime.consoleAPICalled', (p) => {
      const args = (p.args as { value?: unknown; description?: string }[] | undefined) ?? [];
      this.console.push({ level: String(p.type), text: args.map((a) => (a.value !== undefined ? String(a.value) : a.description ?? '')).join(' ') });
    });
    this.on('Runtime.exceptionThrown', (p) => {
      const d = p.exceptionDetails as { text?: string; exception?: { description?: string } } | undefined;
      this.console.push({ level: 'exception', text: `${d?.text ?? ''} ${d?.exception?.description ?? ''}` });
    });
    this.on('Log.entryAdded', (p) => {
      const e = p.entry as { level?: string; text?: string; url?: string } | undefined;
      this.console.push({ level: String(e?.level), text: `${e?.text ?? ''} ${e?.url ?? ''}` });
    });
  }

  /** Console errors, uncaught exceptions and failed loads seen so far. */
  errors(): ConsoleEntry[] {
    return this.console.filter((e) => e.level === 'error' || e.level === 'exception' || e.level === 'assert');
  }

  send(method: string, params: Params = {}): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  on(event: string, fn: (params: Record<string, unknown>) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
  }

  once(event: string, timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        reject(new Error(`timed out waiting for ${event}`));
      }, timeoutMs);
      // A wait nobody needs any more (a same-document navigation) must not hold the process open.
      timer.unref();
      this.on(event, (p) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(p);
      });
    });
  }

  async enable(width = 1280, height = 800): Promise<void> {
    await this.send('Page.enable');
    await this.send('Runtime.enable');
    await this.send('Log.enable');
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
  }

  async navigate(url: string, timeoutMs = 20_000): Promise<void> {
    const loaded = this.once('Page.loadEventFired', timeoutMs);
    const r = await this.send('Page.navigate', { url });
    if (typeof r.errorText === 'string' && r.errorText !== '') throw new Error(`navigate ${url}: ${r.errorText}`);
    // A change of the #fragment only is a same-document navigation: no loader, no load event.
    if (r.loaderId === undefined) {
      loaded.catch(() => undefined);
      return;
    }
    await loaded;
  }

  /** Evaluate an expression in the page and return its value (JSON-serialisable results only). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    const ex = r.exceptionDetails as { text?: string; exception?: { description?: string } } | undefined;
    if (ex) throw new Error(`evaluate ${expression}: ${ex.exception?.description ?? ex.text}`);
    return (r.result as { value: T }).value;
  }

  /** Poll `expression` until it is truthy. */
  async waitFor(expression: string, timeoutMs = 10_000, everyMs = 50): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (await this.evaluate<boolean>(`Boolean(${expression})`)) return;
      if (Date.now() > until) throw new Error(`timed out waiting for ${expression}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  async screenshot(file: string): Promise<void> {
    const r = await this.send('Page.captureScreenshot', { format: 'png' });
    fs.writeFileSync(file, Buffer.from(String(r.data), 'base64'));
  }

  close(): void {
    this.ws.close();
  }

  private dispatch(text: string): void {
    let msg: { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { message: string } };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    if (msg.id !== undefined) {
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (msg.error) w.reject(new Error(msg.error.message));
      else w.resolve(msg.result ?? {});
      return;
    }
    if (msg.method) for (const fn of this.listeners.get(msg.method) ?? []) fn(msg.params ?? {});
  }
}

function httpJson(method: string, url: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as Record<string, unknown>);
        } catch {
          reject(new Error(`${method} ${url}: not JSON: ${body.slice(0, 200)}`));
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A running headless Chromium with its own fresh profile directory. */
export class Browser {
  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
    private readonly port: number,
  ) {}

  static launch(timeoutMs = 20_000): Promise<Browser> {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-chromium-'));
    const child = spawn(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // Its own process group, so closing takes the renderer and zygote processes down with it.
      detached: true,
    });
    return new Promise((resolve, reject) => {
      let stderr = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`chromium did not start within ${timeoutMs} ms; stderr:\n${stderr.slice(-2000)}`));
      }, timeoutMs);
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        stderr += chunk;
        const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(stderr);
        if (m) {
          clearTimeout(timer);
          child.stderr?.removeAllListeners('data');
          child.stderr?.resume();
          resolve(new Browser(child, profile, Number(m[1])));
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`chromium exited (code ${code}) before DevTools was up; stderr:\n${stderr.slice(-2000)}`));
      });
    });
  }

  /** A new tab, connected and with console capture on. */
  async newPage(width = 1280, height = 800): Promise<Page> {
    const target = await httpJson('PUT', `http://127.0.0.1:${this.port}/json/new?about:blank`);
    const ws = await MiniWebSocket.connect(String(target.webSocketDebuggerUrl));
    const page = new Page(ws);
    await page.enable(width, height);
    return page;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        try {
          fs.rmSync(this.profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
        } catch {
          // A helper process still writing its last file; the temp directory is harmless.
        }
        resolve();
      };
      if (this.child.exitCode !== null || this.child.signalCode !== null) return done();
      this.child.once('exit', done);
      try {
        if (this.child.pid !== undefined) process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        this.child.kill('SIGKILL');
      }
    });
  }
}
