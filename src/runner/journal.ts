import { isClientId } from '../protocol/message';

/** Counters for one view of the message journal (spec §2.7). */
export interface NetViewStats {
  'send-count': number;
  'recv-count': number;
  'msg-count': number;
  'msgs-per-op'?: number;
}

export interface NetStats {
  all: NetViewStats;
  clients: NetViewStats;
  servers: NetViewStats;
  valid: true;
}

/**
 * The network journal, reduced to what the `:net` checker reports. Maelstrom
 * writes every send/recv event to disk and counts afterwards; we count as we
 * go (the numbers are the same) and keep a bounded sample of events per second
 * for the rate picture.
 */
export class NetJournal {
  private readonly counts = {
    all: { send: 0, recv: 0 },
    clients: { send: 0, recv: 0 },
    servers: { send: 0, recv: 0 },
  };

  /** Ids whose traffic is not part of the test (the live view's probe clients): never counted. */
  private readonly hidden = new Set<string>();

  hide(id: string): void {
    this.hidden.add(id);
  }

  send(src: string, dest: string): void {
    if (this.hidden.size > 0 && (this.hidden.has(src) || this.hidden.has(dest))) return;
    this.counts.all.send++;
    if (isClientId(src) || isClientId(dest)) this.counts.clients.send++;
    else this.counts.servers.send++;
  }

  recv(src: string, dest: string): void {
    if (this.hidden.size > 0 && (this.hidden.has(src) || this.hidden.has(dest))) return;
    this.counts.all.recv++;
    if (isClientId(src) || isClientId(dest)) this.counts.clients.recv++;
    else this.counts.servers.recv++;
  }

  totalSends(): number {
    return this.counts.all.send;
  }

  /**
   * `op-count` is the number of client invocations. msg-count is the number of
   * distinct message ids, i.e. of sends (a duplicated message keeps its id).
   * msgs-per-op goes on :all and :servers only, as in Maelstrom.
   */
  stats(opCount: number): NetStats {
    const view = (c: { send: number; recv: number }, perOp: boolean): NetViewStats => {
      const v: NetViewStats = { 'send-count': c.send, 'recv-count': c.recv, 'msg-count': c.send };
      if (perOp && opCount > 0) v['msgs-per-op'] = c.send / opCount;
      return v;
    };
    return {
      all: view(this.counts.all, true),
      clients: view(this.counts.clients, false),
      servers: view(this.counts.servers, true),
      valid: true,
    };
  }
}
