import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ensureTemporalCli } from '../scripts/tools';
import { ensureFirstOperatorKey, startApi } from '../src/api/server';
import { loadConfig, type Config } from '../src/config';
import { connectDatabase, type Sql } from '../src/db';
import { migrate } from '../src/db/migrate';
import { startDevServer } from '../src/runtime/dev-server';
import { startEmbeddedPostgres } from '../src/runtime/embedded-postgres';
import { startMailInbox } from '../src/runtime/mail-inbox';
import { freePort } from '../src/runtime/ports';
import { applicationWorkflowId, type AcceleratorType, type IsoDate, type Pool } from '../src/domain';
import { connectClient } from '../src/temporal';
import type { ApplicationInput } from '../src/contracts/application';
import { runWorker } from '../worker';

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const step = (label: string) => process.stdout.write(`  ${label} …`);
export const took = (t0: number) => console.log(` ${seconds(Date.now() - t0)}`);

/** Runs `f` over the items with at most `concurrency` at once. */
export async function pool<T>(items: readonly T[], concurrency: number, f: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await f(items[next++]!);
    }),
  );
}

/** The application rows' columns a member workflow's input is made of. */
export interface MemberRow {
  id: string;
  pool: Pool;
  accelerator_type: AcceleratorType;
  units: number;
  priority: boolean;
}

/**
 * A real application workflow for every member, started with its real input on a task
 * queue no worker polls: the signals a batch sends are accepted and land in each history as
 * in production, while the members' own reactions (status rows, e-mails) are left out.
 */
export async function startIdleMemberWorkflows(client: Client, callId: string, supportEndsOn: IsoDate, rows: readonly MemberRow[]) {
  await pool(rows, 32, async (a) => {
    const input: ApplicationInput = {
      applicationId: a.id,
      callId,
      pool: a.pool,
      acceleratorType: a.accelerator_type,
      units: a.units,
      priority: a.priority,
      supportEndsOn,
      supplementDays: 7,
    };
    await client.workflow.start('applicationWorkflow', { workflowId: applicationWorkflowId(callId, a.id), taskQueue: 'bench-idle-members', args: [input] });
  });
}

/**
 * The API over a migrated database, as every bench starts it: the pool, the first operator
 * key, a Temporal client and the API on a free port, each added to `stops` so the last
 * started is stopped first.
 */
export async function startApiOn(config: Config, databaseUrl: string, stops: Array<() => Promise<unknown>>, pool = 10) {
  const sql = connectDatabase(databaseUrl, pool);
  stops.unshift(() => sql.end());
  await migrate(sql);
  const operatorKey = (await ensureFirstOperatorKey(sql, config))!;
  const client = await connectClient(config);
  stops.unshift(() => client.connection.close());
  const api = await startApi({ config, sql, client, port: 0 });
  stops.unshift(() => api.close());
  return { sql, operatorKey, client, api };
}

export interface BenchStack {
  dir: string;
  config: Config;
  sql: Sql;
  client: Client;
  api: { url: string };
  operatorKey: string;
}

/**
 * A whole stack of its own for a bench, like the test harness: PostgreSQL, an SMTP inbox, a
 * Temporal dev server, the real API and worker; `run` gets it, and everything is stopped
 * and removed after, however `run` ends.
 */
export async function withBenchStack(taskQueue: string, extraConfig: Record<string, string>, run: (s: BenchStack) => Promise<void>) {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(path.join(tmpdir(), 'aidc-bench-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as the postgres user
  const stops: Array<() => Promise<void>> = [];
  try {
    let t = Date.now();
    step(`services in ${dir} (PostgreSQL, SMTP inbox, Temporal dev server)`);
    const [pg, mail, dev] = await Promise.all([
      freePort().then((port) => startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port })),
      startMailInbox({ smtpPort: 0, webPort: 0 }),
      (async () => {
        const [port, uiPort] = [await freePort(), await freePort()];
        return startDevServer({ cliPath: await ensureTemporalCli(), dbFile: path.join(dir, 'temporal.db'), port, uiPort, namespace: 'default', headless: true });
      })(),
    ]);
    stops.push(() => dev.stop(), () => mail.stop(), () => pg.stop());
    took(t);
    const config = loadConfig({
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: dev.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_HOST: mail.smtpHost,
      SMTP_PORT: String(mail.smtpPort),
      DATA_DIR: dir,
      ...extraConfig,
    });
    const { sql, operatorKey, client, api } = await startApiOn(config, pg.url, stops, 10);
    t = Date.now();
    step('worker (bundles the workflows)');
    const worker = await runWorker({ config, sql });
    stops.unshift(() => worker.shutdown());
    took(t);
    await run({ dir, config, sql, client, api, operatorKey });
  } finally {
    for (const stop of stops) await stop().catch((err: unknown) => console.error(`stopping: ${String(err)}`));
    rmSync(dir, { recursive: true, force: true });
  }
}
