import { Rng } from './rng';

export type LatencyDist = 'constant' | 'uniform' | 'exponential' | 'pareto' | 'lognormal';
export const LATENCY_DISTS: readonly LatencyDist[] = ['constant', 'uniform', 'exponential', 'pareto', 'lognormal'];
/** Distributions only we offer (Maelstrom has constant, uniform, exponential). */
export const EXTENSION_LATENCY_DISTS: readonly LatencyDist[] = ['pareto', 'lognormal'];

/** Shape of the heavy-tailed `pareto` extension (finite mean, infinite variance). */
export const PARETO_SHAPE = 1.5;
/** `pareto` and `lognormal` draws are capped at this multiple of the mean, so no message hangs. */
export const HEAVY_TAIL_CAP = 20;
/** Sigma of the `lognormal` extension's underlying normal. */
export const LOGNORMAL_SIGMA = 1;

/**
 * Scale x_m (as a fraction of the mean) of a Pareto(alpha) capped at cap*mean
 * whose capped mean is exactly the mean: E[min(X, c)] = x_m + (x_m - x_m^a c^(1-a)) / (a - 1)
 * is increasing in x_m, so bisect on [0, 1]. For alpha 1.5, cap 20 it is ~0.3664
 * (the uncapped Pareto would need 1/3).
 */
export function paretoScaleFraction(alpha: number, cap: number): number {
  const cappedMean = (s: number): number => s + (s - Math.pow(s, alpha) * Math.pow(cap, 1 - alpha)) / (alpha - 1);
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cappedMean(mid) < 1) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

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
    case 'pareto': {
      // Extension: Pareto(alpha 1.5) with minimum x_m, capped at HEAVY_TAIL_CAP * mean, x_m chosen so the
      // CAPPED mean is the mean. Fractional ms (no flooring). Mean 0 is a constant 0, not an error.
      if (!(meanMs > 0)) return () => 0;
      const xm = paretoScaleFraction(PARETO_SHAPE, HEAVY_TAIL_CAP) * meanMs;
      const cap = HEAVY_TAIL_CAP * meanMs;
      return () => Math.min(cap, xm / Math.pow(1 - rng.float(), 1 / PARETO_SHAPE));
    }
    case 'lognormal': {
      // Extension: exp(N(mu, sigma^2)) with mu = ln(mean) - sigma^2/2 (so the mean is the mean), capped like pareto.
      if (!(meanMs > 0)) return () => 0;
      const mu = Math.log(meanMs) - (LOGNORMAL_SIGMA * LOGNORMAL_SIGMA) / 2;
      const cap = HEAVY_TAIL_CAP * meanMs;
      return () => {
        // Box-Muller; 1 - float() is in (0, 1], so the log is finite.
        const z = Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float());
        return Math.min(cap, Math.exp(mu + LOGNORMAL_SIGMA * z));
      };
    }
  }
}

export class LatencyStartupError extends Error {}
