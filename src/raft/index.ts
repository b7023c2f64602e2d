/**
 * The Raft consensus core: pure, deterministic, no IO. See node.ts for the
 * durability contract and the ready()/advance() protocol.
 */
export * from './types';
export { RaftNode } from './node';
export { RaftInvariantError, RaftUsageError } from './errors';
export type { Membership } from './membership';
export { decodeMembership, encodeMembership, membershipProblem, sameMembership, snapshotMeta } from './membership';
