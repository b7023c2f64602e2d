import { HistoryOp, OpType, Process } from '../checker/history';
import { Scheduler } from './scheduler';

/** Appends history events with dense indices and nanosecond times since the test's origin. */
export class HistoryRecorder {
  readonly ops: HistoryOp[] = [];
  private listeners: ((op: HistoryOp) => void)[] = [];
  /** Scheduler ms that history time 0 corresponds to (Jepsen: the start of the generator phase). */
  private origin = 0;
  private started = false;

  constructor(private readonly scheduler: Scheduler) {}

  /** Set history time 0 to now; call before the first event. */
  startClock(): void {
    this.origin = this.scheduler.now();
    this.started = true;
  }

  /** Whether the client phase has begun (every node answered init). */
  clockStarted(): boolean {
    return this.started;
  }

  /** Scheduler ms of history time 0 (messages.html puts message times on the history's clock). */
  originMs(): number {
    return this.origin;
  }

  onRecord(listener: (op: HistoryOp) => void): void {
    this.listeners.push(listener);
  }

  record(type: OpType, process: Process, f: string, value: unknown, extra: Record<string, unknown> = {}): HistoryOp {
    const op: HistoryOp = { index: this.ops.length, time: Math.round((this.scheduler.now() - this.origin) * 1e6), type, process, f, value, ...extra };
    this.ops.push(op);
    for (const l of this.listeners) l(op);
    return op;
  }
}
