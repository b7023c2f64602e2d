/**
 * The run's trace: every message sent, delivered or dropped, every node log
 * line (role and term changes, snapshots, recovery), every fault and every
 * node lifecycle event, stamped with virtual time. Swarms run with tracing off
 * for speed; a failing seed is re-run with it on, which doubles as the check
 * that the failure replays.
 */
export interface Trace {
  readonly enabled: boolean;
  record(kind: string, node: string, detail: string): void;
  lines(): readonly string[];
}

/** Bounds that keep a runaway run's trace inside memory (a broken node can flood the network). */
export const TRACE_MAX_LINES = 2_000_000;
export const TRACE_MAX_DETAIL = 2_000;

export class TraceLog implements Trace {
  readonly enabled = true;
  private readonly out: string[] = [];
  private dropped = 0;

  constructor(private readonly now: () => number) {}

  record(kind: string, node: string, detail: string): void {
    if (this.out.length >= TRACE_MAX_LINES) {
      this.dropped++;
      return;
    }
    const text = detail.length > TRACE_MAX_DETAIL ? `${detail.slice(0, TRACE_MAX_DETAIL)}...(${detail.length} chars)` : detail;
    // Fixed-point time keeps the text identical across runs and platforms.
    this.out.push(`${this.now().toFixed(3)} ${node} ${kind} ${text}`);
  }

  lines(): readonly string[] {
    if (this.dropped === 0) return this.out;
    return [...this.out, `trace truncated: ${this.dropped} later events not recorded (limit ${TRACE_MAX_LINES} lines)`];
  }
}

export const NO_TRACE: Trace = {
  enabled: false,
  record: () => undefined,
  lines: () => [],
};
