/**
 * Real processes, real disk, real SIGKILL. A child writes through
 * openFileStorage and prints each acknowledged call; we kill it at a random
 * instant (sometimes mid-recovery), recover the directory ourselves, and
 * require the state after every acknowledged call plus at most the calls of
 * the burst still in flight, exactly: nothing acknowledged lost, nothing torn
 * or out of order returned. Then the next round restarts the child on the
 * same directory.
 *
 * Replay a workload: SEED=<n> npx mocha test/storage/process-crash.test.ts
 * (kill instants are wall-clock and vary). Rounds: CRASH_ROUNDS (default 24).
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openFileStorage } from '../../src/storage';
import type { Recovered } from '../../src/raft/types';
import { Prng, seedFromEnv } from './support/prng';
import { ExpectedLog, describe as text, nextBurst } from './support/workload';

const ROOT = path.resolve(__dirname, '../..');
const WRITER = path.join(__dirname, 'support/crash-writer.ts');

interface ChildRun {
  ready: boolean;
  acked: number;
  stderr: string;
}

/** Runs the writer until it is killed `delayMs` after it says ready (or after spawn, if `early`). */
function runAndKill(dir: string, seed: number, delayMs: number, early: boolean): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './test/support/register.js', WRITER, dir, String(seed)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: ChildRun = { ready: false, acked: 0, stderr: '' };
    let buffered = '';
    let problem: Error | null = null;
    let timer: NodeJS.Timeout | null = null;
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const safety = setTimeout(kill, 10_000);
    if (early) timer = setTimeout(kill, delayMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line === 'ready') {
          run.ready = true;
          if (!early) timer = setTimeout(kill, delayMs);
        } else if (line === `ack ${run.acked}`) {
          run.acked++;
        } else if (!problem) {
          problem = new Error(`unexpected child output ${JSON.stringify(line)} (expected "ack ${run.acked}")`);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => { run.stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(safety);
      if (timer) clearTimeout(timer);
      if (problem) reject(problem);
      else if (signal !== 'SIGKILL') reject(new Error(`writer exited by itself (code ${code}, signal ${signal}):\n${run.stderr}`));
      else resolve(run);
    });
  });
}

/** Every state the directory may hold after the child acknowledged `acked` calls: one per call of the burst in flight. */
function allowedStates(start: Recovered, seed: number, ready: boolean, acked: number): ExpectedLog[] {
  const model = ExpectedLog.from(start);
  const states = [model.clone()];
  if (!ready) return states;
  const rng = new Prng(seed);
  // Bursts are issued one at a time, each after the previous one was acknowledged in full.
  while (states.length - 1 <= acked) {
    nextBurst(rng, model, true, (after) => states.push(after.clone()));
  }
  return states.slice(acked);
}

async function recoverHere(dir: string, logLines: string[]): Promise<Recovered> {
  const storage = openFileStorage(dir, undefined, { logger: (l) => logLines.push(l) });
  try {
    return await storage.recover();
  } finally {
    await storage.close();
  }
}

describe('storage under SIGKILL (real processes, real disk)', function () {
  this.timeout(120_000);
  const { seed } = seedFromEnv();
  const rounds = Number(process.env.CRASH_ROUNDS ?? 24);
  let dir = '';

  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raft-wal-crash-'));
  });
  after(function () {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`${rounds} kill/recover rounds lose no acknowledged write and return nothing torn (seed ${seed})`, async function () {
    console.log(`    process-crash: seed ${seed}; replay the workload with SEED=${seed} npx mocha test/storage/process-crash.test.ts`);
    const rng = new Prng(seed);
    const logLines: string[] = [];
    let state = await recoverHere(dir, logLines);
    let totalAcked = 0;
    let killedBeforeReady = 0;
    for (let round = 0; round < rounds; round++) {
      const childSeed = seed + round + 1;
      const early = rng.chance(0.15);
      const delay = early ? rng.int(5, 150) : rng.int(0, 150);
      const run = await runAndKill(dir, childSeed, delay, early);
      if (!run.ready) killedBeforeReady++;
      totalAcked += run.acked;
      const allowed = allowedStates(state, childSeed, run.ready, run.acked);
      const recovered = await recoverHere(dir, logLines);
      const got = text(recovered);
      const match = allowed.findIndex((s) => text(s.recovered()) === got);
      assert.ok(match >= 0, `round ${round} (child seed ${childSeed}, ${run.acked} acks): recovered state is none of ` +
        `the ${allowed.length} allowed\ngot:      ${got.slice(0, 1500)}\nexpected: ${text(allowed[0].recovered()).slice(0, 1500)}\n` +
        `child stderr:\n${run.stderr}\nour recovery log:\n${logLines.join('\n')}`);
      state = recovered;
    }
    const repairs = logLines.filter((l) => l.startsWith('storage: WAL')).length;
    console.log(`    process-crash: ${rounds} kills, ${totalAcked} acknowledged calls, ${killedBeforeReady} kill(s) before ready, ` +
      `${repairs} torn-tail repair(s) seen by our recovery, final log ${state.entries.length} entries after snapshot ` +
      `${state.snapshot?.meta.index ?? 0}`);
    assert.ok(totalAcked > 0, 'the child never got a write acknowledged: the test proved nothing');
  });
});
