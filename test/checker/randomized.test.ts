/**
 * Randomized: histories generated from an atomic execution with random
 * concurrency windows are valid by construction; mutations whose effect is
 * known (a read of a value nobody wrote, a write removed, a read moved before
 * its write, a stale read, a committed append declared failed, two reads in
 * incompatible orders) must be caught. The seed is printed; replay a failure
 * with SEED=<seed> npx mocha test/checker/randomized.test.ts.
 */
import { strict as assert } from 'assert';
import { HistoryOp } from '../../src/checker/history';
import { checkLinKv } from '../../src/checker/linearizability';
import { checkListAppend } from '../../src/checker/list-append';
import { checkRwRegister } from '../../src/checker/rw-register';
import { generateLinKv, generateTxns, randomSource, RandomSource } from '../../src/checker/gen';
import { pairOperations, Operation } from '../../src/checker/ops';
import { valueKey } from '../../src/checker/values';

const BASE_SEED = process.env.SEED !== undefined ? Number(process.env.SEED) : Math.floor(Math.random() * 1e9);
const ROUNDS = Number(process.env.ROUNDS ?? 25);
const STRICT = { consistencyModels: ['strict-serializable'] };

function reindex(events: HistoryOp[]): HistoryOp[] {
  return events.map((e, i) => ({ ...e, index: i, time: i * 1000 }));
}

function pick<T>(rnd: RandomSource, xs: T[]): T | undefined {
  return xs.length ? xs[rnd.int(xs.length)] : undefined;
}

/** Events of a history without the given ops' events. */
function without(history: HistoryOp[], ops: Operation[]): HistoryOp[] {
  const drop = new Set<HistoryOp>();
  for (const op of ops) { drop.add(op.invoke); if (op.complete) drop.add(op.complete); }
  return history.filter((e) => !drop.has(e));
}

describe(`checker: randomized histories (SEED=${BASE_SEED}, ROUNDS=${ROUNDS})`, function () {
  before(function () {
    // Printed so any failure can be replayed.
    console.log(`    randomized checker tests: SEED=${BASE_SEED}`);
  });

  it('lin-kv: generated histories are linearizable; mutated ones are not', function () {
    let mutated = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const seed = BASE_SEED + round;
      const ctx = `seed ${seed}`;
      const rnd = randomSource(seed ^ 0x5bd1e995);
      // Large value space so most values are written once (mutations need a unique writer).
      const h = generateLinKv({ ops: 250, concurrentKeys: 3, processesPerKey: 4, values: 1000, infoRate: 0.1, infosPerKey: 6, seed });
      assert.equal(checkLinKv(h).valid, true, `${ctx}: generated history judged not linearizable`);
      const small = generateLinKv({ ops: 250, concurrentKeys: 2, processesPerKey: 6, values: 5, infoRate: 0.05, infosPerKey: 8, seed });
      assert.equal(checkLinKv(small).valid, true, `${ctx}: Maelstrom-shaped history judged not linearizable`);

      const ops = pairOperations(h);
      const keyOf = (op: Operation) => valueKey((op.invoke.value as unknown[])[0]);
      const writersOf = (key: string, v: unknown) => ops.filter((o) => keyOf(o) === key && (
        (o.f === 'write' && valueKey((o.invoke.value as unknown[])[1]) === valueKey(v)) ||
        (o.f === 'cas' && valueKey(((o.invoke.value as unknown[])[1] as unknown[])[1]) === valueKey(v))));
      const okReads = ops.filter((o) => o.f === 'read' && o.outcome === 'ok' && (o.value as unknown[])[1] !== null);

      // 1. Change a read to a value never written to its key.
      const r1 = pick(rnd, okReads);
      if (r1) {
        const bad = h.map((e) => (e === r1.complete ? { ...e, value: [(e.value as unknown[])[0], -7] } : e));
        assert.equal(checkLinKv(bad).valid, false, `${ctx}: read of a never-written value at ${r1.invokeIndex} not caught`);
        mutated++;
      }
      // Reads whose value has exactly one op that could have produced it.
      const uniquelyWritten = okReads.map((r) => ({ r, ws: writersOf(keyOf(r), (r.value as unknown[])[1]) })).filter((x) => x.ws.length === 1);
      // 2. Drop that write.
      const d = pick(rnd, uniquelyWritten);
      if (d) {
        assert.equal(checkLinKv(reindex(without(h, d.ws))).valid, false, `${ctx}: dropping the only write of a read value not caught`);
        mutated++;
      }
      // 3. Move the read before its write's invocation (fresh process).
      const m = pick(rnd, uniquelyWritten);
      if (m) {
        const rest = without(h, [m.r]);
        const at = rest.indexOf(m.ws[0].invoke);
        const moved = [{ ...m.r.invoke, process: 10_000 }, { ...m.r.complete!, process: 10_000 }];
        const bad = reindex([...rest.slice(0, at), ...moved, ...rest.slice(at)]);
        assert.equal(checkLinKv(bad).valid, false, `${ctx}: read moved before its write not caught`);
        mutated++;
      }
    }
    assert.ok(mutated >= ROUNDS, `only ${mutated} mutations applied`);
  });

  it('lin-kv with many info ops: valid or unknown within budget, never invalid', function () {
    for (let round = 0; round < Math.ceil(ROUNDS / 5); round++) {
      const seed = BASE_SEED + 1000 + round;
      const h = generateLinKv({ ops: 200, concurrentKeys: 1, processesPerKey: 10, values: 5, infoRate: 0.4, infosPerKey: 1000, seed });
      const r = checkLinKv(h, { budgetMsPerKey: 500 });
      assert.notEqual(r.valid, false, `seed ${seed}: info-heavy valid history judged invalid`);
    }
  });

  it('list-append: generated histories are strict-serializable; mutated ones are not', function () {
    let mutated = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const seed = BASE_SEED + round;
      const ctx = `seed ${seed}`;
      const rnd = randomSource(seed ^ 0x27d4eb2f);
      const h = generateTxns({ txns: 150, processes: 5, keys: 4, maxTxnLength: 4, maxWritesPerKey: 8, infoRate: 0.1, failRate: 0.05, seed });
      const ok = checkListAppend(h, STRICT);
      assert.equal(ok.valid, true, `${ctx}: generated history judged ${String(ok.valid)}: ${JSON.stringify(ok['anomaly-types'] ?? ok.error)}`);
      const ops = pairOperations(h);
      const okTxns = ops.filter((o) => o.outcome === 'ok');
      const mops = (o: Operation) => o.value as [string, unknown, unknown][];
      const writer = new Map<string, Operation>();
      for (const o of ops) for (const [f, k, v] of (o.invoke.value as [string, unknown, unknown][])) if (f === 'append') writer.set(valueKey([k, v]), o);
      const reads = okTxns.flatMap((o) => mops(o).map((m, i) => ({ o, m, i }))).filter(({ m }) => m[0] === 'r' && Array.isArray(m[2]) && (m[2] as unknown[]).length > 0);

      // 1. Stale read: drop the last element when its writer completed before the reader began.
      const stale = pick(rnd, reads.filter(({ o, m }) => {
        const list = m[2] as unknown[];
        const w = writer.get(valueKey([m[1], list[list.length - 1]]));
        return w && w !== o && w.outcome === 'ok' && w.completeIndex < o.invokeIndex;
      }));
      if (stale) {
        const list = stale.m[2] as unknown[];
        const value = mops(stale.o).map((m, i) => (i === stale.i ? [m[0], m[1], list.slice(0, -1)] : m));
        const bad = h.map((e) => (e === stale.o.complete ? { ...e, value } : e));
        assert.equal(checkListAppend(bad, STRICT).valid, false, `${ctx}: stale read at ${stale.o.invokeIndex} not caught`);
        mutated++;
      }
      // 2. Drop a write: a committed append that someone read is declared failed.
      const observed = pick(rnd, reads.map(({ o, m }) => ({ o, w: writer.get(valueKey([m[1], (m[2] as unknown[])[0]])) })).filter(({ o, w }) => w && w !== o && w.outcome === 'ok'));
      if (observed) {
        const w = observed.w!;
        const bad = h.map((e) => (e === w.complete ? { ...e, type: 'fail' as const, value: w.invoke.value } : e));
        assert.equal(checkListAppend(bad, STRICT).valid, false, `${ctx}: read of a failed append not caught`);
        mutated++;
      }
      // 3. Reorder: swap two adjacent elements of a read that another read confirms.
      const reorder = pick(rnd, reads.filter(({ o, m, i }) => (m[2] as unknown[]).length >= 2 && reads.some((x) => (x.o !== o || x.i !== i) && valueKey(x.m[1]) === valueKey(m[1]) && (x.m[2] as unknown[]).length >= (m[2] as unknown[]).length)));
      if (reorder) {
        const list = [...(reorder.m[2] as unknown[])];
        const j = rnd.int(list.length - 1);
        [list[j], list[j + 1]] = [list[j + 1], list[j]];
        const value = mops(reorder.o).map((m, i) => (i === reorder.i ? [m[0], m[1], list] : m));
        const bad = h.map((e) => (e === reorder.o.complete ? { ...e, value } : e));
        assert.equal(checkListAppend(bad, STRICT).valid, false, `${ctx}: reordered read not caught`);
        mutated++;
      }
    }
    assert.ok(mutated >= ROUNDS, `only ${mutated} mutations applied`);
  });

  it('rw-register: generated histories are valid; stale reads and failed-but-read writes are caught', function () {
    let mutated = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const seed = BASE_SEED + round;
      const ctx = `seed ${seed}`;
      const rnd = randomSource(seed ^ 0x1b873593);
      const h = generateTxns({ txns: 150, processes: 5, keys: 4, maxTxnLength: 4, maxWritesPerKey: 8, infoRate: 0.1, failRate: 0.05, seed, kind: 'rw-register' });
      const ok = checkRwRegister(h, STRICT);
      assert.equal(ok.valid, true, `${ctx}: generated history judged ${String(ok.valid)}: ${JSON.stringify(ok['anomaly-types'] ?? ok.error)}`);
      const ops = pairOperations(h);
      const mops = (o: Operation) => o.value as [string, unknown, unknown][];
      const writer = new Map<string, Operation>();
      for (const o of ops) for (const [f, k, v] of (o.invoke.value as [string, unknown, unknown][])) if (f === 'w') writer.set(valueKey([k, v]), o);
      // External reads only: the first mop on the key in its txn.
      const reads = ops.filter((o) => o.outcome === 'ok').flatMap((o) => mops(o).map((m, i) => ({ o, m, i })))
        .filter(({ o, m, i }) => m[0] === 'r' && m[2] !== null && !mops(o).slice(0, i).some((x) => valueKey(x[1]) === valueKey(m[1])));
      const stale = pick(rnd, reads.filter(({ o, m }) => {
        const w = writer.get(valueKey([m[1], m[2]]));
        return w && w !== o && w.outcome === 'ok' && w.completeIndex < o.invokeIndex;
      }));
      if (stale) {
        const value = mops(stale.o).map((m, i) => (i === stale.i ? [m[0], m[1], null] : m));
        const bad = h.map((e) => (e === stale.o.complete ? { ...e, value } : e));
        assert.equal(checkRwRegister(bad, STRICT).valid, false, `${ctx}: stale nil read not caught`);
        mutated++;
      }
      const observed = pick(rnd, reads.map(({ o, m }) => ({ o, w: writer.get(valueKey([m[1], m[2]])) })).filter(({ o, w }) => w && w !== o && w.outcome === 'ok'));
      if (observed) {
        const w = observed.w!;
        const bad = h.map((e) => (e === w.complete ? { ...e, type: 'fail' as const, value: w.invoke.value } : e));
        assert.equal(checkRwRegister(bad, STRICT).valid, false, `${ctx}: read of a failed write not caught`);
        mutated++;
      }
    }
    assert.ok(mutated >= ROUNDS, `only ${mutated} mutations applied`);
  });
});
