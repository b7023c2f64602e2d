/**
 * The real transport: JSON lines on stdin, JSON lines on stdout. This is the
 * only module of the node that touches process streams.
 */
import * as readline from 'readline';
import type { Readable, Writable } from 'stream';
import { encodeEnvelope, type Envelope } from './message';

/**
 * Buffers outgoing lines and writes them in one `write()` per event-loop turn:
 * a batch of replies costs one syscall, not one per message.
 */
export class CoalescingWriter {
  private pending: string[] = [];
  private scheduled = false;

  constructor(
    private readonly output: Writable,
    private readonly schedule: (fn: () => void) => void = setImmediate,
  ) {}

  send(message: Envelope): void {
    this.pending.push(encodeEnvelope(message));
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('\n') + '\n';
    this.pending = [];
    this.output.write(chunk);
  }
}

/** Calls `onLine` for every line of `input` and `onEnd` once it closes. */
export function readLines(input: Readable, onLine: (line: string) => void, onEnd: () => void): void {
  const lines = readline.createInterface({ input, crlfDelay: Infinity, terminal: false });
  lines.on('line', onLine);
  lines.on('close', onEnd);
}
