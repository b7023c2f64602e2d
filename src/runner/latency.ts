import { Rng } from './rng';

export type LatencyDist = 'constant' | 'uniform' | 'exponential';
export const LATENCY_DISTS: readonly LatencyDist[] = ['constant', 'uniform', 'exponential'];

/**
 * Per-message latency in ms for node<->node and node<->service messages
 * (spec §2.2). Client messages never get here: they always have latency 0.
 *
 * Maelstrom builds the distribution when the network starts; with mean 0 the
 * uniform one fails incanter's `end > start` precondition and the exponential
 * one divides by zero, both aborting the run before the test begins. We throw
 * a `LatencyStartupError` at the same point so the entry point can exit 255.
 */
export function makeLatency(dist: LatencyDist, meanMs: number, rng: Rng): () => number {
  switch (dist) {
    case 'constant':
      return () => meanMs;
    case 'uniform':
      if (!(2 * meanMs > 0)) {
        throw new LatencyStartupError(
          `--latency-dist uniform with --latency ${meanMs}: the uniform distribution on [0, 2*${meanMs}) is empty ` +
            '(real Maelstrom aborts here with an AssertionError, exit 255); use --latency >= 1 or --latency-dist constant',
        );
      }
      // Integer uniform on [0, 2*mean): start inclusive, end exclusive, like incanter.
      return () => rng.int(2 * meanMs);
    case 'exponential':
      if (!(meanMs > 0)) {
        throw new LatencyStartupError(
          `--latency-dist exponential with --latency ${meanMs}: rate 1/0 (real Maelstrom aborts with ` +
            '"Divide by zero", exit 255); use --latency >= 1 or --latency-dist constant',
        );
      }
      // Truncated to an integer like Maelstrom's (long ...), so the realised mean is a little below `mean`.
      return () => Math.floor(rng.exponential(meanMs));
  }
}

export class LatencyStartupError extends Error {}
