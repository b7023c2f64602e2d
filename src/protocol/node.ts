/**
 * The Maelstrom node runtime: turns input lines into typed messages, handles
 * the `init` handshake, dispatches requests to handlers by `type`, and makes
 * node-to-node RPCs with timeouts. Workloads and the Raft server register
 * handlers on it; they never see raw lines.
 *
 * Invariants this module keeps, whatever the input:
 * - nothing but protocol JSON is written to the network (logs go to env.log);
 * - a bad line or a throwing handler never stops the node;
 * - every request that carries a `msg_id` and cannot be handled gets an error
 *   reply (12 malformed-request, 10 not-supported, 13 crash), otherwise one
 *   log line explains what was dropped.
 */
import { ErrorCode } from './errors';
import type { NodeEnv, TimerHandle } from './env';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json';
import { isObject, parseLine, type Body, type Envelope } from './message';

export type Handler = (request: Envelope) => void;

export interface InitInfo {
  nodeId: string;
  nodeIds: string[];
}

/** Thrown by a handler to answer the request with a definite error. */
export class RequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export class RpcTimeout extends Error {
  constructor(dest: string, type: string, ms: number) {
    super(`RPC ${type} to ${dest} got no reply within ${ms} ms`);
  }
}

interface PendingRpc {
  resolve(body: Body): void;
  reject(error: Error): void;
  timer: TimerHandle;
}

/** Peers may talk to us before our own init arrives (§1.3); keep at most this many. */
const MAX_PRE_INIT_BUFFER = 100_000;

export class MaelstromNode {
  private info: InitInfo | null = null;
  private readonly handlers = new Map<string, Handler>();
  private readonly initListeners: Array<(info: InitInfo) => void> = [];
  private preInit: Envelope[] = [];
  private droppedPreInit = 0;
  private nextMsgId = 1;
  private readonly rpcs = new Map<number, PendingRpc>();

  constructor(private readonly env: NodeEnv) {}

  get nodeId(): string {
    if (!this.info) throw new Error('node is not initialised yet');
    return this.info.nodeId;
  }

  get nodeIds(): readonly string[] {
    if (!this.info) throw new Error('node is not initialised yet');
    return this.info.nodeIds;
  }

  /** Another member of this cluster: it runs our code, unlike clients and Maelstrom's services. */
  isPeer(id: string): boolean {
    return this.info !== null && id !== this.info.nodeId && this.info.nodeIds.includes(id);
  }

  get initialised(): boolean {
    return this.info !== null;
  }

  /** Register the handler for one request type; a type has exactly one owner. */
  on(type: string, handler: Handler): void {
    if (type === 'init') throw new Error('init is handled by the runtime; use onInit');
    if (this.handlers.has(type)) throw new Error(`two handlers for message type "${type}"`);
    this.handlers.set(type, handler);
  }

  /** Called once, after init_ok is sent and before buffered messages are replayed. */
  onInit(listener: (info: InitInfo) => void): void {
    this.initListeners.push(listener);
  }

  /** Entry point for every input line. Never throws. */
  handleLine(line: string): void {
    if (line.trim() === '') return;
    const parsed = parseLine(line);
    if (!parsed.ok) {
      const excerpt = line.length > 200 ? `${line.slice(0, 200)}…` : line;
      if (parsed.replyTo) {
        this.env.send({
          src: this.info?.nodeId ?? parsed.replyTo.dest,
          dest: parsed.replyTo.src,
          body: {
            type: 'error',
            in_reply_to: parsed.replyTo.msgId,
            code: ErrorCode.MalformedRequest,
            text: `malformed message: ${parsed.reason}`,
          },
        });
      }
      this.env.log(`malformed input (${parsed.reason}): ${excerpt}`);
      return;
    }
    this.handleMessage(parsed.message);
  }

  handleMessage(message: Envelope): void {
    const { body } = message;
    if (body.in_reply_to !== undefined) {
      const rpc = this.rpcs.get(body.in_reply_to);
      // Replies to RPCs we no longer wait for (timed out, duplicated) are dropped.
      if (rpc && body.type !== 'init') {
        this.rpcs.delete(body.in_reply_to);
        rpc.timer.cancel();
        rpc.resolve(body);
        return;
      }
      if (!this.handlers.has(body.type)) return;
    }
    if (body.type === 'init') {
      this.handleInit(message);
      return;
    }
    if (!this.info) {
      if (this.preInit.length < MAX_PRE_INIT_BUFFER) this.preInit.push(message);
      else if (this.droppedPreInit++ === 0) this.env.log('pre-init buffer full: dropping messages until init');
      return;
    }
    // Peers run our own code; anyone else's message is bounded before a handler
    // walks it (see MAX_JSON_DEPTH for why a deep value must never get further).
    if (!this.isPeer(message.src) && nestsDeeperThan(body, MAX_JSON_DEPTH)) {
      this.replyError(message, ErrorCode.MalformedRequest, `message nested deeper than ${MAX_JSON_DEPTH} levels`);
      return;
    }
    const handler = this.handlers.get(body.type);
    if (!handler) {
      this.replyError(message, ErrorCode.NotSupported, `unsupported message type "${body.type}"`);
      return;
    }
    try {
      handler(message);
    } catch (e) {
      if (e instanceof RequestError) {
        this.replyError(message, e.code, e.message);
      } else {
        // A bug, not bad input: answer with the indefinite `crash` code, because
        // the handler may already have started the operation.
        this.env.log(`handler for "${body.type}" threw: ${(e as Error).stack ?? String(e)}`);
        this.replyError(message, ErrorCode.Crash, `internal error: ${(e as Error).message}`);
      }
    }
  }

  /** Reply to a request; `body` must have exactly the keys the client's schema allows. */
  reply(request: Envelope, body: Body): void {
    const msgId = request.body.msg_id;
    if (msgId === undefined) return;
    this.env.send({ src: this.replySource(request), dest: request.src, body: { ...body, in_reply_to: msgId } });
  }

  replyError(request: Envelope, code: number, text: string): void {
    if (request.body.msg_id === undefined) {
      this.env.log(`cannot answer ${request.body.type} from ${request.src} (no msg_id): error ${code} ${text}`);
      return;
    }
    this.reply(request, { type: 'error', code, text });
  }

  /** Fire-and-forget message to another node. */
  send(dest: string, body: Body): void {
    this.env.send({ src: this.nodeId, dest, body });
  }

  /** Request/response to another node; rejects with RpcTimeout after `timeoutMs`. */
  rpc(dest: string, body: Body, timeoutMs: number): Promise<Body> {
    const msgId = this.nextMsgId++;
    return new Promise<Body>((resolve, reject) => {
      const timer = this.env.setTimer(timeoutMs, () => {
        this.rpcs.delete(msgId);
        reject(new RpcTimeout(dest, body.type, timeoutMs));
      });
      this.rpcs.set(msgId, { resolve, reject, timer });
      this.send(dest, { ...body, msg_id: msgId });
    });
  }

  private handleInit(message: Envelope): void {
    const { node_id: nodeId, node_ids: nodeIds } = message.body;
    if (typeof nodeId !== 'string' || !Array.isArray(nodeIds) || !nodeIds.every((id) => typeof id === 'string')) {
      this.replyError(message, ErrorCode.MalformedRequest, 'init needs a string node_id and a string array node_ids');
      return;
    }
    if (!nodeIds.includes(nodeId)) {
      this.replyError(message, ErrorCode.MalformedRequest, `node_ids ${JSON.stringify(nodeIds)} lacks node_id ${nodeId}`);
      return;
    }
    if (this.info) {
      // A repeated init (same identity) is answered again; a different identity
      // would silently change cluster membership, so it is refused.
      if (this.info.nodeId !== nodeId || this.info.nodeIds.join() !== (nodeIds as string[]).join()) {
        this.replyError(message, ErrorCode.MalformedRequest, `already initialised as ${this.info.nodeId}`);
        return;
      }
      this.reply(message, { type: 'init_ok' });
      return;
    }
    this.info = { nodeId, nodeIds: [...(nodeIds as string[])] };
    this.reply(message, { type: 'init_ok' });
    for (const listener of this.initListeners) listener(this.info);
    const buffered = this.preInit;
    this.preInit = [];
    if (this.droppedPreInit > 0) this.env.log(`dropped ${this.droppedPreInit} messages that arrived before init`);
    for (const m of buffered) this.handleMessage(m);
  }

  /** Before init we answer as whatever the request was addressed to. */
  private replySource(request: Envelope): string {
    return this.info?.nodeId ?? request.dest;
  }
}

/** Field readers for handlers: a missing or mistyped field is a RequestError(12). */
export function requireField(body: Body, key: string): unknown {
  if (!(key in body) || body[key] === undefined) {
    throw new RequestError(ErrorCode.MalformedRequest, `${body.type} request needs "${key}"`);
  }
  return body[key];
}

export function requireInteger(body: Body, key: string): number {
  const value = requireField(body, key);
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new RequestError(ErrorCode.MalformedRequest, `"${key}" must be an integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function requireArray(body: Body, key: string): unknown[] {
  const value = requireField(body, key);
  if (!Array.isArray(value)) {
    throw new RequestError(ErrorCode.MalformedRequest, `"${key}" must be an array, got ${JSON.stringify(value)}`);
  }
  return value;
}

export { isObject };
