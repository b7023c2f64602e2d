import { strict as assert } from 'assert';
import { parseTestArgs, TestConfig, usage, UsageError } from '../../src/runner/cli';
import { EXTENSION_FAULTS, NEMESIS_FAULTS } from '../../src/runner/nemesis';
import { parseNodeLine } from '../../src/runner/envelope';

const parse = (argv: string[]): TestConfig => {
  const r = parseTestArgs(argv, () => 77);
  if (r.help) throw new Error('help');
  return r.config;
};

describe('maelstrom-local test command line (spec §7)', () => {
  it('has Maelstrom defaults: lin-kv, n1..n5, 1n, 60 s, rate 5, latency 0 constant, strict-serializable', () => {
    const c = parse(['--bin', 'x']);
    assert.equal(c.workload, 'lin-kv');
    assert.deepEqual(c.nodes, ['n1', 'n2', 'n3', 'n4', 'n5']);
    assert.equal(c.concurrency, 5);
    assert.equal(c.timeLimitS, 60);
    assert.equal(c.rate, 5);
    assert.equal(c.latencyMs, 0);
    assert.equal(c.latencyDist, 'constant');
    assert.deepEqual(c.nemesis, []);
    assert.equal(c.nemesisIntervalS, 10);
    assert.deepEqual(c.consistencyModels, ['strict-serializable']);
    assert.equal(c.seed, 77);
    assert.equal(c.store, 'store');
  });

  it('--node-count gives n0..n(N-1) and overrides --nodes; kn concurrency multiplies by N', () => {
    const c = parse(['-w', 'txn-list-append', '--bin', 'x', '--nodes', 'a,b', '--node-count', '3', '--concurrency', '2n']);
    assert.deepEqual(c.nodes, ['n0', 'n1', 'n2']);
    assert.equal(c.concurrency, 6);
    assert.equal(c.workload, 'txn-list-append');
    assert.deepEqual(parse(['--bin', 'x', '--nodes', 'a,b', '-n', 'd']).nodes, ['a', 'b', 'd']);
  });

  it('passes non-option arguments and everything after -- to the binary', () => {
    const c = parse(['--bin', 'x', 'pos1', '--rate', '10', '--', '--data-dir', '/tmp/d']);
    assert.deepEqual(c.binArgs, ['pos1', '--data-dir', '/tmp/d']);
    assert.equal(c.rate, 10);
  });

  it('accepts --opt=value, nemesis lists, availability, seed and our extensions', () => {
    const c = parse(['--bin=x', '--nemesis', 'partition,kill', '--availability', '0.5', '--seed', '9', '--final-heal', '2', '--log-stderr']);
    assert.deepEqual(c.nemesis, ['partition', 'kill']);
    assert.equal(c.availability, 0.5);
    assert.equal(c.seed, 9);
    assert.equal(c.finalHealS, 2);
    assert.equal(c.logStderr, true);
    assert.equal(parse(['--bin', 'x', '--availability', 'total']).availability, 'total');
  });

  it('rejects bad input with a UsageError naming the problem', () => {
    const bad: [string[], RegExp][] = [
      [[], /--bin FILE is required/],
      [['--bin', 'x', '--node-count', 'abc'], /--node-count: expected a number/],
      [['--bin', 'x', '--concurrency', 'zn'], /--concurrency/],
      [['--bin', 'x', '--latency-dist', 'normal'], /--latency-dist must be one of/],
      [['--bin', 'x', '--nemesis', 'clock'], /unknown fault "clock"/],
      [['--bin', 'x', '--availability', '2'], /--availability: must be <= 1/],
      [['--bin', 'x', '--frobnicate'], /unknown option --frobnicate/],
      [['--bin', 'x', '--rate'], /--rate needs a value/],
      [['--bin', 'x', '--nodes', 'c1,n2'], /starts with "c"/],
      [['--bin', 'x', '--latency', '1.5'], /expected an integer/],
    ];
    for (const [argv, re] of bad) assert.throws(() => parse(argv), (e: unknown) => e instanceof UsageError && re.test(e.message), argv.join(' '));
  });

  it('accepts the hunt faults, pareto/lognormal, a fractional --nemesis-interval and --final-reads (extensions)', () => {
    const c = parse([
      '--bin', 'x', '--nemesis', 'partition,partition-leader,pause-leader,partition-shift,loss', '--nemesis', 'kill-minority,kill-majority,kill-all,kill-leader',
      '--nemesis-interval', '0.1', '--latency-dist', 'pareto', '--final-reads',
    ]);
    assert.deepEqual(c.nemesis, ['partition', 'partition-leader', 'pause-leader', 'partition-shift', 'loss', 'kill-minority', 'kill-majority', 'kill-all', 'kill-leader']);
    assert.equal(c.nemesisIntervalS, 0.1);
    assert.equal(c.latencyDist, 'pareto');
    assert.equal(c.finalReads, true);
    assert.equal(parse(['--bin', 'x', '--latency-dist', 'lognormal']).latencyDist, 'lognormal');
    assert.equal(parse(['--bin', 'x']).finalReads, false);
    assert.throws(() => parse(['--bin', 'x', '--final-reads=yes']), UsageError);
    // --help documents every fault and labels the extensions.
    const help = usage();
    for (const f of NEMESIS_FAULTS) assert.match(help, new RegExp(`^  ${f}\\b`, 'm'), f);
    assert.ok(EXTENSION_FAULTS.includes('partition-shift') && !EXTENSION_FAULTS.includes('partition'));
    assert.match(help, /--final-reads .*\[extension: ours\]/);
    assert.match(help, /pareto = Pareto, shape 1\.5, capped at 20x/);
  });

  it('--help is recognised anywhere', () => {
    assert.equal(parseTestArgs(['--bin', 'x', '--help'], () => 1).help, true);
  });
});

describe('node stdout envelope validation (spec §1.1)', () => {
  it('accepts src/dest/body and an integer id; null body becomes {}', () => {
    assert.deepEqual(parseNodeLine('{"src":"n1","dest":"c1","body":{"type":"x"},"id":3}'), { ok: true, src: 'n1', dest: 'c1', body: { type: 'x' } });
    assert.deepEqual(parseNodeLine('{"src":"n1","dest":"c1","body":null}'), { ok: true, src: 'n1', dest: 'c1', body: {} });
  });
  it('rejects non-JSON, extra top-level keys, non-object bodies, non-string src, non-integer id', () => {
    for (const line of [
      'hello',
      '[1]',
      '{"src":"n1","dest":"c1","body":{},"extra":1}',
      '{"src":"n1","dest":"c1","body":[1]}',
      '{"src":"n1","dest":"c1","body":"x"}',
      '{"src":1,"dest":"c1","body":{}}',
      '{"src":"n1","dest":"c1","body":{},"id":1.5}',
      '{"src":"n1","dest":"c1"}',
    ]) {
      assert.equal(parseNodeLine(line).ok, false, line);
    }
  });
});
