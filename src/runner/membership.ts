import { majority } from './partitions';
import { Rng } from './rng';

/**
 * The `membership` nemesis (extension): its step logic as pure functions, so
 * the choices can be tested without a cluster. The package that sends the
 * requests is in nemesis.ts (membershipPackage).
 *
 * The admin protocol (README.md "Admin protocol"):
 *   raft_status -> raft_status_ok {role, term, leader, commit, applied, voters, learners}
 *   raft_reconfigure {voters, learners} -> raft_reconfigure_ok {voters, learners}
 *     once the final configuration is committed; errors 12 (malformed),
 *     11 (definite: nothing changed), 0 (indefinite), 10 (not supported).
 * A node in neither list is "removed": it keeps running, its id never changes.
 */

/** A cluster configuration as the runner believes it: both lists in the runner's node order. */
export interface Membership {
  voters: string[];
  learners: string[];
}

export type MembershipChangeKind = 'remove' | 'add-learner' | 'promote';

/** One step of one node's life: remove a voter -> add it back as a learner -> promote it. */
export interface MembershipChange {
  kind: MembershipChangeKind;
  /** The node whose role changes. */
  node: string;
  /** The whole configuration to ask for. */
  next: Membership;
}

/** Removal never leaves fewer voters than this when the cluster has at least this many nodes. */
export const MIN_VOTERS = 3;

/** How long the fault waits for raft_reconfigure's answer (joint consensus: two commits, maybe an election in between). */
export const MEMBERSHIP_TIMEOUT_MS = 5000;
/** How long it waits for each node's raft_status when it (re-)learns the configuration. */
export const MEMBERSHIP_STATUS_TIMEOUT_MS = 1000;

function inOrder(ids: Iterable<string>, nodes: readonly string[]): string[] {
  const set = new Set(ids);
  return nodes.filter((n) => set.has(n));
}

/** Nodes in neither list (node order). */
export function removedNodes(config: Membership, nodes: readonly string[]): string[] {
  const member = new Set([...config.voters, ...config.learners]);
  return nodes.filter((n) => !member.has(n));
}

/** Whether a majority of `voters` is neither killed nor paused. */
export function majorityAlive(voters: readonly string[], down: ReadonlySet<string>): boolean {
  return voters.length > 0 && voters.filter((v) => !down.has(v)).length >= majority(voters.length);
}

/**
 * The change the next step asks for, or null when none is safe now (the step
 * is skipped). The configuration decides which part of a node's life comes
 * next, so the cycle resumes after a re-learned configuration too:
 *  - a learner exists: promote it (the first in node order);
 *  - else a removed node exists: add it back as a learner;
 *  - else remove a random voter, only with at least MIN_VOTERS nodes, never
 *    below MIN_VOTERS voters.
 * Every change needs a majority alive (not killed, not paused) in the old AND
 * the new voter set: joint consensus commits with both.
 */
export function nextMembershipChange(config: Membership, nodes: readonly string[], down: ReadonlySet<string>, rng: Rng, minVoters = MIN_VOTERS): MembershipChange | null {
  const voters = inOrder(config.voters, nodes);
  const learners = inOrder(config.learners, nodes);
  if (!majorityAlive(voters, down)) return null;
  if (learners.length > 0) {
    const x = learners[0];
    const next = { voters: inOrder([...voters, x], nodes), learners: learners.filter((l) => l !== x) };
    return majorityAlive(next.voters, down) ? { kind: 'promote', node: x, next } : null;
  }
  const removed = removedNodes({ voters, learners }, nodes);
  if (removed.length > 0) {
    const x = removed[0];
    return { kind: 'add-learner', node: x, next: { voters, learners: inOrder([...learners, x], nodes) } };
  }
  if (nodes.length < minVoters || voters.length - 1 < minVoters) return null;
  const candidates = voters.filter((x) => majorityAlive(voters.filter((v) => v !== x), down));
  if (candidates.length === 0) return null;
  const x = rng.pick(candidates);
  return { kind: 'remove', node: x, next: { voters: voters.filter((v) => v !== x), learners } };
}

const isIdList = (v: unknown, nodes: readonly string[]): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string' && nodes.includes(x));

/** A configuration from a reply's voters/learners (learners optional), or null if it is not one over `nodes`. */
export function parseMembership(body: Record<string, unknown>, nodes: readonly string[]): Membership | null {
  const learners = body.learners === undefined ? [] : body.learners;
  if (!isIdList(body.voters, nodes) || body.voters.length === 0 || !isIdList(learners, nodes)) return null;
  if (learners.some((l) => (body.voters as string[]).includes(l))) return null;
  return { voters: inOrder(body.voters, nodes), learners: inOrder(learners, nodes) };
}

export interface LearnedMembership extends Membership {
  from: string;
  term: number;
}

/**
 * Re-learning: of the raft_status answers (null: none in time), the one from
 * a node that says it is leader with the highest term wins (ties: node order);
 * null when no node says leader (the configuration stays unknown).
 */
export function pickLearned(answers: ReadonlyArray<{ node: string; reply: Record<string, unknown> | null }>, nodes: readonly string[]): LearnedMembership | null {
  let best: LearnedMembership | null = null;
  for (const node of nodes) {
    const reply = answers.find((a) => a.node === node)?.reply;
    if (!reply || reply.type !== 'raft_status_ok' || reply.role !== 'leader' || typeof reply.term !== 'number') continue;
    const config = parseMembership(reply, nodes);
    if (config === null) continue;
    if (best === null || reply.term > best.term) best = { ...config, from: node, term: reply.term };
  }
  return best;
}

/** What an answer to raft_reconfigure means for the runner's view. */
export interface ReconfigureOutcome {
  /** The stop-membership result. */
  result: unknown;
  /**
   * ok: the configuration is `config`; definite: nothing changed (keep the
   * view); indefinite: the change may or may not happen (re-learn);
   * unsupported: the node does not speak the protocol (stop asking).
   */
  kind: 'ok' | 'definite' | 'indefinite' | 'unsupported';
  config?: Membership;
}

/**
 * 12 (malformed) is definite too, but it means the runner's view and the
 * node's disagree (an id it does not know), so it re-learns as after an
 * indefinite answer; unknown codes and unexpected replies count as indefinite.
 */
export function reconfigureOutcome(reply: Record<string, unknown> | null, requested: Membership, nodes: readonly string[]): ReconfigureOutcome {
  if (reply === null) return { result: 'timeout', kind: 'indefinite' };
  if (reply.type === 'raft_reconfigure_ok') {
    const config = parseMembership(reply, nodes) ?? requested;
    return { result: ['ok', { voters: config.voters, learners: config.learners }], kind: 'ok', config };
  }
  if (reply.type === 'error') {
    if (reply.code === 10) return { result: 'not-supported', kind: 'unsupported' };
    const result = ['error', reply.code ?? null, reply.text ?? null];
    return { result, kind: reply.code === 11 ? 'definite' : 'indefinite' };
  }
  return { result: ['unexpected', reply.type ?? null], kind: 'indefinite' };
}
