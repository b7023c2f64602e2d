import { strict as assert } from 'assert';
import { chooseConfig, type ConfigOverrides } from '../../src/sim/config';
import { SIM_WORKLOADS, simulate } from '../../src/sim/simulate';
import { historyText } from '../../src/sim/swarm';

/**
 * A small swarm of the correct node must stay clean; the full CI swarm
 * (hundreds of seeds) is a separate command (see src/sim/README.md).
 */
const FIRST = Number(process.env.SEED ?? 1);
const SEEDS = Number(process.env.SIM_SEEDS ?? 15);
const PHASES = { faultMs: 2000, recoveryMs: 3000, finalMs: 800 };

describe(`sim: mini swarm of the correct node (seeds ${FIRST}..${FIRST + SEEDS - 1})`, function () {
  this.timeout(120_000);
  for (const workload of SIM_WORKLOADS) {
    it(`${workload}: every seed passes the checker, State Machine Safety and liveness`, async () => {
      for (let seed = FIRST; seed < FIRST + SEEDS; seed++) {
        const r = await simulate(chooseConfig(seed, workload, { phases: PHASES }));
        assert.deepEqual(r.failures, [], `${workload} seed ${seed} failed; replay: node -r ./test/support/register.js src/sim/main.ts --workload ${workload} --seed ${seed} --fault-ms 2000 --recovery-ms 3000 --final-ms 800`);
        assert.equal(r.check.valid, true);
        assert.ok(r.liveness.okCount > 0);
      }
    });
  }
});

interface Switch {
  name: string;
  flag: string;
  overrides: ConfigOverrides;
  /** Seeds tried before giving up (measured first catches are well inside). */
  bound: number;
  /** Command-line flags of the overrides other than the switch and the phases. */
  pins?: string[];
}

const SWITCHES: Switch[] = [
  { name: 'server ackWritesBeforeCommit', flag: 'ack-writes-before-commit', overrides: { broken: { server: { ackWritesBeforeCommit: true } }, phases: PHASES }, bound: 20 },
  { name: 'server readsWithoutReadIndex', flag: 'reads-without-read-index', overrides: { broken: { server: { readsWithoutReadIndex: true } }, phases: PHASES }, bound: 20 },
  { name: 'raft skipLogUpToDateCheck', flag: 'skip-log-up-to-date-check', overrides: { broken: { raft: { skipLogUpToDateCheck: true } } }, bound: 60 },
  // Short phases: at full length its first catch (seed 1) is a 256 MB message storm, ~40 s a run.
  { name: 'raft grantTwoVotesPerTerm', flag: 'grant-two-votes-per-term', overrides: { broken: { raft: { grantTwoVotesPerTerm: true } }, phases: PHASES }, bound: 60 },
  // Figure 8 needs an old-term entry acknowledged on its own, before the new leader's no-op:
  // one entry per AppendEntries (batching off, as the core tester's churn profile forces),
  // and 3 nodes, where one strike decides a majority. The swarm draws both in 12% of seeds;
  // pinned here, about 1 seed in 37 catches it (seeds 1..300: 14, 74, 123, ...; from first seeds
  // 1001, 2001, 3001, 4001, 5001 the 41st, 41st, 17th, 17th, 42nd; largest gap seen 88).
  // Commit by pair (3 voters) without the leader's word that it holds the entry durably: a
  // follower answers a write that dies with the leader's crash. Seeds 1..40 at 3 nodes: 8 catch, the first is 3.
  {
    name: 'raft pairCommitWithoutLeaderDurability',
    flag: 'pair-commit-without-leader-durability',
    overrides: { broken: { raft: { pairCommitWithoutLeaderDurability: true } }, nodeCount: 3 },
    pins: ['--nodes', '3'],
    bound: 40,
  },
  // Quorum rules broken across a change of configuration: changes of one node at a time keep
  // old and new majorities overlapping, so only the bold seeds (random voter sets, admin-faults.ts)
  // lose entries. Pinned faults, full phases, seeds 1..100: both first caught at seed 18 (then
  // 21/23, 23/41); with the short phases used here, seeds 18 and 21.
  {
    name: 'raft countRemovedVoters',
    flag: 'count-removed-voters',
    overrides: { broken: { raft: { countRemovedVoters: true } }, faults: ['membership', 'transfer', 'partition', 'crash'], phases: PHASES },
    pins: ['--faults', 'membership,transfer,partition,crash'],
    bound: 40,
  },
  {
    name: 'raft countLearners',
    flag: 'count-learners',
    overrides: { broken: { raft: { countLearners: true } }, faults: ['membership', 'transfer', 'partition', 'crash'], phases: PHASES },
    pins: ['--faults', 'membership,transfer,partition,crash'],
    bound: 40,
  },
  {
    name: 'raft commitOldTermByCounting',
    flag: 'commit-old-term-by-counting',
    overrides: { broken: { raft: { commitOldTermByCounting: true } }, nodeCount: 3, batching: false },
    pins: ['--nodes', '3', '--no-batching'],
    bound: 150,
  },
];

describe('sim: broken nodes are caught within a bounded number of seeds, and the failing seed replays', function () {
  this.timeout(180_000);
  for (const sw of SWITCHES) {
    it(`${sw.name} (within ${sw.bound} seeds)`, async () => {
      let caught: number | null = null;
      let failures: string[] = [];
      for (let seed = 1; seed <= sw.bound && caught === null; seed++) {
        const r = await simulate(chooseConfig(seed, 'lin-kv', sw.overrides));
        // Only safety counts as catching a broken node: a liveness miss could be luck.
        const safety = r.failures.filter((f) => f.startsWith('checker:') || f.startsWith('state machine safety:'));
        if (safety.length > 0) {
          caught = seed;
          failures = r.failures;
        }
      }
      assert.notEqual(caught, null, `${sw.name} was not caught in seeds 1..${sw.bound}`);
      console.log(`      caught at seed ${caught}: node -r ./test/support/register.js src/sim/main.ts --workload lin-kv --seed ${caught} --broken ${sw.flag}${(sw.pins ?? []).map((p) => ` ${p}`).join('')}${sw.overrides.phases ? ' --fault-ms 2000 --recovery-ms 3000 --final-ms 800' : ''}`);
      const config = chooseConfig(caught as number, 'lin-kv', sw.overrides);
      const first = await simulate(config);
      const again = await simulate(config, { trace: true });
      assert.deepEqual(again.failures, failures);
      assert.deepEqual(first.failures, failures);
      assert.equal(historyText(again), historyText(first));
    });
  }
});
