/**
 * Where the third-party histories with known verdicts live (Jepsen's etcd
 * register histories, Knossos' cas-register histories, Elle anomaly
 * histories). They are not part of the repository: CI keeps them in a
 * folder `shared/testdata` beside the clone, and anyone else can point at a
 * copy with MAELSTROM_RAFT_TESTDATA=DIR.
 */
import * as fs from 'fs';
import * as path from 'path';

export const TESTDATA_ENV = 'MAELSTROM_RAFT_TESTDATA';

export interface TestdataLocation {
  /** The folder, if it exists. */
  dir: string | null;
  /** Where we looked (for messages). */
  looked: string;
  /** True when the caller named the folder in MAELSTROM_RAFT_TESTDATA: then a missing folder is an error, not a skip. */
  explicit: boolean;
}

export function locateTestdata(env: NodeJS.ProcessEnv = process.env): TestdataLocation {
  const named = env[TESTDATA_ENV];
  const explicit = named !== undefined && named !== '';
  const looked = explicit ? path.resolve(named) : path.resolve(__dirname, '../../../shared/testdata');
  return { dir: fs.existsSync(looked) && fs.statSync(looked).isDirectory() ? looked : null, looked, explicit };
}
