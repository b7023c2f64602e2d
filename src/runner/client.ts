import { Body } from '../protocol/message';
import { Network, NetMessage } from './network';
import { Scheduler, TimerHandle } from './scheduler';

export type RpcResult = { kind: 'reply'; body: Body } | { kind: 'timeout' };

/**
 * A Maelstrom network client (`c<k>`): synchronous, one RPC at a time,
 * requests numbered from 1. It accepts only the message whose `in_reply_to`
 * equals the `msg_id` it waits for; anything else (late replies, duplicates)
 * is discarded (spec §4.2). The timeout starts once the request is enqueued.
 */
export class NetClient {
  private nextMsgId = 1;
  private waiting: { msgId: number; timer: TimerHandle; done: (r: RpcResult) => void } | null = null;

  constructor(
    readonly id: string,
    private readonly network: Network,
    private readonly scheduler: Scheduler,
  ) {}

  open(): void {
    this.network.register(this.id, (m) => this.receive(m));
  }

  close(): void {
    this.waiting?.timer.cancel();
    this.waiting = null;
    this.network.unregister(this.id);
  }

  call(dest: string, body: Record<string, unknown>, timeoutMs: number, done: (r: RpcResult) => void): void {
    if (this.waiting) throw new Error(`client ${this.id} already has an RPC in flight`);
    const msgId = this.nextMsgId++;
    const timer = this.scheduler.after(timeoutMs, () => {
      if (this.waiting?.msgId !== msgId) return;
      this.waiting = null;
      done({ kind: 'timeout' });
    });
    this.waiting = { msgId, timer, done };
    const sent = this.network.send(this.id, dest, { ...body, msg_id: msgId } as Body);
    if (!sent.ok) throw new Error(`client ${this.id} could not send to ${dest}: ${sent.reason}`);
  }

  private receive(message: NetMessage): void {
    const w = this.waiting;
    if (!w || message.body.in_reply_to !== w.msgId) return;
    this.waiting = null;
    w.timer.cancel();
    w.done({ kind: 'reply', body: message.body });
  }
}
