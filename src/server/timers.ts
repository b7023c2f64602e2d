/**
 * The server's sense of time: Raft ticks counted from the monotonic clock,
 * the periodic timers (tick, sweep, stats), and the switch that stops them
 * all when stdin closes or the simulator crashes the node.
 */
import type { NodeEnv, TimerHandle } from '../protocol/env';
import type { RaftNode } from '../raft';

export class Timers {
  private handles: TimerHandle[] = [];
  private tickOrigin = 0;
  private ticksDone = 0;
  private halted = false;

  constructor(private readonly env: NodeEnv, private readonly tickMs: number) {}

  /** True once stop() ran: every callback still in flight must do nothing. */
  get stopped(): boolean {
    return this.halted;
  }

  /** Tick 0 is now (the replica was just built). */
  startTicks(): void {
    this.tickOrigin = this.env.now();
  }

  /**
   * Ticks are counted from the monotonic clock, not from timer callbacks, and
   * are caught up before the core sees any input (a peer message, a read
   * round): after a stall (GC, SIGSTOP, a long turn) Node runs buffered input
   * before overdue timers, and a leader judging its lease on an under-counted
   * clock would serve a read after a newer leader acknowledged a write.
   */
  catchUp(raft: RaftNode | null): void {
    if (!raft) return;
    const due = Math.floor((this.env.now() - this.tickOrigin) / this.tickMs);
    for (; this.ticksDone < due; this.ticksDone++) raft.tick();
  }

  every(ms: number, fn: () => void): void {
    const loop = (): void => {
      if (this.halted) return;
      fn();
      this.handles[index] = this.env.setTimer(ms, loop);
    };
    const index = this.handles.length;
    this.handles.push(this.env.setTimer(ms, loop));
  }

  stop(): void {
    this.halted = true;
    for (const t of this.handles) t.cancel();
    this.handles = [];
  }
}
