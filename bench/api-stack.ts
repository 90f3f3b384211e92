/**
 * The stack a bench runs against, like the test harness: its own PostgreSQL, SMTP inbox and
 * Temporal dev server in a temporary directory, the real API, and (when asked) the worker.
 * TEMPORAL_ADDRESS in the environment points the bench at another Temporal instead.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ensureTemporalCli } from '../scripts/tools';
import { loadConfig, type Config } from '../src/config';
import { type Sql } from '../src/db';
import { startDevServer } from '../src/runtime/dev-server';
import { startEmbeddedPostgres } from '../src/runtime/embedded-postgres';
import { startMailInbox } from '../src/runtime/mail-inbox';
import { freePort } from '../src/runtime/ports';
import { runWorker } from '../worker';
import { startApiOn } from './stack';

export interface BenchStack {
  config: Config;
  sql: Sql;
  client: Client;
  apiUrl: string;
  operatorKey: string;
  close(): Promise<void>;
}

export async function startBenchStack(name: string, opts: { worker: boolean; pool?: number }): Promise<BenchStack> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(path.join(tmpdir(), `aidc-bench-${name}-`));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as the postgres user
  const stops: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const stop of stops) await stop().catch((err: unknown) => console.error(`stopping: ${String(err)}`));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [pg, mail, temporal] = await Promise.all([
      freePort().then((port) => startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port })),
      startMailInbox({ smtpPort: 0, webPort: 0 }),
      process.env.TEMPORAL_ADDRESS
        ? Promise.resolve({ address: process.env.TEMPORAL_ADDRESS, stop: async () => undefined })
        : (async () => {
            const [port, uiPort] = [await freePort(), await freePort()];
            return startDevServer({ cliPath: await ensureTemporalCli(), dbFile: path.join(dir, 'temporal.db'), port, uiPort, namespace: 'default', headless: true });
          })(),
    ]);
    stops.push(() => temporal.stop(), () => mail.stop(), () => pg.stop());
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: `bench-${name}`,
      SMTP_HOST: mail.smtpHost,
      SMTP_PORT: String(mail.smtpPort),
      DATA_DIR: dir,
      EMAIL_RATE_PER_ADDRESS: '100000000',
      EMAIL_RATE_PER_CLIENT: '100000000',
    });
    const { sql, operatorKey, client, api } = await startApiOn(config, pg.url, stops, opts.pool ?? 10);
    if (opts.worker) {
      const worker = await runWorker({ config, sql });
      stops.unshift(() => worker.shutdown());
    }
    return { config, sql, client, apiUrl: api.url, operatorKey, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Percentile of a sample (nearest rank). */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Times `f` n times, one at a time, after `warm` untimed calls: milliseconds each. */
export async function timeEach(n: number, f: () => Promise<unknown>, warm = 5): Promise<number[]> {
  for (let i = 0; i < warm; i++) await f();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await f();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

/** Runs `f` for every item with `concurrency` in flight. */
export async function inFlight<T>(items: T[], concurrency: number, f: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await f(items[next++]!);
    }),
  );
}
