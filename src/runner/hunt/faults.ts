import { LATENCY_DISTS } from '../latency';
import { NEMESIS_FAULTS } from '../nemesis';
import { UsageError } from '../cli';
import { OPTIONS } from '../cli';

/**
 * Which faults a hunt may draw. The split is about what a CORRECT Raft must
 * survive: a node that keeps its state only in memory legitimately forgets
 * acknowledged writes when it is SIGKILLed, so kill faults are allowed only
 * with --durable (the user promises the node persists, e.g. `-- --data-dir data`).
 */

/** Survivable without persistence: the default pool. */
export const MEMORY_SAFE_FAULTS = ['partition', 'partition-leader', 'pause', 'pause-leader', 'partition-shift', 'loss', 'pause-all', 'slow', 'strike-leader'] as const;
/** Survivable, but drawn only when listed in --faults. */
export const OPT_IN_FAULTS = ['duplicate'] as const;
/** Need persistence: drawn (and in the default pool) only with --durable. */
export const DURABLE_FAULTS = ['kill', 'kill-leader', 'kill-minority', 'kill-majority', 'kill-all'] as const;

export const HUNT_FAULTS: readonly string[] = [...MEMORY_SAFE_FAULTS, ...OPT_IN_FAULTS, ...DURABLE_FAULTS];

/**
 * The faults the runner's `test --nemesis` accepts in this build. Another part
 * of the runner is adding the leader-aimed and multi-node faults; a fault we
 * know about but the test command does not (yet) accept is never drawn.
 */
export const RUNNER_FAULTS: readonly string[] = NEMESIS_FAULTS;

/** Latency distributions a hunt draws from, when the test command has them. */
export const HUNT_LATENCY_DISTS: readonly string[] = ['constant', 'uniform', 'exponential', 'pareto', 'lognormal'].filter((d) =>
  (LATENCY_DISTS as readonly string[]).includes(d),
);

/** Whether the test command has a given option (features that land while hunt exists). */
export function testHasOption(name: string): boolean {
  return OPTIONS.some((o) => o.names.includes(name));
}

export function isDurableFault(f: string): boolean {
  return (DURABLE_FAULTS as readonly string[]).includes(f);
}

/**
 * The pool of faults the hunt draws from, in a fixed order (HUNT_FAULTS order,
 * so the same flags always give the same pool and the same draws).
 * Throws UsageError for an unknown fault, a kill fault without --durable, or a
 * fault this runner cannot inject.
 */
export function faultPool(listed: readonly string[] | null, durable: boolean, runnerFaults: readonly string[] = RUNNER_FAULTS): string[] {
  if (listed === null) {
    return HUNT_FAULTS.filter(
      (f) => runnerFaults.includes(f) && ((MEMORY_SAFE_FAULTS as readonly string[]).includes(f) || (durable && isDurableFault(f))),
    );
  }
  if (listed.length === 0) throw new UsageError('--faults: empty list; name at least one fault (e.g. --faults partition,pause)');
  for (const f of listed) {
    if (!HUNT_FAULTS.includes(f)) {
      throw new UsageError(`--faults: unknown fault ${JSON.stringify(f)}; known: ${HUNT_FAULTS.join(', ')}`);
    }
    if (isDurableFault(f) && !durable) {
      throw new UsageError(
        `--faults ${f} needs --durable: a node without persistence legitimately forgets acknowledged writes when it is killed, ` +
          'so a kill would "find" a bug in every correct in-memory Raft. Pass --durable if the node persists ' +
          '(e.g. --durable -- --data-dir data), or drop the kill faults.',
      );
    }
    if (!runnerFaults.includes(f)) {
      throw new UsageError(`--faults: ${f} is not supported by this build's \`test --nemesis\` (it accepts ${runnerFaults.join(', ')})`);
    }
  }
  return HUNT_FAULTS.filter((f) => listed.includes(f));
}
