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
import { applyPatches, findMutant, MUTANTS, mutantSource, referenceSource, writeMutants, type Mutant } from '../../corpus/mutants';

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
    const missing: Mutant = { name: 'x', description: 'test mutant that matches nothing', patches: [{ find: 'no such text @@', replace: '' }] };
    assert.throws(() => applyPatches(reference, missing), /exactly once, matched 0 times/);
    const several: Mutant = { name: 'y', description: 'test mutant that matches many times', patches: [{ find: 'function ', replace: 'function  ' }] };
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

  it('writeMutants writes one executable file per mutant', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-mutants-'));
    try {
      const written = writeMutants(dir);
      assert.deepEqual(Object.keys(written).sort(), MUTANTS.map((m) => m.name).sort());
      for (const [name, file] of Object.entries(written)) {
        assert.equal(path.dirname(file), dir);
        assert.equal(fs.statSync(file).mode & 0o777, 0o755, name);
        assert.equal(fs.readFileSync(file, 'utf8'), mutantSource(name));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
