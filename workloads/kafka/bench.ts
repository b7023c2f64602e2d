import { BenchWorkload, OpGenerator, OpSpec } from '../../src/runner/workload';
import { DEFAULT_RPC_TIMEOUT_MS } from '../../src/runner/mix-generator';
import { checkKafka } from './checker';
import { KafkaClient } from './client';
import { KafkaFinalGenerator, KafkaGenerator } from './generator';

/** Maelstrom clips kafka's final polls to 10 s: a node that lost data must not stall the test forever. */
export const KAFKA_FINAL_BOUND_MS = 10_000;

/**
 * Maelstrom's kafka workload: send / poll / assign / crash ops through a
 * stateful client (client.ts) that speaks send, poll, commit_offsets and
 * list_committed_offsets; generator.ts for the ops, checker.ts for the verdict.
 */
export const kafkaBench: BenchWorkload = {
  name: 'kafka',
  // with-errors #{:assign}: only assign's timeouts and errors are fail.
  idempotent: new Set(['assign']),
  // Maelstrom's kafka Client is Reusable with reusable? false: after an info (every crash) a fresh client.
  reusableClient: false,
  fs: ['send', 'poll', 'assign', 'crash'],
  // jepsen.tests.kafka/stats-checker: crash ops are always info, so their missing ok does not count.
  statsExempt: ['crash', 'debug-topic-partitions'],
  validate: (_n, _c, options) => (options.keyCount >= 1 && options.maxWritesPerKey >= 1 ? null : '--key-count and --max-writes-per-key must be >= 1'),
  timeoutMs: () => DEFAULT_RPC_TIMEOUT_MS,
  generator: (ctx) => new KafkaGenerator(ctx),
  finalGenerator: (ctx, main: OpGenerator) => new KafkaFinalGenerator(ctx, main instanceof KafkaGenerator ? main.seen : new Map()),
  finalBoundMs: KAFKA_FINAL_BOUND_MS,
  openClient: () => new KafkaClient(kafkaBench),
  // The stateful client builds its own requests; these describe the single-RPC shape for diagnostics only.
  request: (op: OpSpec) => ({ type: op.f }),
  replySchema: (op) => ({ type: `${op.f}_ok`, required: [] }),
  completion: (op) => ({ ok: true, value: op.value }),
  check: (history) => checkKafka(history),
};
