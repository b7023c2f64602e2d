/**
 * Seeded generators of histories that are correct by construction, for the
 * randomized tests and the benchmark. Each simulates clients against an
 * atomic store: an op is invoked, later takes effect at one instant (its
 * linearization point) while still pending, and later still completes. So
 * every generated history is linearizable (registers) or strict-serializable
 * (transactions); tests then mutate them in ways whose verdict is known.
 */
import { mulberry32 } from '../common/mulberry32';
import { HistoryOp } from './history';

/** Seeded uniform [0, 1) source for test data (mulberry32). */
export const prng = mulberry32;

export interface RandomSource {
  next(): number;
  int(n: number): number;
  chance(p: number): boolean;
}

export function randomSource(seed: number): RandomSource {
  const r = prng(seed);
  return { next: r, int: (n) => Math.floor(r() * n), chance: (p) => r() < p };
}

interface Pending<T> {
  process: number;
  invokeValue: unknown;
  f: string;
  /** Set once the op took effect: its completion value and type. */
  done?: { type: 'ok' | 'fail'; value: unknown };
  data: T;
}

class Recorder {
  readonly events: HistoryOp[] = [];
  push(type: HistoryOp['type'], process: number, f: string, value: unknown): void {
    const index = this.events.length;
    this.events.push({ index, time: index * 1000, type, process, f, value });
  }
}

export interface LinKvGenOptions {
  ops: number;
  /** Keys in use at once; each key has its own group of processes. */
  concurrentKeys: number;
  /** Processes per key group (Maelstrom: 2 x nodes). */
  processesPerKey: number;
  /** Values are 0..values-1 (Maelstrom: 5). */
  values: number;
  /** Probability an op's outcome is lost (info): it may or may not have taken effect. */
  infoRate: number;
  /** A group moves to a fresh key after this many info outcomes (Maelstrom's process limit). */
  infosPerKey: number;
  seed: number;
}

/**
 * Maelstrom's lin-kv generator shape: groups of processes each hammer one key
 * with read/write/cas of small values; info outcomes consume process ids and
 * eventually move the group to a fresh key.
 */
export function generateLinKv(o: LinKvGenOptions): HistoryOp[] {
  const rnd = randomSource(o.seed);
  const rec = new Recorder();
  const store = new Map<number, number | null>();
  interface Group { key: number; procs: number[]; infos: number }
  let nextKey = 0;
  let nextProcess = 0;
  const groups: Group[] = [];
  for (let g = 0; g < o.concurrentKeys; g++) {
    const procs: number[] = [];
    for (let i = 0; i < o.processesPerKey; i++) procs.push(nextProcess++);
    groups.push({ key: nextKey++, procs, infos: 0 });
  }
  const pending = new Map<number, Pending<{ key: number; group: Group }>>();
  let invoked = 0;
  while (invoked < o.ops || pending.size > 0) {
    const roll = rnd.next();
    const list = [...pending.values()];
    if (roll < 0.4 && invoked < o.ops) {
      const g = groups[rnd.int(groups.length)];
      const idle = g.procs.filter((p) => !pending.has(p));
      if (!idle.length) continue;
      const p = idle[rnd.int(idle.length)];
      const kind = rnd.int(3);
      let f: string;
      let value: unknown;
      if (kind === 0) { f = 'read'; value = [g.key, null]; }
      else if (kind === 1) { f = 'write'; value = [g.key, rnd.int(o.values)]; }
      else { f = 'cas'; value = [g.key, [rnd.int(o.values), rnd.int(o.values)]]; }
      rec.push('invoke', p, f, value);
      pending.set(p, { process: p, f, invokeValue: value, data: { key: g.key, group: g } });
      invoked++;
    } else if (roll < 0.7 && list.length) {
      // Take effect: apply to the store, atomically.
      const undone = list.filter((x) => !x.done);
      if (!undone.length) continue;
      const op = undone[rnd.int(undone.length)];
      const [k, arg] = op.invokeValue as [number, unknown];
      const cur = store.get(k) ?? null;
      if (op.f === 'read') op.done = { type: 'ok', value: [k, cur] };
      else if (op.f === 'write') { store.set(k, arg as number); op.done = { type: 'ok', value: op.invokeValue }; }
      else {
        const [from, to] = arg as [number, number];
        if (cur === from) { store.set(k, to); op.done = { type: 'ok', value: op.invokeValue }; }
        else op.done = { type: 'fail', value: op.invokeValue };
      }
    } else if (list.length) {
      const op = list[rnd.int(list.length)];
      const g = op.data.group;
      if (rnd.chance(o.infoRate) && op.f !== 'read') {
        // Lost outcome: maybe it took effect, maybe it never will.
        rec.push('info', op.process, op.f, op.invokeValue);
        pending.delete(op.process);
        const fresh = nextProcess++;
        g.procs[g.procs.indexOf(op.process)] = fresh;
        if (++g.infos >= o.infosPerKey) { g.key = nextKey++; g.infos = 0; }
        continue;
      }
      if (!op.done) {
        if (op.f === 'read' && rnd.chance(o.infoRate)) {
          // A read timeout is a fail in Maelstrom (reads are idempotent).
          rec.push('fail', op.process, op.f, op.invokeValue);
          pending.delete(op.process);
        }
        continue;
      }
      rec.push(op.done.type, op.process, op.f, op.done.value);
      pending.delete(op.process);
    }
  }
  return rec.events;
}

export interface ListAppendGenOptions {
  txns: number;
  processes: number;
  keys: number;
  maxTxnLength: number;
  /** A key is retired (replaced by a fresh one) after this many appends. */
  maxWritesPerKey: number;
  infoRate: number;
  failRate: number;
  seed: number;
  /** 'r'/'append' (list-append) or 'r'/'w' (rw-register). */
  kind?: 'list-append' | 'rw-register';
}

/**
 * Elle-style txn generator against a strict-serializable store: keys drawn
 * with an exponential bias towards the newest active keys, unique values per
 * key, txns of 1..maxTxnLength micro-ops.
 */
export function generateTxns(o: ListAppendGenOptions): HistoryOp[] {
  const rnd = randomSource(o.seed);
  const rec = new Recorder();
  const kind = o.kind ?? 'list-append';
  const lists = new Map<number, number[]>();
  const regs = new Map<number, number | null>();
  const written = new Map<number, number>();
  const active: number[] = [];
  for (let i = 0; i < o.keys; i++) active.push(i);
  let nextKey = o.keys;
  const pickKey = (): number => {
    // Index i with weight 2^i: the last keys are the hottest, as in Elle.
    const total = 2 ** active.length - 1;
    const x = rnd.next() * total;
    const i = Math.min(active.length - 1, Math.floor(Math.log2(x + 1)));
    return active[i];
  };
  const pending = new Map<number, Pending<null>>();
  const procs: number[] = [];
  for (let p = 0; p < o.processes; p++) procs.push(p);
  let nextProcess = o.processes;
  let invoked = 0;
  while (invoked < o.txns || pending.size > 0) {
    const roll = rnd.next();
    const list = [...pending.values()];
    if (roll < 0.4 && invoked < o.txns) {
      const idle = procs.filter((p) => !pending.has(p));
      if (!idle.length) continue;
      const p = idle[rnd.int(idle.length)];
      const len = 1 + rnd.int(o.maxTxnLength);
      const mops: unknown[] = [];
      for (let i = 0; i < len; i++) {
        let k = pickKey();
        if (rnd.chance(0.5)) { mops.push(['r', k, null]); continue; }
        let n = (written.get(k) ?? 0) + 1;
        if (n > o.maxWritesPerKey) {
          active[active.indexOf(k)] = nextKey;
          k = nextKey++;
          n = 1;
        }
        written.set(k, n);
        mops.push([kind === 'list-append' ? 'append' : 'w', k, n]);
      }
      rec.push('invoke', p, 'txn', mops);
      pending.set(p, { process: p, f: 'txn', invokeValue: mops, data: null });
      invoked++;
    } else if (roll < 0.7 && list.length) {
      const undone = list.filter((x) => !x.done);
      if (!undone.length) continue;
      const op = undone[rnd.int(undone.length)];
      if (rnd.chance(o.failRate)) { op.done = { type: 'fail', value: op.invokeValue }; continue; }
      const out = (op.invokeValue as [string, number, unknown][]).map(([f, k, v]) => {
        if (f === 'r') {
          if (kind === 'list-append') return ['r', k, lists.has(k) ? [...lists.get(k)!] : null];
          return ['r', k, regs.get(k) ?? null];
        }
        if (kind === 'list-append') lists.set(k, [...(lists.get(k) ?? []), v as number]);
        else regs.set(k, v as number);
        return [f, k, v];
      });
      op.done = { type: 'ok', value: out };
    } else if (list.length) {
      const op = list[rnd.int(list.length)];
      if (rnd.chance(o.infoRate)) {
        rec.push('info', op.process, 'txn', op.invokeValue);
        pending.delete(op.process);
        procs[procs.indexOf(op.process)] = nextProcess++;
        continue;
      }
      if (!op.done) continue;
      rec.push(op.done.type, op.process, 'txn', op.done.value);
      pending.delete(op.process);
    }
  }
  return rec.events;
}

/**
 * Makes up to `count` ok list reads stale: drops the last element of a read
 * whose writer completed before the reader was invoked. Each such read is a
 * strict-serializability violation (G-single-realtime or worse).
 */
export function injectStaleListReads(history: HistoryOp[], count: number, seed: number): { history: HistoryOp[]; injected: number } {
  const rnd = randomSource(seed);
  const completion = new Map<number, HistoryOp>();
  const pendingInvoke = new Map<number | string, number>();
  const writerDone = new Map<string, number>(); // "k v" -> completion index of an ok writer
  const invokeAt = new Map<HistoryOp, number>();
  for (const ev of history) {
    if (ev.type === 'invoke') pendingInvoke.set(ev.process, ev.index);
    else {
      invokeAt.set(ev, pendingInvoke.get(ev.process) ?? -1);
      if (ev.type === 'ok') {
        completion.set(ev.index, ev);
        for (const m of ev.value as [string, unknown, unknown][]) if (m[0] === 'append') writerDone.set(JSON.stringify([m[1], m[2]]), ev.index);
      }
    }
  }
  const candidates: { ev: HistoryOp; mop: number }[] = [];
  for (const ev of completion.values()) {
    (ev.value as [string, unknown, unknown][]).forEach((m, i) => {
      if (m[0] !== 'r' || !Array.isArray(m[2]) || m[2].length === 0) return;
      const last = m[2][m[2].length - 1];
      const done = writerDone.get(JSON.stringify([m[1], last]));
      if (done !== undefined && done < invokeAt.get(ev)!) candidates.push({ ev, mop: i });
    });
  }
  const chosen = new Map<HistoryOp, number>();
  while (chosen.size < count && candidates.length) {
    const c = candidates.splice(rnd.int(candidates.length), 1)[0];
    if (!chosen.has(c.ev)) chosen.set(c.ev, c.mop);
  }
  const out = history.map((ev) => {
    const i = chosen.get(ev);
    if (i === undefined) return ev;
    const value = (ev.value as [string, unknown, unknown[]][]).map((m, j) => (j === i ? [m[0], m[1], m[2].slice(0, -1)] : m));
    return { ...ev, value };
  });
  return { history: out, injected: chosen.size };
}
