import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Transporter } from 'nodemailer';
import { enqueueAndSend } from '../activities/outbox';
import type { Config } from '../config';
import { csrfTokenOf, CSRF_HEADER, readCookie, secureCookies } from '../console/session';
import type { Sql } from '../db';
import { kstDateTimeOf, normaliseEmail, SIGN_IN_LINK_MINUTES } from '../domain';
import { renderNotice, type NoticeKind } from '../notices/templates';
import type { ApplicantSessions } from './auth';
import { HttpProblem } from './errors';
import { sameToken, sha256Hex } from './secrets';

/**
 * S6: sign-in by e-mail. A link carries a random 256-bit token; the database keeps only its
 * SHA-256 (a random token of that size needs no slow hash), and one UPDATE both checks
 * (unused, not expired) and uses it, so it opens once. Opening it starts an applicant
 * session: another random token, as a Bearer token `aps_…` for API clients and in an
 * HttpOnly SameSite=Strict cookie for a browser (state-changing cookie requests also send
 * the CSRF header, as in the staff console). The session belongs to an address, and opens
 * every application where that address is practitioner or PI at the time of the request.
 */
export type LinkPurpose = 'SIGN_IN' | 'CONFIRM_PRACTITIONER';

const newToken = () => randomBytes(32).toString('base64url');
export const SESSION_PREFIX = 'aps_';
/** The shape of a link token (43 base64url characters), for the redeem route's schema. */
export const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const applicantCookieName = (config: Pick<Config, 'PUBLIC_URL'>) =>
  secureCookies(config) ? '__Host-aidc_applicant' : 'aidc_applicant';

export const publicBaseUrl = (config: Pick<Config, 'PUBLIC_URL' | 'PORT'>) =>
  (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');

/** S6: an address is the practitioner's or the PI's of an application (trimmed, any case). */
export const addressMatches = (sql: Sql, email: string) => sql`(
  lower(btrim(content #>> '{practitioner,email}')) = ${email} or lower(btrim(content #>> '{principalInvestigator,email}')) = ${email})`;

export interface MailDeps {
  sql: Sql;
  config: Config;
  mail: { transport: Transporter; from: string };
  now(): number;
}

/**
 * Writes a link and sends it through the outbox (N: exactly once per key; the key is the
 * link's). Once the send is done, the outbox copy loses the token, so the database keeps
 * the token only as its hash (S6).
 */
export async function sendLink(
  deps: MailDeps,
  link: { email: string; purpose: LinkPurpose; applicationId?: string; projectTitle?: string; callId?: string },
): Promise<void> {
  const { sql } = deps;
  const email = normaliseEmail(link.email);
  const token = newToken();
  const hash = sha256Hex(token);
  const expiresAt = deps.now() + SIGN_IN_LINK_MINUTES * 60_000;
  await sql`insert into applicant_links (token_hash, email, purpose, application_id, expires_at)
            values (${hash}, ${email}, ${link.purpose}, ${link.applicationId ?? null}, ${new Date(expiresAt)})`;
  const url = `${publicBaseUrl(deps.config)}/sign-in?token=${token}`;
  const kind: NoticeKind = link.purpose === 'SIGN_IN' ? 'SIGN_IN_LINK' : 'PRACTITIONER_CONFIRMATION';
  const body = renderNotice(kind, {
    applicationId: link.applicationId,
    callId: link.callId,
    projectTitle: link.projectTitle,
    data: { link: url, expiresAtKst: kstDateTimeOf(expiresAt) },
  });
  const key = `${kind}:${hash.slice(0, 32)}`;
  try {
    await enqueueAndSend(sql, deps.mail.transport, deps.mail.from, { key, kind, applicationId: link.applicationId, to: email, ...body });
  } finally {
    const gone = '(link removed once sent / 발송 후 삭제됨)';
    await sql`update email_outbox set text_body = replace(text_body, ${url}, ${gone}), html_body = replace(html_body, ${url}, ${gone})
              where notice_key = ${key}`;
  }
}

export interface Redeemed {
  email: string;
  purpose: LinkPurpose;
  applicationId: string | null;
  /** A7: the application whose practitioner address this link confirmed, if any. */
  confirmed: string | null;
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
}

/** S6: uses a link once (undefined when unknown, used or expired) and starts the address's session. */
export async function redeemLink(sql: Sql, config: Config, now: number, token: string): Promise<Redeemed | undefined> {
  return sql.begin(async (tx) => {
    const [link] = await tx<Array<{ email: string; purpose: LinkPurpose; application_id: string | null }>>`
      update applicant_links set used_at = ${new Date(now)}
      where token_hash = ${sha256Hex(token)} and used_at is null and expires_at > ${new Date(now)}
      returning email, purpose, application_id`;
    if (!link) return undefined;
    let confirmed: string | null = null;
    if (link.purpose === 'CONFIRM_PRACTITIONER') {
      // A7: only while the address is still this draft's practitioner (an edit may have changed it).
      const [row] = await tx<Array<{ id: string }>>`
        update applications set practitioner_confirmed_email = ${link.email}, updated_at = now()
        where id = ${link.application_id} and lower(btrim(content #>> '{practitioner,email}')) = ${link.email}
        returning id`;
      confirmed = row?.id ?? null;
    }
    const session = `${SESSION_PREFIX}${newToken()}`;
    const expiresAt = new Date(now + config.APPLICANT_SESSION_HOURS * 3_600_000);
    await tx`insert into applicant_sessions (token_hash, email, expires_at) values (${sha256Hex(session)}, ${link.email}, ${expiresAt})`;
    return { email: link.email, purpose: link.purpose, applicationId: link.application_id, confirmed, sessionToken: session, csrfToken: csrfTokenOf(session), expiresAt };
  });
}

export function setSessionCookie(config: Config, res: Response, token: string, maxAgeSeconds: number) {
  const secure = secureCookies(config) ? '; Secure' : '';
  res.append('set-cookie', `${applicantCookieName(config)}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`);
}

export async function endApplicantSession(sql: Sql, token: string) {
  await sql`update applicant_sessions set ended_at = now() where token_hash = ${sha256Hex(token)} and ended_at is null`;
}

const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];
/** For the authenticator (src/api/auth.ts): applicant sessions by Bearer token or cookie. */
export function applicantSessions(sql: Sql, config: Config, now: () => number): ApplicantSessions {
  return {
    async address(token) {
      if (!token.startsWith(SESSION_PREFIX)) return undefined;
      const [row] = await sql<Array<{ email: string }>>`
        select email from applicant_sessions where token_hash = ${sha256Hex(token)} and ended_at is null and expires_at > ${new Date(now())}`;
      return row?.email;
    },
    fromCookie(req: Request) {
      const token = readCookie(req, applicantCookieName(config));
      if (!token) return undefined;
      if (!SAFE_METHODS.includes(req.method) && !sameToken(req.get(CSRF_HEADER) ?? '', csrfTokenOf(token))) {
        throw new HttpProblem(403, 'Forbidden', `S6: a request with the sign-in cookie that changes something needs the session's ${CSRF_HEADER} header`);
      }
      return token;
    },
    async opens(email, applicationId) {
      const [row] = await sql`select 1 from applications where id = ${applicationId} and ${addressMatches(sql, email)}`;
      return Boolean(row);
    },
  };
}
