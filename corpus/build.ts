/**
 * Builds the bug hunter's corpus (run from the repository root):
 *
 *   node -r ./test/support/register.js corpus/build.ts
 *
 * - dist/test/raft-node-broken.js: our node with the --broken switches
 *   (corpus/broken-node-main.ts), bundled with the Makefile's esbuild flags;
 * - dist/corpus/<mutant>.js: every mutant of the reference Raft (corpus/mutants.ts);
 * - dist/corpus/witness/<mutant>.js: its witness build (WITNESS lines on stderr where the bug decides);
 * - dist/corpus/reference.js: the reference itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { MUTANTS, REFERENCE_PATH, writeMutants } from './mutants';

const ROOT = path.resolve(__dirname, '..');

export interface CorpusPaths {
  brokenNode: string;
  reference: string;
  mutants: Record<string, string>;
}

/** Same flags as the Makefile's ESBUILD for dist/raft-node.js. */
export function bundleBrokenNode(outfile: string): void {
  buildSync({
    entryPoints: [path.join(ROOT, 'corpus', 'broken-node-main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    banner: { js: '#!/usr/bin/env node' },
    sourcemap: 'inline',
    legalComments: 'none',
  });
  fs.chmodSync(outfile, 0o755);
}

export function buildCorpus(distDir: string = path.join(ROOT, 'dist')): CorpusPaths {
  const brokenNode = path.join(distDir, 'test', 'raft-node-broken.js');
  fs.mkdirSync(path.dirname(brokenNode), { recursive: true });
  bundleBrokenNode(brokenNode);
  const corpusDir = path.join(distDir, 'corpus');
  const mutants = writeMutants(corpusDir);
  const reference = path.join(corpusDir, 'reference.js');
  fs.copyFileSync(REFERENCE_PATH, reference);
  fs.chmodSync(reference, 0o755);
  return { brokenNode, reference, mutants };
}

if (require.main === module) {
  const out = buildCorpus();
  process.stdout.write(`${path.relative(ROOT, out.brokenNode)}\n${path.relative(ROOT, out.reference)}\n`);
  process.stdout.write(`${MUTANTS.length} mutants in ${path.relative(ROOT, path.dirname(out.reference))}/\n`);
}
