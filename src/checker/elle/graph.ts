/**
 * A transaction dependency graph (Adya's DSG plus session/realtime order):
 * vertices are transactions 0..n-1, each edge carries a bit mask of the
 * relations that order its ends, and the first reason seen for each
 * (edge, relation) so cycles can be explained.
 */

export const WW = 1;
export const WR = 2;
export const RW = 4;
export const PROCESS = 8;
export const REALTIME = 16;

export const EDGE_NAMES: Record<number, string> = { [WW]: 'ww', [WR]: 'wr', [RW]: 'rw', [PROCESS]: 'process', [REALTIME]: 'realtime' };

/** Why an edge exists: the key and values involved (data edges) or nothing (order edges). */
export interface EdgeReason {
  key?: unknown;
  /** ww: value the earlier txn wrote; wr: value read; rw: value the reader saw (undefined = initial state). */
  value?: unknown;
  /** ww/rw: value the later txn wrote. */
  value2?: unknown;
  /** rw from a read of the initial state. */
  initial?: boolean;
}

export class TxnGraph {
  readonly out: Map<number, number>[];
  private readonly reasons = new Map<number, EdgeReason>();
  edgeCount = 0;

  constructor(readonly size: number) {
    this.out = Array.from({ length: size }, () => new Map<number, number>());
  }

  /** Adds relation `kind` from a to b; self-edges are never added (a txn does not depend on itself). */
  link(a: number, b: number, kind: number, reason?: EdgeReason): void {
    if (a === b) return;
    const m = this.out[a];
    const old = m.get(b);
    if (old === undefined) this.edgeCount++;
    if (old === undefined || (old & kind) === 0) {
      m.set(b, (old ?? 0) | kind);
      if (reason) this.reasons.set(this.reasonKey(a, b, kind), reason);
    }
  }

  kinds(a: number, b: number): number {
    return this.out[a].get(b) ?? 0;
  }

  reason(a: number, b: number, kind: number): EdgeReason | undefined {
    return this.reasons.get(this.reasonKey(a, b, kind));
  }

  private reasonKey(a: number, b: number, kind: number): number {
    return (a * this.size + b) * 32 + kind;
  }
}

/**
 * Strongly connected components (Tarjan, iterative) of the subgraph with
 * edges whose mask intersects `mask`, over `vertices` (default all). Returns
 * only nontrivial components (size >= 2; self-edges never exist).
 */
export function stronglyConnected(g: TxnGraph, mask: number, vertices?: number[]): number[][] {
  const inSet = vertices ? new Set(vertices) : null;
  const verts = vertices ?? Array.from({ length: g.size }, (_, i) => i);
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const result: number[][] = [];
  let counter = 0;
  for (const root of verts) {
    if (index.has(root)) continue;
    // Explicit DFS stack of [vertex, iterator over its out-edges].
    const work: [number, Iterator<[number, number]>][] = [];
    const enter = (v: number): void => {
      index.set(v, counter);
      low.set(v, counter);
      counter++;
      stack.push(v);
      onStack.add(v);
      work.push([v, g.out[v].entries()]);
    };
    enter(root);
    while (work.length) {
      const top = work[work.length - 1];
      const v = top[0];
      const step = top[1].next();
      if (!step.done) {
        const [w, kinds] = step.value;
        if ((kinds & mask) === 0 || (inSet && !inSet.has(w))) continue;
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1) result.push(comp.sort((x, y) => x - y));
      }
    }
  }
  return result;
}
