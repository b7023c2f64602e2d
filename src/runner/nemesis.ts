import { completeGrudge, grudgeToJson, majority, PARTITION_SPECS, partitionGrudge, PartitionSpec } from './partitions';
import { inferLeader, LEADER_WINDOW_MS, LeaderGuess } from './leader';
import { Grudge } from './network';
import { Rng } from './rng';
import { Scheduler, TimerHandle } from './scheduler';
import { LeaderStriker } from './strike';
import {
  LearnedMembership,
  Membership,
  MEMBERSHIP_STATUS_TIMEOUT_MS,
  MEMBERSHIP_TIMEOUT_MS,
  nextMembershipChange,
  pickLearned,
  reconfigureOutcome,
} from './membership';

/** Fault kinds. Only `partition` exists in real Maelstrom; the others are our extensions. */
export const NEMESIS_FAULTS = [
  'partition',
  'partition-leader',
  'partition-shift',
  'kill',
  'kill-minority',
  'kill-majority',
  'kill-all',
  'kill-leader',
  'pause',
  'pause-leader',
  'pause-all',
  'loss',
  'duplicate',
  'slow',
  'strike-leader',
  'transfer',
  'membership',
] as const;
export type NemesisFault = (typeof NEMESIS_FAULTS)[number];
export const EXTENSION_FAULTS: readonly NemesisFault[] = NEMESIS_FAULTS.filter((f) => f !== 'partition');
/** Faults that SIGKILL nodes: they only make sense for a node that persists its state (e.g. `-- --data-dir DIR`). */
export const KILL_FAULTS: readonly NemesisFault[] = ['kill', 'kill-minority', 'kill-majority', 'kill-all', 'kill-leader'];

/** Probability used by the loss/duplicate extensions while active. */
export const LOSSY_PROBABILITY = 0.2;

/**
 * `slow` (extension): while active, each node<->node message to or from a slow
 * node is delayed by 0 (probability 1/2) or an exponential extra of mean
 * SLOW_MEAN_MS, capped at SLOW_CAP_MS. The mean is of the order of Raft
 * election timeouts (a few hundred ms), so a vote or an acknowledgement
 * often lands after its sender's term or its receiver's candidacy is over.
 * Maelstrom's receiver sleeps on the message it dequeued (head of line), so
 * a slow message also holds back the faster ones queued behind it; messages
 * queued together are delivered by deadline, so fast ones overtake slow ones.
 */
export const SLOW_MEAN_MS = 500;
export const SLOW_CAP_MS = 5000;

/** What the nemesis acts on: the network and (for the extensions) the node processes. */
export interface FaultTarget {
  /**
   * Add `grudge` under `owner` (one per partition package, default "partition");
   * the network drops the union of every owner's grudge.
   */
  partition(grudge: Grudge, owner?: string): void;
  /** Remove `owner`'s grudge; with no owner, heal the whole network. */
  heal(owner?: string): void;
  kill(node: string): void;
  restart(node: string): void;
  pause(node: string): void;
  resume(node: string): void;
  setLoss(p: number): void;
  setDuplicate(p: number): void;
  /** `slow`: delay node<->node messages touching `nodes` by `extraMs()` each; null ends it. */
  setSlow(slow: { nodes: readonly string[]; extraMs: () => number } | null): void;
  /** `strike-leader`: call `cb` on every node->node send (null stops it). Without it the fault does nothing. */
  observeSends?(cb: ((src: string, dest: string) => void) | null): void;
  /** Delivered node->node messages per source node over the last `windowMs` (leader inference); none if absent. */
  trafficCounts?(windowMs: number): ReadonlyMap<string, number>;
  /**
   * `transfer`: send `body` to `node` through a fresh network client, as a
   * client op would go, but outside the checked history; `done` gets the
   * reply body, or null after `timeoutMs`. Without it the fault does nothing.
   */
  request?(node: string, body: Record<string, unknown>, timeoutMs: number, done: (reply: Record<string, unknown> | null) => void): void;
}

export interface NemesisEvent {
  f: string;
  /** The invocation's value (e.g. the partition spec). */
  value: unknown;
  /** The completion's value (e.g. `["isolated", grudge]`). */
  result: unknown;
}

/** One package: alternates start/stop of its fault, like Jepsen's (cycle [start stop]). */
interface FaultPackage {
  readonly fault: NemesisFault;
  /** Partition-type packages: healed at teardown like Maelstrom's partition (spec §4.3). */
  readonly network: boolean;
  /** The op to record, or null when the package has nothing to do (it then records nothing). */
  step(): NemesisEvent | null;
  /** Undo whatever is active (final heal); null if nothing was active. */
  heal(): NemesisEvent | null;
  describeActive(): string | null;
}

function guessLeader(nodes: readonly string[], rng: Rng, target: FaultTarget): LeaderGuess {
  return inferLeader(target.trafficCounts?.(LEADER_WINDOW_MS) ?? new Map<string, number>(), nodes, rng);
}

function partitionPackage(nodes: readonly string[], rng: Rng, target: FaultTarget): FaultPackage {
  let active: PartitionSpec | null = null;
  const stop = (): NemesisEvent => {
    active = null;
    target.heal('partition');
    return { f: 'stop-partition', value: null, result: 'network-healed' };
  };
  return {
    fault: 'partition',
    network: true,
    step() {
      if (active !== null) return stop();
      const spec = rng.pick(PARTITION_SPECS);
      const grudge = partitionGrudge(spec, nodes, rng);
      active = spec;
      target.partition(grudge, 'partition');
      return { f: 'start-partition', value: spec, result: ['isolated', grudgeToJson(grudge)] };
    },
    heal: () => (active !== null ? stop() : null),
    describeActive: () => (active !== null ? `partition ${active}` : null),
  };
}

/**
 * The minority side a `partition-leader` start cuts off (extension): the
 * inferred leader alone, or (N >= 5, probability 1/2) the leader with one
 * random follower. Either way the rest keep a majority and can elect.
 */
export function leaderMinority(leader: string, nodes: readonly string[], rng: Rng): string[] {
  const followers = nodes.filter((n) => n !== leader);
  if (nodes.length >= 5 && rng.float() < 0.5) return [leader, rng.pick(followers)].sort();
  return [leader];
}

/** partition-leader (extension): cut the likely leader (and maybe one follower) off from the rest. */
function partitionLeaderPackage(nodes: readonly string[], rng: Rng, target: FaultTarget): FaultPackage {
  let active: string | null = null;
  const stop = (): NemesisEvent => {
    active = null;
    target.heal('partition-leader');
    return { f: 'stop-partition-leader', value: null, result: 'network-healed' };
  };
  return {
    fault: 'partition-leader',
    network: true,
    step() {
      if (active !== null) return stop();
      const guess = guessLeader(nodes, rng, target);
      const minority = leaderMinority(guess.leader, nodes, rng);
      const inMinority = new Set(minority);
      const grudge = completeGrudge([minority, nodes.filter((n) => !inMinority.has(n))]);
      active = guess.leader;
      target.partition(grudge, 'partition-leader');
      return {
        f: 'start-partition-leader',
        value: { leader: guess.leader, sends: guess.sends, basis: guess.basis, minority },
        result: ['isolated', grudgeToJson(grudge)],
      };
    },
    heal: () => (active !== null ? stop() : null),
    describeActive: () => (active !== null ? `partition-leader ${active}` : null),
  };
}

/**
 * The next majority side of `partition-shift` (extension): a uniformly random
 * set of majority(N) nodes different from `previous` (any set when there is
 * none). For N < 3 the majority is everyone, so nothing is cut.
 */
export function shiftedMajority(nodes: readonly string[], previous: readonly string[] | null, rng: Rng): string[] {
  const m = majority(nodes.length);
  const key = (xs: readonly string[]): string => [...xs].sort().join(',');
  const prev = previous !== null ? key(previous) : null;
  for (let attempt = 0; ; attempt++) {
    const pick = rng.shuffle(nodes).slice(0, m).sort();
    // With N >= 3 there are at least 3 majorities, so this ends quickly; for N < 3 there is only one.
    if (key(pick) !== prev || m >= nodes.length || attempt > 1000) return pick;
  }
}

/** Shifts per active period of `partition-shift`: uniform in [SHIFT_MIN, SHIFT_MAX] after the start. */
export const SHIFT_MIN = 2;
export const SHIFT_MAX = 4;

/**
 * partition-shift (extension): a start isolates a random minority; each later
 * step while active REPLACES the partition (no healthy gap) with one whose
 * majority side differs from the previous one, SHIFT_MIN..SHIFT_MAX times;
 * then a step heals. Every new partition is recorded as `start-partition-shift`.
 */
function partitionShiftPackage(nodes: readonly string[], rng: Rng, target: FaultTarget): FaultPackage {
  let current: string[] | null = null;
  let shiftsLeft = 0;
  const stop = (): NemesisEvent => {
    current = null;
    target.heal('partition-shift');
    return { f: 'stop-partition-shift', value: null, result: 'network-healed' };
  };
  return {
    fault: 'partition-shift',
    network: true,
    step() {
      if (current !== null && shiftsLeft === 0) return stop();
      const previous = current;
      if (previous === null) shiftsLeft = rng.intBetween(SHIFT_MIN, SHIFT_MAX);
      else shiftsLeft--;
      const maj = shiftedMajority(nodes, previous, rng);
      const inMaj = new Set(maj);
      const minority = nodes.filter((n) => !inMaj.has(n)).sort();
      const grudge = completeGrudge([minority, maj]);
      current = maj;
      // Replace, not add: heal this package's old grudge and apply the new one in the same instant.
      target.heal('partition-shift');
      target.partition(grudge, 'partition-shift');
      return {
        f: 'start-partition-shift',
        value: { majority: maj, minority, 'previous-majority': previous },
        result: ['isolated', grudgeToJson(grudge)],
      };
    },
    heal: () => (current !== null ? stop() : null),
    describeActive: () => (current !== null ? `partition-shift majority ${current.join(',')}` : null),
  };
}

/** How many nodes a multi-node kill takes down at once, for N nodes. */
export function killCount(kind: 'one' | 'minority' | 'majority' | 'all', n: number): number {
  switch (kind) {
    case 'one':
      return Math.min(1, n);
    case 'minority':
      return Math.min(n, Math.max(1, Math.floor((n - 1) / 2)));
    case 'majority':
      return Math.min(n, majority(n));
    case 'all':
      return n;
  }
}

type ProcessFault = 'kill' | 'kill-minority' | 'kill-majority' | 'kill-all' | 'kill-leader' | 'pause' | 'pause-leader' | 'pause-all';

/**
 * kill / pause and their variants (extensions): each start picks victims
 * (`one` random node, a minority, a majority, all, or the inferred leader)
 * and SIGKILLs / SIGSTOPs them; the stop step restarts / SIGCONTs them all.
 *
 * `pause-all` freezes the whole cluster (a hypervisor pause, a suspended
 * laptop, a clock step): every election timer expires during the freeze, so
 * at the resume every follower becomes a candidate in the same instant. A
 * correct Raft only gets a split vote; one that grants two votes in a term,
 * or counts votes it should not, gets two leaders.
 */
function processPackage(fault: ProcessFault, nodes: readonly string[], rng: Rng, target: FaultTarget): FaultPackage {
  const kill = fault.startsWith('kill');
  let victims: string[] | null = null;
  const stop = (): NemesisEvent => {
    const vs = victims as string[];
    victims = null;
    for (const v of vs) {
      if (kill) target.restart(v);
      else target.resume(v);
    }
    return { f: `stop-${fault}`, value: null, result: [kill ? 'restarted' : 'resumed', vs] };
  };
  const choose = (): { value: unknown; victims: string[] } => {
    if (fault === 'kill-leader' || fault === 'pause-leader') {
      const g = guessLeader(nodes, rng, target);
      return { value: { leader: g.leader, sends: g.sends, basis: g.basis }, victims: [g.leader] };
    }
    const kind =
      fault === 'kill' || fault === 'pause' ? 'one' : fault === 'pause-all' ? 'all' : (fault.slice('kill-'.length) as 'minority' | 'majority' | 'all');
    const count = killCount(kind, nodes.length);
    const vs = count === nodes.length ? [...nodes] : kind === 'one' ? [rng.pick(nodes)] : rng.shuffle(nodes).slice(0, count);
    return { value: kind, victims: vs.sort() };
  };
  return {
    fault,
    network: false,
    step() {
      if (victims !== null) return stop();
      const c = choose();
      victims = c.victims;
      for (const v of c.victims) {
        if (kill) target.kill(v);
        else target.pause(v);
      }
      return { f: `start-${fault}`, value: c.value, result: [kill ? 'killed' : 'paused', c.victims] };
    },
    heal: () => (victims !== null ? stop() : null),
    describeActive: () => (victims !== null ? `${fault} ${victims.join(',')}` : null),
  };
}

/** loss / duplicate (extensions): node<->node messages lost / duplicated with LOSSY_PROBABILITY. */
function lossyPackage(kind: 'loss' | 'duplicate', target: FaultTarget): FaultPackage {
  let on = false;
  const set = (p: number): void => (kind === 'loss' ? target.setLoss(p) : target.setDuplicate(p));
  const stop = (): NemesisEvent => {
    on = false;
    set(0);
    return { f: `stop-${kind}`, value: null, result: `${kind}-stopped` };
  };
  return {
    fault: kind,
    network: false,
    step() {
      if (on) return stop();
      on = true;
      set(LOSSY_PROBABILITY);
      return { f: `start-${kind}`, value: LOSSY_PROBABILITY, result: [`${kind}-started`, LOSSY_PROBABILITY] };
    },
    heal: () => (on ? stop() : null),
    describeActive: () => (on ? `${kind} p=${LOSSY_PROBABILITY}` : null),
  };
}

/** slow (extension): messages touching one random node (or, half the time, every node) get extra delay; see SLOW_MEAN_MS. */
function slowPackage(nodes: readonly string[], rng: Rng, target: FaultTarget): FaultPackage {
  const delays = rng.fork('delays');
  const extraMs = (): number => (delays.float() < 0.5 ? 0 : Math.min(SLOW_CAP_MS, Math.floor(delays.exponential(SLOW_MEAN_MS))));
  let slowNodes: string[] | null = null;
  const stop = (): NemesisEvent => {
    slowNodes = null;
    target.setSlow(null);
    return { f: 'stop-slow', value: null, result: 'slow-stopped' };
  };
  return {
    fault: 'slow',
    network: true,
    step() {
      if (slowNodes !== null) return stop();
      slowNodes = rng.float() < 0.5 ? [rng.pick(nodes)] : [...nodes].sort();
      target.setSlow({ nodes: slowNodes, extraMs });
      return { f: 'start-slow', value: { 'mean-ms': SLOW_MEAN_MS }, result: ['slowed', slowNodes] };
    },
    heal: () => (slowNodes !== null ? stop() : null),
    describeActive: () => (slowNodes !== null ? `slow ${slowNodes.join(',')}` : null),
  };
}

/** How long the `transfer` fault waits for a node's answer (longer than our node's own bound for a forwarded transfer). */
export const TRANSFER_TIMEOUT_MS = 3000;

/**
 * transfer (extension): each step asks a random node to hand leadership to a
 * random voter with the admin request `raft_transfer_leader` (README.md,
 * "Admin protocol"). Recorded as `start-transfer` {node, to} -> "requested"
 * when it is sent and `stop-transfer` {node, to} -> the answer when it comes
 * (["leader", id], ["error", code, text] or "timeout"), each as its own
 * invocation/completion pair: the nemesis is one process, so its ops must not
 * interleave. A node that answers 10 (not-supported) does not implement the
 * protocol: the fault records that once and asks nothing more.
 */
function transferPackage(opts: NemesisOptions, rng: Rng): FaultPackage {
  const nodes = opts.nodes;
  const target = opts.target;
  let unsupported = false;
  const inFlight: string[] = [];
  const answer = (reply: Record<string, unknown> | null): unknown => {
    if (reply === null) return 'timeout';
    if (reply.type === 'raft_transfer_leader_ok') return ['leader', reply.leader ?? null];
    if (reply.type === 'error') {
      if (reply.code === 10) return 'not-supported';
      return ['error', reply.code ?? null, reply.text ?? null];
    }
    return ['unexpected', reply.type ?? null];
  };
  return {
    fault: 'transfer',
    network: false,
    step() {
      const request = target.request;
      if (unsupported || !request) return null;
      const node = rng.pick(nodes);
      const to = rng.pick(nodes);
      const value = { node, to };
      const label = `${node}->${to}`;
      inFlight.push(label);
      // Sent after this step's event is recorded, so the answer always comes after it in the history.
      opts.scheduler.defer(() =>
        request(node, { type: 'raft_transfer_leader', to }, TRANSFER_TIMEOUT_MS, (reply) => {
          inFlight.splice(inFlight.indexOf(label), 1);
          const result = answer(reply);
          if (result === 'not-supported') unsupported = true;
          opts.record({ f: 'stop-transfer', value, result });
        }),
      );
      return { f: 'start-transfer', value, result: 'requested' };
    },
    // Nothing to undo: a transfer is over once it happened.
    heal: () => null,
    describeActive: () => (inFlight.length > 0 ? `transfer ${inFlight.join(',')}` : null),
  };
}

/** What the membership package needs from the Nemesis besides its options. */
interface MembershipContext {
  /** Nodes a kill or pause fault holds down right now. */
  down(): ReadonlySet<string>;
  /** False once the nemesis stopped or its time is up: no new change may start. */
  live(): boolean;
}

/**
 * membership (extension, membership.ts): each step asks a random node for
 * one configuration change with the admin request `raft_reconfigure`,
 * cycling through one node's life: remove a voter, add it back as a learner,
 * promote it. One change at a time (a step while one is pending does
 * nothing). The runner keeps the configuration from its own requests and the
 * answers; it learns it with `raft_status` from every node (a leader with the
 * highest term wins) before the first change and after an answer that leaves
 * it in doubt, then makes the change in the same step. Recorded as
 * `start-membership` {node, voters, learners} -> "requested" and
 * `stop-membership` {...} -> ["ok", {voters, learners}], ["error", code, text]
 * or "timeout"; a learning round as `learn-membership` -> ["learned", {from,
 * term, voters, learners}] or "unknown". A node answering 10 is recorded
 * once as "not-supported" and the fault asks nothing more. After the final
 * heal no change starts; one in flight still gets its answer recorded, and
 * if that answer is in doubt the runner learns (and records) what is in place.
 */
function membershipPackage(opts: NemesisOptions, rng: Rng, ctx: MembershipContext): FaultPackage {
  const nodes = opts.nodes;
  const target = opts.target;
  let unsupported = false;
  let halted = false;
  /** The configuration as the runner believes it; null = unknown, learn it first. */
  let config: Membership | null = null;
  let pending: { what: 'change'; label: string } | { what: 'learn' } | null = null;

  const change = (): NemesisEvent | null => {
    const request = target.request;
    if (!request || config === null) return null;
    const c = nextMembershipChange(config, nodes, ctx.down(), rng);
    if (c === null) return null;
    const node = rng.pick(nodes);
    const value = { node, voters: c.next.voters, learners: c.next.learners };
    pending = { what: 'change', label: `${node}: ${c.kind} ${c.node}` };
    // Sent after this step's event is recorded, so the answer always comes after it in the history.
    opts.scheduler.defer(() =>
      request(node, { type: 'raft_reconfigure', voters: c.next.voters, learners: c.next.learners }, MEMBERSHIP_TIMEOUT_MS, (reply) => {
        pending = null;
        const out = reconfigureOutcome(reply, c.next, nodes);
        if (out.kind === 'ok') config = out.config as Membership;
        else if (out.kind === 'indefinite') config = null;
        else if (out.kind === 'unsupported') unsupported = true;
        opts.record({ f: 'stop-membership', value, result: out.result });
        // After the final heal: do not leave a change in doubt; learn what is in place (and make no change).
        if (halted && config === null && !unsupported) learn();
      }),
    );
    return { f: 'start-membership', value, result: 'requested' };
  };

  /** Ask every node's raft_status; the answers decide `config`; then (while live) make this step's change. */
  const learn = (): void => {
    const request = target.request;
    if (!request) return;
    pending = { what: 'learn' };
    const answers: Array<{ node: string; reply: Record<string, unknown> | null }> = [];
    opts.scheduler.defer(() => {
      for (const node of nodes) {
        request(node, { type: 'raft_status' }, MEMBERSHIP_STATUS_TIMEOUT_MS, (reply) => {
          answers.push({ node, reply });
          if (answers.length < nodes.length) return;
          pending = null;
          const refused = answers.find((a) => a.reply?.type === 'error' && a.reply.code === 10);
          if (refused) {
            unsupported = true;
            opts.record({ f: 'learn-membership', value: { node: refused.node }, result: 'not-supported' });
            return;
          }
          const learned: LearnedMembership | null = pickLearned(answers, nodes);
          config = learned === null ? null : { voters: learned.voters, learners: learned.learners };
          opts.record({
            f: 'learn-membership',
            value: { nodes: [...nodes] },
            result: learned === null ? 'unknown' : ['learned', { from: learned.from, term: learned.term, voters: learned.voters, learners: learned.learners }],
          });
          if (config !== null && !halted && ctx.live()) {
            const ev = change();
            if (ev) opts.record(ev);
          }
        });
      }
    });
  };

  return {
    fault: 'membership',
    network: false,
    step() {
      if (unsupported || halted || pending !== null || !target.request) return null;
      if (config === null) {
        learn();
        return null;
      }
      return change();
    },
    // Nothing to undo: the last configuration stays in place. No new change starts after this.
    heal: () => {
      halted = true;
      return null;
    },
    describeActive: () => {
      const p = pending as { what: 'change'; label: string } | { what: 'learn' } | null;
      if (p === null) return null;
      return p.what === 'learn' ? 'membership (learning the configuration)' : `membership ${p.label}`;
    },
  };
}

/** Wraps `t` to count, per node, how many kill/pause holds keep it down (restart/resume release them). */
function trackDown(t: FaultTarget, holds: Map<string, number>): FaultTarget {
  const take = (n: string): void => void holds.set(n, (holds.get(n) ?? 0) + 1);
  const give = (n: string): void => {
    const k = (holds.get(n) ?? 0) - 1;
    if (k > 0) holds.set(n, k);
    else holds.delete(n);
  };
  const w: FaultTarget = {
    partition: (g, owner) => t.partition(g, owner),
    heal: (owner) => t.heal(owner),
    kill: (n) => {
      take(n);
      t.kill(n);
    },
    restart: (n) => {
      give(n);
      t.restart(n);
    },
    pause: (n) => {
      take(n);
      t.pause(n);
    },
    resume: (n) => {
      give(n);
      t.resume(n);
    },
    setLoss: (p) => t.setLoss(p),
    setDuplicate: (p) => t.setDuplicate(p),
    setSlow: (slow) => t.setSlow(slow),
  };
  const { observeSends, trafficCounts, request } = t;
  if (observeSends) w.observeSends = (cb) => observeSends.call(t, cb);
  if (trafficCounts) w.trafficCounts = (windowMs) => trafficCounts.call(t, windowMs);
  if (request) w.request = (node, body, timeoutMs, done) => request.call(t, node, body, timeoutMs, done);
  return w;
}

/**
 * strike-leader (extension, strike.ts): a start arms the striker, which cuts
 * off each node that starts to lead a few messages later, by itself, until
 * the stop disarms it (healing a strike in progress).
 */
function strikePackage(opts: NemesisOptions, rng: Rng): FaultPackage {
  const target = opts.target;
  const striker = new LeaderStriker({
    nodes: opts.nodes,
    rng,
    now: () => opts.scheduler.now(),
    after: (ms, fn) => opts.scheduler.after(ms, fn),
    isolate: (node, g) => target.partition(g, `strike-leader ${node}`),
    heal: (node) => target.heal(`strike-leader ${node}`),
    record: (ev) => opts.record(ev),
  });
  let armed = false;
  const stop = (): NemesisEvent => {
    armed = false;
    target.observeSends?.(null);
    striker.disarm();
    return { f: 'stop-strike-leader', value: null, result: 'disarmed' };
  };
  return {
    fault: 'strike-leader',
    network: true,
    step() {
      if (armed) return stop();
      armed = true;
      striker.arm();
      target.observeSends?.((src, dest) => striker.observe(src, dest));
      return { f: 'start-strike-leader', value: null, result: 'armed' };
    },
    heal: () => (armed ? stop() : null),
    describeActive: () => (armed ? `strike-leader${striker.striking().length > 0 ? ` (striking ${striker.striking().join(',')})` : ''}` : null),
  };
}

export interface NemesisOptions {
  faults: readonly NemesisFault[];
  nodes: readonly string[];
  /** Mean gap between nemesis ops, ms (--nemesis-interval). */
  intervalMs: number;
  /** No nemesis op is invoked at or after this time (ms); then everything is healed if `healAt` is set. */
  stopAt: number;
  /** Extension --final-heal: heal every active fault at this time (ms) and stop. */
  healAt: number | null;
  rng: Rng;
  scheduler: Scheduler;
  target: FaultTarget;
  record(event: NemesisEvent): void;
}

/**
 * The nemesis thread (spec §6.1): stagger(interval) over a mix of fault
 * packages. The first op fires at t = 0; gaps are uniform on [0, 2*interval).
 * With only `partition` this is exactly Maelstrom's alternation
 * start, stop, start, ... with a uniformly drawn partition spec per start.
 */
export class Nemesis {
  private readonly packages: FaultPackage[];
  private timer: TimerHandle | null = null;
  private stopped = false;
  /** Kill/pause holds per node (the membership fault keeps a majority of voters among the others). */
  private readonly downHolds = new Map<string, number>();

  constructor(private readonly opts: NemesisOptions) {
    const rng = opts.rng;
    const target = trackDown(opts.target, this.downHolds);
    const o: NemesisOptions = { ...opts, target };
    const limit = opts.healAt ?? opts.stopAt;
    const membership: MembershipContext = {
      down: () => new Set(this.downHolds.keys()),
      live: () => !this.stopped && this.opts.scheduler.now() < limit,
    };
    this.packages = o.faults.map((f) => {
      switch (f) {
        case 'partition':
          return partitionPackage(o.nodes, rng.fork('partition'), target);
        case 'partition-leader':
          return partitionLeaderPackage(o.nodes, rng.fork(f), target);
        case 'partition-shift':
          return partitionShiftPackage(o.nodes, rng.fork(f), target);
        case 'kill':
        case 'kill-minority':
        case 'kill-majority':
        case 'kill-all':
        case 'kill-leader':
        case 'pause':
        case 'pause-leader':
        case 'pause-all':
          return processPackage(f, o.nodes, rng.fork(f), target);
        case 'slow':
          return slowPackage(o.nodes, rng.fork(f), target);
        case 'strike-leader':
          return strikePackage(o, rng.fork(f));
        case 'transfer':
          return transferPackage(o, rng.fork(f));
        case 'membership':
          return membershipPackage(o, rng.fork(f), membership);
        case 'loss':
        case 'duplicate':
          return lossyPackage(f, target);
      }
    });
  }

  start(): void {
    if (this.packages.length === 0) return;
    this.schedule(this.opts.scheduler.now());
    if (this.opts.healAt !== null) {
      const healAt = this.opts.healAt;
      this.opts.scheduler.after(healAt - this.opts.scheduler.now(), () => this.healAll());
    }
  }

  /** Stop issuing ops (teardown); active faults stay until `healAll`. */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  healAll(): void {
    this.stop();
    for (const p of this.packages) {
      const ev = p.heal();
      if (ev) this.opts.record(ev);
    }
  }

  /** Teardown (spec §4.3): heal the partition-type packages only, recording their stops; the rest stay as they are. */
  healNetwork(): void {
    for (const p of this.packages) {
      if (!p.network) continue;
      const ev = p.heal();
      if (ev) this.opts.record(ev);
    }
  }

  activeFaults(): string[] {
    return this.packages.map((p) => p.describeActive()).filter((d): d is string => d !== null);
  }

  private schedule(at: number): void {
    const limit = this.opts.healAt ?? this.opts.stopAt;
    if (this.stopped || at >= limit) return;
    const fire = (): void => {
      if (this.stopped) return;
      const pkg = this.packages.length === 1 ? this.packages[0] : this.opts.rng.pick(this.packages);
      const ev = pkg.step();
      if (ev) this.opts.record(ev);
      this.schedule(this.opts.scheduler.now() + this.opts.rng.float() * 2 * this.opts.intervalMs);
    };
    // The first op fires synchronously at start, so it precedes the first client op (history op 0 in Maelstrom).
    if (at <= this.opts.scheduler.now()) fire();
    else this.timer = this.opts.scheduler.after(at - this.opts.scheduler.now(), fire);
  }
}
