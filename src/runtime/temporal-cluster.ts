import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { ALL_SEARCH_ATTRIBUTES, CLI_SEARCH_ATTRIBUTE_TYPE } from '../contracts/search-attributes';
import { assertPortFree, freeLowPort } from './ports';
import { spawnServer, stopLeftoverServer, tail } from './processes';
import { CLUSTER_DYNAMIC_CONFIG_FILE, clusterConfigYaml, type ClusterPorts } from './temporal-cluster-config';

/**
 * A real Temporal cluster (not the dev server): `temporal-server` 1.29 built from the Go
 * module proxy (scripts/tools.ts ensureTemporalServer), all four services (frontend,
 * history, matching, worker) in one process, persistence and visibility on PostgreSQL
 * (plugin postgres12) in two databases that the server's own SQL tool creates and
 * migrates. Then the namespace is created and the project's search attributes (H2)
 * registered with the Temporal CLI, the way an operator would on any cluster.
 *
 * Idempotent over a persisted directory and databases: the schema tool only applies newer
 * versions, an existing namespace and registered attributes are left alone.
 */
export interface TemporalClusterOptions {
  server: string;
  sqlTool: string;
  /** `<dir>/postgresql/v12/{temporal,visibility}/versioned` (from ensureTemporalServer). */
  schemaDir: string;
  /** The Temporal CLI, for `operator namespace create` / `operator search-attribute create`. */
  cli: string;
  /** postgres:// URL of a user allowed to CREATE DATABASE (any database name in the path). */
  postgresAdminUrl: string;
  /** Config, log and pid file. */
  dir: string;
  port: number;
  namespace: string;
  ip?: string;
  /** Default `temporal` → databases `temporal` and `temporal_visibility`. */
  databasePrefix?: string;
  /** Default 4: fixed for the life of the database (docs/OPERATIONS.md). */
  historyShards?: number;
  /** Default 24h, the minimum the server accepts and what docker-compose's image uses. */
  retention?: string;
  readyTimeoutMs?: number;
}

export interface RunningCluster {
  address: string;
  pid: number;
  logFile: string;
  databases: { temporal: string; visibility: string };
  stop(): Promise<void>;
}

const run = promisify(execFile);

function note(message: string): void {
  process.stderr.write(`[temporal cluster] ${message}\n`);
}

/** Creates a database when missing and brings its schema to the newest version shipped. */
async function migrateDatabase(opts: TemporalClusterOptions, database: string, part: 'temporal' | 'visibility'): Promise<void> {
  const url = new URL(opts.postgresAdminUrl);
  // The password goes by environment, never on a command line `ps` shows.
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: url.hostname,
    SQL_PORT: url.port || '5432',
    SQL_USER: decodeURIComponent(url.username),
    SQL_PASSWORD: decodeURIComponent(url.password),
    SQL_DATABASE: database,
  };
  const admin = postgres(opts.postgresAdminUrl, { max: 1, onnotice: () => undefined });
  try {
    if ((await admin`select 1 from pg_database where datname = ${database}`).length === 0) await admin`create database ${admin(database)}`;
  } finally {
    await admin.end({ timeout: 5 });
  }
  // setup-schema writes version 0.0 (it would reset a migrated database): only where the
  // tool never ran, which is also a database created by a start that died right after.
  const dbUrl = new URL(opts.postgresAdminUrl);
  dbUrl.pathname = `/${encodeURIComponent(database)}`;
  const db = postgres(dbUrl.toString(), { max: 1, onnotice: () => undefined });
  let fresh: boolean;
  try {
    fresh = (await db<Array<{ t: string | null }>>`select to_regclass('schema_version')::text as t`)[0]?.t == null;
  } finally {
    await db.end({ timeout: 5 });
  }
  const tool = async (...args: string[]) => {
    try {
      await run(opts.sqlTool, args, { env });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`temporal-sql-tool ${args.join(' ')} on ${database} failed: ${e.stderr || e.message}`);
    }
  };
  if (fresh) await tool('setup-schema', '-v', '0.0');
  await tool('update-schema', '-d', path.join(opts.schemaDir, 'postgresql', 'v12', part, 'versioned'));
}

async function clusterPorts(frontend: number): Promise<ClusterPorts> {
  const next = () => freeLowPort();
  return {
    frontend,
    frontendHttp: await next(),
    frontendMembership: await next(),
    history: await next(),
    historyMembership: await next(),
    matching: await next(),
    matchingMembership: await next(),
    worker: await next(),
    workerMembership: await next(),
  };
}

async function cli(opts: TemporalClusterOptions, address: string, args: string[]): Promise<void> {
  try {
    await run(opts.cli, [...args, '--address', address, '--namespace', opts.namespace]);
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`temporal ${args.join(' ')}: ${(e.stderr || e.stdout || e.message).trim()}`);
  }
}

/**
 * Creates the namespace and registers the search attributes that are missing, then waits
 * until a workflow start that sets every one of them is accepted: registration reaches the
 * frontend's and history's namespace caches a few seconds later (system.namespaceCacheRefreshInterval),
 * and a test or the API must never be first to find out.
 */
async function provisionNamespace(opts: TemporalClusterOptions, address: string, deadline: number, failed: () => string | undefined) {
  let lastError: unknown;
  let namespaceCreated = false;
  while (Date.now() < deadline) {
    const reason = failed();
    if (reason) throw new Error(reason);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2000 });
      if (!namespaceCreated) {
        const known = await connection.workflowService
          .describeNamespace({ namespace: opts.namespace })
          .then(() => true, () => false);
        if (!known) await cli(opts, address, ['operator', 'namespace', 'create', '--retention', opts.retention ?? '24h']);
        namespaceCreated = true;
      }
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: opts.namespace });
      // One attribute per call: CLI 1.5.1 pairs each --name with a --type and drops the unpaired names.
      for (const k of ALL_SEARCH_ATTRIBUTES.filter((a) => !(a.name in (customAttributes ?? {})))) {
        await cli(opts, address, ['operator', 'search-attribute', 'create', '--type', CLI_SEARCH_ATTRIBUTE_TYPE[k.type], '--name', k.name]);
      }
      await probeStart(connection, opts.namespace);
      return;
    } catch (err) {
      lastError = err;
    } finally {
      await connection?.close().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Temporal cluster at ${address} not ready: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

/** A start carrying every search attribute, terminated at once (no worker ever sees it). */
async function probeStart(connection: Connection, namespace: string): Promise<void> {
  const client = new Client({ connection, namespace });
  const probe = { KEYWORD: 'probe', BOOL: false, DATETIME: new Date() } as const;
  const handle = await client.workflow.start('aidcClusterProbe', {
    taskQueue: 'aidc-cluster-probe',
    workflowId: `aidc-cluster-probe-${randomBytes(6).toString('hex')}`,
    typedSearchAttributes: ALL_SEARCH_ATTRIBUTES.map((key) => ({ key, value: probe[key.type as keyof typeof probe] })) as never,
  });
  await handle.terminate('readiness probe of src/runtime/temporal-cluster.ts');
}

/** The server logs JSON with stack traces: keep level, message and error of the last lines. */
function lastLogLines(logFile: string): string {
  return tail(logFile, 20_000)
    .split('\n')
    .filter((line) => line.trim())
    .slice(-8)
    .map((line) => {
      try {
        const e = JSON.parse(line) as { level?: string; msg?: string; error?: string };
        return `${e.level}: ${e.msg}${e.error ? ` (${e.error})` : ''}`;
      } catch {
        return line.slice(0, 300);
      }
    })
    .join('\n');
}

export async function startTemporalCluster(opts: TemporalClusterOptions): Promise<RunningCluster> {
  const ip = opts.ip ?? '127.0.0.1';
  const dir = path.resolve(opts.dir);
  const configDir = path.join(dir, 'config');
  mkdirSync(configDir, { recursive: true });
  const pidFile = path.join(dir, 'server.pid');
  const logFile = path.join(dir, 'server.log');
  await stopLeftoverServer(pidFile, 'temporal-server', 'SIGTERM', 'a Temporal cluster');
  if (opts.port >= 32768) throw new Error(`Temporal frontend port ${opts.port}: the server stores ports as SMALLINT; choose one below 32768`);
  await assertPortFree(opts.port, 'Temporal frontend', 'Is another Temporal server running?');

  const prefix = opts.databasePrefix ?? 'temporal';
  const databases = { temporal: prefix, visibility: `${prefix}_visibility` };
  const t = Date.now();
  await migrateDatabase(opts, databases.temporal, 'temporal');
  await migrateDatabase(opts, databases.visibility, 'visibility');
  note(`schemas of ${databases.temporal} and ${databases.visibility} up to date in ${((Date.now() - t) / 1000).toFixed(1)}s`);

  const url = new URL(opts.postgresAdminUrl);
  const dynamicConfigFile = path.join(configDir, 'dynamicconfig.yaml');
  copyFileSync(CLUSTER_DYNAMIC_CONFIG_FILE, dynamicConfigFile);
  const yaml = clusterConfigYaml({
    ip,
    ports: await clusterPorts(opts.port),
    sql: { host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) },
    databases,
    historyShards: opts.historyShards ?? 4,
    dynamicConfigFile,
  });
  // It holds the database password.
  writeFileSync(path.join(configDir, 'development.yaml'), yaml, { mode: 0o600 });

  // SIGTERM is graceful: the services leave the membership ring before the process exits.
  const server = spawnServer({
    command: opts.server,
    args: ['--root', dir, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'],
    logFile,
    pidFile,
    signal: 'SIGTERM',
  });
  const stop = server.stop;

  const address = `${ip === '0.0.0.0' ? '127.0.0.1' : ip}:${opts.port}`;
  try {
    await provisionNamespace(opts, address, Date.now() + (opts.readyTimeoutMs ?? 90_000), () =>
      server.exited() ? `temporal-server exited (${server.exited()}). Last lines of ${logFile}:\n${lastLogLines(logFile)}` : undefined,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  server.unref();
  return { address, pid: server.pid, logFile, databases, stop };
}
