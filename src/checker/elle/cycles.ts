/**
 * Cycle anomalies in a transaction dependency graph. The graph is split into
 * strongly connected components (no cycle leaves one); in each, every
 * reportable cycle class (cycle-specs.ts) is searched for on its own, with
 * its own time budget, as Elle does per anomaly type. No class is skipped
 * because another one was found: one component often holds a G0, a
 * G-single-item-realtime and a G-nonadjacent-item at once, and readers pick
 * their `--consistency-models` (and look for their bug) by those names.
 *
 * A class's search is restricted to the SCCs of the subgraph of the relations
 * it may use, and skipped where a relation it requires has no edge inside
 * (Elle prunes with its cycle-exists checks the same way). When a class's
 * budget runs out before any cycle of it is found, the component reports a
 * `cycle-search-timeout` for that class, a fallback cycle and cycle-exists
 * markers, as Elle does; a timeout never reads as "no such cycle".
 */
import { CYCLE_SPECS, CycleStep, classifyCycle, specMask, specRequired } from './cycle-specs';
import { BudgetExhausted, IMPROVE_EXPANSIONS, LocalGraph, searchSub } from './cycle-search';
import { CycleExistsCase, cycleExistsCases } from './cycle-exists';
import { PROCESS, REALTIME, RW, stronglyConnected, TxnGraph, WR, WW } from './graph';

export { CYCLE_SPECS, CYCLE_TYPES, classifyCycle } from './cycle-specs';
export type { CycleStep } from './cycle-specs';

export interface CycleSearchOptions {
  /** Anomaly types worth finding; others are not searched for. */
  reportable: Set<string>;
  /** Milliseconds per cycle class per strongly connected component. */
  budgetMs: number;
  now: () => number;
}

export interface FoundCycle {
  type: string;
  steps: CycleStep[];
}

export interface SccResult {
  cycles: FoundCycle[];
  /** Classes whose budget ran out before a cycle of them was found. */
  timedOut: string[];
  /** Classes whose search ran to the end (found or not), in search order. */
  completed: string[];
  sccSize: number;
  /** Cycle-exists markers (only computed when some class timed out). */
  cycleExists: CycleExistsCase[];
}

/** Any cycle in a strongly connected component: BFS from a vertex back to itself. */
function fallbackCycle(g: TxnGraph, verts: number[]): CycleStep[] {
  const inScc = new Set(verts);
  const start = verts[0];
  const prev = new Map<number, [number, number]>();
  let queue = [start];
  const seen = new Set([start]);
  while (queue.length) {
    const next: number[] = [];
    for (const v of queue) {
      for (const [w, kinds] of g.out[v]) {
        if (!inScc.has(w)) continue;
        const kind = kinds & -kinds;
        if (w === start) {
          const steps: CycleStep[] = [{ from: v, to: start, kind }];
          let x = v;
          while (x !== start) {
            const [p, k] = prev.get(x)!;
            steps.push({ from: p, to: x, kind: k });
            x = p;
          }
          return steps.reverse();
        }
        if (seen.has(w)) continue;
        seen.add(w);
        prev.set(w, [v, kind]);
        next.push(w);
      }
    }
    queue = next;
  }
  return [];
}

/** Searches every nontrivial SCC of `g` for each reportable cycle class. */
export function findCycles(g: TxnGraph, opts: CycleSearchOptions): SccResult[] {
  const results: SccResult[] = [];
  let presentKinds = 0;
  for (const m of g.out) for (const k of m.values()) presentKinds |= k;
  const specs = CYCLE_SPECS.filter((s) => opts.reportable.has(s.name) && (specRequired(s) & presentKinds) === specRequired(s));
  for (const scc of stronglyConnected(g, WW | WR | RW | PROCESS | REALTIME)) {
    const lg = new LocalGraph(g, scc);
    // SCCs of each relation subgraph, in local numbering, smallest first (short cycles live there).
    const subSccs = new Map<number, number[][]>();
    const result: SccResult = { cycles: [], timedOut: [], completed: [], sccSize: scc.length, cycleExists: [] };
    for (const spec of specs) {
      const mask = specMask(spec);
      let subs = subSccs.get(mask);
      if (!subs) {
        subs = stronglyConnected(g, mask, scc).sort((x, y) => x.length - y.length).map((c) => c.map((v) => lg.localOf.get(v)!));
        subSccs.set(mask, subs);
      }
      const start = opts.now();
      let ticks = 0;
      const budget = {
        tick: (): void => {
          if ((++ticks & 1023) === 0 && opts.now() - start > opts.budgetMs) throw new BudgetExhausted();
        },
        improveLeft: IMPROVE_EXPANSIONS,
      };
      let best: CycleStep[] | null = null;
      try {
        for (const sub of subs) best = searchSub(lg, sub, spec, budget, best);
      } catch (e) {
        if (!(e instanceof BudgetExhausted)) throw e;
        result.timedOut.push(spec.name);
        continue;
      }
      result.completed.push(spec.name);
      if (best) {
        // The spec and the explainer's naming are one definition; a mismatch is a bug here, not in the history.
        const type = classifyCycle(best);
        if (type !== spec.name) throw new Error(`cycle search for ${spec.name} returned a ${type} cycle`);
        result.cycles.push({ type, steps: best });
      }
    }
    if (result.timedOut.length) {
      const steps = fallbackCycle(g, scc);
      const type = classifyCycle(steps);
      if (steps.length && !result.cycles.some((c) => c.type === type)) result.cycles.push({ type, steps });
      result.cycleExists = cycleExistsCases(g, scc);
    }
    results.push(result);
  }
  return results;
}
