import { strict as assert } from 'assert';
import type { Body } from '../../src/protocol/message';
import type { Entry } from '../../src/raft';
import { Applier } from '../../src/server/apply';
import { encodeLogCommand, type LogCommand } from '../../src/server/log-command';
import { ServerStats } from '../../src/server/stats';
import { KvStateMachine } from '../../workloads/lin-kv/node';
import { ManualEnv } from '../support/fake-env';

function applier(): Applier {
  const a = new Applier(new ManualEnv(), new ServerStats(), 0);
  a.addMachine('lin-kv', new KvStateMachine());
  return a;
}

const entry = (index: number, data: string): Entry => ({ index, term: 1, kind: 'normal', data });
// The log holds a copy of the text that came back over the wire, not the string object that was encoded.
const copy = (s: string): string => JSON.parse(JSON.stringify(s)) as string;

describe('server: applying commands this node encoded itself', () => {
  it('uses the remembered command instead of parsing the log text again', () => {
    const a = applier();
    const cmd: LogCommand = { origin: 'n1:1', seq: 1, low: 1, workload: 'lin-kv', command: { op: 'write', key: 'k', value: 1 } };
    const data = encodeLogCommand(cmd);
    // A remembered object that differs from its text shows which one apply used.
    a.rememberOwn(data, { ...cmd, command: { op: 'write', key: 'k', value: 2 } });
    const results: Array<[number, Body]> = [];
    a.apply([entry(1, copy(data))], 'n1:1', (seq, r) => results.push([seq, r]));
    assert.deepEqual(results, [[1, { type: 'write_ok' }]]);
    assert.deepEqual(a.query('lin-kv', { op: 'read', key: 'k' }), { type: 'read_ok', value: 2 });
  });

  it('parses commands of other origins, and own ones it no longer remembers', () => {
    const a = applier();
    const mine: LogCommand = { origin: 'n1:1', seq: 1, low: 1, workload: 'lin-kv', command: { op: 'write', key: 'k', value: 5 } };
    const theirs: LogCommand = { origin: 'n2:1', seq: 1, low: 1, workload: 'lin-kv', command: { op: 'write', key: 'j', value: 6 } };
    a.rememberOwn(encodeLogCommand(mine), mine);
    const own: number[] = [];
    // Applied once, forgotten: a duplicate of the same text later parses and the session table drops it.
    a.apply([entry(1, encodeLogCommand(mine)), entry(2, encodeLogCommand(theirs)), entry(3, encodeLogCommand(mine))], 'n1:1', (seq) => own.push(seq));
    assert.deepEqual(own, [1, 1], 'the duplicate is answered from the session table');
    assert.deepEqual(a.query('lin-kv', { op: 'read', key: 'j' }), { type: 'read_ok', value: 6 });
    assert.deepEqual(a.query('lin-kv', { op: 'read', key: 'k' }), { type: 'read_ok', value: 5 });
  });
});
