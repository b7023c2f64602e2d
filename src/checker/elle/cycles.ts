/**
 * Cycle anomalies in a transaction dependency graph (Adya; Kingsbury &
 * Alvaro, "Elle", §4). The graph is split into strongly connected
 * components; inside each we look for the most severe cycle classes first:
 *
 *   G0              ww edges only
 *   G1c             ww and wr, at least one wr
 *   G-single-item   exactly one rw edge
 *   G-nonadjacent-item  two or more rw edges, no two consecutive
 *   G2-item         two or more rw edges
 *
 * then the same with process edges (-process) and with realtime edges
 * (-realtime); a variant cycle must use at least one such edge. Each search
 * is a breadth-first search from one "anchor" edge of the rarest required
 * relation back to the anchor's source, over states (vertex, relations seen,
 * rw count, last edge was rw), so the cycle found is a shortest one of its
 * class through that anchor. A class already implied by a cycle found in the
 * same component is skipped (a G0 is also a G1c...). Search time per
 * component is budgeted; running out yields `cycle-search-timeout` plus a
 * fallback cycle, as Elle does.
 */
import { EDGE_NAMES, PROCESS, REALTIME, RW, stronglyConnected, TxnGraph, WR, WW } from './graph';
import { impossibleModels } from './models';

type RwMode = 'none' | 'single' | 'nonadjacent' | 'multiple';

interface CycleSpec {
  name: string;
  /** Relations other than rw that the cycle may use. */
  allowed: number;
  rw: RwMode;
  /** Relations of which the cycle must use at least one (each bit separately). */
  required: number;
}

const BASE_SPECS: CycleSpec[] = [
  { name: 'G0', allowed: WW, rw: 'none', required: 0 },
  { name: 'G1c', allowed: WW | WR, rw: 'none', required: WR },
  { name: 'G-single-item', allowed: WW | WR, rw: 'single', required: 0 },
  { name: 'G-nonadjacent-item', allowed: WW | WR, rw: 'nonadjacent', required: 0 },
  { name: 'G2-item', allowed: WW | WR, rw: 'multiple', required: 0 },
];

function variant(spec: CycleSpec, bit: number, suffix: string): CycleSpec {
  return { name: `${spec.name}-${suffix}`, allowed: spec.allowed | bit, rw: spec.rw, required: spec.required | bit };
}

export const CYCLE_SPECS: CycleSpec[] = [
  ...BASE_SPECS,
  ...BASE_SPECS.map((s) => variant(s, PROCESS, 'process')),
  ...BASE_SPECS.map((s) => variant(s, REALTIME, 'realtime')),
];

export const CYCLE_TYPES = new Set(CYCLE_SPECS.map((s) => s.name));

export interface CycleStep {
  from: number;
  to: number;
  kind: number;
}

/** Names a cycle by the relations it uses, as Elle's explainer does. */
export function classifyCycle(steps: CycleStep[]): string {
  let rw = 0;
  let wr = 0;
  let ww = 0;
  let rt = 0;
  let proc = 0;
  for (const s of steps) {
    if (s.kind === RW) rw++;
    else if (s.kind === WR) wr++;
    else if (s.kind === WW) ww++;
    else if (s.kind === REALTIME) rt++;
    else if (s.kind === PROCESS) proc++;
  }
  let adjacentRw = false;
  for (let i = 0; i < steps.length; i++) {
    if (steps[i].kind === RW && steps[(i + 1) % steps.length].kind === RW) adjacentRw = true;
  }
  let base: string;
  if (rw === 1) base = 'G-single-item';
  else if (rw > 1) base = adjacentRw ? 'G2-item' : 'G-nonadjacent-item';
  else if (wr > 0) base = 'G1c';
  else if (ww > 0) base = 'G0';
  else base = 'G0'; // only order edges: cannot happen (order edges alone are acyclic)
  return base + (rt > 0 ? '-realtime' : proc > 0 ? '-process' : '');
}

export interface CycleSearchOptions {
  /** Anomaly types worth finding; others are not searched for. */
  reportable: Set<string>;
  /** Milliseconds per strongly connected component. */
  budgetMs: number;
  now: () => number;
}

export interface FoundCycle {
  type: string;
  steps: CycleStep[];
}

export interface SccResult {
  cycles: FoundCycle[];
  timedOut: boolean;
  /** Types searched (in order) before time ran out. */
  searched: string[];
  sccSize: number;
  /** Cycle-exists markers (only computed when the search timed out). */
  cycleExists: { type: string; not: string; 'scc-size': number }[];
}


import { impliedAnomalies } from './models';

class Timeout extends Error {}

/**
 * BFS for a cycle of `spec` through anchor edge a->b used as relation `anchorKind`.
 * Returns the steps or null.
 */
function searchFromAnchor(
  g: TxnGraph, local: Map<number, number>, verts: number[], spec: CycleSpec,
  a: number, b: number, anchorKind: number, stamp: Int32Array, parent: Int32Array, parentKind: Int8Array, stampValue: number,
  tick: () => void,
): CycleStep[] | null {
  const variantBits = spec.required & ~WR;
  // flags: bit0 wr seen, bit1 variant seen, bits2-3 rw count (0..2), bit4 last was rw.
  const flagsAfter = (flags: number, kind: number): number => {
    let f = flags & 0b01111;
    if (kind === WR) f |= 1;
    if (kind & variantBits) f |= 2;
    if (kind === RW) {
      const c = Math.min(2, ((f >> 2) & 3) + 1);
      f = (f & ~0b1100) | (c << 2) | 16;
    }
    return f;
  };
  const needWr = (spec.required & WR) !== 0;
  const needVariant = variantBits !== 0;
  const accept = (flags: number): boolean => {
    if (needWr && !(flags & 1)) return false;
    if (needVariant && !(flags & 2)) return false;
    const rwCount = (flags >> 2) & 3;
    switch (spec.rw) {
      case 'none': return rwCount === 0;
      case 'single': return rwCount === 1;
      case 'nonadjacent': return rwCount >= 2 && !(flags & 16);
      default: return rwCount >= 2;
    }
  };
  const startFlags = flagsAfter(0, anchorKind);
  const lb = local.get(b)!;
  const startState = lb * 32 + startFlags;
  stamp[startState] = stampValue;
  parent[startState] = -1;
  let queue = [startState];
  const usable = spec.allowed | (spec.rw === 'none' ? 0 : RW);
  while (queue.length) {
    const nextQueue: number[] = [];
    for (const state of queue) {
      tick();
      const v = verts[state >> 5];
      const flags = state & 31;
      for (const [w, kinds] of g.out[v]) {
        const lw = local.get(w);
        if (lw === undefined) continue;
        let k = kinds & usable;
        while (k) {
          const kind = k & -k;
          k &= k - 1;
          if (kind === RW) {
            if (spec.rw === 'single') continue;
            if (spec.rw === 'nonadjacent' && (flags & 16)) continue;
          }
          const nf = flagsAfter(flags, kind);
          const ns = lw * 32 + nf;
          if (w === a) {
            if (!accept(nf)) continue;
            // Closing edge found: rebuild the path.
            const steps: CycleStep[] = [{ from: v, to: a, kind }];
            let s = state;
            while (parent[s] !== -1) {
              const p = parent[s];
              steps.push({ from: verts[p >> 5], to: verts[s >> 5], kind: parentKind[s] });
              s = p;
            }
            steps.push({ from: a, to: b, kind: anchorKind });
            steps.reverse();
            return steps;
          }
          if (stamp[ns] === stampValue) continue;
          stamp[ns] = stampValue;
          parent[ns] = state;
          parentKind[ns] = kind;
          nextQueue.push(ns);
        }
      }
    }
    queue = nextQueue;
  }
  return null;
}

function findCycleOfSpec(g: TxnGraph, verts: number[], spec: CycleSpec, tick: () => void): CycleStep[] | null {
  let anchorKind: number;
  if (spec.rw !== 'none') anchorKind = RW;
  else if (spec.required & WR) anchorKind = WR;
  else if (spec.required & (PROCESS | REALTIME)) anchorKind = spec.required & (PROCESS | REALTIME);
  else anchorKind = WW;
  const local = new Map<number, number>();
  verts.forEach((v, i) => local.set(v, i));
  const n = verts.length * 32;
  const stamp = new Int32Array(n);
  const parent = new Int32Array(n);
  const parentKind = new Int8Array(n);
  let stampValue = 0;
  for (const a of verts) {
    for (const [b, kinds] of g.out[a]) {
      if (!(kinds & anchorKind) || !local.has(b)) continue;
      stampValue++;
      const found = searchFromAnchor(g, local, verts, spec, a, b, anchorKind, stamp, parent, parentKind, stampValue, tick);
      if (found) return found;
    }
  }
  return null;
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

/** Elle's cycle-exists checks: model -> relations whose union must be acyclic. */
const CYCLE_EXISTS_SPECS: { model: string; mask: number }[] = [
  { model: 'PL-1', mask: WW },
  { model: 'PL-2', mask: WW | WR },
  { model: 'PL-2.99', mask: WW | WR | RW },
  { model: 'PL-3', mask: WW | WR | RW },
  { model: 'strong-session-PL-1', mask: WW | PROCESS },
  { model: 'strong-session-PL-2', mask: WW | WR | PROCESS },
  { model: 'strong-session-serializable', mask: WW | WR | RW | PROCESS },
  { model: 'strong-PL-1', mask: WW | REALTIME },
  { model: 'strong-PL-2', mask: WW | WR | REALTIME },
  { model: 'PL-SS', mask: WW | WR | RW | REALTIME },
];

function cycleExistsCases(g: TxnGraph, verts: number[]): SccResult['cycleExists'] {
  const out: SccResult['cycleExists'] = [];
  const redundant = new Set<string>();
  for (const spec of CYCLE_EXISTS_SPECS) {
    if (redundant.has(spec.model)) continue;
    const comps = stronglyConnected(g, spec.mask, verts);
    if (!comps.length) continue;
    const smallest = Math.min(...comps.map((c) => c.length));
    out.push({ type: `${spec.model}-cycle-exists`, not: spec.model, 'scc-size': smallest });
    for (const m of impossibleModels([`${spec.model}-cycle-exists`])) redundant.add(m);
  }
  return out;
}

/** Searches every nontrivial SCC of `g` for the reportable cycle classes. */
export function findCycles(g: TxnGraph, opts: CycleSearchOptions): SccResult[] {
  const results: SccResult[] = [];
  let presentKinds = 0;
  for (const m of g.out) for (const k of m.values()) presentKinds |= k;
  const specs = CYCLE_SPECS.filter((s) => opts.reportable.has(s.name) && (s.required & presentKinds) === s.required);
  for (const scc of stronglyConnected(g, WW | WR | RW | PROCESS | REALTIME)) {
    const start = opts.now();
    let ticks = 0;
    const tick = (): void => {
      if ((++ticks & 1023) === 0 && opts.now() - start > opts.budgetMs) throw new Timeout();
    };
    const found: FoundCycle[] = [];
    const foundTypes = new Set<string>();
    const skip = new Set<string>();
    const searched: string[] = [];
    const subSccs = new Map<number, number[][]>();
    let timedOut = false;
    try {
      for (const spec of specs) {
        if (skip.has(spec.name)) continue;
        searched.push(spec.name);
        // A cycle of this class lives inside one SCC of the subgraph of the
        // relations it may use; if that subgraph is acyclic, skip the search
        // (Elle prunes with its cycle-exists checks the same way).
        const mask = spec.allowed | (spec.rw === 'none' ? 0 : RW);
        let subs = subSccs.get(mask);
        if (!subs) {
          subs = stronglyConnected(g, mask, scc).sort((x, y) => x.length - y.length);
          subSccs.set(mask, subs);
        }
        let steps: CycleStep[] | null = null;
        for (const sub of subs) {
          steps = findCycleOfSpec(g, sub, spec, tick);
          if (steps) break;
        }
        if (!steps) continue;
        const type = classifyCycle(steps);
        if (!foundTypes.has(type)) {
          foundTypes.add(type);
          found.push({ type, steps });
        }
        for (const t of impliedAnomalies([type, spec.name])) skip.add(t);
      }
    } catch (e) {
      if (!(e instanceof Timeout)) throw e;
      timedOut = true;
    }
    const result: SccResult = { cycles: found, timedOut, searched, sccSize: scc.length, cycleExists: [] };
    if (timedOut) {
      const steps = fallbackCycle(g, scc);
      const type = classifyCycle(steps);
      if (steps.length && !foundTypes.has(type)) found.push({ type, steps });
      result.cycleExists = cycleExistsCases(g, scc);
    }
    results.push(result);
  }
  return results;
}

export { EDGE_NAMES };
