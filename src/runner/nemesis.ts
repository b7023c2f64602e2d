import { grudgeToJson, PARTITION_SPECS, partitionGrudge, PartitionSpec } from './partitions';
import { Grudge } from './network';
import { Rng } from './rng';
import { Scheduler, TimerHandle } from './scheduler';

/** Fault kinds. Only `partition` exists in real Maelstrom; the others are our extensions. */
export const NEMESIS_FAULTS = ['partition', 'kill', 'pause', 'loss', 'duplicate'] as const;
export type NemesisFault = (typeof NEMESIS_FAULTS)[number];
export const EXTENSION_FAULTS: readonly NemesisFault[] = ['kill', 'pause', 'loss', 'duplicate'];

/** Probability used by the loss/duplicate extensions while active. */
export const LOSSY_PROBABILITY = 0.2;

/** What the nemesis acts on: the network and (for the extensions) the node processes. */
export interface FaultTarget {
  partition(grudge: Grudge): void;
  heal(): void;
  kill(node: string): void;
  restart(node: string): void;
  pause(node: string): void;
  resume(node: string): void;
  setLoss(p: number): void;
  setDuplicate(p: number): void;
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
  step(): NemesisEvent;
  /** Undo whatever is active (final heal); null if nothing was active. */
  heal(): NemesisEvent | null;
  describeActive(): string | null;
}

function partitionPackage(nodes: readonly string[], rng: Rng, target: FaultTarget): FaultPackage {
  let active: PartitionSpec | null = null;
  const stop = (): NemesisEvent => {
    active = null;
    target.heal();
    return { f: 'stop-partition', value: null, result: 'network-healed' };
  };
  return {
    fault: 'partition',
    step() {
      if (active !== null) return stop();
      const spec = rng.pick(PARTITION_SPECS);
      const grudge = partitionGrudge(spec, nodes, rng);
      active = spec;
      target.partition(grudge);
      return { f: 'start-partition', value: spec, result: ['isolated', grudgeToJson(grudge)] };
    },
    heal: () => (active !== null ? stop() : null),
    describeActive: () => (active !== null ? `partition ${active}` : null),
  };
}

/** kill / pause (extensions): one random node per start; stop brings it back. */
function processPackage(kind: 'kill' | 'pause', nodes: readonly string[], rng: Rng, target: FaultTarget): FaultPackage {
  let victim: string | null = null;
  const stop = (): NemesisEvent => {
    const v = victim as string;
    victim = null;
    if (kind === 'kill') target.restart(v);
    else target.resume(v);
    return { f: `stop-${kind}`, value: null, result: [kind === 'kill' ? 'restarted' : 'resumed', [v]] };
  };
  return {
    fault: kind,
    step() {
      if (victim !== null) return stop();
      victim = rng.pick(nodes);
      if (kind === 'kill') target.kill(victim);
      else target.pause(victim);
      return { f: `start-${kind}`, value: 'one', result: [kind === 'kill' ? 'killed' : 'paused', [victim]] };
    },
    heal: () => (victim !== null ? stop() : null),
    describeActive: () => (victim !== null ? `${kind} ${victim}` : null),
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

  constructor(private readonly opts: NemesisOptions) {
    const rng = opts.rng;
    this.packages = opts.faults.map((f) => {
      switch (f) {
        case 'partition':
          return partitionPackage(opts.nodes, rng.fork('partition'), opts.target);
        case 'kill':
        case 'pause':
          return processPackage(f, opts.nodes, rng.fork(f), opts.target);
        case 'loss':
        case 'duplicate':
          return lossyPackage(f, opts.target);
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

  activeFaults(): string[] {
    return this.packages.map((p) => p.describeActive()).filter((d): d is string => d !== null);
  }

  private schedule(at: number): void {
    const limit = this.opts.healAt ?? this.opts.stopAt;
    if (this.stopped || at >= limit) return;
    const fire = (): void => {
      if (this.stopped) return;
      const pkg = this.packages.length === 1 ? this.packages[0] : this.opts.rng.pick(this.packages);
      this.opts.record(pkg.step());
      this.schedule(this.opts.scheduler.now() + this.opts.rng.float() * 2 * this.opts.intervalMs);
    };
    // The first op fires synchronously at start, so it precedes the first client op (history op 0 in Maelstrom).
    if (at <= this.opts.scheduler.now()) fire();
    else this.timer = this.opts.scheduler.after(at - this.opts.scheduler.now(), fire);
  }
}
