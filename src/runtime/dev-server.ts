import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES, devServerSearchAttributeArgs } from '../contracts/search-attributes';
import { assertPortFree } from './ports';
import { spawnServer, stopLeftoverServer, tail } from './processes';

/**
 * The Temporal dev server (`temporal server start-dev`, one process with SQLite
 * persistence and the Web UI) for `npm start` and the integration tests. The project's
 * custom search attributes are passed at every start; the CLI registers them on a new
 * database and leaves an existing one's alone, so a persisted database keeps working.
 *
 * The server runs in its own process group: a Ctrl-C in the terminal reaches only the
 * parent, which stops the worker before the server.
 */
export interface DevServerOptions {
  /** The `temporal` CLI; undefined = let the Temporal SDK download one (needs internet). */
  cliPath: string | undefined;
  /** SQLite file that persists workflows across restarts. */
  dbFile: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** Interface for the frontend and the UI; default 127.0.0.1. */
  ip?: string;
  /** Server log; default `<dbFile>.log`. */
  logFile?: string;
  /** No Web UI. */
  headless?: boolean;
  /** How long to wait for the frontend; default 60 s. */
  readyTimeoutMs?: number;
}

export interface RunningDevServer {
  /** host:port for TEMPORAL_ADDRESS. */
  address: string;
  /** The Web UI (empty when headless). */
  uiUrl: string;
  logFile: string;
  stop(): Promise<void>;
}


/** Resolves once the frontend answers and the namespace lists our search attributes. */
async function waitUntilReady(address: string, namespace: string, deadline: number, failed: () => string | undefined): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    const reason = failed();
    if (reason) throw new Error(reason);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2000 });
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (customAttributes ?? {})));
      if (missing.length === 0) return;
      lastError = new Error(`search attributes not registered yet: ${missing.map((k) => k.name).join(', ')}`);
    } catch (err) {
      lastError = err;
    } finally {
      await connection?.close().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Temporal dev server at ${address} not ready: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

async function waitForHttp(url: string, deadline: number): Promise<void> {
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Temporal UI at ${url} did not answer: ${last}`);
}

/** Fallback without a CLI: the SDK downloads one (needs access to temporal.download). */
async function startWithSdkDownload(opts: DevServerOptions, ip: string): Promise<RunningDevServer> {
  let testing: typeof import('@temporalio/testing');
  try {
    testing = require('@temporalio/testing') as typeof import('@temporalio/testing');
  } catch {
    throw new Error(
      'No Temporal CLI: install Go (so `npm run tools` builds it) or the Temporal CLI and set TEMPORAL_CLI_PATH, ' +
        'or set TEMPORAL_ADDRESS to an existing Temporal server.',
    );
  }
  const env = await testing.TestWorkflowEnvironment.createLocal({
    server: {
      ip,
      port: opts.port,
      ui: !opts.headless,
      uiPort: opts.uiPort,
      namespace: opts.namespace,
      dbFilename: opts.dbFile,
      searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
    },
  });
  let stopped: Promise<void> | undefined;
  return {
    address: env.address,
    uiUrl: opts.headless ? '' : `http://localhost:${opts.uiPort}`,
    logFile: '',
    stop: () => (stopped ??= env.teardown()),
  };
}

export async function startDevServer(opts: DevServerOptions): Promise<RunningDevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const dbFile = path.resolve(opts.dbFile);
  mkdirSync(path.dirname(dbFile), { recursive: true });
  if (!opts.cliPath) return startWithSdkDownload({ ...opts, dbFile }, ip);

  const logFile = path.resolve(opts.logFile ?? `${dbFile}.log`);
  const pidFile = `${dbFile}.pid`;
  await stopLeftoverServer(pidFile, 'start-dev', 'SIGINT', 'a dev server');
  // After the leftover is gone: a port still taken belongs to something else.
  await assertPortFree(opts.port, 'Temporal frontend', 'Is another Temporal server running?');
  if (!opts.headless) await assertPortFree(opts.uiPort, 'Temporal UI', 'Choose another UI port.');

  const args = [
    'server', 'start-dev',
    '--db-filename', dbFile,
    '--ip', ip,
    '--port', String(opts.port),
    ...(opts.headless ? ['--headless'] : ['--ui-port', String(opts.uiPort)]),
    // "default" always exists; naming it again is harmless but noisy.
    ...(opts.namespace === 'default' ? [] : ['--namespace', opts.namespace]),
    '--log-level', 'warn',
    '--color', 'never',
    ...devServerSearchAttributeArgs(),
  ];
  const server = spawnServer({ command: opts.cliPath, args, logFile, pidFile, signal: 'SIGINT' });
  const stop = server.stop;

  const address = `${ip}:${opts.port}`;
  const uiUrl = opts.headless ? '' : `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${opts.uiPort}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  try {
    await waitUntilReady(address, opts.namespace, deadline, () =>
      server.exited() ? `temporal server start-dev exited (${server.exited()}). Last lines of ${logFile}:\n${tail(logFile)}` : undefined,
    );
    if (uiUrl) await waitForHttp(uiUrl, deadline);
  } catch (err) {
    await stop();
    throw err;
  }
  server.unref();
  return { address, uiUrl, logFile, stop };
}
