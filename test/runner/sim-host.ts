import { ExitStatus, NodeHandlers, NodeHost } from '../../src/runner/node-host';
import { Scheduler } from '../../src/runner/scheduler';

/** In-process node logic for tests: gets each parsed message, emits raw stdout lines. */
export type NodeLogic = (msg: { src: string; dest: string; body: Record<string, unknown> }, emit: (line: string) => void, self: { id: string }) => void;

/**
 * A NodeHost that runs `logic` on the virtual scheduler instead of spawning a
 * process: each stdin line is handled after `delayMs` of virtual time.
 */
export class SimHost implements NodeHost {
  private handlers: NodeHandlers | null = null;
  private alive = false;
  private reading = true;
  readonly received: string[] = [];
  private status: ExitStatus | null = null;

  constructor(
    readonly id: string,
    private readonly scheduler: Scheduler,
    private readonly logic: NodeLogic,
    private readonly delayMs = 0.1,
  ) {}

  start(handlers: NodeHandlers): void {
    this.handlers = handlers;
    this.alive = true;
  }

  send(line: string): void {
    if (!this.alive) return;
    this.received.push(line);
    this.scheduler.after(this.delayMs, () => {
      if (!this.alive) return;
      const msg = JSON.parse(line);
      this.logic(msg, (out) => {
        if (this.alive && this.reading) this.handlers?.stdout(out);
      }, { id: this.id });
    });
  }

  /** Simulate the process exiting by itself. */
  exit(code: number): void {
    this.alive = false;
    this.status = { code, signal: null };
    this.handlers?.exit(code, null);
  }

  signal(sig: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void {
    if (sig === 'SIGKILL' && this.alive) {
      this.alive = false;
      this.status = { code: null, signal: 'SIGKILL' };
      this.handlers?.exit(null, 'SIGKILL');
    }
  }

  stopReading(): void {
    this.reading = false;
  }

  running(): boolean {
    return this.alive;
  }

  exitStatus(): ExitStatus | null {
    return this.status;
  }

  lastLines(): { stdout: string[]; stderr: string[] } {
    return { stdout: [], stderr: [] };
  }

  async terminate(): Promise<void> {
    this.alive = false;
  }
}

/** Reply helper for node logic. */
export function replyLine(msg: { src: string; dest: string; body: Record<string, unknown> }, body: Record<string, unknown>): string {
  return JSON.stringify({ src: msg.dest, dest: msg.src, body: { ...body, in_reply_to: msg.body.msg_id } });
}

/** A node that answers init and lin-kv requests from one shared in-memory register map (linearizable). */
export function sharedKvLogic(store: Map<string, unknown>): NodeLogic {
  return (msg, emit) => {
    const b = msg.body;
    const k = JSON.stringify(b.key);
    switch (b.type) {
      case 'init':
        return emit(replyLine(msg, { type: 'init_ok' }));
      case 'echo':
        return emit(replyLine(msg, { type: 'echo_ok', echo: b.echo }));
      case 'read':
        return emit(store.has(k) ? replyLine(msg, { type: 'read_ok', value: store.get(k) }) : replyLine(msg, { type: 'error', code: 20 }));
      case 'write':
        store.set(k, b.value);
        return emit(replyLine(msg, { type: 'write_ok' }));
      case 'cas':
        if (!store.has(k)) return emit(replyLine(msg, { type: 'error', code: 20 }));
        if (store.get(k) !== b.from) return emit(replyLine(msg, { type: 'error', code: 22 }));
        store.set(k, b.to);
        return emit(replyLine(msg, { type: 'cas_ok' }));
    }
  };
}
