import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A small real SMTP server for the notice tests (N): it keeps what it accepts, refuses
 * chosen recipients for good (550 5.1.1, as a relay does for a mailbox that does not
 * exist), and can go down and come back on the same port (an outage: connections are
 * refused meanwhile). MailDev can do neither, so the tests that need them use this; every
 * other test reads the MailDev inbox. No PIPELINING, so each command gets its reply in turn.
 */
export interface CaughtMessage {
  at: number;
  from: string;
  to: string[];
  headers: Record<string, string>;
  raw: string;
}

export interface FaultySmtp {
  host: string;
  port: number;
  messages: CaughtMessage[];
  /** RCPT TO attempts per address (lower case), accepted or refused. */
  rcptAttempts: Map<string, number>;
  /** Connections refused from now on (the listener closes, open sessions are cut). */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFaultySmtp(opts: { refuse?: (address: string) => boolean } = {}): Promise<FaultySmtp> {
  const refuse = opts.refuse ?? (() => false);
  const sockets = new Set<Socket>();
  const messages: CaughtMessage[] = [];
  const rcptAttempts = new Map<string, number>();
  let server: Server | undefined;
  let port = 0;

  const session = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setEncoding('utf8');
    let buffer = '';
    let data: string[] | undefined;
    let envelope = { from: '', to: [] as string[] };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 fault-smtp ESMTP');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        const i = buffer.indexOf('\r\n');
        if (i < 0) return;
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (data) {
          if (line === '.') {
            const raw = data.join('\r\n');
            messages.push({ at: Date.now(), ...envelope, headers: headersOf(raw), raw });
            data = undefined;
            envelope = { from: '', to: [] };
            reply('250 2.0.0 queued');
          } else {
            data.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-fault-smtp\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO' || verb === 'NOOP') reply('250 ok');
        else if (verb === 'RSET') {
          envelope = { from: '', to: [] };
          reply('250 ok');
        } else if (verb === 'MAIL') {
          envelope.from = addressIn(line);
          reply('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          const address = addressIn(line);
          rcptAttempts.set(address, (rcptAttempts.get(address) ?? 0) + 1);
          if (refuse(address)) reply('550 5.1.1 mailbox unavailable');
          else {
            envelope.to.push(address);
            reply('250 2.1.5 ok');
          }
        } else if (verb === 'DATA') {
          if (envelope.to.length === 0) reply('554 5.5.1 no valid recipients');
          else {
            data = [];
            reply('354 end with <CRLF>.<CRLF>');
          }
        } else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else reply('502 5.5.2 not implemented');
      }
    });
  };

  const up = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer(session);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });
  await up();
  return {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    messages,
    rcptAttempts,
    up,
    down,
    stop: down,
  };
}

const addressIn = (line: string) => (/<([^>]*)>/.exec(line)?.[1] ?? '').toLowerCase();

/** Header fields of a raw message (unfolded; names in lower case). */
function headersOf(raw: string): Record<string, string> {
  const head = raw.split('\r\n\r\n')[0] ?? '';
  const out: Record<string, string> = {};
  let last = '';
  for (const line of head.split('\r\n')) {
    if (/^[ \t]/.test(line) && last) out[last] += ` ${line.trim()}`;
    else {
      const i = line.indexOf(':');
      if (i <= 0) continue;
      last = line.slice(0, i).toLowerCase();
      out[last] = line.slice(i + 1).trim();
    }
  }
  return out;
}

/** What a tap sees of one SMTP session, in order; `n` counts sessions from 1. */
export type TapMoment = 'MAIL_FROM' | 'ACCEPTED';

/**
 * A TCP proxy in front of a real SMTP server (the MailDev inbox) that can act at two
 * moments of a session: when the client starts a message (MAIL FROM: the outbox has
 * claimed the notice, nothing is delivered yet) and when the server accepts it (the 250
 * after the data: delivered, the sender not yet told). `onMoment` runs before the bytes go
 * on and may return 'CUT' to end the session there (both sides), as a dying sender would.
 */
export async function startSmtpTap(
  target: { host: string; port: number },
  onMoment: (moment: TapMoment, n: number) => Promise<'CUT' | void> | 'CUT' | void,
): Promise<{ host: string; port: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let sessions = 0;
  const server = createServer((client) => {
    const n = ++sessions;
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    let sawMail = false;
    let dataEnded = false;
    let tail = '';
    // Client → server: forward, pausing at MAIL FROM and noting the end of the data.
    client.on('data', (chunk: Buffer) => {
      const text = tail + chunk.toString('latin1');
      tail = text.slice(-5);
      if (!sawMail && /\r?\nMAIL FROM|^MAIL FROM/i.test(text)) {
        sawMail = true;
        client.pause();
        void Promise.resolve(onMoment('MAIL_FROM', n)).then((r) => {
          if (r === 'CUT') return cut();
          upstream.write(chunk);
          client.resume();
        });
        return;
      }
      if (text.includes('\r\n.\r\n')) dataEnded = true;
      upstream.write(chunk);
    });
    // Server → client: forward, pausing at the acceptance of the message.
    upstream.on('data', (chunk: Buffer) => {
      if (dataEnded && chunk.toString('latin1').startsWith('250')) {
        dataEnded = false;
        upstream.pause();
        void Promise.resolve(onMoment('ACCEPTED', n)).then((r) => {
          if (r === 'CUT') return cut();
          client.write(chunk);
          upstream.resume();
        });
        return;
      }
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    host: '127.0.0.1',
    port: (server.address() as { port: number }).port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
