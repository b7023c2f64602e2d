import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import { ExitStatus, NodeHandlers, NodeHost } from './node-host';

const KEEP_LINES = 32;

export interface ProcessHostOptions {
  id: string;
  bin: string;
  args: readonly string[];
  /** Working directory shared by all nodes (Maelstrom runs them all in the temp dir). */
  cwd: string;
  /** node-logs/<id>.log */
  logPath: string;
  /** --log-stderr: echo each stderr line here too. */
  echoStderr: ((line: string) => void) | null;
}

/** Splits a byte stream into lines; keeps a partial tail between chunks. */
class LineSplitter {
  private tail = '';
  push(chunk: string, each: (line: string) => void): void {
    const data = this.tail + chunk;
    let start = 0;
    for (;;) {
      const nl = data.indexOf('\n', start);
      if (nl < 0) break;
      each(data.slice(start, nl));
      start = nl + 1;
    }
    this.tail = data.slice(start);
  }
}

/**
 * The process adapter: spawns the node binary, batches stdin writes per event
 * loop turn, splits stdout into lines, appends stderr to the node's log file.
 */
export class ProcessHost implements NodeHost {
  private child: ChildProcess | null = null;
  private alive = false;
  private status: ExitStatus | null = null;
  private reading = true;
  private pending: string[] = [];
  private flushQueued = false;
  private readonly stdoutTail: string[] = [];
  private readonly stderrTail: string[] = [];
  private readonly log: fs.WriteStream;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly o: ProcessHostOptions) {
    this.log = fs.createWriteStream(o.logPath, { flags: 'a' });
  }

  get id(): string {
    return this.o.id;
  }

  start(handlers: NodeHandlers): void {
    const child = spawn(this.o.bin, [...this.o.args], { cwd: this.o.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.alive = true;
    this.status = null;
    this.reading = true;
    this.pending = [];
    const out = new LineSplitter();
    const err = new LineSplitter();
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdin?.on('error', () => undefined); // writes to a dead node are ignored, like Maelstrom's
    child.stdout?.on('data', (chunk: string) => {
      out.push(chunk, (line) => {
        remember(this.stdoutTail, line);
        if (this.reading && this.child === child) handlers.stdout(line);
      });
    });
    child.stderr?.on('data', (chunk: string) => {
      err.push(chunk, (line) => {
        remember(this.stderrTail, line);
        this.log.write(line + '\n');
        this.o.echoStderr?.(line);
      });
    });
    this.exited = new Promise((resolve) => {
      let settled = false;
      const done = (code: number | null, signal: string | null): void => {
        if (settled) return;
        settled = true;
        if (this.child === child) {
          this.alive = false;
          this.status = { code, signal };
          handlers.exit(code, signal);
        }
        resolve();
      };
      child.on('exit', (code, signal) => done(code, signal));
      child.on('error', (e) => {
        this.log.write(`[maelstrom-local] could not start ${this.o.bin}: ${e.message}\n`);
        remember(this.stderrTail, `could not start ${this.o.bin}: ${e.message}`);
        done(null, null);
      });
    });
  }

  send(line: string): void {
    if (!this.alive) return;
    this.pending.push(line);
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      if (this.pending.length === 0 || !this.alive) return;
      const data = this.pending.join('\n') + '\n';
      this.pending = [];
      this.child?.stdin?.write(data);
    });
  }

  signal(sig: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void {
    if (this.alive) this.child?.kill(sig);
  }

  stopReading(): void {
    this.reading = false;
    this.child?.stdout?.pause();
  }

  running(): boolean {
    return this.alive;
  }

  exitStatus(): ExitStatus | null {
    return this.status;
  }

  lastLines(): { stdout: string[]; stderr: string[] } {
    return { stdout: [...this.stdoutTail], stderr: [...this.stderrTail] };
  }

  async terminate(): Promise<void> {
    if (this.alive) {
      this.child?.kill('SIGCONT');
      this.child?.kill('SIGKILL');
    }
    await this.exited;
    await new Promise<void>((resolve) => this.log.end(resolve));
  }
}

function remember(tail: string[], line: string): void {
  tail.push(line);
  if (tail.length > KEEP_LINES) tail.shift();
}
