import * as crypto from 'crypto';
import * as http from 'http';
import { Socket } from 'net';

/**
 * The smallest WebSocket client that can talk to Chromium's DevTools
 * endpoint (RFC 6455): text frames out (masked, as a client must), text
 * frames in (possibly fragmented), ping answered, close honoured. Node 20 has
 * no WebSocket without an experimental flag, and the tests must not download
 * a browser driver, so this is written here.
 */
export class MiniWebSocket {
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private closed = false;
  onMessage: (text: string) => void = () => undefined;
  onClose: () => void = () => undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.finish());
    socket.on('error', () => this.finish());
  }

  static connect(url: string, timeoutMs = 10_000): Promise<MiniWebSocket> {
    const u = new URL(url);
    const key = crypto.randomBytes(16).toString('base64');
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' },
        timeout: timeoutMs,
      });
      req.on('upgrade', (res, socket, head) => {
        const expected = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
        if (res.headers['sec-websocket-accept'] !== expected) {
          socket.destroy();
          reject(new Error('WebSocket handshake: bad Sec-WebSocket-Accept'));
          return;
        }
        const ws = new MiniWebSocket(socket);
        if (head.length > 0) ws.receive(head);
        resolve(ws);
      });
      req.on('response', (res) => reject(new Error(`WebSocket handshake refused: HTTP ${res.statusCode}`)));
      req.on('timeout', () => req.destroy(new Error('WebSocket handshake timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  send(text: string): void {
    this.frame(0x1, Buffer.from(text, 'utf8'));
  }

  close(): void {
    if (this.closed) return;
    this.frame(0x8, Buffer.alloc(0));
    this.socket.end();
    this.finish();
  }

  private frame(opcode: number, payload: Buffer): void {
    if (this.closed) return;
    const len = payload.length;
    const headerLen = len < 126 ? 2 : len < 65536 ? 4 : 10;
    const header = Buffer.alloc(headerLen + 4);
    header[0] = 0x80 | opcode;
    if (len < 126) header[1] = 0x80 | len;
    else if (len < 65536) {
      header[1] = 0x80 | 126;
      header.writeUInt16BE(len, 2);
    } else {
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(len), 2);
    }
    const mask = crypto.randomBytes(4);
    mask.copy(header, headerLen);
    const masked = Buffer.alloc(len);
    for (let i = 0; i < len; i++) masked[i] = payload[i] ^ mask[i & 3];
    this.socket.write(Buffer.concat([header, masked]));
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const b0 = this.buffer[0];
      const b1 = this.buffer[1];
      let len = b1 & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buffer.length < 4) return;
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buffer.length < 10) return;
        len = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = (b1 & 0x80) !== 0;
      const maskAt = offset;
      if (masked) offset += 4;
      if (this.buffer.length < offset + len) return;
      let payload = this.buffer.subarray(offset, offset + len);
      if (masked) {
        const m = this.buffer.subarray(maskAt, maskAt + 4);
        payload = Buffer.from(payload.map((x, i) => x ^ m[i & 3]));
      }
      this.buffer = this.buffer.subarray(offset + len);
      const opcode = b0 & 0x0f;
      const fin = (b0 & 0x80) !== 0;
      if (opcode === 0x8) {
        this.close();
        return;
      }
      if (opcode === 0x9) {
        this.frame(0xa, Buffer.from(payload));
        continue;
      }
      if (opcode === 0x1 || opcode === 0x0) {
        this.fragments.push(Buffer.from(payload));
        if (fin) {
          const text = Buffer.concat(this.fragments).toString('utf8');
          this.fragments = [];
          this.onMessage(text);
        }
      }
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
