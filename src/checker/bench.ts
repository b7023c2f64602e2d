/**
 * Checker benchmark: `node -r ./test/support/register.js src/checker/bench.ts`.
 * Targets (issue 5): a 10,000-op lin-kv history (Maelstrom's shape: 10
 * concurrent keys, values 0-4, ~5% info) in < 2 s; a 10,000-txn list-append
 * history in < 5 s. Prints generation and check times; SEED=... to vary.
 */
import { performance } from 'perf_hooks';
import { generateLinKv, generateTxns, injectStaleListReads } from './gen';
import { checkLinKv } from './linearizability';
import { checkListAppend } from './list-append';
import { checkRwRegister } from './rw-register';
import * as fs from 'fs';
import * as path from 'path';
import { readHistoryFile } from './history-io';
import { locateTestdata, TESTDATA_ENV } from '../common/testdata';

const seed = Number(process.env.SEED ?? 1);

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

const [linKv, genLin] = time(() => generateLinKv({ ops: 10_000, concurrentKeys: 10, processesPerKey: 10, values: 5, infoRate: 0.075, infosPerKey: 11, seed }));
const invokes = linKv.filter((e) => e.type === 'invoke').length;
const infos = linKv.filter((e) => e.type === 'info').length;
const [linResult, linMs] = time(() => checkLinKv(linKv, { budgetMsPerKey: 60_000 }));
console.log(`lin-kv: ${invokes} ops (${infos} info), ${linResult['key-count']} keys, valid=${String(linResult.valid)}: check ${linMs.toFixed(0)} ms (target < 2000; generation ${genLin.toFixed(0)} ms)`);

// The same history with every 50th non-nil read shifted to the next value: some keys become invalid.
let nth = 0;
const shifted = linKv.map((e) => (e.type === 'ok' && e.f === 'read' && (e.value as unknown[])[1] !== null && nth++ % 50 === 0
  ? { ...e, value: [(e.value as number[])[0], ((e.value as number[])[1] + 1) % 5] } : e));
const [shiftedResult, shiftedMs] = time(() => checkLinKv(shifted, { budgetMsPerKey: 60_000 }));
console.log(`lin-kv with shifted reads: valid=${String(shiftedResult.valid)}, ${(shiftedResult.failures as unknown[]).length} invalid keys: check ${shiftedMs.toFixed(0)} ms`);

const [la, genLa] = time(() => generateTxns({ txns: 10_000, processes: 10, keys: 10, maxTxnLength: 4, maxWritesPerKey: 16, infoRate: 0.05, failRate: 0.02, seed }));
const [laResult, laMs] = time(() => checkListAppend(la, { consistencyModels: ['strict-serializable'] }));
console.log(`txn-list-append: 10000 txns, valid=${String(laResult.valid)}: check ${laMs.toFixed(0)} ms (target < 5000; generation ${genLa.toFixed(0)} ms)`);

const stale = injectStaleListReads(la, 20, seed);
const [staleResult, staleMs] = time(() => checkListAppend(stale.history, { consistencyModels: ['strict-serializable'] }));
console.log(`txn-list-append with ${stale.injected} stale reads: valid=${String(staleResult.valid)} ${JSON.stringify(staleResult['anomaly-types'])}: check ${staleMs.toFixed(0)} ms`);

const [rw] = time(() => generateTxns({ txns: 10_000, processes: 10, keys: 10, maxTxnLength: 4, maxWritesPerKey: 16, infoRate: 0.05, failRate: 0.02, seed, kind: 'rw-register' }));
const [rwResult, rwMs] = time(() => checkRwRegister(rw, { consistencyModels: ['strict-serializable'] }));
console.log(`txn-rw-register: 10000 txns, valid=${String(rwResult.valid)}: check ${rwMs.toFixed(0)} ms (no target)`);

// Real Jepsen histories, if the third-party test data is present (src/common/testdata.ts).
const testdata = locateTestdata().dir;
const etcdDir = testdata === null ? null : path.join(testdata, 'etcd-jepsen');
if (etcdDir === null || !fs.existsSync(etcdDir)) {
  console.log(`etcd-jepsen: skipped (no third-party test data; set ${TESTDATA_ENV}=DIR)`);
} else {
  const files = fs.readdirSync(etcdDir).filter((f) => f.endsWith('.jsonl'));
  const histories = files.map((f) => readHistoryFile(path.join(etcdDir, f)));
  let slowest = 0;
  const [, etcdMs] = time(() => {
    for (const h of histories) {
      const [, ms] = time(() => checkLinKv(h));
      slowest = Math.max(slowest, ms);
    }
  });
  console.log(`etcd-jepsen: ${files.length} histories checked in ${etcdMs.toFixed(0)} ms (slowest ${slowest.toFixed(0)} ms)`);
}
