import { CATALOG } from '../../domain';
import { createApiKey } from '../auth';
import { assertStorable, audit, type ApiDeps } from '../context';
import { defineRoute } from '../route';
import { createApiKeySchema } from '../schemas';

export function systemRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      tag: 'system',
      summary: 'Liveness of the API and its PostgreSQL and Temporal connections',
      access: ['PUBLIC'],
      handler: async ({ res }) => {
        const check = async (f: () => Promise<unknown>) => {
          try {
            await f();
            return 'ok';
          } catch (err) {
            return `down: ${(err as Error).message}`;
          }
        };
        const postgres = await check(() => deps.sql`select 1`);
        const temporal = await check(() =>
          deps.client.connection.workflowService.getSystemInfo({}).then(() => undefined),
        );
        const healthy = postgres === 'ok' && temporal === 'ok';
        res.status(healthy ? 200 : 503);
        return { status: healthy ? 'ok' : 'degraded', postgres, temporal };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/catalog',
      tag: 'catalog',
      summary: 'Resource catalogue: pools, accelerator types, storage, environments, SaaS (K1–K4)',
      access: ['PUBLIC'],
      handler: () => CATALOG,
    }),
    defineRoute({
      method: 'post',
      path: '/api-keys',
      tag: 'operators',
      summary: 'Create an operator, evaluator or collector API key; the key is shown once (S1)',
      access: ['OPERATOR'],
      body: createApiKeySchema,
      handler: async ({ body, actor, res }) => {
        // S4/S5: the key row and its audit row commit together: a key is never created that the
        // answer did not show (and the log did not record).
        await assertStorable(deps.sql, body);
        const created = await deps.sql.begin(async (tx) => {
          const key = await createApiKey(tx as never, body);
          await audit(tx as never, actor, 'api-key.create', `api-key:${key.id}`, { role: body.role, name: body.name });
          return key;
        });
        res.status(201);
        return { id: created.id, role: body.role, name: body.name, key: created.key, note: 'shown once; only its hash is kept (S1)' };
      },
    }),
  ];
}
