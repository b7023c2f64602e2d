/**
 * Knossos-equivalent linearizability checking for Maelstrom's lin-kv workload
 * (docs/maelstrom.md §5.1): a compare-and-set register per key,
 * initial value nil, checked key by key (Horn & Kroening's P-compositionality:
 * a history is linearizable iff each per-key sub-history is).
 */
import { CheckResult, HistoryOp, mergeValidity, Validity } from './history';
import { errorMessage, Operation, pairOperations } from './ops';
import { RegisterKind, RegisterOp, searchRegister } from './wgl';
import { show, ValueInterner, valueKey } from './values';
import { describeFailure, LinearizabilityFailure, WindowOp } from './linear-report';
import { renderFailureSvg } from './linear-svg';
import { defaultClock } from './clock';

export { renderFailureSvg } from './linear-svg';
export type { LinearizabilityFailure, WindowOp } from './linear-report';

export interface RegisterCheckOptions {
  /** Wall-clock budget; exceeding it yields `unknown`. Default 10 000 ms. */
  budgetMs?: number;
  /** Deterministic budget in explored configurations; exceeding it yields `unknown`. */
  maxSteps?: number;
  /** Milliseconds clock (injected for tests); defaults to the process's monotonic clock. */
  now?: () => number;
}

const DEFAULT_BUDGET_MS = 10_000;

/** An op of one register, already reduced to its value (no key). */
interface RegisterEvent {
  op: Operation;
  value: unknown;
}

/**
 * Checks one register. `events` are this register's client operations in
 * invocation order, `value` being the bare register value (write v, cas
 * [from, to], read v).
 */
function checkOneRegister(events: RegisterEvent[], opts: RegisterCheckOptions): CheckResult {
  const interner = new ValueInterner();
  // Event positions: calls and returns of this register only, renumbered so
  // that "concurrent" is judged on this key's own events.
  const positions: number[] = [];
  for (const e of events) {
    positions.push(e.op.invokeIndex);
    if (Number.isFinite(e.op.completeIndex)) positions.push(e.op.completeIndex);
  }
  const included: RegisterEvent[] = [];
  const regOps: RegisterOp[] = [];
  let failCount = 0;
  let unconstrainedReads = 0;
  for (const e of events) {
    const { op } = e;
    if (op.outcome === 'fail') { failCount++; continue; }
    let kind: RegisterKind;
    let a = 0;
    let b = 0;
    if (op.f === 'write') {
      kind = RegisterKind.Write;
      a = interner.id(e.value);
    } else if (op.f === 'cas') {
      if (!Array.isArray(e.value) || e.value.length !== 2) {
        return { valid: 'unknown', error: `cas op at index ${op.invokeIndex} has value ${show(e.value)}; expected [from, to]` };
      }
      kind = RegisterKind.Cas;
      a = interner.id(e.value[0]);
      b = interner.id(e.value[1]);
    } else if (op.f === 'read') {
      // A read that did not complete ok, or read nil, constrains nothing
      // (Knossos' cas-register treats a nil read as always legal).
      if (op.outcome !== 'ok' || e.value === null || e.value === undefined) { unconstrainedReads++; continue; }
      kind = RegisterKind.Read;
      a = interner.id(e.value);
    } else {
      return { valid: 'unknown', error: `unsupported register op f=${JSON.stringify(op.f)} at index ${op.invokeIndex}; expected read, write or cas` };
    }
    included.push(e);
    regOps.push({ kind, a, b, call: op.invokeIndex, ret: op.completeIndex, mustHappen: op.outcome === 'ok' });
  }

  // Shortcut: an ok read of a value that no write or cas of this key could
  // have produced (nor the initial nil) is impossible in every order. Without
  // it, proving that would mean exhausting the whole search space.
  const producible = new Set<number>([0]);
  for (const o of regOps) if (o.kind === RegisterKind.Write) producible.add(o.a); else if (o.kind === RegisterKind.Cas) producible.add(o.b);
  let impossible = -1;
  regOps.forEach((o, i) => {
    const needs = o.kind === RegisterKind.Write ? -1 : o.a;
    if (o.mustHappen && needs >= 0 && !producible.has(needs) && (impossible < 0 || o.ret < regOps[impossible].ret)) impossible = i;
  });
  if (impossible >= 0) {
    const failure = buildFailure(included, regOps, impossible, [], interner);
    failure.reason = `no operation on this register ever writes ${show(interner.value(regOps[impossible].a))}, so no order of operations makes it legal`;
    return {
      valid: false, 'op-count': events.length, 'checked-op-count': regOps.length, 'fail-count': failCount,
      'unconstrained-read-count': unconstrainedReads, 'configs-explored': 0, failure, explanation: describeFailure(failure),
    };
  }

  const now = opts.now ?? defaultClock;
  const budgetMs = opts.budgetMs ?? DEFAULT_BUDGET_MS;
  const start = now();
  const outcome = searchRegister(regOps, 0, { maxSteps: opts.maxSteps, expired: () => now() - start > budgetMs });
  const summary = {
    'op-count': events.length,
    'checked-op-count': regOps.length,
    'fail-count': failCount,
    'unconstrained-read-count': unconstrainedReads,
    'configs-explored': outcome.steps,
  };
  if (outcome.result === 'linearizable') return { valid: true, ...summary };
  if (outcome.result === 'budget-exceeded') {
    return {
      valid: 'unknown', ...summary,
      error: `search budget exceeded (${opts.maxSteps !== undefined && outcome.steps > opts.maxSteps ? `${opts.maxSteps} configurations` : `${budgetMs} ms`}); linearizability undecided`,
    };
  }
  const failure = buildFailure(included, regOps, outcome.blockedOp, outcome.blockedConfigs ?? [], interner);
  return { valid: false, ...summary, failure, explanation: describeFailure(failure) };
}

function windowOp(e: RegisterEvent, f: string): WindowOp {
  return {
    index: e.op.invokeIndex,
    process: e.op.process,
    f,
    value: e.value,
    outcome: e.op.outcome,
    invokeTime: typeof e.op.invoke.time === 'number' ? e.op.invoke.time : null,
    completeTime: e.op.complete && e.op.outcome === 'ok' && typeof e.op.complete.time === 'number' ? e.op.complete.time : null,
    invokeIndex: e.op.invokeIndex,
    completeIndex: Number.isFinite(e.op.completeIndex) ? e.op.completeIndex : null,
  };
}

function buildFailure(
  included: RegisterEvent[], regOps: RegisterOp[], blocked: number | undefined,
  configs: { state: number; linearized: number[] }[], interner: ValueInterner,
): LinearizabilityFailure {
  if (blocked === undefined) {
    return { op: null, concurrent: [], states: [] };
  }
  const b = regOps[blocked];
  // The window: every op whose interval overlaps the impossible op's interval.
  const concurrentIdx: number[] = [];
  for (let i = 0; i < regOps.length; i++) {
    if (i === blocked) continue;
    const o = regOps[i];
    if (o.call < b.ret && o.ret > b.call) concurrentIdx.push(i);
  }
  const inWindow = new Set(concurrentIdx);
  return {
    op: windowOp(included[blocked], included[blocked].op.f),
    concurrent: concurrentIdx.map((i) => windowOp(included[i], included[i].op.f)),
    // One witness state per distinct register value keeps the report short.
    states: configs.filter((c, i) => configs.findIndex((d) => d.state === c.state) === i).map((c) => ({
      value: interner.value(c.state),
      linearizedInWindow: c.linearized.filter((i) => inWindow.has(i)).map((i) => included[i].op.invokeIndex),
    })),
  };
}

/** Single-register form (Knossos test data): values are bare, not [key, v]. */
export function checkRegister(history: HistoryOp[], opts: RegisterCheckOptions = {}): CheckResult {
  let ops: Operation[];
  try {
    ops = pairOperations(history);
  } catch (e) {
    return { valid: 'unknown', error: errorMessage(e) };
  }
  return checkOneRegister(ops.map((op) => ({ op, value: op.value })), opts);
}

export interface LinKvOptions {
  /** Per-key wall-clock budget (ms); exceeding it makes that key `unknown`. Default 10 000. */
  budgetMsPerKey?: number;
  /** Per-key deterministic budget in explored configurations. */
  maxStepsPerKey?: number;
  now?: () => number;
}

/** Display name of a key in results (numbers as themselves, others as JSON). */
function keyName(key: unknown): string {
  return typeof key === 'number' ? String(key) : valueKey(key);
}

/**
 * lin-kv: history values are [k, v] (read/write) and [k, [from, to]] (cas).
 * Result: `{valid, results: {k: {...}}, failures: [k...], 'key-count'}`.
 */
export function checkLinKv(history: HistoryOp[], opts: LinKvOptions = {}): CheckResult {
  let ops: Operation[];
  try {
    ops = pairOperations(history);
  } catch (e) {
    return { valid: 'unknown', error: errorMessage(e) };
  }
  const byKey = new Map<string, { key: unknown; events: RegisterEvent[] }>();
  for (const op of ops) {
    // The key comes from the invocation: completions echo it, and a node that
    // mangles it must not move the op to another register.
    const inv = op.invoke.value;
    if (!Array.isArray(inv) || inv.length !== 2) {
      return { valid: 'unknown', error: `lin-kv op at index ${op.invokeIndex} has value ${show(inv)}; expected [key, value]` };
    }
    const id = valueKey(inv[0]);
    let group = byKey.get(id);
    if (!group) {
      group = { key: inv[0], events: [] };
      byKey.set(id, group);
    }
    let value: unknown = inv[1];
    if (op.outcome === 'ok' && op.f === 'read') {
      const done = op.value;
      if (!Array.isArray(done) || done.length !== 2) {
        return { valid: 'unknown', error: `lin-kv read completion at index ${op.completeIndex} has value ${show(done)}; expected [key, value]` };
      }
      value = done[1];
    }
    group.events.push({ op, value });
  }
  const results: Record<string, CheckResult> = {};
  const failures: unknown[] = [];
  const verdicts: Validity[] = [];
  const keys = [...byKey.values()].sort((x, y) => compareKeys(x.key, y.key));
  for (const { key, events } of keys) {
    const r = checkOneRegister(events, { budgetMs: opts.budgetMsPerKey, maxSteps: opts.maxStepsPerKey, now: opts.now });
    results[keyName(key)] = r;
    verdicts.push(r.valid);
    if (r.valid === false) failures.push(key);
  }
  const unknownKeys = keys.filter((k) => results[keyName(k.key)].valid === 'unknown').map((k) => k.key);
  return {
    valid: mergeValidity(verdicts),
    'key-count': keys.length,
    results,
    failures,
    ...(unknownKeys.length ? { 'unknown-keys': unknownKeys } : {}),
  };
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = valueKey(a);
  const y = valueKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * SVG picture of an invalid key's smallest non-linearizable window, for
 * `independent/<key>/linear.svg`. Pass a per-key result (`checkLinKv(h).results[key]`)
 * or a `checkRegister` result; returns null when the result carries no failure.
 */
export function renderLinearizabilitySvg(keyResult: CheckResult, title?: string): string | null {
  const failure = keyResult.failure as LinearizabilityFailure | undefined;
  if (keyResult.valid !== false || !failure || !failure.op) return null;
  return renderFailureSvg(failure, title);
}
