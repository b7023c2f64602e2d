import { strict as assert } from 'assert';
import { chooseConfig, FAULT_KINDS } from '../../src/sim/config';
import { simulate } from '../../src/sim/simulate';
import { historyText } from '../../src/sim/swarm';

const SEED = Number(process.env.SEED ?? 11);
const PHASES = { faultMs: 1500, recoveryMs: 2500, finalMs: 800 };

describe(`sim: determinism (SEED=${SEED})`, function () {
  this.timeout(60_000);

  it('the same seed gives a byte-identical history and trace, with every fault kind active', async () => {
    for (const workload of ['lin-kv', 'txn-list-append']) {
      const config = chooseConfig(SEED, workload, { faults: [...FAULT_KINDS], phases: PHASES });
      const a = await simulate(config, { trace: true });
      const b = await simulate(config, { trace: true });
      assert.ok(a.history.length > 50, `${workload}: expected a real history, got ${a.history.length} events`);
      assert.ok(a.trace.some((l) => / (power-loss|kill) /.test(l)), `${workload}: the trace should show a crash`);
      assert.ok(a.trace.some((l) => / send /.test(l)) && a.trace.some((l) => / recv /.test(l)), 'messages are traced');
      assert.ok(a.trace.some((l) => / save /.test(l)), 'storage calls are traced');
      assert.equal(historyText(a), historyText(b), `${workload}: histories differ for seed ${SEED}`);
      assert.equal(a.trace.join('\n'), b.trace.join('\n'), `${workload}: traces differ for seed ${SEED}`);
      assert.deepEqual(a.failures, b.failures);
    }
  });

  it('tracing does not change the run (a traced replay is the same run as the untraced swarm run)', async () => {
    const config = chooseConfig(SEED, 'lin-kv', { faults: ['crash', 'partition', 'disk-slow'], phases: PHASES });
    const traced = await simulate(config, { trace: true });
    const plain = await simulate(config, {});
    assert.equal(plain.trace.length, 0);
    assert.equal(historyText(plain), historyText(traced));
  });

  it('different seeds give different runs', async () => {
    const a = await simulate(chooseConfig(SEED, 'lin-kv', { phases: PHASES }));
    const b = await simulate(chooseConfig(SEED + 1, 'lin-kv', { phases: PHASES }));
    assert.notEqual(historyText(a), historyText(b));
  });
});
