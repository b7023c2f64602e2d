import { Body } from '../protocol/message';
import { NetMessage } from './network';
import { BODY_TEXT_CAP, bodyText } from './pages/body-text';

/**
 * Every message of a run with its send and first delivery time, for
 * messages.html. Recording sits on the network's send/deliver path, so it does
 * as little as possible there: two clock reads and a few typed-array stores
 * per message. Indexed by Maelstrom's message id, which is dense and
 * increases with send time, so the arrays come out sorted.
 *
 * Bodies: holding on to every body object until the end made the garbage
 * collector copy and mark them all (profiled on the router benchmark: +4 % of
 * the runner's CPU). Instead the bodies of each BODY_CHUNK messages are turned
 * into one string as soon as the chunk is full, so the objects die young and
 * the collector sees one flat string per chunk. A message a node wrote needs
 * no serialising at all: its stdout line is already its text (noteLine), and
 * is kept whole, marked with a leading "E" (envelope) for the page to unwrap.
 */

/** Beyond this many messages recording stops (the page says so): bounds memory on very long or very fast runs. */
export const MESSAGE_LOG_CAP = 1_500_000;

const INITIAL_CAPACITY = 1 << 14;
/** Small enough that a chunk's bodies are still young when it is written out (~0.1 ms of work each time). */
export const BODY_CHUNK = 256;

export interface MessageRecords {
  /** Number of message ids covered (some may be holes: hidden ids, never recorded). */
  count: number;
  /** Lane names by index. */
  lanes: readonly string[];
  /** Scheduler ms of the send; NaN for a hole. */
  sendMs: Float64Array;
  /** Scheduler ms of the first delivery; NaN if never delivered (dropped, lost, or in flight at the end). */
  recvMs: Float64Array;
  /** Lane indices; -1 for a hole. */
  src: Int32Array;
  dest: Int32Array;
  /** Delivered more than once (the duplicate fault). */
  duplicated: Uint8Array;
  /** Index into `types` of each body's type. */
  type: Uint16Array;
  types: readonly string[];
  /** Each body as JSON text (bodyText: big ones cut down), or "E" + the node's whole envelope line; one per id; "{}" for holes. */
  bodies: readonly string[];
  /** True when MESSAGE_LOG_CAP was reached and later messages are missing. */
  truncated: boolean;
}

export class MessageLog {
  private cap = INITIAL_CAPACITY;
  private sendMs: Float64Array = new Float64Array(INITIAL_CAPACITY).fill(NaN);
  private recvMs: Float64Array = new Float64Array(INITIAL_CAPACITY).fill(NaN);
  private src: Int32Array = new Int32Array(INITIAL_CAPACITY).fill(-1);
  private dest: Int32Array = new Int32Array(INITIAL_CAPACITY).fill(-1);
  private duplicated: Uint8Array = new Uint8Array(INITIAL_CAPACITY);
  private type: Uint16Array = new Uint16Array(INITIAL_CAPACITY);
  private readonly typeIndex = new Map<string, number>();
  private readonly types: string[] = [];
  /** Bodies (or their nodes' stdout lines) of ids chunkStart .. chunkStart + BODY_CHUNK - 1, not yet text. */
  private pending: (Body | string | undefined)[] = [];
  /** The stdout line the next send's body was parsed from (noteLine), recognised by the body object itself. */
  private line = '';
  private lineBody: Body | null = null;
  private chunkStart = 0;
  /** One string per finished chunk: BODY_CHUNK body texts joined by newlines. */
  private readonly chunks: string[] = [];
  private readonly laneIndex = new Map<string, number>();
  private readonly lanes: string[] = [];
  private count = 0;
  private truncated = false;
  /** Ids whose messages are not part of the test (the live view's probes). */
  private readonly hidden = new Set<string>();

  constructor(
    private readonly now: () => number,
    private readonly limit = MESSAGE_LOG_CAP,
  ) {}

  /** Never record messages from or to `id` (live-view probe clients: not part of the test). */
  hide(id: string): void {
    this.hidden.add(id);
  }

  /**
   * A node's stdout line and the body parsed from it, just before it is sent:
   * the line is the message's text for free. Matched by object identity, so a
   * line whose send fails validation is never attached to another message.
   */
  noteLine(line: string, body: Body): void {
    this.line = line;
    this.lineBody = body;
  }

  /** Network onSend hook. */
  send(m: NetMessage): void {
    const id = m.id;
    if (id >= this.limit) {
      this.truncated = true;
      return;
    }
    if (this.hidden.size > 0 && (this.hidden.has(m.src) || this.hidden.has(m.dest))) return;
    if (id >= this.cap) this.grow(id + 1);
    this.sendMs[id] = this.now();
    this.src[id] = this.lane(m.src);
    this.dest[id] = this.lane(m.dest);
    this.type[id] = this.typeOf(m.body);
    while (id >= this.chunkStart + BODY_CHUNK) this.flushChunk();
    if (m.body === this.lineBody) {
      this.pending[id - this.chunkStart] = this.line;
      this.lineBody = null;
    } else this.pending[id - this.chunkStart] = m.body;
    if (id >= this.count) this.count = id + 1;
  }

  /** Network onRecv hook: the first delivery counts; a second one marks a duplicate. */
  recv(m: NetMessage): void {
    const id = m.id;
    if (id >= this.count || this.src[id] < 0) return;
    if (Number.isNaN(this.recvMs[id])) this.recvMs[id] = this.now();
    else this.duplicated[id] = 1;
  }

  size(): number {
    return this.count;
  }

  records(): MessageRecords {
    const n = this.count;
    while (this.chunkStart < n) this.flushChunk();
    const bodies: string[] = [];
    for (const c of this.chunks) for (const line of c.split('\n')) bodies.push(line);
    bodies.length = Math.min(bodies.length, n);
    return {
      count: n,
      lanes: this.lanes,
      sendMs: this.sendMs.subarray(0, n),
      recvMs: this.recvMs.subarray(0, n),
      src: this.src.subarray(0, n),
      dest: this.dest.subarray(0, n),
      duplicated: this.duplicated.subarray(0, n),
      type: this.type.subarray(0, n),
      types: this.types,
      bodies,
      truncated: this.truncated,
    };
  }

  private flushChunk(): void {
    const texts = new Array<string>(BODY_CHUNK);
    for (let i = 0; i < BODY_CHUNK; i++) {
      const p = this.pending[i];
      texts[i] = typeof p === 'string' ? envelopeText(p) : bodyText(p);
    }
    this.chunks.push(texts.join('\n'));
    this.pending = [];
    this.chunkStart += BODY_CHUNK;
  }

  private typeOf(body: Body): number {
    const t = typeof body.type === 'string' ? body.type : '?';
    // A run has a handful of types: comparing short strings beats hashing each freshly parsed one (profiled).
    const types = this.types;
    for (let k = 0; k < types.length && k < 32; k++) if (types[k] === t) return k;
    return intern(types, this.typeIndex, t);
  }

  private lane(id: string): number {
    return intern(this.lanes, this.laneIndex, id);
  }

  /** Doubling keeps the amortised cost per message constant. */
  private grow(needed: number): void {
    let cap = this.cap;
    while (cap < needed) cap *= 2;
    const widenF = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap).fill(NaN);
      b.set(a);
      return b;
    };
    const widenI = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap).fill(-1);
      b.set(a);
      return b;
    };
    this.sendMs = widenF(this.sendMs);
    this.recvMs = widenF(this.recvMs);
    this.src = widenI(this.src);
    this.dest = widenI(this.dest);
    const d = new Uint8Array(cap);
    d.set(this.duplicated);
    this.duplicated = d;
    const t = new Uint16Array(cap);
    t.set(this.type);
    this.type = t;
    this.cap = cap;
  }
}

/** A node's line as the page stores it: "E" + the envelope, unless too big, then the cut-down body. */
function envelopeText(line: string): string {
  if (line.length < BODY_TEXT_CAP) return 'E' + line;
  try {
    const env = JSON.parse(line) as { body?: Body | null };
    return bodyText(env.body ?? undefined);
  } catch {
    return '{}';
  }
}

/** The index of `key` in `list`, appending it (and recording it in `index`) the first time. */
function intern(list: string[], index: Map<string, number>, key: string): number {
  let i = index.get(key);
  if (i === undefined) {
    i = list.length;
    list.push(key);
    index.set(key, i);
  }
  return i;
}
