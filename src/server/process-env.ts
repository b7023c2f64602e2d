/**
 * The real NodeEnv: process timers, setImmediate, Math.random, stderr, and a
 * stdout writer that coalesces one event-loop turn of messages into one write.
 * The only place in the node (besides main.ts) that touches the process.
 */
import { performance } from 'perf_hooks';
import type { NodeEnv } from '../protocol/env';
import type { CoalescingWriter } from '../protocol/stdio';

export function processEnv(stdout: CoalescingWriter, nodeLabel: () => string): NodeEnv {
  return {
    now: () => performance.now(),
    setTimer(ms, fn) {
      const timer = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(timer) };
    },
    defer: (fn) => setImmediate(fn),
    random: Math.random,
    log(line) {
      const time = new Date().toISOString().slice(11, 23);
      process.stderr.write(`${time} ${nodeLabel()} ${line}\n`);
    },
    send: (message) => stdout.send(message),
  };
}
