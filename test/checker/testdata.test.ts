/**
 * Third-party histories with known verdicts (../shared/testdata, see its
 * README): Jepsen's etcd register histories (Porcupine's test data) and
 * Knossos' cas-register good/bad histories.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { checkLinKv, checkRegister, renderLinearizabilitySvg } from '../../src/checker/linearizability';
import { readHistoryFile } from '../../src/checker/history-io';
import { runCheckCommand } from '../../src/checker/check-command';
import { CheckResult } from '../../src/checker/history';

import { locateTestdata, TESTDATA_ENV } from '../../src/common/testdata';

const location = locateTestdata();
if (location.explicit && location.dir === null) {
  // A folder named on purpose (CI names it) that is not there must fail loudly, never skip.
  throw new Error(`${TESTDATA_ENV}=${location.looked}: no such folder; point it at a copy of the third-party test data`);
}
if (location.dir === null) {
  console.log(
    `\nSKIPPED: third-party Jepsen/Knossos histories suite (test/checker/testdata.test.ts): no test data at ${location.looked}. ` +
      `To run it, set ${TESTDATA_ENV}=DIR (a copy of the shared testdata folder) or place it there.`,
  );
}
const TESTDATA = location.dir ?? '';

(location.dir === null ? describe.skip : describe)('checker: third-party histories with known verdicts', function () {

  describe('etcd-jepsen (lin-kv form)', function () {
    const dir = path.join(TESTDATA, 'etcd-jepsen');
    const expected = fs.existsSync(path.join(dir, 'EXPECTED'))
      ? fs.readFileSync(path.join(dir, 'EXPECTED'), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/))
      : [];

    it('has the 52 expected histories', function () {
      assert.equal(expected.length, 52);
      assert.ok(expected.some(([, code]) => code === '0') && expected.some(([, code]) => code === '1'));
    });

    for (const [file, code] of expected) {
      it(`${file} -> exit ${code} (checkLinKv)`, function () {
        const r = checkLinKv(readHistoryFile(path.join(dir, file)), { budgetMsPerKey: 30_000 });
        assert.equal(r.valid, code === '0' ? true : false, `verdict ${String(r.valid)} ${String(r.error ?? '')}`);
        if (code === '1') {
          assert.deepEqual(r.failures, [0]);
          const key = (r.results as Record<string, CheckResult>)['0'];
          assert.match(String(key.explanation), /could not be linearized/);
          const svg = renderLinearizabilitySvg(key, `etcd ${file}`);
          assert.ok(svg && svg.startsWith('<svg') && svg.includes('#c00'), 'invalid key renders an SVG with the impossible op marked');
        }
      });
    }

    it('runCheckCommand returns the EXPECTED exit code for every file', async function () {
      for (const [file, code] of expected) {
        const lines: string[] = [];
        const exit = await runCheckCommand(['check', '-w', 'lin-kv', path.join(dir, file)], (l) => lines.push(l));
        assert.equal(String(exit), code, `${file}: ${lines.slice(-1)[0]}`);
      }
    });
  });

  describe('knossos-cas-register (single register, EDN)', function () {
    for (const verdict of ['good', 'bad'] as const) {
      const dir = path.join(TESTDATA, 'knossos-cas-register', verdict);
      const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.edn')).sort() : [];
      it(`${verdict}/ has histories`, function () {
        assert.ok(files.length >= (verdict === 'good' ? 100 : 4), `${files.length} files`);
      });
      it(`every ${verdict}/ history is judged ${verdict === 'good' ? 'linearizable' : 'not linearizable'}`, function () {
        for (const f of files) {
          const r = checkRegister(readHistoryFile(path.join(dir, f)), { budgetMs: 30_000 });
          assert.equal(r.valid, verdict === 'good', `${verdict}/${f}: ${String(r.valid)} ${String(r.error ?? '')}`);
        }
      });
    }

    it('rethink-fail-minimal blames the concurrent read of 3, not the later op', function () {
      const r = checkRegister(readHistoryFile(path.join(TESTDATA, 'knossos-cas-register/bad/rethink-fail-minimal.edn')));
      assert.equal(r.valid, false);
      const failure = r.failure as { op: { f: string; value: unknown }; concurrent: { f: string; value: unknown }[] };
      assert.deepEqual([failure.op.f, failure.op.value], ['read', 3]);
      assert.deepEqual(failure.concurrent.map((o) => [o.f, o.value]), [['write', 4]]);
    });
  });
});
