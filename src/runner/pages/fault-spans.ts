import { HistoryOp } from '../../checker/history';

/**
 * Nemesis faults as time spans, for messages.html: which fault, from when to
 * when (history ns), which nodes it hit and, for partitions, the grudge (who
 * drops whose messages). A fault that changes shape while active
 * (partition-shift replacing its cut) becomes one span per shape, so the
 * shading shows the cut that was really in force.
 */
export interface FaultSpan {
  kind: string;
  label: string;
  fromNs: number;
  toNs: number;
  /** Nodes the fault acts on (killed, paused, slowed, cut off). */
  nodes: string[];
  /** receiver -> senders it drops, for partitions. */
  cut: Record<string, string[]> | null;
}

interface Open {
  kind: string;
  label: string;
  fromNs: number;
  nodes: string[];
  cut: Record<string, string[]> | null;
}

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}

function grudgeOf(x: unknown): Record<string, string[]> | null {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return null;
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) if (isStringArray(v)) out[k] = v;
  return out;
}

/** What a start step's result says about its targets: ["isolated", grudge], ["killed", nodes], ["slowed", nodes], {node: ...}. */
function targets(result: unknown): { nodes: string[]; cut: Record<string, string[]> | null } {
  if (Array.isArray(result) && result.length === 2 && typeof result[0] === 'string') {
    const [what, detail] = result as [string, unknown];
    if (what === 'isolated') {
      const cut = grudgeOf(detail);
      return { nodes: cut ? Object.keys(cut).filter((k) => cut[k].length > 0) : [], cut };
    }
    if (isStringArray(detail)) return { nodes: detail, cut: null };
    if (typeof detail === 'string') return { nodes: [detail], cut: null };
  }
  if (typeof result === 'object' && result !== null && !Array.isArray(result)) {
    const node = (result as Record<string, unknown>).node;
    if (typeof node === 'string') return { nodes: [node], cut: null };
  }
  return { nodes: [], cut: null };
}

function short(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

export function faultSpans(history: readonly HistoryOp[], endNs: number): FaultSpan[] {
  const open = new Map<string, Open>();
  const spans: FaultSpan[] = [];
  // The nemesis records each step twice (the step, then its result); the result carries the targets.
  const pendingStep = new Map<string, { value: unknown; time: number }>();
  const close = (o: Open, at: number): void => {
    spans.push({ kind: o.kind, label: o.label, fromNs: o.fromNs, toNs: Math.max(o.fromNs, at), nodes: o.nodes, cut: o.cut });
  };
  for (const op of history) {
    if (op.process !== 'nemesis') continue;
    const m = /^(start|stop)-(.+)$/.exec(op.f);
    if (!m) continue;
    const [, phase, kind] = m;
    if (phase === 'stop') {
      const o = open.get(kind);
      if (o) {
        close(o, op.time);
        open.delete(kind);
      }
      pendingStep.delete(kind);
      continue;
    }
    const step = pendingStep.get(kind);
    if (!step) {
      pendingStep.set(kind, { value: op.value, time: op.time });
      continue;
    }
    pendingStep.delete(kind);
    const value = step.value;
    const t = targets(op.value);
    // A cut reads better as who cannot hear whom than as the list of every node it touches.
    const cutText = t.cut ? Object.entries(t.cut).filter(([, from]) => from.length > 0).map(([to, from]) => `${to} hears no ${from.join(',')}`).join('; ') : '';
    const on = cutText !== '' ? `: ${cutText}` : t.nodes.length ? `on ${t.nodes.join(',')}` : '';
    const label = [kind, short(value), on].filter((s) => s !== '').join(' ').replace(' :', ':');
    const prev = open.get(kind);
    if (prev) close(prev, op.time);
    open.set(kind, { kind, label, fromNs: prev ? op.time : step.time, nodes: t.nodes, cut: t.cut });
  }
  for (const o of open.values()) close(o, endNs);
  return spans.sort((a, b) => a.fromNs - b.fromNs);
}
