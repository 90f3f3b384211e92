import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { ensureTemporalServer } from '../../scripts/temporal-server-tools';
import { ensureTemporalCli, ensureTestServer } from '../../scripts/tools';
import { startDevServer, type RunningDevServer } from '../../src/runtime/dev-server';
import { startTemporalCluster, type RunningCluster } from '../../src/runtime/temporal-cluster';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/runtime/embedded-postgres';
import { startMailInbox, type RunningMailInbox } from '../../src/runtime/mail-inbox';
import { freeLowPort, freePort } from '../../src/runtime/ports';
import { SERVICES_ENV, withDatabase, type TestServices } from '../support/services';
import { pidAlive } from '../../src/runtime/processes';

/**
 * Starts the real services once for the whole jest run and writes where they are to a
 * JSON file (path in AIDC_TEST_SERVICES) that test/support/services.ts reads:
 * - the Temporal CLI and the time-skipping test server, provisioned into .tools/ (built
 *   on the first run: minutes), or left to the SDK's download when no toolchain exists;
 * - PostgreSQL (embedded, fresh temp dir, free port), or TEST_DATABASE_URL when set;
 * - MailDev on free ports;
 * - the Temporal dev server on a fresh SQLite file with our search attributes, or with
 *   AIDC_TEMPORAL=cluster (`npm run test:cluster`) a real Temporal cluster
 *   (src/runtime/temporal-cluster.ts) on that PostgreSQL, with two workers per test app;
 * - src/workflows bundled once (skipped when dist/src/workflows/index.js does not exist).
 * The global teardown stops them in reverse order and deletes the temp dir
 * (AIDC_KEEP_TEST_SERVICES=1 keeps it for a look at the logs).
 */
export interface Started {
  info: TestServices;
  devServer?: RunningDevServer;
  cluster?: RunningCluster;
  mail?: RunningMailInbox;
  postgres?: RunningPostgres;
}

export const STARTED_KEY = '__AIDC_TEST_SERVICES__';

function note(message: string): void {
  process.stderr.write(`[test services] ${message}\n`);
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

export async function stopStarted(started: Partial<Started>): Promise<void> {
  const errors: unknown[] = [];
  const attempt = async (fn: (() => Promise<void>) | undefined) => {
    try {
      await fn?.();
    } catch (err) {
      errors.push(err);
    }
  };
  await attempt(started.devServer?.stop);
  await attempt(started.cluster?.stop);
  await attempt(started.mail?.stop);
  await attempt(started.postgres?.stop);
  if (errors.length > 0) note(`errors while stopping: ${errors.map(String).join('; ')}`);
}

const TEMP_PREFIX = 'aidc-test-services-';
const OWNER_FILE = 'owner.pid';

function pidIn(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A jest run killed before its teardown (Ctrl-C twice, SIGKILL, a dist/ wiped mid-run)
 * leaves its dev server and PostgreSQL running. Stop those of runs whose jest process is
 * gone and delete their temp dirs, so they never pile up.
 */
async function reapStaleRuns(): Promise<void> {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const dir = path.join(tmpdir(), name);
    try {
      const owner = pidIn(path.join(dir, OWNER_FILE));
      if (owner === undefined ? Date.now() - statSync(dir).mtimeMs < 60_000 : pidAlive(owner)) continue;
      const victims: number[] = [];
      for (const pidFile of ['temporal.db.pid', path.join('temporal-cluster', 'server.pid')]) {
        const server = pidIn(path.join(dir, pidFile));
        if (server && pidAlive(server)) {
          process.kill(server, 'SIGKILL');
          victims.push(server);
        }
      }
      const postmaster = pidIn(path.join(dir, 'postgres', 'postmaster.pid'));
      if (postmaster && pidAlive(postmaster)) {
        process.kill(postmaster, 'SIGQUIT'); // immediate shutdown; the data is thrown away
        victims.push(postmaster);
      }
      const deadline = Date.now() + 10_000;
      while (victims.some(pidAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      rmSync(dir, { recursive: true, force: true });
      note(`removed services left by an earlier run: ${dir}${victims.length ? ` (stopped pids ${victims.join(', ')})` : ''}`);
    } catch (err) {
      note(`could not clean ${dir}: ${String(err)}`);
    }
  }
}

export async function bundleWorkflows(tempDir: string): Promise<Pick<TestServices, 'workflowBundlePath' | 'workflowBundleNote'>> {
  const workflowsPath = path.resolve(__dirname, '..', '..', 'src', 'workflows', 'index.js');
  if (!existsSync(workflowsPath)) {
    const why = `${workflowsPath} does not exist (no workflows yet); tests that need workflowBundle() will fail`;
    note(`not bundling workflows: ${why}`);
    return { workflowBundleNote: why };
  }
  const t = Date.now();
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  const workflowBundlePath = path.join(tempDir, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, code);
  note(`workflows bundled in ${seconds(t)} (${(code.length / 1024).toFixed(0)} KiB)`);
  return { workflowBundlePath };
}

/** `npm run test:cluster`: the real cluster instead of the dev server. */
const useCluster = () => process.env.AIDC_TEMPORAL === 'cluster';

export default async function globalSetup(): Promise<void> {
  const t0 = Date.now();
  const [cliPath, testServerPath, serverTools] = await Promise.all([
    ensureTemporalCli(),
    ensureTestServer(),
    useCluster() ? ensureTemporalServer() : undefined,
  ]);
  note(`tools ready in ${seconds(t0)}: cli=${cliPath ?? 'SDK download'} test-server=${testServerPath ?? 'SDK download'}`);
  if (useCluster() && (!serverTools || !cliPath)) throw new Error('AIDC_TEMPORAL=cluster needs the Temporal server and CLI: install Go >= 1.24');

  await reapStaleRuns();
  const tempDir = mkdtempSync(path.join(tmpdir(), TEMP_PREFIX));
  writeFileSync(path.join(tempDir, OWNER_FILE), String(process.pid));
  // As root, PostgreSQL runs as the postgres user, which must be able to enter this dir.
  chmodSync(tempDir, 0o755);
  const started: Partial<Started> = {};
  const databasePrefix = `aidc_test_${randomBytes(3).toString('hex')}_`;
  try {
    const t1 = Date.now();
    const databaseStarted = (async () => {
      if (process.env.TEST_DATABASE_URL) return { adminUrl: process.env.TEST_DATABASE_URL };
      started.postgres = await startEmbeddedPostgres({ dataDir: path.join(tempDir, 'postgres'), port: await freePort() });
      return started.postgres;
    })();
    const startCluster = async () => {
      const db = await databaseStarted;
      const t = Date.now();
      started.cluster = await startTemporalCluster({
        ...serverTools!,
        cli: cliPath!,
        postgresAdminUrl: withDatabase(db.adminUrl, 'postgres'),
        // Under the run's prefix: the teardown drops them from a shared TEST_DATABASE_URL server.
        databasePrefix: `${databasePrefix}temporal`,
        dir: path.join(tempDir, 'temporal-cluster'),
        port: await freeLowPort(),
        namespace: 'default',
      });
      note(`Temporal cluster on PostgreSQL ready in ${seconds(t)}`);
      return { address: started.cluster.address, uiUrl: '' };
    };
    const [database, mail, devServer, bundle] = await Promise.all([
      databaseStarted,
      (async () => (started.mail = await startMailInbox({ smtpPort: 0, webPort: 0 })))(),
      useCluster() ? startCluster() : (async () => {
        const [port, uiPort] = [await freePort(), await freePort()];
        try {
          started.devServer = await startDevServer({
            cliPath, dbFile: path.join(tempDir, 'temporal.db'), port, uiPort, namespace: 'default',
          });
        } catch (err) {
          if (cliPath) throw err;
          throw new Error(
            `No Temporal CLI was provisioned and the SDK could not download one (${err instanceof Error ? err.message : String(err)}). ` +
              'Install Go >= 1.23 so the CLI can be built into .tools/, or set TEMPORAL_CLI_PATH to a temporal binary.',
          );
        }
        return started.devServer;
      })(),
      bundleWorkflows(tempDir),
    ]);
    const info: TestServices = {
      databaseAdminUrl: withDatabase(database.adminUrl, 'postgres'),
      databasePrefix,
      temporalAddress: devServer.address,
      temporalNamespace: 'default',
      temporalUiUrl: devServer.uiUrl,
      temporalKind: useCluster() ? 'cluster' : 'dev-server',
      workersPerApp: Number(process.env.AIDC_TEST_WORKERS ?? (useCluster() ? 2 : 1)),
      smtpHost: mail.smtpHost,
      smtpPort: mail.smtpPort,
      mailWebUrl: mail.webUrl,
      ...(testServerPath ? { testServerPath } : {}),
      ...(cliPath ? { cliPath } : {}),
      ...bundle,
      tempDir,
    };
    const file = path.join(tempDir, 'services.json');
    writeFileSync(file, JSON.stringify(info, null, 2));
    process.env[SERVICES_ENV] = file;
    (globalThis as Record<string, unknown>)[STARTED_KEY] = { ...started, info };
    note(
      `services up in ${seconds(t1)} (total ${seconds(t0)}): postgres ${database === started.postgres ? started.postgres.displayUrl : '(TEST_DATABASE_URL)'}, ` +
        `temporal ${useCluster() ? 'cluster' : 'dev server'} ${devServer.address}${devServer.uiUrl ? ` (UI ${devServer.uiUrl})` : ''}, mail ${mail.webUrl}`,
    );
  } catch (err) {
    await stopStarted(started);
    if (!process.env.AIDC_KEEP_TEST_SERVICES) rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
}
