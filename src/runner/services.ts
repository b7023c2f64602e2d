import { Body } from '../protocol/message';
import { ErrorCode } from '../protocol/errors';
import { Rng } from './rng';

/**
 * Maelstrom's built-in services (spec §2.6): network ids that answer KV and
 * timestamp requests serially. Pure request -> response functions; the
 * runner wires them to the network. `null` means "no reply" (unknown request
 * type: Maelstrom logs an exception and the request times out).
 */
export interface Service {
  readonly id: string;
  handle(sender: string, body: Body): Record<string, unknown> | null;
}

export const SERVICE_IDS = ['lin-kv', 'seq-kv', 'lww-kv', 'lin-tso'] as const;

type KvState = ReadonlyMap<string, unknown>;
type KvResult = { reply: Record<string, unknown>; next: KvState };

const keyOf = (k: unknown): string => JSON.stringify(k ?? null);

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function kvError(code: number, text: string): Record<string, unknown> {
  return { type: 'error', code, text };
}

/** One KV operation against an immutable state; shared by lin-kv and seq-kv. */
function applyKv(state: KvState, body: Body, honourCreateFlag: boolean): KvResult | null {
  const k = keyOf(body.key);
  switch (body.type) {
    case 'read':
      if (!state.has(k)) return { reply: kvError(ErrorCode.KeyDoesNotExist, 'key does not exist'), next: state };
      return { reply: { type: 'read_ok', value: state.get(k) }, next: state };
    case 'write': {
      if (state.has(k) && sameValue(state.get(k), body.value)) return { reply: { type: 'write_ok' }, next: state };
      const next = new Map(state);
      next.set(k, body.value);
      return { reply: { type: 'write_ok' }, next };
    }
    case 'cas': {
      if (!state.has(k)) {
        if (honourCreateFlag && body.create_if_not_exists === true) {
          const next = new Map(state);
          next.set(k, body.to);
          return { reply: { type: 'cas_ok' }, next };
        }
        return { reply: kvError(ErrorCode.KeyDoesNotExist, 'key does not exist'), next: state };
      }
      const current = state.get(k);
      if (!sameValue(current, body.from)) {
        return {
          reply: kvError(ErrorCode.PreconditionFailed, `current value ${JSON.stringify(current)} is not ${JSON.stringify(body.from)}`),
          next: state,
        };
      }
      if (sameValue(current, body.to)) return { reply: { type: 'cas_ok' }, next: state };
      const next = new Map(state);
      next.set(k, body.to);
      return { reply: { type: 'cas_ok' }, next };
    }
    default:
      return null;
  }
}

/** `lin-kv`: one atomic state, so linearizable. */
export class LinKvService implements Service {
  readonly id = 'lin-kv';
  private state: KvState = new Map();

  handle(_sender: string, body: Body): Record<string, unknown> | null {
    const r = applyKv(this.state, body, true);
    if (!r) return null;
    this.state = r.next;
    return r.reply;
  }
}

/**
 * `seq-kv`: the last 32 states plus each sender's last observed index. A
 * request runs speculatively on a random state no older than what the sender
 * saw; if that changes nothing the (possibly stale) result stands, otherwise
 * it is re-run on the newest state, which it extends.
 */
export class SeqKvService implements Service {
  readonly id = 'seq-kv';
  private static readonly RING = 32;
  private states: KvState[] = [new Map()];
  /** Absolute index of states[0]. */
  private base = 0;
  private readonly seen = new Map<string, number>();

  constructor(private readonly rng: Rng) {}

  handle(sender: string, body: Body): Record<string, unknown> | null {
    const newest = this.base + this.states.length - 1;
    const lo = Math.max(this.base, this.seen.get(sender) ?? this.base);
    const idx = lo + this.rng.int(newest - lo + 1);
    const speculative = applyKv(this.states[idx - this.base], body, true);
    if (!speculative) return null;
    if (speculative.next === this.states[idx - this.base]) {
      this.seen.set(sender, idx);
      return speculative.reply;
    }
    const real = applyKv(this.states[this.states.length - 1], body, true) as KvResult;
    if (real.next !== this.states[this.states.length - 1]) {
      this.states.push(real.next);
      if (this.states.length > SeqKvService.RING) {
        this.states.shift();
        this.base++;
      }
    }
    this.seen.set(sender, this.base + this.states.length - 1);
    return real.reply;
  }
}

interface LwwEntry {
  value: unknown;
  ts: number;
}

/**
 * `lww-kv`: two replicas (as in Maelstrom's code; its docs say five). Each
 * request first merges a random replica into a random replica (higher Lamport
 * timestamp wins, ties go to the source), then runs on a random replica.
 * `create_if_not_exists` is ignored, as in Maelstrom.
 */
export class LwwKvService implements Service {
  readonly id = 'lww-kv';
  private readonly replicas: { data: Map<string, LwwEntry>; clock: number }[] = [
    { data: new Map(), clock: 0 },
    { data: new Map(), clock: 0 },
  ];

  constructor(private readonly rng: Rng) {}

  handle(_sender: string, body: Body): Record<string, unknown> | null {
    if (body.type !== 'read' && body.type !== 'write' && body.type !== 'cas') return null;
    const src = this.replicas[this.rng.int(this.replicas.length)];
    const dst = this.replicas[this.rng.int(this.replicas.length)];
    if (src !== dst) {
      for (const [k, e] of src.data) {
        const mine = dst.data.get(k);
        if (!mine || e.ts >= mine.ts) dst.data.set(k, e);
      }
      dst.clock = Math.max(dst.clock, src.clock);
    }
    const r = this.replicas[this.rng.int(this.replicas.length)];
    const state: KvState = new Map([...r.data].map(([k, e]) => [k, e.value] as const));
    const result = applyKv(state, body, false) as KvResult;
    if (result.next !== state) {
      r.clock++;
      const k = keyOf(body.key);
      r.data.set(k, { value: result.next.get(k), ts: r.clock });
    }
    return result.reply;
  }
}

/** `lin-tso`: a linearizable timestamp oracle counting from 0. */
export class LinTsoService implements Service {
  readonly id = 'lin-tso';
  private next = 0;

  handle(_sender: string, body: Body): Record<string, unknown> | null {
    if (body.type !== 'ts') return null;
    return { type: 'ts_ok', ts: this.next++ };
  }
}

export function makeServices(rng: Rng): Service[] {
  return [new LinKvService(), new SeqKvService(rng.fork('seq-kv')), new LwwKvService(rng.fork('lww-kv')), new LinTsoService()];
}
