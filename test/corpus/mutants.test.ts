/**
 * The mutant corpus stays honest: every patch hits the reference exactly
 * once, every mutant really changes it, no two mutants are the same program,
 * and every written file is an executable, syntactically valid script.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import { spawnSync } from 'child_process';
import { applyPatches, findMutant, MUTANTS, mutantSource, referenceSource, witnessPath, witnessSource, writeMutants, type Mutant } from '../../corpus/mutants';

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('corpus: mutants of the reference Raft', () => {
  const reference = referenceSource();

  it('has at least 12 mutants with unique kebab-case names and one-line descriptions', () => {
    assert.ok(MUTANTS.length >= 12, `${MUTANTS.length} mutants`);
    const names = MUTANTS.map((m) => m.name);
    assert.equal(new Set(names).size, names.length, 'names are unique');
    for (const m of MUTANTS) {
      assert.match(m.name, /^[a-z0-9]+(-[a-z0-9]+)*$/, m.name);
      assert.ok(m.description.length > 20 && !m.description.includes('\n'), m.name);
      assert.ok(m.patches.length >= 1, m.name);
    }
  });

  for (const m of MUTANTS) {
    it(`${m.name}: each find occurs exactly once in the reference`, () => {
      for (const p of m.patches) assert.equal(occurrences(reference, p.find), 1, `${m.name}: ${JSON.stringify(p.find)}`);
    });
  }

  it('every mutant differs from the reference and from every other mutant', () => {
    const seen = new Map<string, string>();
    for (const m of MUTANTS) {
      const body = applyPatches(reference, m);
      assert.notEqual(body, reference, m.name);
      const twin = seen.get(body);
      assert.equal(twin, undefined, `${m.name} is the same program as ${twin}`);
      seen.set(body, m.name);
    }
  });

  it('refuses a patch that matches zero or several times, or an unknown name', () => {
    const missing: Mutant = { name: 'x', description: 'test mutant that matches nothing', patches: [{ find: 'no such text @@', replace: '' }], witness: [] };
    assert.throws(() => applyPatches(reference, missing), /exactly once, matched 0 times/);
    const several: Mutant = { name: 'y', description: 'test mutant that matches many times', patches: [{ find: 'function ', replace: 'function  ' }], witness: [] };
    assert.throws(() => applyPatches(reference, several), /exactly once, matched \d+ times/);
    assert.throws(() => findMutant('no-such-mutant'), /no mutant named/);
  });

  it('mutantSource keeps the shebang first, names the bug, and parses', () => {
    for (const m of MUTANTS) {
      const src = mutantSource(m.name);
      assert.ok(src.startsWith('#!/usr/bin/env node\n'), m.name);
      assert.ok(src.includes(`// MUTANT ${m.name}: `), m.name);
      assert.doesNotThrow(() => new vm.Script(src, { filename: `${m.name}.js` }), m.name);
    }
  });

  it('every witness build is its mutant plus lines that only write WITNESS to stderr, and parses', () => {
    for (const m of MUTANTS) {
      assert.ok(m.witness.length >= 1, `${m.name} has a witness`);
      const mutant = mutantSource(m.name).split('\n');
      const witness = witnessSource(m.name).split('\n');
      const added = witness.filter((line) => !mutant.includes(line));
      assert.equal(witness.length, mutant.length + added.length, `${m.name}: the witness only inserts lines`);
      for (const line of added) assert.match(line, /^\s*(if \(.*\) )?note\((`|')WITNESS [^;]*\);$/, `${m.name}: ${line}`);
      assert.doesNotThrow(() => new vm.Script(witnessSource(m.name), { filename: `${m.name}.witness.js` }), m.name);
    }
  });

  it('a witness fires where its bug decides: any-node-reads-local-state on one node, through real pipes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-witness-'));
    try {
      const file = witnessPath(writeMutants(dir)['any-node-reads-local-state']);
      const lines = [
        { src: 'c0', dest: 'n0', body: { type: 'init', msg_id: 1, node_id: 'n0', node_ids: ['n0'] } },
        { src: 'c1', dest: 'n0', body: { type: 'read', msg_id: 1, key: 0 } },
      ];
      const r = spawnSync(file, [], { input: lines.map((l) => JSON.stringify(l)).join('\n') + '\n', encoding: 'utf8', timeout: 10_000 });
      assert.equal(r.status, 0, r.stderr);
      const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { body: Record<string, unknown> });
      // The bug answers at once from local state (a missing key here); the reference would go through the log.
      assert.deepEqual(out.map((m) => m.body.type), ['init_ok', 'error']);
      assert.equal((r.stderr.match(/WITNESS read from local state/g) ?? []).length, 1, r.stderr);
      // The same input through the plain mutant: the same answers, no witness line.
      const plain = spawnSync(path.join(dir, 'any-node-reads-local-state.js'), [], { input: lines.map((l) => JSON.stringify(l)).join('\n') + '\n', encoding: 'utf8', timeout: 10_000 });
      assert.equal(plain.stdout, r.stdout);
      assert.doesNotMatch(plain.stderr, /WITNESS/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writeMutants writes one executable file per mutant', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-mutants-'));
    try {
      const written = writeMutants(dir);
      assert.deepEqual(Object.keys(written).sort(), MUTANTS.map((m) => m.name).sort());
      for (const [name, file] of Object.entries(written)) {
        assert.equal(path.dirname(file), dir);
        assert.equal(fs.statSync(file).mode & 0o777, 0o755, name);
        assert.equal(fs.readFileSync(file, 'utf8'), mutantSource(name));
        assert.equal(fs.readFileSync(witnessPath(file), 'utf8'), witnessSource(name));
        assert.equal(fs.statSync(witnessPath(file)).mode & 0o777, 0o755, name);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
