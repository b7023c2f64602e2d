import { HistoryOp } from '../checker/history';
import { Body } from '../protocol/message';
import { NetClient } from './client';
import { parseNodeLine } from './envelope';
import { FINAL_READ_RECOVERY_MS, ROTATION_ISOLATE_MS, ROTATION_RECOVERY_MS, rotationCut, runFinalReads } from './final-reads';
import { inferLeader, LEADER_WINDOW_MS } from './leader';
import { grudgeToJson } from './partitions';
import { HistoryRecorder } from './history-recorder';
import { Interpreter } from './interpreter';
import { NetJournal, NetStats } from './journal';
import { LatencyDist, makeLatency } from './latency';
import { FaultTarget, Nemesis, NemesisFault } from './nemesis';
import { MessageLog } from './message-log';
import { Grudge, NetMessage, Network } from './network';
import { NodeHost } from './node-host';
import { Rng } from './rng';
import { Scheduler } from './scheduler';
import { makeServices } from './services';
import { BenchWorkload, OpGenerator, WorkloadOptions } from './workload';

/** Both network hooks, either, or none (one closure fewer per message when only one is wanted). */
function both(a: ((m: NetMessage) => void) | undefined, b: ((m: NetMessage) => void) | undefined): ((m: NetMessage) => void) | undefined {
  if (a && b) {
    return (m) => {
      a(m);
      b(m);
    };
  }
  return a ?? b;
}

export const INIT_TIMEOUT_MS = 10_000;
/** Maelstrom's default RPC timeout, which bounds a setup! request such as broadcast's topology. */
export const SETUP_TIMEOUT_MS = 5_000;
/** Maelstrom's `(gen/sleep 10)` between the final heal and the final generator. */
export const FINAL_RECOVERY_MS = 10_000;

export interface TestRunOptions {
  workload: BenchWorkload;
  options: WorkloadOptions;
  nodes: readonly string[];
  concurrency: number;
  rate: number;
  timeLimitMs: number;
  latencyMs: number;
  latencyDist: LatencyDist;
  nemesis: readonly NemesisFault[];
  nemesisIntervalMs: number;
  /** Extension: heal all faults this many ms before the time limit. */
  finalHealMs: number | null;
  /**
   * Extension --final-reads: heal everything (at the final heal, or at the time
   * limit without one), wait FINAL_READ_RECOVERY_MS, then read every key through
   * every node (final-reads.ts).
   */
  finalReads?: boolean;
  /**
   * Extension --final-rotations N (with finalReads): after the first round of
   * final reads, N times cut the likely leader off, heal, and read again, so
   * the reads go through other leaders' state machines.
   */
  finalRotations?: number;
  /**
   * Wait after the final heal before a workload's final generator runs, ms
   * (Maelstrom's `(gen/sleep 10)`; default 10 000). Extension --recovery-time shortens it.
   */
  recoveryMs?: number;
  /** --log-net-send / --log-net-recv: log every message as it is sent / delivered. */
  logNetSend?: boolean;
  logNetRecv?: boolean;
  /** Records every message's send and delivery for messages.html (message-log.ts); absent: nothing recorded. */
  messageLog?: MessageLog;
  seed: number;
  scheduler: Scheduler;
  /** Build the host for one node id (process adapter or simulated node). */
  host(id: string): NodeHost;
  /** Loud diagnostics (runner log / stderr). */
  log(line: string): void;
}

export interface MuteEvent {
  node: string;
  /** ms since start */
  at: number;
  reason: string;
}

export interface CrashReport {
  node: string;
  code: number | null;
  signal: string | null;
  stdout: string[];
  stderr: string[];
}

export interface TestRunOutcome {
  history: HistoryOp[];
  net: NetStats;
  mutes: MuteEvent[];
  crashes: CrashReport[];
  /** Why the run could not produce a verdict (init failure), if so. */
  aborted: string | null;
  startedAt: number;
  endedAt: number;
}

/**
 * One Maelstrom `test` run (spec §4.7): network + services, parallel node
 * setup with init handshakes, the client phase and the nemesis, teardown,
 * crash detection. Real time and real processes enter only through the
 * injected scheduler and NodeHosts.
 */
export class TestRun {
  readonly history: HistoryRecorder;
  readonly network: Network;
  readonly journal = new NetJournal();
  private readonly rng: Rng;
  private clientCounter = 0;
  private readonly hosts = new Map<string, NodeHost>();
  private readonly mutes: MuteEvent[] = [];
  private readonly muted = new Set<string>();
  /** Nodes the nemesis killed on purpose: their exit is not a crash. */
  private readonly killedOnPurpose = new Set<string>();
  private readonly paused = new Set<string>();
  /** Pending init handshakes, failed early if their node exits. */
  private readonly initExitWatch = new Map<string, (code: number | null, signal: string | null) => void>();
  private interpreter: Interpreter | null = null;
  private mainGenerator: OpGenerator | null = null;
  private tearingDown = false;
  nemesis: Nemesis | null = null;

  constructor(private readonly o: TestRunOptions) {
    this.rng = new Rng(o.seed);
    this.history = new HistoryRecorder(o.scheduler);
    // makeLatency throws LatencyStartupError for the mean-0 uniform/exponential cases, before anything starts.
    const latency = makeLatency(o.latencyDist, o.latencyMs, this.rng.fork('latency'));
    // Maelstrom logs these at info level into jepsen.log, one line per message.
    const show = (what: string) => (m: NetMessage) => o.log(`${what} ${JSON.stringify({ id: m.id, src: m.src, dest: m.dest, body: m.body })}`);
    const log = o.messageLog;
    this.network = new Network({
      scheduler: o.scheduler,
      latency,
      rng: this.rng.fork('net-faults'),
      journal: this.journal,
      onSend: both(o.logNetSend ? show(':send') : undefined, log ? (m) => log.send(m) : undefined),
      onRecv: both(o.logNetRecv ? show(':recv') : undefined, log ? (m) => log.recv(m) : undefined),
    });
    this.network.setServerIds(o.nodes);
  }

  allocateClientId(): string {
    return `c${this.clientCounter++}`;
  }

  invocations(): number {
    return this.interpreter?.invocationCount() ?? 0;
  }

  activeFaults(): string[] {
    return this.nemesis?.activeFaults() ?? [];
  }

  async run(): Promise<TestRunOutcome> {
    const o = this.o;
    const startedAt = o.scheduler.now();
    for (const s of makeServices(this.rng.fork('services'))) {
      this.network.register(s.id, (m) => {
        const reply = s.handle(m.src, m.body);
        if (reply === null) {
          o.log(`WARN service ${s.id}: no handler for request type ${JSON.stringify(m.body.type)} from ${m.src}; not replying`);
          return;
        }
        this.network.send(s.id, m.src, { ...reply, in_reply_to: m.body.msg_id ?? null } as Body);
      });
    }
    for (const id of o.nodes) {
      this.network.register(id, (m) => this.hosts.get(id)?.send(JSON.stringify({ id: m.id, src: m.src, dest: m.dest, body: m.body })));
    }
    for (const id of o.nodes) this.startNode(id);

    const initResults = await Promise.all(o.nodes.map((id) => this.init(id)));
    const failed = initResults.filter((r): r is string => r !== null);
    if (failed.length > 0) {
      await this.teardown();
      return this.outcome(startedAt, failed.join('\n'));
    }
    // Jepsen's client-setup phase opens one client per node and keeps it open, unused (spec §4.2).
    const setupClients = o.nodes.map(() => new NetClient(this.allocateClientId(), this.network, o.scheduler));
    for (const c of setupClients) c.open();
    const setupFailures = (await Promise.all(o.nodes.map((id, i) => this.setup(id, setupClients[i])))).filter((r): r is string => r !== null);
    if (setupFailures.length > 0) {
      for (const c of setupClients) c.close();
      await this.teardown();
      return this.outcome(startedAt, setupFailures.join('\n'));
    }

    const phaseStart = o.scheduler.now();
    this.history.startClock();
    // --final-reads heals everything at the time limit when --final-heal did not ask for earlier.
    const healAt =
      o.finalHealMs !== null ? phaseStart + Math.max(0, o.timeLimitMs - o.finalHealMs) : o.finalReads ? phaseStart + o.timeLimitMs : null;
    await new Promise<void>((resolve) => {
      this.interpreter = new Interpreter({
        scheduler: o.scheduler,
        network: this.network,
        workload: o.workload,
        generator: (this.mainGenerator = o.workload.generator({
          nodeCount: o.nodes.length,
          concurrency: o.concurrency,
          rng: this.rng.fork('generator'),
          options: o.options,
          now: () => o.scheduler.now(),
        })),
        options: o.options,
        nodes: o.nodes,
        concurrency: o.concurrency,
        rate: o.rate,
        timeLimitMs: o.timeLimitMs,
        rng: this.rng.fork('stagger'),
        history: this.history,
        allocateClientId: () => this.allocateClientId(),
        onDone: resolve,
      });
      if (o.nemesis.length > 0) {
        this.nemesis = new Nemesis({
          faults: o.nemesis,
          nodes: o.nodes,
          intervalMs: o.nemesisIntervalMs,
          stopAt: phaseStart + o.timeLimitMs,
          healAt,
          rng: this.rng.fork('nemesis'),
          scheduler: o.scheduler,
          target: this.faultTarget(),
          record: (ev) => {
            this.interpreter?.bumpRotation();
            this.history.record('info', 'nemesis', ev.f, ev.value);
            this.history.record('info', 'nemesis', ev.f, ev.result);
          },
        });
        this.nemesis.start();
      }
      this.interpreter.start();
    });
    if (o.workload.finalGenerator) await this.finalPhase();
    // The workers' clients stay registered through the final reads (our extension): Maelstrom closes
    // them when its test ends, and a node's late reply to a closed client mutes the node (spec §1.1).
    // Closing them first would mute a node for answering late, and blind every later round of reads.
    if (o.finalReads) await this.finalReads(healAt ?? o.scheduler.now());
    this.interpreter?.closeClients();
    // Nemesis teardown: stop and heal only the network, after all client ops completed (spec §4.3).
    if (this.nemesis) {
      this.nemesis.stop();
      this.nemesis.healNetwork();
      if (this.network.isPartitioned()) {
        this.network.heal();
        this.history.record('info', 'nemesis', 'stop-partition', null);
        this.history.record('info', 'nemesis', 'stop-partition', 'network-healed');
      }
    }
    for (const c of setupClients) c.close();
    const crashes = this.detectCrashes();
    await this.teardown();
    const out = this.outcome(startedAt, null);
    out.crashes = crashes;
    return out;
  }

  /** Jepsen's client setup! for one node, through its setup client (broadcast: the topology message). */
  private setup(id: string, client: NetClient): Promise<string | null> {
    const req = this.o.workload.setupRequest?.(id, this.o.nodes, this.o.options) ?? null;
    if (!req) return Promise.resolve(null);
    return new Promise((resolve) => {
      client.call(id, req.body, SETUP_TIMEOUT_MS, (r) => {
        if (r.kind === 'timeout') return resolve(`node ${id} did not answer ${String(req.body.type)} within ${SETUP_TIMEOUT_MS} ms (client setup failed)`);
        if (r.body.type !== req.replyType) return resolve(`node ${id} answered ${String(req.body.type)} with ${JSON.stringify(r.body)}, expected type ${JSON.stringify(req.replyType)}`);
        resolve(null);
      });
    });
  }

  /**
   * Maelstrom's final phase for workloads with a :final-generator: the
   * nemesis's final generator heals everything, `(gen/sleep 10)`, then the
   * clients run the final ops (each worker one read, or kafka's final polls).
   */
  private async finalPhase(): Promise<void> {
    const o = this.o;
    const interpreter = this.interpreter;
    const makeFinal = o.workload.finalGenerator;
    if (!interpreter || !makeFinal) return;
    if (this.nemesis) {
      this.nemesis.stop();
      this.nemesis.healAll();
      if (this.network.isPartitioned()) this.network.heal();
    }
    const wait = o.recoveryMs ?? FINAL_RECOVERY_MS;
    o.log(`Waiting for recovery... (${wait / 1000} s)`);
    if (wait > 0) await new Promise<void>((resolve) => o.scheduler.after(wait, resolve));
    const generator = makeFinal({
      nodeCount: o.nodes.length,
      concurrency: o.concurrency,
      rng: this.rng.fork('final-generator'),
      options: o.options,
      now: () => o.scheduler.now(),
    }, this.mainGenerator as OpGenerator);
    await new Promise<void>((resolve) => interpreter.runFinal(generator, o.workload.finalBoundMs ?? null, resolve));
  }

  /** Extension --final-reads: heal what is still active, let the cluster recover, read every key through every node. */
  private async finalReads(healedAt: number): Promise<void> {
    const o = this.o;
    this.nemesis?.healAll();
    // A crashed node ends the test without analysis (exit 255); reading through the rest would only wait out the bound.
    const crashed = this.detectCrashes();
    if (crashed.length > 0) {
      o.log(`final reads: skipped, node(s) ${crashed.map((c) => c.node).join(', ')} exited during the test`);
      return;
    }
    const wait = healedAt + FINAL_READ_RECOVERY_MS - o.scheduler.now();
    if (wait > 0) await new Promise<void>((resolve) => o.scheduler.after(wait, resolve));
    const reads = o.workload.finalReads?.(this.history.ops, o.options) ?? [];
    if (reads.length === 0) {
      o.log(`final reads: nothing to read (workload ${o.workload.name}${o.workload.finalReads ? '' : ' has no final reads'})`);
      return;
    }
    const rounds = 1 + (o.finalRotations ?? 0);
    const rotationRng = this.rng.fork('final-rotations');
    const openClients: NetClient[] = [];
    /** The leader tour: nodes that served a round of final reads as the likely leader. */
    const led = new Set<string>();
    for (let round = 0; round < rounds; round++) {
      if (round > 0) {
        if (led.size === o.nodes.length) {
          o.log(`final reads: every node has led a round; ${rounds - round} rotation(s) not needed`);
          break;
        }
        await this.rotateLeader(rotationRng, led);
      }
      led.add(inferLeader(this.network.traffic.counts(o.scheduler.now(), LEADER_WINDOW_MS), o.nodes, rotationRng).leader);
      let maxProcess = -1;
      for (const op of this.history.ops) if (typeof op.process === 'number' && op.process > maxProcess) maxProcess = op.process;
      const which = rounds > 1 ? ` (round ${round + 1} of ${rounds})` : '';
      o.log(`final reads${which}: ${reads.length} read(s) through each of ${o.nodes.length} node(s)`);
      const report = await runFinalReads(
        {
          scheduler: o.scheduler,
          network: this.network,
          workload: o.workload,
          options: o.options,
          history: this.history,
          nodes: o.nodes,
          firstProcess: maxProcess + 1,
          allocateClientId: () => this.allocateClientId(),
          openClients,
          log: o.log,
        },
        reads,
      );
      o.log(`final reads${which}: ${report.ok} ok of ${report.attempts} attempt(s); ${report.neverOk.length} read(s) never ok on any node`);
      // A read no node answered within the bound: the healed cluster is not serving, and every further
      // round would wait out the bound again (FINAL_READ_BOUND_MS each). The tour ends here; the reads
      // that were answered are in the history, and a stuck cluster is the stats checker's finding.
      if (report.unanswered.length > 0 && round + 1 < rounds) {
        o.log(`final reads: ${report.unanswered.length} read(s) unanswered in round ${round + 1}; ${rounds - round - 1} rotation(s) skipped`);
        break;
      }
    }
    for (const c of openClients) c.close();
  }

  /**
   * --final-rotations: isolate the likely leader (and nodes that led a round, while the rest stay a
   * majority: rotationCut) for ROTATION_ISOLATE_MS, heal, wait ROTATION_RECOVERY_MS.
   */
  private async rotateLeader(rng: Rng, led: ReadonlySet<string>): Promise<void> {
    const o = this.o;
    const sleep = (ms: number): Promise<void> => new Promise<void>((resolve) => o.scheduler.after(ms, resolve));
    const guess = inferLeader(this.network.traffic.counts(o.scheduler.now(), LEADER_WINDOW_MS), o.nodes, rng);
    const grudge = rotationCut(guess.leader, led, o.nodes, rng);
    this.network.partition(grudge);
    this.history.record('info', 'nemesis', 'start-rotate-leader', { leader: guess.leader, sends: guess.sends, basis: guess.basis });
    this.history.record('info', 'nemesis', 'start-rotate-leader', ['isolated', grudgeToJson(grudge)]);
    await sleep(ROTATION_ISOLATE_MS);
    this.network.heal();
    this.history.record('info', 'nemesis', 'stop-rotate-leader', null);
    this.history.record('info', 'nemesis', 'stop-rotate-leader', 'network-healed');
    await sleep(ROTATION_RECOVERY_MS);
  }

  private outcome(startedAt: number, aborted: string | null): TestRunOutcome {
    const clientInvokes = this.history.ops.filter((op) => op.type === 'invoke' && op.process !== 'nemesis').length;
    return {
      history: this.history.ops,
      net: this.journal.stats(clientInvokes),
      mutes: this.mutes,
      crashes: [],
      aborted,
      startedAt,
      endedAt: this.o.scheduler.now(),
    };
  }

  private startNode(id: string): void {
    let host = this.hosts.get(id);
    if (!host) {
      host = this.o.host(id);
      this.hosts.set(id, host);
    }
    this.muted.delete(id);
    host.start({
      stdout: (line) => this.fromNode(id, line),
      exit: (code, signal) => {
        this.initExitWatch.get(id)?.(code, signal);
        if (!this.killedOnPurpose.has(id) && !this.tearingDown) this.o.log(`WARN node ${id} exited (code ${code}, signal ${signal}) during the test`);
      },
    });
  }

  /** A line on a node's stdout: validate, route, or mute the node for the rest of the test (spec §1.1). */
  private fromNode(id: string, line: string): void {
    if (this.muted.has(id)) return;
    const parsed = parseNodeLine(line);
    let reason: string | null = null;
    if (!parsed.ok) reason = parsed.reason;
    else {
      this.o.messageLog?.noteLine(line, parsed.body);
      const sent = this.network.send(parsed.src, parsed.dest, parsed.body);
      if (!sent.ok) reason = `${sent.reason} (line: ${line.length > 300 ? line.slice(0, 300) + '...' : line})`;
    }
    if (reason === null) return;
    this.muted.add(id);
    this.hosts.get(id)?.stopReading();
    const at = this.o.scheduler.now();
    this.mutes.push({ node: id, at, reason });
    this.o.log(
      `ERROR node ${id} is now MUTE: ${reason}. Real Maelstrom stops reading a node's stdout after the first bad line ` +
        `and never reads it again, so none of ${id}'s later messages will be delivered.`,
    );
  }

  /** The init handshake for one node (spec §1.3). Resolves to an error message or null. */
  private init(id: string): Promise<string | null> {
    const client = new NetClient(this.allocateClientId(), this.network, this.o.scheduler);
    client.open();
    return new Promise((resolve) => {
      // Maelstrom would wait out the 10 s; a node that already exited cannot answer, so say why at once.
      this.initExitWatch.set(id, (code, signal) => {
        this.initExitWatch.delete(id);
        client.close();
        const stderr = this.hosts.get(id)?.lastLines().stderr ?? [];
        resolve(`node ${id} exited (code ${code}, signal ${signal}) before answering init (:init-failed)` + (stderr.length ? `; its last stderr lines:\n${stderr.join('\n')}` : ''));
      });
      client.call(id, { type: 'init', node_id: id, node_ids: [...this.o.nodes] }, INIT_TIMEOUT_MS, (r) => {
        this.initExitWatch.delete(id);
        client.close();
        if (r.kind === 'timeout') return resolve(`node ${id} did not answer init within ${INIT_TIMEOUT_MS} ms (:init-failed)`);
        if (r.body.type === 'error') return resolve(`node ${id} answered init with an error: ${JSON.stringify(r.body)}`);
        if (r.body.type !== 'init_ok') return resolve(`node ${id} answered init with type ${JSON.stringify(r.body.type)}, expected "init_ok"`);
        resolve(null);
      });
    });
  }

  /** The nemesis's handle on the network and the node processes. */
  private faultTarget(): FaultTarget {
    // One grudge per partition package; the network drops their union.
    const grudges = new Map<string, Grudge>();
    const apply = (): void => {
      this.network.heal();
      for (const g of grudges.values()) this.network.partition(g);
    };
    // Hold counts: two packages may kill (or pause) the same node; it comes back when the last one lets go.
    const killHolds = new Map<string, number>();
    const pauseHolds = new Map<string, number>();
    const hold = (m: Map<string, number>, node: string): boolean => {
      const n = (m.get(node) ?? 0) + 1;
      m.set(node, n);
      return n === 1;
    };
    const release = (m: Map<string, number>, node: string): boolean => {
      const n = (m.get(node) ?? 0) - 1;
      if (n > 0) {
        m.set(node, n);
        return false;
      }
      m.delete(node);
      return n === 0;
    };
    return {
      partition: (g, owner = 'partition') => {
        grudges.set(owner, g);
        apply();
      },
      heal: (owner) => {
        if (owner === undefined) grudges.clear();
        else grudges.delete(owner);
        apply();
      },
      kill: (node) => {
        if (!hold(killHolds, node)) return;
        this.killedOnPurpose.add(node);
        this.hosts.get(node)?.signal('SIGKILL');
      },
      restart: (node) => {
        if (!release(killHolds, node)) return;
        this.startNode(node);
        this.killedOnPurpose.delete(node);
        void this.init(node).then((err) => {
          if (err) this.o.log(`WARN restarted node ${node}: ${err}`);
        });
      },
      pause: (node) => {
        if (!hold(pauseHolds, node)) return;
        this.paused.add(node);
        this.hosts.get(node)?.signal('SIGSTOP');
      },
      resume: (node) => {
        if (!release(pauseHolds, node)) return;
        this.paused.delete(node);
        this.hosts.get(node)?.signal('SIGCONT');
      },
      setLoss: (p) => {
        this.network.lossProbability = p;
      },
      setDuplicate: (p) => {
        this.network.duplicateProbability = p;
      },
      setSlow: (slow) => {
        this.network.slow = slow === null ? null : { nodes: new Set(slow.nodes), extraMs: slow.extraMs };
      },
      observeSends: (cb) => {
        this.network.onServerSend = cb;
      },
      trafficCounts: (windowMs) => this.network.traffic.counts(this.o.scheduler.now(), windowMs),
      // The final reads' path: a client of its own per request, nothing in the checked history.
      request: (node, body, timeoutMs, done) => {
        const client = new NetClient(this.allocateClientId(), this.network, this.o.scheduler);
        client.open();
        client.call(node, body, timeoutMs, (r) => {
          client.close();
          done(r.kind === 'reply' ? r.body : null);
        });
      },
    };
  }

  /** Emergency stop (Ctrl-C, runner crash): SIGKILL every node now, synchronously. */
  killAllNow(): void {
    this.tearingDown = true;
    for (const h of this.hosts.values()) {
      h.signal('SIGCONT');
      h.signal('SIGKILL');
    }
  }

  /** Maelstrom checks at DB teardown whether each node is still alive (spec §3). */
  private detectCrashes(): CrashReport[] {
    const out: CrashReport[] = [];
    for (const [id, host] of this.hosts) {
      if (host.running() || this.killedOnPurpose.has(id)) continue;
      const status = host.exitStatus();
      const lines = host.lastLines();
      out.push({ node: id, code: status?.code ?? null, signal: status?.signal ?? null, stdout: lines.stdout, stderr: lines.stderr });
    }
    return out;
  }

  private async teardown(): Promise<void> {
    this.tearingDown = true;
    for (const id of this.paused) this.hosts.get(id)?.signal('SIGCONT');
    await Promise.all([...this.hosts.values()].map((h) => h.terminate()));
  }
}
