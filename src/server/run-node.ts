/**
 * The node's process wiring, shared by the production entry point
 * (src/server/main.ts, bundled to dist/raft-node.js) and the test-only broken
 * build (corpus/broken-node-main.ts): parse flags, wire the real environment,
 * stdin and storage, run until stdin closes (exit 0 at once) or SIGTERM (a
 * graceful leave, server.leave(), then exit 0).
 */
import * as path from 'path';
import { randomBytes } from 'crypto';
import { CoalescingWriter, readLines } from '../protocol/stdio';
import type { TestingFaults } from '../raft';
import { openFileStorage, openMemoryStorage } from '../storage';
import { createNodeWorkloads } from '../../workloads/node-registry';
import { HELP, parseOptions, UsageError, type ServerOptions } from './options';
import { processEnv } from './process-env';
import { RaftServer, type ServerTestingFaults } from './server';

/** Deliberately broken rules; only the test build sets them. */
export interface NodeTestingFaults {
  server?: ServerTestingFaults;
  raft?: TestingFaults;
}

export function runNode(argv: readonly string[], faults: NodeTestingFaults = {}): void {
  process.setSourceMapsEnabled(true);
  let options: ServerOptions | 'help';
  try {
    options = parseOptions(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`raft-node: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  if (options === 'help') {
    process.stdout.write(HELP);
    return;
  }
  const opts = options;
  const stdout = new CoalescingWriter(process.stdout);
  let label = '-';
  const env = processEnv(stdout, () => label);
  const server = new RaftServer({
    env,
    options: opts,
    workloads: createNodeWorkloads(),
    // 64 random bits: a restarted node whose incarnation equalled an earlier one's
    // would be handed that incarnation's stored results for its own new requests.
    incarnation: randomBytes(8).toString('hex'),
    openStorage: (nodeId) => {
      label = nodeId;
      return opts.dataDir ? openFileStorage(path.join(opts.dataDir, nodeId)) : openMemoryStorage();
    },
    testingFaults: faults.server,
    raftTestingFaults: faults.raft,
  });

  process.on('uncaughtException', (e) => {
    // Reached only through a bug (bad input is answered, never thrown): a
    // replica whose invariants broke must stop rather than serve wrong answers.
    env.log(`FATAL: ${e.stack ?? String(e)}`);
    stdout.flush();
    process.exit(70);
  });

  // Graceful leave ("not ready"): refuse new requests, hand leadership over,
  // answer what is owed, make storage durable, exit 0 (1 if storage could not
  // be flushed). A second SIGTERM changes nothing; SIGKILL still ends it at once.
  process.on('SIGTERM', () => {
    void server.leave().then(
      (durable) => {
        env.log(durable ? 'leave: done, exiting 0' : 'leave: storage not flushed, exiting 1');
        stdout.flush();
        process.exit(durable ? 0 : 1);
      },
      (e: unknown) => {
        env.log(`FATAL: leave failed: ${(e as Error).stack ?? String(e)}`);
        stdout.flush();
        process.exit(70);
      },
    );
  });

  readLines(
    process.stdin,
    (line) => server.handleLine(line),
    () => {
      server.stop();
      stdout.flush();
      process.exit(0);
    },
  );
}
