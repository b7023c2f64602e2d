/**
 * Every consistency model name Elle 0.2.2 accepts prohibits the same
 * detectable anomalies as in Elle. GOLDEN was computed from Elle's own
 * tables (src/elle/consistency_model.clj at v0.2.2: implied-anomalies,
 * models, direct-proscribed-anomalies, canonical-model-names) with Elle's
 * closure rules, independently of models.ts. Each model is then checked on
 * the anomaly catalog, and told apart from each neighbour in Elle's model
 * graph by at least one history whenever their GOLDEN rows differ.
 */
import { strict as assert } from 'assert';
import { anomaliesProhibitedBy, canonicalModel, isKnownModel, knownModels } from '../../src/checker/elle/models';
import { checkListAppend } from '../../src/checker/list-append';
import { checkRwRegister } from '../../src/checker/rw-register';
import { CheckResult } from '../../src/checker/history';
import { CATALOG, CatalogEntry } from './anomaly-catalog';

const CYCLES = ['G0', 'G1c', 'G-single-item', 'G-nonadjacent-item', 'G2-item'];
const OTHERS = ['G1a', 'G1b', 'internal', 'dirty-update', 'lost-update', 'duplicate-elements', 'incompatible-order', 'future-read', 'cyclic-versions'];
const DETECTABLE = new Set([...CYCLES.flatMap((c) => [c, `${c}-process`, `${c}-realtime`]), ...OTHERS]);

/**
 * Canonical model -> detectable anomalies it prohibits. `G0/DPR` means G0
 * itself (D), G0-process (P) and G0-realtime (R).
 */
const GOLDEN: Record<string, string> = {
  '1SR': '',
  'PL-1': 'G0/D duplicate-elements cyclic-versions',
  'PL-2': 'G0/D G1c/D G1a G1b dirty-update duplicate-elements incompatible-order future-read cyclic-versions',
  'PL-2+': 'G0/D G1c/D G-single-item/D G1a G1b dirty-update lost-update duplicate-elements incompatible-order future-read cyclic-versions',
  'PL-2.99': 'G0/D G1c/D G-single-item/D G-nonadjacent-item/D G2-item/D G1a G1b dirty-update lost-update duplicate-elements incompatible-order future-read cyclic-versions',
  'PL-2L': 'G0/D G1c/D G1a G1b dirty-update duplicate-elements incompatible-order future-read cyclic-versions',
  'PL-3': 'G0/D G1c/D G-single-item/D G-nonadjacent-item/D G2-item/D G1a G1b internal dirty-update lost-update duplicate-elements incompatible-order future-read cyclic-versions',
  'PL-3U': 'G0/D G1c/D G-single-item/D G1a G1b dirty-update lost-update duplicate-elements incompatible-order future-read cyclic-versions',
  'PL-CS': 'G0/D G1c/D G1a G1b dirty-update lost-update duplicate-elements incompatible-order future-read cyclic-versions',
  'PL-FCV': 'G0/D G1c/D G-single-item/D G1a G1b dirty-update lost-update duplicate-elements incompatible-order future-read cyclic-versions',
  'PL-MSR': 'G0/D G1c/D G1a G1b dirty-update duplicate-elements incompatible-order future-read cyclic-versions',
  'PL-SI': 'G0/D G1c/D G-single-item/D G-nonadjacent-item/D G1a G1b internal dirty-update lost-update duplicate-elements incompatible-order future-read cyclic-versions',
  'PL-SS': 'G0/DPR G1c/DPR G-single-item/DPR G-nonadjacent-item/DPR G2-item/DPR G1a G1b internal dirty-update lost-update duplicate-elements incompatible-order future-read cyclic-versions',
  'PRAM': '',
  'causal': '',
  'causal-cerone': 'G0/D G1c/D G1a G1b internal dirty-update duplicate-elements incompatible-order future-read cyclic-versions',
  'linearizable': '',
  'monotonic-atomic-view': 'G0/D G1c/D G1a G1b dirty-update duplicate-elements incompatible-order future-read cyclic-versions',
  'monotonic-reads': '',
  'monotonic-writes': '',
  'parallel-snapshot-isolation': 'G0/D G1c/D G1a G1b internal dirty-update lost-update duplicate-elements incompatible-order future-read cyclic-versions',
  'prefix': 'G0/D G1c/D G1a G1b internal dirty-update duplicate-elements incompatible-order future-read cyclic-versions',
  'read-atomic': 'G0/D G1c/D G1a G1b internal dirty-update duplicate-elements incompatible-order future-read cyclic-versions',
  'read-your-writes': '',
  'sequential': '',
  'session-serializable': '',
  'strong-PL-1': 'G0/DPR duplicate-elements cyclic-versions',
  'strong-PL-2': 'G0/DPR G1c/DPR G1a G1b dirty-update duplicate-elements incompatible-order future-read cyclic-versions',
  'strong-session-PL-1': 'G0/DP duplicate-elements cyclic-versions',
  'strong-session-PL-2': 'G0/DP G1c/DP G1a G1b dirty-update duplicate-elements incompatible-order future-read cyclic-versions',
  'strong-session-serializable': 'G0/DP G1c/DP G-single-item/DP G-nonadjacent-item/DP G2-item/DP G1a G1b internal dirty-update lost-update duplicate-elements incompatible-order future-read cyclic-versions',
  'strong-session-snapshot-isolation': 'G0/DP G1c/DP G-single-item/DP G-nonadjacent-item/DP G1a G1b internal dirty-update lost-update duplicate-elements incompatible-order future-read cyclic-versions',
  'strong-snapshot-isolation': 'G0/DPR G1c/DPR G-single-item/DPR G-nonadjacent-item/DPR G1a G1b internal dirty-update lost-update duplicate-elements incompatible-order future-read cyclic-versions',
  'update-atomic': 'G0/D G1c/D G1a G1b internal dirty-update lost-update duplicate-elements incompatible-order future-read cyclic-versions',
  'view-serializable': '',
  'writes-follow-reads': '',
};

/** Elle's friendly names -> canonical. */
const ALIASES: Record<string, string> = {
  'consistent-view': 'PL-2+', 'conflict-serializable': 'PL-3', 'cursor-stability': 'PL-CS', 'forward-consistent-view': 'PL-FCV',
  'monotonic-snapshot-read': 'PL-MSR', 'monotonic-view': 'PL-2L', 'read-committed': 'PL-2', 'read-uncommitted': 'PL-1',
  'repeatable-read': 'PL-2.99', 'serializable': 'PL-3', 'snapshot-isolation': 'PL-SI', 'strict-serializable': 'PL-SS',
  'strong-serializable': 'PL-SS', 'update-serializable': 'PL-3U', 'strong-session-read-uncommitted': 'strong-session-PL-1',
  'strong-session-read-committed': 'strong-session-PL-2', 'strong-read-uncommitted': 'strong-PL-1', 'strong-read-committed': 'strong-PL-2',
};

/** Elle's model graph, canonical names: stronger > weaker, direct edges only. */
const NEIGHBOURS = (
  'PL-2>PL-1 PL-2+>PL-2L PL-2+>PL-CS PL-2.99>PL-CS PL-2.99>monotonic-atomic-view PL-2L>PL-2 PL-3>PL-2.99 PL-3>PL-3U ' +
  'PL-3>PL-SI PL-3>view-serializable PL-3U>PL-FCV PL-CS>PL-2 PL-FCV>PL-2+ PL-MSR>PL-2 PL-SI>PL-FCV PL-SI>PL-MSR ' +
  'PL-SI>monotonic-atomic-view PL-SI>parallel-snapshot-isolation PL-SI>prefix PL-SS>PL-3 PL-SS>PL-SI PL-SS>linearizable ' +
  'PL-SS>session-serializable PL-SS>strong-session-serializable PL-SS>strong-snapshot-isolation PRAM>monotonic-reads ' +
  'PRAM>monotonic-writes PRAM>read-your-writes causal>PRAM causal>writes-follow-reads causal-cerone>read-atomic ' +
  'linearizable>sequential monotonic-atomic-view>PL-2 parallel-snapshot-isolation>causal-cerone ' +
  'parallel-snapshot-isolation>update-atomic prefix>causal-cerone read-atomic>monotonic-atomic-view sequential>causal ' +
  'session-serializable>1SR strong-PL-1>strong-session-PL-1 strong-PL-2>strong-PL-1 strong-PL-2>strong-session-PL-2 ' +
  'strong-session-PL-1>PL-1 strong-session-PL-2>PL-2 strong-session-PL-2>strong-session-PL-1 strong-session-serializable>PL-3 ' +
  'strong-session-serializable>strong-session-snapshot-isolation strong-session-snapshot-isolation>PL-SI ' +
  'strong-session-snapshot-isolation>strong-session-PL-2 strong-snapshot-isolation>strong-PL-2 ' +
  'strong-snapshot-isolation>strong-session-snapshot-isolation update-atomic>read-atomic'
).split(' ').map((p) => p.split('>') as [string, string]);

function golden(canonical: string): Set<string> {
  const out = new Set<string>();
  for (const tok of GOLDEN[canonical].split(' ').filter(Boolean)) {
    const [name, variants] = tok.split('/');
    if (variants === undefined) { out.add(name); continue; }
    if (variants.includes('D')) out.add(name);
    if (variants.includes('P')) out.add(`${name}-process`);
    if (variants.includes('R')) out.add(`${name}-realtime`);
  }
  return out;
}

const check = (e: CatalogEntry, model: string): CheckResult =>
  (e.workload === 'txn-list-append' ? checkListAppend : checkRwRegister)(e.history, { consistencyModels: [model] });

/** The verdict a model must give on a catalog history: invalid iff it contains a prohibited anomaly. */
const expectedValid = (e: CatalogEntry, canonical: string): boolean => !e.contains.some((a) => golden(canonical).has(a));

const namesOf = (canonical: string): string[] => [canonical, ...Object.keys(ALIASES).filter((a) => ALIASES[a] === canonical)];

describe('checker: consistency models prohibit what Elle 0.2.2 prohibits', function () {
  it('knows exactly Elle\'s model names, aliases included', function () {
    const all = [...Object.keys(GOLDEN), ...Object.keys(ALIASES)].sort();
    assert.deepEqual(knownModels(), all);
    for (const [alias, canonical] of Object.entries(ALIASES)) assert.equal(canonicalModel(alias), canonical);
    assert.ok(!isKnownModel('serialisable'));
  });

  it('each catalog history reports exactly the anomalies it contains (realtime graph, then process graph)', function () {
    for (const e of CATALOG) {
      for (const [model, hidden] of [['strict-serializable', '-process'], ['strong-session-serializable', '-realtime']]) {
        const got = ((check(e, model)['anomaly-types'] as string[] | undefined) ?? []).slice().sort();
        assert.deepEqual(got, e.contains.filter((t) => !t.endsWith(hidden)).sort(), `${e.name} under ${model}`);
      }
    }
  });

  it('the catalog covers every detectable anomaly', function () {
    const covered = new Set(CATALOG.flatMap((e) => e.contains));
    assert.deepEqual([...DETECTABLE].filter((a) => !covered.has(a)), []);
  });

  for (const canonical of Object.keys(GOLDEN)) {
    const names = namesOf(canonical);
    const neighbours = NEIGHBOURS.filter(([s, w]) => s === canonical || w === canonical).map(([s, w]) => (s === canonical ? w : s));
    it(`${names.join(' = ')}: prohibits Elle's anomalies; verdicts on the catalog; apart from ${neighbours.join(', ') || 'no neighbour'}`, function () {
      for (const name of names) {
        const prohibited = [...anomaliesProhibitedBy([name])].filter((a) => DETECTABLE.has(a)).sort();
        assert.deepEqual(prohibited, [...golden(canonical)].sort(), name);
        for (const e of CATALOG) {
          const r = check(e, name);
          assert.equal(r.valid, expectedValid(e, canonical), `${name} on ${e.name}: ${JSON.stringify(r['anomaly-types'])}`);
        }
      }
      for (const other of neighbours) {
        const differ = [...golden(canonical)].sort().join() !== [...golden(other)].sort().join();
        const separating = CATALOG.filter((e) => check(e, canonical).valid !== check(e, other).valid);
        // Models whose rows agree differ only in anomalies no list-append/rw-register history can show (G-cursor, G-MSR...).
        if (differ) assert.ok(separating.length > 0, `no catalog history separates ${canonical} from ${other}`);
        else assert.equal(separating.length, 0);
      }
    });
  }
});
