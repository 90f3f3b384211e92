import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { badRequest, zodFieldErrors } from './errors';
import type { Access, Actor } from './auth';
import { boundary } from './boundary';

/**
 * A route is declared once: its zod schemas validate the request and are the single source
 * of its types (`z.infer`) and of the OpenAPI description served at /openapi.json.
 */
export type { Access } from './auth';

/**
 * H1: what a route answers when it succeeds: the status(es) and, for JSON, the zod schema of
 * the body, which types the handler's return and is published in /openapi.json (a test
 * validates real answers against it). Downloads and exports name their media types instead.
 */
export interface Success<R extends z.ZodType> {
  status: 200 | 201 | 202 | 204 | ReadonlyArray<200 | 201 | 202>;
  description: string;
  schema?: R;
  /** Non-JSON answers (downloads, exports): media type → description. */
  media?: Record<string, string>;
  /** Other statuses answered with the same body (e.g. /readyz: 503 naming what is down). */
  alsoAnswers?: Record<number, string>;
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string; // express syntax, e.g. /applications/:id
  summary: string;
  tag: string;
  access: Access[];
  params?: P;
  query?: Q;
  body?: B;
  /** 'json' (default) or 'binary' for raw uploads. */
  bodyType?: 'json' | 'binary';
  /** H1: a binary body's media types and what it holds, for /docs. */
  bodyMedia?: { types: string[]; description: string };
  /** H1: a request body example for /docs (checked against `body` by the H1 test). */
  example?: z.input<B>;
  success: Success<R>;
  middleware?: RequestHandler[];
  handler: (
    ctx: { params: z.infer<P>; query: z.infer<Q>; body: z.infer<B>; actor: Actor; req: Request; res: Response },
  ) => Promise<z.input<R> | undefined> | z.input<R> | undefined;
}

export type AnyRoute = RouteSpec<z.ZodType, z.ZodType, z.ZodType, z.ZodType>;
export const registry: AnyRoute[] = [];

/** S5: strict everywhere: a route that declares no query or JSON body takes none (400 naming any field sent). */
const empty = z.strictObject({});

export function defineRoute<
  P extends z.ZodType = typeof empty,
  Q extends z.ZodType = typeof empty,
  B extends z.ZodType = typeof empty,
  R extends z.ZodType = z.ZodUnknown,
>(spec: RouteSpec<P, Q, B, R>): RouteSpec<P, Q, B, R> {
  return spec;
}

export function mount(
  router: Router,
  routes: Array<RouteSpec<any, any, any, any>>,
  authenticate: (access: Access[]) => RequestHandler,
) {
  for (const r of routes) {
    registry.push(r);
    const validate: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
      const parts: Array<[string, z.ZodType | undefined, unknown]> = [
        ['path', r.params, req.params],
        ['query', r.query ?? empty, req.query],
        ['body', r.bodyType === 'binary' ? undefined : (r.body ?? empty), req.body ?? {}],
      ];
      const parsed: Record<string, unknown> = {};
      const errors: Array<{ field: string; message: string }> = [];
      for (const [where, schema, value] of parts) {
        if (!schema) {
          parsed[where] = value;
          continue;
        }
        const result = schema.safeParse(value);
        if (result.success) parsed[where] = result.data;
        else errors.push(...zodFieldErrors(result.error, where === 'body' ? undefined : where));
      }
      if (errors.length) return next(badRequest(errors));
      res.locals.parsed = parsed;
      next();
    };
    const run: RequestHandler = async (req, res) => {
      const p = res.locals.parsed as { path: never; query: never; body: never };
      const out = await r.handler({ params: p.path, query: p.query, body: p.body, actor: res.locals.actor, req, res });
      if (!res.headersSent) {
        if (out === undefined) res.status(204).end();
        else res.json(out);
      }
    };
    // S5 first: the authenticator already reads the path and the authorization header.
    router[r.method](r.path, boundary, authenticate(r.access), ...(r.middleware ?? []), validate, run);
  }
}
