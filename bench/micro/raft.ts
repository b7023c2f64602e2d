/**
 * The Raft core's hot path without IO: commands proposed on the leader,
 * replicated, acknowledged and committed, with messages handed over in memory
 * and storage treated as instantly durable. Measures what the core costs per
 * command, the ceiling the server and the network then divide down.
 *
 *   node -r ./test/support/register.js bench/micro/raft.ts [--quick] [--json]
 */
import { mulberry32 } from '../../src/common/mulberry32';
import { RaftNode, type Message } from '../../src/raft';
import { encodeLogCommand } from '../../src/server/log-command';
import { microMain, timeIt, type MicroOptions, type MicroResult } from './harness';

/** Seeded, so elections go the same way every run. */
const prng = mulberry32;

/** An in-memory cluster driven synchronously: ready → "persist" → deliver, until quiet. */
export class MemoryCluster {
  readonly nodes = new Map<string, RaftNode>();
  private readonly applied = new Map<string, number>();
  private inbox: Message[] = [];
  committedOnLeader = 0;

  constructor(ids: string[], opts: { maxMsgBytes?: number; maxInflightMsgs?: number } = {}) {
    const random = prng(7);
    for (const id of ids) {
      this.nodes.set(id, new RaftNode({ id, voters: ids, electionTicks: 10, heartbeatTicks: 2, random, ...opts }, { hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] }));
      this.applied.set(id, 0);
    }
  }

  /** Tick the first node until it leads (others tick too, so they would vote). */
  electFirst(): RaftNode {
    const [first] = this.nodes.values();
    for (let i = 0; i < 1000 && first.status.role !== 'leader'; i++) {
      first.tick();
      this.settle();
    }
    if (first.status.role !== 'leader') throw new Error('no leader after 1000 ticks');
    this.settle();
    return first;
  }

  /** Drain every node's Ready and deliver messages until nothing moves. */
  settle(): void {
    for (let round = 0; round < 10_000; round++) {
      let moved = false;
      for (const [id, node] of this.nodes) {
        while (node.hasReady()) {
          moved = true;
          const rd = node.ready();
          this.inbox.push(...rd.messages);
          // Storage is instantly durable here: the persisted messages go at once.
          this.inbox.push(...rd.persistedMessages);
          const last = rd.entries.length > 0 ? rd.entries[rd.entries.length - 1] : null;
          if (last) node.persisted(last.index, last.term);
          if (rd.committedEntries.length > 0) {
            const top = rd.committedEntries[rd.committedEntries.length - 1].index;
            if (node.status.role === 'leader') this.committedOnLeader += rd.committedEntries.length;
            this.applied.set(id, top);
          }
          node.advance();
        }
      }
      if (this.inbox.length > 0) {
        moved = true;
        const batch = this.inbox;
        this.inbox = [];
        for (const m of batch) this.nodes.get(m.to)?.step(m);
      }
      if (!moved) return;
    }
    throw new Error('cluster did not settle');
  }

  /** Keep memory flat over millions of entries: compact every replica behind its applied index. */
  compactAll(): void {
    for (const [id, node] of this.nodes) node.compact(this.applied.get(id) as number, '');
  }
}

export function runRaft(o: MicroOptions): MicroResult[] {
  const out: MicroResult[] = [];
  const command = encodeLogCommand({ origin: 'n1:5f3a9c01', seq: 1, low: 1, workload: 'lin-kv', command: { op: 'write', key: 3, value: 4 } });
  const cases: { name: string; ids: string[]; batch: number }[] = [
    { name: 'single node: propose + ready/persisted/advance', ids: ['n0'], batch: 1 },
    { name: 'single node: propose + ready/persisted/advance', ids: ['n0'], batch: 16 },
    { name: '3 nodes: propose, replicate, ack, commit everywhere', ids: ['n0', 'n1', 'n2'], batch: 1 },
    { name: '3 nodes: propose, replicate, ack, commit everywhere', ids: ['n0', 'n1', 'n2'], batch: 16 },
    { name: '3 nodes: propose, replicate, ack, commit everywhere', ids: ['n0', 'n1', 'n2'], batch: 128 },
    { name: '5 nodes: propose, replicate, ack, commit everywhere', ids: ['n0', 'n1', 'n2', 'n3', 'n4'], batch: 16 },
  ];
  for (const c of cases) {
    const cluster = new MemoryCluster(c.ids);
    const leader = cluster.electFirst();
    const batch = Array.from({ length: c.batch }, () => command);
    let calls = 0;
    const before = cluster.committedOnLeader;
    const t = timeIt(() => {
      const r = leader.propose(batch);
      if (!r.ok) throw new Error('leader lost leadership during the benchmark');
      cluster.settle();
      if (++calls % 256 === 0) cluster.compactAll();
      return r.index;
    }, c.batch, o);
    // Every proposed command must have committed, or the figure measures nothing.
    const committed = cluster.committedOnLeader - before;
    if (committed !== calls * c.batch) throw new Error(`${c.name}: ${calls * c.batch} proposed, ${committed} committed`);
    out.push({ group: 'raft', name: `${c.name} (batch ${c.batch})`, unit: 'cmd', ...t });
  }
  return out;
}

if (require.main === module) microMain(runRaft);
