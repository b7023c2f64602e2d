/**
 * Maelstrom's error codes (resources/errors.edn in Maelstrom; see
 * docs/maelstrom.md §1.4), in one table.
 *
 * "Definite" means the operation certainly did not take effect and never will.
 * A client (Maelstrom's, or our runner's) turns a definite error into a `fail`
 * and an indefinite one into an `info`; returning a definite code for an
 * operation that might still happen is how a node gets caught by Knossos/Elle.
 */
export const ErrorCode = {
  Timeout: 0,
  NodeNotFound: 1,
  NotSupported: 10,
  TemporarilyUnavailable: 11,
  MalformedRequest: 12,
  Crash: 13,
  Abort: 14,
  KeyDoesNotExist: 20,
  KeyAlreadyExists: 21,
  PreconditionFailed: 22,
  TxnConflict: 30,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorInfo {
  readonly code: number;
  /** Maelstrom's keyword for the code, e.g. `key-does-not-exist`. */
  readonly name: string;
  readonly definite: boolean;
}

const TABLE: readonly ErrorInfo[] = [
  { code: 0, name: 'timeout', definite: false },
  { code: 1, name: 'node-not-found', definite: true },
  { code: 10, name: 'not-supported', definite: true },
  { code: 11, name: 'temporarily-unavailable', definite: true },
  { code: 12, name: 'malformed-request', definite: true },
  { code: 13, name: 'crash', definite: false },
  { code: 14, name: 'abort', definite: true },
  { code: 20, name: 'key-does-not-exist', definite: true },
  { code: 21, name: 'key-already-exists', definite: true },
  { code: 22, name: 'precondition-failed', definite: true },
  { code: 30, name: 'txn-conflict', definite: true },
];

const BY_CODE = new Map<number, ErrorInfo>(TABLE.map((e) => [e.code, e]));

/**
 * What a code means. Unknown codes, custom codes (>= 1000) and non-integers are
 * `unknown` and indefinite, exactly as Maelstrom's client treats them.
 */
export function errorInfo(code: unknown): ErrorInfo {
  if (typeof code === 'number' && Number.isInteger(code)) {
    const known = BY_CODE.get(code);
    if (known) return known;
  }
  return { code: typeof code === 'number' ? code : -1, name: 'unknown', definite: false };
}

export function isDefinite(code: unknown): boolean {
  return errorInfo(code).definite;
}

export const ALL_ERRORS: readonly ErrorInfo[] = TABLE;
