/**
 * Histories on which the real Elle (0.2.2, Maelstrom's settings) named the
 * anomaly types listed in ../shared/testdata/elle-anomalies/EXPECTED (see
 * its README). `maelstrom-local check` must name at least those types, each
 * with a cycle that the history really contains: every step is re-derived
 * here from the transactions' own micro-ops (and the cycle's name from its
 * edge kinds) without the checker's code.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { runCheckCommand } from '../../src/checker/check-command';
import { locateTestdata, TESTDATA_ENV } from '../../src/common/testdata';
import { anomaliesProhibitedBy } from '../../src/checker/elle/models';

const location = locateTestdata();
if (location.explicit && location.dir === null) {
  // A folder named on purpose (CI names it) that is not there must fail loudly, never skip.
  throw new Error(`${TESTDATA_ENV}=${location.looked}: no such folder; point it at a copy of the third-party test data`);
}
const candidate = location.dir === null ? null : path.join(location.dir, 'elle-anomalies');
const present = candidate !== null && fs.existsSync(candidate);
if (location.explicit && !present) {
  // CI names the data folder; an older copy without this subfolder must not pass by skipping.
  throw new Error(`${TESTDATA_ENV}=${location.looked} has no elle-anomalies/; use a current copy of the shared test data`);
}
const DIR = present ? candidate : null;
if (DIR === null) {
  console.log(
    `\nSKIPPED: Elle anomaly-type histories suite (test/checker/elle-anomalies.test.ts): no elle-anomalies/ test data at ${location.looked}. ` +
      `To run it, set ${TESTDATA_ENV}=DIR (a copy of the shared testdata folder) or place it there.`,
  );
}

type Mop = [string, unknown, unknown];
interface OpSummary { index: number; process: unknown; value: Mop[] }
interface Step { type: string; key?: unknown; value?: unknown; "value'"?: unknown }
interface CycleCase { cycle: OpSummary[]; steps: Step[]; explanation: string }

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const lastOf = (v: unknown): unknown => (Array.isArray(v) && v.length ? v[v.length - 1] : null);

/** The anomaly name of a cycle from its edge kinds alone (Elle's explainer rules). */
function nameOf(kinds: string[]): string {
  const rw = kinds.filter((k) => k === 'rw').length;
  const adjacent = kinds.some((k, i) => k === 'rw' && kinds[(i + 1) % kinds.length] === 'rw');
  const base = rw === 1 ? 'G-single-item' : rw > 1 ? (adjacent ? 'G2-item' : 'G-nonadjacent-item') : kinds.includes('wr') ? 'G1c' : 'G0';
  return base + (kinds.includes('realtime') ? '-realtime' : kinds.includes('process') ? '-process' : '');
}

/** Does the step from `a` to `b` follow from their micro-ops? (rw/ww use the key's values as the checker reports them.) */
function stepHolds(workload: string, step: Step, a: OpSummary, b: OpSummary): boolean {
  const write = workload === 'txn-list-append' ? 'append' : 'w';
  const wrote = (t: OpSummary, v: unknown): boolean => t.value.some(([f, k, x]) => f === write && same(k, step.key) && same(x, v));
  const readState = (t: OpSummary, v: unknown): boolean => t.value.some(([f, k, x]) => f === 'r' && same(k, step.key) &&
    (workload === 'txn-list-append' ? same(lastOf(x), v ?? null) : same(x ?? null, v ?? null)));
  switch (step.type) {
    case 'ww': return wrote(a, step.value) && wrote(b, step["value'"]);
    case 'wr': return wrote(a, step.value) && readState(b, step.value);
    case 'rw': return readState(a, step.value) && wrote(b, step["value'"]);
    case 'process': return same(a.process, b.process);
    case 'realtime': return a.index < b.index;
    default: return false;
  }
}

const expected = DIR !== null && fs.existsSync(path.join(DIR, 'EXPECTED'))
  ? fs.readFileSync(path.join(DIR, 'EXPECTED'), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/))
  : [];

(DIR === null ? describe.skip : describe)('checker: anomaly types the real Elle names (elle-anomalies)', function () {
  it('has the four histories', function () {
    assert.equal(expected.length, 4);
  });

  for (const [file, workload, ...types] of expected) {
    const want = types.map((t) => t.replace(/^:/, ''));
    it(`${file}: names at least ${want.join(', ')}, each with a cycle the history contains`, async function () {
      const lines: string[] = [];
      const exit = await runCheckCommand(['check', '-w', workload, path.join(DIR ?? '', file), '--json'], (l) => lines.push(l));
      assert.equal(exit, 1, lines.slice(-1)[0]);
      const json = lines.find((l) => l.startsWith('{'));
      assert.ok(json, 'the results map is printed');
      const result = (JSON.parse(json) as { workload: { 'anomaly-types': string[]; anomalies: Record<string, unknown[]> } }).workload;
      const got = result['anomaly-types'];
      for (const t of want) assert.ok(got.includes(t), `${file}: Elle names ${t}; we named ${got.join(', ')}`);
      for (const t of want.filter((x) => /^G/.test(x))) {
        assert.ok(lines.some((l) => l.startsWith(`${t}: \nLet:`)), `${t}: its explanation is printed`);
        for (const c of result.anomalies[t] as CycleCase[]) {
          const n = c.cycle.length;
          assert.equal(c.steps.length, n, `${t}: one step per transaction`);
          assert.equal(new Set(c.cycle.map((o) => o.index)).size, n, `${t}: a cycle visits each transaction once`);
          assert.equal(nameOf(c.steps.map((s) => s.type)), t, `${t}: edge kinds ${c.steps.map((s) => s.type).join(',')}`);
          c.steps.forEach((s, i) => assert.ok(stepHolds(workload, s, c.cycle[i], c.cycle[(i + 1) % n]), `${t}: step ${i} ${JSON.stringify(s)} between ${JSON.stringify(c.cycle[i])} and ${JSON.stringify(c.cycle[(i + 1) % n])}`));
          assert.match(c.explanation, /a contradiction!$/);
        }
      }
    });

    it(`${file}: under --consistency-models serializable, names G2-item (as Elle did) and every EXPECTED type serializable prohibits`, async function () {
      const lines: string[] = [];
      const exit = await runCheckCommand(['check', '-w', workload, path.join(DIR ?? '', file), '--json', '--consistency-models', 'serializable'], (l) => lines.push(l));
      assert.equal(exit, 1, lines.slice(-1)[0]);
      const got = (JSON.parse(lines.find((l) => l.startsWith('{')) ?? '{}') as { workload: { 'anomaly-types': string[] } }).workload['anomaly-types'];
      const prohibited = anomaliesProhibitedBy(['serializable']);
      for (const t of ['G2-item', ...want.filter((x) => prohibited.has(x))]) assert.ok(got.includes(t), `${t} in ${got.join(', ')}`);
      assert.ok(!got.some((t) => t.endsWith('-realtime')), 'serializable reports no realtime classes');
    });
  }
});
