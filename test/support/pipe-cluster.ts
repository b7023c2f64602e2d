/**
 * A cluster of real node processes (dist/raft-node.js) wired to each other
 * over their pipes by a tiny in-test router: a node's message to another node
 * is written to that node's stdin at once (no latency, no faults except the
 * links a test cuts); everything addressed elsewhere is a reply to a client
 * and is kept for the test to wait on. For tests that need a real process
 * (signals, exit codes, real timers) but not the whole runner.
 */
import * as readline from 'readline';
import execa from 'execa';
import type { Body, Envelope } from '../../src/protocol/message';
import { NODE_BUNDLE, requireBundle } from './node-process';

interface Member {
  child: execa.ExecaChildProcess;
  stderr: string;
  exit: Promise<number | null>;
}

export class PipeCluster {
  readonly replies: Envelope[] = [];
  private readonly members = new Map<string, Member>();
  private readonly cut = new Set<string>();
  private waiters: Array<{ match: (m: Envelope) => boolean; resolve: (m: Envelope) => void }> = [];
  private nextMsgId = 1;

  constructor(
    readonly ids: string[],
    args: string[] = [],
  ) {
    requireBundle();
    for (const id of ids) this.spawn(id, args);
    for (const id of ids) this.deliver({ src: 'c-init', dest: id, body: { type: 'init', msg_id: this.nextMsgId++, node_id: id, node_ids: ids } });
  }

  private spawn(id: string, args: string[]): void {
    const child = execa(NODE_BUNDLE, args, { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false });
    const member: Member = { child, stderr: '', exit: child.then((r) => r.exitCode ?? null) };
    this.members.set(id, member);
    child.stdin!.on('error', () => undefined); // writes to an exited node are dropped
    child.stderr!.on('data', (chunk: Buffer) => (member.stderr += chunk.toString()));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as Envelope; // a non-JSON line throws: the test fails
      if (this.members.has(m.dest)) {
        if (!this.cut.has(`${m.src}>${m.dest}`)) this.deliver(m);
        return;
      }
      this.replies.push(m);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(m)) return true;
        w.resolve(m);
        return false;
      });
    });
  }

  deliver(m: Envelope): void {
    const member = this.members.get(m.dest);
    if (member && member.child.exitCode === null && member.child.signalCode === null) member.child.stdin!.write(`${JSON.stringify(m)}\n`);
  }

  /** A client request to `node`; resolves with the reply body (rejects after `ms`). */
  async request(node: string, body: Omit<Body, 'msg_id'>, ms = 5000, client = 'c1'): Promise<Body> {
    const msgId = this.nextMsgId++;
    const reply = this.waitFor((m) => m.dest === client && m.body.in_reply_to === msgId, ms, `reply to ${JSON.stringify(body)} from ${node}`);
    this.deliver({ src: client, dest: node, body: { ...body, msg_id: msgId } as Body });
    return (await reply).body;
  }

  /** Send without waiting; returns the msg_id. */
  send(node: string, body: Omit<Body, 'msg_id'>, client = 'c1'): number {
    const msgId = this.nextMsgId++;
    this.deliver({ src: client, dest: node, body: { ...body, msg_id: msgId } as Body });
    return msgId;
  }

  waitFor(match: (m: Envelope) => boolean, ms = 5000, what = 'a matching message'): Promise<Envelope> {
    const seen = this.replies.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms; stderr:\n${this.stderr()}`)), ms);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Polls raft_status on every live node until one says it leads and the others agree; returns it. */
  async leader(ms = 5000, among = this.ids): Promise<string> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const views = await Promise.all(among.map((id) => this.request(id, { type: 'raft_status' }, 1000).catch(() => null)));
      const leaders = views.filter((v, i) => v?.role === 'leader' && v.leader === among[i]).map((v) => v!.leader as string);
      if (leaders.length === 1 && views.every((v) => v?.leader === leaders[0])) return leaders[0];
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no agreed leader within ${ms} ms; stderr:\n${this.stderr()}`);
  }

  /** Drop every message from `a` to `b` and from `b` to `a`. */
  cutLink(a: string, b: string): void {
    this.cut.add(`${a}>${b}`);
    this.cut.add(`${b}>${a}`);
  }

  signal(id: string, sig: NodeJS.Signals): void {
    this.members.get(id)!.child.kill(sig);
  }

  exit(id: string): Promise<number | null> {
    return this.members.get(id)!.exit;
  }

  stderrOf(id: string): string {
    return this.members.get(id)!.stderr;
  }

  stderr(): string {
    return [...this.members].map(([id, m]) => `--- ${id}\n${m.stderr.split('\n').slice(-30).join('\n')}`).join('\n');
  }

  /** SIGKILL whatever still runs and wait for it. */
  async stop(): Promise<void> {
    for (const m of this.members.values()) if (m.child.exitCode === null && m.child.signalCode === null) m.child.kill('SIGKILL');
    await Promise.all([...this.members.values()].map((m) => m.exit));
  }
}
