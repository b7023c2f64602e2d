/**
 * The simulation's fault injector. Each fault kind in the seed's mix runs its
 * own start/stop cycle with exponentially distributed gaps, so faults overlap
 * and strike at arbitrary virtual instants (a crash may land between a disk
 * write and its fsync, between a vote and its persistence...). At `stopAt`
 * everything is healed: crashed nodes restart, paused ones resume, the
 * network is whole again. Every action is recorded as a nemesis `info` op in
 * the history (as Jepsen does) and in the trace.
 */
import type { HistoryRecorder } from '../runner/history-recorder';
import { partitionGrudge, PARTITION_SPECS } from '../runner/partitions';
import type { Rng } from '../runner/rng';
import type { Scheduler, TimerHandle } from '../runner/scheduler';
import type { FaultKind, NetworkProfile, StrikeProfile } from './config';
import type { SimNetwork } from './sim-network';
import type { SimNode } from './sim-node';
import type { Trace } from './trace';
import { SimAdminFaults, type AdminRequest } from './admin-faults';

export interface SimNemesisDeps {
  faults: readonly FaultKind[];
  meanMs: number;
  /** Leader strikes (see leaderElected): how many messages get out first, how long a strike lasts. */
  strike: StrikeProfile;
  nodes: readonly SimNode[];
  network: SimNetwork;
  profile: NetworkProfile;
  scheduler: Scheduler;
  rng: Rng;
  history: HistoryRecorder;
  trace: Trace;
  /** Restart a crashed node (new process, same disk, then Maelstrom's init). */
  restart(node: SimNode): void;
  /** Admin requests for the membership and transfer faults, and their own generator. */
  adminRequest: AdminRequest;
  adminRng: Rng;
}

export class SimNemesis {
  private readonly timers: TimerHandle[] = [];
  private stopped = false;
  private readonly crashed = new Set<SimNode>();
  private readonly paused = new Set<SimNode>();
  private striking = false;
  private readonly admin: SimAdminFaults;
  events = 0;

  constructor(private readonly d: SimNemesisDeps) {
    this.admin = new SimAdminFaults({
      nodes: d.nodes,
      rng: d.adminRng,
      scheduler: d.scheduler,
      request: d.adminRequest,
      down: () => new Set([...this.crashed, ...this.paused].map((n) => n.id)),
      note: (f, value, result) => this.note(f, value, result),
    });
  }

  start(stopAt: number): void {
    for (const kind of this.d.faults) if (kind !== 'leader-strike') this.cycle(kind, false);
    this.striking = this.d.faults.includes('leader-strike');
    this.d.scheduler.after(Math.max(0, stopAt - this.d.scheduler.now()), () => this.healAll());
  }

  /** Stop injecting and undo every active fault. */
  healAll(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    this.d.network.healAll();
    this.d.network.faults.loss = 0;
    this.d.network.faults.duplicate = 0;
    this.d.network.faults.slowdown = 1;
    for (const n of this.d.nodes) n.diskSlowdown = 1;
    for (const n of this.paused) n.resume();
    this.paused.clear();
    for (const n of this.crashed) this.d.restart(n);
    this.crashed.clear();
    this.note('heal-all', null, 'healed');
    if (this.d.faults.includes('membership')) this.admin.healAll();
  }

  /**
   * The leader-strike fault: a node that has just taken office gets `k` more
   * messages to its peers out (k log-uniform in [0, maxMessages): often none,
   * or just its first AppendEntries, sometimes a few round trips' worth), then
   * is struck at that message boundary: isolated (both ways, or only what it
   * sends, so it still hears acks), crashed, or paused, for an exponential
   * while. Counting messages instead of time lands on the protocol's steps
   * whatever the latency: a leader's entries end up on a minority, successive
   * leaders of different terms hold different tails, a new leader is cut off
   * while it catches a follower up with old-term entries (Raft §5.4.2, Figure
   * 8). Faults at random instants almost never land inside these windows.
   */
  leaderElected(node: SimNode): void {
    if (!this.striking || this.stopped) return;
    const { rng, network, strike } = this.d;
    const k = Math.floor(Math.exp(rng.float() * Math.log(strike.maxMessages + 1))) - 1;
    const action = rng.pick(['isolate', 'mute', 'crash', 'pause'] as const);
    const duration = rng.exponential(strike.meanMs);
    const crashesBefore = node.crashes;
    network.afterSends(node.id, k, () => {
      // Struck only in the life that took office.
      if (this.stopped || !node.running || node.crashes !== crashesBefore) return;
      this.strikeNode(node, action, k, duration);
    });
  }

  /** Runs inside the node's send: network changes at once, the process itself right after this turn. */
  private strikeNode(node: SimNode, action: 'isolate' | 'mute' | 'crash' | 'pause', k: number, duration: number): void {
    const { network, scheduler, rng } = this.d;
    const later = (fn: () => void): void => {
      this.timers.push(scheduler.after(duration, () => !this.stopped && fn()));
    };
    const detail = { node: node.id, afterMessages: k, ms: Math.round(duration) };
    if (action === 'isolate' || action === 'mute') {
      const direction = action === 'isolate' ? 'both' : 'outgoing';
      network.isolate(node.id, direction);
      this.note(`strike-${action}`, detail, 'isolated');
      return later(() => {
        network.rejoin(node.id, direction);
        this.note(`end-${action}`, node.id, 'rejoined');
        this.stillLeading(node);
      });
    }
    // Nothing more of this turn gets out; the process stops once the turn is over.
    network.isolate(node.id, 'outgoing');
    this.timers.push(
      scheduler.after(0, () => {
        network.rejoin(node.id, 'outgoing');
        if (this.stopped || !node.running || (action === 'pause' && node.isPaused)) return;
        if (action === 'crash') {
          const powerLoss = rng.float() < 0.5;
          node.crash(powerLoss);
          this.paused.delete(node);
          this.crashed.add(node);
          this.note(powerLoss ? 'strike-power-loss' : 'strike-kill', detail, 'crashed');
          return later(() => {
            if (!this.crashed.has(node)) return;
            this.crashed.delete(node);
            this.d.restart(node);
            this.note('restart', node.id, 'restarted');
          });
        }
        node.pause();
        this.paused.add(node);
        this.note('strike-pause', detail, 'paused');
        later(() => {
          if (!this.paused.has(node)) return;
          this.paused.delete(node);
          node.resume();
          this.note('resume', node.id, 'resumed');
          this.stillLeading(node);
        });
      }),
    );
  }

  /** A struck leader that is back and still leads is as good as newly in office: strike it again. */
  private stillLeading(node: SimNode): void {
    if (node.raftStatus?.role === 'leader') this.leaderElected(node);
  }

  private cycle(kind: FaultKind, active: boolean): void {
    const rng = kind === 'membership' || kind === 'transfer' ? this.d.adminRng : this.d.rng;
    const gap = rng.exponential(this.d.meanMs);
    const timer = this.d.scheduler.after(gap, () => {
      if (this.stopped) return;
      if (active) this.stopFault(kind);
      else this.startFault(kind);
      this.cycle(kind, !active);
    });
    this.timers.push(timer);
  }

  private startFault(kind: FaultKind): void {
    const { rng, network, nodes, profile } = this.d;
    const ids = nodes.map((n) => n.id);
    switch (kind) {
      case 'partition': {
        // Half Jepsen's shapes, half random directed cuts (asymmetric partitions).
        const receivers: Record<string, string[]> = {};
        if (rng.float() < 0.5) {
          const spec = rng.pick(PARTITION_SPECS);
          for (const [receiver, senders] of partitionGrudge(spec, ids, rng)) {
            network.cutLinks(receiver, senders);
            receivers[receiver] = [...senders].sort();
          }
          return this.note('start-partition', spec, receivers);
        }
        for (const receiver of ids) {
          const senders = ids.filter((s) => s !== receiver && rng.float() < 0.3);
          network.cutLinks(receiver, senders);
          if (senders.length > 0) receivers[receiver] = senders;
        }
        return this.note('start-partition', 'asymmetric', receivers);
      }
      case 'crash': {
        const victim = this.pickVictim();
        if (!victim.running) return;
        const powerLoss = rng.float() < 0.5;
        victim.crash(powerLoss);
        this.paused.delete(victim);
        this.crashed.add(victim);
        return this.note(powerLoss ? 'power-loss' : 'kill', victim.id, 'crashed');
      }
      case 'pause': {
        const victim = this.pickVictim();
        if (!victim.running || victim.isPaused) return;
        victim.pause();
        this.paused.add(victim);
        return this.note('pause', victim.id, 'paused');
      }
      case 'loss':
        network.faults.loss = profile.loss;
        return this.note('start-loss', profile.loss, 'lossy');
      case 'duplicate':
        network.faults.duplicate = profile.duplicate;
        return this.note('start-duplicate', profile.duplicate, 'duplicating');
      case 'slow-network':
        network.faults.slowdown = rng.pick([5, 20, 100]);
        return this.note('start-slow-network', network.faults.slowdown, 'slow');
      case 'disk-slow': {
        const victim = rng.pick(nodes);
        // Bounded so an IO issued just before the final heal still completes within
        // the recovery window (base latency <= 5 ms, so <= 500 ms here).
        victim.diskSlowdown = rng.pick([10, 50, 100]);
        return this.note('start-disk-slow', victim.id, victim.diskSlowdown);
      }
      case 'leader-strike':
        return; // event-driven (leaderElected), no cycle
      case 'membership':
        return this.admin.membershipStep();
      case 'transfer':
        return this.admin.transfer();
    }
  }

  /**
   * Half the time the node that believes it leads (Jepsen's nemeses favour
   * primaries too): a leader dying with entries on a minority is where Raft's
   * subtle rules (§5.4.2, Figure 8) matter.
   */
  private pickVictim(): SimNode {
    const { rng, nodes } = this.d;
    const leaders = nodes.filter((n) => n.raftStatus?.role === 'leader');
    if (leaders.length > 0 && rng.float() < 0.5) return rng.pick(leaders);
    return rng.pick(nodes);
  }

  private stopFault(kind: FaultKind): void {
    const { network, nodes, rng } = this.d;
    switch (kind) {
      case 'partition':
        network.heal();
        return this.note('stop-partition', null, 'network-healed');
      case 'crash': {
        // Restart one crashed node (others stay down until a later stop or the final heal).
        const down = nodes.filter((n) => this.crashed.has(n));
        if (down.length === 0) return;
        const node = rng.pick(down);
        this.crashed.delete(node);
        this.d.restart(node);
        return this.note('restart', node.id, 'restarted');
      }
      case 'pause': {
        const held = nodes.filter((n) => this.paused.has(n));
        if (held.length === 0) return;
        const node = rng.pick(held);
        this.paused.delete(node);
        node.resume();
        return this.note('resume', node.id, 'resumed');
      }
      case 'loss':
        network.faults.loss = 0;
        return this.note('stop-loss', null, 'reliable');
      case 'duplicate':
        network.faults.duplicate = 0;
        return this.note('stop-duplicate', null, 'reliable');
      case 'slow-network':
        network.faults.slowdown = 1;
        return this.note('stop-slow-network', null, 'fast');
      case 'disk-slow':
        for (const n of nodes) n.diskSlowdown = 1;
        return this.note('stop-disk-slow', null, 'fast');
      case 'leader-strike':
      case 'transfer':
        return;
      case 'membership':
        return this.admin.membershipStep(); // one change per start and per stop
    }
  }

  private note(f: string, value: unknown, result: unknown): void {
    this.events++;
    this.d.history.record('info', 'nemesis', f, value);
    this.d.history.record('info', 'nemesis', f, result);
    this.d.trace.record('nemesis', 'nemesis', `${f} ${JSON.stringify(value)} -> ${JSON.stringify(result)}`);
  }
}
