/**
 * A randomized, deterministic in-memory cluster for the Raft core (reusable by
 * the simulator). Everything derives from one seed: the network (drops,
 * duplicates, reordering through random delays, partitions), crashes and
 * restarts, proposals, reads, compactions and leadership transfers.
 *
 * Storage is modelled faithfully: a replica's Ready is taken, its `messages`
 * go to the network at once, and only later (possibly never, if the replica
 * crashes first) is the batch made durable, its `persistedMessages` sent,
 * persisted() reported, committed entries applied and advance() called. A
 * restarted replica gets exactly what was made durable.
 *
 * After every step the cluster checks: election safety, log matching (on
 * durable logs), leader completeness (on every new leader), state machine
 * safety (same entry applied at each index everywhere, snapshots agree),
 * monotonic commit/apply per incarnation, and read linearizability (a read's
 * index covers everything known committed when the read was requested).
 */
import { RaftNode, snapshotMeta } from '../../src/raft';
import type { Entry, HardState, Message, NodeId, RaftConfig, Ready, Snapshot, TestingFaults } from '../../src/raft';
import { Rng, mulberry32 } from './prng';

export class InvariantViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantViolation';
  }
}

export interface NetworkOptions {
  dropRate: number;
  duplicateRate: number;
  /** Delivery delay in steps, uniform in [0, maxDelay]; different delays reorder messages. */
  maxDelay: number;
}

export interface ClusterOptions {
  seed: number;
  size: number;
  /** Core config shared by all replicas (id, voters, random are filled in). */
  config?: Partial<Omit<RaftConfig, 'id' | 'voters' | 'random'>>;
  faults?: TestingFaults;
  network?: Partial<NetworkOptions>;
  /** Probabilities per step of nemesis actions. */
  crashRate?: number;
  partitionRate?: number;
  /** Probability per step that a replica's pending batch is made durable (else it lags a step). */
  persistRate?: number;
  /**
   * Model a server that pipelines its disk writes: it applies and advance()s
   * at once, keeps several writes in flight (completing in order), and sends
   * each batch's persistedMessages / calls persisted() when its write is done.
   */
  pipelinedWrites?: boolean;
  /**
   * A deliberately broken pipelined server: sends persistedMessages of a batch
   * that has nothing to write at once, although earlier writes are in flight.
   */
  earlyAcksBug?: boolean;
  /**
   * Probability that a replica misses a tick in a step (clock-rate drift).
   * Keep 0 with lease reads: leases assume drift below their margin.
   */
  clockDrift?: number;
  /** Probability per step that the leader is asked for a random new configuration (voters and learners). */
  reconfigRate?: number;
}

interface StateMachine {
  index: number;
  hash: number;
}

interface Durable {
  hardState: HardState;
  snapshot: Snapshot | null;
  /** Entries after the snapshot, contiguous. */
  entries: Entry[];
}

interface Replica {
  id: NodeId;
  node: RaftNode | null;
  durable: Durable;
  pending: Ready | null;
  /** Pipelined mode: batches applied and advanced whose writes are still in flight (FIFO). */
  writes: Ready[];
  sm: StateMachine;
  lastCommit: number;
  lastApplied: number;
  lastRole: string;
  lastTerm: number;
  incarnation: number;
}

interface InFlight {
  msg: Message;
  deliverAt: number;
}

interface PendingRead {
  node: NodeId;
  incarnation: number;
  /** Highest index known committed anywhere when the read was requested. */
  required: number;
}

function hashStep(h: number, e: Entry): number {
  let x = (h ^ e.term) >>> 0;
  for (let i = 0; i < e.data.length; i++) x = Math.imul(x ^ e.data.charCodeAt(i), 16777619) >>> 0;
  return Math.imul(x ^ e.index, 2246822519) >>> 0;
}

export class Cluster {
  readonly rng: Rng;
  readonly ids: NodeId[];
  readonly replicas = new Map<NodeId, Replica>();
  private network: InFlight[] = [];
  private net: NetworkOptions;
  /** Partition: group number per node; messages cross groups never. */
  private group = new Map<NodeId, number>();
  now = 0;
  private readonly opts: ClusterOptions;

  // Global observations for the checks.
  private leaderOfTerm = new Map<number, NodeId>();
  /** index -> committed entry (term, data). */
  private committed = new Map<number, { term: number; data: string }>();
  maxCommit = 0;
  /** "index:term" -> (data, term of previous entry): log matching on durable logs. */
  private durableEntries = new Map<string, { data: string; prevTerm: number }>();
  /** index -> state machine hash after applying up to index. */
  private smHashAt = new Map<number, number>();
  private reads = new Map<string, PendingRead>();
  private proposalSeq = 0;
  private readSeq = 0;

  // Statistics (for tests that want to see the machinery was exercised).
  readonly stats = { proposals: 0, committedProposals: 0, readsCompleted: 0, readsDropped: 0, crashes: 0, snapshotsInstalled: 0, elections: 0, messages: 0, reconfigurations: 0 };

  constructor(opts: ClusterOptions) {
    this.opts = opts;
    this.rng = new Rng(opts.seed);
    this.ids = Array.from({ length: opts.size }, (_, i) => `n${i + 1}`);
    this.net = { dropRate: 0.05, duplicateRate: 0.03, maxDelay: 2, ...opts.network };
    for (const id of this.ids) {
      const r: Replica = {
        id,
        node: null,
        durable: { hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] },
        pending: null,
        writes: [],
        sm: { index: 0, hash: 0 },
        lastCommit: 0,
        lastApplied: 0,
        lastRole: 'follower',
        lastTerm: 0,
        incarnation: 0,
      };
      this.replicas.set(id, r);
      this.start(r);
    }
  }

  // -------------------------------------------------------------------------
  // Replica lifecycle
  // -------------------------------------------------------------------------

  private configFor(id: NodeId, incarnation: number): RaftConfig {
    return {
      electionTicks: 10,
      heartbeatTicks: 2,
      ...this.opts.config,
      id,
      voters: this.ids,
      random: mulberry32((this.opts.seed * 7919 + this.ids.indexOf(id) * 104729 + incarnation * 1299709) >>> 0),
      testingFaults: this.opts.faults,
    };
  }

  private start(r: Replica): void {
    r.incarnation++;
    const d = r.durable;
    r.node = new RaftNode(this.configFor(r.id, r.incarnation), {
      hardState: { ...d.hardState },
      snapshot: d.snapshot,
      entries: [...d.entries],
    });
    r.pending = null;
    r.writes = [];
    r.sm = d.snapshot ? (JSON.parse(d.snapshot.data) as StateMachine) : { index: 0, hash: 0 };
    r.lastCommit = r.node.status.commit;
    r.lastApplied = r.node.status.applied;
    r.lastRole = 'follower';
    r.lastTerm = r.node.status.term;
  }

  crash(id: NodeId): void {
    const r = this.replica(id);
    if (r.node === null) return;
    r.node = null;
    r.pending = null; // never made durable
    r.writes = [];
    this.stats.crashes++;
    for (const [ctx, read] of this.reads) if (read.node === id) this.reads.delete(ctx);
  }

  restart(id: NodeId): void {
    const r = this.replica(id);
    if (r.node !== null) return;
    this.start(r);
  }

  replica(id: NodeId): Replica {
    const r = this.replicas.get(id);
    if (!r) throw new Error(`no replica ${id}`);
    return r;
  }

  node(id: NodeId): RaftNode {
    const n = this.replica(id).node;
    if (n === null) throw new Error(`${id} is down`);
    return n;
  }

  live(): Replica[] {
    return [...this.replicas.values()].filter((r) => r.node !== null);
  }

  leaders(): Replica[] {
    return this.live().filter((r) => (r.node as RaftNode).status.role === 'leader');
  }

  // -------------------------------------------------------------------------
  // Network
  // -------------------------------------------------------------------------

  partition(groups: NodeId[][]): void {
    this.group.clear();
    groups.forEach((g, i) => g.forEach((id) => this.group.set(id, i)));
  }

  heal(): void {
    this.group.clear();
  }

  setNetwork(n: Partial<NetworkOptions>): void {
    this.net = { ...this.net, ...n };
  }

  private connected(a: NodeId, b: NodeId): boolean {
    return (this.group.get(a) ?? -1) === (this.group.get(b) ?? -1);
  }

  private post(messages: Message[]): void {
    for (const msg of messages) {
      this.stats.messages++;
      if (this.rng.chance(this.net.dropRate)) continue;
      this.network.push({ msg, deliverAt: this.now + this.rng.int(this.net.maxDelay + 1) });
      if (this.rng.chance(this.net.duplicateRate)) {
        this.network.push({ msg, deliverAt: this.now + this.rng.int(this.net.maxDelay + 2) });
      }
    }
  }

  /** Delivers every due message, in random order. */
  deliverDue(): void {
    const due: InFlight[] = [];
    const rest: InFlight[] = [];
    for (const m of this.network) (m.deliverAt <= this.now ? due : rest).push(m);
    this.network = rest;
    this.rng.shuffle(due);
    for (const { msg } of due) {
      if (!this.connected(msg.from, msg.to)) continue;
      const r = this.replicas.get(msg.to);
      if (!r || r.node === null) continue;
      // The server stamps an append with the leader's durable prefix as it leaves; the
      // claim is as true at delivery, so the tester stamps here and models no flush delay.
      this.replicas.get(msg.from)?.node?.stampOutgoing(msg);
      r.node.step(msg);
    }
  }

  inFlight(): readonly Message[] {
    return this.network.map((m) => m.msg);
  }

  // -------------------------------------------------------------------------
  // The server loop, modelled: ready -> send -> (later) persist -> send persisted -> persisted() -> apply -> advance
  // -------------------------------------------------------------------------

  /** Takes a ready batch if there is one and sends its immediate messages. */
  takeReady(r: Replica): void {
    const node = r.node;
    if (node === null || r.pending !== null || !node.hasReady()) return;
    const rd = node.ready();
    this.post(rd.messages);
    if (!this.opts.pipelinedWrites) {
      r.pending = rd;
      return;
    }
    this.apply(r, rd);
    node.advance();
    if (this.opts.earlyAcksBug && rd.entries.length === 0 && !rd.hardState && !rd.snapshot) this.post(rd.persistedMessages);
    else r.writes.push(rd);
  }

  /** Pipelined mode: the oldest in-flight write becomes durable. */
  completeWrite(r: Replica): void {
    const node = r.node;
    const rd = r.writes.shift();
    if (node === null || rd === undefined) return;
    this.writeDurable(r, rd);
    this.post(rd.persistedMessages);
    this.reportPersisted(node, rd);
  }

  /** Makes the pending batch durable, then finishes it. */
  persistPending(r: Replica): void {
    const node = r.node;
    const rd = r.pending;
    if (node === null || rd === null) return;
    this.writeDurable(r, rd);
    this.post(rd.persistedMessages);
    r.pending = null;
    this.reportPersisted(node, rd);
    this.apply(r, rd);
    node.advance();
  }

  private reportPersisted(node: RaftNode, rd: Ready): void {
    const last = rd.entries.length > 0 ? rd.entries[rd.entries.length - 1] : null;
    if (last) node.persisted(last.index, last.term);
    else if (rd.snapshot) node.persisted(rd.snapshot.meta.index, rd.snapshot.meta.term);
  }

  private writeDurable(r: Replica, rd: Ready): void {
    const d = r.durable;
    const pipelined = this.opts.pipelinedWrites === true;
    // A pipelined server may already have written a newer local snapshot; never go back.
    if (rd.snapshot && (!d.snapshot || rd.snapshot.meta.index > d.snapshot.meta.index)) {
      d.snapshot = rd.snapshot;
      d.entries = [];
    }
    for (const e of rd.entries) {
      const base = d.snapshot ? d.snapshot.meta.index : 0;
      if (e.index <= base && pipelined) continue; // already covered by a snapshot taken after applying it
      if (e.index <= base) throw new InvariantViolation(`${r.id}: ready entry ${e.index} at or below the durable snapshot ${base}`);
      if (e.index > base + d.entries.length + 1) throw new InvariantViolation(`${r.id}: ready entry ${e.index} leaves a gap in the durable log`);
      d.entries.length = e.index - base - 1;
      const prevTerm = d.entries.length > 0 ? d.entries[d.entries.length - 1].term : d.snapshot ? d.snapshot.meta.term : 0;
      d.entries.push(e);
      this.checkLogMatching(r.id, e, prevTerm);
    }
    if (rd.hardState) d.hardState = { ...rd.hardState };
  }

  private apply(r: Replica, rd: Ready): void {
    if (rd.snapshot) {
      const sm = JSON.parse(rd.snapshot.data) as StateMachine;
      this.checkSmHash(r.id, sm.index, sm.hash, 'installed snapshot');
      r.sm = sm;
      this.stats.snapshotsInstalled++;
    }
    for (const e of rd.committedEntries) {
      if (e.index !== r.sm.index + 1) throw new InvariantViolation(`${r.id}: applying ${e.index} after ${r.sm.index} (gap or repeat)`);
      this.recordCommitted(r.id, e.index, e.term, e.data);
      r.sm = { index: e.index, hash: hashStep(r.sm.hash, e) };
      this.checkSmHash(r.id, r.sm.index, r.sm.hash, 'apply');
    }
    for (const rs of rd.readStates) {
      const read = this.reads.get(rs.context);
      if (!read) throw new InvariantViolation(`${r.id}: read state for unknown context ${rs.context}`);
      if (read.node !== r.id) throw new InvariantViolation(`${r.id}: read state for ${rs.context} requested on ${read.node}`);
      if (rs.index < read.required) {
        throw new InvariantViolation(`${r.id}: read ${rs.context} got index ${rs.index} but ${read.required} was known committed when it was requested (stale read)`);
      }
      this.reads.delete(rs.context);
      this.stats.readsCompleted++;
    }
    for (const ctx of rd.droppedReads) {
      const read = this.reads.get(ctx);
      if (!read || read.node !== r.id) throw new InvariantViolation(`${r.id}: dropped unknown read ${ctx}`);
      this.reads.delete(ctx);
      this.stats.readsDropped++;
    }
  }

  // -------------------------------------------------------------------------
  // Client-ish actions
  // -------------------------------------------------------------------------

  propose(id: NodeId, count = 1): boolean {
    const r = this.replica(id);
    if (r.node === null) return false;
    const data = Array.from({ length: count }, () => `v${++this.proposalSeq}`);
    const res = r.node.propose(data);
    if (res.ok) this.stats.proposals += count;
    return res.ok;
  }

  readIndex(id: NodeId): string | null {
    const r = this.replica(id);
    if (r.node === null) return null;
    const ctx = `r${++this.readSeq}`;
    const required = this.maxCommit;
    const res = r.node.readIndex(ctx);
    if (!res.ok) return null;
    this.reads.set(ctx, { node: id, incarnation: r.incarnation, required });
    return ctx;
  }

  /**
   * The leader is asked for a random configuration: any non-empty set of
   * voters (so changes may replace most of the voters at once, where a
   * wrong rule shows), some of the rest as learners. Refusals are fine.
   */
  reconfigure(): void {
    const leader = this.leaders()[0];
    if (!leader) return;
    const rng = this.rng;
    const shuffled = rng.shuffle([...this.ids]);
    const voterCount = 1 + rng.int(this.ids.length);
    const voters = shuffled.slice(0, voterCount);
    const learners = shuffled.slice(voterCount).filter(() => rng.chance(0.5));
    const res = (leader.node as RaftNode).proposeMembership({ voters, learners });
    if (res.ok) this.stats.reconfigurations++;
  }

  /** The application snapshots at its applied index and the core compacts. */
  compact(id: NodeId): void {
    const r = this.replica(id);
    const node = r.node;
    // A local snapshot is written in order with the log writes: after every earlier
    // write is durable (else it could cover entries, or a term, the disk has not got).
    if (node === null || r.pending !== null || r.writes.length > 0) return;
    const index = r.sm.index;
    const term = node.termAt(index);
    if (index === 0 || term === null || index <= node.status.firstIndex - 1) return;
    const data = JSON.stringify(r.sm);
    node.compact(index, data);
    // The server makes the snapshot durable before dropping the log prefix;
    // the suffix after it survives only if the durable entry at the snapshot
    // index is the one the snapshot covers (else the whole log goes).
    const d = r.durable;
    const base = d.snapshot ? d.snapshot.meta.index : 0;
    const atIndex = index > base ? d.entries[index - base - 1] : undefined;
    d.entries = atIndex !== undefined && atIndex.term === term ? d.entries.slice(index - base) : [];
    d.snapshot = { meta: snapshotMeta(index, term, node.membershipAt(index)), data };
  }

  // -------------------------------------------------------------------------
  // Checks
  // -------------------------------------------------------------------------

  private checkLogMatching(id: NodeId, e: Entry, prevTerm: number): void {
    const key = `${e.index}:${e.term}`;
    const seen = this.durableEntries.get(key);
    if (!seen) {
      this.durableEntries.set(key, { data: e.data, prevTerm });
      return;
    }
    if (seen.data !== e.data || seen.prevTerm !== prevTerm) {
      throw new InvariantViolation(`log matching: ${id} holds ${key} with data ${e.data}/prevTerm ${prevTerm}, another replica had ${seen.data}/${seen.prevTerm}`);
    }
  }

  private recordCommitted(id: NodeId, index: number, term: number, data: string): void {
    const seen = this.committed.get(index);
    if (!seen) {
      this.committed.set(index, { term, data });
      if (data !== '') this.stats.committedProposals++;
      return;
    }
    if (seen.term !== term || seen.data !== data) {
      throw new InvariantViolation(`state machine safety: ${id} has ${index}@${term}=${data} committed, another replica ${index}@${seen.term}=${seen.data}`);
    }
  }

  private checkSmHash(id: NodeId, index: number, hash: number, what: string): void {
    const seen = this.smHashAt.get(index);
    if (seen === undefined) this.smHashAt.set(index, hash);
    else if (seen !== hash) throw new InvariantViolation(`state machine safety: ${id} (${what}) has state ${hash} at ${index}, another replica ${seen}`);
  }

  /** Runs every per-step check on the current in-memory state. */
  check(): void {
    for (const r of this.live()) {
      const node = r.node as RaftNode;
      const s = node.status;
      if (s.role === 'leader') {
        const other = this.leaderOfTerm.get(s.term);
        if (other !== undefined && other !== r.id) throw new InvariantViolation(`election safety: ${r.id} and ${other} both lead term ${s.term}`);
        if (other === undefined) {
          this.leaderOfTerm.set(s.term, r.id);
          this.stats.elections++;
          this.checkLeaderCompleteness(r.id, node);
          // Only a voter can have stood: of its own configuration, or of the previous one while
          // the change that removed it is not known committed (RaftState.mayCampaign).
          const prev = node.membershipAt(Math.max(s.firstIndex - 1, s.commit));
          if (!s.voters.includes(r.id) && !s.outgoing.includes(r.id) && !prev.voters.includes(r.id) && !prev.outgoing.includes(r.id)) {
            throw new InvariantViolation(`election: ${r.id} leads term ${s.term} but is no voter of its configuration ${JSON.stringify({ voters: s.voters, outgoing: s.outgoing })}`);
          }
        }
      }
      if (s.commit < r.lastCommit) throw new InvariantViolation(`${r.id}: commit went back from ${r.lastCommit} to ${s.commit}`);
      if (s.applied < r.lastApplied) throw new InvariantViolation(`${r.id}: applied went back from ${r.lastApplied} to ${s.applied}`);
      if (s.applied > s.commit) throw new InvariantViolation(`${r.id}: applied ${s.applied} beyond commit ${s.commit}`);
      // Record what this replica considers committed (it may not have applied it yet).
      for (let i = Math.max(r.lastCommit + 1, s.firstIndex); i <= s.commit; i++) {
        const e = node.entryAt(i);
        if (e) this.recordCommitted(r.id, i, e.term, e.data);
      }
      r.lastCommit = s.commit;
      r.lastApplied = s.applied;
      if (s.commit > this.maxCommit) this.maxCommit = s.commit;
    }
  }

  /** §5.4: a new leader's log holds every committed entry (those not compacted away). */
  private checkLeaderCompleteness(id: NodeId, node: RaftNode): void {
    for (const [index, c] of this.committed) {
      const t = node.termAt(index);
      if (t === null && index < node.status.firstIndex) continue; // compacted: covered by its snapshot
      if (t !== c.term) throw new InvariantViolation(`leader completeness: new leader ${id} has term ${t} at committed index ${index} (committed term ${c.term})`);
    }
  }

  // -------------------------------------------------------------------------
  // Random schedule
  // -------------------------------------------------------------------------

  /** One step of virtual time: nemesis, clients, a tick, message delivery and server loops. */
  randomStep(): void {
    const rng = this.rng;
    const crashRate = this.opts.crashRate ?? 0.01;
    const partitionRate = this.opts.partitionRate ?? 0.01;
    if (rng.chance(crashRate)) {
      const r = rng.pick([...this.replicas.values()]);
      if (r.node !== null) {
        if (this.live().length > 1) this.crash(r.id);
      } else this.restart(r.id);
    }
    for (const r of this.replicas.values()) if (r.node === null && rng.chance(0.05)) this.restart(r.id);
    const leader = this.leaders()[0];
    if (leader && rng.chance(crashRate)) this.crash(leader.id); // leader churn is where elections go wrong
    if (leader && rng.chance(partitionRate)) {
      this.partition([[leader.id], this.ids.filter((id) => id !== leader.id)]);
    } else if (rng.chance(partitionRate)) {
      const shuffled = rng.shuffle([...this.ids]);
      const cut = 1 + rng.int(this.ids.length - 1);
      this.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
    } else if (rng.chance(partitionRate * 2)) this.heal();

    if (rng.chance(0.3)) {
      // Clients mostly find the leader (servers forward); sometimes they hit a stale one.
      const leaders = this.leaders();
      const target = leaders.length > 0 && rng.chance(0.7) ? rng.pick(leaders).id : rng.pick(this.ids);
      this.propose(target, 1 + rng.int(3));
    }
    if (rng.chance(0.15)) this.readIndex(rng.pick(this.ids));
    if (rng.chance(0.03)) this.compact(rng.pick(this.ids));
    if (rng.chance(0.01)) {
      const leader = this.leaders()[0];
      if (leader) (leader.node as RaftNode).transferLeadership(rng.pick(this.ids));
    }
    const reconfigRate = this.opts.reconfigRate ?? 0;
    if (reconfigRate > 0 && rng.chance(reconfigRate)) this.reconfigure();

    this.now++;
    const drift = this.opts.clockDrift ?? 0;
    for (const r of this.live()) if (drift === 0 || !rng.chance(drift)) (r.node as RaftNode).tick();
    this.check();
    this.serverRounds(2, this.opts.persistRate ?? 0.8);
  }

  /** `rounds` times: deliver due messages, then run every live replica's server loop in random order. */
  serverRounds(rounds: number, persistRate: number): void {
    for (let i = 0; i < rounds; i++) {
      this.deliverDue();
      this.check();
      for (const r of this.rng.shuffle(this.live())) {
        if (r.pending !== null && this.rng.chance(persistRate)) this.persistPending(r);
        while (r.writes.length > 0 && this.rng.chance(persistRate)) this.completeWrite(r);
        this.takeReady(r);
        if (r.pending !== null && this.rng.chance(persistRate)) this.persistPending(r);
      }
      this.check();
    }
  }

  /**
   * Liveness: heal everything, make the network reliable, restart every
   * replica, and require a leader to commit a fresh entry within `maxTicks`.
   */
  requireProgress(maxTicks: number): void {
    this.heal();
    this.setNetwork({ dropRate: 0, duplicateRate: 0 });
    for (const id of this.ids) this.restart(id);
    const target = `live${++this.proposalSeq}`;
    let proposedAt = -1;
    for (let t = 0; t < maxTicks; t++) {
      this.now++;
      for (const r of this.live()) (r.node as RaftNode).tick();
      this.check();
      this.serverRounds(2, 1);
      const leader = this.leaders()[0];
      if (leader && (proposedAt < 0 || t - proposedAt > 30)) {
        const res = (leader.node as RaftNode).propose([target]);
        if (res.ok) proposedAt = t;
      }
      for (const [, c] of this.committed) {
        if (c.data === target) {
          // Committed somewhere; everyone applies it shortly, but a commit on a quorum is the liveness bar.
          return;
        }
      }
    }
    throw new InvariantViolation(`liveness: no fresh entry committed within ${maxTicks} ticks of healing (leaders: ${this.leaders().map((r) => r.id).join(',') || 'none'})`);
  }
}

export interface RunResult {
  seed: number;
  stats: Cluster['stats'];
}

/**
 * Schedule profiles. 'default' varies every option by seed. 'churn' forces
 * stop-and-wait, one entry per message and frequent crashes/partitions: lots
 * of short-lived leaders with divergent uncommitted tails, the ground where
 * Figure 8 and durability bugs show.
 */
export type Profile = 'default' | 'churn' | 'membership';

/** Derives a varied configuration from the seed so that the seeds cover the option space. */
export function clusterOptionsForSeed(seed: number, faults?: TestingFaults, profile: Profile = 'default'): ClusterOptions {
  const o = defaultOptionsForSeed(seed, faults);
  if (profile === 'churn') {
    o.config = { ...o.config, maxInflightMsgs: 1, maxMsgBytes: 0 };
    o.crashRate = 0.05;
    o.partitionRate = 0.05;
  }
  if (profile === 'membership') {
    // Five nodes so that a change can swap most of the voters; changes every ~30 steps.
    o.size = 5;
    o.reconfigRate = 0.03;
  }
  return o;
}

function defaultOptionsForSeed(seed: number, faults?: TestingFaults): ClusterOptions {
  const pick = new Rng(seed ^ 0x5bd1e995);
  const lease = pick.chance(0.3);
  return {
    seed,
    size: pick.chance(0.5) ? 3 : 5,
    faults,
    config: {
      preVote: pick.chance(0.75),
      checkQuorum: lease || pick.chance(0.75),
      readMode: lease ? 'lease' : 'read-index',
      maxInflightMsgs: pick.pick([1, 2, 4, 256]),
      maxMsgBytes: pick.pick([0, 8, 64 * 1024]),
      snapshotChunkBytes: pick.pick([4, 16, 1024]),
    },
    network: { dropRate: pick.pick([0, 0.02, 0.1]), duplicateRate: pick.pick([0, 0.05]), maxDelay: pick.pick([0, 1, 3]) },
    crashRate: pick.pick([0, 0.01, 0.03]),
    partitionRate: pick.pick([0.005, 0.02]),
    persistRate: pick.pick([0.5, 0.9]),
    pipelinedWrites: pick.chance(0.35),
    clockDrift: lease ? 0 : pick.pick([0, 0.1, 0.3]),
  };
}

/** One randomized run; throws InvariantViolation (or RaftInvariantError from a replica) on failure. */
export function runSeed(seed: number, steps: number, faults?: TestingFaults, profile: Profile = 'default', overrides: Partial<ClusterOptions> = {}): RunResult {
  const cluster = new Cluster({ ...clusterOptionsForSeed(seed, faults, profile), ...overrides });
  for (let i = 0; i < steps; i++) cluster.randomStep();
  cluster.requireProgress(400);
  return { seed, stats: cluster.stats };
}
