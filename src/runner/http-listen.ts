import * as http from 'http';
import { AddressInfo } from 'net';

/**
 * Start an HTTP server and say plainly why it could not: `serve` and
 * `test --live` both refuse to start rather than pick another port behind
 * the user's back (a bookmark or a script would then talk to something else).
 */
export class ListenError extends Error {}

export function listen(server: http.Server, host: string, port: number, flag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      server.removeListener('listening', onListening);
      if (e.code === 'EADDRINUSE') reject(new ListenError(`port ${port} on ${host} is in use; pick another with ${flag}`));
      else if (e.code === 'EACCES') reject(new ListenError(`not allowed to listen on port ${port} on ${host} (ports below 1024 need privileges); pick another with ${flag}`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') reject(new ListenError(`cannot listen on ${host}: no such local address`));
      else reject(new ListenError(`cannot listen on ${host}:${port}: ${e.message}`));
    };
    const onListening = (): void => {
      server.removeListener('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** A URL host part for `host` (IPv6 literals need brackets). */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
