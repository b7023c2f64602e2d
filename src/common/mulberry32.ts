/**
 * Mulberry32: a tiny seeded PRNG returning numbers in [0, 1). One shared
 * implementation for test data, the Raft tester and micro-benchmarks, so the
 * same seed means the same sequence everywhere it is used. (The runner's
 * `Rng` uses sfc32 with named, independent streams; this one is for places
 * that need just a function.)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
