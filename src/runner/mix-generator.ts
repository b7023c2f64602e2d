import { FreeWorker, OpGenerator, OpSpec } from './workload';
import { Rng } from './rng';

/**
 * Jepsen's `(gen/mix [a b ...])` over infinite generators: every op comes from
 * one of the branches drawn uniformly at random, given to the first free
 * worker in the interpreter's rotation. A branch is a function producing its
 * next op (it may keep state, like broadcast's 0, 1, 2, ... counter), or null
 * to reject the draw so that another is made (Jepsen's `gen/filter` around the
 * mix, which g-counter uses to drop negative deltas).
 */
export class MixGenerator implements OpGenerator {
  constructor(
    private readonly rng: Rng,
    private readonly branches: readonly (() => OpSpec | null)[],
  ) {}

  next(free: readonly FreeWorker[]): { thread: number; op: OpSpec } | null {
    if (free.length === 0) return null;
    for (;;) {
      const op = this.branches[this.rng.int(this.branches.length)]();
      if (op) return { thread: free[0].thread, op };
    }
  }
}

/** Jepsen's `(gen/each-thread op)`: every client worker takes exactly one copy of `op`. */
export class EachThreadGenerator implements OpGenerator {
  private readonly done = new Set<number>();

  constructor(private readonly op: OpSpec) {}

  next(free: readonly FreeWorker[]): { thread: number; op: OpSpec } | null {
    const w = free.find((x) => !this.done.has(x.thread));
    if (!w) return null;
    this.done.add(w.thread);
    return { thread: w.thread, op: this.op };
  }
}

/** Maelstrom's default RPC timeout (maelstrom.client/default-timeout), for workloads that do not set their own. */
export const DEFAULT_RPC_TIMEOUT_MS = 5000;
