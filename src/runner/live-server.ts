import * as http from 'http';
import { listen, urlHost } from './http-listen';
import { LiveCounters, LiveSnapshot } from './live';
import { StatusProbe } from './live-probe';
import { MessageLog } from './message-log';
import { liveHtml } from './pages/live-html';
import { TestRun } from './test-run';
import { Scheduler } from './scheduler';

/**
 * `test --live PORT`: a page on 127.0.0.1 that polls /live.json. Loopback
 * only: it exposes the run's state and makes the runner send requests to the
 * nodes, which nobody off this machine should be able to trigger.
 */
export const LIVE_HOST = '127.0.0.1';

export interface LiveOptions {
  run: TestRun;
  messageLog: MessageLog | null;
  scheduler: Scheduler;
  workload: string;
  nodes: readonly string[];
  timeLimitS: number;
}

export class LiveView {
  private readonly counters = new LiveCounters();
  private readonly probe: StatusProbe;
  private done = false;

  constructor(private readonly o: LiveOptions) {
    // The probes are not part of the test: out of the :net counts and out of messages.html. Hidden only once a
    // probe client exists (the first poll), so a run nobody watches pays nothing per message for it.
    this.probe = new StatusProbe(o.run.network, o.scheduler, o.nodes, (id) => {
      o.run.journal.hide(id);
      o.messageLog?.hide(id);
    });
    o.run.history.onRecord((op) => this.counters.record(op));
  }

  /** The run is over: no more probes, the page shows the final numbers. */
  finish(): void {
    this.done = true;
    this.probe.disable();
  }

  snapshot(): LiveSnapshot {
    const o = this.o;
    const h = o.run.history;
    const started = h.clockStarted();
    const elapsedS = started ? (o.scheduler.now() - h.originMs()) / 1000 : 0;
    // Once the client phase began every node has answered init: probing is safe from then on.
    if (started && !this.done) this.probe.enable();
    return {
      workload: o.workload,
      nodes: [...o.nodes],
      timeLimitS: o.timeLimitS,
      elapsedS: Math.round(elapsedS * 1000) / 1000,
      phase: this.done ? 'done' : started ? 'running' : 'setup',
      totals: { ...this.counters.totals },
      series: this.counters.series(elapsedS),
      recent: this.counters.recent(elapsedS),
      faults: o.run.activeFaults(),
      events: this.counters.lastEvents(),
      status: this.probe.poll(),
    };
  }
}

export interface LiveServer {
  url: string;
  close(): Promise<void>;
}

export async function startLiveServer(view: LiveView, port: number, title: string): Promise<LiveServer> {
  const page = liveHtml(title);
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(page);
    } else if (url === '/live.json') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(view.snapshot()));
    } else if (url === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  });
  // Keep-alive sockets would hold the process open after the test; the page polls often enough to reconnect.
  server.keepAliveTimeout = 2000;
  const bound = await listen(server, LIVE_HOST, port, '--live');
  server.unref();
  return {
    url: `http://${urlHost(LIVE_HOST)}:${bound}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
