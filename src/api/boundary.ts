import type { Request, RequestHandler } from 'express';
import { uncarriableCharacter, type TextKind } from '../domain';
import { badRequest } from './errors';

/**
 * S5 at the boundary, once: every string that enters a route is checked here, before
 * authentication (which already reads the path and a header) and before any handler, so
 * nothing PostgreSQL or SMTP cannot carry ever reaches them. The rule itself (which
 * characters, per field kind) lives in src/domain/text.ts.
 *
 * - path params, query names and values, header values the API uses: LINE;
 * - JSON body: string values FREE_TEXT, object keys LINE; nested at most MAX_DEPTH deep;
 * - raw bodies (uploads) are bytes, checked by content (A4); the CSV import checks its
 *   cells with the same rule (src/api/routes/operation.ts).
 */
export const MAX_DEPTH = 32;
/** The headers a handler or the authenticator reads. */
const USED_HEADERS = ['authorization', 'idempotency-key'];
const MAX_ERRORS = 20;

type FieldError = { field: string; message: string };

const join = (prefix: string, key: string | number) => (prefix ? `${prefix}.${key}` : String(key));

/** Walks a parsed JSON value without recursion (a hostile body may nest 100,000 deep). */
export function jsonTextErrors(value: unknown, prefix: string, valueKind: TextKind = 'FREE_TEXT'): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: prefix, depth: 0 }];
  while (stack.length && errors.length < MAX_ERRORS) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = uncarriableCharacter(v, valueKind);
      if (problem) errors.push({ field: path || '(body)', message: problem });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_DEPTH) {
      errors.push({ field: path || '(body)', message: `S5: nested deeper than ${MAX_DEPTH} levels` });
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: join(path, i), depth: depth + 1 });
      continue;
    }
    for (const [k, item] of Object.entries(v)) {
      const problem = uncarriableCharacter(k, 'LINE');
      if (problem) {
        errors.push({ field: join(path, JSON.stringify(k).slice(1, -1)), message: `${problem} (in the field name)` });
        continue;
      }
      stack.push({ v: item, path: join(path, k), depth: depth + 1 });
    }
  }
  return errors;
}

/** Every string of the request a route will read, with the field it names in a 400. */
export function requestTextErrors(req: Request): FieldError[] {
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(req.params ?? {})) {
    errors.push(...jsonTextErrors(value, `path.${name}`, 'LINE'));
  }
  for (const [name, value] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
    const problem = uncarriableCharacter(name, 'LINE');
    if (problem) errors.push({ field: `query.${JSON.stringify(name).slice(1, -1)}`, message: `${problem} (in the parameter name)` });
    else errors.push(...jsonTextErrors(value, `query.${name}`, 'LINE'));
  }
  for (const name of USED_HEADERS) {
    const value = req.get(name);
    const problem = value === undefined ? undefined : uncarriableCharacter(value, 'LINE');
    if (problem) errors.push({ field: `header.${name}`, message: problem });
  }
  // Only a body the JSON parser produced: a raw upload (Buffer) or CSV text is not JSON.
  if (req.body !== undefined && !Buffer.isBuffer(req.body) && typeof req.body !== 'string') {
    errors.push(...jsonTextErrors(req.body, ''));
  }
  return errors.slice(0, MAX_ERRORS);
}

export const boundary: RequestHandler = (req, _res, next) => {
  const errors = requestTextErrors(req);
  next(errors.length ? badRequest(errors) : undefined);
};
