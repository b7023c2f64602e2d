import { BenchWorkload } from '../src/runner/workload';
import { broadcastBench } from './broadcast/bench';
import { echoBench } from './echo/bench';
import { gCounterBench } from './g-counter/bench';
import { gSetBench } from './g-set/bench';
import { kafkaBench } from './kafka/bench';
import { linKvBench } from './lin-kv/bench';
import { pnCounterBench } from './pn-counter/bench';
import { txnListAppendBench } from './txn-list-append/bench';
import { txnRwRegisterBench } from './txn-rw-register/bench';
import { uniqueIdsBench } from './unique-ids/bench';

/** Workloads the local runner can drive, by Maelstrom's `-w` name. */
export const BENCH_WORKLOADS: ReadonlyMap<string, BenchWorkload> = new Map(
  [linKvBench, txnListAppendBench, txnRwRegisterBench, echoBench, uniqueIdsBench, broadcastBench, gSetBench, gCounterBench, pnCounterBench, kafkaBench].map((w) => [w.name, w]),
);

/** Maelstrom workloads we do not drive (yet); named in the error message for -w. Empty: we drive all ten. */
export const MAELSTROM_ONLY_WORKLOADS: readonly string[] = [];
