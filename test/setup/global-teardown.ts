import { rmSync } from 'node:fs';
import postgres from 'postgres';
import { STARTED_KEY, stopStarted, type Started } from './global-setup';

/** Stops what global-setup started, in reverse order, and removes its temp dir. */
export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as Record<string, unknown>)[STARTED_KEY] as Started | undefined;
  if (!started) return;
  const t = Date.now();
  // Before its databases are dropped from a shared server.
  await started.cluster?.stop();
  if (!started.postgres) {
    // A shared TEST_DATABASE_URL server: drop this run's databases, leave the rest.
    const sql = postgres(started.info.databaseAdminUrl, { max: 1, onnotice: () => undefined });
    try {
      const rows = await sql<{ datname: string }[]>`select datname from pg_database where starts_with(datname, ${started.info.databasePrefix})`;
      for (const { datname } of rows) await sql`drop database if exists ${sql(datname)} with (force)`;
    } catch (err) {
      process.stderr.write(`[test services] could not drop test databases: ${String(err)}\n`);
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
  await stopStarted(started);
  if (process.env.AIDC_KEEP_TEST_SERVICES) {
    process.stderr.write(`[test services] kept ${started.info.tempDir}\n`);
  } else {
    rmSync(started.info.tempDir, { recursive: true, force: true });
  }
  delete (globalThis as Record<string, unknown>)[STARTED_KEY];
  process.stderr.write(`[test services] stopped in ${((Date.now() - t) / 1000).toFixed(1)}s\n`);
}
