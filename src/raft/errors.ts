/**
 * Thrown when an internal Raft invariant is violated (commit going backwards,
 * log matching broken on append, ...). Such a replica must stop: continuing
 * could acknowledge or apply something unsafe.
 */
export class RaftInvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RaftInvariantError';
  }
}

/** Thrown when the caller breaks the API contract (ready() twice without advance(), bad config, ...). */
export class RaftUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RaftUsageError';
  }
}

export function invariant(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new RaftInvariantError(message());
}
