import { checkLinKv } from '../../src/checker/linearizability';
import { linKvFinalReads } from '../../src/runner/final-reads';
import { Body } from '../../src/protocol/message';
import { BenchWorkload, FreeWorker, GeneratorContext, LIN_KV_VALUE_COUNT, OpGenerator, OpSpec, ValueCheck, WorkloadOptions } from '../../src/runner/workload';

/** Jepsen's process-limit for each key of the linearizable-register test (spec §5.1). */
export const LIN_KV_PROCESS_LIMIT = 20;

interface Group {
  key: number;
  processes: Set<number>;
}

/**
 * Jepsen's linearizable-register generator as Maelstrom configures it
 * (spec §5.1): workers split into contiguous groups of 2N, each group on one
 * key at a time from the shared sequence 0, 1, 2, ...; `reserve N reads` by
 * ABSOLUTE worker id (so only group 0 ever reads), everything else mixes
 * write : cas = 1 : 2; values uniform in [0, 5) (our --value-count widens it). A group moves to a fresh key
 * once more than 20 distinct processes have used its current one.
 */
export class LinKvGenerator implements OpGenerator {
  private readonly groups: Group[] = [];
  private nextKey = 0;
  private readonly groupSize: number;
  private readonly valueCount: number;
  private readonly recent = new Map<number, number[]>();

  constructor(private readonly ctx: GeneratorContext) {
    this.groupSize = 2 * ctx.nodeCount;
    this.valueCount = ctx.options.valueCount ?? LIN_KV_VALUE_COUNT;
    const groupCount = ctx.concurrency / this.groupSize;
    for (let g = 0; g < groupCount; g++) this.groups.push({ key: this.nextKey++, processes: new Set() });
  }

  next(free: readonly FreeWorker[]): { thread: number; op: OpSpec } | null {
    if (free.length === 0) return null;
    const rng = this.ctx.rng;
    // Groups with a free worker; all groups have 2N threads so Jepsen's weighted tie-break is uniform.
    const groupIds = [...new Set(free.map((w) => Math.floor(w.thread / this.groupSize)))].sort((a, b) => a - b);
    const g = groupIds[rng.int(groupIds.length)];
    const inGroup = free.filter((w) => Math.floor(w.thread / this.groupSize) === g);
    // reserve: class "read" is absolute threads [0, N) within this group's range; weighted by class thread count.
    const n = this.ctx.nodeCount;
    const lo = g * this.groupSize;
    const readThreads = Math.max(0, Math.min(n, lo + this.groupSize) - lo);
    const otherThreads = this.groupSize - readThreads;
    const freeReaders = inGroup.filter((w) => w.thread < n);
    const freeOthers = inGroup.filter((w) => w.thread >= n);
    let readClass: boolean;
    if (freeReaders.length > 0 && freeOthers.length > 0) readClass = rng.int(readThreads + otherThreads) < readThreads;
    else readClass = freeReaders.length > 0;
    const worker = (readClass ? freeReaders : freeOthers)[0];
    const group = this.groups[g];
    if (!group.processes.has(worker.process) && group.processes.size >= LIN_KV_PROCESS_LIMIT) {
      group.key = this.nextKey++;
      group.processes = new Set();
    }
    group.processes.add(worker.process);
    const k = group.key;
    let op: OpSpec;
    if (readClass) op = { f: 'read', value: [k, null] };
    else if (rng.int(3) === 0) op = { f: 'write', value: [k, this.issue(k, rng.int(this.valueCount))] };
    else op = { f: 'cas', value: [k, [this.casFrom(k), this.issue(k, rng.int(this.valueCount))]] };
    return { thread: worker.thread, op };
  }

  /** Remember a value this generator sent for `key` (only needed for the wide-value cas below). */
  private issue(key: number, value: number): number {
    if (this.valueCount > LIN_KV_VALUE_COUNT) {
      const recent = this.recent.get(key) ?? [];
      recent.push(value);
      if (recent.length > RECENT_VALUES) recent.shift();
      this.recent.set(key, recent);
    }
    return value;
  }

  /**
   * The value a cas expects. Maelstrom's range (5 values) draws it blindly, as
   * Jepsen does, and a fifth of cas ops succeed. Drawn blindly from 1000
   * values almost none would, so then it is one of the key's last few
   * issued values (or blind, a quarter of the time).
   */
  private casFrom(key: number): number {
    const rng = this.ctx.rng;
    const recent = this.recent.get(key);
    if (this.valueCount <= LIN_KV_VALUE_COUNT || !recent || rng.int(4) === 0) return rng.int(this.valueCount);
    return recent[rng.int(recent.length)];
  }
}

/** With a wide --value-count, cas compares against one of the key's last few issued values. */
const RECENT_VALUES = 4;

function keyOf(op: OpSpec): unknown {
  return (op.value as unknown[])[0];
}

export const linKvBench: BenchWorkload = {
  name: 'lin-kv',
  idempotent: new Set(['read']),
  reusableClient: true,
  fs: ['read', 'write', 'cas'],
  validate(nodeCount: number, concurrency: number): string | null {
    if (concurrency % (2 * nodeCount) !== 0 || concurrency === 0) {
      return `lin-kv needs --concurrency to be a positive multiple of 2n (= ${2 * nodeCount} for ${nodeCount} nodes), got ${concurrency}; try --concurrency 2n`;
    }
    if (2 * nodeCount > LIN_KV_PROCESS_LIMIT) {
      return `lin-kv with ${nodeCount} nodes: each key group has 2n = ${2 * nodeCount} workers, more than Jepsen's process limit of ${LIN_KV_PROCESS_LIMIT}; real Maelstrom spins forever here. Use --node-count <= 10`;
    }
    return null;
  },
  timeoutMs(options: WorkloadOptions): number {
    return Math.max(10 * options.latencyMs, 1000);
  },
  generator: (ctx) => new LinKvGenerator(ctx),
  request(op: OpSpec): Record<string, unknown> {
    const [k, v] = op.value as [unknown, unknown];
    if (op.f === 'read') return { type: 'read', key: k };
    if (op.f === 'write') return { type: 'write', key: k, value: v };
    const [from, to] = v as [unknown, unknown];
    return { type: 'cas', key: k, from, to };
  },
  replySchema(op: OpSpec) {
    if (op.f === 'read') return { type: 'read_ok', required: ['value'] };
    return { type: `${op.f}_ok`, required: [] };
  },
  completion(op: OpSpec, reply: Body): ValueCheck {
    if (op.f === 'read') return { ok: true, value: [keyOf(op), reply.value] };
    return { ok: true, value: op.value };
  },
  check: (history) => checkLinKv(history),
  finalReads: (history) => linKvFinalReads(history),
};
