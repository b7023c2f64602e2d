import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { scanOptions, UsageError } from './cli';
import { isLoopback, listen, ListenError, urlHost } from './http-listen';
import { dirHtml, DirEntry, indexHtml } from './pages/index-html';
import { findRuns, summarizeRun } from './serve-runs';

/**
 * `maelstrom-local serve`: browse the store over HTTP. Node's own `http`
 * module, no framework: the job is an index page and static files, and the
 * runner has no runtime dependencies to audit or install. Read-only (GET and
 * HEAD), loopback by default, and every path is resolved (symlinks too) and
 * must stay inside the store root.
 */

export const EXIT_BAD_ARGS = 254;

export interface ServeConfig {
  store: string;
  host: string;
  port: number;
}

const SERVE_OPTIONS = [
  { names: ['--store'], arg: 'DIR', help: 'the store root to browse (default ./store)' },
  { names: ['--host'], arg: 'ADDR', help: 'address to listen on (default 127.0.0.1; anything else exposes the store to the network)' },
  { names: ['--port'], arg: 'PORT', help: 'port to listen on (default 8080; 0 = any free port)' },
  { names: ['-h', '--help'], arg: null, help: 'this help' },
];

export function serveUsage(): string {
  const lines = [
    'Usage: maelstrom-local serve [--store DIR] [--host 127.0.0.1] [--port 8080]',
    '',
    'Serves an index of the runs under the store (workload, start, nodes, verdict, ops, availability; newest',
    'first) and every file of each run: messages.html, timeline.html, the SVGs, history, results, node logs.',
    'Read-only; nothing outside the store root is served. Stop with Ctrl-C.',
    '',
  ];
  for (const o of SERVE_OPTIONS) lines.push(`  ${(o.names.join(', ') + (o.arg ? ` ${o.arg}` : '')).padEnd(20)} ${o.help}`);
  lines.push('', 'Exit codes: 0 after Ctrl-C, 254 bad arguments or the port is in use.');
  return lines.join('\n');
}

export function parseServeArgs(argv: readonly string[]): { help: true } | { help: false; config: ServeConfig } {
  const { values, positional } = scanOptions(argv, SERVE_OPTIONS, (name) => `unknown option ${name}; see serve --help`);
  if (values.has('--help')) return { help: true };
  if (positional.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positional[0])}; serve takes only --store, --host and --port`);
  const one = (k: string): string | undefined => values.get(k)?.at(-1);
  const portArg = one('--port') ?? '8080';
  const port = Number(portArg);
  if (portArg.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port: expected an integer from 0 to 65535, got ${JSON.stringify(portArg)}`);
  }
  const host = one('--host') ?? '127.0.0.1';
  if (host.trim() === '') throw new UsageError('--host: empty address');
  return { help: false, config: { store: one('--store') ?? 'store', host, port } };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'text/plain; charset=utf-8',
  '.edn': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'text/plain; charset=utf-8';
}

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root + path.sep);
}

/**
 * The real path of /store/<rest> under `root` (itself a real path), or null if
 * it is malformed or leaves the root: `..` segments, encoded slashes that
 * become `..`, NUL bytes, and symlinks pointing outside are all refused.
 */
export function resolveStorePath(root: string, rest: string): { file: string; rel: string } | null | 'missing' {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.split(/[\\/]/).includes('..')) return null;
  const target = path.resolve(root, '.' + path.sep + decoded);
  if (!inside(root, target)) return null;
  let real: string;
  try {
    real = fs.realpathSync(target);
  } catch {
    return 'missing';
  }
  if (!inside(root, real)) return null;
  return { file: real, rel: path.relative(root, target).split(path.sep).join('/') };
}

function send(res: http.ServerResponse, status: number, type: string, body: string, head: boolean): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' });
  res.end(head ? undefined : body);
}

export function createServeServer(storeRoot: string): http.Server {
  const root = fs.realpathSync(path.resolve(storeRoot));
  return http.createServer((req, res) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = (req.url ?? '/').split('?')[0].split('#')[0];
    if (url === '/' || url === '/index.html') {
      send(res, 200, 'text/html; charset=utf-8', indexHtml(storeRoot, findRuns(root)), head);
      return;
    }
    if (url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url === '/store') {
      res.writeHead(301, { Location: '/store/' }).end();
      return;
    }
    if (!url.startsWith('/store/')) {
      send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
      return;
    }
    const resolved = resolveStorePath(root, url.slice('/store/'.length));
    if (resolved === null) {
      send(res, 403, 'text/plain; charset=utf-8', 'outside the store\n', head);
      return;
    }
    if (resolved === 'missing') {
      send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
      return;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(resolved.file);
    } catch {
      send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
      return;
    }
    if (stat.isDirectory()) {
      if (!url.endsWith('/')) {
        res.writeHead(301, { Location: url + '/' }).end();
        return;
      }
      const names = fs.readdirSync(resolved.file).sort();
      const entries: DirEntry[] = names.flatMap((name) => {
        try {
          const s = fs.statSync(path.join(resolved.file, name));
          return [{ name, dir: s.isDirectory(), size: s.size }];
        } catch {
          return [];
        }
      });
      const isRun = names.includes('history.jsonl') || names.includes('results.json');
      const run = isRun ? summarizeRun(root, resolved.file, names) : null;
      send(res, 200, 'text/html; charset=utf-8', dirHtml(resolved.rel, entries, run), head);
      return;
    }
    if (!stat.isFile()) {
      send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
      return;
    }
    res.writeHead(200, { 'Content-Type': contentType(resolved.file), 'Content-Length': stat.size, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' });
    if (head) {
      res.end();
      return;
    }
    fs.createReadStream(resolved.file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
}

export interface ServeIo {
  out(line: string): void;
  err(line: string): void;
}

/** The `serve` command: listen, print the URL, serve until SIGINT/SIGTERM. */
export async function runServeCommand(argv: readonly string[], io: ServeIo): Promise<number> {
  let config: ServeConfig;
  try {
    const parsed = parseServeArgs(argv);
    if (parsed.help) {
      io.out(serveUsage());
      return 0;
    }
    config = parsed.config;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`maelstrom-local serve: ${e.message}`);
    return EXIT_BAD_ARGS;
  }
  const root = path.resolve(config.store);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    io.err(`maelstrom-local serve: --store ${config.store}: no such directory (run a test first, or point --store at one)`);
    return EXIT_BAD_ARGS;
  }
  const server = createServeServer(root);
  let port: number;
  try {
    port = await listen(server, config.host, config.port, '--port');
  } catch (e) {
    if (!(e instanceof ListenError)) throw e;
    io.err(`maelstrom-local serve: ${e.message}`);
    return EXIT_BAD_ARGS;
  }
  if (!isLoopback(config.host)) io.err(`WARN serving ${root} to the network on ${config.host}: anyone who can reach port ${port} can read it`);
  io.out(`Serving ${findRuns(fs.realpathSync(root)).length} run(s) from ${root} on http://${urlHost(config.host)}:${port}/ (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
