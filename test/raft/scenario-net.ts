/**
 * A hand-driven cluster for scenario tests: synchronous delivery, explicit
 * partitions and message filters, every replica persisting each Ready at once
 * (unless told to hold it), and a record of every message sent.
 */
import { RaftNode } from '../../src/raft';
import type { Entry, HardState, Message, NodeId, RaftConfig, ReadState, Snapshot } from '../../src/raft';

export interface SimReplica {
  id: NodeId;
  node: RaftNode | null;
  durable: { hardState: HardState; snapshot: Snapshot | null; entries: Entry[] };
  applied: Entry[];
  readStates: ReadState[];
  droppedReads: string[];
  installedSnapshots: Snapshot[];
  /** While true, Ready batches are not taken (models a stalled disk/server loop). */
  stalled: boolean;
}

export type ScenarioConfig = Partial<Omit<RaftConfig, 'id' | 'voters'>>;

export class Net {
  readonly replicas = new Map<NodeId, SimReplica>();
  /** Every message handed to the network, in order (dropped ones included). */
  readonly sent: Message[] = [];
  private queue: Message[] = [];
  private isolated = new Set<NodeId>();
  /** Return true to drop a message. */
  dropIf: (m: Message) => boolean = () => false;
  /** Stamp appends with the sender's durable prefix on delivery, as the server does when they leave (RaftNode.stampOutgoing). */
  stampAppends = false;

  constructor(readonly ids: NodeId[], private readonly config: ScenarioConfig = {}) {
    for (const id of ids) {
      const r: SimReplica = {
        id,
        node: null,
        durable: { hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] },
        applied: [],
        readStates: [],
        droppedReads: [],
        installedSnapshots: [],
        stalled: false,
      };
      this.replicas.set(id, r);
      this.start(r);
    }
  }

  private start(r: SimReplica): void {
    const d = r.durable;
    const cfg: RaftConfig = {
      electionTicks: 10,
      heartbeatTicks: 1,
      // Distinct, fixed timeouts per replica so lockstep ticking cannot split votes forever.
      random: () => (this.ids.indexOf(r.id) + 1) / (this.ids.length + 1),
      checkQuorum: false,
      ...this.config,
      id: r.id,
      // Boot configuration: every id votes but the learners named in the config.
      voters: this.ids.filter((id) => !(this.config.learners ?? []).includes(id)),
      cluster: this.ids,
    };
    r.node = new RaftNode(cfg, { hardState: { ...d.hardState }, snapshot: d.snapshot, entries: [...d.entries] });
    r.applied = []; // the state machine restarts from the durable snapshot (or empty)
  }

  r(id: NodeId): SimReplica {
    const r = this.replicas.get(id);
    if (!r) throw new Error(`no replica ${id}`);
    return r;
  }

  n(id: NodeId): RaftNode {
    const node = this.r(id).node;
    if (!node) throw new Error(`${id} is down`);
    return node;
  }

  crash(id: NodeId): void {
    this.r(id).node = null;
  }

  restart(id: NodeId): void {
    const r = this.r(id);
    if (r.node === null) this.start(r);
  }

  isolate(id: NodeId): void {
    this.isolated.add(id);
  }

  heal(): void {
    this.isolated.clear();
    this.dropIf = () => false;
  }

  private delivers(m: Message): boolean {
    if (this.isolated.has(m.from) || this.isolated.has(m.to)) return false;
    return !this.dropIf(m);
  }

  /** Runs one replica's server loop once: ready, send, persist, send persisted, persisted(), apply, advance. */
  process(id: NodeId): boolean {
    const r = this.r(id);
    const node = r.node;
    if (!node || r.stalled || !node.hasReady()) return false;
    const rd = node.ready();
    this.post(rd.messages);
    const d = r.durable;
    if (rd.snapshot) {
      d.snapshot = rd.snapshot;
      d.entries = [];
      r.installedSnapshots.push(rd.snapshot);
    }
    for (const e of rd.entries) {
      const base = d.snapshot ? d.snapshot.meta.index : 0;
      d.entries.length = e.index - base - 1;
      d.entries.push(e);
    }
    if (rd.hardState) d.hardState = { ...rd.hardState };
    this.post(rd.persistedMessages);
    const last = rd.entries[rd.entries.length - 1];
    if (last) node.persisted(last.index, last.term);
    else if (rd.snapshot) node.persisted(rd.snapshot.meta.index, rd.snapshot.meta.term);
    r.applied.push(...rd.committedEntries);
    r.readStates.push(...rd.readStates);
    r.droppedReads.push(...rd.droppedReads);
    node.advance();
    return true;
  }

  private post(ms: Message[]): void {
    for (const m of ms) {
      this.sent.push(m);
      this.queue.push(m);
    }
  }

  /** Delivers everything queued (and what that produces) until quiet. */
  settle(maxRounds = 1000): void {
    for (let round = 0; round < maxRounds; round++) {
      let busy = false;
      for (const id of this.ids) if (this.process(id)) busy = true;
      const batch = this.queue;
      this.queue = [];
      for (const m of batch) {
        busy = true;
        const to = this.replicas.get(m.to);
        if (!to || !to.node || !this.delivers(m)) continue;
        this.stamp(m);
        to.node.step(m);
      }
      if (!busy) return;
    }
    throw new Error('network did not settle');
  }

  /** Messages queued but not yet delivered (e.g. while everything is stalled). */
  pending(): Message[] {
    return [...this.queue];
  }

  /** Delivers only the queued messages matching `pick`; others stay queued. */
  deliverOnly(pick: (m: Message) => boolean): void {
    const keep: Message[] = [];
    for (const m of this.queue) {
      if (!pick(m)) {
        keep.push(m);
        continue;
      }
      const to = this.replicas.get(m.to);
      if (to && to.node && this.delivers(m)) {
        this.stamp(m);
        to.node.step(m);
      }
    }
    this.queue = keep;
  }

  private stamp(m: Message): void {
    if (this.stampAppends) this.replicas.get(m.from)?.node?.stampOutgoing(m);
  }

  tick(ids: NodeId[] = this.ids, times = 1): void {
    for (let i = 0; i < times; i++) {
      for (const id of ids) this.r(id).node?.tick();
      this.settle();
    }
  }

  /** Ticks only `id` until it leads (other replicas must be willing to vote for it). */
  elect(id: NodeId, maxTicks = 60): void {
    for (let i = 0; i < maxTicks; i++) {
      this.tick([id]);
      if (this.n(id).status.role === 'leader') return;
    }
    throw new Error(`${id} did not become leader: ${JSON.stringify(this.n(id).status)}`);
  }

  leaders(): NodeId[] {
    return this.ids.filter((id) => this.r(id).node?.status.role === 'leader');
  }

  /** Terms of the in-memory log of `id` from index 1 (null where compacted). */
  logTerms(id: NodeId): (number | null)[] {
    const n = this.n(id);
    const out: (number | null)[] = [];
    for (let i = 1; i <= n.status.lastIndex; i++) out.push(n.termAt(i));
    return out;
  }

  sentOfType<T extends Message['type']>(type: T, filter: (m: Extract<Message, { type: T }>) => boolean = () => true): Extract<Message, { type: T }>[] {
    return this.sent.filter((m): m is Extract<Message, { type: T }> => m.type === type).filter(filter);
  }
}
