/**
 * What the server needs from a workload (the node side of workloads/<name>/).
 *
 * A *local* workload answers on the node that received the request (echo,
 * unique-ids). A *replicated* workload is a deterministic state machine fed by
 * the Raft log: the same committed commands give the same state and the same
 * replies on every replica, which is what lets any replica answer the client.
 */
import type { Body, Envelope, Json } from '../protocol/message';
import type { MaelstromNode } from '../protocol/node';

export interface LocalContext {
  node: MaelstromNode;
  /** Differs between two runs of the same node id (restarts), e.g. for unique ids. */
  incarnation: string;
}

export interface LocalWorkload {
  kind: 'local';
  name: string;
  requestTypes: readonly string[];
  /** Answer the request; throw RequestError for a definite error. */
  handle(request: Envelope, context: LocalContext): void;
}

/** A request validated and turned into a state machine command. */
export interface ParsedCommand {
  command: Json;
  /** Read-only commands are served through ReadIndex, never through the log. */
  readOnly: boolean;
}

/**
 * A reply body produced by a state machine: an `*_ok` body with exactly the
 * keys Maelstrom's schema allows (no in_reply_to: the server adds it), or an
 * error body with a definite code.
 */
export type ReplyBody = Body;

export interface StateMachine {
  /** Apply a committed command; must be deterministic. */
  apply(command: Json): ReplyBody;
  /** Answer a read-only command from current state without changing it. */
  query(command: Json): ReplyBody;
  snapshot(): Json;
  restore(snapshot: Json): void;
}

export interface ReplicatedWorkload {
  kind: 'replicated';
  name: string;
  requestTypes: readonly string[];
  /** Validate a request; throw RequestError(12 malformed-request) on bad input. */
  parse(body: Body): ParsedCommand;
  createStateMachine(): StateMachine;
}

export type NodeWorkload = LocalWorkload | ReplicatedWorkload;
