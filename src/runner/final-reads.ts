import { HistoryOp } from '../checker/history';
import { isMissingKey } from '../checker/missing-keys';
import { NetClient } from './client';
import { HistoryRecorder } from './history-recorder';
import { Grudge, Network } from './network';
import { completeGrudge } from './partitions';
import { mapOutcome } from './outcome';
import { Rng } from './rng';
import { Scheduler } from './scheduler';
import { BenchWorkload, FinalRead, WorkloadOptions } from './workload';

/**
 * Extension --final-reads (Jepsen's final-read pattern): after the client
 * phase every fault is healed, the cluster gets FINAL_READ_RECOVERY_MS to
 * recover, then one reader per node reads every key the history touched,
 * retrying until it gets an ok (or a definite "key does not exist") or
 * FINAL_READ_BOUND_MS have passed since the first final read. The reads are
 * ordinary client ops in the history (marked `final: true`), so the checkers
 * see them: an acknowledged write that the cluster lost shows up as a final
 * read that no order of operations explains.
 */

/** Wait after the heal before the first final read, ms. */
export const FINAL_READ_RECOVERY_MS = 2000;
/**
 * Extension --final-rotations: how long the likely leader is cut off before
 * each later round of final reads (several election timeouts, so the rest
 * elect someone else), and the wait after the heal before the round, ms.
 */
export const ROTATION_ISOLATE_MS = 2000;
export const ROTATION_RECOVERY_MS = 1000;
/** No final read is invoked this long after the first one, ms. */
export const FINAL_READ_BOUND_MS = 10_000;
/** Pause between a failed final read and its retry, ms. */
export const FINAL_READ_RETRY_MS = 100;

const isClientOp = (op: HistoryOp): boolean => typeof op.process === 'number' && op.final !== true;

function sortKeys(keys: Iterable<unknown>): unknown[] {
  const byJson = new Map<string, unknown>();
  for (const k of keys) byJson.set(JSON.stringify(k), k);
  return [...byJson.values()].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0,
  );
}

/** lin-kv: one `read` per key any client op used; warn for keys with an acknowledged write or cas. */
export function linKvFinalReads(history: readonly HistoryOp[]): FinalRead[] {
  const keys: unknown[] = [];
  const acked = new Set<string>();
  for (const op of history) {
    if (!isClientOp(op) || !Array.isArray(op.value) || op.value.length < 1) continue;
    const k = op.value[0];
    if (op.type === 'invoke') keys.push(k);
    if (op.type === 'ok' && (op.f === 'write' || op.f === 'cas')) acked.add(JSON.stringify(k));
  }
  return sortKeys(keys).map((k) => ({
    label: `key ${JSON.stringify(k)}`,
    op: { f: 'read', value: [k, null] },
    warnIfNeverOk: acked.has(JSON.stringify(k)),
  }));
}

/**
 * txn-list-append / txn-rw-register: ONE read-only transaction of every key
 * any transaction touched (`["r", k, null]` each; Elle accepts any length).
 */
export function txnFinalReads(history: readonly HistoryOp[]): FinalRead[] {
  const keys: unknown[] = [];
  let ackedWrites = false;
  for (const op of history) {
    if (!isClientOp(op) || !Array.isArray(op.value)) continue;
    for (const mop of op.value) {
      if (!Array.isArray(mop) || mop.length !== 3) continue;
      if (op.type === 'invoke') keys.push(mop[1]);
      if (op.type === 'ok' && mop[0] !== 'r') ackedWrites = true;
    }
  }
  const sorted = sortKeys(keys);
  if (sorted.length === 0) return [];
  return [{ label: `txn reading all ${sorted.length} keys`, op: { f: 'txn', value: sorted.map((k) => ['r', k, null]) }, warnIfNeverOk: ackedWrites }];
}

/**
 * One leader rotation between rounds of final reads (a step of the leader
 * tour). Why: every node's reads are served by whoever leads, so one round of
 * final reads only shows the leader's state machine. A replica that applied a
 * different command at some index (a follower that kept a conflicting suffix,
 * an ex-leader that applied entries nobody committed, two leaders in one term)
 * goes unseen until it leads. The cut isolates the likely leader and, as long
 * as the rest remain a majority that can elect, nodes that already served a
 * round (`led`, in the order `rng` shuffles them): with 5 nodes the next leader
 * is always a new one until three have served; with 3 only the leader can be
 * cut, so a node that led before may win again.
 */
export function rotationCut(leader: string, led: ReadonlySet<string>, nodes: readonly string[], rng: Rng): Grudge {
  const maxCut = Math.floor((nodes.length - 1) / 2);
  const cut = [leader];
  for (const n of rng.shuffle([...led].filter((x) => x !== leader && nodes.includes(x)).sort())) if (cut.length < maxCut) cut.push(n);
  return completeGrudge([cut, nodes.filter((n) => !cut.includes(n))]);
}

export interface FinalReaderOptions {
  scheduler: Scheduler;
  network: Network;
  workload: BenchWorkload;
  options: WorkloadOptions;
  history: HistoryRecorder;
  nodes: readonly string[];
  /** Process id of the first reader (node i's reader starts at firstProcess + i; after an info, + N). */
  firstProcess: number;
  allocateClientId(): string;
  /**
   * Every client the readers open is pushed here and left open: the caller
   * closes them once no more reads will be sent. A node may answer a read
   * after its reader gave up or finished, and a reply to a closed client
   * mutes the node (spec §1.1), which would blind every later round.
   */
  openClients: NetClient[];
  boundMs?: number;
  log(line: string): void;
}

export interface FinalReadReport {
  /** Labels of the reads no node answered ok. */
  neverOk: string[];
  /** Labels of the reads no node answered definitely (ok, or "does not exist") within the bound. */
  unanswered: string[];
  attempts: number;
  ok: number;
}

/** Run the final reads through every node at once; resolves when every reader is done. */
export function runFinalReads(o: FinalReaderOptions, reads: readonly FinalRead[]): Promise<FinalReadReport> {
  const deadline = o.scheduler.now() + (o.boundMs ?? FINAL_READ_BOUND_MS);
  const okLabels = new Set<string>();
  /** Reads some node answered definitely (ok, or "key does not exist"). */
  const answered = new Set<string>();
  const report: FinalReadReport = { neverOk: [], unanswered: [], attempts: 0, ok: 0 };
  return new Promise((resolve) => {
    let running = o.nodes.length;
    const finishOne = (): void => {
      if (--running > 0) return;
      for (const r of reads) {
        if (okLabels.has(r.label)) continue;
        report.neverOk.push(r.label);
        if (answered.has(r.label)) continue;
        report.unanswered.push(r.label);
        o.log(`WARN final reads: no node answered the final read of ${r.label} within ${o.boundMs ?? FINAL_READ_BOUND_MS} ms`);
      }
      resolve(report);
    };
    if (reads.length === 0 || running === 0) {
      running = 1;
      finishOne();
      return;
    }
    o.nodes.forEach((node, i) => {
      let process = o.firstProcess + i;
      let client: NetClient | null = null;
      let next = 0;
      const done = (): void => {
        client = null;
        finishOne();
      };
      const attempt = (): void => {
        if (next >= reads.length || o.scheduler.now() >= deadline) return done();
        const read = reads[next];
        if (!client) {
          client = new NetClient(o.allocateClientId(), o.network, o.scheduler);
          client.open();
          o.openClients.push(client);
        }
        const p = process;
        report.attempts++;
        o.history.record('invoke', p, read.op.f, read.op.value, { node, final: true });
        client.call(node, o.workload.request(read.op), o.workload.timeoutMs(o.options), (result) => {
          const c = mapOutcome(o.workload, read.op, result);
          const extra: Record<string, unknown> = { node, final: true };
          if (c.error !== undefined) extra.error = c.error;
          if (c.exception !== undefined) extra.exception = c.exception;
          o.history.record(c.type, p, read.op.f, c.value, extra);
          if (c.type === 'ok') {
            report.ok++;
            okLabels.add(read.label);
            answered.add(read.label);
            next++;
            if (read.warnIfNeverOk && o.workload.name === 'lin-kv' && Array.isArray(c.value) && c.value[1] === null) {
              o.log(`WARN final reads: ${node} read ${read.label} as nil although a write to it was acknowledged`);
            }
            return void o.scheduler.defer(attempt);
          }
          if (c.type === 'fail' && isMissingKey(c.error)) {
            // A definite answer: the key does not exist here. The checker cannot see it (a missing key is not a read),
            // so say it loudly when a write to the key was acknowledged.
            if (read.warnIfNeverOk) o.log(`WARN final reads: ${node} says ${read.label} does not exist although a write to it was acknowledged (lost write?)`);
            answered.add(read.label);
            next++;
            return void o.scheduler.defer(attempt);
          }
          if (c.type === 'info') {
            // A fresh process after an indeterminate result, as the interpreter does; a fresh client unless reusable.
            process += o.nodes.length;
            // A client that is not reusable is replaced, not closed (see openClients).
            if (!o.workload.reusableClient) client = null;
          }
          o.scheduler.after(FINAL_READ_RETRY_MS, attempt);
        });
      };
      o.scheduler.defer(attempt);
    });
  });
}
