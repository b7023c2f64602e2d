/** Unit tests of the small pieces: quorum math, progress/in-flight window, the log, the read-only queue. */
import { strict as assert } from 'assert';
import { hasQuorum, majorityOf, pairIsQuorum, quorumSize, quorumValue, voteOutcome } from '../../src/raft/quorum';
import { MembershipHistory, decodeMembership, encodeMembership, membershipProblem, type Membership } from '../../src/raft/membership';
import { Inflights, Progress } from '../../src/raft/progress';
import { RaftLog } from '../../src/raft/log';
import { ReadOnlyQueue } from '../../src/raft/read-only';
import { RaftInvariantError } from '../../src/raft';
import type { Entry } from '../../src/raft';

const e = (index: number, term: number, data = `d${index}`): Entry => ({ index, term, kind: 'normal', data });
const BOOT: Membership = { voters: ['a'], outgoing: [], learners: [] };
const conf = (index: number, term: number, m: Membership): Entry => ({ index, term, kind: 'config', data: encodeMembership(m) });

describe('raft quorum math', () => {
  it('majorities', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map(quorumSize), [1, 2, 2, 3, 3]);
  });

  it('quorumValue is the highest value a majority has reached', () => {
    const v = { a: 5, b: 3, c: 9, d: 1, e: 7 } as Record<string, number>;
    const one = (...ids: string[]) => [majorityOf(ids)];
    assert.equal(quorumValue(one('a', 'b', 'c', 'd', 'e'), (id) => v[id]), 5);
    assert.equal(quorumValue(one('a', 'b', 'c'), (id) => v[id]), 5);
    assert.equal(quorumValue(one('a', 'b', 'c', 'd'), (id) => v[id]), 3);
    assert.equal(quorumValue(one('d'), (id) => v[id]), 1);
  });

  it('joint majorities: every decision needs a majority of both the old and the new voters', () => {
    const v = { a: 9, b: 9, c: 1, d: 1, e: 1 } as Record<string, number>;
    const joint = [majorityOf(['c', 'd', 'e']), majorityOf(['a', 'b', 'c'])];
    assert.equal(quorumValue([majorityOf(['a', 'b', 'c'])], (id) => v[id]), 9, 'the old voters alone would commit 9');
    assert.equal(quorumValue(joint, (id) => v[id]), 1, 'the new voters have not got it');
    assert.equal(voteOutcome(joint, new Map([['a', true], ['b', true]])), 'pending');
    assert.equal(voteOutcome(joint, new Map([['a', true], ['b', true], ['d', true], ['e', true]])), 'won');
    assert.equal(voteOutcome(joint, new Map([['d', false], ['e', false]])), 'lost', 'one group out of reach loses');
    assert.equal(hasQuorum(joint, (id) => id === 'c' || id === 'a'), false);
    assert.equal(hasQuorum(joint, (id) => id === 'c' || id === 'a' || id === 'd'), true);
  });

  it('a pair is a quorum only where its two members are a majority of every group', () => {
    assert.equal(pairIsQuorum([majorityOf(['a', 'b', 'c'])], 'a', 'b'), true);
    assert.equal(pairIsQuorum([majorityOf(['a', 'b', 'c'])], 'a', 'z'), false, 'a learner is no half of a pair');
    assert.equal(pairIsQuorum([majorityOf(['a', 'b', 'c', 'd', 'e'])], 'a', 'b'), false);
    assert.equal(pairIsQuorum([majorityOf(['a', 'b', 'c']), majorityOf(['a', 'b', 'd'])], 'a', 'b'), true);
    assert.equal(pairIsQuorum([majorityOf(['a', 'b', 'c']), majorityOf(['a', 'c', 'd'])], 'a', 'b'), false);
  });

  it('vote outcomes: win on a majority of grants, lose once a majority is impossible', () => {
    const voters = [majorityOf(['a', 'b', 'c', 'd'])];
    assert.equal(voteOutcome(voters, new Map([['a', true], ['b', true]])), 'pending');
    assert.equal(voteOutcome(voters, new Map([['a', true], ['b', true], ['c', true]])), 'won');
    assert.equal(voteOutcome(voters, new Map([['a', true], ['b', false], ['c', false]])), 'lost');
    assert.equal(hasQuorum([majorityOf(['a', 'b', 'c'])], (id) => id !== 'c'), true);
    assert.equal(hasQuorum([majorityOf(['a', 'b', 'c'])], (id) => id === 'c'), false);
  });
});

describe('raft progress and in-flight window', () => {
  it('bounds by count and by bytes, frees on ack', () => {
    const w = new Inflights(3, 100);
    w.add(5, 10);
    w.add(8, 10);
    assert.equal(w.full(), false);
    w.add(9, 10);
    assert.equal(w.full(), true);
    w.freeLE(8);
    assert.equal(w.count, 1);
    assert.equal(w.bytes, 10);
    w.add(20, 95);
    assert.equal(w.full(), true, 'bytes limit');
    w.freeFirst();
    assert.equal(w.count, 1);
  });

  it('probe pauses after one message; replicate streams; stale rejections are ignored', () => {
    const p = new Progress(11, 4, 0);
    assert.equal(p.isPaused(), false);
    p.probeSent = true;
    assert.equal(p.isPaused(), true);
    assert.equal(p.maybeDecrTo(5, 3), false, 'does not answer our probe at 10');
    assert.equal(p.maybeDecrTo(10, 3), true);
    assert.equal(p.next, 4, 'jumps to the hint, not one back');
    assert.equal(p.maybeUpdate(6), true);
    p.becomeReplicate();
    assert.equal(p.next, 7);
    assert.equal(p.maybeDecrTo(6, 0), false, 'rejection at or below match is stale');
    assert.equal(p.maybeDecrTo(9, 0), true);
    assert.equal(p.next, 7);
  });
});

describe('raft log', () => {
  it('appends, detects conflicts, truncates, and never truncates committed entries', () => {
    const log = new RaftLog(null, [e(1, 1), e(2, 1), e(3, 2)], 1, BOOT);
    assert.equal(log.maybeAppend(3, 1, 0, []), null, 'prev term mismatch');
    assert.equal(log.maybeAppend(2, 1, 3, [e(3, 3), e(4, 3)]), 4);
    assert.equal(log.term(3), 3);
    assert.equal(log.committed, 3);
    assert.throws(() => log.maybeAppend(1, 1, 0, [e(2, 4)]), RaftInvariantError);
  });

  it('findConflictByTerm skips every entry of a newer term', () => {
    const log = new RaftLog(null, [e(1, 1), e(2, 1), e(3, 4), e(4, 4), e(5, 4)], 0, BOOT);
    assert.deepEqual(log.findConflictByTerm(5, 3), { index: 2, term: 1 });
    assert.deepEqual(log.findConflictByTerm(5, 4), { index: 5, term: 4 });
    assert.deepEqual(log.findConflictByTerm(9, 0), { index: 0, term: 0 });
  });

  it('compacts a prefix into a snapshot and restores from one', () => {
    const log = new RaftLog(null, [e(1, 1), e(2, 1), e(3, 2)], 3, BOOT);
    log.takeUnstable();
    log.compact(2, 'S');
    assert.equal(log.firstIndex(), 3);
    assert.equal(log.term(2), 1);
    assert.equal(log.term(1), null);
    assert.throws(() => log.slice(2, 3), RaftInvariantError);
    log.restore({ meta: { index: 10, term: 5, voters: ['a'] }, data: 'T' });
    assert.equal(log.lastIndex(), 10);
    assert.equal(log.committed, 10);
    assert.equal(log.pendingSnapshot?.data, 'T');
  });

  it('batches by bytes, at least one entry per batch', () => {
    const log = new RaftLog(null, [e(1, 1, 'aaaa'), e(2, 1, 'bbbb'), e(3, 1, 'cccccccccc')], 0, BOOT);
    assert.equal(log.batchFrom(1, 8).entries.length, 2);
    assert.equal(log.batchFrom(3, 4).entries.length, 1, 'an oversized entry still travels alone');
    assert.equal(log.batchFrom(1, 0).entries.length, 1);
  });

  it('rejects a gap or a term going backwards', () => {
    assert.throws(() => new RaftLog(null, [e(1, 2), e(2, 1)], 0, BOOT), RaftInvariantError);
    assert.throws(() => new RaftLog(null, [e(2, 1)], 0, BOOT), RaftInvariantError);
  });
});

describe('raft membership history', () => {
  const m2: Membership = { voters: ['a', 'b', 'c'], outgoing: ['a'], learners: [] };
  const m3: Membership = { voters: ['a', 'b', 'c'], outgoing: [], learners: ['d'] };

  it('the newest configuration in the log is in effect, committed or not; truncation brings back the one before', () => {
    const log = new RaftLog(null, [e(1, 1), conf(2, 1, m2), e(3, 1)], 0, BOOT);
    assert.deepEqual(log.members.current(), m2, 'in effect from the append, commit is still 0');
    assert.equal(log.members.currentIndex(), 2);
    assert.deepEqual(log.members.at(1), BOOT);
    assert.equal(log.maybeAppend(1, 1, 0, [e(2, 2)]), 2, 'a new leader replaces entry 2');
    assert.deepEqual(log.members.current(), BOOT, 'the truncated change is undone');
  });

  it('snapshots carry the configuration at their index, and compaction keeps what governs it', () => {
    const log = new RaftLog(null, [conf(1, 1, m2), e(2, 1), conf(3, 1, m3)], 3, BOOT);
    log.compact(2, 'S');
    assert.deepEqual(log.snapshot?.meta, { index: 2, term: 1, voters: ['a', 'b', 'c'], learners: [], outgoing: ['a'] });
    assert.deepEqual(log.members.current(), m3);
    assert.deepEqual(log.members.at(2), m2);
    const restored = new RaftLog(log.snapshot, [conf(3, 1, m3)], 3, BOOT);
    assert.deepEqual(restored.members.at(2), m2, 'a restart rebuilds the history from the snapshot, not the boot configuration');
    assert.deepEqual(restored.members.current(), m3);
  });

  it('rejects malformed configurations', () => {
    assert.equal(decodeMembership('{"voters":[]}'), null);
    assert.equal(decodeMembership('not json'), null);
    assert.equal(decodeMembership('{"voters":["a"],"learners":["a"]}'), null, 'both voter and learner');
    assert.match(String(membershipProblem({ voters: ['a', 'x'], outgoing: [], learners: [] }, new Set(['a', 'b']))), /unknown node/);
    const h = new MembershipHistory(BOOT, 0);
    assert.throws(() => h.appended({ index: 1, term: 1, kind: 'config', data: '{}' }), RaftInvariantError);
  });
});

describe('raft read-only queue', () => {
  it('an ack of a newer round confirms older rounds; rounds complete in order', () => {
    const q = new ReadOnlyQueue();
    const isQuorum = (acks: ReadonlySet<string>) => acks.size >= 2;
    q.open('1', 5, [{ origin: 'a', contexts: ['x'] }], 'a', 0);
    q.open('2', 6, [{ origin: 'a', contexts: ['y'] }], 'a', 0);
    assert.equal(q.newestId(), '2');
    const done = q.ack('2', 'b', isQuorum);
    assert.deepEqual(done.map((r) => r.id), ['1', '2']);
    assert.equal(q.size, 0);
    assert.deepEqual(q.ack('9', 'b', isQuorum), [], 'unknown rounds are ignored');
  });
});
