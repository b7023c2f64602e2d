import { strict as assert } from 'assert';
import type { HistoryOp } from '../../src/checker/history';
import { lastStatsLine, leadershipFromLogs, opClass, windowFigures } from '../measure';

/** A history builder: ms times, one op per call. */
function history(ops: { inv: number; done: number | null; f: string; type?: 'ok' | 'fail' | 'info'; node: string; error?: unknown; value?: unknown; process: number }[]): HistoryOp[] {
  type Event = { time: number; type: HistoryOp['type']; process: number; f: string; value: unknown; node: string; error?: unknown };
  const events: Event[] = [];
  for (const o of ops) {
    events.push({ time: o.inv * 1e6, type: 'invoke', process: o.process, f: o.f, value: o.value ?? null, node: o.node });
    if (o.done !== null) {
      const c: Event = { time: o.done * 1e6, type: o.type ?? 'ok', process: o.process, f: o.f, value: o.value ?? null, node: o.node };
      if (o.error !== undefined) c.error = o.error;
      events.push(c);
    }
  }
  return events.sort((a, b) => a.time - b.time).map((e, index): HistoryOp => ({ ...e, index }));
}

describe('bench measure', () => {
  it('counts only the window, separates replies from timeouts, and splits by entry role', () => {
    const h = history([
      { inv: 100, done: 150, f: 'write', node: 'n0', process: 0 }, // before the window: ignored
      { inv: 1000, done: 1010, f: 'write', node: 'n0', process: 0 },
      { inv: 1100, done: 1130, f: 'cas', type: 'fail', error: ['precondition-failed', 'x'], node: 'n1', process: 1 },
      { inv: 1200, done: 2200, f: 'read', type: 'fail', error: 'net-timeout', node: 'n1', process: 2 },
      { inv: 1500, done: null, f: 'write', node: 'n2', process: 3 },
      { inv: 1600, done: 1640, f: 'read', node: 'n2', process: 4 },
    ]);
    const w = windowFigures(h, 1000, 3000, 'n0');
    assert.equal(w.invoked, 5);
    assert.equal(w.ok, 2);
    assert.equal(w.failReplied, 1);
    assert.equal(w.timeoutsOrInfo, 2);
    // 3 replies (ok, ok, definite fail) completed inside a 2 s window.
    assert.equal(w.repliedPerSec, 1.5);
    assert.equal(w.okPerSec, 1);
    assert.deepEqual(Object.keys(w.latencyByF).sort(), ['cas', 'read', 'write']);
    assert.equal(w.latencyByRole.leader.write.p50, 10);
    assert.equal(w.latencyByRole.follower.cas.p50, 30);
    assert.equal(w.latencyByRole.follower.read.p50, 40);
    assert.equal(w.latencyByNode.n2.read.count, 1);
    assert.equal(w.latency.count, 3);
    assert.equal(w.latency.p99, 40);
  });

  it('refuses an empty window', () => {
    assert.throws(() => windowFigures([], 2000, 2000), /window is empty/);
  });

  it('classifies read-only transactions apart from writing ones', () => {
    assert.equal(opClass('txn', [['r', 1, null], ['r', 2, null]]), 'txn-read');
    assert.equal(opClass('txn', [['r', 1, null], ['append', 2, 3]]), 'txn-write');
    assert.equal(opClass('cas', [1, [2, 3]]), 'cas');
  });

  it('finds the newest leader in node logs and counts elections', () => {
    const logs = new Map([
      ['n0', ['05:28:17.707 n0 raft: role leader term 1 leader n0', '05:28:19.000 n0 raft: role follower term 2 leader n2']],
      ['n1', ['05:28:17.715 n1 raft: role follower term 1 leader n0']],
      ['n2', ['05:28:18.990 n2 raft: role candidate term 2 leader -', '05:28:18.995 n2 raft: role leader term 2 leader n2']],
    ]);
    assert.deepEqual(leadershipFromLogs(logs), { leader: 'n2', elections: 2 });
    assert.deepEqual(leadershipFromLogs(new Map([['n0', ['nothing']]])), { leader: null, elections: 0 });
  });

  it('parses the last stats line', () => {
    const s = lastStatsLine([
      '05:28:18.492 n2 stats: role=leader writes=1',
      '05:28:19.492 n2 stats: role=leader term=1 avg-batch=7.5 inflight=3/1 p50<=4ms',
      '05:28:19.600 n2 something else',
    ]);
    assert.deepEqual(s, { role: 'leader', term: 1, 'avg-batch': 7.5, inflight: '3/1', p50: 4 });
    assert.equal(lastStatsLine(['no stats here']), null);
  });
});
