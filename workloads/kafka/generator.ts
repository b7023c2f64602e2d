import { HistoryOp } from '../../src/checker/history';
import { FreeWorker, GeneratorContext, OpGenerator, OpSpec } from '../../src/runner/workload';
import { ElleTxnGenerator } from '../txn-list-append/bench-elle';

/**
 * The generator Maelstrom builds for kafka from jepsen.tests.kafka with
 * :txn? false, :crash-clients? true, :sub-via #{:assign}, keys as strings:
 *  - Elle's list-append transactions of length 1 (keys 0..key-count-1 with the
 *    exponential key choice, values 1, 2, ... per key, a key retiring after
 *    --max-writes-per-key), rewritten: append k v -> [[send k v]] (f send),
 *    r -> [[poll]] (f poll);
 *  - interleave-subscribes: with probability 1/64 an `assign` of the next op's
 *    key comes first (the op itself follows later);
 *  - poll-unseen: a third of those assigns also take every key with sent but
 *    not yet polled offsets;
 *  - crash-client-gen: a `crash` about every 30 s / concurrency (uniform gaps
 *    on [0, 2x), as gen/stagger), which replaces that worker's client.
 * It also tracks the highest offset seen per key, for the final polls.
 */
export const SUB_P = 1 / 64;
export const CRASH_CLIENT_INTERVAL_S = 30;

export type Offsets = Map<string, number>;

/** op->max-poll-offsets / op->max-send-offsets of an ok or info completion, merged by max. */
export function maxOffsets(op: HistoryOp): { polled: Offsets; sent: Offsets } {
  const polled: Offsets = new Map();
  const sent: Offsets = new Map();
  if ((op.type !== 'ok' && op.type !== 'info') || !Array.isArray(op.value)) return { polled, sent };
  for (const mop of op.value as unknown[]) {
    if (!Array.isArray(mop)) continue;
    if (op.f === 'poll' && mop[0] === 'poll' && mop.length >= 2 && mop[1] !== null && typeof mop[1] === 'object') {
      for (const [k, pairs] of Object.entries(mop[1] as Record<string, [number, unknown][]>)) {
        let max = -1;
        for (const [o] of pairs) if (typeof o === 'number') max = Math.max(max, o);
        polled.set(k, Math.max(polled.get(k) ?? -1, max));
      }
    }
    if (op.f === 'send' && mop[0] === 'send' && Array.isArray(mop[2]) && typeof mop[2][0] === 'number') {
      const k = String(mop[1]);
      sent.set(k, Math.max(sent.get(k) ?? 0, mop[2][0]));
    }
  }
  return { polled, sent };
}

const mergeMax = (into: Offsets, from: Offsets): void => {
  for (const [k, v] of from) into.set(k, Math.max(into.get(k) ?? -Infinity, v));
};

export class KafkaGenerator implements OpGenerator {
  private readonly txns: ElleTxnGenerator;
  /** The next list-append op, held back while an assign goes first. */
  private pending: OpSpec | null = null;
  private readonly sent: Offsets = new Map();
  private readonly polled: Offsets = new Map();
  /** Highest offset seen per key by any ok op (track-key-offsets): the final polls' targets. */
  readonly seen: Offsets = new Map();
  private nextCrashAt: number | null = null;

  constructor(private readonly ctx: GeneratorContext) {
    this.txns = new ElleTxnGenerator({ ...ctx, options: { ...ctx.options, maxTxnLength: 1 } }, 'append');
  }

  private crashGap(): number {
    return this.ctx.rng.float() * 2 * ((CRASH_CLIENT_INTERVAL_S * 1000) / this.ctx.concurrency);
  }

  next(free: readonly FreeWorker[]): { thread: number; op: OpSpec } | null {
    if (free.length === 0) return null;
    const thread = free[0].thread;
    const now = this.ctx.now?.();
    if (now !== undefined) {
      if (this.nextCrashAt === null) this.nextCrashAt = now + this.crashGap();
      else if (now >= this.nextCrashAt) {
        this.nextCrashAt += this.crashGap();
        return { thread, op: { f: 'crash', value: null } };
      }
    }
    if (!this.pending) {
      const [[f, k, v]] = this.txns.nextTxn();
      this.pending = f === 'r' ? { f: 'poll', value: [['poll']], attrs: { keys: [String(k)] } } : { f: 'send', value: [['send', String(k), v]] };
    }
    const rng = this.ctx.rng;
    const op = this.pending;
    const keys = op.f === 'send' ? [String((op.value as unknown[][])[0][1])] : (op.attrs?.keys as string[]);
    if (rng.float() < SUB_P) {
      let value = keys;
      if (rng.float() < 1 / 3 && this.sent.size > 0) value = [...new Set([...keys, ...this.sent.keys()])];
      return { thread, op: { f: 'assign', value } };
    }
    this.pending = null;
    return { thread, op: { f: op.f, value: op.value } };
  }

  update(_thread: number, completion: HistoryOp): void {
    if (completion.type !== 'ok') return;
    const { polled, sent } = maxOffsets(completion);
    const all: Offsets = new Map(polled);
    mergeMax(all, sent);
    mergeMax(this.seen, all);
    mergeMax(this.sent, sent);
    mergeMax(this.polled, polled);
    // Keys whose polls caught up with their sends are no longer unseen.
    for (const k of new Set([...this.sent.keys(), ...this.polled.keys()])) {
      if ((this.polled.get(k) ?? -1) >= (this.sent.get(k) ?? -1)) {
        this.sent.delete(k);
        this.polled.delete(k);
      }
    }
  }
}

/** Mean pause between final polls: Maelstrom's (gen/stagger 1/5). */
export const FINAL_POLL_STAGGER_MS = 200;

/**
 * jepsen.tests.kafka's final-polls, one per worker (each-thread): crash the
 * client, assign every key seen with seek-to-beginning, then poll (staggered)
 * until this worker's polls reached the highest offset seen for every key.
 * Maelstrom bounds the whole phase at 10 s (finalBoundMs).
 */
export class KafkaFinalGenerator implements OpGenerator {
  private readonly perThread = new Map<number, { step: number; targets: Offsets }>();

  constructor(
    private readonly ctx: GeneratorContext,
    private readonly targets: Offsets,
  ) {}

  next(free: readonly FreeWorker[]): { thread: number; op: OpSpec; pauseMs?: number } | null {
    for (const w of free) {
      let s = this.perThread.get(w.thread);
      if (!s) this.perThread.set(w.thread, (s = { step: 0, targets: new Map(this.targets) }));
      if (s.targets.size === 0) continue;
      const step = s.step++;
      if (step === 0) return { thread: w.thread, op: { f: 'crash', value: null } };
      if (step === 1) return { thread: w.thread, op: { f: 'assign', value: [...this.targets.keys()], attrs: { 'seek-to-beginning?': true } } };
      return { thread: w.thread, op: { f: 'poll', value: [['poll']], attrs: { 'poll-ms': 1000 } }, pauseMs: this.ctx.rng.float() * 2 * FINAL_POLL_STAGGER_MS };
    }
    return null;
  }

  update(thread: number, completion: HistoryOp): void {
    const s = this.perThread.get(thread);
    if (!s || completion.type !== 'ok' || completion.f !== 'poll') return;
    const { polled, sent } = maxOffsets(completion);
    mergeMax(polled, sent);
    for (const [k, seen] of polled) if ((s.targets.get(k) ?? -1) <= seen) s.targets.delete(k);
  }
}
