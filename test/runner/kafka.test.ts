import { strict as assert } from 'assert';
import { HistoryOp, OpType } from '../../src/checker/history';
import { RpcResult } from '../../src/runner/client';
import { Rng } from '../../src/runner/rng';
import { GeneratorContext } from '../../src/runner/workload';
import { kafkaBench } from '../../workloads/kafka/bench';
import { checkKafka } from '../../workloads/kafka/checker';
import { KafkaClient } from '../../workloads/kafka/client';
import { KafkaFinalGenerator, KafkaGenerator } from '../../workloads/kafka/generator';
import { worstRealtimeLag } from '../../workloads/kafka/lag';
import { DEFAULT_OPTIONS } from './virtual-run';

const SEED = Number(process.env.SEED ?? 99);

type Ev = [OpType, number, string, unknown];
function hist(events: Ev[]): HistoryOp[] {
  return events.map(([type, process, f, value], index) => ({ index, time: index * 1e6, type, process, f, value }));
}
const send = (p: number, k: string, v: number, offset: number | null, type: OpType = 'ok'): Ev[] => [
  ['invoke', p, 'send', [['send', k, v]]],
  [type, p, 'send', type === 'ok' || offset !== null ? [['send', k, offset === null ? v : [offset, v]]] : [['send', k, v]]],
];
const poll = (p: number, msgs: Record<string, [number, number][]>): Ev[] => [
  ['invoke', p, 'poll', [['poll']]],
  ['ok', p, 'poll', [['poll', msgs]]],
];
const count = (r: ReturnType<typeof checkKafka>, t: string) => (r[t] as { count: number } | undefined)?.count ?? 0;

describe('kafka checker (jepsen.tests.kafka as Maelstrom runs it)', () => {
  const sends = [...send(0, 'a', 1, 0), ...send(0, 'a', 2, 1), ...send(0, 'a', 3, 2)];
  it('every acknowledged send polled once, in order -> valid, no error types', () => {
    const r = checkKafka(hist([...sends, ...poll(1, { a: [[0, 1], [1, 2]] }), ...poll(1, { a: [[2, 3]] })]));
    assert.deepEqual([r.valid, r['error-types'], r['bad-error-types']], [true, [], []]);
  });
  it('a poll that reads offsets 0 and 2 but never 1: int-poll-skip, lost-write (value 2) and unseen -> invalid', () => {
    const r = checkKafka(hist([...sends, ...poll(1, { a: [[0, 1], [2, 3]] })]));
    assert.equal(r.valid, false);
    assert.deepEqual(r['error-types'], ['int-poll-skip', 'lost-write', 'unseen']);
    const lost = (r['lost-write'] as { errs: { key: string; value: unknown; 'max-read-index': number }[] }).errs[0];
    assert.deepEqual([lost.key, lost.value, lost['max-read-index']], ['a', 2, 2]);
    assert.deepEqual((r.unseen as { messages: unknown }).messages, { a: [2] });
  });
  it('two polls of one process that jump over offset 1: poll-skip with the skipped value', () => {
    const r = checkKafka(hist([...sends, ...poll(1, { a: [[0, 1]] }), ...poll(1, { a: [[2, 3]] }), ...poll(2, { a: [[1, 2]] })]));
    assert.equal(count(r, 'poll-skip'), 1);
    assert.deepEqual((r['poll-skip'] as { errs: { skipped: unknown[] }[] }).errs[0].skipped, [2]);
    assert.equal(count(r, 'lost-write'), 0);
  });
  it('a process re-reading the value it last saw: nonmonotonic-poll; an assign in between resets it', () => {
    const again = hist([...sends, ...poll(1, { a: [[0, 1], [1, 2]] }), ...poll(1, { a: [[1, 2], [2, 3]] })]);
    assert.equal(count(checkKafka(again), 'nonmonotonic-poll'), 1);
    const reassigned = hist([...sends, ...poll(1, { a: [[0, 1], [1, 2]] }), ['invoke', 1, 'assign', ['b']], ['ok', 1, 'assign', ['b']], ...poll(1, { a: [[1, 2], [2, 3]] })]);
    assert.equal(count(checkKafka(reassigned), 'nonmonotonic-poll'), 0);
  });
  it('two values at one offset: inconsistent-offsets; one value at two offsets: duplicate', () => {
    const r = checkKafka(hist([...send(0, 'a', 1, 0), ...send(0, 'a', 2, 0), ...poll(1, { a: [[0, 1]] }), ...send(0, 'b', 7, 0), ...poll(1, { b: [[0, 7], [1, 7]] })]));
    assert.equal(count(r, 'inconsistent-offsets'), 1);
    assert.deepEqual((r['inconsistent-offsets'] as { errs: { values: unknown[] }[] }).errs[0].values, [1, 2]);
    assert.equal(count(r, 'duplicate'), 1);
    assert.equal(r.valid, false);
  });
  it('a process whose later send lands at a lower offset: nonmonotonic-send', () => {
    const r = checkKafka(hist([...send(0, 'a', 1, 1), ...send(0, 'a', 2, 0), ...poll(1, { a: [[0, 2], [1, 1]] })]));
    assert.equal(count(r, 'nonmonotonic-send'), 1);
  });
  it('an ok poll returning a value whose send failed: G1a', () => {
    const r = checkKafka(hist([...send(0, 'a', 1, null, 'fail'), ...poll(1, { a: [[0, 1]] })]));
    assert.equal(count(r, 'G1a'), 1);
    assert.ok((r['bad-error-types'] as string[]).includes('G1a'));
  });
  it('an info send that some poll saw counts as committed: a gap before it is a lost write', () => {
    const r = checkKafka(hist([...send(0, 'a', 1, 0), ...send(2, 'a', 2, null, 'info'), ...poll(1, { a: [[1, 2]] })]));
    assert.equal(count(r, 'lost-write'), 1);
  });
  it('worst realtime lag: a poll invoked after a newer offset existed lags by the difference (Jepsen docstring example)', () => {
    const at = (ms: number, type: OpType, process: number, f: string, value: unknown): HistoryOp => ({ index: 0, time: ms * 1e9, type, process, f, value });
    const h = [
      at(0, 'invoke', 0, 'send', [['send', 'x', 'a']]),
      at(1, 'ok', 0, 'send', [['send', 'x', [0, 'a']]]),
      at(1.5, 'invoke', 1, 'poll', [['poll']]),
      at(2, 'ok', 1, 'poll', [['poll', { x: [[0, 'a']] }]]),
      at(2.5, 'invoke', 0, 'send', [['send', 'x', 'b']]),
      at(3, 'ok', 0, 'send', [['send', 'x', [1, 'b']]]),
      at(4, 'invoke', 1, 'poll', [['poll']]),
      at(5, 'ok', 1, 'poll', [['poll', { x: [] }]]),
    ].map((op, index) => ({ ...op, index }));
    assert.deepEqual(worstRealtimeLag(h), { time: 4, lag: 1, process: 1, key: 'x' });
    assert.deepEqual(worstRealtimeLag(h.slice(0, 4)), { time: 0, lag: 0 });
  });
  it('an acknowledged send no poll ever returned is unseen, which alone invalidates (not an allowed type)', () => {
    const r = checkKafka(hist([...send(0, 'a', 1, 0), ...send(0, 'b', 1, 0), ...poll(1, { a: [[0, 1]] })]));
    assert.deepEqual([r.valid, r['error-types'], (r.unseen as { unseen: unknown }).unseen], [false, ['unseen'], { b: 1 }]);
  });
});

describe(`kafka generator (SEED=${SEED})`, () => {
  const ctx = (now: () => number): GeneratorContext => ({ nodeCount: 3, concurrency: 3, rng: new Rng(SEED), options: DEFAULT_OPTIONS, now });
  it('single-mop sends and polls on string keys, values 1, 2, ... per key; about 1/64 assigns; a crash per ~30 s / concurrency', () => {
    let t = 0;
    const g = new KafkaGenerator(ctx(() => t));
    const free = [{ thread: 0, process: 0 }];
    const perKey = new Map<string, number[]>();
    const fs = new Map<string, number>();
    for (let i = 0; i < 6400; i++) {
      t += 100; // 10 ops/s for 640 s
      const op = (g.next(free) as { op: { f: string; value: unknown } }).op;
      fs.set(op.f, (fs.get(op.f) ?? 0) + 1);
      if (op.f === 'send') {
        const [[tag, k, v]] = op.value as [string, string, number][];
        assert.equal(tag, 'send');
        assert.equal(typeof k, 'string');
        perKey.set(k, [...(perKey.get(k) ?? []), v]);
      } else if (op.f === 'poll') assert.deepEqual(op.value, [['poll']]);
      else if (op.f === 'assign') assert.ok((op.value as unknown[]).every((k) => typeof k === 'string'));
      else assert.equal(op.f, 'crash');
    }
    for (const vs of perKey.values()) assert.deepEqual(vs, vs.map((_, i) => i + 1));
    const assigns = fs.get('assign') ?? 0;
    assert.ok(assigns > 50 && assigns < 160, `assigns ${assigns}`);
    // 640 s at one crash per 10 s on average.
    const crashes = fs.get('crash') ?? 0;
    assert.ok(crashes > 40 && crashes < 95, `crashes ${crashes}`);
  });
  it('final polls per worker: crash, assign every key from the beginning, then polls until its targets are reached', () => {
    const targets = new Map([['1', 4], ['2', 0]]);
    const g = new KafkaFinalGenerator(ctx(() => 0), targets);
    const w = [{ thread: 0, process: 0 }];
    assert.equal(g.next(w)?.op.f, 'crash');
    const assign = g.next(w)?.op;
    assert.deepEqual([assign?.f, assign?.value, assign?.attrs], ['assign', ['1', '2'], { 'seek-to-beginning?': true }]);
    const p = g.next(w);
    assert.equal(p?.op.f, 'poll');
    assert.ok((p?.pauseMs ?? -1) >= 0 && (p?.pauseMs ?? 0) < 400);
    const polled = (msgs: Record<string, [number, number][]>): HistoryOp => ({ index: 0, time: 0, type: 'ok', process: 0, f: 'poll', value: [['poll', msgs]] });
    g.update(0, polled({ '1': [[3, 9]], '2': [[0, 1]] }));
    assert.equal(g.next(w)?.op.f, 'poll');
    g.update(0, polled({ '1': [[4, 10]] }));
    assert.equal(g.next(w), null);
  });
});

describe('kafka client (Maelstrom kafka Client)', () => {
  const fake = (replies: Record<string, unknown>[]) => {
    const sent: Record<string, unknown>[] = [];
    const rpc = (body: Record<string, unknown>): Promise<RpcResult> => {
      sent.push(body);
      const next = replies.shift();
      return Promise.resolve(next ? { kind: 'reply', body: { in_reply_to: 1, ...next } as RpcResult extends { body: infer B } ? B : never } : { kind: 'timeout' });
    };
    return { sent, rpc };
  };
  it('assign uses committed offsets; poll advances past what it saw and commits the highest offsets', async () => {
    const c = new KafkaClient(kafkaBench);
    const f = fake([{ type: 'list_committed_offsets_ok', offsets: { a: 3 } }, { type: 'poll_ok', msgs: { a: [[3, 30], [4, 40]] } }, { type: 'commit_offsets_ok' }, { type: 'poll_ok', msgs: {} }]);
    assert.equal((await c.invoke({ f: 'assign', value: ['a', 'b'] }, f.rpc)).type, 'ok');
    const p = await c.invoke({ f: 'poll', value: [['poll']] }, f.rpc);
    assert.deepEqual(p, { type: 'ok', value: [['poll', { a: [[3, 30], [4, 40]] }]] });
    await c.invoke({ f: 'poll', value: [['poll']] }, f.rpc);
    assert.deepEqual(f.sent, [
      { type: 'list_committed_offsets', keys: ['a', 'b'] },
      { type: 'poll', offsets: { a: 3, b: 0 } },
      { type: 'commit_offsets', offsets: { a: 4 } },
      { type: 'poll', offsets: { a: 5, b: 0 } },
    ]);
  });
  it('send records [offset, msg]; a timed-out send is info, a timed-out assign fail; crash is info without an RPC', async () => {
    const c = new KafkaClient(kafkaBench);
    const f = fake([{ type: 'send_ok', offset: 7 }]);
    assert.deepEqual(await c.invoke({ f: 'send', value: [['send', 'a', 5]] }, f.rpc), { type: 'ok', value: [['send', 'a', [7, 5]]] });
    assert.equal((await c.invoke({ f: 'send', value: [['send', 'a', 6]] }, f.rpc)).type, 'info');
    assert.equal((await c.invoke({ f: 'assign', value: ['a'] }, f.rpc)).type, 'fail');
    const n = f.sent.length;
    assert.equal((await c.invoke({ f: 'crash', value: null }, f.rpc)).type, 'info');
    assert.equal(f.sent.length, n);
  });
  it('a poll_ok whose msgs are not [offset, msg] pairs is an exception (info)', async () => {
    const c = new KafkaClient(kafkaBench);
    const r = await c.invoke({ f: 'poll', value: [['poll']] }, fake([{ type: 'poll_ok', msgs: { a: [5] } }]).rpc);
    assert.equal(r.type, 'info');
    assert.ok(r.exception);
  });
});
