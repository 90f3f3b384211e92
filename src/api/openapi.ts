import { z } from 'zod';
import type { RouteSpec } from './route';

const problem = {
  description: 'application/problem+json (H1)',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

const jsonSchema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

/** /openapi.json, generated from the same zod schemas that validate requests. */
export function openApiDocument(routes: Array<RouteSpec<z.ZodType, z.ZodType, z.ZodType>>, serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
      if (!schema) continue;
      const js = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
      }
    }
    const secured = !r.access.includes('PUBLIC');
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: [r.tag],
      description: `Access: ${r.access.join(', ')}`,
      ...(secured ? { security: [{ bearer: [] }] } : {}),
      parameters,
      ...(r.body && r.bodyType !== 'binary'
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } } }
        : {}),
      ...(r.bodyType === 'binary'
        ? { requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } } }
        : {}),
      responses: {
        200: { description: 'OK' },
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

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** /docs: a readable page built from the same document, with no external assets (works offline). */
export function docsPage(doc: ReturnType<typeof openApiDocument>): string {
  const rows = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const o = op as { summary: string; description: string; requestBody?: unknown; parameters: unknown[] };
      const body = o.requestBody ? `<details><summary>request body</summary><pre>${esc(JSON.stringify(o.requestBody, null, 2))}</pre></details>` : '';
      return `<section><h3><code class="m ${method}">${method.toUpperCase()}</code> <code>${esc(path)}</code></h3><p>${esc(o.summary)}</p><p class="a">${esc(o.description)}</p>${body}</section>`;
    }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
section{border-top:1px solid #ddd;padding:.4em 0}.m{padding:2px 6px;border-radius:4px;color:#fff}
.get{background:#2b6cb0}.post{background:#2f855a}.put{background:#b7791f}.delete{background:#c53030}
.a{color:#555;font-size:.9em}pre{background:#f6f6f6;padding:.5em;overflow:auto;font-size:.8em}</style></head>
<body><h1>${esc(doc.info.title)}</h1><p>${esc(doc.info.description)}</p>
<p>Errors are <code>application/problem+json</code>: 400 names each bad field, 409 an action invalid in the current state, 422 the rule that refused. Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
${rows.join('\n')}</body></html>`;
}
