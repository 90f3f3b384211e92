import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES, devServerSearchAttributeArgs } from '../workflows/search-attributes';
import { assertPortFree } from './ports';
import { pidAlive, tail, waitForExit } from './processes';

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


/** A dev server on the same database left running by an earlier process that died. */
async function stopLeftover(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  rmSync(pidFile, { force: true });
  if (!Number.isFinite(pid) || !pidAlive(pid)) return;
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start-dev')) return;
  } catch {
    return;
  }
  process.stderr.write(`[temporal] stopping a dev server left running by an earlier start (pid ${pid})\n`);
  process.kill(pid, 'SIGINT');
  if (!(await waitForExit(pid, 20_000))) process.kill(pid, 'SIGKILL');
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
  await stopLeftover(pidFile);
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
  const logFd = openSync(logFile, 'a');
  const child = spawn(opts.cliPath, args, { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${opts.cliPath}`);
  writeFileSync(pidFile, String(pid));
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = signal ?? `exit code ${code}`;
  });
  const onExit = () => {
    try {
      if (pidAlive(pid)) process.kill(pid, 'SIGINT');
    } catch {
      // gone already; other exit listeners must still run
    }
  };
  process.on('exit', onExit);

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      process.removeListener('exit', onExit);
      if (pidAlive(pid)) {
        process.kill(pid, 'SIGINT');
        if (!(await waitForExit(pid, 20_000))) {
          process.kill(pid, 'SIGKILL');
          await waitForExit(pid, 5000);
        }
      }
      rmSync(pidFile, { force: true });
    })();
    return stopped;
  };

  const address = `${ip}:${opts.port}`;
  const uiUrl = opts.headless ? '' : `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${opts.uiPort}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  try {
    await waitUntilReady(address, opts.namespace, deadline, () =>
      exited ? `temporal server start-dev exited (${exited}). Last lines of ${logFile}:\n${tail(logFile)}` : undefined,
    );
    if (uiUrl) await waitForHttp(uiUrl, deadline);
  } catch (err) {
    await stop();
    throw err;
  }
  child.unref();
  return { address, uiUrl, logFile, stop };
}
