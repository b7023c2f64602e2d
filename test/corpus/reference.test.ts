/**
 * The reference Raft as Maelstrom runs it: a scripted session on one node
 * through real pipes, and one short partitioned lin-kv run through the local
 * runner (about 12 s).
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createInterface } from 'readline';
import execa from 'execa';
import { REFERENCE_PATH } from '../../corpus/mutants';

const ROOT = path.resolve(__dirname, '..', '..');

interface Body {
  type: string;
  msg_id?: number;
  in_reply_to?: number;
  code?: number;
  value?: unknown;
  [k: string]: unknown;
}
interface Envelope {
  src: string;
  dest: string;
  body: Body;
}

/** One node process; `call` sends a request and resolves with its reply. */
class Session {
  private readonly child = spawn(REFERENCE_PATH, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  private readonly waiting = new Map<number, (b: Body) => void>();
  private nextId = 1;
  readonly all: Envelope[] = [];

  constructor() {
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as Envelope;
      this.all.push(msg);
      const id = msg.body.in_reply_to;
      const done = id === undefined ? undefined : this.waiting.get(id);
      if (id !== undefined && done) {
        this.waiting.delete(id);
        done(msg.body);
      }
    });
  }

  call(body: Omit<Body, 'msg_id'>): Promise<Body> {
    const msgId = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(msgId, resolve);
      this.child.stdin.write(JSON.stringify({ src: 'c1', dest: 'n0', body: { ...body, msg_id: msgId } }) + '\n');
    });
  }

  /** Retries while the node answers 11 (no leader yet: the first election takes 300-600 ms). */
  async callWhenLed(body: Omit<Body, 'msg_id'>): Promise<Body> {
    for (let i = 0; i < 40; i++) {
      const r = await this.call(body);
      if (!(r.type === 'error' && r.code === 11)) return r;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error('no leader after 2 s');
  }

  async end(): Promise<number | null> {
    this.child.stdin.end();
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      this.child.on('exit', (code) => resolve(code));
      setTimeout(() => {
        this.child.kill('SIGKILL');
      }, 2000);
    });
  }
}

describe('corpus: the reference Raft', function () {
  this.timeout(40_000);

  it('is an executable CommonJS script with a shebang and no dependencies', () => {
    const src = fs.readFileSync(REFERENCE_PATH, 'utf8');
    assert.ok(src.startsWith('#!/usr/bin/env node\n'));
    assert.equal(fs.statSync(REFERENCE_PATH).mode & 0o111, 0o111, 'mode 755');
    const required = [...src.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]);
    assert.deepEqual(required, ['readline']);
  });

  it('answers init, write, read, cas and their errors on one node through real pipes', async () => {
    const s = new Session();
    try {
      assert.deepEqual(await s.call({ type: 'init', node_id: 'n0', node_ids: ['n0'] }), { type: 'init_ok', in_reply_to: 1 });
      const missing = await s.callWhenLed({ type: 'read', key: 1 });
      assert.equal(missing.type, 'error');
      assert.equal(missing.code, 20, 'read of a missing key: 20');
      assert.equal((await s.call({ type: 'cas', key: 1, from: 1, to: 2 })).code, 20, 'cas of a missing key: 20');
      assert.equal((await s.call({ type: 'write', key: 1, value: 3 })).type, 'write_ok');
      const read = await s.call({ type: 'read', key: 1 });
      assert.equal(read.type, 'read_ok');
      assert.equal(read.value, 3);
      assert.equal((await s.call({ type: 'cas', key: 1, from: 3, to: 4 })).type, 'cas_ok');
      assert.equal((await s.call({ type: 'cas', key: 1, from: 3, to: 5 })).code, 22, 'cas precondition: 22');
      assert.equal((await s.call({ type: 'read', key: 1 })).value, 4);
    } finally {
      assert.equal(await s.end(), 0, 'exits 0 when stdin closes');
    }
    for (const m of s.all) assert.equal(m.src, 'n0');
  });

  it('a follower without a leader answers 11 (definite) and never forwards', async () => {
    const s = new Session();
    try {
      await s.call({ type: 'init', node_id: 'n0', node_ids: ['n0', 'n1', 'n2'] });
      const r = await s.call({ type: 'write', key: 1, value: 1 });
      assert.equal(r.code, 11);
    } finally {
      await s.end();
    }
  });

  it('passes a partitioned 3-node lin-kv run of the local runner (10 s)', async () => {
    const store = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-ref-'));
    try {
      const r = await execa(
        path.join(ROOT, 'bin', 'maelstrom-local'),
        ['test', '-w', 'lin-kv', '--bin', REFERENCE_PATH, '--node-count', '3', '--time-limit', '10', '--rate', '50',
          '--concurrency', '2n', '--nemesis', 'partition', '--nemesis-interval', '1', '--seed', '13', '--store', store],
        { reject: false, cwd: ROOT },
      );
      assert.equal(r.exitCode, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Everything looks good! ヽ\(‘ー`\)ノ$/);
      const results = JSON.parse(fs.readFileSync(path.join(store, 'latest', 'results.json'), 'utf8')) as { valid: boolean };
      assert.equal(results.valid, true);
    } finally {
      fs.rmSync(store, { recursive: true, force: true });
    }
  });
});
