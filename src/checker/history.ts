/**
 * The operation history shared by the runner, the simulator and the checkers.
 * One event per line in `history.jsonl` (docs/history-format.md),
 * Jepsen's shape: every client operation is an `invoke` followed by exactly
 * one completion (`ok`, `fail` or `info`) on the same process, unless the test
 * ended first (an invoke without completion is treated like `info`).
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/** Client processes are integers; the nemesis is the string "nemesis". */
export type Process = number | 'nemesis';

export interface HistoryOp {
  /** Position in the history, 0-based, dense. */
  index: number;
  /** Nanoseconds since the start of the test. */
  time: number;
  type: OpType;
  process: Process;
  /** `read`/`write`/`cas` (lin-kv), `txn`, `echo`, `generate`, `start-partition`, ... */
  f: string;
  /**
   * lin-kv: `[key, v]` for read/write (a read's invoke has v = null),
   * `[key, [from, to]]` for cas. txn: micro-op list `[["r", k, v], ["append", k, v]]`.
   */
  value: unknown;
  /** Completions that failed: `[name, text]` like Jepsen's `:error`, or a string. */
  error?: unknown;
  /** Optional extras the runner records (the node that served the op, ...). */
  [extra: string]: unknown;
}

/** A checker's verdict. `unknown` is never allowed to mean "valid". */
export type Validity = true | false | 'unknown';

/**
 * Every checker returns at least `valid`; everything else is checker-specific
 * and goes verbatim into results.json (and, with `valid` renamed `valid?`, into
 * results.edn).
 */
export interface CheckResult {
  valid: Validity;
  [detail: string]: unknown;
}

/** Combine verdicts the way Jepsen's `compose` does: false > unknown > true. */
export function mergeValidity(verdicts: Iterable<Validity>): Validity {
  let merged: Validity = true;
  for (const v of verdicts) {
    if (v === false) return false;
    if (v === 'unknown') merged = 'unknown';
  }
  return merged;
}
