import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { runPoint } from '../point';
import type { PointConfig } from '../point-config';

const BUNDLE = path.resolve(__dirname, '../../dist/raft-node.js');

describe('bench point (real node processes through the runner)', () => {
  it('measures a short single-node lin-kv run: window figures, leader, stats line, CPU per process, checker', async () => {
    assert.ok(fs.existsSync(BUNDLE), `${BUNDLE} is missing: run \`make build\` first`);
    const config: PointConfig = {
      id: 'test', series: 'test', workload: 'lin-kv', nodeCount: 1, concurrency: 4, rate: 1_000_000, timeLimitS: 2, warmupS: 1,
      latencyMs: 0, latencyDist: 'constant', bin: BUNDLE, nodeArgs: ['--stats-interval-ms', '200'], seed: 3, check: true, keepDir: null,
    };
    const r = await runPoint(config);
    assert.equal(r.error, null);
    assert.equal(r.leader, 'n0');
    assert.equal(r.elections, 1);
    assert.equal(r.valid, true);
    assert.ok(r.window && r.window.ok > 0, 'some ops succeeded in the window');
    assert.ok(r.window.repliedPerSec >= r.window.okPerSec);
    assert.equal(r.leaderStats?.role, 'leader');
    assert.deepEqual(r.cpu.map((c) => c.name).sort(), ['n0', 'runner']);
  });
});
