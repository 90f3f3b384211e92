import { z } from 'zod';
import { instant } from './responses';
import type { AnyRoute } from './route';

/** H1: the error answers, application/problem+json, each with what it means and an example. */
const problem = (description: string, example: Record<string, unknown>) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' }, example: { type: 'about:blank', ...example } } },
});
const PROBLEMS = {
  400: problem('Invalid request: each bad field is named (S5)', {
    title: 'Invalid request', status: 400, detail: 'query.filename: Too small: expected string to have >=3 characters',
    errors: [{ field: 'query.filename', message: 'Too small: expected string to have >=3 characters' }],
  }),
  401: problem('No valid API key or access token', { title: 'Unauthorized', status: 401, detail: 'a valid API key or access token is required' }),
  403: problem('A valid credential that does not cover this resource (S2, S7)', { title: 'Forbidden', status: 403, detail: 'not your application' }),
  404: problem('No such resource', { title: 'Not found', status: 404, detail: 'application ABCDEFGH23 does not exist' }),
  409: problem('Invalid in the current state (a refused Update)', { title: 'Invalid in the current state', status: 409, detail: 'the application is UNDER_REVIEW' }),
  422: problem('Refused by a rule of SPEC.md, named by its id', { title: 'Refused by rule A2', status: 422, rule: 'A2', detail: 'this organisation already submitted an application with the same project title in this call' }),
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
        400: PROBLEMS[400],
        ...(secured ? { 401: PROBLEMS[401], 403: PROBLEMS[403] } : {}),
        404: PROBLEMS[404],
        409: PROBLEMS[409],
        422: PROBLEMS[422],
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
