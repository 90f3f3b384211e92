import net from 'node:net';

/** A TCP port that was free on 127.0.0.1 a moment ago (for tests: every part on its own port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something already accepts connections on host:port. */
export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Throws one clear message when `port` is taken, instead of a server's bind error later. */
export async function assertPortFree(port: number, what: string, hint: string): Promise<void> {
  if (await portInUse(port)) {
    throw new Error(`Port ${port} (${what}) is already in use. ${hint}`);
  }
}
