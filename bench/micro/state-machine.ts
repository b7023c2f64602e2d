/**
 * State machine apply: what every replica does per committed command. The
 * lin-kv map, the transaction engine for both txn workloads, and the server's
 * whole per-entry path (decode the log command, exactly-once session check,
 * apply, remember the result).
 *
 *   node -r ./test/support/register.js bench/micro/state-machine.ts [--quick] [--json]
 */
import type { Json } from '../../src/protocol/message';
import { decodeLogCommand, encodeLogCommand } from '../../src/server/log-command';
import { SessionTable } from '../../src/server/sessions';
import { KvStateMachine } from '../../workloads/lin-kv/node';
import { TxnStateMachine } from '../../workloads/txn/engine';
import { appendMicroOp } from '../../workloads/txn-list-append/node';
import { writeMicroOp } from '../../workloads/txn-rw-register/node';
import { microMain, timeIt, type MicroOptions, type MicroResult } from './harness';

export function runStateMachines(o: MicroOptions): MicroResult[] {
  const out: MicroResult[] = [];
  const add = (name: string, fn: () => unknown): void => {
    out.push({ group: 'apply', name, unit: 'cmd', ...timeIt(fn, 1, o) });
  };

  const kv = new KvStateMachine();
  for (let k = 0; k < 10; k++) kv.apply({ op: 'write', key: k, value: 0 });
  let i = 0;
  add('lin-kv write', () => kv.apply({ op: 'write', key: i++ % 10, value: i % 5 }));
  add('lin-kv cas (mostly precondition failures, as in the workload)', () => kv.apply({ op: 'cas', key: i++ % 10, from: i % 5, to: (i + 1) % 5, create: false }));
  add('lin-kv read (query)', () => kv.query({ op: 'read', key: i++ % 10 }));

  // Lists grow to Elle's max-writes-per-key (16) and then the key retires: cycle keys the same way.
  const lists = new TxnStateMachine(new Map([['append', appendMicroOp]]));
  let key = 0;
  let writes = 0;
  add('txn-list-append txn (2 reads + 2 appends)', () => {
    if (++writes > 8) {
      key++;
      writes = 1;
    }
    const txn: Json = [['r', key, null], ['append', key, writes * 2], ['append', key, writes * 2 + 1], ['r', key + 1, null]];
    return lists.apply(txn);
  });
  const registers = new TxnStateMachine(new Map([['w', writeMicroOp]]));
  add('txn-rw-register txn (2 reads + 2 writes)', () => {
    const k = i++ % 10;
    return registers.apply([['r', k, null], ['w', k, i], ['w', (k + 1) % 10, i], ['r', (k + 2) % 10, null]]);
  });

  // The server's per-entry path (server.ts apply()): decode, session check, apply, record.
  const sessions = new SessionTable();
  const machine = new KvStateMachine();
  let seq = 1;
  const encoded: string[] = [];
  for (let s = 0; s < 4096; s++) encoded.push(encodeLogCommand({ origin: `n${s % 3}:abcd0123`, seq: 0, low: 0, workload: 'lin-kv', command: { op: 'write', key: s % 10, value: s % 5 } }));
  add('server apply path: decode + session check + lin-kv write + record', () => {
    const cmd = decodeLogCommand(encoded[seq % encoded.length]);
    // Give every command a fresh (origin, seq) with a watermark just behind it, as a live origin does.
    cmd.seq = seq;
    cmd.low = Math.max(1, seq - 8);
    seq++;
    const decision = sessions.check(cmd);
    if (!decision.fresh) throw new Error('a fresh command was taken for a duplicate');
    const result = machine.apply(cmd.command);
    sessions.record(cmd, result);
    return result;
  });
  return out;
}

if (require.main === module) microMain(runStateMachines);
