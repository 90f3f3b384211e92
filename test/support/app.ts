import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { runWorker, type RunningWorker } from '../../worker';
import { startApi, ensureFirstOperatorKey, type RunningApi } from '../../src/api/server';
import { loadConfig, type Config } from '../../src/config';
import { connectDatabase, type Sql } from '../../src/db';
import { migrate } from '../../src/db/migrate';
import { kstDateOf, type IsoDate } from '../../src/domain';
import { listMail, type CaughtMail } from '../../src/runtime/mail-inbox';
import { connectClient } from '../../src/temporal';
import { http } from './http';
import { createTimeSkippingEnv, freshDatabase, testServices, workflowBundle } from './services';

/**
 * The whole service wired for one test file, with real parts: a fresh PostgreSQL database,
 * the shared SMTP inbox, and either the shared dev server or a time-skipping test server.
 * Each file gets its own task queue so no other file's worker can pick up its tasks.
 */
export interface TestApp {
  api: ReturnType<typeof http>;
  url: string;
  operatorKey: string;
  sql: Sql;
  client: Client;
  config: Config;
  env?: TestWorkflowEnvironment;
  /** T1: "today" as the API sees it (the test server's clock under time skipping). */
  today(): IsoDate;
  /** Skips time on the time-skipping server (env.sleep) and moves the API's clock with it. */
  advance(ms: number): Promise<void>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  mailTo(address: string): Promise<CaughtMail[]>;
  waitForMail(address: string, count: number, timeoutMs?: number): Promise<CaughtMail[]>;
  close(): Promise<void>;
}

let runtimeInstalled = false;

export async function startTestApp(
  opts: {
    timeSkipping?: boolean;
    /** Another SMTP server than the shared inbox (the notice tests' test/support/smtp-fault.ts). */
    smtp?: { host: string; port: number };
    /** false: no in-process worker (a test that runs the worker as its own process). */
    worker?: boolean;
  } = {},
): Promise<TestApp> {
  if (!runtimeInstalled) {
    // Worker chatter (state changes, polls) hides test failures; warnings and errors still show.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const services = testServices();
  const env = opts.timeSkipping ? await createTimeSkippingEnv() : undefined;
  let clock = env ? await env.currentTimeMs() : Date.now();
  const databaseUrl = await freshDatabase();
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: env ? env.address : services.temporalAddress,
    TEMPORAL_TASK_QUEUE: `test-${randomBytes(4).toString('hex')}`,
    SMTP_HOST: opts.smtp?.host ?? services.smtpHost,
    SMTP_PORT: String(opts.smtp?.port ?? services.smtpPort),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'aidc-test-')),
    OPERATIONS_EMAIL: `ops-${randomBytes(3).toString('hex')}@aidc.example`,
  });
  const sql = connectDatabase(databaseUrl, 5);
  await migrate(sql);
  const operatorKey = (await ensureFirstOperatorKey(sql, config))!;
  const client = env ? env.client : await connectClient(config);
  const today = () => kstDateOf(env ? clock : Date.now());
  const api: RunningApi = await startApi({ config, sql, client, port: 0, today });
  const bundle = workflowBundle();
  let worker: RunningWorker | undefined;

  const app: TestApp = {
    api: http(api.url),
    url: api.url,
    operatorKey,
    sql,
    client,
    config,
    env,
    today,
    async advance(ms) {
      if (!env) throw new Error('advance() needs the time-skipping server');
      await env.sleep(ms);
      clock = await env.currentTimeMs();
    },
    async startWorker() {
      worker ??= await runWorker({ config, sql, workflowBundle: bundle });
    },
    async stopWorker() {
      await worker?.shutdown();
      worker = undefined;
    },
    async mailTo(address) {
      const all = await listMail(services.mailWebUrl);
      return all.filter((m) => [...m.to, ...m.cc].some((a) => a.toLowerCase() === address.toLowerCase()));
    },
    async waitForMail(address, count, timeoutMs = 15000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const got = await app.mailTo(address);
        if (got.length >= count || Date.now() > until) return got;
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async close() {
      await app.stopWorker();
      await api.close();
      if (!env) await client.connection.close();
      await env?.teardown();
      await sql.end();
    },
  };
  if (opts.worker !== false) await app.startWorker();
  return app;
}

/** A unique practitioner address per test, so tests read only their own mail from the shared inbox. */
export const uniqueEmail = (label: string) => `${label}-${randomBytes(4).toString('hex')}@test-ai.example`;
