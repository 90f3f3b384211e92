import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { loadConfigOrExit, type Config } from '../config';
import { logErrorSafely } from '../safe-log';
import { connectDatabase, type Sql } from '../db';
import { connectClient } from '../temporal';
import { StatusAttr } from '../contracts/search-attributes';
import { createTransport } from '../mail';
import { createApp } from './app';
import { createApiKey } from './auth';
import { withTimeout } from './health';
import { acceptRawUtf8Targets } from './raw-targets';
import { systemToday, type ApiDeps } from './context';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

const SEARCH_ATTRIBUTES_LOOKUP_MS = 5_000;

/** H2: ask the namespace once whether our search attributes are registered. */
export async function searchAttributesRegistered(client: Client, namespace: string): Promise<boolean> {
  try {
    // Bounded, like the readiness probe: an unreachable Temporal must not hold the start for minutes.
    // The gRPC deadline also ends the client's retries (a timeout alone would leave them running).
    const { connection } = client;
    const res = await withTimeout(SEARCH_ATTRIBUTES_LOOKUP_MS, 'Temporal', (signal) =>
      connection.withAbortSignal(signal, () =>
        connection.withDeadline(Date.now() + SEARCH_ATTRIBUTES_LOOKUP_MS, () => connection.operatorService.listSearchAttributes({ namespace }))));
    return Object.keys(res.customAttributes ?? {}).includes(StatusAttr.name);
  } catch {
    return false; // e.g. the time-skipping test server has no operator service
  }
}

export async function startApi(opts: {
  config: Config;
  sql: Sql;
  client: Client;
  port?: number;
  today?: ApiDeps['today'];
  now?: ApiDeps['now'];
}): Promise<RunningApi> {
  const { config, sql, client } = opts;
  const documentDir = resolve(config.DOCUMENT_STORE_DIR ?? join(config.DATA_DIR, 'documents'));
  await mkdir(documentDir, { recursive: true });
  const transport = createTransport(config);
  const app = createApp({
    config,
    sql,
    client,
    documentDir,
    searchAttributes: await searchAttributesRegistered(client, config.TEMPORAL_NAMESPACE),
    today: opts.today ?? systemToday,
    now: opts.now ?? Date.now,
    mail: { transport, from: config.MAIL_FROM },
  });
  const server = createServer(app);
  acceptRawUtf8Targets(server); // H1: `curl ...?filename=계획서.pdf` as curl sends it
  server.listen(opts.port ?? config.PORT);
  await new Promise<void>((ok, fail) => server.once('listening', ok).once('error', fail));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((ok) =>
        server.close(() => {
          transport.close(); // the pooled SMTP connections (src/mail.ts)
          ok();
        }),
      ),
  };
}

/**
 * S1: the first operator key. Given by OPERATOR_API_KEY, or created on the first start and
 * returned (once) so `npm start` can print it; afterwards only its hash exists.
 */
export async function ensureFirstOperatorKey(sql: Sql, config: Config): Promise<string | undefined> {
  const [{ count }] = await sql<Array<{ count: number }>>`select count(*)::int as count from api_keys where role = 'OPERATOR' and revoked_at is null`;
  if (count > 0) return undefined;
  const created = await createApiKey(sql, { role: 'OPERATOR', name: 'first operator', key: config.OPERATOR_API_KEY });
  return config.OPERATOR_API_KEY ? undefined : created.key;
}

if (require.main === module) {
  const config = loadConfigOrExit();
  const sql = connectDatabase(config.DATABASE_URL ?? 'postgres://localhost:5433/aidc');
  connectClient(config)
    .then((client) => startApi({ config, sql, client }))
    .then((api) => {
      console.log(`API listening on ${api.url}`);
      for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => void api.close().then(() => sql.end()));
    })
    .catch((err) => {
      logErrorSafely('API start', err);
      process.exit(1);
    });
}
