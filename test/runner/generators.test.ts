import { strict as assert } from 'assert';
import { Rng } from '../../src/runner/rng';
import { FreeWorker, GeneratorContext } from '../../src/runner/workload';
import { LinKvGenerator } from '../../workloads/lin-kv/bench';
import { ElleTxnGenerator } from '../../workloads/txn-list-append/bench-elle';
import { DEFAULT_OPTIONS } from './virtual-run';

const SEED = Number(process.env.SEED ?? 99);

function ctx(nodeCount: number, concurrency: number, seed = SEED, options = DEFAULT_OPTIONS): GeneratorContext {
  return { nodeCount, concurrency, rng: new Rng(seed), options };
}

/** Every worker free, in the interpreter's round-robin order starting after the last one used. */
function rotating(c: number): () => FreeWorker[] {
  let start = 0;
  return () => {
    const out = Array.from({ length: c }, (_, i) => ({ thread: (start + i) % c, process: (start + i) % c }));
    start = (start + 1) % c;
    return out;
  };
}

describe(`lin-kv generator (spec §5.1; SEED=${SEED})`, () => {
  it('only absolute workers 0..N-1 read; groups beyond the first never read; keys start at 0 per group', () => {
    const g = new LinKvGenerator(ctx(3, 12));
    const all = rotating(12);
    const seen = new Map<number, Set<string>>();
    const keysByGroup = new Map<number, Set<unknown>>();
    for (let i = 0; i < 5000; i++) {
      const { thread, op } = g.next(all()) ?? assert.fail('no op');
      seen.set(thread, (seen.get(thread) ?? new Set()).add(op.f));
      const grp = Math.floor(thread / 6);
      keysByGroup.set(grp, (keysByGroup.get(grp) ?? new Set()).add((op.value as unknown[])[0]));
    }
    for (let t = 0; t < 3; t++) assert.deepEqual([...(seen.get(t) ?? [])], ['read'], `worker ${t}`);
    for (let t = 3; t < 12; t++) assert.ok(!(seen.get(t) ?? new Set()).has('read'), `worker ${t} must not read`);
    assert.deepEqual([...(keysByGroup.get(0) ?? [])], [0]);
    assert.deepEqual([...(keysByGroup.get(1) ?? [])], [1]);
  });

  it('reads are ~50% in group 0; write:cas ~ 1:2; values in [0,5)', () => {
    const g = new LinKvGenerator(ctx(3, 6));
    const all = rotating(6);
    const counts = { read: 0, write: 0, cas: 0 };
    const values = new Set<number>();
    for (let i = 0; i < 30000; i++) {
      const { op } = g.next(all()) ?? assert.fail('no op');
      counts[op.f as keyof typeof counts]++;
      const v = (op.value as unknown[])[1];
      if (op.f === 'write') values.add(v as number);
      if (op.f === 'cas') for (const x of v as number[]) values.add(x);
      if (op.f === 'read') assert.equal(v, null);
    }
    assert.ok(Math.abs(counts.read / 30000 - 0.5) < 0.02, JSON.stringify(counts));
    assert.ok(Math.abs(counts.cas / (counts.write + counts.cas) - 2 / 3) < 0.02, JSON.stringify(counts));
    assert.deepEqual([...values].sort(), [0, 1, 2, 3, 4]);
  });

  it('--value-count N draws written and compared values from [0, N)', () => {
    const g = new LinKvGenerator(ctx(3, 6, SEED, { ...DEFAULT_OPTIONS, valueCount: 100 }));
    const all = rotating(6);
    const values = new Set<number>();
    for (let i = 0; i < 20000; i++) {
      const { op } = g.next(all()) ?? assert.fail('no op');
      const v = (op.value as unknown[])[1];
      if (op.f === 'write') values.add(v as number);
      if (op.f === 'cas') for (const x of v as number[]) values.add(x);
    }
    assert.equal(values.size, 100);
    assert.ok([...values].every((v) => Number.isInteger(v) && v >= 0 && v < 100));
  });

  it('with a wide --value-count, most cas ops expect one of the key\'s last 4 issued values (so some can succeed)', () => {
    const g = new LinKvGenerator(ctx(3, 6, SEED, { ...DEFAULT_OPTIONS, valueCount: 1000 }));
    const all = rotating(6);
    const recent: number[] = [];
    let cas = 0;
    let fromRecent = 0;
    for (let i = 0; i < 20000; i++) {
      const { op } = g.next(all()) ?? assert.fail('no op');
      if (op.f === 'read') continue;
      const v = (op.value as unknown[])[1];
      if (op.f === 'cas') {
        const [from, to] = v as [number, number];
        cas++;
        if (recent.includes(from)) fromRecent++;
        recent.push(to);
      } else recent.push(v as number);
      if (recent.length > 4) recent.shift();
    }
    assert.ok(fromRecent / cas > 0.7 && fromRecent / cas < 0.85, `${fromRecent} of ${cas}`);
  });

  it('moves a group to a fresh key once more than 20 distinct processes used the current one', () => {
    const g = new LinKvGenerator(ctx(2, 8)); // two groups of 4
    const keyFor = (thread: number, process: number): unknown => {
      const r = g.next([{ thread, process }]) ?? assert.fail('no op');
      return (r.op.value as unknown[])[0];
    };
    // Group 0 (threads 0-3): processes 0..3, then replacements 8, 16, ... (process + C after info).
    const procs = [0, 1, 2, 3];
    for (let k = 1; procs.length < 20; k++) for (const t of [0, 1, 2, 3]) if (procs.length < 20) procs.push(t + 8 * k);
    for (const p of procs) assert.equal(keyFor(p % 8, p), 0);
    assert.equal(keyFor(0, 0), 0, 'a process already seen keeps the key');
    assert.equal(keyFor(1, 1 + 8 * 6), 2, 'the 21st process moves group 0 to the next fresh key (group 1 holds key 1)');
    assert.equal(keyFor(5, 5), 1);
  });
});

describe(`Elle txn generator (spec §5.2/5.3; SEED=${SEED})`, () => {
  it('lengths uniform in [1, max-txn-length]; f ~50/50; keys weighted 2^(i+1)', () => {
    const g = new ElleTxnGenerator(ctx(3, 3, SEED, { ...DEFAULT_OPTIONS, maxWritesPerKey: 1e9 }), 'append');
    const lengths = [0, 0, 0, 0, 0];
    const keyCounts = new Array<number>(10).fill(0);
    let reads = 0;
    let mops = 0;
    for (let i = 0; i < 20000; i++) {
      const txn = g.nextTxn();
      lengths[txn.length]++;
      for (const [f, k] of txn) {
        mops++;
        if (f === 'r') reads++;
        keyCounts[k]++;
      }
    }
    assert.equal(lengths[0], 0);
    for (let l = 1; l <= 4; l++) assert.ok(Math.abs(lengths[l] / 20000 - 0.25) < 0.02, `length ${l}: ${lengths[l]}`);
    assert.ok(Math.abs(reads / mops - 0.5) < 0.02);
    const denom = Math.pow(2, 11) - 2;
    for (const i of [9, 8, 7, 6]) {
      const p = Math.pow(2, i + 1) / denom;
      assert.ok(Math.abs(keyCounts[i] / mops - p) < 0.015, `key ${i}: ${keyCounts[i] / mops} vs ${p}`);
    }
  });

  it('write values per key are 1, 2, 3, ... and a key retires after max-writes-per-key, replaced by max(active)+1', () => {
    const g = new ElleTxnGenerator(ctx(3, 3), 'w');
    const values = new Map<number, number[]>();
    for (let i = 0; i < 3000; i++) {
      for (const [f, k, v] of g.nextTxn()) if (f === 'w') values.set(k, [...(values.get(k) ?? []), v as number]);
    }
    for (const [k, vs] of values) {
      assert.deepEqual(vs, Array.from({ length: vs.length }, (_, i) => i + 1), `key ${k}`);
      assert.ok(vs.length <= 16, `key ${k} got ${vs.length} writes`);
    }
    const keys = [...values.keys()].sort((a, b) => a - b);
    assert.ok(keys[keys.length - 1] > 9, 'new keys appear beyond the initial 0..9');
    const active = [...g.activeKeys()];
    assert.equal(new Set(active).size, 10);
    // Keys are introduced in increasing order: every retired key is below the smallest introduced-later key.
    for (let k = 10; k <= Math.max(...active); k++) assert.ok(values.has(k) || active.includes(k), `key ${k} was skipped`);
  });

  it('is a pure function of the seed', () => {
    const a = new ElleTxnGenerator(ctx(3, 3, 5), 'append');
    const b = new ElleTxnGenerator(ctx(3, 3, 5), 'append');
    for (let i = 0; i < 200; i++) assert.deepEqual(a.nextTxn(), b.nextTxn());
  });
});
