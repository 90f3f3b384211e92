import * as R from '../responses';
import { CATALOG } from '../../domain';
import { createApiKey } from '../auth';
import { audit, type ApiDeps } from '../context';
import { readiness } from '../health';
import { defineRoute } from '../route';
import { createApiKeySchema } from '../schemas';

export function systemRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'get',
      path: '/livez',
      tag: 'system',
      summary: 'Liveness: the API process is up and serving (no I/O; restart it only when this fails)',
      access: ['PUBLIC'],
      success: { status: 200, description: 'up', schema: R.livenessResponse },
      handler: () => ({ status: 'ok' }),
    }),
    ...(['/readyz', '/healthz'] as const).map((path) =>
      defineRoute({
        method: 'get',
        path,
        tag: 'system',
        summary: path === '/readyz'
          ? 'Readiness: PostgreSQL and Temporal each answer within 2 s; 503 names the one that is down'
          : 'Alias of /readyz (kept for existing probes)',
        access: ['PUBLIC'],
        success: { status: 200, description: 'ready', schema: R.livenessResponse, alsoAnswers: { 503: 'not ready: the body names the part that is down' } },
        handler: async ({ res }) => {
          const { ready, body } = await readiness(deps);
          res.status(ready ? 200 : 503);
          return body;
        },
      }),
    ),
    defineRoute({
      method: 'get',
      path: '/catalog',
      tag: 'catalog',
      summary: 'Resource catalogue: pools, accelerator types, storage, environments, SaaS (K1–K4)',
      access: ['PUBLIC'],
      success: { status: 200, description: 'the catalogue', schema: R.catalogResponse },
      handler: () => CATALOG,
    }),
    defineRoute({
      method: 'post',
      path: '/api-keys',
      tag: 'operators',
      summary: 'Create an operator, evaluator or collector API key; the key is shown once (S1)',
      access: ['OPERATOR'],
      success: { status: 201, description: 'the key, shown once', schema: R.apiKeyCreatedResponse },
      body: createApiKeySchema,
      handler: async ({ body, actor, res }) => {
        // S4/S5: the key row and its audit row commit together: a key is never created that the
        // answer did not show (and the log did not record).
        const created = await deps.sql.begin(async (tx) => {
          const key = await createApiKey(tx as never, body);
          await audit(tx as never, actor, 'api-key.create', `api-key:${key.id}`, { role: body.role, name: body.name });
          return key;
        });
        res.status(201);
        const unreachable = body.role === 'EVALUATOR' && !body.email;
        return {
          id: created.id,
          role: body.role,
          name: body.name,
          email: body.email ?? null,
          key: created.key,
          note: `shown once; only its hash is kept (S1)${unreachable ? '; without an e-mail this evaluator is not told of assignments or review deadlines (N3)' : ''}`,
        };
      },
    }),
  ];
}
