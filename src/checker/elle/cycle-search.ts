/**
 * The search for one cycle class inside one strongly connected component.
 *
 * A cycle of the class must use at least one edge of each relation the class
 * requires, so we pick the required relation with the fewest edges in the
 * component as "anchor" and, for every anchor edge a->b, run a breadth-first
 * search from b back to a over states (vertex, what the path has used so
 * far). The state records exactly what the class's spec needs to decide
 * membership at the closing edge: a wr seen, a process/realtime edge seen,
 * the rw count (0, 1, 2+), whether the last edge was rw and whether two rw
 * edges were consecutive. Breadth-first order makes the cycle found through
 * an anchor a shortest one of its class through it; later anchors are only
 * searched for strictly shorter cycles (a bounded amount of extra work), so
 * the reported cycle is the shortest, or close to it: the least a reader has
 * to check to see the anomaly.
 */
import { classifyCycle, CycleSpec, CycleStep, specMask, specRequired } from './cycle-specs';
import { PROCESS, REALTIME, RW, TxnGraph, WR } from './graph';

/** Thrown by the tick callback when a class's budget is spent. */
export class BudgetExhausted extends Error {}

/** No cycle is shorter than two edges: the graph has no self-edges. */
const MIN_CYCLE = 2;

/**
 * State expansions allowed, once a cycle is in hand, for looking for a
 * shorter one. Deterministic (not time-based) so a report does not change
 * with machine load, and small next to the search budget so a long first
 * cycle cannot turn every invalid history into a full-budget search.
 */
export const IMPROVE_EXPANSIONS = 50_000;

// State flag bits.
const F_WR = 1;
const F_VARIANT = 2;
const F_RW_SHIFT = 2; // two bits: rw count capped at 2
const F_RW_MASK = 3 << F_RW_SHIFT;
const F_LAST_RW = 16;
const F_ADJACENT = 32;
const STATES = 64;

/**
 * A component's edges in flat arrays (compressed rows), vertices numbered
 * 0..n-1: the search touches each edge many times, and array walks are far
 * cheaper than the Map iterators of TxnGraph.
 */
export class LocalGraph {
  readonly n: number;
  readonly start: Int32Array;
  readonly to: Int32Array;
  readonly kinds: Uint8Array;
  readonly localOf = new Map<number, number>();
  /** Scratch for the searches, sized n * STATES, allocated on first use. */
  private scratch: { stamp: Int32Array; parent: Int32Array; parentKind: Uint8Array; member: Int32Array } | null = null;
  private stampValue = 0;
  private memberValue = 0;

  constructor(g: TxnGraph, readonly verts: number[]) {
    this.n = verts.length;
    verts.forEach((v, i) => this.localOf.set(v, i));
    this.start = new Int32Array(this.n + 1);
    let m = 0;
    verts.forEach((v, i) => {
      this.start[i] = m;
      for (const w of g.out[v].keys()) if (this.localOf.has(w)) m++;
    });
    this.start[this.n] = m;
    this.to = new Int32Array(m);
    this.kinds = new Uint8Array(m);
    let e = 0;
    for (const v of verts) {
      for (const [w, kinds] of g.out[v]) {
        const lw = this.localOf.get(w);
        if (lw === undefined) continue;
        this.to[e] = lw;
        this.kinds[e] = kinds;
        e++;
      }
    }
  }

  buffers(): { stamp: Int32Array; parent: Int32Array; parentKind: Uint8Array; member: Int32Array } {
    this.scratch ??= {
      stamp: new Int32Array(this.n * STATES),
      parent: new Int32Array(this.n * STATES),
      parentKind: new Uint8Array(this.n * STATES),
      member: new Int32Array(this.n),
    };
    return this.scratch;
  }

  nextStamp(): number {
    return ++this.stampValue;
  }

  /** Marks `sub` (local vertices) as the current search area; returns the mark. */
  markMembers(sub: number[]): number {
    const mark = ++this.memberValue;
    const { member } = this.buffers();
    for (const v of sub) member[v] = mark;
    return mark;
  }
}

/** Work counter shared by the searches of one class in one component. */
export interface SearchBudget {
  /** Called once per state expansion; throws BudgetExhausted when time is up. */
  tick: () => void;
  /** Expansions left for improving a cycle already found. */
  improveLeft: number;
}

class ImproveDone extends Error {}

/**
 * Shortest cycle of `spec` among the local vertices `sub` (one SCC of the
 * spec's relation subgraph), or `best` if none shorter exists. Throws
 * BudgetExhausted only while no cycle is known.
 */
export function searchSub(lg: LocalGraph, sub: number[], spec: CycleSpec, budget: SearchBudget, best: CycleStep[] | null): CycleStep[] | null {
  const mark = lg.markMembers(sub);
  const { member } = lg.buffers();
  const mask = specMask(spec);
  // Anchor on the rarest required relation inside `sub`; a missing one rules the class out here.
  let anchorKind = 0;
  let anchorCount = Infinity;
  let req = specRequired(spec);
  while (req) {
    const bit = req & -req;
    req &= req - 1;
    let count = 0;
    for (const a of sub) for (let e = lg.start[a]; e < lg.start[a + 1]; e++) if ((lg.kinds[e] & bit) && member[lg.to[e]] === mark) count++;
    if (count === 0) return best;
    if (count < anchorCount) { anchorKind = bit; anchorCount = count; }
  }
  if (anchorKind === 0) anchorKind = mask & -mask; // G0: no required relation, anchor on ww
  const seen = { nonSimple: false };
  // First pass: cheap state-deduplicated search. Second pass, only if the
  // first came upon walks of the class but no cycle: paths kept simple.
  for (const simple of [false, true]) {
    if (simple && (best || !seen.nonSimple)) break;
    for (const a of sub) {
      for (let e = lg.start[a]; e < lg.start[a + 1]; e++) {
        if (!(lg.kinds[e] & anchorKind) || member[lg.to[e]] !== mark) continue;
        if (best && (best.length <= MIN_CYCLE || budget.improveLeft <= 0)) return best;
        const maxDepth = best ? best.length - MIN_CYCLE - 1 : Infinity;
        let tick = budget.tick;
        if (best) {
          tick = (): void => {
            budget.tick();
            if (--budget.improveLeft < 0) throw new ImproveDone();
          };
        }
        try {
          const found = fromAnchor(lg, mark, spec, a, lg.to[e], anchorKind, maxDepth, tick, simple, seen);
          if (found) best = found;
        } catch (err) {
          if (best && (err instanceof ImproveDone || err instanceof BudgetExhausted)) return best;
          throw err;
        }
      }
    }
  }
  return best;
}

/**
 * Breadth-first search from b back to a, the anchor edge a->b (relation
 * `anchorKind`) being the cycle's first step. Only paths of at most
 * `maxDepth` edges before the closing one are tried.
 *
 * States are deduplicated, so a path may come back to a vertex it passed
 * with other flags: the closed walk is then no cycle (it is two cycles glued
 * together, and may owe its class to the gluing: twice around a G-single is
 * not a G2). Such a walk is split into its simple cycles and one of the
 * class is taken if there is one; otherwise `seen.nonSimple` is set and the
 * search goes on. With `simple`, paths never revisit a vertex (an O(depth)
 * check per edge, so it is the second pass only).
 */
function fromAnchor(
  lg: LocalGraph, mark: number, spec: CycleSpec, a: number, b: number, anchorKind: number, maxDepth: number,
  tick: () => void, simple: boolean, seen: { nonSimple: boolean },
): CycleStep[] | null {
  const { stamp, parent, parentKind, member } = lg.buffers();
  const variantBits = spec.required & (PROCESS | REALTIME);
  const needWr = (spec.required & WR) !== 0;
  const usable = specMask(spec);
  const after = (flags: number, kind: number): number => {
    let f = flags & ~F_LAST_RW;
    if (kind === WR) f |= F_WR;
    if (kind & variantBits) f |= F_VARIANT;
    if (kind === RW) {
      const c = Math.min(2, ((flags & F_RW_MASK) >> F_RW_SHIFT) + 1);
      f = (f & ~F_RW_MASK) | (c << F_RW_SHIFT) | F_LAST_RW;
      if (flags & F_LAST_RW) f |= F_ADJACENT;
    }
    return f;
  };
  /** May a path in state `flags` take an rw edge next? */
  const rwAllowed = (flags: number): boolean => {
    switch (spec.rw) {
      case 'none': return false;
      case 'single': return (flags & F_RW_MASK) === 0;
      case 'nonadjacent': return (flags & F_LAST_RW) === 0;
      default: return true;
    }
  };
  /** Does the closed cycle (last step `kind`, ending in state `flags`) belong to the class? */
  const accept = (flags: number, kind: number): boolean => {
    if (needWr && !(flags & F_WR)) return false;
    if (variantBits && !(flags & F_VARIANT)) return false;
    // The closing edge is followed, cyclically, by the anchor.
    const wrapRw = kind === RW && anchorKind === RW;
    const rwCount = (flags & F_RW_MASK) >> F_RW_SHIFT;
    switch (spec.rw) {
      case 'none': return rwCount === 0;
      case 'single': return rwCount === 1;
      case 'nonadjacent': return rwCount >= 2 && !wrapRw;
      default: return rwCount >= 2 && ((flags & F_ADJACENT) !== 0 || wrapRw);
    }
  };
  const stampValue = lg.nextStamp();
  const startState = b * STATES + after(0, anchorKind);
  stamp[startState] = stampValue;
  parent[startState] = -1;
  let queue = [startState];
  for (let depth = 0; queue.length && depth <= maxDepth; depth++) {
    const next: number[] = [];
    for (const state of queue) {
      tick();
      const v = (state / STATES) | 0;
      const flags = state % STATES;
      for (let e = lg.start[v]; e < lg.start[v + 1]; e++) {
        const w = lg.to[e];
        if (member[w] !== mark) continue;
        let k = lg.kinds[e] & usable;
        while (k) {
          const kind = k & -k;
          k &= k - 1;
          if (kind === RW && !rwAllowed(flags)) continue;
          const nf = after(flags, kind);
          if (w === a) {
            if (!accept(nf, kind)) continue;
            const steps = rebuild(lg, parent, parentKind, state, a, b, anchorKind, kind);
            const cycle = simple ? steps : simpleCycleOfClass(steps, spec.name);
            if (cycle) return cycle;
            seen.nonSimple = true;
            continue;
          }
          const ns = w * STATES + nf;
          if (stamp[ns] === stampValue) continue;
          if (simple && onPath(parent, state, w)) continue;
          stamp[ns] = stampValue;
          parent[ns] = state;
          parentKind[ns] = kind;
          next.push(ns);
        }
      }
    }
    queue = next;
  }
  return null;
}

/** Is local vertex `w` on the path that ends in `state`? */
function onPath(parent: Int32Array, state: number, w: number): boolean {
  for (let s = state; s !== -1; s = parent[s]) if (((s / STATES) | 0) === w) return true;
  return false;
}

/**
 * `steps` itself if it visits no vertex twice; else the shortest of its
 * simple cycles that is of class `type`, or null.
 */
export function simpleCycleOfClass(steps: CycleStep[], type: string): CycleStep[] | null {
  let best: CycleStep[] | null = null;
  for (const c of splitSimple(steps)) if ((!best || c.length < best.length) && classifyCycle(c) === type) best = c;
  return best;
}

/** The simple cycles a closed walk is made of (the walk itself when it is simple). */
export function splitSimple(steps: CycleStep[]): CycleStep[][] {
  const out: CycleStep[][] = [];
  const stack: CycleStep[] = [];
  const at = new Map<number, number>(); // vertex -> position in stack where it was left
  for (const s of steps) {
    const pos = at.get(s.from);
    if (pos !== undefined && pos < stack.length) {
      // Back at s.from: the steps since then close a simple cycle.
      const loop = stack.splice(pos);
      for (const l of loop) at.delete(l.from);
      out.push(loop);
    }
    at.set(s.from, stack.length);
    stack.push(s);
  }
  if (stack.length) out.push(stack);
  return out;
}

function rebuild(lg: LocalGraph, parent: Int32Array, parentKind: Uint8Array, last: number, a: number, b: number, anchorKind: number, closingKind: number): CycleStep[] {
  const g = (local: number): number => lg.verts[local];
  const steps: CycleStep[] = [{ from: g((last / STATES) | 0), to: g(a), kind: closingKind }];
  for (let s = last; parent[s] !== -1; s = parent[s]) {
    steps.push({ from: g((parent[s] / STATES) | 0), to: g((s / STATES) | 0), kind: parentKind[s] });
  }
  steps.push({ from: g(a), to: g(b), kind: anchorKind });
  return steps.reverse();
}
