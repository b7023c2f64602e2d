/**
 * Everything a node needs from the outside world, as one injected interface.
 * The process entry point (src/server/main.ts) wires real timers, stderr and
 * stdout; the simulator wires a virtual clock and network. Nothing below the
 * entry point may call Date.now(), setTimeout(), Math.random() or touch
 * process.stdout directly — that is what makes whole-cluster simulation
 * deterministic.
 */
import type { Envelope } from './message';

export interface TimerHandle {
  cancel(): void;
}

export interface NodeEnv {
  /** Milliseconds on a monotonic clock (only differences are meaningful). */
  now(): number;
  /** Run `fn` once after `ms` milliseconds. */
  setTimer(ms: number, fn: () => void): TimerHandle;
  /**
   * Run `fn` once the current batch of input has been handled (setImmediate in
   * the process). Everything that arrives in one event-loop turn is coalesced
   * into one proposal batch / one forward / one stdout write by deferring the
   * flush with this.
   */
  defer(fn: () => void): void;
  /** Uniform in [0, 1), seeded in the simulator. */
  random(): number;
  /** One line of diagnostics (stderr in the process). Never stdout. */
  log(line: string): void;
  /** Hand one message to the network (stdout in the process). */
  send(message: Envelope): void;
}
