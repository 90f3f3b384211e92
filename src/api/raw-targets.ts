import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

/**
 * H1: `curl -X PUT ".../documents/APPLICATION_PLAN?filename=계획서.pdf"` sends the file name's
 * UTF-8 bytes raw in the request line (curl does not percent-encode). Node's HTTP parser
 * (llhttp) refuses any byte ≥ 0x80 in a URL ("HPE_INVALID_URL"), even with
 * insecureHTTPParser, and its default answer is a 400 with an empty body. Browsers and
 * HTTP libraries percent-encode; shell users do not.
 *
 * So each connection passes through a small framer before the parser: in a request line,
 * and only there, every byte ≥ 0x80 becomes its %XX escape, which is exactly what a browser
 * would have sent. Heads pass unchanged; a body passes untouched for its Content-Length.
 * Where the framing is not a plain Content-Length (chunked, a duplicate or bad length, a
 * head beyond the limit) the rest of the connection passes through as it is: the parser
 * then decides as before, and it refuses what it cannot frame.
 */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Percent-encodes each byte ≥ 0x80 of a request line; ASCII stays as it is. */
export function encodeRequestLine(line: Buffer): Buffer {
  if (!line.some((b) => b >= 0x80)) return line;
  const out: Buffer[] = [];
  let from = 0;
  line.forEach((b, i) => {
    if (b < 0x80) return;
    out.push(line.subarray(from, i), Buffer.from(`%${b.toString(16).toUpperCase()}`));
    from = i + 1;
  });
  out.push(line.subarray(from));
  return Buffer.concat(out);
}

/** The length a head announces, or undefined where the framing is anything else. */
function plainBodyLength(head: string): number | undefined {
  const lines = head.split('\r\n').slice(1);
  if (lines.some((l) => /^transfer-encoding\s*:/i.test(l))) return undefined;
  const lengths = lines.filter((l) => /^content-length\s*:/i.test(l)).map((l) => l.slice(l.indexOf(':') + 1).trim());
  if (lengths.length === 0) return 0;
  if (lengths.length > 1 || !/^\d{1,15}$/.test(lengths[0]!)) return undefined;
  return Number(lengths[0]);
}

export class RequestLineFramer {
  private state: 'head' | 'body' | 'raw' = 'head';
  private pending: Buffer = Buffer.alloc(0);
  private remaining = 0;

  feed(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (buf.length) {
      if (this.state === 'raw') {
        out.push(buf);
        break;
      }
      if (this.state === 'body') {
        const n = Math.min(this.remaining, buf.length);
        out.push(buf.subarray(0, n));
        buf = buf.subarray(n);
        this.remaining -= n;
        if (this.remaining === 0) this.state = 'head';
        continue;
      }
      // Empty lines before a request line are allowed (RFC 9112 §2.2): pass them on.
      let skip = 0;
      while (buf[skip] === 0x0d || buf[skip] === 0x0a) skip++;
      if (skip) {
        out.push(buf.subarray(0, skip));
        buf = buf.subarray(skip);
        continue;
      }
      const end = buf.indexOf(CRLFCRLF);
      if (end < 0) {
        if (buf.length > MAX_HEAD_BYTES) this.state = 'raw';
        else {
          this.pending = buf;
          break;
        }
        continue;
      }
      const head = buf.subarray(0, end + CRLFCRLF.length);
      const lineEnd = head.indexOf('\r\n');
      out.push(encodeRequestLine(head.subarray(0, lineEnd)), head.subarray(lineEnd));
      buf = buf.subarray(head.length);
      const length = plainBodyLength(head.toString('latin1'));
      if (length === undefined) this.state = 'raw';
      else if (length > 0) {
        this.state = 'body';
        this.remaining = length;
      }
    }
    return out;
  }

  /** Bytes held back at the end of the stream (an incomplete head): the parser gets them as they are. */
  flush(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest;
  }
}

/** The socket as the HTTP server sees it: reads go through the framer, writes go straight out. */
class FramedSocket extends Duplex {
  private readonly framer = new RequestLineFramer();

  constructor(private readonly socket: Socket) {
    super({ allowHalfOpen: false });
    socket.on('data', (chunk: Buffer) => {
      let more = true;
      for (const part of this.framer.feed(chunk)) more = this.push(part) && more;
      if (!more) socket.pause();
    });
    socket.on('end', () => {
      const rest = this.framer.flush();
      if (rest.length) this.push(rest);
      this.push(null);
    });
    socket.on('timeout', () => this.emit('timeout'));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  override _read() {
    this.socket.resume();
  }
  override _write(chunk: Buffer, encoding: BufferEncoding, done: (err?: Error | null) => void) {
    this.socket.write(chunk, encoding, done);
  }
  override _final(done: (err?: Error | null) => void) {
    this.socket.end(() => done());
  }
  override _destroy(err: Error | null, done: (err?: Error | null) => void) {
    this.socket.destroy(err ?? undefined);
    done(err);
  }
  // What express and the HTTP server read from a socket.
  get remoteAddress() {
    return this.socket.remoteAddress;
  }
  get remotePort() {
    return this.socket.remotePort;
  }
  get remoteFamily() {
    return this.socket.remoteFamily;
  }
  get localAddress() {
    return this.socket.localAddress;
  }
  get localPort() {
    return this.socket.localPort;
  }
  setTimeout(ms: number, callback?: () => void) {
    this.socket.setTimeout(ms);
    if (callback) this.once('timeout', callback);
    return this;
  }
  setNoDelay(noDelay?: boolean) {
    this.socket.setNoDelay(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, delay?: number) {
    this.socket.setKeepAlive(enable, delay);
    return this;
  }
  destroySoon() {
    this.end();
  }
}

const STATUS_OF: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/**
 * H1: requests the parser refuses get a problem+json body like every other error (Node's
 * default answer is an empty 400), and request lines with raw UTF-8 are encoded first.
 */
export function acceptRawUtf8Targets(server: Server) {
  const nodeListeners = server.listeners('connection') as Array<(socket: unknown) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const framed = new FramedSocket(socket);
    for (const listener of nodeListeners) listener.call(server, framed);
  });
  server.on('clientError', (err: NodeJS.ErrnoException & { code?: string }, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const [status, title] = STATUS_OF[err.code ?? ''] ?? [400, 'Bad Request'];
    const body = JSON.stringify({ type: 'about:blank', title, status, detail: `the request could not be parsed (${err.code ?? 'parse error'})` });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
