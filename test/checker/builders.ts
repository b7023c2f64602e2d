/**
 * Small builders for hand-written histories. A history is described as a list
 * of events; `concurrent` ops are all invoked first then completed in order,
 * `seq` ops one after another.
 */
import { HistoryOp, OpType } from '../../src/checker/history';

export interface OpSpec {
  process: number;
  f: string;
  /** Invocation value. */
  invoke: unknown;
  /** Completion value (defaults to the invocation value). */
  complete?: unknown;
  type?: Exclude<OpType, 'invoke'>;
}

export class HistoryBuilder {
  readonly events: HistoryOp[] = [];

  private push(type: OpType, process: number, f: string, value: unknown): void {
    const index = this.events.length;
    this.events.push({ index, time: index * 1000, type, process, f, value });
  }

  invoke(process: number, f: string, value: unknown): this {
    this.push('invoke', process, f, value);
    return this;
  }

  complete(process: number, type: Exclude<OpType, 'invoke'>, f: string, value: unknown): this {
    this.push(type, process, f, value);
    return this;
  }

  /** One op from invocation to completion, nothing else in between. */
  op(s: OpSpec): this {
    this.invoke(s.process, s.f, s.invoke);
    this.complete(s.process, s.type ?? 'ok', s.f, s.complete === undefined ? s.invoke : s.complete);
    return this;
  }

  /** All ops invoked, then all completed in the given order: pairwise concurrent. */
  concurrent(specs: OpSpec[]): this {
    for (const s of specs) this.invoke(s.process, s.f, s.invoke);
    for (const s of specs) this.complete(s.process, s.type ?? 'ok', s.f, s.complete === undefined ? s.invoke : s.complete);
    return this;
  }

  build(): HistoryOp[] {
    return this.events.map((e) => ({ ...e }));
  }
}

type Mop = [string, unknown, unknown];

/** A txn op spec: invocation has reads as nil, completion as given. */
export function txn(process: number, mops: Mop[], type: Exclude<OpType, 'invoke'> = 'ok'): OpSpec {
  const inv = mops.map(([f, k, v]) => [f, k, f === 'r' ? null : v]);
  return { process, f: 'txn', invoke: inv, complete: type === 'ok' ? mops : inv, type };
}
