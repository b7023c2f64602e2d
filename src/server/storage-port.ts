/**
 * The storage the server drives (implemented in src/storage/): durable in a
 * data directory, in memory otherwise, and on a virtual disk in the simulator.
 */
import type { Entry, HardState, Recovered, Snapshot } from '../raft';

export interface RaftStorage {
  recover(): Promise<Recovered>;
  /** Resolves once these records and every earlier one are durable (group commit). */
  save(hardState: HardState | null, entries: Entry[]): Promise<void>;
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  close(): Promise<void>;
}
