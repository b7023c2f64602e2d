import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseTestArgs, TestConfig } from '../../src/runner/cli';
import { HuntArgs, parseHuntArgs } from '../../src/runner/hunt/args';
import { classify, lastStderrMessage, RunResult } from '../../src/runner/hunt/child';
import { runHuntCommand } from '../../src/runner/hunt/command';
import { drawRun, HuntFixed, RunDraw, shortForm, testArgv } from '../../src/runner/hunt/draw';
import { DURABLE_FAULTS, faultPool, HUNT_FAULTS, MEMORY_SAFE_FAULTS } from '../../src/runner/hunt/faults';
import { HuntDeps, isFinding, PlannedRun, runHunt } from '../../src/runner/hunt/hunt';
import { describeResults, shellCommand, shellQuote } from '../../src/runner/hunt/report';

/** hunt: configuration drawing, fault pools, argv round trips, reports and exit codes (no processes). */

const ALL = [...HUNT_FAULTS];
const fixedFor = (workload: string, over: Partial<HuntFixed> = {}): HuntFixed => ({
  workload,
  bin: 'dist/raft-node.js',
  binArgs: [],
  nodeCount: null,
  timeLimitS: null,
  rate: null,
  pool: faultPool(null, false, ALL),
  latencyDists: ['constant', 'uniform', 'exponential', 'pareto'],
  finalReadsSupported: true,
  finalRotationsSupported: true,
  ...over,
});

describe('hunt: drawing run configurations', () => {
  it('is a pure function of (hunt seed, run index, fixed flags)', () => {
    const f = fixedFor('lin-kv');
    for (let i = 0; i < 50; i++) assert.deepEqual(drawRun(7, i, f), drawRun(7, i, f));
    const a = Array.from({ length: 50 }, (_, i) => JSON.stringify(drawRun(7, i, f)));
    const b = Array.from({ length: 50 }, (_, i) => JSON.stringify(drawRun(8, i, f)));
    assert.notDeepEqual(a, b);
    assert.equal(new Set(a).size, 50, 'runs differ from each other');
  });

  it('fixing one flag does not shift the other draws', () => {
    const free = drawRun(3, 5, fixedFor('lin-kv'));
    const pinned = drawRun(3, 5, fixedFor('lin-kv', { nodeCount: free.nodeCount === 3 ? 5 : 3 }));
    assert.notEqual(free.nodeCount, pinned.nodeCount);
    assert.deepEqual({ ...free, nodeCount: 0 }, { ...pinned, nodeCount: 0 });
  });

  it('ranges: nodes 3 or 5 (mostly 3), time 5-20 s, rate 20-500, interval 0.2-5 s (often sub-second), latency 0-50 ms (biased small)', () => {
    const draws = Array.from({ length: 2000 }, (_, i) => drawRun(11, i, fixedFor('txn-list-append')));
    const threes = draws.filter((d) => d.nodeCount === 3).length;
    assert.ok(draws.every((d) => d.nodeCount === 3 || d.nodeCount === 5));
    assert.ok(threes > 1300 && threes < 1700, String(threes));
    assert.ok(draws.every((d) => d.timeLimitS >= 5 && d.timeLimitS <= 20 && Number.isInteger(d.timeLimitS)));
    assert.ok(draws.every((d) => d.rate >= 20 && d.rate <= 500));
    assert.ok(draws.every((d) => d.nemesisIntervalS >= 0.2 && d.nemesisIntervalS <= 5));
    const sub = draws.filter((d) => d.nemesisIntervalS < 1).length;
    assert.ok(sub > 700 && sub < 1300, String(sub));
    assert.ok(draws.every((d) => d.latencyMs >= 0 && d.latencyMs <= 50));
    const median = draws.map((d) => d.latencyMs).sort((x, y) => x - y)[1000];
    assert.ok(median <= 15, String(median));
    assert.ok(draws.every((d) => d.latencyDist === 'constant' || d.latencyMs >= 1), 'no mean-0 non-constant latency (a start-up error)');
    for (const dist of ['constant', 'uniform', 'exponential', 'pareto']) assert.ok(draws.some((d) => d.latencyDist === dist), dist);
    const fr = draws.filter((d) => d.finalReads).length;
    assert.ok(fr > 1400 && fr < 1800, String(fr));
    // Rotations only with final reads; about 70% of those rotate (a tour of at most 3 or 5).
    assert.ok(draws.every((d) => d.finalReads || d.finalRotations === 0));
    const rot = draws.filter((d) => d.finalRotations > 0).length / fr;
    assert.ok(rot > 0.6 && rot < 0.8, String(rot));
    assert.deepEqual([...new Set(draws.map((d) => d.finalRotations))].sort(), [0, 3, 5]);
    assert.ok(draws.some((d) => d.finalHealS !== null) && draws.some((d) => d.finalHealS === null));
    assert.ok(draws.every((d) => d.finalHealS === null || d.finalHealS <= d.timeLimitS / 2));
    assert.ok(draws.every((d) => d.txn !== null && d.txn.keyCount >= 1 && d.txn.maxTxnLength >= 1 && d.txn.maxWritesPerKey >= 1));
    assert.equal(new Set(draws.map((d) => d.seed)).size, draws.length, 'every run has its own --seed');
  });

  it('lin-kv concurrency is always a multiple of 2n; --final-reads only when the test command has it', () => {
    for (let i = 0; i < 500; i++) {
      const d = drawRun(5, i, fixedFor('lin-kv', { finalReadsSupported: false }));
      assert.equal(d.concurrencyPerNode % 2, 0);
      assert.ok(d.concurrencyPerNode >= 2);
      assert.equal(d.finalReads, false);
      assert.equal(d.txn, null);
    }
  });

  it('nemesis: a non-empty subset of the pool, in pool order, all of it reachable', () => {
    const pool = faultPool(null, true, ALL);
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const d = drawRun(9, i, fixedFor('lin-kv', { pool }));
      assert.ok(d.nemesis.length >= 1 && d.nemesis.length <= pool.length);
      assert.deepEqual(d.nemesis, pool.filter((f) => d.nemesis.includes(f)));
      for (const f of d.nemesis) seen.add(f);
    }
    assert.deepEqual([...seen].sort(), [...pool].sort());
    const one = drawRun(9, 0, fixedFor('lin-kv', { pool: ['pause'] }));
    assert.deepEqual(one.nemesis, ['pause']);
  });

  it('the short form names the drawn config', () => {
    const d: RunDraw = {
      index: 0, seed: 1, nodeCount: 3, timeLimitS: 12, rate: 140, concurrencyPerNode: 2, latencyDist: 'exponential', latencyMs: 8,
      nemesis: ['partition', 'pause'], nemesisIntervalS: 0.45, finalReads: true, finalRotations: 0, finalHealS: 2, valueCount: null, txn: null,
    };
    assert.equal(shortForm(d), 'n3 t12s r140 c2n lat=exp:8ms nem=partition+pause/0.45s fh2 fr');
    assert.equal(shortForm({ ...d, valueCount: 100 }), 'n3 t12s r140 c2n lat=exp:8ms nem=partition+pause/0.45s v100 fh2 fr');
    assert.equal(shortForm({ ...d, finalRotations: 3 }), 'n3 t12s r140 c2n lat=exp:8ms nem=partition+pause/0.45s fh2 fr+rot3');
  });

  it('lin-kv draws a wider --value-count in about two thirds of the runs when the test command has it; never for txn', () => {
    const counts = new Map<number | null, number>();
    for (let i = 0; i < 600; i++) {
      const v = drawRun(3, i, fixedFor('lin-kv', { valueCountSupported: true })).valueCount;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].sort(), [100, 1000, 20, null].sort());
    const maelstrom = counts.get(null) ?? 0;
    assert.ok(maelstrom > 150 && maelstrom < 250, `Maelstrom's 5 values in ${maelstrom} of 600`);
    assert.equal(drawRun(3, 0, fixedFor('lin-kv')).valueCount, null, 'not without support');
    for (let i = 0; i < 50; i++) assert.equal(drawRun(3, i, fixedFor('txn-list-append', { valueCountSupported: true })).valueCount, null);
    const d = drawRun(3, [...Array(50).keys()].find((i) => drawRun(3, i, fixedFor('lin-kv', { valueCountSupported: true })).valueCount !== null) ?? 0, fixedFor('lin-kv', { valueCountSupported: true }));
    const argv = testArgv(d, fixedFor('lin-kv', { valueCountSupported: true }), null);
    assert.equal(argv[argv.indexOf('--value-count') + 1], String(d.valueCount));
    const parsed = parseTestArgs(argv, () => 0);
    assert.ok(!parsed.help && parsed.config.valueCount === d.valueCount);
  });

  it('search runs skip messages.html; the replay of a finding (and its printed command) keeps it', () => {
    const f = fixedFor('lin-kv');
    const d = drawRun(3, 0, f);
    assert.ok(!testArgv(d, f, null).includes('--no-messages'));
    const search = testArgv(d, f, '/tmp/x', false);
    assert.ok(search.includes('--no-messages'));
    const parsed = parseTestArgs(search, () => 0);
    assert.ok(!parsed.help && parsed.config.messages === false);
  });
});

describe('hunt: the fault pool', () => {
  it('default: what a correct Raft survives without persistence; kill faults join only with --durable; duplicate only when listed', () => {
    assert.deepEqual(faultPool(null, false, ALL), [...MEMORY_SAFE_FAULTS]);
    assert.deepEqual(faultPool(null, true, ALL), [...MEMORY_SAFE_FAULTS, ...DURABLE_FAULTS]);
    assert.ok(!faultPool(null, true, ALL).includes('duplicate'));
    assert.deepEqual(faultPool(['duplicate', 'partition'], false, ALL), ['partition', 'duplicate']);
    assert.deepEqual(faultPool(['kill-leader', 'pause'], true, ALL), ['pause', 'kill-leader']);
  });

  it('refuses a kill fault without --durable (and says why), unknown faults, and faults the runner lacks', () => {
    for (const f of DURABLE_FAULTS) assert.throws(() => faultPool([f], false, ALL), /needs --durable: a node without persistence legitimately forgets/);
    assert.throws(() => faultPool(['partitoin'], false, ALL), /unknown fault "partitoin"/);
    assert.throws(() => faultPool([], false, ALL), /empty list/);
    assert.throws(() => faultPool(['partition-leader'], false, ['partition', 'pause']), /not supported by this build/);
    assert.deepEqual(faultPool(null, false, ['partition', 'pause', 'kill']), ['partition', 'pause'], 'never draws what the runner lacks');
  });
});

describe('hunt: the drawn argv is a `test` command line', () => {
  const check = (d: RunDraw, f: HuntFixed, c: TestConfig, store: string | null): void => {
    assert.equal(c.workload, f.workload);
    assert.equal(c.bin, f.bin);
    assert.deepEqual(c.binArgs, f.binArgs);
    assert.equal(c.nodes.length, d.nodeCount);
    assert.equal(c.timeLimitS, d.timeLimitS);
    assert.equal(c.rate, d.rate);
    assert.equal(c.concurrency, d.concurrencyPerNode * d.nodeCount);
    assert.equal(c.latencyMs, d.latencyMs);
    assert.equal(c.latencyDist, d.latencyDist);
    assert.deepEqual([...c.nemesis], d.nemesis);
    assert.equal(c.nemesisIntervalS, d.nemesisIntervalS);
    assert.equal(c.finalHealS, d.finalHealS);
    assert.equal(c.seed, d.seed);
    assert.equal(c.store, store ?? 'store');
    if (d.txn) {
      assert.equal(c.keyCount, d.txn.keyCount);
      assert.equal(c.maxTxnLength, d.txn.maxTxnLength);
      assert.equal(c.maxWritesPerKey, d.txn.maxWritesPerKey);
    }
    if ('finalReads' in c) assert.equal((c as { finalReads: unknown }).finalReads, d.finalReads);
    assert.equal(c.finalRotations, d.finalRotations);
  };

  it('round-trips through the test command\'s own parser (every workload, with node args and a store)', () => {
    const real = fixedFor('lin-kv');
    for (const workload of ['lin-kv', 'txn-list-append', 'txn-rw-register', 'echo']) {
      // What this build's runner really accepts: the pool and distributions the hunt command would use.
      const f: HuntFixed = {
        ...real,
        workload,
        binArgs: ['--data-dir', 'data', '--tick-ms', '5'],
        pool: faultPool(null, true),
        latencyDists: ['constant', 'uniform', 'exponential', 'pareto'].filter((x) => {
          try {
            parseTestArgs(['--bin', 'x', '--latency-dist', x], () => 0);
            return true;
          } catch {
            return false;
          }
        }),
        finalReadsSupported: (() => {
          try {
            parseTestArgs(['--bin', 'x', '--final-reads'], () => 0);
            return true;
          } catch {
            return false;
          }
        })(),
      };
      for (let i = 0; i < 100; i++) {
        const d = drawRun(21, i, f);
        for (const store of [null, '/tmp/h s/run-0001']) {
          const parsed = parseTestArgs(testArgv(d, f, store), () => 0);
          assert.ok(!parsed.help);
          if (!parsed.help) check(d, f, parsed.config, store);
        }
      }
    }
  });

  it('shell quoting survives spaces and quotes', () => {
    assert.equal(shellQuote('dist/raft-node.js'), 'dist/raft-node.js');
    assert.equal(shellQuote("it's here"), `'it'\\''s here'`);
    assert.equal(shellQuote(''), "''");
    assert.equal(shellCommand(['a', 'b c', '--x=1']), "a 'b c' --x=1");
  });
});

describe('hunt: what the checker saw', () => {
  it('lin-kv: the key and the impossible operation', () => {
    const text = describeResults({
      valid: false,
      stats: { valid: true },
      workload: {
        valid: false,
        failures: [3, 4],
        results: {
          3: { valid: false, failure: { op: { index: 17, process: 2, f: 'read', value: 1000, outcome: 'ok' }, concurrent: [{}], states: [], reason: 'no operation on this register ever writes 1000, so no order of operations makes it legal' } },
        },
      },
    });
    assert.match(text, /lin-kv key 3 is not linearizable: a read returning 1000 \(ok, process 2, history op #17, 1 concurrent op\(s\)\)/);
    assert.match(text, /ever writes 1000/);
    assert.match(text, /1 more key\(s\) failed too: 4/);
  });

  it('txn: the anomaly names; stats: the f that never succeeded; unknown: the checker error', () => {
    assert.match(describeResults({ valid: false, workload: { valid: false, 'anomaly-types': ['G1c', 'G-single'], anomalies: { G1c: [1, 2] }, not: ['read-committed'] } }), /anomalies: G1c x2, G-single \(rules out read-committed\)/);
    assert.match(describeResults({ valid: false, workload: { valid: true }, stats: { valid: false, 'by-f': { write: { valid: false, count: 9, 'fail-count': 0, 'info-count': 9 }, read: { valid: true } } } }), /no operation of write \(9 completed: 0 fail, 9 info\) ever succeeded/);
    assert.match(describeResults({ valid: 'unknown', workload: { valid: 'unknown', error: 'search budget exceeded' } }), /workload unknown: search budget exceeded/);
  });

  it('crash: node, exit code and last stderr line, from the test command\'s report', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hunt-classify-'));
    try {
      fs.mkdirSync(path.join(tmp, 'node-logs'));
      fs.writeFileSync(path.join(tmp, 'node-logs', 'n1.log'), 'starting\npanic: index out of range\n');
      const stderr = 'Node n1 crashed with exit status 2. Before crashing, it wrote to STDOUT:\n\n\nAnd to STDERR:\nstarting\npanic: index out of range\nFull STDERR logs are available in x\nJepsen broke: a node crashed';
      const r = classify(255, null, 'crashed: n1', stderr, tmp, 10);
      assert.equal(r.verdict, 'crash');
      assert.deepEqual(r.crash, { node: 'n1', code: '2', signal: null, lastStderr: 'panic: index out of range' });
      assert.match(r.detail, /node n1 exited during the test with exit code 2; its last stderr message: "panic: index out of range"/);
      const init = classify(255, null, '', 'Jepsen broke: node n0 exited (code 1, signal null) before answering init (:init-failed); its last stderr lines:\nboom', null, 10);
      assert.equal(init.verdict, 'crash');
      assert.match(init.detail, /node n0 exited before answering init with exit code 1/);
      assert.equal(classify(255, null, '', 'Jepsen broke: node n0 did not answer init within 10000 ms (:init-failed)', null, 1).verdict, 'error');
      const trace = ['x.js:171', '    ^', '', "TypeError: Cannot read properties of undefined (reading 'term')", '    at sendAppend (x.js:171:36)', '    at handle (x.js:388:14)', '', 'Node.js v20.20.2'];
      assert.equal(lastStderrMessage(trace), "TypeError: Cannot read properties of undefined (reading 'term') (at sendAppend (x.js:171:36))");
      assert.equal(lastStderrMessage(['a', 'b', '']), 'b');
      assert.equal(lastStderrMessage([]), null);
      assert.equal(classify(254, null, '', 'maelstrom-local test: --bin x: no such file\nRun ...', null, 1).usageError !== undefined, true);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('hunt: replies that break the reply schema', () => {
  it('a run the checkers pass is a protocol finding when a client op got a malformed reply, never otherwise', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hunt-malformed-'));
    try {
      const line = (op: Record<string, unknown>): string => JSON.stringify(op);
      const ok = [
        line({ type: 'invoke', process: 0, f: 'write', value: [1, 3] }),
        line({ type: 'ok', process: 0, f: 'write', value: [1, 3] }),
        // A timeout or a definite error mentioning nothing of the kind is not a finding.
        line({ type: 'info', process: 1, f: 'write', value: [1, 4], error: 'net-timeout' }),
        // Only client ops count: the nemesis never gets replies.
        line({ type: 'info', process: 'nemesis', f: 'start-partition', value: 'malformed-rpc-response' }),
      ];
      fs.writeFileSync(path.join(tmp, 'history.jsonl'), ok.join('\n') + '\n');
      assert.equal(classify(0, null, '', '', tmp, 5).verdict, 'valid');
      const bad = line({
        type: 'info', process: 2, f: 'write', value: [1, 5],
        error: 'indeterminate: malformed-rpc-response: type is "read_ok", expected "write_ok"',
        exception: { message: 'malformed-rpc-response: type is "read_ok", expected "write_ok" in reply {"type":"read_ok","value":2}' },
      });
      fs.writeFileSync(path.join(tmp, 'history.jsonl'), [...ok, bad, bad].join('\n') + '\n');
      const r = classify(0, null, '', '', tmp, 5);
      assert.equal(r.verdict, 'invalid');
      assert.equal(r.kind, 'protocol');
      assert.match(r.detail, /2 replies break Maelstrom's reply schema \(first: process 2's write: malformed-rpc-response: type is "read_ok", expected "write_ok" in reply/);
      assert.equal(isFinding(r), true);
      // No history at all (the run never got that far): nothing to say.
      assert.equal(classify(0, null, '', '', path.join(tmp, 'missing'), 5).verdict, 'valid');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('hunt: the loop and its exit codes (scripted runs)', () => {
  const baseArgs: HuntArgs = {
    workload: 'lin-kv', bin: 'node.js', binArgs: [], budgetS: 100, seed: 1, nodeCount: null, timeLimitS: null, rate: null,
    faults: null, durable: false, replays: 3, store: 'store', storeGiven: false, maxRuns: null, noFinalReads: false, liveness: false,
  };
  const result = (verdict: RunResult['verdict'], extra: Partial<RunResult> = {}): RunResult => ({ verdict, exitCode: 0, dir: `/s/${verdict}`, detail: `saw ${verdict}`, durationMs: 10_000, ...extra });
  const scripted = async (verdicts: RunResult[], argsOver: Partial<HuntArgs> = {}) => {
    let clock = 0;
    let out = '';
    const seen: PlannedRun[] = [];
    let i = 0;
    const deps: HuntDeps = {
      runOne: async (run) => {
        seen.push(run);
        const r = verdicts[Math.min(i++, verdicts.length - 1)];
        clock += r.durationMs;
        return r;
      },
      now: () => clock,
      write: (t) => (out += t),
      isTTY: false,
      interrupted: () => false,
    };
    const args = { ...baseArgs, ...argsOver };
    const outcome = await runHunt({ args, fixed: fixedFor('lin-kv'), huntDir: '/h' }, deps);
    return { outcome, out, seen };
  };

  it('nothing found within the budget -> 0, one line per run, a summary', async () => {
    const { outcome, out, seen } = await scripted([result('valid'), result('unknown'), result('valid')]);
    assert.equal(outcome.exitCode, 0);
    assert.equal(seen.length, 10, 'budget 100 s / 10 s runs');
    assert.equal(out.split('\n').filter((l) => /^run \d+ \[/.test(l)).length, 10);
    assert.match(out, /runs\s+10\n/);
    assert.match(out, /distinct configurations\s+10\n/);
    assert.match(out, /valid\s+9\n/);
    assert.match(out, /unknown\s+1\n/);
    assert.match(out, /time to first finding\s+none/);
    assert.match(out, /Nothing found in 10 run\(s\)/);
    assert.equal(seen[3].argv[seen[3].argv.indexOf('--store') + 1], path.join('/h', 'run-0003'));
  });

  it('an invalid run -> 1: stops, replays K times, reports store dir, replay command and what the checker saw', async () => {
    const { outcome, out, seen } = await scripted([result('valid'), result('invalid', { exitCode: 1, kind: 'safety' }), result('invalid'), result('valid'), result('invalid')]);
    assert.equal(outcome.exitCode, 1);
    assert.equal(seen.length, 2 + 3);
    assert.ok(seen.slice(2).every((r) => r.draw.seed === seen[1].draw.seed));
    assert.match(out, /FOUND in run 1 after 20\.0 s: invalid/);
    assert.match(out, /store: {2}\/s\/invalid/);
    assert.match(out, /saw: {4}saw invalid/);
    assert.match(out, /reproduced in 2 of 3 replays/);
    assert.match(out, /time to first finding\s+20\.0 s \(run 1\)/);
    const replay = /replay: (.*)/.exec(out)?.[1] ?? '';
    assert.ok(replay.startsWith('bin/maelstrom-local test '), replay);
    assert.ok(!replay.includes('--store'), 'no --store unless the hunt was given one');
    const parsed = parseTestArgs(replay.split(' ').slice(2), () => 0);
    assert.ok(!parsed.help && parsed.config.seed === seen[1].draw.seed && parsed.config.nodes.length === seen[1].draw.nodeCount);
    assert.equal(outcome.finding?.reproduced, 2);
  });

  it('a liveness-only invalid run (stats/availability) is counted but is not a finding unless --liveness', async () => {
    const liveness = result('invalid', { exitCode: 1, kind: 'liveness', detail: 'stats: no cas ever succeeded' });
    const plain = await scripted([result('valid'), liveness, result('valid')]);
    assert.equal(plain.outcome.exitCode, 0);
    assert.equal(plain.seen.length, 10, 'the hunt goes on to the end of its budget');
    assert.equal(plain.outcome.counts.liveness, 1);
    assert.equal(plain.outcome.counts.invalid, 0);
    assert.match(plain.out, /liveness only \(not a finding without --liveness\): stats: no cas ever succeeded/);
    assert.match(plain.out, /liveness only\s+1\n/);
    const asked = await scripted([result('valid'), liveness, result('valid')], { liveness: true, replays: 0 });
    assert.equal(asked.outcome.exitCode, 1);
    assert.match(asked.out, /FOUND in run 1 after 20\.0 s: invalid \(liveness\)/);
  });

  it('a crash -> 1; --replays 0 skips replays; --store given -> the replay command names it', async () => {
    const { outcome, out, seen } = await scripted([result('crash', { exitCode: 255 })], { replays: 0, store: 'mystore', storeGiven: true });
    assert.equal(outcome.exitCode, 1);
    assert.equal(seen.length, 1);
    assert.match(out, /replay: .* --store mystore/);
    assert.doesNotMatch(out, /reproduced/);
  });

  it('only unknown verdicts (or broken runs) -> 2; a run that refuses its arguments -> 254; --runs caps the count', async () => {
    assert.equal((await scripted([result('unknown'), result('error')])).outcome.exitCode, 2);
    const bad = await scripted([result('error', { exitCode: 254, usageError: '--bin x: no such file' })]);
    assert.equal(bad.outcome.exitCode, 254);
    assert.match(bad.out, /refused its arguments|no such file/);
    const capped = await scripted([result('valid')], { maxRuns: 3 });
    assert.equal(capped.seen.length, 3);
    assert.equal(capped.outcome.exitCode, 0);
  });
});

describe('hunt: argument errors -> 254 with a message (no runs started)', () => {
  const run = async (argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runHuntCommand(argv, { out: (l) => (out += l + '\n'), err: (l) => (err += l + '\n'), write: (t) => (out += t), isTTY: false });
    return { code, out, err };
  };
  const node = path.resolve(__dirname, '..', 'fixtures', 'echo-node.js');

  it('missing --bin, kill without --durable, unknown fault/option/workload, bad numbers', async () => {
    const cases: [string[], RegExp][] = [
      [['-w', 'lin-kv'], /--bin FILE is required/],
      [['--bin', node, '--faults', 'partition,kill'], /--faults kill needs --durable: a node without persistence legitimately forgets/],
      [['--bin', node, '--faults', 'bogus'], /unknown fault "bogus"/],
      [['--bin', node, '--latency', '5'], /unknown option --latency; hunt draws the other `test` flags itself/],
      [['--bin', node, '-w', 'no-such-workload'], /unknown workload "no-such-workload"; supported: /],
      [['--bin', node, '--budget', '0'], /--budget: must be > 0/],
      [['--bin', node, '--replays', '-1'], /--replays: must be >= 0/],
      [['--bin', '/nonexistent/node'], /no such file/],
      [['--bin', node, '--node-count', '11'], /--node-count 11: lin-kv with 11 nodes/],
    ];
    for (const [argv, re] of cases) {
      const r = await run(argv);
      assert.equal(r.code, 254, argv.join(' '));
      assert.match(r.err, re, argv.join(' '));
      assert.match(r.err, /maelstrom-local hunt --help/);
    }
  });

  it('--help documents the flags, the fault pools and the exit codes', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    for (const s of ['--budget', '--seed', '--node-count', '--faults', '--durable', '--replays', '--store', '--time-limit', '--rate', '--runs', 'kill-all', 'duplicate', 'Exit codes']) assert.ok(r.out.includes(s), s);
  });

  it('parses --faults as a de-duplicated list and keeps node args after --', () => {
    const p = parseHuntArgs(['--bin', 'x', '--faults', 'pause,partition,pause', '--', '--data-dir', 'data'], () => 5);
    assert.ok(!p.help);
    if (!p.help) {
      assert.deepEqual(p.args.faults, ['pause', 'partition']);
      assert.deepEqual(p.args.binArgs, ['--data-dir', 'data']);
      assert.equal(p.args.seed, 5);
      assert.equal(p.args.budgetS, 300);
      assert.equal(p.args.replays, 3);
    }
  });
});
