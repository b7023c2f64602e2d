import { Body } from '../../src/protocol/message';
import { FreeWorker, GeneratorContext, OpGenerator, OpSpec, ValueCheck } from '../../src/runner/workload';

/**
 * Elle's `wr-txns`-style generator shared by txn-list-append ("append") and
 * txn-rw-register ("w") (spec §5.2/5.3): a vector of active keys (initially
 * 0..K-1), key index i drawn with weight 2^(i+1) (exponential, base 2, later
 * slots much likelier), f uniform among read/write, write values 1, 2, 3, ...
 * per key; a key that would exceed max-writes-per-key is replaced in its slot
 * by max(active)+1 and the micro-op is drawn again. Lengths uniform in
 * [1, max-txn-length]. Ops go to any free worker.
 */
export class ElleTxnGenerator implements OpGenerator {
  private readonly active: number[];
  private readonly nextValue = new Map<number, number>();
  /** Cumulative weights of the slots, normalised; weights 2^(i+1) scaled to avoid overflow for large K. */
  private readonly cumulative: number[];

  constructor(
    private readonly ctx: GeneratorContext,
    private readonly writeF: 'append' | 'w',
  ) {
    const k = ctx.options.keyCount;
    this.active = Array.from({ length: k }, (_, i) => i);
    const weights = this.active.map((i) => Math.pow(2, i - (k - 1)));
    const total = weights.reduce((a, b) => a + b, 0);
    let acc = 0;
    this.cumulative = weights.map((w) => (acc += w / total));
  }

  /** Slot index with probability 2^(i+1) / (2^(K+1) - 2). */
  drawSlot(): number {
    const u = this.ctx.rng.float();
    for (let i = 0; i < this.cumulative.length; i++) if (u < this.cumulative[i]) return i;
    return this.cumulative.length - 1;
  }

  nextTxn(): [string, number, number | null][] {
    const rng = this.ctx.rng;
    const length = rng.intBetween(1, this.ctx.options.maxTxnLength);
    const txn: [string, number, number | null][] = [];
    while (txn.length < length) {
      const read = rng.int(2) === 0;
      const slot = this.drawSlot();
      const key = this.active[slot];
      if (read) {
        txn.push(['r', key, null]);
        continue;
      }
      const v = this.nextValue.get(key) ?? 1;
      if (v > this.ctx.options.maxWritesPerKey) {
        this.active[slot] = Math.max(...this.active) + 1;
        continue;
      }
      this.nextValue.set(key, v + 1);
      txn.push([this.writeF, key, v]);
    }
    return txn;
  }

  next(free: readonly FreeWorker[]): { thread: number; op: OpSpec } | null {
    if (free.length === 0) return null;
    return { thread: free[0].thread, op: { f: 'txn', value: this.nextTxn() } };
  }

  activeKeys(): readonly number[] {
    return this.active;
  }
}

export function txnRequest(op: OpSpec): Record<string, unknown> {
  return { type: 'txn', txn: op.value };
}

/**
 * txn_ok's `txn` against Maelstrom's schema: a sequence of exactly-3-element
 * micro-ops [f k v] with a known f; with `readsAreLists`, a read's v must be a
 * list (or null: Prismatic sequence schemas accept nil). A null `txn` passes
 * the schema and Maelstrom's (mapv ...) turns it into an empty txn.
 */
export function txnCompletion(reply: Body, fs: readonly string[], readsAreLists: boolean): ValueCheck {
  const txn = reply.txn;
  if (txn === null) return { ok: true, value: [] };
  if (!Array.isArray(txn)) return { ok: false, reason: `malformed-rpc-response: txn is not a sequence: ${JSON.stringify(txn)}` };
  for (const mop of txn) {
    if (!Array.isArray(mop) || mop.length !== 3 || typeof mop[0] !== 'string') {
      return { ok: false, reason: `malformed-rpc-response: micro-op is not [f, k, v]: ${JSON.stringify(mop)}` };
    }
    if (!fs.includes(mop[0])) return { ok: false, reason: `malformed-rpc-response: unknown micro-op f ${JSON.stringify(mop[0])}` };
    if (readsAreLists && mop[0] === 'r' && mop[2] !== null && !Array.isArray(mop[2])) {
      return { ok: false, reason: `malformed-rpc-response: read of key ${JSON.stringify(mop[1])} is not a list: ${JSON.stringify(mop[2])}` };
    }
  }
  return { ok: true, value: txn };
}

export function validateTxnOptions(o: { keyCount: number; maxTxnLength: number; maxWritesPerKey: number }): string | null {
  if (!(Number.isInteger(o.keyCount) && o.keyCount >= 1)) return `--key-count must be an integer >= 1, got ${o.keyCount}`;
  if (!(Number.isInteger(o.maxTxnLength) && o.maxTxnLength >= 1)) return `--max-txn-length must be an integer >= 1, got ${o.maxTxnLength}`;
  if (!(Number.isInteger(o.maxWritesPerKey) && o.maxWritesPerKey >= 1)) return `--max-writes-per-key must be an integer >= 1, got ${o.maxWritesPerKey}`;
  return null;
}

export const TXN_TIMEOUT_MS = 5000;
