import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Request, RequestHandler } from 'express';
import type { Sql } from '../db';
import { forbidden, unauthorized } from './errors';

/** Who a route is for (H1: declared on each route; `PUBLIC` needs no credential). */
export type Access = 'PUBLIC' | 'OPERATOR' | 'EVALUATOR' | 'COLLECTOR' | 'APPLICANT';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

/**
 * S1: operator, evaluator and collector API keys, and each application's access token, are
 * kept only as scrypt hashes (memory-hard, like the bcrypt the seed names, and in Node's
 * own crypto). A key is `aidc_<keyId>_<secret>`: the id finds the row, the secret is
 * verified against its hash. A token is `apt_<applicationId>_<secret>`: it names the one
 * application it opens and is verified against that application's hash, so a valid token
 * is known valid wherever it is presented (S7: 403 on another application, not 401).
 * Tokens issued before were `apt_<secret>` and are still verified against the
 * application in the path.
 */
const SCRYPT = { N: 16384, r: 8, p: 1 };

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(secret, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(secret, Buffer.from(salt, 'base64url'), expected.length, { ...SCRYPT, N: Number(n) });
  return timingSafeEqual(actual, expected);
}

export type StaffRole = 'OPERATOR' | 'EVALUATOR' | 'COLLECTOR';
export type Actor =
  | { kind: StaffRole; id: string; name: string; organisationBrn?: string | null }
  /**
   * An application's access token names its application; an e-mail sign-in (S6) names an
   * address, and the application in the path when it opens it (none on /me/applications).
   */
  | { kind: 'APPLICANT'; applicationId?: string; email?: string }
  | { kind: 'PUBLIC' };

export const actorLabel = (a: Actor) =>
  a.kind === 'APPLICANT' ? `applicant:${a.applicationId ?? 'signed-in'}` : a.kind === 'PUBLIC' ? 'public' : `${a.kind.toLowerCase()}:${a.id}`;

export function newApiKey() {
  const id = randomBytes(6).toString('hex');
  return { id, key: `aidc_${id}_${randomBytes(24).toString('base64url')}` };
}
export const newApplicantToken = (applicationId: string) => `apt_${applicationId}_${randomBytes(24).toString('base64url')}`;
const parseApplicantToken = (token: string) => /^apt_([A-Z0-9]{10})_[A-Za-z0-9_-]{16,}$/.exec(token)?.[1];

export async function createApiKey(
  sql: Sql,
  k: { role: StaffRole; name: string; organisationBrn?: string; email?: string; key?: string },
): Promise<{ id: string; key: string }> {
  const generated = newApiKey();
  const key = k.key ?? generated.key;
  const id = parseKey(key)?.id ?? generated.id;
  await sql`insert into api_keys (id, role, name, organisation_brn, email, secret_hash)
            values (${id}, ${k.role}, ${k.name}, ${k.organisationBrn ?? null}, ${k.email ?? null}, ${await hashSecret(key)})`;
  return { id, key };
}

function parseKey(key: string) {
  const m = /^aidc_([0-9a-f]{12})_[A-Za-z0-9_-]{16,}$/.exec(key);
  return m ? { id: m[1] } : undefined;
}

/** Verified presentations are remembered briefly (by SHA-256) so scrypt runs once per key, not per request. */
const verified = new Map<string, { actor: Actor; until: number }>();
const CACHE_MS = 60_000;

/** S1: the staff member a presented API key belongs to, if it is valid and not revoked. */
export async function staffActor(sql: Sql, key: string): Promise<Actor | undefined> {
  const parsed = parseKey(key);
  if (!parsed) return undefined;
  const [row] = await sql<Array<{ id: string; role: StaffRole; name: string; organisation_brn: string | null; secret_hash: string }>>`
    select id, role, name, organisation_brn, secret_hash from api_keys where id = ${parsed.id} and revoked_at is null`;
  if (!row || !(await verifySecret(key, row.secret_hash))) return undefined;
  return { kind: row.role, id: row.id, name: row.name, organisationBrn: row.organisation_brn };
}

/**
 * H4: besides a Bearer key or token, a request may carry the staff console's session
 * cookie (src/console/session.ts), so the console's pages and scripts call this same API
 * and meet the same refusals. `consoleSession` answers the actor of a valid session
 * (undefined when there is no session cookie) and throws on a missing CSRF token.
 */
export type ConsoleSessionLookup = (req: Request) => Promise<Actor | undefined>;

/**
 * S6: an applicant signed in by e-mail (src/api/applicant-session.ts): the address of a
 * valid session token, the token in the request's cookie (CSRF-checked, throws 403), and
 * whether an address opens an application (it is its practitioner's or PI's).
 */
export interface ApplicantSessions {
  address(token: string): Promise<string | undefined>;
  fromCookie(req: Request): string | undefined;
  opens(email: string, applicationId: string): Promise<boolean>;
}

export function authenticator(sql: Sql, consoleSession?: ConsoleSessionLookup, applicantSessions?: ApplicantSessions) {
  const staff = (key: string) => staffActor(sql, key);

  async function tokenOpens(token: string, applicationId: string): Promise<boolean> {
    const [row] = await sql<Array<{ token_hash: string }>>`select token_hash from applications where id = ${applicationId}`;
    return Boolean(row && (await verifySecret(token, row.token_hash)));
  }

  async function applicant(token: string, pathId: string | undefined): Promise<Actor | undefined> {
    const named = parseApplicantToken(token);
    if (named && (await tokenOpens(token, named))) return { kind: 'APPLICANT', applicationId: named };
    // An older token names no application (or only looks as if it did): it can only be
    // checked against the one in the path.
    if (pathId && pathId !== named && (await tokenOpens(token, pathId))) return { kind: 'APPLICANT', applicationId: pathId };
    return undefined;
  }

  return (access: Access[]): RequestHandler =>
    async (req, res, next) => {
      if (access.includes('PUBLIC')) {
        res.locals.actor = { kind: 'PUBLIC' } satisfies Actor;
        return next();
      }
      const header = req.get('authorization') ?? '';
      const presented = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      if (!presented && !header && consoleSession) {
        let viaConsole: Actor | undefined;
        try {
          viaConsole = await consoleSession(req);
        } catch (err) {
          return next(err);
        }
        if (viaConsole) {
          if (!access.includes(viaConsole.kind as Access)) return next(forbidden(`this action needs one of: ${access.join(', ')}`));
          res.locals.actor = viaConsole;
          return next();
        }
      }
      const appId = typeof req.params.id === 'string' ? req.params.id : undefined;
      if (applicantSessions && (presented?.startsWith('aps_') || !header)) {
        let session: string | undefined;
        try {
          session = presented ?? applicantSessions.fromCookie(req);
        } catch (err) {
          return next(err);
        }
        if (session) {
          const email = await applicantSessions.address(session);
          if (!email) return next(unauthorized('S6: the sign-in session is not valid (expired or signed out); ask for a new link at POST /sign-in'));
          if (!access.includes('APPLICANT')) return next(forbidden(`S7: this action needs one of: ${access.join(', ')}`));
          if (appId !== undefined && !(await applicantSessions.opens(email, appId))) {
            // S2/S7: 403 whether or not the application exists.
            return next(forbidden('S2/S7: this sign-in opens only the applications where its address is the practitioner or PI'));
          }
          res.locals.actor = { kind: 'APPLICANT', applicationId: appId, email } satisfies Actor;
          return next();
        }
      }
      if (!presented) return next(unauthorized());
      const cacheKey = createHash('sha256').update(`${presented}|${appId ?? ''}`).digest('hex');
      const hit = verified.get(cacheKey);
      let actor = hit && hit.until > Date.now() ? hit.actor : undefined;
      if (!actor) {
        actor = presented.startsWith('apt_') ? await applicant(presented, appId) : await staff(presented);
        if (!actor) return next(unauthorized('the API key or access token is not valid'));
        verified.set(cacheKey, { actor, until: Date.now() + CACHE_MS });
      }
      // S7: from here the credential is valid; what it does not cover answers 403, never 401.
      if (!access.includes(actor.kind as Access)) {
        return next(forbidden(`S7: this action needs one of: ${access.join(', ')}`));
      }
      if (actor.kind === 'APPLICANT' && appId !== undefined && appId !== actor.applicationId) {
        // S2/S7: an applicant's token opens only its own application. 403 whether or not
        // the other application exists, so a token holder learns nothing about other ids.
        return next(forbidden('S2/S7: this access token opens only its own application'));
      }
      res.locals.actor = actor;
      next();
    };
}
