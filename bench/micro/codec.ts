/**
 * Message encode/decode on the node's hot path: a client request parsed, a
 * reply encoded, a Raft AppendEntries envelope (one batch of log commands)
 * encoded and decoded, a log command encoded and decoded.
 *
 *   node -r ./test/support/register.js bench/micro/codec.ts [--quick] [--json]
 */
import { encodeEnvelope, parseLine, type Body, type Envelope } from '../../src/protocol/message';
import { decodeLogCommand, encodeLogCommand, type LogCommand } from '../../src/server/log-command';
import * as wire from '../../src/server/wire';
import type { Entry, Message } from '../../src/raft';
import { microMain, timeIt, type MicroOptions, type MicroResult } from './harness';

/** Shapes as they appear in a lin-kv run (origin = node id + incarnation, small keys and values). */
function logCommand(seq: number): LogCommand {
  return { origin: 'n1:5f3a9c01', seq, low: seq - 3, workload: 'lin-kv', command: { op: 'cas', key: seq % 10, from: 1, to: 4, create: false } };
}

/**
 * The peer-body decoder, whichever name src/server/wire.ts gives it: the node's
 * peer wire format was being reworked while this benchmark was written
 * (`decodeRaftBody` became `decodePeerBody`), and the benchmark should measure
 * whichever the bundle runs. Both take a body and return `{ok, ...}`.
 */
type PeerDecoder = (body: Body) => { ok: boolean };
function peerDecoder(): PeerDecoder {
  const exports = wire as unknown as Record<string, unknown>;
  const fn = exports.decodePeerBody ?? exports.decodeRaftBody;
  if (typeof fn !== 'function') throw new Error('src/server/wire.ts exports neither decodePeerBody nor decodeRaftBody; update bench/micro/codec.ts');
  return fn as PeerDecoder;
}

function appendEnvelope(batch: number): Envelope {
  const entries: Entry[] = Array.from({ length: batch }, (_, i) => ({ index: 1000 + i, term: 3, kind: 'normal', data: encodeLogCommand(logCommand(500 + i)) }));
  const append: Message = { type: 'append', from: 'n0', to: 'n1', term: 3, prevIndex: 999, prevTerm: 3, entries, commit: 990 };
  // The wire shape both versions of src/server/wire.ts produce: {type: "raft", ms: [...]}.
  return { src: 'n0', dest: 'n1', body: { type: 'raft', ms: [append] } };
}

export function runCodec(o: MicroOptions): MicroResult[] {
  const out: MicroResult[] = [];
  const decodePeer = peerDecoder();
  const add = (name: string, unit: string, fn: () => unknown, bytes?: number): void => {
    const t = timeIt(fn, 1, o);
    const extra = bytes !== undefined ? { bytes, 'MB/s': Math.round((t.opsPerSec * bytes) / 1e5) / 10 } : undefined;
    out.push({ group: 'codec', name, unit, ...t, extra });
  };
  const request = '{"id":4711,"src":"c7","dest":"n0","body":{"type":"cas","key":3,"from":1,"to":4,"msg_id":17}}';
  add('parse client request line (cas)', 'msg', () => parseLine(request), request.length);
  const reply: Envelope = { src: 'n0', dest: 'c7', body: { type: 'cas_ok', in_reply_to: 17 } };
  add('encode reply envelope (cas_ok)', 'msg', () => encodeEnvelope(reply));
  for (const batch of [1, 8, 64]) {
    const env = appendEnvelope(batch);
    const line = encodeEnvelope(env);
    add(`encode AppendEntries envelope, ${batch} entries`, 'msg', () => encodeEnvelope(env), line.length);
    add(`parse + decode AppendEntries envelope, ${batch} entries`, 'msg', () => {
      const parsed = parseLine(line);
      if (!parsed.ok) throw new Error(parsed.reason);
      const decoded = decodePeer(parsed.message.body);
      if (!decoded.ok) throw new Error('the peer body did not decode');
      return decoded;
    }, line.length);
  }
  const cmd = logCommand(42);
  const data = encodeLogCommand(cmd);
  add('encode log command', 'cmd', () => encodeLogCommand(cmd), data.length);
  add('decode log command', 'cmd', () => decodeLogCommand(data), data.length);
  return out;
}

if (require.main === module) microMain(runCodec);
