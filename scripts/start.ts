/**
 * `npm start`: the whole service on one machine, with nothing installed but Node.
 *
 * Starts whatever the environment does not point elsewhere:
 * - TEMPORAL_ADDRESS unset: the Temporal dev server (CLI from .tools/, built on first use),
 *   persisted to <DATA_DIR>/temporal.db, Web UI on TEMPORAL_UI_PORT;
 * - DATABASE_URL unset: embedded PostgreSQL in <DATA_DIR>/postgres on EMBEDDED_POSTGRES_PORT;
 * - SMTP_HOST unset: MailDev (SMTP on SMTP_PORT, inbox on MAILDEV_WEB_PORT), mail kept in
 *   <DATA_DIR>/mail;
 * then migrates the database, creates the first operator key (printed once), and runs the
 * worker and the API in this process. Ctrl-C / SIGTERM stops everything in reverse order.
 * A second start finds the first one's workflows, data and mail.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import { ensureFirstOperatorKey, startApi } from '../src/api/server';
import { loadConfigOrExit, type Config } from '../src/config';
import { connectDatabase } from '../src/db';
import { migrate } from '../src/db/migrate';
import { startDevServer } from '../src/runtime/dev-server';
import { startEmbeddedPostgres } from '../src/runtime/embedded-postgres';
import { startMailInbox } from '../src/runtime/mail-inbox';
import { assertPortFree } from '../src/runtime/ports';
import { connectClient } from '../src/temporal';
import { runWorker } from '../worker';
import { ensureTemporalCli } from './tools';

interface Part {
  name: string;
  stop(): Promise<void>;
}

function say(message = ''): void {
  process.stdout.write(`${message}\n`);
}

const LOG_LEVELS: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/**
 * The SDK's stderr logger at LOG_LEVEL (default INFO), minus webpack's multi-line
 * statistics of the workflow bundle, which would bury the start-up summary.
 */
function workerLogger(): DefaultLogger {
  const wanted = (process.env.LOG_LEVEL ?? 'INFO').toUpperCase() as LogLevel;
  const level = LOG_LEVELS.includes(wanted) ? wanted : 'INFO';
  return new DefaultLogger(level, ({ level: l, timestampNanos, message, meta }: LogEntry) => {
    if (message.startsWith('asset workflow-bundle')) return;
    const time = new Date(Number(timestampNanos / 1_000_000n)).toISOString();
    process.stderr.write(`${time} [${l}] ${message}${meta === undefined ? '' : ` ${format(meta)}`}\n`);
  });
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function portOf(address: string, fallback: number): number {
  const port = Number.parseInt(address.split(':').pop() ?? '', 10);
  return Number.isFinite(port) ? port : fallback;
}

/** Runs one start-up step; on failure names the part and how to get around it. */
async function step<T>(what: string, hint: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${what} failed: ${message}${hint ? `\n  ${hint}` : ''}`);
  }
}

async function main(): Promise<void> {
  let config: Config = loadConfigOrExit();
  const started = Date.now();
  const env = process.env;
  const dataDir = path.resolve(config.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  // This script owns SIGINT/SIGTERM: the Temporal runtime must not stop the worker on its
  // own while the API still accepts requests.
  try {
    Runtime.install({ shutdownSignals: [], logger: workerLogger() });
  } catch {
    // already installed
  }

  const parts: Part[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = (reason: string, exitCode: number) => {
    stopping ??= (async () => {
      say(`\n${reason}: stopping ${parts.length ? parts.map((p) => p.name).reverse().join(', ') : 'start-up'}...`);
      for (const part of [...parts].reverse()) {
        const t = Date.now();
        try {
          await part.stop();
          say(`  stopped ${part.name} (${Date.now() - t} ms)`);
        } catch (err) {
          process.stderr.write(`  ${part.name} did not stop cleanly: ${err instanceof Error ? err.message : String(err)}\n`);
          exitCode = exitCode || 1;
        }
      }
      process.exit(exitCode);
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        process.stderr.write('Stopping already; forcing exit.\n');
        process.exit(130);
      }
      void stopAll(`${signal} received`, 0);
    });
  }

  try {
    // 1. The infrastructure, unless the environment points at existing services.
    const overrides: Partial<Config> = {};
    const infra: Promise<void>[] = [];
    const lines: Array<[string, string]> = [];

    if (!env.TEMPORAL_ADDRESS) {
      const port = portOf(config.TEMPORAL_ADDRESS, 7233);
      infra.push((async () => {
        const cliPath = await step('Provisioning the Temporal CLI', '', ensureTemporalCli);
        const devServer = await step(
          'Starting the Temporal dev server',
          `Set TEMPORAL_ADDRESS to use a running Temporal server instead, or TEMPORAL_UI_PORT for another UI port (log: ${path.join(dataDir, 'temporal.db.log')}).`,
          () =>
            startDevServer({
              cliPath,
              dbFile: path.join(dataDir, 'temporal.db'),
              port,
              uiPort: config.TEMPORAL_UI_PORT,
              namespace: config.TEMPORAL_NAMESPACE,
            }),
        );
        parts.push({ name: 'Temporal dev server', stop: devServer.stop });
        overrides.TEMPORAL_ADDRESS = devServer.address;
        lines.push(['Temporal UI', `${devServer.uiUrl.replace('127.0.0.1', 'localhost')}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows`]);
        lines.push(['Temporal', `${devServer.address} (dev server, log ${devServer.logFile})`]);
      })());
    } else {
      lines.push(['Temporal', `${config.TEMPORAL_ADDRESS} (namespace ${config.TEMPORAL_NAMESPACE}; open its own Web UI)`]);
    }

    if (!env.DATABASE_URL) {
      infra.push((async () => {
        const pg = await step(
          'Starting the embedded PostgreSQL',
          'Set DATABASE_URL to use an existing PostgreSQL, or EMBEDDED_POSTGRES_PORT for another port.',
          () => startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: config.EMBEDDED_POSTGRES_PORT }),
        );
        parts.push({ name: 'PostgreSQL', stop: pg.stop });
        overrides.DATABASE_URL = pg.url;
        lines.push(['Database', `${pg.displayUrl} (embedded, log ${pg.logFile})`]);
      })());
    } else {
      lines.push(['Database', redactUrl(config.DATABASE_URL as string)]);
    }

    if (!env.SMTP_HOST) {
      infra.push((async () => {
        const mail = await step(
          'Starting the mail inbox (MailDev)',
          'Set SMTP_HOST to use a real SMTP server, or SMTP_PORT / MAILDEV_WEB_PORT for other ports.',
          async () => {
            await assertPortFree(config.SMTP_PORT, 'SMTP', 'Is another MailDev (or npm start) running?');
            await assertPortFree(config.MAILDEV_WEB_PORT, 'mail inbox', 'Change MAILDEV_WEB_PORT.');
            return startMailInbox({
              smtpPort: config.SMTP_PORT,
              webPort: config.MAILDEV_WEB_PORT,
              mailDirectory: path.join(dataDir, 'mail'),
            });
          },
        );
        parts.push({ name: 'mail inbox', stop: mail.stop });
        overrides.SMTP_HOST = mail.smtpHost;
        overrides.SMTP_PORT = mail.smtpPort;
        lines.push(['Mail inbox', `${mail.webUrl} (SMTP ${mail.smtpHost}:${mail.smtpPort})`]);
      })());
    } else {
      lines.push(['Mail', `SMTP ${config.SMTP_HOST}:${config.SMTP_PORT}`]);
    }

    // Start them side by side; if one fails, wait for the others before stopping them all.
    const results = await Promise.allSettled(infra);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    if (stopping) return;
    const infraReady = Date.now();

    // 2. The application, given the parts just started through its configuration.
    config = { ...config, ...overrides };
    const sql = connectDatabase(config.DATABASE_URL as string);
    parts.push({ name: 'database pool', stop: () => sql.end({ timeout: 5 }) });
    const applied = await step('Migrating the database', '', () => migrate(sql));
    if (applied.length) say(`Applied migrations: ${applied.join(', ')}`);
    const operatorKey = await ensureFirstOperatorKey(sql, config);

    const worker = await step('Starting the worker', '', () => runWorker({ config, sql }));
    parts.push({ name: 'worker', stop: worker.shutdown });
    worker.done.catch((err: unknown) => {
      process.stderr.write(`The worker stopped unexpectedly: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      void stopAll('Worker failure', 1);
    });

    const client = await step('Connecting the API to Temporal', '', () => connectClient(config));
    parts.push({ name: 'Temporal client', stop: () => client.connection.close() });
    const api = await step('Starting the API', `Is port ${config.PORT} free? Set PORT for another.`, () =>
      startApi({ config, sql, client }),
    );
    parts.push({ name: 'API', stop: api.close });
    if (stopping) return;

    const apiUrl = (config.PUBLIC_URL ?? api.url).replace(/\/$/, '');
    say('');
    say(`AI Data Center lifecycle service is running (infrastructure ${((infraReady - started) / 1000).toFixed(1)}s, all ready ${((Date.now() - started) / 1000).toFixed(1)}s)`);
    const rows: Array<[string, string]> = [
      ['API', apiUrl],
      ['API docs', `${apiUrl}/docs  (OpenAPI: ${apiUrl}/openapi.json)`],
      ['Console', `${apiUrl}/console  (operators and evaluators sign in with their API key, H4)`],
      ...lines.sort(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b)),
      ['Task queue', config.TEMPORAL_TASK_QUEUE],
      ['Data', dataDir],
    ];
    for (const [label, value] of rows) say(`  ${label.padEnd(12)} ${value}`);
    if (operatorKey) {
      say('');
      say('  First operator API key (shown only this once; only its hash is stored):');
      say(`    ${operatorKey}`);
      say(`  Use it as:  curl -H 'Authorization: Bearer ${operatorKey}' ${apiUrl}/applications`);
    }
    say('');
    say('Press Ctrl-C to stop.');
  } catch (err) {
    process.stderr.write(`\n${err instanceof Error ? err.message : String(err)}\n`);
    await stopAll('Start-up failed', 1);
  }
}

const ORDER = ['Temporal UI', 'Temporal', 'Mail inbox', 'Mail', 'Database'];

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
