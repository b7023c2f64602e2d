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

export class TraceLog implements Trace {
  readonly enabled = true;
  private readonly out: string[] = [];

  constructor(private readonly now: () => number) {}

  record(kind: string, node: string, detail: string): void {
    // Fixed-point time keeps the text identical across runs and platforms.
    this.out.push(`${this.now().toFixed(3)} ${node} ${kind} ${detail}`);
  }

  lines(): readonly string[] {
    return this.out;
  }
}

export const NO_TRACE: Trace = {
  enabled: false,
  record: () => undefined,
  lines: () => [],
};
