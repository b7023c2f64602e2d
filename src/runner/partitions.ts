import { Grudge } from './network';
import { Rng } from './rng';

/** Partition specs Maelstrom's partition package draws from, uniformly (spec §6.1). */
export const PARTITION_SPECS = ['one', 'minority-third', 'majority', 'majorities-ring'] as const;
export type PartitionSpec = (typeof PARTITION_SPECS)[number];

/** Every node drops every node of every other component (Jepsen's complete-grudge). */
export function completeGrudge(components: readonly (readonly string[])[]): Grudge {
  const grudge: Grudge = new Map();
  const all = components.flat();
  for (const comp of components) {
    const mine = new Set(comp);
    const others = all.filter((n) => !mine.has(n));
    for (const n of comp) if (others.length > 0) grudge.set(n, new Set(others));
  }
  return grudge;
}

export const majority = (n: number): number => Math.floor(n / 2) + 1;

/**
 * Jepsen's majorities-ring for N <= 5 ("perfect"): shuffle into a ring; each
 * window of m = majority(N) consecutive nodes belongs to its middle element
 * (index floor(m/2)), which drops everyone outside the window. For N = 3 this
 * is one-directional: each node drops exactly one peer, in a cycle.
 */
export function majoritiesRingPerfect(nodes: readonly string[], rng: Rng): Grudge {
  const n = nodes.length;
  const m = majority(n);
  const ring = rng.shuffle(nodes);
  const grudge: Grudge = new Map();
  for (let start = 0; start < n; start++) {
    const window = Array.from({ length: m }, (_, i) => ring[(start + i) % n]);
    const self = window[Math.floor(m / 2)];
    const keep = new Set(window);
    const drop = nodes.filter((x) => !keep.has(x));
    if (drop.length > 0) grudge.set(self, new Set(drop));
  }
  return grudge;
}

/**
 * N > 5: Jepsen links least-connected pairs symmetrically until every node
 * reaches a majority of connections (itself included), then drops the rest.
 * Same construction, our random tie-breaking (see README: not bit-identical).
 */
export function majoritiesRingStochastic(nodes: readonly string[], rng: Rng): Grudge {
  const m = majority(nodes.length);
  const links = new Map(nodes.map((x) => [x, new Set([x])]));
  for (;;) {
    const needy = nodes.filter((x) => (links.get(x) as Set<string>).size < m);
    if (needy.length === 0) break;
    const fewest = Math.min(...needy.map((x) => (links.get(x) as Set<string>).size));
    const a = rng.pick(needy.filter((x) => (links.get(x) as Set<string>).size === fewest));
    const candidates = nodes.filter((x) => !(links.get(a) as Set<string>).has(x));
    const least = Math.min(...candidates.map((x) => (links.get(x) as Set<string>).size));
    const b = rng.pick(candidates.filter((x) => (links.get(x) as Set<string>).size === least));
    (links.get(a) as Set<string>).add(b);
    (links.get(b) as Set<string>).add(a);
  }
  const grudge: Grudge = new Map();
  for (const x of nodes) {
    const drop = nodes.filter((y) => !(links.get(x) as Set<string>).has(y));
    if (drop.length > 0) grudge.set(x, new Set(drop));
  }
  return grudge;
}

/** The grudge a `start-partition` with this spec applies (spec §6.1). */
export function partitionGrudge(spec: PartitionSpec, nodes: readonly string[], rng: Rng): Grudge {
  switch (spec) {
    case 'one': {
      const shuffled = rng.shuffle(nodes);
      return completeGrudge([shuffled.slice(0, 1), shuffled.slice(1)]);
    }
    case 'majority': {
      const shuffled = rng.shuffle(nodes);
      const cut = Math.floor(nodes.length / 2);
      return completeGrudge([shuffled.slice(0, cut), shuffled.slice(cut)]);
    }
    case 'minority-third': {
      const shuffled = rng.shuffle(nodes);
      const cut = Math.floor((nodes.length - 1) / 3);
      return completeGrudge([shuffled.slice(0, cut), shuffled.slice(cut)]);
    }
    case 'majorities-ring':
      return nodes.length <= 5 ? majoritiesRingPerfect(nodes, rng) : majoritiesRingStochastic(nodes, rng);
  }
}

/** `{"n1": ["n2", ...]}` with sorted members, for history values and logs. */
export function grudgeToJson(grudge: Grudge): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of [...grudge.keys()].sort()) out[k] = [...(grudge.get(k) as Set<string>)].sort();
  return out;
}
