import type { ErrorRequestHandler, Response } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { RuleViolation, type RuleId } from '../domain';
import { logErrorSafely } from '../safe-log';
import { refusalOf } from '../contracts/refusal';

/**
 * H1: one error shape everywhere, RFC 9457 `application/problem+json`:
 * 400 names each bad field, 401/403 auth, 404, 409 an invalid transition (with the reason
 * the workflow's validator gave), 413 too large, 422 a spec rule (with its id).
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
    /** Response headers the problem needs (Retry-After of a 429). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

export const badRequest = (errors: Array<{ field: string; message: string }>) =>
  new HttpProblem(400, 'Invalid request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
export const unauthorized = (detail = 'a valid API key or access token is required') =>
  new HttpProblem(401, 'Unauthorized', detail);
export const forbidden = (detail: string) => new HttpProblem(403, 'Forbidden', detail);
export const notFound = (what: string) => new HttpProblem(404, 'Not found', `${what} does not exist`);
export const conflict = (detail: string) => new HttpProblem(409, 'Invalid in the current state', detail);
export const ruleRefused = (rule: RuleId, detail: string, extra: Record<string, unknown> = {}) =>
  new HttpProblem(422, `Refused by rule ${rule}`, detail, { rule, ...extra });

export function zodFieldErrors(err: z.ZodError, prefix?: string) {
  const field = (path: PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || '(body)';
  return err.issues.flatMap((i) =>
    // S5: strict schemas; each unknown field is named on its own.
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ field: field([...i.path, k]), message: 'S5: unknown field' }))
      : [{ field: field(i.path), message: i.message }],
  );
}

export function sendProblem(res: Response, p: HttpProblem) {
  for (const [name, value] of Object.entries(p.headers)) res.setHeader(name, value);
  res
    .status(p.status)
    .type('application/problem+json')
    .json({ type: `about:blank`, title: p.title, status: p.status, detail: p.detail, ...p.extra });
}

/** Turns anything thrown by a handler into the problem shape; bad input never becomes a 5xx (S5). */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (err instanceof HttpProblem) return sendProblem(res, err);
  if (err instanceof z.ZodError) return sendProblem(res, badRequest(zodFieldErrors(err)));
  if (err instanceof RuleViolation) {
    return sendProblem(res, ruleRefused(err.rule, err.message, { violations: err.violations }));
  }
  if (err instanceof WorkflowUpdateFailedError) {
    // H1: a refusal crosses the Temporal boundary as data (src/contracts/refusal.ts):
    // RULE:<id> is 422 naming the rule, STATE (or an untyped failure) is 409 with the reason.
    const refusal = refusalOf(err.cause);
    if (refusal?.kind === 'RULE' && refusal.rule) {
      return sendProblem(res, ruleRefused(refusal.rule, refusal.message, { ...refusal.extra, ...(refusal.violations ? { violations: refusal.violations } : {}) }));
    }
    const reason = (err.cause as Error | undefined)?.message ?? err.message;
    return sendProblem(res, conflict(reason));
  }
  if (err instanceof WorkflowNotFoundError) return sendProblem(res, conflict('the process for this resource is not running'));
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
  if (e.type === 'entity.too.large') return sendProblem(res, new HttpProblem(413, 'Payload too large', e.message));
  if (e.type === 'entity.parse.failed') {
    return sendProblem(res, badRequest([{ field: '(body)', message: 'malformed JSON' }]));
  }
  if ((e.status ?? e.statusCode ?? 500) < 500) {
    return sendProblem(res, new HttpProblem(e.status ?? e.statusCode ?? 400, 'Bad request', e.message));
  }
  // S3: name, code and message with the route, never the body, SQL parameters or row excerpts.
  logErrorSafely(`${req.method} ${req.route?.path ?? req.path}`, err);
  return sendProblem(res, new HttpProblem(500, 'Internal error', 'the request could not be completed'));
};
