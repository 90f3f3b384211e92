/**
 * `npm run cluster`: a real Temporal cluster on PostgreSQL on this machine, for running the
 * service, the API tests (`npm run test:cluster` starts its own) and the benches against
 * something other than the dev server. Nothing to install but Go (first run: the server is
 * built into .tools/).
 *
 * - TEMPORAL_DB_URL unset: an embedded PostgreSQL in <DATA_DIR>/temporal-cluster/postgres on
 *   TEMPORAL_DB_PORT (default 5434), kept across restarts; set: that server (its user must
 *   be allowed to CREATE DATABASE);
 * - the frontend on TEMPORAL_CLUSTER_PORT (default 7233), namespace TEMPORAL_NAMESPACE;
 * - HISTORY_SHARDS (default 4) is fixed when the databases are created.
 *
 * Prints TEMPORAL_ADDRESS for `npm start` / `npm run worker` / `npm run api` and the benches,
 * then runs until Ctrl-C, which stops the server before its database.
 */
import path from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '../src/runtime/embedded-postgres';
import { startTemporalCluster } from '../src/runtime/temporal-cluster';
import { ensureTemporalServer } from './temporal-server-tools';
import { ensureTemporalCli, repoRoot } from './tools';

const say = (message: string) => process.stdout.write(`${message}\n`);

export async function main(): Promise<void> {
  const env = process.env;
  const dataDir = path.resolve(env.DATA_DIR ?? path.join(repoRoot(), 'data'), 'temporal-cluster');
  const [server, cli] = await Promise.all([ensureTemporalServer(), ensureTemporalCli()]);
  if (!server || !cli) throw new Error('The Temporal server and CLI could not be provisioned: install Go >= 1.24 (see docs/OPERATIONS.md).');
  const t = Date.now();
  let db: RunningPostgres | undefined;
  if (!env.TEMPORAL_DB_URL) {
    db = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: Number(env.TEMPORAL_DB_PORT ?? 5434),
      database: 'postgres',
    });
  }
  const stopDb = async () => db?.stop();
  try {
    const cluster = await startTemporalCluster({
      ...server,
      cli,
      postgresAdminUrl: env.TEMPORAL_DB_URL ?? db!.adminUrl,
      dir: dataDir,
      port: Number(env.TEMPORAL_CLUSTER_PORT ?? 7233),
      ip: env.TEMPORAL_CLUSTER_IP ?? '127.0.0.1',
      namespace: env.TEMPORAL_NAMESPACE ?? 'default',
      historyShards: Number(env.HISTORY_SHARDS ?? 4),
    });
    say(`Temporal cluster ready in ${((Date.now() - t) / 1000).toFixed(1)}s (server pid ${cluster.pid}, log ${cluster.logFile})`);
    say(`  persistence ${cluster.databases.temporal}, visibility ${cluster.databases.visibility} on ${db?.displayUrl ?? 'TEMPORAL_DB_URL'}`);
    say(`  TEMPORAL_ADDRESS=${cluster.address}`);
    say('Ctrl-C stops it.');
    // The server and PostgreSQL are unref'd children: this timer keeps the process (and so
    // them: its exit hooks stop them) alive until a signal.
    const alive = setInterval(() => undefined, 60_000);
    await new Promise<void>((resolve) => {
      for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => resolve());
    });
    clearInterval(alive);
    say('stopping...');
    await cluster.stop();
  } finally {
    await stopDb();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
