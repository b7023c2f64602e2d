/**
 * The per-class cycle search on hand-built dependency graphs: every class is
 * searched on its own (one component yields several names), a class's cycle
 * is exactly of that class and simple, the shortest one is reported, and a
 * spent budget is reported per class, never read as "no such cycle".
 */
import { strict as assert } from 'assert';
import { CYCLE_TYPES, classifyCycle, findCycles, SccResult } from '../../src/checker/elle/cycles';
import { splitSimple } from '../../src/checker/elle/cycle-search';
import { cycleExistsCases } from '../../src/checker/elle/cycle-exists';
import { PROCESS, REALTIME, RW, TxnGraph, WR, WW } from '../../src/checker/elle/graph';
import { checkListAppend } from '../../src/checker/list-append';
import { HistoryBuilder, txn } from './builders';

type Edge = [number, number, number];

function graph(n: number, edges: Edge[]): TxnGraph {
  const g = new TxnGraph(n);
  for (const [a, b, k] of edges) g.link(a, b, k);
  return g;
}

const search = (g: TxnGraph, budgetMs = 60_000, now: () => number = () => 0, reportable: Set<string> = CYCLE_TYPES): SccResult[] =>
  findCycles(g, { reportable, budgetMs, now });

const typesOf = (rs: SccResult[]): string[] => rs.flatMap((r) => r.cycles.map((c) => c.type)).sort();

/** Cycles are closed, simple, and named by their own edges. */
function assertWellFormed(rs: SccResult[], g: TxnGraph): void {
  for (const r of rs) for (const c of r.cycles) {
    c.steps.forEach((s, i) => {
      assert.equal(s.to, c.steps[(i + 1) % c.steps.length].from, `${c.type}: steps chain`);
      assert.ok(g.kinds(s.from, s.to) & s.kind, `${c.type}: edge ${s.from}->${s.to} exists with that relation`);
    });
    assert.equal(new Set(c.steps.map((s) => s.from)).size, c.steps.length, `${c.type}: simple`);
    assert.equal(classifyCycle(c.steps), c.type);
  }
}

describe('checker: per-class cycle search (Elle)', function () {
  it('one component yields G0, G-single-item-realtime and G-nonadjacent-item, each found on its own', function () {
    // 0 <-ww-> 1 is a G0; 1 -rw-> 2 -realtime-> 1 a G-single-item-realtime;
    // 2 -rw-> 3 -wr-> 4 -rw-> 5 -ww-> 2 a G-nonadjacent-item. All one SCC.
    const g = graph(6, [[0, 1, WW], [1, 0, WW], [1, 2, RW], [2, 1, REALTIME], [2, 3, RW], [3, 4, WR], [4, 5, RW], [5, 2, WW]]);
    const rs = search(g);
    assert.equal(rs.length, 1);
    const types = typesOf(rs);
    for (const t of ['G0', 'G-single-item-realtime', 'G-nonadjacent-item']) assert.ok(types.includes(t), `${t} in ${types.join(', ')}`);
    // No plain G-single-item exists (the only one-rw cycle needs the realtime edge), nor any G1c.
    assert.ok(!types.includes('G-single-item') && !types.includes('G1c'), types.join(', '));
    assertWellFormed(rs, g);
    // Elle's table says a G-single-item implies a G-nonadjacent-item, but that is about models, not
    // about this graph: the G-nonadjacent-item cycle 1->2->3->4->1 is still reported.
    const both = graph(5, [[0, 1, RW], [1, 0, WW], [1, 2, RW], [2, 3, WR], [3, 4, RW], [4, 1, WW]]);
    const rs2 = search(both);
    assert.deepEqual(typesOf(rs2), ['G-nonadjacent-item', 'G-single-item']);
    assertWellFormed(rs2, both);
  });

  it('only reportable classes are searched', function () {
    const g = graph(2, [[0, 1, WW], [1, 0, WW]]);
    assert.deepEqual(typesOf(search(g, 1000, () => 0, new Set(['G1c']))), []);
    assert.deepEqual(typesOf(search(g, 1000, () => 0, new Set(['G0']))), ['G0']);
  });

  it('twice around two G-singles is no G-nonadjacent-item and no G2-item (simple cycles only)', function () {
    // The closed walk 0->1->0->2->0 has two non-adjacent rw edges, but its simple cycles have one each.
    const g = graph(3, [[0, 1, RW], [1, 0, WW], [0, 2, RW], [2, 0, WW]]);
    const rs = search(g);
    assert.deepEqual(typesOf(rs), ['G-single-item']);
    assertWellFormed(rs, g);
  });

  it('consecutive rw edges make a G2-item, not a G-nonadjacent-item; alternating ones the reverse', function () {
    assert.deepEqual(typesOf(search(graph(2, [[0, 1, RW], [1, 0, RW]]))), ['G2-item']);
    assert.deepEqual(typesOf(search(graph(4, [[0, 1, RW], [1, 2, WR], [2, 3, RW], [3, 0, WW]]))), ['G-nonadjacent-item']);
    // The rw pair that closes the cycle (last step, then the first) counts as consecutive too.
    const wrap = graph(3, [[0, 1, RW], [1, 2, WW], [2, 0, RW]]);
    const rs = search(wrap);
    assert.deepEqual(typesOf(rs), ['G2-item']);
    assertWellFormed(rs, wrap);
  });

  it('variants need their order edge and no stronger one: G0-realtime is not G1c-realtime; process edges give -process', function () {
    const rt = graph(2, [[0, 1, WW], [1, 0, REALTIME]]);
    assert.deepEqual(typesOf(search(rt)), ['G0-realtime']);
    const proc = graph(2, [[0, 1, PROCESS], [1, 0, RW]]);
    assert.deepEqual(typesOf(search(proc)), ['G-single-item-process']);
  });

  it('reports the shortest cycle of a class, not the first one met', function () {
    // From the first anchor 0->1 the only way back is the 4-cycle; 1->2->1 is shorter.
    const g = graph(4, [[0, 1, WW], [1, 2, WW], [2, 3, WW], [3, 0, WW], [2, 1, WW]]);
    const [r] = search(g);
    assert.equal(r.cycles.length, 1);
    assert.equal(r.cycles[0].steps.length, 2);
    assertWellFormed([r], g);
  });

  it('splitSimple cuts a closed walk into its simple cycles', function () {
    const walk = [[0, 1], [1, 0], [0, 2], [2, 3], [3, 2], [2, 0]].map(([from, to]) => ({ from, to, kind: WW }));
    const parts = splitSimple(walk).map((c) => c.map((s) => s.from));
    assert.deepEqual(parts, [[0, 1], [2, 3], [0, 2]]);
  });

  it('cycle-exists markers: snapshot isolation\'s extension sees non-adjacent rw cycles, not write skew', function () {
    const types = (g: TxnGraph): string[] => cycleExistsCases(g, Array.from({ length: g.size }, (_, i) => i)).map((c) => c.type);
    // 0 -ww-> 1 -rw-> 0 is a G-single: ww;rw composes to a self-loop, a one-vertex SCC. (Repeatable
    // read is not stronger than snapshot isolation, so its marker is not redundant.)
    const single = cycleExistsCases(graph(2, [[0, 1, WW], [1, 0, RW]]), [0, 1]);
    assert.deepEqual(single, [
      { type: 'PL-SI-cycle-exists', not: 'snapshot-isolation', 'scc-size': 1 },
      { type: 'PL-2.99-cycle-exists', not: 'repeatable-read', 'scc-size': 2 },
    ]);
    // Write skew (rw, rw) has no ww/wr edge to extend: only the repeatable-read marker.
    assert.deepEqual(types(graph(2, [[0, 1, RW], [1, 0, RW]])), ['PL-2.99-cycle-exists']);
    // A G0 rules out read uncommitted, which makes every stronger marker redundant.
    assert.deepEqual(types(graph(2, [[0, 1, WW], [1, 0, WW]])), ['PL-1-cycle-exists']);
    // A realtime stale read: only the strong snapshot isolation family.
    assert.deepEqual(types(graph(2, [[0, 1, REALTIME], [1, 0, RW]])), ['strong-snapshot-isolation-cycle-exists']);
  });

  describe('budgets', function () {
    // A clock that advances one millisecond per reading: with a zero budget a
    // class's search is cut at its first time check (every 1024 expansions),
    // deterministically.
    const ticking = (): (() => number) => { let t = 0; return () => t++; };
    const RING = 3000;
    const ring: Edge[] = Array.from({ length: RING }, (_, i) => [i, (i + 1) % RING, WW] as Edge);

    it('a spent budget stops only its own class: G0 times out, G1c in the same component is still found', function () {
      const g = graph(RING + 1, [...ring, [0, RING, WR], [RING, 0, WW]]);
      const [r] = search(g, 0, ticking());
      assert.deepEqual(r.timedOut, ['G0']);
      assert.ok(r.completed.includes('G1c'));
      const types = r.cycles.map((c) => c.type);
      assert.ok(types.includes('G1c'), types.join(', '));
      // Cycle-exists markers stand in for the unfinished class, as in Elle (the fallback cycle here is the G1c).
      assert.ok(r.cycleExists.some((c) => c.type === 'PL-1-cycle-exists'), JSON.stringify(r.cycleExists));
    });

    it('a list-append history whose search runs out is reported with cycle-search-timeout, never valid', function () {
      // T_i and T_{i+1} both append to key i, read in that order (T_{n-1} before T_0 on the last key): a G0 ring.
      const n = 1500;
      const b = new HistoryBuilder();
      const specs = Array.from({ length: n }, (_, i) => txn(i, [['append', i, i], ['append', (i + n - 1) % n, i]]));
      const reader = txn(n, Array.from({ length: n }, (_, k) => ['r', k, [k, (k + 1) % n]] as [string, unknown, unknown]));
      const h = b.concurrent([...specs, reader]).build();
      const r = checkListAppend(h, { consistencyModels: ['serializable'], cycleSearchBudgetMs: 0, now: ticking() });
      assert.notEqual(r.valid, true);
      const types = r['anomaly-types'] as string[];
      assert.ok(types.includes('cycle-search-timeout'), types.join(', '));
      const cases = (r.anomalies as Record<string, Record<string, unknown>[]>)['cycle-search-timeout'];
      assert.ok(cases.some((c) => c['anomaly-spec-type'] === 'G0' && c['scc-size'] === n && Array.isArray(c['does-not-contain'])), JSON.stringify(cases));
      assert.equal(r.valid, false, 'the fallback G0 cycle is prohibited by serializable');
    });
  });
});
