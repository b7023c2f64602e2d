/**
 * The deliberately broken rules a test can switch on in our node, by name:
 * the simulator's `--broken NAME` and the test-only bundle
 * dist/test/raft-node-broken.js (corpus/broken-node-main.ts) share this
 * table. Type imports only, so that bundle does not pull in the simulator.
 */
import type { TestingFaults } from '../raft';
import type { ServerTestingFaults } from '../server/server';
import type { BrokenSwitches } from './config';

export const BROKEN_SWITCHES: Record<string, (b: BrokenSwitches) => void> = {
  'ack-writes-before-commit': (b) => setServer(b, 'ackWritesBeforeCommit'),
  'reads-without-read-index': (b) => setServer(b, 'readsWithoutReadIndex'),
  'commit-old-term-by-counting': (b) => setRaft(b, 'commitOldTermByCounting'),
  'grant-two-votes-per-term': (b) => setRaft(b, 'grantTwoVotesPerTerm'),
  'skip-log-up-to-date-check': (b) => setRaft(b, 'skipLogUpToDateCheck'),
  'read-without-quorum-check': (b) => setRaft(b, 'readWithoutQuorumCheck'),
  'ack-before-persist': (b) => setRaft(b, 'ackBeforePersist'),
  'lease-outlives-election': (b) => setRaft(b, 'leaseOutlivesElection'),
  'pair-commit-without-leader-durability': (b) => setRaft(b, 'pairCommitWithoutLeaderDurability'),
  'membership-on-commit': (b) => setRaft(b, 'membershipOnCommit'),
  'count-removed-voters': (b) => setRaft(b, 'countRemovedVoters'),
  'count-learners': (b) => setRaft(b, 'countLearners'),
  'change-before-term-commit': (b) => setRaft(b, 'changeBeforeTermCommit'),
  'removed-leader-keeps-leading': (b) => setRaft(b, 'removedLeaderKeepsLeading'),
};

function setServer(b: BrokenSwitches, key: keyof ServerTestingFaults): void {
  b.server = { ...b.server, [key]: true };
}

function setRaft(b: BrokenSwitches, key: keyof TestingFaults): void {
  b.raft = { ...b.raft, [key]: true };
}
