/**
 * Which anomalies rule out which consistency models, in the shape Elle uses
 * (E:src/elle/consistency_model.clj, after Adya's "Weak Consistency", Bailis
 * et al.'s "Highly Available Transactions", Cerone et al., Daudjee & Salem).
 * Three relations:
 *  - anomaly A implies anomaly B (seeing a G0 means there is a G1c too),
 *  - model M is stronger than model N (every strict-serializable history is
 *    serializable),
 *  - model M directly proscribes anomaly A.
 * A model is ruled out by an anomaly when it (or a weaker model it implies)
 * proscribes the anomaly or anything the anomaly implies.
 */

type Graph = Record<string, string[]>;

/** Anomaly -> anomalies it implies. Process/realtime variants form chains: data < process < realtime. */
const ANOMALY_IMPLIES: Graph = {
  'G0': ['G1c', 'G0-process'],
  'G0-process': ['G1c-process', 'G0-realtime'],
  'G0-realtime': ['G1c-realtime'],
  'G1a': ['G1'],
  'G1b': ['G1'],
  'G1c': ['G1', 'G1c-process'],
  'G1c-process': ['G1c-realtime', 'G1-process'],
  'G1c-realtime': ['G1-realtime'],
  'G1': ['G1-process'],
  'G1-process': ['G1-realtime'],
  'G-single-item': ['G-single', 'G-single-item-process', 'G-nonadjacent-item'],
  'G-single-item-process': ['G-single-process', 'G-single-item-realtime', 'G-nonadjacent-item-process'],
  'G-single-item-realtime': ['G-single-realtime', 'G-nonadjacent-item-realtime'],
  'G-single': ['G-nonadjacent', 'GSIb', 'G-single-process'],
  'G-single-process': ['G-nonadjacent-process', 'G-single-realtime'],
  'G-single-realtime': ['G-nonadjacent-realtime'],
  'G-nonadjacent-item': ['G-nonadjacent', 'G2-item', 'G-nonadjacent-item-process'],
  'G-nonadjacent-item-process': ['G-nonadjacent-process', 'G2-item-process', 'G-nonadjacent-item-realtime'],
  'G-nonadjacent-item-realtime': ['G2-item-realtime', 'G-nonadjacent-realtime'],
  'G-nonadjacent': ['G2', 'G-nonadjacent-process'],
  'G-nonadjacent-process': ['G2-process', 'G-nonadjacent-realtime'],
  'G-nonadjacent-realtime': ['G2-realtime'],
  'G2': ['G2-process'],
  'G2-item': ['G2', 'G2-item-process'],
  'G2-item-process': ['G2-process', 'G2-item-realtime'],
  'G2-item-realtime': ['G2-realtime'],
  'G2-process': ['G2-realtime'],
  'GSIa': ['GSI'],
  'GSIb': ['GSI'],
  // Two committed reads that cannot come from one timeline imply a dirty read.
  'incompatible-order': ['G1a'],
  // Reading your own later write is a degenerate wr cycle of length one.
  'future-read': ['G1c'],
  // An aborted write becoming visible to a later committed one: a dirty read of sorts.
  'dirty-update': ['G1a'],
  // Lost update is write skew on one item (Bailis), hence G2-item.
  'lost-update': ['write-skew', 'G2-item'],
  'write-skew': ['G2'],
};

/** Friendly name -> canonical (Adya's PL names where there is one). */
const CANONICAL: Record<string, string> = {
  'consistent-view': 'PL-2+',
  'conflict-serializable': 'PL-3',
  'cursor-stability': 'PL-CS',
  'forward-consistent-view': 'PL-FCV',
  'monotonic-snapshot-read': 'PL-MSR',
  'monotonic-view': 'PL-2L',
  'read-committed': 'PL-2',
  'read-uncommitted': 'PL-1',
  'repeatable-read': 'PL-2.99',
  'serializable': 'PL-3',
  'snapshot-isolation': 'PL-SI',
  'strict-serializable': 'PL-SS',
  'strong-serializable': 'PL-SS',
  'update-serializable': 'PL-3U',
  'strong-session-read-uncommitted': 'strong-session-PL-1',
  'strong-session-read-committed': 'strong-session-PL-2',
  'strong-read-uncommitted': 'strong-PL-1',
  'strong-read-committed': 'strong-PL-2',
};

/** Canonical -> friendly, for output (PL-3 reads best as "serializable"). */
const FRIENDLY: Record<string, string> = {};
for (const [friendly, canonical] of Object.entries(CANONICAL)) FRIENDLY[canonical] = friendly;
FRIENDLY['PL-3'] = 'serializable';
FRIENDLY['PL-SS'] = 'strict-serializable';

export function canonicalModel(m: string): string {
  return CANONICAL[m] ?? m;
}

export function friendlyModel(m: string): string {
  return FRIENDLY[m] ?? m;
}

/** Stronger model -> weaker models it implies (names as written; canonicalized below). */
const MODEL_IMPLIES_RAW: Graph = {
  'causal-cerone': ['read-atomic'],
  'consistent-view': ['cursor-stability', 'monotonic-view'],
  'conflict-serializable': ['view-serializable'],
  'cursor-stability': ['read-committed', 'PL-2'],
  'forward-consistent-view': ['consistent-view'],
  'PL-2': ['PL-1'],
  'PL-3': ['repeatable-read', 'update-serializable'],
  'update-serializable': ['forward-consistent-view'],
  'monotonic-atomic-view': ['read-committed'],
  'monotonic-view': ['PL-2'],
  'monotonic-snapshot-read': ['PL-2'],
  'parallel-snapshot-isolation': ['causal-cerone', 'update-atomic'],
  'prefix': ['causal-cerone'],
  'read-atomic': ['monotonic-atomic-view'],
  'read-committed': ['read-uncommitted'],
  'repeatable-read': ['cursor-stability', 'monotonic-atomic-view'],
  'update-atomic': ['read-atomic'],
  'serializable': ['repeatable-read', 'snapshot-isolation', 'view-serializable'],
  'session-serializable': ['1SR'],
  'snapshot-isolation': ['forward-consistent-view', 'monotonic-atomic-view', 'monotonic-snapshot-read', 'parallel-snapshot-isolation', 'prefix'],
  'strict-serializable': ['PL-3', 'serializable', 'linearizable', 'snapshot-isolation', 'strong-snapshot-isolation', 'strong-session-serializable'],
  'strong-session-PL-1': ['PL-1'],
  'strong-session-PL-2': ['PL-2', 'strong-session-PL-1'],
  'strong-PL-1': ['strong-session-PL-1'],
  'strong-PL-2': ['strong-session-PL-2', 'strong-PL-1'],
  'strong-session-serializable': ['serializable', 'strong-session-snapshot-isolation'],
  'strong-session-snapshot-isolation': ['snapshot-isolation', 'strong-session-PL-2'],
  'strong-serializable': ['session-serializable'],
  'strong-snapshot-isolation': ['strong-session-snapshot-isolation', 'strong-PL-2'],
  'linearizable': ['sequential'],
  'sequential': ['causal'],
  'causal': ['writes-follow-reads', 'PRAM'],
  'PRAM': ['monotonic-reads', 'monotonic-writes', 'read-your-writes'],
};

/** Model -> anomalies it directly proscribes (beyond those of weaker models). */
const PROSCRIBES_RAW: Graph = {
  'causal-cerone': ['internal', 'G1a'],
  'cursor-stability': ['G1', 'G-cursor', 'lost-update'],
  'monotonic-view': ['G1', 'G-monotonic'],
  'monotonic-snapshot-read': ['G1', 'G-MSR'],
  'consistent-view': ['G1', 'G-single'],
  'forward-consistent-view': ['G1', 'G-SIb'],
  'parallel-snapshot-isolation': ['internal', 'G1a'],
  'PL-3': ['G1', 'G2', 'predicate-read-miss', 'PL-3-cycle-exists'],
  'PL-2': ['G1', 'PL-2-cycle-exists'],
  'PL-1': ['G0', 'duplicate-elements', 'cyclic-versions', 'PL-1-cycle-exists'],
  'prefix': ['internal', 'G1a'],
  'serializable': ['internal'],
  'snapshot-isolation': ['internal', 'G1', 'G-SI', 'G-nonadjacent', 'PL-SI-cycle-exists'],
  'read-atomic': ['internal', 'G1a', 'future-read'],
  'repeatable-read': ['G1', 'G2-item', 'PL-2.99-cycle-exists', 'lost-update'],
  'update-atomic': ['lost-update'],
  'strict-serializable': ['G1', 'G1c-realtime', 'G2-realtime', 'PL-SS-cycle-exists'],
  'strong-session-PL-1': ['strong-session-PL-1-cycle-exists', 'G0-process'],
  'strong-session-PL-2': ['strong-session-PL-2-cycle-exists', 'G1c-process'],
  'strong-PL-1': ['strong-PL-1-cycle-exists', 'G0-realtime'],
  'strong-PL-2': ['strong-PL-2-cycle-exists', 'G1c-realtime'],
  'strong-session-snapshot-isolation': ['internal', 'G1-process', 'G-nonadjacent-process', 'strong-session-snapshot-isolation-cycle-exists'],
  'strong-snapshot-isolation': ['internal', 'G1-realtime', 'G-nonadjacent-realtime', 'strong-snapshot-isolation-cycle-exists'],
  'strong-session-serializable': ['G1-process', 'G2-process', 'strong-session-serializable-cycle-exists'],
  'update-serializable': ['G1', 'G-update'],
};

function canonicalGraph(g: Graph): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [from, tos] of Object.entries(g)) {
    const f = canonicalModel(from);
    const set = out.get(f) ?? new Set<string>();
    for (const t of tos) set.add(canonicalModel(t));
    out.set(f, set);
  }
  return out;
}

const MODEL_IMPLIES = canonicalGraph(MODEL_IMPLIES_RAW);
const PROSCRIBES = new Map<string, Set<string>>();
for (const [m, as] of Object.entries(PROSCRIBES_RAW)) {
  const c = canonicalModel(m);
  const set = PROSCRIBES.get(c) ?? new Set<string>();
  for (const a of as) set.add(a);
  PROSCRIBES.set(c, set);
}

function invert(g: Map<string, Set<string>>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [from, tos] of g) for (const t of tos) {
    if (!out.has(t)) out.set(t, new Set());
    out.get(t)!.add(from);
  }
  return out;
}

const ANOMALY_GRAPH = new Map(Object.entries(ANOMALY_IMPLIES).map(([k, v]) => [k, new Set(v)]));
const ANOMALY_IMPLIED_BY = invert(ANOMALY_GRAPH);
const MODEL_WEAKER_OF = invert(MODEL_IMPLIES); // weaker -> stronger models
const PROSCRIBED_BY = invert(PROSCRIBES); // anomaly -> models proscribing it

function closure(start: Iterable<string>, g: Map<string, Set<string>>): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length) {
    const x = stack.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    for (const y of g.get(x) ?? []) stack.push(y);
  }
  return seen;
}

const ALL_MODELS: Set<string> = (() => {
  const s = new Set<string>();
  for (const [from, tos] of MODEL_IMPLIES) { s.add(from); for (const t of tos) s.add(t); }
  for (const [friendly, canonical] of Object.entries(CANONICAL)) { s.add(friendly); s.add(canonical); }
  for (const m of PROSCRIBES.keys()) s.add(m);
  return s;
})();

export function isKnownModel(m: string): boolean {
  return ALL_MODELS.has(m);
}

export function knownModels(): string[] {
  return [...ALL_MODELS].sort();
}

/** Every anomaly that, if present, means at least one of `models` does not hold. */
export function anomaliesProhibitedBy(models: string[]): Set<string> {
  const implied = closure(models.map(canonicalModel), MODEL_IMPLIES);
  const direct = new Set<string>();
  for (const m of implied) for (const a of PROSCRIBES.get(m) ?? []) direct.add(a);
  return closure(direct, ANOMALY_IMPLIED_BY);
}

/** Every model ruled out by the presence of these anomalies. */
export function impossibleModels(anomalies: Iterable<string>): Set<string> {
  const all = closure(anomalies, ANOMALY_GRAPH);
  const direct = new Set<string>();
  for (const a of all) for (const m of PROSCRIBED_BY.get(a) ?? []) direct.add(m);
  return closure(direct, MODEL_WEAKER_OF);
}

/**
 * Elle's boundary: `not` = the weakest ruled-out models (none of which is
 * implied by another ruled-out one), `also-not` = the rest, friendly names.
 */
export function modelBoundary(anomalies: Iterable<string>): { not: string[]; 'also-not': string[] } {
  const impossible = impossibleModels(anomalies);
  const weakest = new Set<string>();
  for (const m of impossible) {
    // m is weakest if no other ruled-out model is weaker than it.
    const weaker = closure([m], MODEL_IMPLIES);
    weaker.delete(m);
    if (![...weaker].some((w) => impossible.has(w))) weakest.add(m);
  }
  const friendly = (xs: Iterable<string>): string[] => [...new Set([...xs].map(friendlyModel))].sort();
  return { not: friendly(weakest), 'also-not': friendly([...impossible].filter((m) => !weakest.has(m))) };
}

export const UNKNOWN_ANOMALY_TYPES = new Set(['empty-transaction-graph', 'cycle-search-timeout']);

/** The anomalies implied by these (including themselves). */
export function impliedAnomalies(anomalies: Iterable<string>): Set<string> {
  return closure(anomalies, ANOMALY_GRAPH);
}
