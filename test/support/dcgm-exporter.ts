import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for NVIDIA's DCGM exporter: GET /metrics answers DCGM_FI_DEV_GPU_UTIL per GPU
 * in the Prometheus text format, one series per (server, gpu), the server named in the
 * `instance` label (scraped with honor_labels). `set` changes a GPU's value for the next scrape.
 */
export interface FakeDcgmExporter {
  target: string;
  scrapes(): number;
  set(server: string, gpu: number, percent: number): void;
  close(): Promise<void>;
}

export async function startFakeDcgmExporter(): Promise<FakeDcgmExporter> {
  const values = new Map<string, number>();
  let scrapes = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    scrapes += 1;
    const lines = ['# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).', '# TYPE DCGM_FI_DEV_GPU_UTIL gauge'];
    for (const [key, v] of values) {
      const [instance, gpu] = key.split('|');
      lines.push(`DCGM_FI_DEV_GPU_UTIL{gpu="${gpu}",UUID="GPU-${instance}-${gpu}",modelName="NVIDIA H100 80GB HBM3",instance="${instance}"} ${v}`);
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    scrapes: () => scrapes,
    set: (s, gpu, percent) => void values.set(`${s}|${gpu}`, percent),
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
