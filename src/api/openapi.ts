import { z } from 'zod';
import { instant } from './responses';
import type { AnyRoute } from './route';

const problem = {
  description: 'application/problem+json (H1)',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

const jsonSchema = (s: z.ZodType, io: 'input' | 'output' = 'input') => {
  const js = z.toJSONSchema(s, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
    // An instant is a Date in the handler and an ISO string in the JSON: the docs show the JSON.
    override: (ctx) => {
      if (ctx.zodSchema !== instant) return;
      for (const k of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Record<string, unknown>)[k];
      Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time', description: 'ISO 8601 instant' });
    },
  }) as Record<string, unknown>;
  delete js.$schema; // OpenAPI 3.1 names the dialect once; Swagger UI shows a per-schema $schema as a property
  return js;
};

const statusText: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content' };

/** H1: each success status with its schema (JSON) or media types (downloads, exports). */
function successResponses(r: AnyRoute) {
  const statuses = typeof r.success.status === 'number' ? [r.success.status] : [...r.success.status];
  const content = r.success.schema
    ? { 'application/json': { schema: jsonSchema(r.success.schema, 'output') } }
    : r.success.media
      ? Object.fromEntries(Object.entries(r.success.media).map(([type, description]) => [type, { schema: { type: 'string', format: 'binary', description } }]))
      : undefined;
  return {
    ...Object.fromEntries(
      statuses.map((st) => [st, { description: `${statusText[st] ?? st}: ${r.success.description}`, ...(content && st !== 204 ? { content } : {}) }]),
    ),
    ...Object.fromEntries(Object.entries(r.success.alsoAnswers ?? {}).map(([st, description]) => [st, { description, ...(content ? { content } : {}) }])),
  };
}

/** /openapi.json, generated from the same zod schemas that validate requests and type answers. */
export function openApiDocument(routes: AnyRoute[], serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
      if (!schema) continue;
      const js = jsonSchema(schema) as { properties?: Record<string, { description?: string }>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          ...(s.description ? { description: s.description } : {}),
          schema: s,
        });
      }
    }
    const secured = !r.access.includes('PUBLIC');
    paths[path] ??= {};
    paths[path][r.method] = {
      operationId: `${r.method}${path.replace(/\{([^}]+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: r.summary,
      tags: [r.tag],
      description: `Access: ${r.access.join(', ')}`,
      ...(secured ? { security: [{ bearer: [] }] } : {}),
      parameters,
      ...(r.body && r.bodyType !== 'binary'
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body), ...(r.example ? { example: r.example } : {}) } } } }
        : {}),
      ...(r.bodyType === 'binary'
        ? {
            requestBody: {
              required: true,
              description: r.bodyMedia?.description ?? 'the raw file (curl --data-binary @file); its content must match the extension of ?filename= (A4)',
              content: Object.fromEntries(
                (r.bodyMedia?.types ?? ['application/octet-stream']).map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
              ),
            },
          }
        : {}),
      responses: {
        ...successResponses(r),
        400: problem,
        ...(secured ? { 401: problem, 403: problem } : {}),
        404: problem,
        409: problem,
        422: problem,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'AI Data Center service — application lifecycle API',
      version: '0.1.0',
      description:
        'Calls, applications, evaluation, allocation and close-out of the AI Data Center service. Rule ids (E3, V6 …) refer to SPEC.md.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'operator/evaluator/collector API key, or an application access token' },
      },
      schemas: {
        Problem: {
          type: 'object',
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            rule: { type: 'string', description: 'the SPEC rule id that refused (422)' },
            errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
    paths,
  };
}

/**
 * /docs: Swagger UI (swagger-ui-dist, served from node_modules: no CDN, works on an
 * intranet without internet) over /openapi.json: parameters with their enums, request and
 * response examples generated from the schemas, every status with its schema, "Try it out".
 */
export const DOCS_ASSETS = '/docs/assets';

export function docsPage(title: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title.replace(/[&<>"]/g, '')}</title>
<link rel="stylesheet" href="${DOCS_ASSETS}/swagger-ui.css"></head>
<body><div id="api"></div>
<script src="${DOCS_ASSETS}/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
}

/** A script file, not inline: the page works under a strict Content-Security-Policy. */
export const DOCS_INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json', dom_id: '#api', deepLinking: true, docExpansion: 'list',
  defaultModelsExpandDepth: 0, displayRequestDuration: true, tryItOutEnabled: false, persistAuthorization: true,
});`;
