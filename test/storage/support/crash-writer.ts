/**
 * Child process for the real-process crash test: recovers a storage directory,
 * then writes a seeded random workload through openFileStorage as fast as it
 * can, printing "ack <n>" on stdout after the n-th call's promise resolves.
 * The test SIGKILLs it at a random instant.
 *
 *   node -r ./test/support/register.js test/storage/support/crash-writer.ts DIR SEED
 */
import { openFileStorage } from '../../../src/storage';
import { Prng } from './prng';
import { ExpectedLog, issue, nextBurst } from './workload';

async function main(): Promise<void> {
  const [dir, seedText] = process.argv.slice(2);
  const seed = Number(seedText);
  if (!dir || !Number.isSafeInteger(seed)) {
    process.stderr.write('usage: crash-writer.ts DIR SEED\n');
    process.exit(2);
  }
  const storage = openFileStorage(dir, undefined, {
    logger: (line) => process.stderr.write(`${line}\n`),
    segmentBytes: 32 * 1024,
  });
  const model = ExpectedLog.from(await storage.recover());
  const rng = new Prng(seed);
  process.stdout.write('ready\n');
  let n = 0;
  for (;;) {
    const calls = nextBurst(rng, model, true).map((op) => {
      const k = n++;
      return issue(storage, op).then(() => void process.stdout.write(`ack ${k}\n`));
    });
    await Promise.all(calls);
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`crash-writer: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
