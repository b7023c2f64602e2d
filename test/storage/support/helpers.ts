import { CountingFileSystem, openFileStorage, SimDisk, type FileStorageOptions, type RaftStorage } from '../../../src/storage';
import type { Entry, HardState } from '../../../src/raft/types';
import { Prng } from './prng';

export const DIR = '/data/n1';

export function entry(index: number, term = 1, data = `cmd-${index}`): Entry {
  return { index, term, kind: 'normal', data };
}

export function entries(from: number, to: number, term = 1): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, term));
  return out;
}

export function hs(term: number, commit = 0, vote: string | null = null): HardState {
  return { term, vote, commit };
}

/** A simulated disk plus a way to "restart the process" on it, with the storage's log lines kept. */
export class SimNode {
  readonly disk: SimDisk;
  readonly logLines: string[] = [];
  fs!: CountingFileSystem;

  constructor(seed = 1) {
    this.disk = new SimDisk({ random: new Prng(seed).next });
  }

  open(options: FileStorageOptions = {}): RaftStorage {
    this.fs = new CountingFileSystem(this.disk.mount());
    return openFileStorage(DIR, this.fs, { logger: (line) => this.logLines.push(line), ...options });
  }

  async files(): Promise<string[]> {
    return (await this.disk.mount().list(DIR)).sort();
  }
}
