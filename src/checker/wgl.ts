/**
 * Wing & Gong's linearizability search with Lowe's improvements ("Testing for
 * linearizability", 2017), in the shape Porcupine uses: the history is a
 * doubly linked list of call and return entries; we repeatedly try to
 * linearize the first pending call whose effect the model allows, lifting it
 * (and its return) out of the list, and backtrack when we reach a return entry
 * whose op is not linearized yet. Configurations (set of linearized ops, model
 * state) already explored are cached, which is what makes the search
 * practical (Lowe §4).
 *
 * Ops with an unknown outcome (info, or no completion) get their return entry
 * after every real event, so they may take effect any time after their call.
 * They may also never take effect: the search succeeds as soon as every op
 * that must take effect (ok ops) is linearized.
 *
 * The model is a compare-and-set register over interned values (0 = nil).
 */

export const enum RegisterKind { Write = 0, Cas = 1, Read = 2 }

export interface RegisterOp {
  kind: RegisterKind;
  /** write: value; cas: from; read: value read. */
  a: number;
  /** cas: to. */
  b: number;
  /** Position of the call in the key's event order. */
  call: number;
  /** Position of the return; Infinity when the outcome is unknown. */
  ret: number;
  /** true for ok ops: they must be linearized. */
  mustHappen: boolean;
}

export interface BlockedConfig {
  /** Register state (interned) when the search got stuck. */
  state: number;
  /** Indexes (into the ops array) of ops linearized at that point. */
  linearized: number[];
}

export interface SearchOutcome {
  result: 'linearizable' | 'not-linearizable' | 'budget-exceeded';
  /** Configurations pushed (a measure of work). */
  steps: number;
  /** Index of the op whose return was the furthest point the search could not pass. */
  blockedOp?: number;
  /** Distinct configurations the search was in at that point (capped). */
  blockedConfigs?: BlockedConfig[];
}

export interface SearchBudget {
  /** Stop after this many configurations (deterministic budget). */
  maxSteps?: number;
  /** Polled every few thousand steps; true means out of time. */
  expired?: () => boolean;
}

const MAX_BLOCKED_CONFIGS = 8;

/** Applies op to state; -1 when the model forbids it. */
function step(state: number, op: RegisterOp): number {
  switch (op.kind) {
    case RegisterKind.Write:
      return op.a;
    case RegisterKind.Cas:
      return state === op.a ? op.b : -1;
    default:
      return state === op.a ? state : -1;
  }
}

/** Deterministic 32-bit mixer (splitmix-like) for the incremental set hash. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

export function searchRegister(ops: readonly RegisterOp[], initialState: number, budget: SearchBudget = {}): SearchOutcome {
  const n = ops.length;
  let mustRemaining = 0;
  for (const op of ops) if (op.mustHappen) mustRemaining++;
  if (mustRemaining === 0) return { result: 'linearizable', steps: 0 };

  // Entry 0 is the head sentinel; op i has call entry 2i+1 and return entry 2i+2.
  const events: { entry: number; pos: number; tie: number }[] = [];
  for (let i = 0; i < n; i++) {
    const op = ops[i];
    events.push({ entry: 2 * i + 1, pos: op.call, tie: 0 });
    // Unknown returns go after every finite event, in call order.
    events.push({ entry: 2 * i + 2, pos: Number.isFinite(op.ret) ? op.ret : Number.MAX_SAFE_INTEGER, tie: op.call });
  }
  events.sort((x, y) => x.pos - y.pos || x.tie - y.tie);
  const size = 2 * n + 1;
  const next = new Int32Array(size + 1).fill(-1);
  const prev = new Int32Array(size + 1).fill(-1);
  let last = 0;
  for (const ev of events) {
    next[last] = ev.entry;
    prev[ev.entry] = last;
    last = ev.entry;
  }
  next[last] = -1;

  const lift = (call: number): void => {
    const ret = call + 1;
    next[prev[call]] = next[call];
    if (next[call] !== -1) prev[next[call]] = prev[call];
    next[prev[ret]] = next[ret];
    if (next[ret] !== -1) prev[next[ret]] = prev[ret];
  };
  const unlift = (call: number): void => {
    const ret = call + 1;
    if (next[ret] !== -1) prev[next[ret]] = ret;
    next[prev[ret]] = ret;
    if (next[call] !== -1) prev[next[call]] = call;
    next[prev[call]] = call;
  };

  const words = (n + 31) >>> 5;
  const linearized = new Uint32Array(words);
  const opHash = new Uint32Array(n);
  for (let i = 0; i < n; i++) opHash[i] = ops[i].mustHappen ? mix32(i + 0x9e3779b9) : 0;
  // The cache is keyed by (ok ops linearized, state). Unknown-outcome ops are
  // optional, so a configuration is dominated by an explored one with the same
  // ok ops and state whose set of linearized unknown ops is a subset of ours:
  // everything we could still do, it could too (it has more optional ops
  // left). Keeping only that subsumption check, not exact matches, stops the
  // 2^k blow-up over k pending info ops when a key is not linearizable.
  const mustMask = new Uint32Array(words);
  for (let i = 0; i < n; i++) if (ops[i].mustHappen) mustMask[i >>> 5] |= 1 << (i & 31);
  let setHash = 0;
  const cache = new Map<number, { bits: Uint32Array; state: number }[]>();
  const seenBefore = (state: number): boolean => {
    const key = (setHash ^ mix32(state + 0x51ed27)) >>> 0;
    let bucket = cache.get(key);
    if (bucket) {
      outer: for (const c of bucket) {
        if (c.state !== state) continue;
        for (let w = 0; w < words; w++) {
          const mine = linearized[w];
          const theirs = c.bits[w];
          // Same ok ops; their optional ops a subset of ours.
          if (((mine ^ theirs) & mustMask[w]) !== 0 || (theirs & ~mine & ~mustMask[w]) !== 0) continue outer;
        }
        return true;
      }
    } else {
      bucket = [];
      cache.set(key, bucket);
    }
    bucket.push({ bits: linearized.slice(), state });
    return false;
  };

  // Identical unknown-outcome ops are interchangeable: only the earliest
  // pending one of a kind is ever tried (an easy symmetry reduction that
  // matters when many writes of few values time out).
  const prevTwin = new Int32Array(n).fill(-1);
  {
    const lastOfKind = new Map<string, number>();
    const byCall = ops.map((_, i) => i).sort((x, y) => ops[x].call - ops[y].call);
    for (const i of byCall) {
      if (ops[i].mustHappen) continue;
      const sig = `${ops[i].kind}:${ops[i].a}:${ops[i].b}`;
      const prev = lastOfKind.get(sig);
      if (prev !== undefined) prevTwin[i] = prev;
      lastOfKind.set(sig, i);
    }
  }
  const isLinearized = (i: number): boolean => (linearized[i >>> 5] & (1 << (i & 31))) !== 0;

  const stackEntry: number[] = [];
  const stackState: number[] = [];
  const stackPass: number[] = [];
  let state = initialState;
  let steps = 0;
  let blockedOp = -1;
  let blockedRet = -1;
  let blockedConfigs: BlockedConfig[] = [];
  const maxSteps = budget.maxSteps ?? Infinity;

  const noteBlocked = (opIndex: number): void => {
    const retPos = ops[opIndex].ret;
    if (retPos < blockedRet) return;
    if (retPos > blockedRet) {
      blockedRet = retPos;
      blockedOp = opIndex;
      blockedConfigs = [];
    }
    if (blockedConfigs.length >= MAX_BLOCKED_CONFIGS) return;
    const ids: number[] = [];
    for (let i = 0; i < n; i++) if (isLinearized(i)) ids.push(i);
    const dup = blockedConfigs.some((c) => c.state === state && c.linearized.length === ids.length && c.linearized.every((x, j) => x === ids[j]));
    if (!dup) blockedConfigs.push({ state, linearized: ids });
  };

  // Candidates for the next linearization are the pending calls before the
  // first return entry. Pass 0 tries ops that must happen (ok), pass 1 the
  // unknown-outcome ones: those are only worth linearizing to enable others,
  // so trying them last finds valid orders far sooner when many are pending.
  let entry = next[0];
  let pass = 0;
  for (;;) {
    if (mustRemaining === 0) return { result: 'linearizable', steps };
    if (entry === -1 || !(entry & 1)) {
      if (pass === 0) {
        pass = 1;
        entry = next[0];
        continue;
      }
      // Dead end: the first pending return cannot be passed from here.
      if (entry !== -1) noteBlocked((entry - 2) >>> 1);
      if (stackEntry.length === 0) break;
      const call = stackEntry.pop()!;
      state = stackState.pop()!;
      pass = stackPass.pop()!;
      const opIndex = (call - 1) >>> 1;
      linearized[opIndex >>> 5] &= ~(1 << (opIndex & 31));
      setHash = (setHash ^ opHash[opIndex]) >>> 0;
      if (ops[opIndex].mustHappen) mustRemaining++;
      unlift(call);
      entry = next[call];
      continue;
    }
    const opIndex = (entry - 1) >>> 1;
    const op = ops[opIndex];
    // A write right after an unknown-outcome op erases that op's effect, so the
    // same configuration minus that op (reached by taking this write directly,
    // which was a candidate then too) dominates: skip.
    const afterOptional = stackEntry.length > 0 && !ops[(stackEntry[stackEntry.length - 1] - 1) >>> 1].mustHappen;
    if ((pass === 0) !== op.mustHappen || (prevTwin[opIndex] >= 0 && !isLinearized(prevTwin[opIndex])) || (afterOptional && op.kind === RegisterKind.Write)) {
      entry = next[entry];
      continue;
    }
    const newState = step(state, op);
    if (newState !== -1) {
      linearized[opIndex >>> 5] |= 1 << (opIndex & 31);
      setHash = (setHash ^ opHash[opIndex]) >>> 0;
      if (!seenBefore(newState)) {
        steps++;
        if (steps > maxSteps || ((steps & 255) === 1 && budget.expired?.())) {
          return { result: 'budget-exceeded', steps };
        }
        stackEntry.push(entry);
        stackState.push(state);
        stackPass.push(pass);
        state = newState;
        if (op.mustHappen) mustRemaining--;
        lift(entry);
        entry = next[0];
        pass = 0;
        continue;
      }
      linearized[opIndex >>> 5] &= ~(1 << (opIndex & 31));
      setHash = (setHash ^ opHash[opIndex]) >>> 0;
    }
    entry = next[entry];
  }
  return {
    result: 'not-linearizable', steps,
    ...(blockedOp >= 0 ? { blockedOp, blockedConfigs } : {}),
  };
}
