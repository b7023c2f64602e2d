import { CheckResult, HistoryOp } from '../checker/history';
import { Body } from '../protocol/message';
import type { RpcResult } from './client';
import type { Completion } from './outcome';
import { Rng } from './rng';

/**
 * The bench side of a workload (one per folder under workloads/). Everything
 * here is pure: the interpreter asks the generator for operations, builds
 * request bodies, validates replies and maps them to history values; the
 * checker turns a history into a verdict. The real runner and the
 * deterministic simulator drive the same objects.
 */
export interface OpSpec {
  f: string;
  value: unknown;
  /** Extra op fields recorded on the invocation, as Jepsen keeps them (kafka's `seek-to-beginning?`). */
  attrs?: Record<string, unknown>;
}

/** A worker that may take an operation now, with its current process id. */
export interface FreeWorker {
  thread: number;
  process: number;
}

/** Maelstrom's lin-kv value range: (rand-int 5). */
export const LIN_KV_VALUE_COUNT = 5;

export interface WorkloadOptions {
  /** Active keys for txn workloads (Elle default 10). */
  keyCount: number;
  maxTxnLength: number;
  maxWritesPerKey: number;
  /**
   * lin-kv: values are drawn from [0, valueCount). Maelstrom uses 5; with so few
   * values a lost or stale write often reads the same as a concurrent one, so
   * the hunt sometimes draws more (a lost write then has nowhere to hide).
   */
  valueCount?: number;
  consistencyModels: string[];
  /** --latency in ms (lin-kv's timeout scales with it). */
  latencyMs: number;
  /** --topology (broadcast): Maelstrom's topology name, default grid. */
  topology?: string;
}

export interface GeneratorContext {
  nodeCount: number;
  concurrency: number;
  rng: Rng;
  options: WorkloadOptions;
  /** Ms since some fixed origin, for generators that emit ops on a clock (kafka's client crashes). */
  now?: () => number;
}

/** One request through the worker's network client and its outcome. */
export type Rpc = (body: Record<string, unknown>) => Promise<RpcResult>;

/**
 * A stateful Maelstrom client for workloads whose invoke! makes several RPCs
 * or keeps state between ops (kafka: poll offsets, poll + commit). Opened with
 * the worker's network client, and replaced with it after an info unless
 * the workload's client is reusable.
 */
export interface WorkloadClient {
  invoke(op: OpSpec, rpc: Rpc): Promise<Completion>;
}

export interface OpGenerator {
  /**
   * Choose an operation for one of `free` (ordered by the interpreter's
   * round-robin rotation), or null when none of them may run one now.
   */
  next(free: readonly FreeWorker[]): { thread: number; op: OpSpec; pauseMs?: number } | null;
  /**
   * Jepsen's generator `update`: told every completion of an op this generator
   * handed out (kafka's generator tracks offsets it has seen). Optional.
   */
  update?(thread: number, completion: HistoryOp): void;
}

/** The closed response schema of an `*_ok` reply (spec §1.5). */
export interface ReplySchema {
  type: string;
  /** Keys that must be present besides `type` and `in_reply_to`. */
  required: readonly string[];
}

/** One final read (extension --final-reads): issued through every node after the client phase. */
export interface FinalRead {
  /** For warnings, e.g. `key 3`. */
  label: string;
  op: OpSpec;
  /** The key had an acknowledged write: warn when a node says it does not exist (the checker cannot see that). */
  warnIfNeverOk: boolean;
}

export type ValueCheck = { ok: true; value: unknown } | { ok: false; reason: string };

export interface CheckContext {
  options: WorkloadOptions;
}

export interface BenchWorkload {
  readonly name: string;
  /** A stateful client per worker instead of request/replySchema/completion (kafka). */
  openClient?(options: WorkloadOptions): WorkloadClient;
  /** Ops whose timeouts and errors are always `fail` (spec §4.5). */
  readonly idempotent: ReadonlySet<string>;
  /**
   * Jepsen's client/Reusable: a reusable client survives an `info` (same
   * `c` id); otherwise the worker closes it and opens a fresh one for its
   * next process (spec §4.2/§4.6).
   */
  readonly reusableClient: boolean;
  /** Every `f` the workload issues; `:stats` requires an ok for each. */
  readonly fs: readonly string[];
  /** A reason the configuration cannot run, or null. */
  validate(nodeCount: number, concurrency: number, options: WorkloadOptions): string | null;
  timeoutMs(options: WorkloadOptions): number;
  generator(ctx: GeneratorContext): OpGenerator;
  /** The request body, without `msg_id` (the client numbers its requests). */
  request(op: OpSpec): Record<string, unknown>;
  replySchema(op: OpSpec): ReplySchema;
  /** Check the reply's values and build the completion's history value. */
  completion(op: OpSpec, reply: Body): ValueCheck;
  check(history: HistoryOp[], ctx: CheckContext): CheckResult;
  /**
   * Extension --final-reads: the reads that cover every key the history
   * touched (Jepsen's final-read pattern). Absent: the workload has none.
   */
  finalReads?(history: readonly HistoryOp[], options: WorkloadOptions): FinalRead[];
  /**
   * Maelstrom's :final-generator. When present, after the time limit the
   * nemesis heals, the runner waits out the recovery time (Maelstrom: 10 s),
   * then the workers run this generator's ops (no stagger, history marks them
   * `final: true`) until it offers nothing while every worker is idle, or its
   * bound passes. `main` is the client phase's generator (kafka's final polls
   * aim at the offsets it saw).
   */
  finalGenerator?(ctx: GeneratorContext, main: OpGenerator): OpGenerator;
  /** An upper bound on the final phase in ms (kafka: Maelstrom's 10 s time-limit); absent = none. */
  finalBoundMs?: number;
  /**
   * Jepsen's client setup!: one request per node through that node's setup
   * client before the client phase (broadcast's `topology`). A timeout or an
   * error reply aborts the run, as a throwing setup! does in Jepsen.
   */
  setupRequest?(node: string, nodes: readonly string[], options: WorkloadOptions): { body: Record<string, unknown>; replyType: string } | null;
  /**
   * True when Maelstrom's client for this workload has no `with-errors`: every
   * error reply and timeout is an exception in the client, so an `info` (even a
   * definite error code), never a `fail`.
   */
  readonly rawErrors?: boolean;
  /** fs whose `:stats` entry may lack an ok without invalidating the test (kafka's stats-checker: crash). */
  readonly statsExempt?: readonly string[];
}
