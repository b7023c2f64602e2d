import { NetClient, RpcResult } from './client';
import { HistoryRecorder } from './history-recorder';
import { Network } from './network';
import { mapOutcome } from './outcome';
import { Rng } from './rng';
import { Scheduler, TimerHandle } from './scheduler';
import { BenchWorkload, FreeWorker, OpGenerator, OpSpec, WorkloadClient, WorkloadOptions } from './workload';
import { Completion } from './outcome';

interface Worker {
  thread: number;
  process: number;
  node: string;
  client: NetClient | null;
  /** The workload's stateful client (kafka), opened and closed with `client`. */
  session: WorkloadClient | null;
  busy: boolean;
}

export interface InterpreterOptions {
  scheduler: Scheduler;
  network: Network;
  workload: BenchWorkload;
  generator: OpGenerator;
  options: WorkloadOptions;
  nodes: readonly string[];
  concurrency: number;
  /** Ops per second across the whole test; 0 = no client ops. */
  rate: number;
  /** No op is invoked at or after start + timeLimitMs. */
  timeLimitMs: number;
  /** Randomness for the stagger gaps only. */
  rng: Rng;
  history: HistoryRecorder;
  /** Next free client id (`c<k>`), shared with the init and setup phases. */
  allocateClientId(): string;
  onDone(): void;
}

/**
 * Jepsen's generator interpreter, for one client phase (spec §4): C workers,
 * worker t bound to nodes[t mod N]; a global stagger of 1/rate (gaps uniform
 * on [0, 2/rate), first op immediate, next gap counted from the actual
 * dispatch); free workers offered in round-robin order; after an `info` the
 * worker's process becomes process + C (same node, same client).
 */
export class Interpreter {
  private readonly workers: Worker[];
  private nextOpAt = 0;
  private deadline = 0;
  private stopped = false;
  private finished = false;
  private wake: TimerHandle | null = null;
  /**
   * Jepsen's context `next-thread-index`: bumped by one (mod C + 1, the
   * nemesis being thread C) every time ANY thread, nemesis included, takes
   * an op; free client workers are offered starting from it, wrapping to 0.
   */
  private rotation = 0;
  private tickQueued = false;
  private invokes = 0;
  /** Set while Maelstrom's final generator runs (runFinal): no stagger, ops marked final. */
  private final: { generator: OpGenerator; done: () => void; expired: boolean } | null = null;

  constructor(private readonly o: InterpreterOptions) {
    this.workers = Array.from({ length: o.concurrency }, (_, t) => ({
      thread: t,
      process: t,
      node: o.nodes[t % o.nodes.length],
      client: null,
      session: null,
      busy: false,
    }));
  }

  start(): void {
    const now = this.o.scheduler.now();
    this.nextOpAt = now;
    this.deadline = now + this.o.timeLimitMs;
    this.o.scheduler.after(this.o.timeLimitMs, () => {
      this.stopped = true;
      this.wake?.cancel();
      this.maybeFinish();
    });
    if (this.o.rate > 0) this.tick();
  }

  invocationCount(): number {
    return this.invokes;
  }

  /** Close every worker's client (Jepsen closes clients after the run). */
  closeClients(): void {
    for (const w of this.workers) w.client?.close();
  }

  private queueTick(): void {
    if (this.tickQueued) return;
    this.tickQueued = true;
    this.o.scheduler.defer(() => {
      this.tickQueued = false;
      this.tick();
    });
  }

  /**
   * Maelstrom's `(gen/clients final-generator)` phase, after the client phase
   * finished: the same workers (processes, clients) take the final
   * generator's ops as soon as they are free, with no stagger. Done when the
   * generator offers nothing while every worker is idle, or when `boundMs`
   * passed and the ops in flight completed (kafka's `gen/time-limit 10`).
   */
  runFinal(generator: OpGenerator, boundMs: number | null, done: () => void): void {
    const state = { generator, done, expired: false };
    this.final = state;
    if (boundMs !== null) {
      this.o.scheduler.after(boundMs, () => {
        state.expired = true;
        this.finalTick();
      });
    }
    this.finalTick();
  }

  private finalTick(): void {
    const state = this.final;
    if (!state) return;
    for (;;) {
      const idle = this.workers.every((w) => !w.busy);
      const free = state.expired ? [] : this.freeWorkers();
      const choice = free.length > 0 ? state.generator.next(free) : null;
      if (!choice) {
        if (idle) {
          this.final = null;
          state.done();
        }
        return;
      }
      this.bumpRotation();
      const worker = this.workers[choice.thread];
      if (choice.pauseMs !== undefined && choice.pauseMs > 0) {
        // A per-thread gen/stagger inside the final generator (kafka's final polls): the worker waits, then invokes.
        worker.busy = true;
        const op = choice.op;
        this.o.scheduler.after(choice.pauseMs, () => {
          // The bound passed while it waited: like gen/time-limit, no new op after it.
          if (state.expired) {
            worker.busy = false;
            this.finalTick();
          } else this.dispatch(worker, op, state.generator, true);
        });
      } else this.dispatch(worker, choice.op, state.generator, true);
    }
  }

  private tick(): void {
    if (this.final) return this.finalTick();
    for (;;) {
      if (this.stopped || this.o.rate <= 0) return this.maybeFinish();
      const now = this.o.scheduler.now();
      if (now >= this.deadline) return;
      if (now < this.nextOpAt) {
        this.wake?.cancel();
        this.wake = this.o.scheduler.after(this.nextOpAt - now, () => {
          this.wake = null;
          this.tick();
        });
        return;
      }
      const free = this.freeWorkers();
      if (free.length === 0) return;
      const choice = this.o.generator.next(free);
      if (!choice) return;
      const worker = this.workers[choice.thread];
      this.bumpRotation();
      this.dispatch(worker, choice.op, this.o.generator, false);
      this.nextOpAt = now + this.o.rng.float() * (2000 / this.o.rate);
    }
  }

  /** The nemesis thread took an op (it shares Jepsen's thread rotation). */
  bumpRotation(): void {
    this.rotation = (this.rotation + 1) % (this.workers.length + 1);
  }

  /** Free workers in Jepsen's order: from `rotation` upwards, then from 0 (BitSet.nextSetBit twice). */
  freeWorkers(): FreeWorker[] {
    const out: FreeWorker[] = [];
    const n = this.workers.length;
    for (let i = 0; i < n; i++) {
      const w = this.workers[(this.rotation + i) % n];
      if (!w.busy) out.push({ thread: w.thread, process: w.process });
    }
    return out;
  }

  private dispatch(worker: Worker, op: OpSpec, generator: OpGenerator, final: boolean): void {
    const { workload, history } = this.o;
    worker.busy = true;
    this.invokes++;
    if (!worker.client) {
      worker.client = new NetClient(this.o.allocateClientId(), this.o.network, this.o.scheduler);
      worker.client.open();
    }
    const { f, value } = op;
    const process = worker.process;
    const tag: Record<string, unknown> = final ? { node: worker.node, final: true } : { node: worker.node };
    history.record('invoke', process, f, value, { ...(op.attrs ?? {}), ...tag });
    this.invoke(worker, op, (c) => {
      const extra: Record<string, unknown> = { ...tag };
      if (c.error !== undefined) extra.error = c.error;
      if (c.exception !== undefined) extra.exception = c.exception;
      const completion = history.record(c.type, process, f, c.value, extra);
      generator.update?.(worker.thread, completion);
      if (c.type === 'info') {
        worker.process += this.o.concurrency;
        if (!workload.reusableClient) {
          worker.client?.close();
          worker.client = null;
          worker.session = null;
        }
      }
      worker.busy = false;
      // Deferred: a reply arrives inside the network's delivery loop; start the next op from a fresh stack.
      this.queueTick();
    });
  }

  /** One op through the worker's client: a single RPC (most workloads) or the workload's stateful client (kafka). */
  private invoke(worker: Worker, op: OpSpec, done: (c: Completion) => void): void {
    const { workload, options } = this.o;
    const client = worker.client as NetClient;
    if (!workload.openClient) {
      client.call(worker.node, workload.request(op), workload.timeoutMs(options), (result) => done(mapOutcome(workload, op, result)));
      return;
    }
    if (!worker.session) worker.session = workload.openClient(options);
    const rpc = (body: Record<string, unknown>) =>
      new Promise<RpcResult>((resolve) => client.call(worker.node, body, workload.timeoutMs(options), resolve));
    worker.session.invoke(op, rpc).then(done, (e: unknown) =>
      done({ type: 'info', value: op.value, error: String(e), exception: { class: 'java.lang.Exception', message: String((e as Error)?.message ?? e) } }),
    );
  }

  private maybeFinish(): void {
    if (this.finished || !this.stopped) return;
    if (this.workers.some((w) => w.busy)) return;
    this.finished = true;
    this.o.onDone();
  }
}
