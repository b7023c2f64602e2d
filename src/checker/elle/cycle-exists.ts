/**
 * Elle's cycle-exists markers: for a model, a subgraph that must be acyclic
 * if the model holds. Deciding that is linear (Tarjan), so when the search
 * for a specific cycle class runs out of budget these still say which models
 * are ruled out, and a timeout cannot pass for a valid history under them.
 *
 * The snapshot-isolation family uses Elle's sequential extension A ∪ (A;rw):
 * a cycle there is a cycle in which every rw edge follows an A edge, i.e. no
 * two rw edges are consecutive (G-single, G-nonadjacent), which is what
 * those models prohibit.
 */
import { PROCESS, REALTIME, RW, stronglyConnected, TxnGraph, WR, WW } from './graph';
import { friendlyModel, impossibleModels } from './models';

export interface CycleExistsCase {
  type: string;
  /** The (friendly) model this rules out. */
  not: string;
  'scc-size': number;
}

interface Spec {
  model: string;
  /** Relations whose union must be acyclic. */
  mask: number;
  /** With `extension`, the subgraph is mask ∪ (mask ; rw). */
  extension?: boolean;
}

/** In Elle's order: weaker models first, so stronger ones they rule out are skipped. */
const SPECS: Spec[] = [
  { model: 'PL-1', mask: WW },
  { model: 'PL-2', mask: WW | WR },
  { model: 'PL-SI', mask: WW | WR, extension: true },
  { model: 'PL-2.99', mask: WW | WR | RW },
  { model: 'PL-3', mask: WW | WR | RW },
  { model: 'strong-session-PL-1', mask: WW | PROCESS },
  { model: 'strong-session-PL-2', mask: WW | WR | PROCESS },
  { model: 'strong-session-snapshot-isolation', mask: WW | WR | PROCESS, extension: true },
  { model: 'strong-session-serializable', mask: WW | WR | RW | PROCESS },
  { model: 'strong-PL-1', mask: WW | REALTIME },
  { model: 'strong-PL-2', mask: WW | WR | REALTIME },
  { model: 'strong-snapshot-isolation', mask: WW | WR | REALTIME, extension: true },
  { model: 'PL-SS', mask: WW | WR | RW | REALTIME },
];

/**
 * Size of the smallest nontrivial SCC of mask ∪ (mask ; rw) over `verts`, or
 * null. A composed a->b->a is a self-loop, i.e. a one-vertex SCC (TxnGraph
 * drops self-edges, so those are found here).
 */
function smallestExtensionScc(g: TxnGraph, verts: number[], mask: number): number | null {
  const inScc = new Set(verts);
  const ext = new TxnGraph(g.size);
  let selfLoop = false;
  for (const a of verts) {
    for (const [b, kinds] of g.out[a]) {
      if (!(kinds & mask) || !inScc.has(b)) continue;
      ext.link(a, b, WW);
      for (const [c, k2] of g.out[b]) {
        if (!(k2 & RW) || !inScc.has(c)) continue;
        if (c === a) selfLoop = true;
        else ext.link(a, c, WW);
      }
    }
  }
  if (selfLoop) return 1;
  const comps = stronglyConnected(ext, WW, verts);
  return comps.length ? Math.min(...comps.map((c) => c.length)) : null;
}

function smallestScc(g: TxnGraph, verts: number[], spec: Spec): number | null {
  if (spec.extension) return smallestExtensionScc(g, verts, spec.mask);
  const comps = stronglyConnected(g, spec.mask, verts);
  return comps.length ? Math.min(...comps.map((c) => c.length)) : null;
}

/** The markers for one SCC of the whole graph, skipping models a weaker marker already rules out. */
export function cycleExistsCases(g: TxnGraph, verts: number[]): CycleExistsCase[] {
  const out: CycleExistsCase[] = [];
  const redundant = new Set<string>();
  for (const spec of SPECS) {
    if (redundant.has(spec.model)) continue;
    const size = smallestScc(g, verts, spec);
    if (size === null) continue;
    out.push({ type: `${spec.model}-cycle-exists`, not: friendlyModel(spec.model), 'scc-size': size });
    for (const m of impossibleModels([`${spec.model}-cycle-exists`])) redundant.add(m);
  }
  return out;
}
