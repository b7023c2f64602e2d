/**
 * Storage without durability, for a node run without --data-dir (real
 * Maelstrom never restarts nodes) and for tests. Same validation and log
 * rules as the file storage (stored-log.ts); calls resolve on the next
 * microtask, in call order.
 */
import { StoredLog } from './stored-log';
import { copyEntry, copyHardState, copySnapshot, entriesProblem, hardStateProblem, snapshotProblem } from './validate';
import { StorageError, type Entry, type HardState, type RaftStorage, type Recovered, type Snapshot } from './types';

class MemoryStorage implements RaftStorage {
  private readonly log = new StoredLog();
  private snapshot: Snapshot | null = null;
  private closed = false;

  async recover(): Promise<Recovered> {
    if (this.closed) throw new StorageError('recover() after close()');
    return {
      hardState: copyHardState(this.log.hardState),
      snapshot: this.snapshot ? copySnapshot(this.snapshot) : null,
      entries: this.log.entries.map(copyEntry),
    };
  }

  async save(hardState: HardState | null, entries: Entry[]): Promise<void> {
    if (this.closed) throw new StorageError('save() after close()');
    const problem = (hardState === null ? null : hardStateProblem(hardState)) ?? entriesProblem(entries) ??
      this.log.appendProblem(entries);
    if (problem) throw new StorageError(`save() rejected: ${problem}`);
    if (hardState) this.log.hardState = copyHardState(hardState);
    this.log.append(entries.map(copyEntry));
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    if (this.closed) throw new StorageError('saveSnapshot() after close()');
    const problem = snapshotProblem(snapshot);
    if (problem) throw new StorageError(`saveSnapshot() rejected: ${problem}`);
    if (this.log.installSnapshot(snapshot.meta.index, snapshot.meta.term)) this.snapshot = copySnapshot(snapshot);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export function openMemoryStorage(): RaftStorage {
  return new MemoryStorage();
}
