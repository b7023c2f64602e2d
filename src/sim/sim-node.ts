/**
 * One simulated node process: a real RaftServer on a virtual disk, with a
 * NodeEnv whose clock runs at this node's drifted rate on the shared virtual
 * scheduler. The process can be crashed at any instant (timers and pending
 * disk completions of that life never run again, the disk loses what was not
 * synced), restarted with the same disk, and paused (nothing of the process
 * runs; inputs and timers queue up and run on resume, in one of the two
 * orders a real Node process can show, see resume()).
 */
import type { NodeEnv, TimerHandle } from '../protocol/env';
import type { Envelope } from '../protocol/message';
import type { Rng } from '../runner/rng';
import type { Scheduler } from '../runner/scheduler';
import { DEFAULT_OPTIONS, type ServerOptions } from '../server/options';
import { RaftServer } from '../server/server';
import { openFileStorage, SimDisk } from '../storage';
import { createNodeWorkloads } from '../../workloads/node-registry';
import type { BrokenSwitches, Tunables } from './config';
import type { Trace } from './trace';
import { watchStorage } from './watched-storage';
import type { CommitChecker } from './commit-checker';

/** What RaftServer logs when its replica becomes leader (src/server/server.ts, onSoftState). */
const LEADER_LINE = 'raft: role leader ';

export interface SimNodeDeps {
  id: string;
  scheduler: Scheduler;
  /** Clock rate of this node (1 = true time). */
  clockRate: number;
  tunables: Tunables;
  broken: BrokenSwitches;
  rng: Rng;
  trace: Trace;
  /** Cross-node State Machine Safety, fed from this node's storage calls. */
  commits: CommitChecker;
  /** Every envelope the node writes to "stdout", already a JSON line. */
  output(src: string, dest: string, line: string): void;
  /** An exception escaped the node's code: a bug, reported as a failure of the run. */
  onError(node: string, error: unknown): void;
  /**
   * The node just took office (its log line for the role change; the Ready that
   * carries its first AppendEntries is being sent in this same turn).
   */
  onLeader?(node: SimNode): void;
}

export class SimNode {
  readonly id: string;
  readonly disk: SimDisk;
  private server: RaftServer | null = null;
  /** Bumped on every crash: callbacks of an earlier life are ignored. */
  private life = 0;
  private paused = false;
  /** What queued up while paused; `input` marks stdin lines (see resume()). */
  private held: Array<{ fn: () => void; input: boolean }> = [];
  /** Extra disk latency while the disk-slow fault is active. */
  diskSlowdown = 1;
  crashes = 0;

  constructor(private readonly d: SimNodeDeps) {
    this.id = d.id;
    this.disk = new SimDisk({
      random: () => d.rng.float(),
      // Every IO completion goes through the virtual clock, so disk latency interleaves with messages.
      schedule: (complete) => {
        const life = this.life;
        d.scheduler.after(this.diskLatency(), () => this.run(life, complete));
      },
    });
  }

  get running(): boolean {
    return this.server !== null;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get raftStatus() {
    return this.server?.raftStatus ?? null;
  }

  /** Start a process (first boot or restart); it waits for Maelstrom's init like the real one. */
  start(): void {
    if (this.server) throw new Error(`node ${this.id} is already running`);
    const life = this.life;
    const rate = this.d.clockRate;
    const scheduler = this.d.scheduler;
    // A process's monotonic clock has an arbitrary origin; drift scales how fast it runs.
    const origin = 1000 + this.d.rng.float() * 1e6;
    const bornAt = scheduler.now();
    const env: NodeEnv = {
      now: () => origin + (scheduler.now() - bornAt) * rate,
      setTimer: (ms: number, fn: () => void): TimerHandle => scheduler.after(ms / rate, () => this.run(life, fn)),
      defer: (fn: () => void) => void scheduler.after(0, () => this.run(life, fn)),
      random: () => this.d.rng.float(),
      log: (line: string) => {
        if (this.d.trace.enabled) this.d.trace.record('log', this.id, line);
        if (line.startsWith(LEADER_LINE) && this.life === life) this.d.onLeader?.(this);
      },
      send: (m: Envelope) => {
        if (this.life !== life) return;
        // A wire copy: nothing the receiver does can alias the sender's objects.
        this.d.output(m.src, m.dest, JSON.stringify({ src: m.src, dest: m.dest, body: m.body }));
      },
    };
    const options: ServerOptions = {
      ...DEFAULT_OPTIONS,
      dataDir: '/data',
      batching: this.d.tunables.batching,
      pipelining: this.d.tunables.pipelining,
      maxInflightMsgs: this.d.tunables.maxInflightMsgs,
      maxBatchBytes: this.d.tunables.maxBatchBytes,
      tickMs: this.d.tunables.tickMs,
      readMode: this.d.tunables.readMode,
      snapshotInterval: this.d.tunables.snapshotInterval,
      statsIntervalMs: 0,
    };
    const fs = this.disk.mount();
    this.server = new RaftServer({
      env,
      options,
      workloads: createNodeWorkloads(),
      openStorage: (nodeId) => {
        const storage = openFileStorage(`/data/${nodeId}`, fs, {
          logger: (line) => {
            if (this.d.trace.enabled) this.d.trace.record('storage', this.id, line);
          },
        });
        return watchStorage(storage, this.id, this.d.trace, this.d.commits);
      },
      incarnation: `life${life}`,
      testingFaults: this.d.broken.server,
      raftTestingFaults: this.d.broken.raft,
    });
    this.d.trace.record('start', this.id, `life ${life}, clock rate ${rate.toFixed(5)}`);
  }

  /** One line on the node's stdin. Dropped while crashed, queued while paused. */
  deliver(line: string): void {
    if (!this.server) return;
    const life = this.life;
    this.run(
      life,
      () => {
        if (this.d.trace.enabled) this.d.trace.record('recv', this.id, line);
        this.server?.handleLine(line);
      },
      true,
    );
  }

  /**
   * The process dies at this instant. With `powerLoss` the machine goes down
   * too and the disk keeps only what was synced (maybe a torn tail); without
   * it (SIGKILL) the page cache survives, synced or not.
   */
  crash(powerLoss = true): void {
    if (!this.server) return;
    this.server.stop();
    this.server = null;
    this.life++;
    this.crashes++;
    this.paused = false;
    this.held = [];
    if (powerLoss) this.disk.crash();
    else this.disk.kill();
    this.d.trace.record('crash', this.id, `${powerLoss ? 'power loss' : 'killed'} (life ${this.life - 1} ended)`);
  }

  pause(): void {
    if (!this.server || this.paused) return;
    this.paused = true;
    this.d.trace.record('pause', this.id, '');
  }

  /**
   * Everything that queued up runs now. Half the time in arrival order (a
   * process resumed from SIGSTOP while idle runs its overdue timers first);
   * otherwise stdin first, then timers and IO completions: what Node does
   * after one long synchronous turn (GC, a slow handler), where the poll phase
   * reads input before the next loop iteration's timers. A node must be
   * correct in both orders (its clock-driven state, such as a lease, is then
   * behind when the input arrives).
   */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const held = this.held;
    this.held = [];
    const inputFirst = this.d.rng.float() < 0.5;
    this.d.trace.record('resume', this.id, `${held.length} held events${inputFirst ? ', input first' : ''}`);
    const life = this.life;
    const scheduler = this.d.scheduler;
    if (!inputFirst) {
      for (const h of held) scheduler.after(0, () => this.run(life, h.fn, h.input));
      return;
    }
    for (const h of held) if (h.input) scheduler.after(0, () => this.run(life, h.fn, true));
    // What the inputs defer (setImmediate) runs in this loop iteration, the
    // overdue timers only in the next: two hops put them behind that work.
    const rest = held.filter((h) => !h.input);
    scheduler.after(0, () => scheduler.after(0, () => rest.forEach((h) => this.run(life, h.fn))));
  }

  private run(life: number, fn: () => void, input = false): void {
    if (life !== this.life) return;
    if (this.paused) {
      this.held.push({ fn, input });
      return;
    }
    try {
      fn();
    } catch (e) {
      this.d.onError(this.id, e);
    }
  }

  private diskLatency(): number {
    // fsync-like: mostly sub-millisecond, occasionally a few ms.
    const r = this.d.rng.float();
    return (r < 0.9 ? 0.05 + r * 0.5 : 1 + r * 4) * this.diskSlowdown;
  }
}
