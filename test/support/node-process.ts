/**
 * Drives real node processes (dist/raft-node.js) over real pipes: write
 * request lines to stdin, collect stdout lines, wait for replies.
 * Every stdout line is checked to be a JSON envelope as it arrives.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import execa from 'execa';
import type { Envelope } from '../../src/protocol/message';

export const NODE_BUNDLE = path.resolve(__dirname, '../../dist/raft-node.js');

export function requireBundle(): void {
  if (!fs.existsSync(NODE_BUNDLE)) throw new Error(`${NODE_BUNDLE} is missing: run \`make build\` first`);
}

export class NodeProcess {
  readonly child: execa.ExecaChildProcess;
  readonly lines: string[] = [];
  readonly messages: Envelope[] = [];
  stderr = '';
  private waiters: Array<{ match: (m: Envelope) => boolean; resolve: (m: Envelope) => void }> = [];

  constructor(args: string[] = []) {
    requireBundle();
    this.child = execa(NODE_BUNDLE, args, { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false });
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      const message = JSON.parse(line) as Envelope; // throws (fails the test) on a non-JSON line
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(message)) return true;
        w.resolve(message);
        return false;
      });
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  send(message: unknown): void {
    this.child.stdin!.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`);
  }

  /** Resolves with the first (past or future) message matching, or rejects after `ms`. */
  waitFor(match: (m: Envelope) => boolean, ms = 5000): Promise<Envelope> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${ms} ms; stderr:\n${this.stderr}`)), ms);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  reply(dest: string, inReplyTo: number, ms?: number): Promise<Envelope> {
    return this.waitFor((m) => m.dest === dest && m.body.in_reply_to === inReplyTo, ms);
  }

  /** Close stdin and wait for the exit code. */
  async end(): Promise<number> {
    this.child.stdin!.end();
    const result = await this.child;
    return result.exitCode;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

export function assertAllJsonEnvelopes(lines: string[]): void {
  for (const line of lines) {
    const m = JSON.parse(line) as Record<string, unknown>;
    assert.deepEqual(Object.keys(m).sort(), ['body', 'dest', 'src'], line);
  }
}
