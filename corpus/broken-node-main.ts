/**
 * Test-only entry point: our node with deliberately broken rules, bundled by
 * corpus/build.ts to dist/test/raft-node-broken.js. Never shipped:
 * dist/raft-node.js is bundled from src/server/main.ts and has no way to set
 * these switches (test/corpus/build.test.ts checks the bundle).
 *
 *   dist/test/raft-node-broken.js --broken skip-log-up-to-date-check [--broken NAME ...] [node options]
 *
 * NAME is one of the simulator's switches (src/sim/broken-switches.ts);
 * every other argument goes to the node's own option parser.
 */
import { BROKEN_SWITCHES } from '../src/sim/broken-switches';
import type { BrokenSwitches } from '../src/sim/config';
import { runNode } from '../src/server/run-node';

export class BrokenUsageError extends Error {}

export interface BrokenArgs {
  switches: BrokenSwitches;
  names: string[];
  /** Everything that is not --broken, in order, for the node's parser. */
  nodeArgv: string[];
}

export function parseBrokenArgs(argv: readonly string[]): BrokenArgs {
  const switches: BrokenSwitches = {};
  const names: string[] = [];
  const nodeArgv: string[] = [];
  const choices = Object.keys(BROKEN_SWITCHES).join(', ');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--broken') {
      const name = argv[++i];
      if (name === undefined) throw new BrokenUsageError(`--broken needs a switch name; choose from ${choices}`);
      const set = BROKEN_SWITCHES[name];
      if (!set) throw new BrokenUsageError(`--broken: unknown switch "${name}"; choose from ${choices}`);
      set(switches);
      names.push(name);
    } else {
      nodeArgv.push(arg);
    }
  }
  return { switches, names, nodeArgv };
}

function main(argv: readonly string[]): void {
  let args: BrokenArgs;
  try {
    args = parseBrokenArgs(argv);
  } catch (e) {
    if (e instanceof BrokenUsageError) {
      process.stderr.write(`raft-node-broken: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  if (args.nodeArgv.includes('--help') || args.nodeArgv.includes('-h')) {
    process.stdout.write(
      `raft-node-broken: TEST BUILD. --broken NAME (repeatable) breaks one rule: ${Object.keys(BROKEN_SWITCHES).join(', ')}\n\n`,
    );
  } else if (args.names.length > 0) {
    process.stderr.write(`raft-node-broken: broken switches: ${args.names.join(', ')}\n`);
  }
  runNode(args.nodeArgv, { server: args.switches.server, raft: args.switches.raft });
}

if (require.main === module) main(process.argv.slice(2));
