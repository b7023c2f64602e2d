import { HistoryOp } from '../../checker/history';
import { SERVICE_IDS } from '../services';
import { MessageRecords } from '../message-log';
import { faultSpans } from './fault-spans';

/**
 * The data messages.html embeds, in a form the browser decodes fast: one flat
 * number array of five integers per message (send time as a delta from the
 * previous send, latency, source lane, destination lane, body type), all in
 * microseconds since history time 0, and the bodies as JSON text, one per
 * line, parsed only when the page needs one (hover, labels).
 */

export type LaneKind = 'node' | 'service' | 'client';

export interface MessagesData {
  title: string;
  /** Lane names, in display order. */
  lanes: string[];
  kinds: LaneKind[];
  types: string[];
  /** Number of messages. */
  n: number;
  /** Send time of the first message, µs. */
  t0: number;
  /** [send delta µs, latency µs or -1 if never delivered, src lane, dest lane, type index] per message. */
  m: number[];
  /** Indices (into the page's messages) delivered more than once. */
  dup: number[];
  /** Maelstrom message ids, only when they differ from the indices (hidden probe messages left holes). */
  ids: number[] | null;
  faults: { kind: string; label: string; from: number; to: number; nodes: string[]; cut: Record<string, string[]> | null }[];
  /** End of the run, µs. */
  end: number;
  truncated: boolean;
}

export interface MessagesPage {
  data: MessagesData;
  /** One JSON body per line, in message order; a line starting with "E" is a whole envelope instead (its body is the one). */
  bodies: string;
}

function laneOrder(names: readonly string[], nodes: readonly string[]): number[] {
  const rank = (name: string): [number, number, string] => {
    const ni = nodes.indexOf(name);
    if (ni >= 0) return [0, ni, name];
    if ((SERVICE_IDS as readonly string[]).includes(name)) return [1, 0, name];
    const num = /^c(\d+)$/.exec(name);
    return [2, num ? Number(num[1]) : Number.MAX_SAFE_INTEGER, name];
  };
  const idx = names.map((_, i) => i);
  return idx.sort((a, b) => {
    const ra = rank(names[a]);
    const rb = rank(names[b]);
    return ra[0] - rb[0] || ra[1] - rb[1] || (ra[2] < rb[2] ? -1 : ra[2] > rb[2] ? 1 : 0);
  });
}

function kindOf(name: string, nodes: readonly string[]): LaneKind {
  if (nodes.includes(name)) return 'node';
  if ((SERVICE_IDS as readonly string[]).includes(name)) return 'service';
  return 'client';
}

export interface MessagesInput {
  title: string;
  records: MessageRecords;
  history: readonly HistoryOp[];
  nodes: readonly string[];
  /** Scheduler ms of history time 0. */
  originMs: number;
  /** End of the run, history ns. */
  endNs: number;
}

export function messagesPage(input: MessagesInput): MessagesPage {
  const r = input.records;
  // Every node gets a lane, even one that never sent or received anything (it crashed before init, say).
  const names = [...r.lanes, ...input.nodes.filter((n) => !r.lanes.includes(n))];
  const order = laneOrder(names, input.nodes);
  const laneAt = new Int32Array(names.length);
  order.forEach((orig, pos) => (laneAt[orig] = pos));
  const typeIndex = new Map<string, number>();
  const types: string[] = [];
  const m: number[] = [];
  const dup: number[] = [];
  const ids: number[] = [];
  const bodies: string[] = [];
  let holes = false;
  let prevUs = 0;
  let t0 = 0;
  let n = 0;
  const us = (ms: number): number => Math.round((ms - input.originMs) * 1000);
  for (let id = 0; id < r.count; id++) {
    if (r.src[id] < 0) {
      holes = true;
      continue;
    }
    const type = r.types[r.type[id]];
    let ti = typeIndex.get(type);
    if (ti === undefined) {
      ti = types.length;
      types.push(type);
      typeIndex.set(type, ti);
    }
    const sent = us(r.sendMs[id]);
    if (n === 0) t0 = prevUs = sent;
    const recv = r.recvMs[id];
    m.push(sent - prevUs, Number.isNaN(recv) ? -1 : Math.max(0, us(recv) - sent), laneAt[r.src[id]], laneAt[r.dest[id]], ti);
    prevUs = sent;
    if (r.duplicated[id]) dup.push(n);
    ids.push(id);
    bodies.push(r.bodies[id]);
    n++;
  }
  const faults = faultSpans(input.history, input.endNs).map((f) => ({
    kind: f.kind,
    label: f.label,
    from: Math.round(f.fromNs / 1000),
    to: Math.round(f.toNs / 1000),
    nodes: f.nodes,
    cut: f.cut,
  }));
  return {
    data: {
      title: input.title,
      lanes: order.map((i) => names[i]),
      kinds: order.map((i) => kindOf(names[i], input.nodes)),
      types,
      n,
      t0,
      m,
      dup,
      ids: holes ? ids : null,
      faults,
      end: Math.max(Math.round(input.endNs / 1000), prevUs),
      truncated: r.truncated,
    },
    bodies: bodies.join('\n'),
  };
}
