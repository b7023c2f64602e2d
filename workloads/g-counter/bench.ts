import { MixGenerator } from '../../src/runner/mix-generator';
import { BenchWorkload, GeneratorContext } from '../../src/runner/workload';
import { counterBench, pnCounterDelta } from '../pn-counter/bench';

/**
 * Maelstrom's g-counter is pn-counter's workload with `gen/filter` dropping
 * negative adds: a rejected draw is redrawn, so reads are 2/3 of the ops and
 * deltas are uniform on 0 .. 4. Nodes are expected to use the seq-kv service.
 */
export function gCounterGenerator(ctx: GeneratorContext): MixGenerator {
  return new MixGenerator(ctx.rng, [
    () => {
      const d = pnCounterDelta(ctx);
      return d < 0 ? null : { f: 'add', value: d };
    },
    () => ({ f: 'read', value: null }),
  ]);
}

export const gCounterBench: BenchWorkload = counterBench('g-counter', gCounterGenerator);
