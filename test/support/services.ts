import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { TestWorkflowEnvironment } from '@temporalio/testing';

/**
 * What jest's global setup (test/setup/global-setup.ts) started once for the whole run,
 * read from the JSON file named by AIDC_TEST_SERVICES. Every part is real: PostgreSQL,
 * an SMTP server with an inbox, the Temporal dev server with our search attributes.
 */
export interface TestServices {
  /** Maintenance-database URL of the PostgreSQL server (CREATE DATABASE goes here). */
  databaseAdminUrl: string;
  /** Prefix of every database freshDatabase() creates in this run (teardown drops them). */
  databasePrefix: string;
  temporalAddress: string;
  temporalNamespace: string;
  /** Empty when there is no Web UI (the cluster runs none). */
  temporalUiUrl: string;
  /** `cluster` under `npm run test:cluster` (AIDC_TEMPORAL=cluster), else the dev server. */
  temporalKind: 'dev-server' | 'cluster';
  /** Workers startTestApp runs on a test file's task queue against the shared server (AIDC_TEST_WORKERS). */
  workersPerApp: number;
  smtpHost: string;
  smtpPort: number;
  /** The inbox page; listMail/clearMail from src/runtime/mail-inbox take this. */
  mailWebUrl: string;
  /** The time-skipping test server executable; absent = the SDK downloads one. */
  testServerPath?: string;
  /** The Temporal CLI the dev server runs from; absent = the SDK downloaded one. */
  cliPath?: string;
  /** src/workflows bundled once by the global setup; absent when there was nothing to bundle. */
  workflowBundlePath?: string;
  /** Why there is no bundle, when there is none. */
  workflowBundleNote?: string;
  tempDir: string;
}

export const SERVICES_ENV = 'AIDC_TEST_SERVICES';

let cached: TestServices | undefined;

export function testServices(): TestServices {
  if (cached) return cached;
  const file = process.env[SERVICES_ENV];
  if (!file) {
    throw new Error(`${SERVICES_ENV} is not set: run tests through jest (its globalSetup starts the services), e.g. npm test`);
  }
  cached = JSON.parse(readFileSync(file, 'utf8')) as TestServices;
  return cached;
}

/**
 * A time-skipping Temporal environment (the Java test server from .tools/, or the SDK's
 * download when none was provisioned). One per test file; call teardown() at the end.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const { testServerPath } = testServices();
  return TestWorkflowEnvironment.createTimeSkipping(
    testServerPath ? { server: { executable: { type: 'existing-path', path: testServerPath } } } : undefined,
  );
}

let bundle: { code: string } | undefined;

/** The workflow bundle of src/workflows, built once per run: `Worker.create({ workflowBundle })`. */
export function workflowBundle(): { code: string } {
  if (bundle) return bundle;
  const { workflowBundlePath, workflowBundleNote } = testServices();
  if (!workflowBundlePath) throw new Error(`No workflow bundle: ${workflowBundleNote ?? 'global setup did not build one'}`);
  bundle = { code: readFileSync(workflowBundlePath, 'utf8') };
  return bundle;
}

/** URL of `url`'s server with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/**
 * A new, empty database on the shared PostgreSQL server, so each test file migrates and
 * fills its own. Returns its URL. The global teardown drops them all.
 */
export async function freshDatabase(): Promise<string> {
  const { databaseAdminUrl, databasePrefix } = testServices();
  const name = `${databasePrefix}${randomBytes(5).toString('hex')}`;
  const sql = postgres(databaseAdminUrl, { max: 1, onnotice: () => undefined });
  try {
    await sql`create database ${sql(name)}`;
  } finally {
    await sql.end({ timeout: 5 });
  }
  return withDatabase(databaseAdminUrl, name);
}
