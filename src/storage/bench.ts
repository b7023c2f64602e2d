/**
 * Group-commit micro benchmark on the real disk:
 *
 *   node -r ./test/support/register.js src/storage/bench.ts [--seconds 2] [--writers 1,10,100]
 *        [--entry-bytes 100] [--dir /path/on/the/disk/to/test]
 *
 * W writers each loop "save(hardState, [one entry]); await it" for a fixed
 * time, as W concurrent proposals would. Reports entries/s, fsyncs/s, entries
 * per fsync (the coalescing factor) and save() latency percentiles.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { CountingFileSystem } from './counting-file-system';
import { createFileStorage } from './file-storage';
import { nodeFileSystem } from './node-file-system';

interface BenchOptions {
  seconds: number;
  writers: number[];
  entryBytes: number;
  dir: string | null;
}

function usage(problem: string): never {
  process.stderr.write(`bench: ${problem}\nusage: node -r ./test/support/register.js src/storage/bench.ts ` +
    '[--seconds N] [--writers 1,10,100] [--entry-bytes N] [--dir DIR]\n');
  process.exit(2);
}

function parseArgs(argv: string[]): BenchOptions {
  const opts: BenchOptions = { seconds: 2, writers: [1, 10, 100], entryBytes: 100, dir: null };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) usage(`${flag} needs a value`);
    i++;
    if (flag === '--seconds') opts.seconds = Number(value);
    else if (flag === '--writers') opts.writers = value.split(',').map(Number);
    else if (flag === '--entry-bytes') opts.entryBytes = Number(value);
    else if (flag === '--dir') opts.dir = value;
    else usage(`unknown flag ${flag}`);
  }
  if (!(opts.seconds > 0)) usage('--seconds must be a positive number');
  if (!(opts.entryBytes >= 0) || !Number.isInteger(opts.entryBytes)) usage('--entry-bytes must be a non-negative integer');
  if (opts.writers.some((w) => !Number.isInteger(w) || w < 1)) usage('--writers must be a comma-separated list of positive integers');
  return opts;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function runOne(dir: string, writers: number, seconds: number, entryBytes: number): Promise<string> {
  const disk = new CountingFileSystem(nodeFileSystem);
  const storage = createFileStorage(disk, dir, { logger: () => undefined });
  await storage.recover();
  const start = { ...disk.counts };
  const payload = 'x'.repeat(entryBytes);
  const latencies: number[] = [];
  let next = 1;
  const began = performance.now();
  const deadline = began + seconds * 1000;
  const writer = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const index = next++;
      const t0 = performance.now();
      await storage.save({ term: 1, vote: 'n1', commit: index - 1 }, [{ index, term: 1, kind: 'normal', data: payload }]);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  const elapsed = (performance.now() - began) / 1000;
  await storage.close();
  const fsyncs = disk.counts.fsyncs - start.fsyncs;
  const saved = latencies.length;
  latencies.sort((a, b) => a - b);
  return [
    String(writers).padStart(7),
    Math.round(saved / elapsed).toString().padStart(10),
    Math.round(fsyncs / elapsed).toString().padStart(9),
    (saved / Math.max(1, fsyncs)).toFixed(1).padStart(13),
    percentile(latencies, 50).toFixed(2).padStart(8),
    percentile(latencies, 99).toFixed(2).padStart(8),
    ((disk.counts.appendedBytes - start.appendedBytes) / elapsed / 1e6).toFixed(2).padStart(7),
  ].join(' ');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const root = fs.mkdtempSync(path.join(opts.dir ?? os.tmpdir(), 'raft-storage-bench-'));
  try {
    console.log(`storage bench: ${opts.seconds}s per row, ${opts.entryBytes}-byte entries, one save() per entry, in ${root}`);
    console.log('writers  entries/s  fsyncs/s  entries/fsync  p50 ms   p99 ms    MB/s');
    for (const writers of opts.writers) {
      console.log(await runOne(path.join(root, `w${writers}`), writers, opts.seconds, opts.entryBytes));
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exit(1);
});
