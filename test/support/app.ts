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
import { listMail, withReplyTo, type CaughtMail } from '../../src/runtime/mail-inbox';
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
  /**
   * The lifecycle notices to (or in copy to) an address. S6/A7 link e-mails (sign-in,
   * practitioner confirmation) are left out unless `links` is set: tests count and order
   * the notices of the lifecycle, and read links through test/support/signin.ts.
   */
  mailTo(address: string, opts?: { links?: boolean }): Promise<CaughtMail[]>;
  waitForMail(address: string, count: number, timeoutMs?: number): Promise<CaughtMail[]>;
  close(): Promise<void>;
}

/** S6/A7: the e-mails that carry a sign-in or confirmation link. */
export const LINK_KINDS = ['SIGN_IN_LINK', 'PRACTITIONER_CONFIRMATION'];

let runtimeInstalled = false;

export async function startTestApp(
  opts: {
    timeSkipping?: boolean;
    /** Another SMTP server than the shared inbox (the notice tests' test/support/smtp-fault.ts). */
    smtp?: { host: string; port: number };
    /** false: no in-process worker (a test that runs the worker as its own process). */
    worker?: boolean;
    /** Configuration over the test defaults (e.g. S6's rate limits). */
    config?: Record<string, string>;
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
    // S6: every test file sends from one client and reuses the fixtures' addresses; the
    // limits are tested where they are set low (test/api/signin.test.ts).
    EMAIL_RATE_PER_ADDRESS: '1000000',
    EMAIL_RATE_PER_CLIENT: '1000000',
    ...opts.config,
  });
  const sql = connectDatabase(databaseUrl, 5);
  await migrate(sql);
  const operatorKey = (await ensureFirstOperatorKey(sql, config))!;
  const client = env ? env.client : await connectClient(config);
  const today = () => kstDateOf(env ? clock : Date.now());
  const api: RunningApi = await startApi({ config, sql, client, port: 0, today });
  const bundle = workflowBundle();
  // Against the shared server (the cluster: two by default) every worker polls the same task
  // queue, so workflow tasks move between workers and their caches, as in a deployment.
  const workerCount = env ? 1 : Math.max(1, services.workersPerApp ?? 1);
  let workers: RunningWorker[] | undefined;

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
      workers ??= await Promise.all(Array.from({ length: workerCount }, () => runWorker({ config, sql, workflowBundle: bundle })));
    },
    async stopWorker() {
      await Promise.all((workers ?? []).map((w) => w.shutdown()));
      workers = undefined;
    },
    async mailTo(address, opts = {}) {
      const all = await listMail(services.mailWebUrl);
      const mine = all.filter(
        (m) =>
          [...m.to, ...m.cc].some((a) => a.toLowerCase() === address.toLowerCase()) &&
          (opts.links || !LINK_KINDS.includes(m.kind ?? '')),
      );
      return withReplyTo(services.mailWebUrl, mine); // N2: Reply-To is only in each mail's source
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
