import { strict as assert } from 'assert';
import { HistoryOp } from '../../src/checker/history';
import { checkEcho, echoBench } from '../../workloads/echo/bench';
import { checkUniqueIds } from '../../workloads/unique-ids/bench';
import { replyLine, SimHost } from './sim-host';
import { runVirtual } from './virtual-run';

let idx = 0;
const op = (type: HistoryOp['type'], process: number, f: string, value: unknown, extra: Record<string, unknown> = {}): HistoryOp => ({
  index: idx++,
  time: idx * 1000,
  type,
  process,
  f,
  value,
  ...extra,
});

describe('echo and unique-ids checkers (ours, as Maelstrom defines them)', () => {
  it('echo: valid when every invocation got its string back', () => {
    const h = [op('invoke', 0, 'echo', 'Please echo 1'), op('ok', 0, 'echo', { type: 'echo_ok', echo: 'Please echo 1', in_reply_to: 1 })];
    assert.equal(checkEcho(h).valid, true);
  });
  it('echo: a wrong payload, a timeout (info) or a missing completion is an error', () => {
    assert.equal(checkEcho([op('invoke', 0, 'echo', 'a'), op('ok', 0, 'echo', { echo: 'b' })]).valid, false);
    assert.equal(checkEcho([op('invoke', 0, 'echo', 'a'), op('info', 0, 'echo', 'a', { error: 'net-timeout' })]).valid, false);
    const r = checkEcho([op('invoke', 0, 'echo', 'a')]);
    assert.equal(r.valid, false);
    assert.equal(r['error-count'], 1);
  });
  it('unique-ids: duplicates among acknowledged ids are invalid; value equality is by JSON value', () => {
    const ok = [op('invoke', 0, 'generate', null), op('ok', 0, 'generate', 1), op('invoke', 1, 'generate', null), op('ok', 1, 'generate', '1')];
    const r = checkUniqueIds(ok);
    assert.equal(r.valid, true);
    assert.equal(r['attempted-count'], 2);
    assert.equal(r['acknowledged-count'], 2);
    const dup = checkUniqueIds([...ok, op('invoke', 0, 'generate', null), op('ok', 0, 'generate', 1), op('invoke', 2, 'generate', null), op('info', 2, 'generate', null)]);
    assert.equal(dup.valid, false);
    assert.equal(dup['duplicated-count'], 1);
    assert.deepEqual(dup.duplicated, { '1': 2 });
    assert.equal(dup['attempted-count'], 4);
  });
});

describe('client reuse after info (Jepsen client/Reusable)', () => {
  it('echo clients are not reusable: after a timeout the worker opens a fresh c id for its new process', async () => {
    const srcs: string[] = [];
    await runVirtual({
      workload: echoBench,
      nodes: ['n0'],
      concurrency: 1,
      rate: 20,
      timeLimitMs: 8000,
      seed: 11,
      host: (id, s) => {
        let n = 0;
        return new SimHost(id, s, (msg, emit) => {
          if (msg.body.type === 'init') return emit(replyLine(msg, { type: 'init_ok' }));
          srcs.push(msg.src);
          if (++n === 3) return; // drop one reply: it times out after 5 s, well inside the 8 s test
          emit(replyLine(msg, { type: 'echo_ok', echo: msg.body.echo }));
        });
      },
    });
    // n0: init client c0, setup client c1, first worker client c2; after the info, c3.
    assert.deepEqual([...new Set(srcs)], ['c2', 'c3']);
    assert.equal(srcs.filter((s) => s === 'c2').length, 3);
  });
});
