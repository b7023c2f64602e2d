/**
 * The simulator's admin faults, through the same admin requests a Maelstrom
 * runner would send (README.md "Admin protocol"), from a client of their own:
 *
 * - `membership`: each step makes one change of one node's life — remove a
 *   voter, add it back as a learner, promote it — with the runner's step
 *   logic (src/runner/membership.ts), one change at a time, a majority of the
 *   old and new voters alive. In the simulator a 3-node cluster may go down
 *   to 2 voters (the pair rules then cover the whole configuration).
 * - `transfer`: a random node is asked to hand leadership to a random voter
 *   (Rocinante's leader churn).
 *
 * Half the seeds are bold: each step asks for a random set of at least two
 * voters with every other node a learner, so one change may replace most of
 * the voters at once. Changes of one node at a time keep the old and new
 * majorities overlapping even under a wrong quorum rule; bold ones are where
 * such a rule loses committed entries.
 *
 * At the final heal every node is brought back as a voter (learner first,
 * then promoted), so the liveness window runs on the full cluster.
 */
import { majorityAlive, nextMembershipChange, pickLearned, reconfigureOutcome, type Membership } from '../runner/membership';
import type { Rng } from '../runner/rng';
import type { Scheduler } from '../runner/scheduler';
import type { SimNode } from './sim-node';

/** Sends one admin request from a fresh client; `done(null)` on timeout. */
export type AdminRequest = (node: string, body: Record<string, unknown>, timeoutMs: number, done: (reply: Record<string, unknown> | null) => void) => void;

/** Our node answers within about a second (its own wait plus one forward); a crashed one never does. */
const RECONFIGURE_TIMEOUT_MS = 2000;
const STATUS_TIMEOUT_MS = 500;
const TRANSFER_TIMEOUT_MS = 2000;

export interface AdminFaultDeps {
  nodes: readonly SimNode[];
  rng: Rng;
  scheduler: Scheduler;
  request: AdminRequest;
  /** Nodes crashed or paused right now (a change needs a majority of voters alive). */
  down(): ReadonlySet<string>;
  note(f: string, value: unknown, result: unknown): void;
}

export class SimAdminFaults {
  private config: Membership;
  private known = true;
  private inFlight = false;
  private healing = false;
  /** Bumped by the final heal: answers to requests sent before it only go into the history. */
  private epoch = 0;
  private verifications = 0;
  private readonly ids: string[];
  private readonly bold: boolean;

  constructor(private readonly d: AdminFaultDeps) {
    this.ids = d.nodes.map((n) => n.id);
    this.config = { voters: [...this.ids], learners: [] };
    this.bold = d.rng.float() < 0.5;
  }

  /** One step of the membership fault (skipped while a change is in flight). */
  membershipStep(): void {
    if (this.inFlight) return;
    if (!this.known) return this.relearn();
    if (this.bold) return this.boldStep();
    const change = nextMembershipChange(this.config, this.ids, this.d.down(), this.d.rng, 2);
    if (change === null) return;
    this.reconfigure(change.next, change.kind);
  }

  private boldStep(): void {
    const { rng } = this.d;
    const down = this.d.down();
    const shuffled = rng.shuffle([...this.ids]);
    const voters = shuffled.slice(0, 2 + rng.int(this.ids.length - 1));
    if (!majorityAlive(this.config.voters, down) || !majorityAlive(voters, down)) return;
    const order = (ids: string[]): string[] => this.ids.filter((id) => ids.includes(id));
    this.reconfigure({ voters: order(voters), learners: order(this.ids.filter((id) => !voters.includes(id))) }, 'bold');
  }

  /** Ask a random node to hand leadership to a random voter. */
  transfer(): void {
    const { rng } = this.d;
    const node = rng.pick(this.ids);
    const to = rng.pick(this.config.voters);
    const value = { node, to };
    this.d.note('start-transfer', value, 'requested');
    this.d.request(node, { type: 'raft_transfer_leader', to }, TRANSFER_TIMEOUT_MS, (reply) => {
      this.d.note('stop-transfer', value, reply === null ? 'timeout' : reply.type === 'error' ? ['error', reply.code, reply.text] : ['leader', reply.leader]);
    });
  }

  /** Final heal: bring every node back as a voter, one change at a time. */
  healAll(): void {
    this.healing = true;
    // A change in flight may have died with its node: do not wait for the answer. Whatever
    // our view, start the heal from what the leader says is in place.
    this.epoch++;
    this.inFlight = false;
    this.known = false;
    this.healStep();
  }

  private healStep(): void {
    if (this.inFlight) return;
    if (!this.known) return this.relearn();
    const out = this.ids.filter((id) => !this.config.voters.includes(id));
    if (out.length === 0) {
      // Check again a little later: a change sent before the heal may still land.
      if (this.verifications++ < 3) this.d.scheduler.after(300, () => this.verify());
      return;
    }
    const learners = out.filter((id) => this.config.learners.includes(id));
    // Promote the learners; add the removed ones as learners first (a stranger cannot vote at once).
    const next: Membership = learners.length > 0
      ? { voters: [...this.config.voters, ...learners], learners: this.config.learners.filter((l) => !learners.includes(l)) }
      : { voters: this.config.voters, learners: [...this.config.learners, ...out] };
    this.reconfigure(next, 'heal');
  }

  private reconfigure(next: Membership, kind: string): void {
    const node = this.d.rng.pick(this.ids);
    const value = { node, kind, voters: next.voters, learners: next.learners };
    this.inFlight = true;
    const epoch = this.epoch;
    this.d.note('start-membership', value, 'requested');
    this.d.request(node, { type: 'raft_reconfigure', voters: next.voters, learners: next.learners }, RECONFIGURE_TIMEOUT_MS, (reply) => {
      const out = reconfigureOutcome(reply, next, this.ids);
      this.d.note('stop-membership', value, out.result);
      if (epoch !== this.epoch) {
        // A change from before the heal finished after all: what the heal learned may be stale.
        if (out.kind !== 'definite') this.known = false;
        if (!this.inFlight) this.continueHealing();
        return;
      }
      this.inFlight = false;
      if (out.kind === 'ok' && out.config) this.config = out.config;
      else if (out.kind !== 'definite') this.known = false;
      this.continueHealing();
    });
  }

  /** After an answer in doubt: ask every node, believe the leader with the highest term. */
  private relearn(): void {
    this.inFlight = true;
    const epoch = this.epoch;
    const answers: Array<{ node: string; reply: Record<string, unknown> | null }> = [];
    for (const node of this.ids) {
      this.d.request(node, { type: 'raft_status' }, STATUS_TIMEOUT_MS, (reply) => {
        answers.push({ node, reply });
        if (answers.length < this.ids.length || epoch !== this.epoch) return;
        this.inFlight = false;
        const learned = pickLearned(answers, this.ids);
        this.d.note('learn-membership', null, learned === null ? 'unknown' : ['learned', learned]);
        if (learned !== null) {
          this.config = { voters: learned.voters, learners: learned.learners };
          this.known = true;
        }
        this.continueHealing();
      });
    }
  }

  private verify(): void {
    if (this.inFlight) return;
    this.known = false;
    this.healStep();
  }

  private continueHealing(): void {
    if (this.healing) this.d.scheduler.after(50, () => this.healStep());
  }
}
