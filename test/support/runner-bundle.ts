import { buildSync } from 'esbuild';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
let bundle: string | null = null;

/**
 * The local runner bundled from the current sources (not dist/, which may be
 * stale), built once per mocha process: every end-to-end suite runs the same
 * program, so one esbuild run serves them all. Removed when the process exits.
 */
export function runnerBundle(): string {
  if (bundle !== null) return bundle;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-runner-bundle-'));
  const out = path.join(dir, 'maelstrom-local.js');
  buildSync({ entryPoints: [path.join(ROOT, 'src/runner/main.ts')], bundle: true, platform: 'node', target: 'node20', outfile: out, logLevel: 'warning' });
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  bundle = out;
  return out;
}
