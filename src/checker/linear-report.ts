/**
 * The explanation of a non-linearizable register: the op no linearization
 * could get past, the ops concurrent with it (the smallest window that has no
 * linearization given what came before), and the register states the search
 * was in when it got stuck there.
 */
import { Process } from './history';
import { show } from './values';

export interface WindowOp {
  index: number;
  process: Process;
  f: string;
  value: unknown;
  outcome: 'ok' | 'info' | 'fail';
  invokeTime: number | null;
  completeTime: number | null;
  invokeIndex: number;
  completeIndex: number | null;
}

export interface LinearizabilityFailure {
  /** The op that could not be linearized (null only if the search gave no witness). */
  op: WindowOp | null;
  /** Ops whose interval overlaps it. */
  concurrent: WindowOp[];
  /** Last consistent states: register value, and which window ops were already linearized. */
  states: { value: unknown; linearizedInWindow: number[] }[];
  /** Set when the op is impossible for a reason simpler than the search (e.g. a value nobody wrote). */
  reason?: string;
}

export function describeOp(op: WindowOp): string {
  let what: string;
  if (op.f === 'read') what = `read ${show(op.value)}`;
  else if (op.f === 'write') what = `write ${show(op.value)}`;
  else if (op.f === 'cas' && Array.isArray(op.value)) what = `cas ${show(op.value[0])} -> ${show(op.value[1])}`;
  else what = `${op.f} ${show(op.value)}`;
  const end = op.completeIndex === null ? 'never completed (info)' : `completed at #${op.completeIndex}`;
  return `#${op.invokeIndex} process ${op.process} ${what} (${op.outcome}; invoked at #${op.invokeIndex}, ${end})`;
}

function whyImpossible(op: WindowOp, state: unknown): string {
  if (op.f === 'read') return `cannot read ${show(op.value)} from register ${show(state)}`;
  if (op.f === 'cas' && Array.isArray(op.value)) return `cannot cas from ${show(op.value[0])} when the register is ${show(state)}`;
  return `not allowed in state ${show(state)}`;
}

export function describeFailure(f: LinearizabilityFailure): string {
  if (!f.op) return 'not linearizable: no linearization of the first operations exists';
  const lines: string[] = [];
  lines.push('Not linearizable. This operation could not be linearized:');
  lines.push(`  ${describeOp(f.op)}`);
  if (f.concurrent.length) {
    lines.push('Operations concurrent with it:');
    for (const c of f.concurrent) lines.push(`  ${describeOp(c)}`);
  } else {
    lines.push('No operation was concurrent with it.');
  }
  if (f.reason) {
    lines.push(`It is impossible: ${f.reason}.`);
    return lines.join('\n');
  }
  lines.push('The search reached it only in these states (a sample, one per register value), in none of which it is legal:');
  for (const s of f.states) {
    const lin = s.linearizedInWindow.length ? `after linearizing ${s.linearizedInWindow.map((i) => `#${i}`).join(', ')} from the window` : 'before any op of the window took effect';
    lines.push(`  register = ${show(s.value)} (${lin}): ${whyImpossible(f.op, s.value)}`);
  }
  return lines.join('\n');
}
