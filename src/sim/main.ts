/**
 * Entry point of the simulator: parse flags, run the swarm (or one seed),
 * print one line per failing seed with its replay command, write the failing
 * history and trace, print the speed figures. The only place in src/sim that
 * touches the file system, the wall clock and process.exit.
 */
import * as fs from 'fs';
import * as path from 'path';
import { describeConfig, type SimConfig } from './config';
import { parseSimArgs, replayCommand, SIM_HELP, UsageError, type SimArgs } from './cli';
import { historyText, runSwarm, sameOutcome } from './swarm';
import type { SimResult } from './simulate';

function writeArtifacts(dir: string, result: SimResult, replayOk: boolean | null, command: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'history.jsonl'), historyText(result));
  writeLines(path.join(dir, 'trace.txt'), result.trace);
  const lines = [
    `seed ${result.config.seed} workload ${result.config.workload}`,
    `config: ${describeConfig(result.config)}`,
    `replay: ${command}`,
    replayOk === null ? '' : `replayed identically: ${replayOk}`,
    `verdict: ${result.failures.length === 0 ? 'PASS' : 'FAIL'}`,
    ...result.failures.map((f) => `failure: ${f}`),
    `check: ${JSON.stringify(result.check).slice(0, 4000)}`,
    `liveness: ${JSON.stringify(result.liveness)}`,
    `stats: ${JSON.stringify(result.stats)}`,
    `full config: ${JSON.stringify(result.config)}`,
  ].filter((l) => l !== '');
  fs.writeFileSync(path.join(dir, 'result.txt'), lines.join('\n') + '\n');
}

/** Traces of long runs exceed the largest string V8 can build: write them in chunks. */
function writeLines(file: string, lines: readonly string[]): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (let i = 0; i < lines.length; i += 10_000) fs.writeSync(fd, lines.slice(i, i + 10_000).join('\n') + '\n');
  } finally {
    fs.closeSync(fd);
  }
}

function artifactDir(args: SimArgs, config: SimConfig): string {
  return path.join(args.outDir, `${config.workload}-seed-${config.seed}`);
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed: SimArgs | 'help';
  try {
    parsed = parseSimArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`maelstrom-sim: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (parsed === 'help') {
    process.stdout.write(SIM_HELP);
    return 0;
  }
  const args = parsed;
  const wallClock = (): number => Number(process.hrtime.bigint()) / 1e6;
  let done = 0;
  let failed = 0;
  const total = args.seeds * args.workloads.length;
  const summary = await runSwarm({
    workloads: args.workloads,
    firstSeed: args.firstSeed,
    seeds: args.seeds,
    overrides: args.overrides,
    wallClock,
    traceAll: args.single,
    onResult: (result, replay) => {
      done++;
      const c = result.config;
      const command = replayCommand(c.workload, c.seed, args.shapingFlags);
      if (result.failures.length > 0) {
        failed++;
        const replayOk = replay !== null && sameOutcome(result, replay);
        const dir = artifactDir(args, c);
        writeArtifacts(dir, replay ?? result, replayOk, command);
        process.stdout.write(
          `FAIL ${c.workload} seed ${c.seed}: ${result.failures[0].slice(0, 300)}` +
            `${result.failures.length > 1 ? ` (+${result.failures.length - 1} more)` : ''}\n` +
            `     config: ${describeConfig(c)}\n` +
            `     replay: ${command}   (artifacts: ${dir}; replayed identically: ${replayOk})\n`,
        );
      } else if (args.single) {
        const dir = artifactDir(args, c);
        writeArtifacts(dir, result, null, command);
        process.stdout.write(`PASS ${c.workload} seed ${c.seed} (${describeConfig(c)}); history in ${dir}\n`);
      }
      if (!args.quiet && !args.single && done % 50 === 0) {
        process.stderr.write(`... ${done}/${total} runs, ${`${failed} failed so far`}\n`);
      }
    },
  });
  const wallS = summary.wallMs / 1000;
  process.stdout.write(
    `${summary.runs} runs (${args.seeds} seeds x ${args.workloads.join(',')}), ${summary.failures} failed; ` +
      `${summary.clientOps} client ops, ${(summary.virtualMs / 1000).toFixed(1)} virtual s in ${wallS.toFixed(1)} wall s: ` +
      `${(summary.clientOps / wallS).toFixed(0)} ops/s, ${(summary.virtualMs / 1000 / wallS).toFixed(1)} virtual s per wall s\n`,
  );
  return summary.failures > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`maelstrom-sim: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(3);
  },
);
