/**
 * Membership changes on the leader (thesis §4.3; the rules are in
 * membership.ts and src/raft/README.md "Membership"):
 *
 * - a change is proposed only when the previous one is finished (its final
 *   configuration committed) and an entry of the leader's term has committed:
 *   until then the leader cannot know which configuration is really the
 *   latest committed one (the single-server-change bug, Ongaro's raft-dev
 *   post of 2015; the same rule makes joint changes safe to start);
 * - a change of voters appends the joint configuration; once it commits,
 *   the leader appends the final one by itself (as etcd's auto-leave does);
 * - a change of learners only appends the final configuration at once: no
 *   quorum changes, so no joint step is needed;
 * - a leader that is no voter of the committed final configuration hands
 *   over and steps down (§4.2.2).
 */
import type { MembershipResult, MembershipTarget } from './types';
import { becomeFollower } from './election';
import { encodeMembership, isJoint, membershipProblem, sameMembers, type Membership } from './membership';
import { appendAsLeader } from './replication';
import type { RaftState } from './state';
import { handOverOnLeaving } from './transfer';

export function proposeMembership(s: RaftState, target: MembershipTarget): MembershipResult {
  if (s.role !== 'leader') return { ok: false, reason: 'not-leader', leader: s.leader };
  const wanted: Membership = { voters: [...target.voters], outgoing: [], learners: [...target.learners] };
  const problem = membershipProblem(wanted, s.cluster);
  if (problem !== null) return { ok: false, reason: 'invalid', detail: problem };
  if (s.leadTransferee !== null) return { ok: false, reason: 'transferring', detail: `handing leadership to ${s.leadTransferee}` };
  if (!s.committedInTerm() && s.cfg.faults.changeBeforeTermCommit !== true) {
    return { ok: false, reason: 'term-not-committed', detail: 'no entry of this leader\'s term has committed yet' };
  }
  const history = s.log.members;
  const cur = history.current();
  // Already there, or on the way there (the joint step's incoming side): the same request
  // again — a retry, or a duplicate the network delivered — joins the change under way.
  if (sameMembers(cur.voters, wanted.voters) && sameMembers(cur.learners, wanted.learners)) return { ok: true, index: history.currentIndex() };
  if (isJoint(cur) || history.currentIndex() > s.log.committed) {
    return { ok: false, reason: 'change-pending', detail: `the configuration change at index ${history.currentIndex()} is not finished` };
  }
  const next: Membership = sameMembers(cur.voters, wanted.voters) ? wanted : { ...wanted, outgoing: [...cur.voters] };
  const index = s.log.lastIndex() + 1;
  appendAsLeader(s, [{ index, term: s.term, kind: 'config', data: encodeMembership(next) }]);
  return { ok: true, index };
}

/** The leader's commit index advanced: finish a joint change, or leave if we are out. */
export function afterMembershipCommit(s: RaftState): void {
  if (s.role !== 'leader') return;
  const history = s.log.members;
  if (history.currentIndex() > s.log.committed) return; // the newest change is still in flight
  const cur = history.current();
  if (isJoint(cur)) {
    const final: Membership = { voters: [...cur.voters], outgoing: [], learners: [...cur.learners] };
    appendAsLeader(s, [{ index: s.log.lastIndex() + 1, term: s.term, kind: 'config', data: encodeMembership(final) }]);
    return;
  }
  if (!cur.voters.includes(s.id) && s.cfg.faults.removedLeaderKeepsLeading !== true) {
    handOverOnLeaving(s);
    becomeFollower(s, s.term, null);
  }
}
