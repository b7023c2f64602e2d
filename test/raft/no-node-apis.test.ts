/**
 * The Raft core must stay pure: no Node APIs, no clock, no ambient
 * randomness, no IO. This scans every source file under src/raft/.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const RAFT_DIR = path.join(__dirname, '..', '..', 'src', 'raft');

/** Returns a description of each forbidden use in `source`. */
export function forbiddenUses(source: string): string[] {
  const problems: string[] = [];
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, ''); // comments may mention anything
  const importRe = /(?:\bimport\s[^'"]*?from\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bexport\s[^'"]*?from\s*)['"]([^'"]+)['"]/g;
  for (const m of code.matchAll(importRe)) {
    if (!m[1].startsWith('./')) problems.push(`imports '${m[1]}' (only sibling modules of src/raft are allowed)`);
  }
  const banned: [RegExp, string][] = [
    [/\brequire\s*\(/, 'require()'],
    [/\bprocess\s*\./, 'process'],
    [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\b/, 'timers'],
    [/\bDate\b/, 'Date (clock)'],
    [/\bperformance\b/, 'performance (clock)'],
    [/\bMath\.random\b/, 'Math.random'],
    [/\bBuffer\b/, 'Buffer'],
    [/\bconsole\b/, 'console'],
    [/\bglobalThis\b/, 'globalThis'],
    [/\b__dirname\b|\b__filename\b/, 'module paths'],
  ];
  for (const [re, what] of banned) if (re.test(code)) problems.push(`uses ${what}`);
  return problems;
}

describe('raft core purity', () => {
  it('no file in src/raft imports Node APIs or touches clocks, timers, randomness or IO', () => {
    const files = fs.readdirSync(RAFT_DIR).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= 8, `expected the raft sources, found ${files.join(', ')}`);
    const report: string[] = [];
    for (const f of files) {
      for (const p of forbiddenUses(fs.readFileSync(path.join(RAFT_DIR, f), 'utf8'))) report.push(`${f}: ${p}`);
    }
    assert.deepEqual(report, []);
  });

  it('the scanner itself catches each kind of violation', () => {
    const samples = [
      "import * as fs from 'fs';",
      "import { x } from '../server/x';",
      "const t = require('timers');",
      "export { y } from 'node:net';",
      'setTimeout(() => 1, 5);',
      'const now = Date.now();',
      'const r = Math.random();',
      'process.stdout.write("x");',
      "const c = await import('crypto');",
    ];
    for (const s of samples) assert.ok(forbiddenUses(s).length > 0, `not caught: ${s}`);
    assert.deepEqual(forbiddenUses("import { a } from './log';\n// Date.now() in a comment is fine\nconst x = 1;"), []);
  });
});
