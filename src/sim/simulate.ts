/**
 * One deterministic simulated run: N real RaftServers on virtual disks, a
 * virtual node-to-node network, Maelstrom-style clients driven by the
 * runner's own interpreter and the workload's own generator, the seed's
 * fault schedule, then the workload's own checker and the liveness check.
 *
 * Determinism: everything that happens is a callback of one VirtualScheduler,
 * and every random choice comes from one seeded Rng (forked per consumer).
 * Storage resolves Promises, so continuations run as microtasks; the driver
 * drains them (by awaiting a macrotask) after each virtual instant, before
 * the clock may move on. Nothing else in the process touches this run's
 * state, so the interleaving is a function of the seed alone.
 */
import type { CheckResult, HistoryOp } from '../checker/history';
import { isClientId } from '../protocol/message';
import { NetClient } from '../runner/client';
import { HistoryRecorder } from '../runner/history-recorder';
import { Interpreter } from '../runner/interpreter';
import { NetJournal } from '../runner/journal';
import { Network } from '../runner/network';
import { Rng } from '../runner/rng';
import { VirtualScheduler } from '../runner/scheduler';
import type { BenchWorkload, WorkloadOptions } from '../runner/workload';
import { BENCH_WORKLOADS } from '../../workloads/bench-registry';
import type { SimConfig } from './config';
import { CommitChecker } from './commit-checker';
import { checkLiveness, type LivenessResult } from './liveness';
import { SimNemesis } from './nemesis';
import { SimNetwork } from './sim-network';
import { SimNode } from './sim-node';
import { NO_TRACE, TraceLog, type Trace } from './trace';

export const SIM_WORKLOADS = ['lin-kv', 'txn-list-append', 'txn-rw-register'] as const;

export const SIM_WORKLOAD_OPTIONS: WorkloadOptions = {
  keyCount: 10,
  maxTxnLength: 4,
  maxWritesPerKey: 16,
  consistencyModels: ['strict-serializable'],
  latencyMs: 0,
};

const INIT_TIMEOUT_MS = 10_000;
const MAX_STEPS_PER_INSTANT = 100_000;
/**
 * A run of ~10 virtual seconds moves a few MB of node-to-node JSON; a node
 * that resends its whole log in a loop would make one seed take minutes.
 */
export const MAX_NODE_TRAFFIC_CHARS = 256 * 1024 * 1024;

export interface SimStats {
  clientOps: number;
  virtualMs: number;
  wallMs: number;
  /** Wall time of the history checker alone. */
  checkMs: number;
  nodeMessages: number;
  crashes: number;
  nemesisEvents: number;
}

export interface SimResult {
  config: SimConfig;
  history: HistoryOp[];
  check: CheckResult;
  liveness: LivenessResult;
  /** Why this run failed (empty = passed): checker verdict, liveness, node exceptions, a stuck run. */
  failures: string[];
  trace: readonly string[];
  stats: SimStats;
}

export interface SimulateOptions {
  trace?: boolean;
  /** Wall-clock source for the speed figures only (never influences the run). */
  wallClock?: () => number;
}

export function benchWorkload(name: string): BenchWorkload {
  const w = BENCH_WORKLOADS.get(name);
  if (!w || !(SIM_WORKLOADS as readonly string[]).includes(name)) {
    throw new Error(`unknown simulator workload "${name}"; choose one of ${SIM_WORKLOADS.join(', ')}`);
  }
  return w;
}

export async function simulate(config: SimConfig, opts: SimulateOptions = {}): Promise<SimResult> {
  const wall = opts.wallClock ?? (() => 0);
  const wallStart = wall();
  const workload = benchWorkload(config.workload);
  const scheduler = new VirtualScheduler();
  const trace: Trace = opts.trace ? new TraceLog(() => scheduler.now()) : NO_TRACE;
  const root = new Rng(config.seed);
  const ids = Array.from({ length: config.tunables.nodeCount }, (_, i) => `n${i}`);
  const nodeIds = new Set(ids);
  const failures: string[] = [];
  const concurrency = 2 * ids.length;
  const invalid = workload.validate(ids.length, concurrency, SIM_WORKLOAD_OPTIONS);
  if (invalid) throw new Error(`simulator configuration rejected by ${workload.name}: ${invalid}`);

  // Clients talk to nodes through Maelstrom's own network model (zero latency, never partitioned).
  const clientNet = new Network({ scheduler, latency: () => 0, rng: root.fork('client-net'), journal: new NetJournal() });
  clientNet.setServerIds(ids);
  const nodes = new Map<string, SimNode>();
  // Created with the client phase; nodes tell it when one takes office (leader strikes).
  let nemesis: SimNemesis | null = null;
  const commits = new CommitChecker();
  const network = new SimNetwork(scheduler, config.network, root.fork('network'), trace, (dest, line) => nodes.get(dest)?.deliver(line));

  ids.forEach((id, i) => {
    const node = new SimNode({
      id,
      scheduler,
      clockRate: config.clockRates[i],
      tunables: config.tunables,
      broken: config.broken,
      rng: root.fork(`node:${id}`),
      trace,
      commits,
      output: (src, dest, line) => {
        if (trace.enabled) trace.record('send', src, line);
        if (nodeIds.has(dest)) return network.send(src, dest, line);
        if (!isClientId(dest)) {
          failures.push(`node ${src} sent to unknown destination ${JSON.stringify(dest)}: ${line.slice(0, 200)}`);
          return;
        }
        // Replies to a client that has gone away are dropped, as Maelstrom drops them.
        if (clientNet.isRegistered(dest)) clientNet.send(src, dest, JSON.parse(line).body);
      },
      onLeader: (node) => nemesis?.leaderElected(node),
      onError: (node, error) => {
        const e = error as Error;
        failures.push(`node ${node} threw: ${e?.stack?.split('\n').slice(0, 4).join(' | ') ?? String(error)}`);
      },
    });
    nodes.set(id, node);
    clientNet.register(id, (m) => {
      const line = JSON.stringify({ id: m.id, src: m.src, dest: m.dest, body: m.body });
      if (trace.enabled) trace.record('send', m.src, line);
      node.deliver(line);
    });
  });

  let clientCounter = 0;
  const allocateClientId = (): string => `c${clientCounter++}`;
  const init = (node: SimNode, onFailure: (why: string) => void): void => {
    const client = new NetClient(allocateClientId(), clientNet, scheduler);
    client.open();
    client.call(node.id, { type: 'init', node_id: node.id, node_ids: ids }, INIT_TIMEOUT_MS, (r) => {
      client.close();
      if (r.kind === 'timeout') return onFailure(`node ${node.id} did not answer init within ${INIT_TIMEOUT_MS} ms`);
      if (r.body.type !== 'init_ok') onFailure(`node ${node.id} answered init with ${JSON.stringify(r.body)}`);
    });
  };
  const restart = (node: SimNode): void => {
    node.start();
    // A restarted node may legitimately be crashed again before answering; only a live silent node is a failure.
    init(node, (why) => {
      if (node.running && !node.isPaused) failures.push(`after restart: ${why}`);
    });
  };

  let initsAnswered = 0;
  for (const node of nodes.values()) {
    node.start();
    init(node, (why) => failures.push(why));
  }
  // init replies arrive through callbacks; count them by polling the clients' absence of failures.
  const initDeadline = scheduler.now() + INIT_TIMEOUT_MS + 1;
  await drive(scheduler, () => {
    initsAnswered = ids.filter((id) => nodes.get(id)!.raftStatus !== null).length;
    return initsAnswered === ids.length || failures.length > 0;
  }, initDeadline, failures);

  const history = new HistoryRecorder(scheduler);
  const { faultMs, recoveryMs, finalMs } = config.phases;
  const timeLimitMs = faultMs + recoveryMs + finalMs;
  let done = false;
  let interpreter: Interpreter | null = null;
  const phaseStart = scheduler.now();
  if (failures.length === 0) {
    history.startClock();
    interpreter = new Interpreter({
      scheduler,
      network: clientNet,
      workload,
      generator: workload.generator({ nodeCount: ids.length, concurrency, rng: root.fork('generator'), options: SIM_WORKLOAD_OPTIONS }),
      options: SIM_WORKLOAD_OPTIONS,
      nodes: ids,
      concurrency,
      rate: config.rate,
      timeLimitMs,
      rng: root.fork('stagger'),
      history,
      allocateClientId,
      onDone: () => {
        done = true;
      },
    });
    nemesis = new SimNemesis({
      faults: config.faults,
      meanMs: config.faultMeanMs,
      strike: config.strike,
      nodes: [...nodes.values()],
      network,
      profile: config.network,
      scheduler,
      rng: root.fork('nemesis'),
      history,
      trace,
      restart,
      adminRng: root.fork('admin-nemesis'),
      adminRequest: (node, body, timeoutMs, done) => {
        const client = new NetClient(allocateClientId(), clientNet, scheduler);
        client.open();
        client.call(node, body, timeoutMs, (r) => {
          client.close();
          done(r.kind === 'reply' ? r.body : null);
        });
      },
    });
    nemesis.start(phaseStart + faultMs);
    if (trace.enabled) traceStatusEvery(250, scheduler, nodes, trace);
    interpreter.start();
    // Every op completes within its client timeout, so a run past this bound is stuck.
    const hardStop = phaseStart + timeLimitMs + workload.timeoutMs(SIM_WORKLOAD_OPTIONS) + 1000;
    // Stop early on a certain failure: a diverged log or a message storm only gets worse.
    const hopeless = (): boolean => commits.violations.length > 0 || network.sentChars > MAX_NODE_TRAFFIC_CHARS;
    await drive(scheduler, () => done || hopeless(), hardStop, failures);
    if (network.sentChars > MAX_NODE_TRAFFIC_CHARS) {
      failures.push(`message storm: nodes sent over ${MAX_NODE_TRAFFIC_CHARS / 1024 / 1024} MB of JSON to each other by ${scheduler.now().toFixed(0)} virtual ms`);
    } else if (!done && commits.violations.length === 0) failures.push(`stuck: client phase not finished after ${hardStop - phaseStart} virtual ms`);
    interpreter.closeClients();
  }
  for (const node of nodes.values()) node.crash();

  for (const v of commits.violations) failures.push(`state machine safety: ${v}`);
  let check: CheckResult = { valid: 'unknown', reason: 'no client phase' };
  let liveness: LivenessResult = { ok: false, invoked: 0, okCount: 0, unserved: [], unservedCount: 0 };
  const checkStart = wall();
  if (interpreter && commits.violations.length > 0) {
    // The run has already failed for certain; a history built on a diverged log can make the
    // linearizability search explode (minutes per seed), so the swarm moves on.
    check = { valid: false, reason: 'history check skipped: replicas committed different entries (see state machine safety)' };
  } else if (interpreter) {
    try {
      check = workload.check(history.ops, { options: SIM_WORKLOAD_OPTIONS });
    } catch (e) {
      check = { valid: 'unknown', reason: `checker threw: ${(e as Error).message}` };
    }
    if (check.valid !== true) failures.push(`checker: ${workload.name} history is ${check.valid === false ? 'INVALID' : 'unknown'}${summarizeCheck(check)}`);
  }
  const checkMs = wall() - checkStart;
  if (interpreter && done) {
    liveness = checkLiveness(history.ops, (faultMs + recoveryMs) * 1e6);
    if (!liveness.ok) {
      failures.push(
        `liveness: ${liveness.unservedCount} of ${liveness.invoked} ops invoked ${recoveryMs} ms after the last fault were not served ` +
          `(${liveness.okCount} ok): ${liveness.unserved.join('; ')}`,
      );
    }
  }
  const clientOps = history.ops.filter((op) => op.type === 'invoke' && op.process !== 'nemesis').length;
  return {
    config,
    history: history.ops,
    check,
    liveness,
    failures,
    trace: trace.lines(),
    stats: {
      clientOps,
      virtualMs: scheduler.now(),
      wallMs: wall() - wallStart,
      checkMs,
      nodeMessages: network.sent,
      crashes: [...nodes.values()].reduce((s, n) => s + n.crashes, 0) - nodes.size,
      nemesisEvents: nemesis?.events ?? 0,
    },
  };
}

/**
 * Run the scheduler instant by instant until `stop()` or `limit`. After each
 * instant, one macrotask turn lets every Promise continuation (storage) run
 * before virtual time moves on.
 */
async function drive(scheduler: VirtualScheduler, stop: () => boolean, limit: number, failures: string[]): Promise<void> {
  // A node's code that throws inside a Promise continuation (storage recovery, a write's
  // completion) would kill a real process; here it is a failure of the run, with its stack.
  const onRejection = (reason: unknown): void => {
    const e = reason as Error;
    failures.push(`unhandled rejection in node code: ${e?.stack?.split('\n').slice(0, 5).join(' | ') ?? String(reason)}`);
  };
  process.on('unhandledRejection', onRejection);
  let sameInstant = 0;
  let lastInstant = -1;
  try {
    while (!stop()) {
      const next = scheduler.nextTimerAt();
      if (next === null || next > limit) break;
      // Code that keeps rescheduling itself at the same instant would hang a real
      // process at 100% CPU; here it would hang the swarm. Either way it is a bug.
      sameInstant = next === lastInstant ? sameInstant + 1 : 0;
      lastInstant = next;
      if (sameInstant > MAX_STEPS_PER_INSTANT) {
        failures.push(`livelock: virtual time stuck at ${next.toFixed(3)} ms for ${MAX_STEPS_PER_INSTANT} scheduler steps`);
        return;
      }
      scheduler.runUntil(next);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    process.off('unhandledRejection', onRejection);
  }
}

function traceStatusEvery(ms: number, scheduler: VirtualScheduler, nodes: Map<string, SimNode>, trace: Trace): void {
  const loop = (): void => {
    for (const node of nodes.values()) {
      const s = node.raftStatus;
      const text = s
        ? `${s.role} term ${s.term} leader ${s.leader ?? '-'} commit ${s.commit} applied ${s.applied} log ${s.firstIndex}..${s.lastIndex}`
        : 'down';
      trace.record('status', node.id, node.isPaused ? `${text} (paused)` : text);
    }
    scheduler.after(ms, loop);
  };
  scheduler.after(ms, loop);
}

function summarizeCheck(check: CheckResult): string {
  const text = JSON.stringify(check);
  return text.length > 400 ? `: ${text.slice(0, 400)}...` : `: ${text}`;
}
