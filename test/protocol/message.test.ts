import { strict as assert } from 'assert';
import { errorInfo, isDefinite } from '../../src/protocol/errors';
import { canonicalKey, isJson, jsonEqual, MAX_JSON_DEPTH, nestsDeeperThan } from '../../src/protocol/json';
import { encodeEnvelope, parseLine } from '../../src/protocol/message';

describe('protocol: message parsing', () => {
  it('parses a well-formed envelope and keeps Maelstrom\'s integer id', () => {
    const parsed = parseLine('{"id":7,"src":"c1","dest":"n1","body":{"type":"echo","msg_id":1,"echo":"x"}}');
    assert.ok(parsed.ok);
    assert.equal(parsed.message.id, 7);
    assert.equal(parsed.message.body.type, 'echo');
  });

  const bad: Array<[string, string, boolean]> = [
    ['{not json', 'not JSON', false],
    ['[1,2]', 'not a JSON object', false],
    ['{"dest":"n1","body":{"type":"echo","msg_id":1}}', 'src', false],
    ['{"src":"c1","dest":"n1","body":"hello"}', 'body', false],
    ['{"src":"c1","dest":"n1","body":{"msg_id":3}}', 'type', true],
    ['{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":1.5}}', 'msg_id', false],
    ['{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":2,"in_reply_to":"x"}}', 'in_reply_to', true],
  ];
  for (const [line, mentions, answerable] of bad) {
    it(`rejects ${line} with a reason naming ${mentions}`, () => {
      const parsed = parseLine(line);
      assert.ok(!parsed.ok);
      assert.match(parsed.reason, new RegExp(mentions));
      assert.equal(parsed.replyTo !== undefined, answerable);
    });
  }

  it('encodes only src, dest and body', () => {
    const line = encodeEnvelope({ id: 3, src: 'n1', dest: 'c1', body: { type: 'echo_ok', in_reply_to: 1 } });
    assert.deepEqual(Object.keys(JSON.parse(line)), ['src', 'dest', 'body']);
  });
});

describe('protocol: error table', () => {
  it('matches Maelstrom\'s definite/indefinite split', () => {
    const definite = [1, 10, 11, 12, 14, 20, 21, 22, 30];
    const indefinite = [0, 13, 999, 1000, 1.5, 'x'];
    for (const c of definite) assert.equal(isDefinite(c), true, `code ${c}`);
    for (const c of indefinite) assert.equal(isDefinite(c), false, `code ${String(c)}`);
    assert.equal(errorInfo(20).name, 'key-does-not-exist');
    assert.equal(errorInfo(4242).name, 'unknown');
  });
});

describe('protocol: JSON equality', () => {
  it('keeps JSON types apart and ignores object key order', () => {
    assert.notEqual(canonicalKey(1), canonicalKey('1'));
    assert.equal(canonicalKey({ a: 1, b: [2] }), canonicalKey({ b: [2], a: 1 }));
    assert.ok(jsonEqual([1, { x: null }], [1, { x: null }]));
    assert.ok(!jsonEqual([1], ['1']));
    assert.ok(!jsonEqual(null, 0));
  });

  it('keeps an own "__proto__" key apart from the empty object', () => {
    const proto = JSON.parse('{"__proto__":1}') as unknown;
    assert.notEqual(canonicalKey(proto), canonicalKey({}));
    assert.equal(canonicalKey(proto), '{"__proto__":1}');
    assert.ok(!jsonEqual(proto, {}) && !jsonEqual({}, proto) && !jsonEqual(proto, { a: 1 }) && !jsonEqual({ a: 1 }, proto));
    assert.ok(jsonEqual(proto, JSON.parse('{"__proto__":1}')));
  });

  it('writes canonical keys exactly as JSON.stringify of a key-sorted copy', () => {
    const samples: unknown[] = [0, -0, 1.5, 'x"\\\n', null, true, [], {}, [1, [2, { b: 1, a: [null] }]], { z: { y: 1, x: 2 }, 'é': 'ü' }];
    const sorted = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]))
        : v;
    for (const v of samples) assert.equal(canonicalKey(v), JSON.stringify(sorted(v)), JSON.stringify(v));
  });

  it('bounds nesting depth without recursing past the bound', () => {
    const nested = (depth: number): unknown => {
      let v: unknown = 0;
      for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v };
      return v;
    };
    assert.ok(!nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH));
    assert.ok(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH));
    assert.ok(isJson(nested(MAX_JSON_DEPTH)));
    // Deep enough to overflow the stack of an unbounded recursive walk.
    assert.ok(nestsDeeperThan(nested(200_000), MAX_JSON_DEPTH));
    assert.ok(!isJson(nested(200_000)));
  });
});
