/**
 * The one place where node-side workloads are registered. The node serves all
 * of them at once: Maelstrom never tells a node which workload it is running,
 * it just sends requests whose `type` names the operation.
 */
import type { NodeWorkload } from '../src/server/workload';
import { echoWorkload } from './echo/node';
import { linKvWorkload } from './lin-kv/node';
import { txnWorkload } from './txn/engine';
import { appendMicroOp } from './txn-list-append/node';
import { writeMicroOp } from './txn-rw-register/node';
import { uniqueIdsWorkload } from './unique-ids/node';

export function createNodeWorkloads(): NodeWorkload[] {
  return [echoWorkload, uniqueIdsWorkload(), linKvWorkload, txnWorkload([appendMicroOp, writeMicroOp])];
}
