/**
 * Maelstrom's broadcast topologies (`--topology`, default grid): for each node
 * the neighbours it is told about in the `topology` message. Written from the
 * definitions in Maelstrom's broadcast workload; the order of each neighbour
 * list follows Maelstrom's so a node that relays to "the first neighbour"
 * behaves the same under both runners.
 */
export type Topology = Record<string, string[]>;

/** Nodes in a roughly square grid, row-major; neighbours below, above, right, left (at most 4). */
export function gridTopology(nodes: readonly string[]): Topology {
  const n = nodes.length;
  const side = Math.ceil(Math.sqrt(n));
  const at = (i: number, j: number): string | null => {
    if (i < 0 || j < 0 || j >= side) return null;
    const idx = i * side + j;
    return idx < n ? nodes[idx] : null;
  };
  const out: Topology = {};
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const me = at(i, j);
      if (me === null) continue;
      out[me] = [at(i + 1, j), at(i - 1, j), at(i, j + 1), at(i, j - 1)].filter((x): x is string => x !== null);
    }
  }
  return out;
}

/** A chain: each node knows its left and right neighbour. Fewer than two nodes: an empty map, as in Maelstrom. */
export function lineTopology(nodes: readonly string[]): Topology {
  const n = nodes.length;
  if (n < 2) return {};
  const out: Topology = { [nodes[0]]: [nodes[1]], [nodes[n - 1]]: [nodes[n - 2]] };
  for (let i = 1; i < n - 1; i++) out[nodes[i]] = [nodes[i - 1], nodes[i + 1]];
  return out;
}

/** Everyone knows everyone else. */
export function totalTopology(nodes: readonly string[]): Topology {
  return Object.fromEntries(nodes.map((me) => [me, nodes.filter((x) => x !== me)]));
}

/**
 * A tree with branch factor b filled tier by tier in node order (root, then b
 * children, then b^2 grandchildren...). That is heap order: node k's children
 * are b*k+1 .. b*k+b. Each node's list is its parent (if any) then its children.
 */
export function treeTopology(b: number, nodes: readonly string[]): Topology {
  const out: Topology = {};
  nodes.forEach((me, k) => {
    const list: string[] = [];
    if (k > 0) list.push(nodes[Math.floor((k - 1) / b)]);
    for (let c = b * k + 1; c <= b * k + b && c < nodes.length; c++) list.push(nodes[c]);
    out[me] = list;
  });
  return out;
}

/** Maelstrom's topology names (tree is tree2). */
export const TOPOLOGIES: Readonly<Record<string, (nodes: readonly string[]) => Topology>> = {
  line: lineTopology,
  grid: gridTopology,
  tree: (nodes) => treeTopology(2, nodes),
  tree2: (nodes) => treeTopology(2, nodes),
  tree3: (nodes) => treeTopology(3, nodes),
  tree4: (nodes) => treeTopology(4, nodes),
  total: totalTopology,
};

export const TOPOLOGY_NAMES = Object.keys(TOPOLOGIES);
export const DEFAULT_TOPOLOGY = 'grid';

export function topologyFor(name: string, nodes: readonly string[]): Topology {
  const make = TOPOLOGIES[name];
  if (!make) throw new Error(`unknown topology ${JSON.stringify(name)}; expected one of ${TOPOLOGY_NAMES.join(', ')}`);
  return make(nodes);
}
