/**
 * One-shot setup for a deployment whose parts run separately (docker-compose, a real
 * Temporal cluster, a managed PostgreSQL): `node dist/scripts/setup.js`.
 *
 * 1. migrates the database (DATABASE_URL);
 * 2. creates TEMPORAL_NAMESPACE when the cluster has none by that name (a fresh self-hosted
 *    cluster, docker-compose.yml: retention 24h, as `npm run cluster` creates it), and
 *    registers the custom search attributes (H2) on it when missing;
 *    Temporal Cloud refuses this through the API: there it prints the `tcld` command;
 * 3. creates the first operator API key and prints it once (or stores OPERATOR_API_KEY's hash).
 *
 * Safe to run on every deployment: each step only does what is missing.
 */
import { msToTs } from '@temporalio/common/lib/time';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { ensureFirstOperatorKey } from '../src/api/server';
import { loadConfigOrExit, type Config } from '../src/config';
import { connectDatabase } from '../src/db';
import { migrate } from '../src/db/migrate';
import { connectClient } from '../src/temporal';
import { ALL_SEARCH_ATTRIBUTES, CLI_SEARCH_ATTRIBUTE_TYPE } from '../src/contracts/search-attributes';

async function waitFor<T>(what: string, fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      if (attempt === 1) process.stdout.write(`waiting for ${what}...\n`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

const GRPC_NOT_FOUND = 5;

/** A fresh cluster has only temporal-system: create ours (Temporal Cloud's always exists). */
async function ensureNamespace(client: Awaited<ReturnType<typeof connectClient>>, namespace: string): Promise<void> {
  const service = client.connection.workflowService;
  const exists = await waitFor('the Temporal frontend', () =>
    service.describeNamespace({ namespace }).then(
      () => true,
      (err: { code?: number }) => {
        if (err.code === GRPC_NOT_FOUND) return false;
        throw err;
      },
    ), 120_000);
  if (exists) return;
  await service.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('24h') });
  process.stdout.write(`namespace: created ${namespace} (retention 24h)\n`);
}

async function registerSearchAttributes(config: Config): Promise<void> {
  const client = await waitFor('Temporal', () => connectClient(config), 120_000);
  try {
    const namespace = config.TEMPORAL_NAMESPACE;
    await ensureNamespace(client, namespace);
    const { customAttributes } = await waitFor(
      `namespace ${namespace}`,
      () => client.connection.operatorService.listSearchAttributes({ namespace }),
      120_000,
    );
    const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (customAttributes ?? {})));
    if (missing.length === 0) {
      process.stdout.write(`search attributes: all ${ALL_SEARCH_ATTRIBUTES.length} registered on ${namespace}\n`);
      return;
    }
    try {
      // A namespace created a moment ago reaches the operator's cache within seconds.
      await waitFor(`search attributes on ${namespace}`, () => client.connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(
          missing.map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type) as number]),
        ),
      }), 15_000);
      process.stdout.write(`search attributes: registered ${missing.map((k) => k.name).join(', ')} on ${namespace}\n`);
    } catch (err) {
      process.stderr.write(
        `search attributes: could not register ${missing.map((k) => k.name).join(', ')} (${err instanceof Error ? err.message : String(err)}).\n` +
          'Register them once by hand; without them the service still runs, the Temporal UI just cannot filter by them:\n' +
          missing.map((k) => `  tcld namespace search-attributes add -n ${namespace} --sa "${k.name}=${CLI_SEARCH_ATTRIBUTE_TYPE[k.type]}"   # Temporal Cloud\n`).join('') +
          missing.map((k) => `  temporal operator search-attribute create -n ${namespace} --name ${k.name} --type ${CLI_SEARCH_ATTRIBUTE_TYPE[k.type]}   # self-hosted\n`).join(''),
      );
    }
  } finally {
    await client.connection.close();
  }
}

async function main(): Promise<void> {
  const config: Config = loadConfigOrExit();
  if (!config.DATABASE_URL) {
    process.stderr.write('DATABASE_URL is required here (npm start runs an embedded PostgreSQL; this script does not).\n');
    process.exit(1);
  }
  const sql = connectDatabase(config.DATABASE_URL, 2);
  try {
    await waitFor('PostgreSQL', () => sql`select 1`, 120_000);
    const applied = await migrate(sql);
    process.stdout.write(`database: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}\n`);
    await registerSearchAttributes(config);
    const key = await ensureFirstOperatorKey(sql, config);
    if (key) {
      process.stdout.write(`\nFirst operator API key (shown only this once; only its hash is stored):\n  ${key}\n\n`);
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
