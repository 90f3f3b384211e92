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

/**
 * A free port below 32768. The Temporal server stores its services' ports in a SMALLINT
 * column (cluster_membership.rpc_port), so the kernel's ephemeral range (32768+), which
 * freePort() draws from, makes it exit at start. Random in [20000, 32767), checked by binding.
 */
export async function freeLowPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12767);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.unref();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port below 32768 after 50 tries');
}
