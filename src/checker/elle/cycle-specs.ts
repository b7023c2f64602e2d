/**
 * The cycle anomaly classes (Adya; Kingsbury & Alvaro, "Elle", §4) as exact
 * specifications: a cycle belongs to a class iff its edge kinds satisfy the
 * spec, and `classifyCycle` names every cycle by the one spec it satisfies.
 * Keeping the two in step is what lets each class be searched on its own:
 * the search for a class can only return a cycle that Elle's explainer would
 * give that same name.
 *
 *   G0                  ww only
 *   G1c                 ww and wr, at least one wr
 *   G-single-item       ww, wr and exactly one rw
 *   G-nonadjacent-item  ww, wr and two or more rw, no two consecutive
 *   G2-item             ww, wr and two or more rw, at least two consecutive
 *
 * `-process` variants may also use process edges and must use at least one
 * (and no realtime edge); `-realtime` variants likewise with realtime edges.
 * Our graphs carry predicate-free item edges only, so Elle's predicate
 * classes (G-single, G-nonadjacent, G2) never occur as cycle names; they are
 * still ruled out through the implication table (models.ts).
 */
import { PROCESS, REALTIME, RW, WR, WW } from './graph';

/**
 * How rw edges may appear: not at all; exactly once; two or more with none
 * consecutive (cyclically); two or more with at least one consecutive pair.
 */
export type RwMode = 'none' | 'single' | 'nonadjacent' | 'adjacent';

export interface CycleSpec {
  name: string;
  /** Relations other than rw that the cycle may use. */
  allowed: number;
  rw: RwMode;
  /** Relations (other than rw) of which the cycle must use at least one, each bit separately. */
  required: number;
}

const BASE_SPECS: CycleSpec[] = [
  { name: 'G0', allowed: WW, rw: 'none', required: 0 },
  { name: 'G1c', allowed: WW | WR, rw: 'none', required: WR },
  { name: 'G-single-item', allowed: WW | WR, rw: 'single', required: 0 },
  { name: 'G-nonadjacent-item', allowed: WW | WR, rw: 'nonadjacent', required: 0 },
  { name: 'G2-item', allowed: WW | WR, rw: 'adjacent', required: 0 },
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

/** Every relation a cycle of `spec` may use. */
export function specMask(spec: CycleSpec): number {
  return spec.allowed | (spec.rw === 'none' ? 0 : RW);
}

/** Relations every cycle of `spec` must contain (rw counts for the rw classes). */
export function specRequired(spec: CycleSpec): number {
  return spec.required | (spec.rw === 'none' ? 0 : RW);
}

export interface CycleStep {
  from: number;
  to: number;
  kind: number;
}

/** Names a cycle by the relations it uses, as Elle's explainer does. */
export function classifyCycle(steps: CycleStep[]): string {
  let rw = 0;
  let wr = 0;
  let rt = 0;
  let proc = 0;
  let adjacentRw = false;
  for (let i = 0; i < steps.length; i++) {
    const kind = steps[i].kind;
    if (kind === RW) rw++;
    else if (kind === WR) wr++;
    else if (kind === REALTIME) rt++;
    else if (kind === PROCESS) proc++;
    if (kind === RW && steps[(i + 1) % steps.length].kind === RW) adjacentRw = true;
  }
  let base: string;
  if (rw === 1) base = 'G-single-item';
  else if (rw > 1) base = adjacentRw ? 'G2-item' : 'G-nonadjacent-item';
  else if (wr > 0) base = 'G1c';
  else base = 'G0'; // ww (order edges alone are acyclic)
  return base + (rt > 0 ? '-realtime' : proc > 0 ? '-process' : '');
}
