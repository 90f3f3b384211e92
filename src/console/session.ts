import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Actor, ConsoleSessionLookup, StaffRole } from '../api/auth';
import { HttpProblem } from '../api/errors';
import { sameToken, sha256Hex } from '../api/secrets';
import type { Config } from '../config';
import type { Sql } from '../db';

/**
 * H4/S1: the staff console's sign-in. A session is a random 256-bit token in an HttpOnly,
 * SameSite=Strict cookie (Secure, with the __Host- prefix, when PUBLIC_URL is https); the
 * database keeps only its SHA-256. Cross-site requests never carry the cookie (Strict), and
 * every state-changing request made with it must also send the session's CSRF token in
 * the `x-csrf-token` header (the console's script does; a form on another site cannot
 * set a header), so a cookie alone never changes anything.
 */
export const SESSION_HOURS = 12;
export const CSRF_HEADER = 'x-csrf-token';

/** Who may sign in to the console: collectors only post samples through the API. */
export const CONSOLE_ROLES: readonly StaffRole[] = ['OPERATOR', 'EVALUATOR'];

export type SignInMethod = 'API_KEY' | 'EMAIL_LINK';


export const secureCookies = (config: Pick<Config, 'PUBLIC_URL'>) => (config.PUBLIC_URL ?? '').startsWith('https:');
export const sessionCookieName = (config: Pick<Config, 'PUBLIC_URL'>) => (secureCookies(config) ? '__Host-aidc_console' : 'aidc_console');

/** The CSRF token of a session: derived from its token, so nothing more is stored. */
export const csrfTokenOf = (token: string) => createHash('sha256').update(`csrf|${token}`).digest('base64url');

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined; // S5: a malformed cookie is no session, never a 500
      }
    }
  }
  return undefined;
}

/**
 * Creates a session for a staff key that has proved itself (API key today; the S6 e-mail
 * link, once it exists, calls this with 'EMAIL_LINK') and sets its cookie.
 */
export async function startSession(sql: Sql, config: Config, res: Response, apiKeyId: string, method: SignInMethod) {
  const token = randomBytes(32).toString('base64url');
  await sql`insert into console_sessions (token_hash, api_key_id, method, expires_at)
            values (${sha256Hex(token)}, ${apiKeyId}, ${method}, now() + make_interval(hours => ${SESSION_HOURS}))`;
  res.setHeader('set-cookie', cookie(config, token, SESSION_HOURS * 3600));
  return token;
}

export async function endSession(sql: Sql, config: Config, req: Request, res: Response) {
  const token = readCookie(req, sessionCookieName(config));
  if (token) await sql`update console_sessions set ended_at = now() where token_hash = ${sha256Hex(token)} and ended_at is null`;
  res.setHeader('set-cookie', cookie(config, '', 0));
}

function cookie(config: Config, value: string, maxAge: number) {
  const secure = secureCookies(config) ? '; Secure' : '';
  return `${sessionCookieName(config)}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
}

/** The signed-in staff member and the session's CSRF token, or undefined. */
export async function currentSession(sql: Sql, config: Config, req: Request): Promise<{ actor: Actor; token: string; csrf: string } | undefined> {
  const token = readCookie(req, sessionCookieName(config));
  if (!token) return undefined;
  // S1: a revoked key ends its sessions at once (the join), an expired or ended one is gone.
  const [row] = await sql<Array<{ id: string; role: StaffRole; name: string; organisation_brn: string | null }>>`
    select k.id, k.role, k.name, k.organisation_brn
    from console_sessions s join api_keys k on k.id = s.api_key_id
    where s.token_hash = ${sha256Hex(token)} and s.ended_at is null and s.expires_at > now() and k.revoked_at is null`;
  if (!row || !CONSOLE_ROLES.includes(row.role)) return undefined;
  return { actor: { kind: row.role, id: row.id, name: row.name, organisationBrn: row.organisation_brn }, token, csrf: csrfTokenOf(token) };
}

const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/** For the API's authenticator (src/api/auth.ts): the console session's actor, CSRF-checked. */
export function consoleSessionLookup(sql: Sql, config: Config): ConsoleSessionLookup {
  return async (req) => {
    const session = await currentSession(sql, config, req);
    if (!session) return undefined;
    if (!SAFE_METHODS.includes(req.method) && !sameToken(req.get(CSRF_HEADER) ?? '', session.csrf)) {
      throw new HttpProblem(403, 'Forbidden', `H4: a console request that changes something needs the session's ${CSRF_HEADER} header`);
    }
    return session.actor;
  };
}
