import * as R from '../responses';
import express, { type Request } from 'express';
import { z } from 'zod';
import { maskEmail, normaliseEmail, practitionerConfirmed, SIGN_IN_LINK_MINUTES } from '../../domain';
import { logErrorSafely } from '../../safe-log';
import {
  addressMatches,
  applicantCookieName,
  endApplicantSession,
  LINK_TOKEN_PATTERN,
  redeemLink,
  sendLink,
  SESSION_PREFIX,
  setSessionCookie,
  type Redeemed,
} from '../applicant-session';
import type { Actor } from '../auth';
import { readCookie } from '../../console/session';
import type { ApiDeps } from '../context';
import { conflict, HttpProblem, notFound, unauthorized } from '../errors';
import { defineRoute } from '../route';
import { applicationIdParam } from '../schemas';

const emailSchema = z.string().trim().max(254).pipe(z.email('an e-mail address'));
const signInSchema = z.strictObject({ email: emailSchema.describe("the practitioner's or PI's address of at least one application") });
const tokenSchema = z.string().regex(LINK_TOKEN_PATTERN, 'S6: not a sign-in link token');
const redeemSchema = z.strictObject({ token: tokenSchema.describe('the token of the link in the e-mail') });
const linkPageQuery = z.strictObject({ token: z.string().max(100).optional() });

interface ListedRow {
  id: string;
  call_id: string;
  status: string;
  title: string;
  organisation_name: string;
  submitted_at: Date | null;
  content: { practitioner: { email: string }; principalInvestigator: { email: string } };
  practitioner_confirmed_email: string | null;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** A small page for a browser; the link's token never leaves it by Referer, nothing is cached. */
function page(res: express.Response, status: number, title: string, body: string) {
  res
    .status(status)
    .set({
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    })
    .type('html')
    .send(
      `<!doctype html><html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
        `<title>${esc(title)}</title><style>body{font-family:sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.6}` +
        `button{font-size:1.1rem;padding:.5rem 1.5rem}</style></head><body>${body}</body></html>`,
    );
}

export function signInRoutes(deps: ApiDeps) {
  const { sql, config } = deps;

  /** S6: the applications an address opens, or the one a per-application token opens. */
  async function applicationsOf(actor: Actor) {
    if (actor.kind !== 'APPLICANT') return [];
    const where = actor.email ? addressMatches(sql, actor.email) : sql`id = ${actor.applicationId ?? ''}`;
    const rows = await sql<ListedRow[]>`
      select id, call_id, status, title, organisation_name, submitted_at, content, practitioner_confirmed_email
      from applications where ${where} order by created_at, id`;
    return rows.map((r) => {
      const roles = actor.email
        ? [
            ...(normaliseEmail(r.content.practitioner.email) === actor.email ? ['PRACTITIONER'] : []),
            ...(normaliseEmail(r.content.principalInvestigator.email) === actor.email ? ['PRINCIPAL_INVESTIGATOR'] : []),
          ]
        : [];
      return {
        id: r.id,
        callId: r.call_id,
        status: r.status,
        title: r.title,
        organisation: r.organisation_name,
        submittedAt: r.submitted_at,
        roles,
        practitionerEmailConfirmed: practitionerConfirmed(r.content.practitioner.email, r.practitioner_confirmed_email), // A7
      };
    });
  }

  const sessionOf = (req: Request) =>
    /^Bearer\s+(aps_\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? readCookie(req, applicantCookieName(config));

  function redeemedPage(res: express.Response, r: Redeemed, apps: Awaited<ReturnType<typeof applicationsOf>>) {
    const items = apps.map((a) => `<li><code>${esc(a.id)}</code> ${esc(a.title)} — ${esc(a.status)}</li>`).join('');
    page(
      res,
      200,
      '로그인되었습니다',
      `<h1>로그인되었습니다 / Signed in</h1>` +
        (r.confirmed ? `<p>실무자 이메일 주소가 확인되었습니다. 이제 신청을 제출할 수 있습니다. / The practitioner's address is confirmed (A7).</p>` : '') +
        `<p>이 주소로 열 수 있는 신청 / Applications this address opens:</p><ul>${items}</ul>` +
        `<p>API: <code>GET /me/applications</code>, <code>GET /applications/:id</code></p>`,
    );
  }

  return [
    defineRoute({
      method: 'post',
      path: '/sign-in',
      tag: 'applicants',
      summary:
        'S6: ask for a sign-in link. Answers 202 whether or not the address is known (nothing leaks); the link goes to the address only when it is the practitioner or PI of an application. Rate-limited per address and client (429).',
      access: ['PUBLIC'],
      body: signInSchema,
      success: { status: 202, description: 'accepted; a link is sent when the address opens an application', schema: R.linkRequestedResponse },
      handler: async ({ body, req, res }) => {
        const email = normaliseEmail(body.email);
        deps.emailLimit.take(req, email);
        // S6: looked up and sent after answering, so the time of the answer says nothing either.
        void (async () => {
          const [known] = await sql`select 1 from applications where ${addressMatches(sql, email)} limit 1`;
          if (known) await sendLink(deps, { email, purpose: 'SIGN_IN' });
        })().catch((err) => logErrorSafely('POST /sign-in (sending the link)', err));
        res.status(202);
        return {
          accepted: true,
          note: `S6: if this address is the practitioner or PI of an application, a sign-in link is on its way; it works once, for ${SIGN_IN_LINK_MINUTES} minutes.`,
        };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/sign-in',
      success: { status: 200, description: 'the page that redeems the link', media: R.PAGE },
      tag: 'applicants',
      summary: 'S6: the page a sign-in or confirmation link opens: a button that redeems it (a GET never uses the link, so mail scanners cannot)',
      access: ['PUBLIC'],
      query: linkPageQuery,
      handler: ({ query, res }) => {
        const token = query.token ?? '';
        if (!LINK_TOKEN_PATTERN.test(token)) {
          return page(res, 400, '잘못된 링크', '<h1>링크가 올바르지 않습니다 / This link is not valid</h1><p>메일의 링크 전체를 여십시오. / Open the whole link from the e-mail.</p>');
        }
        page(
          res,
          200,
          'AI데이터센터 로그인',
          `<h1>AI데이터센터 / AI Data Center</h1><form method="post" action="/sign-in/redeem">` +
            `<input type="hidden" name="token" value="${esc(token)}"><p><button type="submit">로그인 · 확인 / Sign in · Confirm</button></p></form>` +
            `<p>링크는 한 번만, 발송 후 ${SIGN_IN_LINK_MINUTES}분 동안 사용할 수 있습니다. / The link works once, for ${SIGN_IN_LINK_MINUTES} minutes.</p>`,
        );
      },
    }),

    defineRoute({
      method: 'post',
      path: '/sign-in/redeem',
      success: { status: 200, description: 'the session (JSON), or a page when the link page\'s form sent it', schema: R.applicantSessionResponse },
      tag: 'applicants',
      summary:
        "S6/A7: use a link (once, within 30 minutes): answers an applicant session (Bearer `sessionToken`, also set as an HttpOnly cookie) that opens every application where the address is practitioner or PI; a confirmation link also confirms that draft's practitioner address. JSON or the link page's form.",
      access: ['PUBLIC'],
      body: redeemSchema,
      middleware: [express.urlencoded({ extended: false, limit: '4kb' })],
      handler: async ({ body, req, res }) => {
        const fromForm = Boolean(req.is('application/x-www-form-urlencoded'));
        const r = await redeemLink(sql, config, deps.now(), body.token);
        if (!r) {
          const detail = `S6: this link is not valid: unknown, already used, or older than ${SIGN_IN_LINK_MINUTES} minutes; ask for a new one (POST /sign-in)`;
          if (fromForm) {
            return page(res, 401, '사용할 수 없는 링크', `<h1>사용할 수 없는 링크입니다 / This link cannot be used</h1><p>이미 사용했거나 ${SIGN_IN_LINK_MINUTES}분이 지났습니다. 새 링크를 요청하십시오.</p><p>${esc(detail)}</p>`);
          }
          throw unauthorized(detail);
        }
        setSessionCookie(config, res, r.sessionToken, config.APPLICANT_SESSION_HOURS * 3600);
        const applications = await applicationsOf({ kind: 'APPLICANT', email: r.email });
        if (fromForm) return redeemedPage(res, r, applications);
        return {
          sessionToken: r.sessionToken,
          csrfToken: r.csrfToken,
          expiresAt: r.expiresAt,
          confirmedApplication: r.confirmed,
          applications,
        };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/me/applications',
      success: { status: 200, description: 'every application the session opens, with the address\'s role', schema: R.myApplicationsResponse },
      tag: 'applicants',
      summary: 'S6: every application the signed-in address is practitioner or PI of (with an access token: its one application)',
      access: ['APPLICANT'],
      handler: async ({ actor }) => ({ items: await applicationsOf(actor) }),
    }),

    defineRoute({
      method: 'post',
      path: '/sign-out',
      success: { status: 200, description: 'signed out (the session ends, its cookie is cleared)', schema: R.signedOutResponse },
      tag: 'applicants',
      summary: 'S6: end the applicant session (Bearer session token or cookie)',
      access: ['APPLICANT'],
      handler: async ({ req, res }) => {
        const token = sessionOf(req);
        if (token?.startsWith(SESSION_PREFIX)) await endApplicantSession(sql, token);
        setSessionCookie(config, res, '', 0);
        return { signedOut: true as const };
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/confirmation',
      tag: 'applicants',
      summary: "A7: send a new confirmation link to the draft's practitioner address (rate-limited per address and client, S6)",
      access: ['APPLICANT'],
      params: applicationIdParam,
      success: { status: [200, 202], description: '202: a link was sent; 200: already confirmed', schema: R.confirmationResponse },
      handler: async ({ params, actor, req, res }) => {
        const [app] = await sql<ListedRow[]>`
          select id, call_id, status, title, organisation_name, submitted_at, content, practitioner_confirmed_email
          from applications where id = ${params.id}`;
        if (!app) throw notFound(`application ${params.id}`);
        if (actor.kind !== 'APPLICANT' || actor.applicationId !== app.id) throw new HttpProblem(403, 'Forbidden', 'S2: not your application');
        if (app.submitted_at) throw conflict('A7: the application is submitted; its practitioner address was confirmed then');
        const email = app.content.practitioner.email;
        if (practitionerConfirmed(email, app.practitioner_confirmed_email)) return { confirmed: true, sent: false };
        deps.emailLimit.take(req, email);
        await sendLink(deps, { email, purpose: 'CONFIRM_PRACTITIONER', applicationId: app.id, projectTitle: app.title, callId: app.call_id });
        res.status(202);
        return { confirmed: false, sent: true, sentTo: maskEmail(email) };
      },
    }),
  ];
}
