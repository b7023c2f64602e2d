/**
 * The replicated state of one node: the workloads' state machines and the
 * session table, both changed only by committed log entries (or replaced by
 * a snapshot), so every replica makes the same decisions. Also the applied
 * position and local snapshots of this state.
 */
import type { NodeEnv } from '../protocol/env';
import type { Body, Json } from '../protocol/message';
import { snapshotMeta, type Entry, type RaftNode, type Snapshot } from '../raft';
import { decodeLogCommand, type LogCommand } from './log-command';
import { SessionTable } from './sessions';
import type { ServerStats } from './stats';
import type { StateMachine } from './workload';

/** Own commands remembered at most (see Applier.own). */
const OWN_COMMANDS_MAX = 100_000;

/** Serialized form of a snapshot's data. */
interface SnapshotData {
  machines: Record<string, Json>;
  sessions: Json;
}

export class Applier {
  private readonly machines = new Map<string, StateMachine>();
  readonly sessions = new SessionTable();
  private appliedIndex = 0;
  private appliedTerm = 0;
  private lastSnapshotIndex = 0;
  /**
   * Commands this node encoded itself, by their log text: applying them needs
   * no JSON.parse (the text in the log is exactly what encodeLogCommand made
   * of this object). Entries leave when applied; the bound only matters for
   * commands that never reach the log (a proposal lost with its leader).
   */
  private readonly own = new Map<string, LogCommand>();

  constructor(private readonly env: NodeEnv, private readonly stats: ServerStats, private readonly snapshotInterval: number) {}

  get applied(): number {
    return this.appliedIndex;
  }

  addMachine(workload: string, machine: StateMachine): void {
    this.machines.set(workload, machine);
  }

  /** `data` is encodeLogCommand(cmd), about to be proposed or forwarded by this node. */
  rememberOwn(data: string, cmd: LogCommand): void {
    if (this.own.size >= OWN_COMMANDS_MAX) this.own.clear();
    this.own.set(data, cmd);
  }

  /** A read answered from local state (the caller made sure it is recent enough). */
  query(workload: string, command: Json): Body {
    const machine = this.machines.get(workload)!;
    return machine.query(command);
  }

  /**
   * Applies committed entries in order; `onOwnResult` gets the result of
   * each command this node's clients sent (`origin` is this incarnation).
   */
  apply(entries: readonly Entry[], origin: string, onOwnResult: (seq: number, result: Body) => void): void {
    for (const entry of entries) {
      if (entry.index <= this.appliedIndex) continue; // covered by a snapshot we restored
      if (entry.index !== this.appliedIndex + 1) {
        throw new Error(`apply gap: applied ${this.appliedIndex}, next committed entry ${entry.index}`);
      }
      this.appliedIndex = entry.index;
      this.appliedTerm = entry.term;
      this.stats.applied++;
      if (entry.kind !== 'normal') continue; // a leader's no-op or a configuration: Raft's own entries
      const cmd = this.own.get(entry.data) ?? decodeLogCommand(entry.data);
      this.own.delete(entry.data);
      const machine = this.machines.get(cmd.workload);
      if (!machine) throw new Error(`log entry ${entry.index} names unknown workload ${cmd.workload}`);
      const decision = this.sessions.check(cmd);
      let result: Body | null;
      if (decision.fresh) {
        result = machine.apply(cmd.command);
        this.sessions.record(cmd, result);
      } else {
        this.stats.duplicates++;
        this.sessions.observe(cmd);
        result = decision.result;
      }
      if (cmd.origin === origin && result) onOwnResult(cmd.seq, result);
    }
  }

  /**
   * Every `snapshotInterval` applied entries: serialize the state, let the
   * core drop its log prefix, and hand the snapshot to `save` (which must
   * order it after every earlier storage write).
   */
  maybeSnapshot(raft: RaftNode, save: (snapshot: Snapshot) => void): void {
    const interval = this.snapshotInterval;
    if (interval <= 0 || this.appliedIndex - this.lastSnapshotIndex < interval) return;
    const data: SnapshotData = { machines: {}, sessions: this.sessions.snapshot() };
    for (const [name, machine] of this.machines) data.machines[name] = machine.snapshot();
    const encoded = JSON.stringify(data);
    const snapshot: Snapshot = {
      // The configuration that governs the snapshot's index travels with it (thesis §5.1).
      meta: snapshotMeta(this.appliedIndex, this.appliedTerm, raft.membershipAt(this.appliedIndex)),
      data: encoded,
    };
    raft.compact(this.appliedIndex, encoded);
    this.lastSnapshotIndex = this.appliedIndex;
    this.env.log(`snapshot at index ${snapshot.meta.index} term ${snapshot.meta.term} (${encoded.length} bytes)`);
    save(snapshot);
  }

  restore(snapshot: Snapshot): void {
    const data = JSON.parse(snapshot.data) as SnapshotData;
    for (const [name, machine] of this.machines) {
      const state = data.machines[name];
      if (state !== undefined) machine.restore(state);
    }
    this.sessions.restore(data.sessions);
    this.appliedIndex = snapshot.meta.index;
    this.appliedTerm = snapshot.meta.term;
    this.lastSnapshotIndex = snapshot.meta.index;
    this.env.log(`restored snapshot at index ${snapshot.meta.index} term ${snapshot.meta.term}`);
  }
}
