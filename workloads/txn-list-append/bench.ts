import { checkListAppend } from '../../src/checker/list-append';
import { txnFinalReads } from '../../src/runner/final-reads';
import { BenchWorkload } from '../../src/runner/workload';
import { ElleTxnGenerator, TXN_TIMEOUT_MS, txnCompletion, txnRequest, validateTxnOptions } from './bench-elle';

export const txnListAppendBench: BenchWorkload = {
  name: 'txn-list-append',
  idempotent: new Set(),
  reusableClient: true,
  fs: ['txn'],
  validate: (_n, _c, options) => validateTxnOptions(options),
  timeoutMs: () => TXN_TIMEOUT_MS,
  generator: (ctx) => new ElleTxnGenerator(ctx, 'append'),
  request: txnRequest,
  replySchema: () => ({ type: 'txn_ok', required: ['txn'] }),
  completion: (_op, reply) => txnCompletion(reply, ['r', 'append'], true),
  check: (history, ctx) => checkListAppend(history, { consistencyModels: ctx.options.consistencyModels }),
  finalReads: (history) => txnFinalReads(history),
};
