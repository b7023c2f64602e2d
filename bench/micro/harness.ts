/**
 * A tiny timing loop for micro-benchmarks: run `fn` in growing batches until
 * `minMs` of wall time has passed, after a warm-up that lets V8 optimise it.
 * Each result is the median of several rounds, which shrugs off a round that
 * another process on this shared machine interrupted.
 */
import { performance } from 'perf_hooks';

export interface MicroResult {
  /** Group, e.g. "codec". */
  group: string;
  name: string;
  /** Operations per second (an operation is one call of fn, times `unitsPerCall` units). */
  opsPerSec: number;
  nsPerOp: number;
  /** What one op is, e.g. "envelope", "entry", "command". */
  unit: string;
  /** Extra figures (bytes per op, MB/s ...). */
  extra?: Record<string, number>;
}

export interface MicroOptions {
  /** Wall time per round. */
  roundMs: number;
  rounds: number;
}

export const FULL: MicroOptions = { roundMs: 200, rounds: 5 };
export const QUICK: MicroOptions = { roundMs: 100, rounds: 3 };

/**
 * Times `fn`, which performs `unitsPerCall` units of work per call; returns
 * units per second (median round). A sink defeats dead-code elimination.
 */
export function timeIt(fn: () => unknown, unitsPerCall: number, o: MicroOptions): { opsPerSec: number; nsPerOp: number } {
  let sink = 0;
  const consume = (x: unknown): void => {
    if (x === sink) sink++;
  };
  // Warm-up: a round's worth of calls.
  const warmEnd = performance.now() + o.roundMs;
  while (performance.now() < warmEnd) for (let i = 0; i < 16; i++) consume(fn());
  const rates: number[] = [];
  for (let r = 0; r < o.rounds; r++) {
    let calls = 0;
    let batch = 1;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < o.roundMs) {
      for (let i = 0; i < batch; i++) consume(fn());
      calls += batch;
      if (batch < 1024) batch *= 2;
      elapsed = performance.now() - start;
    }
    rates.push((calls * unitsPerCall) / (elapsed / 1000));
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)];
  if (sink === -1) console.log(sink); // never true; keeps `sink` alive
  return { opsPerSec: Math.round(median), nsPerOp: Math.round(1e9 / median) };
}

export function formatMicro(results: readonly MicroResult[]): string[] {
  const rows = results.map((r) => [
    `${r.group}: ${r.name}`,
    `${r.opsPerSec.toLocaleString('en-US')} ${r.unit}/s`,
    `${r.nsPerOp.toLocaleString('en-US')} ns/${r.unit}`,
    r.extra ? Object.entries(r.extra).map(([k, v]) => `${k}=${v}`).join(' ') : '',
  ]);
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `${r[0].padEnd(w[0])}  ${r[1].padStart(w[1])}  ${r[2].padStart(w[2])}  ${r[3]}`);
}

/** Shared entry point: `--json` prints one JSON line, otherwise a table; `--quick` shortens rounds. */
export function microMain(run: (o: MicroOptions) => MicroResult[]): void {
  const args = process.argv.slice(2);
  for (const a of args) {
    if (a !== '--json' && a !== '--quick') {
      process.stderr.write(`unknown argument ${JSON.stringify(a)}; use --quick and/or --json\n`);
      process.exit(2);
    }
  }
  const results = run(args.includes('--quick') ? QUICK : FULL);
  if (args.includes('--json')) process.stdout.write(JSON.stringify(results) + '\n');
  else for (const line of formatMicro(results)) console.log(line);
}
