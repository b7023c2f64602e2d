import { checkRwRegister } from '../../src/checker/rw-register';
import { txnFinalReads } from '../../src/runner/final-reads';
import { BenchWorkload } from '../../src/runner/workload';
import { ElleTxnGenerator, TXN_TIMEOUT_MS, txnCompletion, txnRequest, validateTxnOptions } from '../txn-list-append/bench-elle';

export const txnRwRegisterBench: BenchWorkload = {
  name: 'txn-rw-register',
  idempotent: new Set(),
  reusableClient: true,
  fs: ['txn'],
  validate: (_n, _c, options) => validateTxnOptions(options),
  timeoutMs: () => TXN_TIMEOUT_MS,
  generator: (ctx) => new ElleTxnGenerator(ctx, 'w'),
  request: txnRequest,
  replySchema: () => ({ type: 'txn_ok', required: ['txn'] }),
  completion: (_op, reply) => txnCompletion(reply, ['r', 'w'], false),
  check: (history, ctx) => checkRwRegister(history, { consistencyModels: ctx.options.consistencyModels }),
  finalReads: (history) => txnFinalReads(history),
};
