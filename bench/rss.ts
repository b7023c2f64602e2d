/**
 * Memory stays bounded (issue 15, item 5): a long closed-loop lin-kv run on
 * 3 real node processes with snapshots on, sampling each node's resident set
 * size (VmRSS from /proc) over time.
 *
 *   node -r ./test/support/register.js bench/rss.ts [--minutes 10] [--workers 96] [--sample-s 10] [-- NODE ARGS]
 *   make bench-rss MINUTES=10
 *
 * Not the Maelstrom runner: a 10-minute peak run would record tens of
 * millions of operations, and the runner keeps its history in memory for
 * the checkers. This driver routes node-to-node messages between the pipes
 * at once (like the runner at --latency 0) and keeps only counters, so the
 * nodes' memory is all that grows. Keys are drawn from 100, so the state
 * machine itself is bounded; what could grow is the log (snapshots compact
 * it), the session table, pending-request maps and caches.
 *
 * Verdict: "flat" when every node's peak RSS in the last third of the run is
 * at most 1.25x its peak in the middle third (the first third is warm-up:
 * JIT, heap growth to its working size).
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';

const ROOT = path.resolve(__dirname, '..');
const NODE_BIN = path.join(ROOT, 'dist/raft-node.js');
const IDS = ['n0', 'n1', 'n2'];
const KEYS = 100;
const REQUEST_TIMEOUT_MS = 1000;
const FLAT_RATIO = 1.25;

interface Args {
  minutes: number;
  workers: number;
  sampleS: number;
  nodeArgs: string[];
}

function fail(message: string): never {
  process.stderr.write(`bench/rss.ts: ${message}\nusage: node -r ./test/support/register.js bench/rss.ts [--minutes N] [--workers N] [--sample-s N] [-- NODE ARGS]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const a: Args = { minutes: 10, workers: 96, sampleS: 10, nodeArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--') {
      a.nodeArgs = argv.slice(i + 1);
      break;
    }
    const v = Number(argv[++i]);
    if (!Number.isFinite(v) || v <= 0) fail(`${flag} needs a positive number`);
    if (flag === '--minutes') a.minutes = v;
    else if (flag === '--workers') a.workers = Math.round(v);
    else if (flag === '--sample-s') a.sampleS = v;
    else fail(`unknown option ${JSON.stringify(flag)}`);
  }
  return a;
}

interface Envelope {
  src: string;
  dest: string;
  body: { type: string; msg_id?: number; in_reply_to?: number; [k: string]: unknown };
}

function rssKb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(NODE_BIN)) fail('dist/raft-node.js is missing: run make build');
  const nodes = new Map<string, ChildProcess>();
  const waiting = new Map<string, (body: Envelope['body']) => void>();
  const counts = { ok: 0, failed: 0, timeouts: 0, peerMessages: 0 };
  let stopping = false;

  const deliver = (m: Envelope): void => {
    const child = nodes.get(m.dest);
    if (child && child.exitCode === null) child.stdin!.write(`${JSON.stringify(m)}\n`);
  };
  for (const id of IDS) {
    const child = spawn(process.execPath, [NODE_BIN, ...args.nodeArgs], { stdio: ['pipe', 'pipe', 'ignore'] });
    child.stdin!.on('error', () => undefined);
    nodes.set(id, child);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as Envelope;
      if (nodes.has(m.dest)) {
        counts.peerMessages++;
        deliver(m);
        return;
      }
      const key = `${m.dest}/${String(m.body.in_reply_to)}`;
      const resolve = waiting.get(key);
      if (resolve) {
        waiting.delete(key);
        resolve(m.body);
      }
    });
  }
  IDS.forEach((id, i) => deliver({ src: `c-init${i}`, dest: id, body: { type: 'init', msg_id: 1, node_id: id, node_ids: IDS } }));

  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const worker = async (w: number): Promise<void> => {
    const client = `c${w}`;
    const node = IDS[w % IDS.length];
    let msgId = 0;
    while (!stopping) {
      const key = Math.floor(random() * KEYS);
      const r = random();
      const body = r < 0.34 ? { type: 'read', key } : r < 0.67 ? { type: 'write', key, value: Math.floor(random() * 5) } : { type: 'cas', key, from: Math.floor(random() * 5), to: Math.floor(random() * 5) };
      const id = ++msgId;
      const reply = await new Promise<Envelope['body'] | null>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(`${client}/${id}`);
          resolve(null);
        }, REQUEST_TIMEOUT_MS);
        waiting.set(`${client}/${id}`, (b) => {
          clearTimeout(timer);
          resolve(b);
        });
        deliver({ src: client, dest: node, body: { ...body, msg_id: id } });
      });
      if (reply === null) counts.timeouts++;
      else if (reply.type === 'error') counts.failed++;
      else counts.ok++;
    }
  };

  const started = Date.now();
  const samples: { t: number; rss: (number | null)[]; ok: number }[] = [];
  const sample = (): void => {
    samples.push({ t: (Date.now() - started) / 1000, rss: IDS.map((id) => rssKb(nodes.get(id)!.pid!)), ok: counts.ok });
    const s = samples[samples.length - 1];
    process.stdout.write(`t=${s.t.toFixed(0)}s rss MB ${s.rss.map((k) => (k === null ? '–' : (k / 1024).toFixed(1))).join(' ')}  ok ${counts.ok} errors ${counts.failed} timeouts ${counts.timeouts}\n`);
  };
  await new Promise((r) => setTimeout(r, 1000)); // the election
  const workers = Array.from({ length: args.workers }, (_, w) => worker(w));
  sample();
  const sampler = setInterval(sample, args.sampleS * 1000);
  await new Promise((r) => setTimeout(r, args.minutes * 60_000));
  clearInterval(sampler);
  sample();
  stopping = true;
  await Promise.race([Promise.all(workers), new Promise((r) => setTimeout(r, 2 * REQUEST_TIMEOUT_MS))]);
  for (const child of nodes.values()) child.kill('SIGKILL');

  const third = samples[samples.length - 1].t / 3;
  const peak = (from: number, to: number, i: number): number => Math.max(0, ...samples.filter((s) => s.t >= from && s.t <= to).map((s) => s.rss[i] ?? 0));
  const verdicts = IDS.map((id, i) => {
    const middle = peak(third, 2 * third, i);
    const last = peak(2 * third, Infinity, i);
    return { id, middleMB: middle / 1024, lastMB: last / 1024, ratio: middle > 0 ? last / middle : Infinity };
  });
  const flat = verdicts.every((v) => v.ratio <= FLAT_RATIO);
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(
    `\n${args.minutes} min, ${args.workers} workers: ${counts.ok} ok (${(counts.ok / (args.minutes * 60)).toFixed(0)}/s), ${counts.failed} errors, ${counts.timeouts} timeouts, ` +
      `${(counts.peerMessages / Math.max(1, counts.ok + counts.failed)).toFixed(3)} peer msgs/op\n` +
      verdicts.map((v) => `${v.id}: peak RSS middle third ${v.middleMB.toFixed(1)} MB, last third ${v.lastMB.toFixed(1)} MB (x${v.ratio.toFixed(2)})`).join('\n') +
      `\nRSS ${flat ? 'flat' : 'GROWING'} (last-third peak <= ${FLAT_RATIO}x middle-third peak on every node)\n`,
  );
  const out = path.join(ROOT, 'bench/results', `rss-${new Date().toISOString().slice(0, 10)}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ args, seconds, counts, samples, verdicts, flat }, null, 1));
  process.stdout.write(`wrote ${path.relative(ROOT, out)}\n`);
  return flat && counts.ok > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench/rss.ts crashed: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
