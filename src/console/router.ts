import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Actor } from '../api/auth';
import { staffActor } from '../api/auth';
import { audit, type ApiDeps } from '../api/context';
import { ApiRefusal } from './api-client';
import { CONSOLE_CSS, CONSOLE_JS } from './assets';
import { html } from './html';
import { page, problemBox } from './layout';
import type { PageContext, PageHandler } from './page-context';
import { applicationPage, applicationsPage, documentInline, exportsPage, todayPage } from './pages-operator';
import { batchesPage, batchPage, evaluatorBatchesPage, queuePage, sheetPage } from './pages-committee';
import { CONSOLE_ROLES, currentSession, endSession, startSession } from './session';

/** What a page handler gets: the signed-in person, the session's CSRF token, the request. */

/**
 * H4: the staff console, served by the API process under /console. Pages are rendered on
 * the server (template literals through one escaping helper) and enhanced by one small
 * script; every read goes through the JSON API with the person's session, every action is
 * a form the script sends to the same API route.
 */
export function consoleRouter(deps: ApiDeps): Router {
  const router = Router();
  const { sql, config } = deps;
  const form = express.urlencoded({ extended: false, limit: '10kb' });

  router.use((_req, res, next) => {
    // Pages embed nothing from elsewhere; PDFs are framed from the same origin only.
    res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data:; frame-ancestors 'self'; form-action 'self'");
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'same-origin');
    res.setHeader('cache-control', 'no-store');
    next();
  });

  router.get('/console/assets/console.js', (_req, res) => void res.type('application/javascript').send(CONSOLE_JS));
  router.get('/console/assets/console.css', (_req, res) => void res.type('text/css').send(CONSOLE_CSS));

  const loginPage = (message?: string, status = 200) => (res: Response) =>
    void res.status(status).type('html').send(
      page({
        title: '로그인 Sign in',
        body: html`${message ? html`<div class="problem" role="alert"><p>${message}</p></div>` : ''}
          <form method="post" action="/console/login" class="action" autocomplete="off">
            <label>API 키 <small>API key (aidc_…)</small><br><input type="password" name="key" size="60" required data-testid="api-key"></label>
            <button type="submit" data-testid="sign-in">로그인 <small>Sign in</small></button>
          </form>
          <p class="muted">운영자와 평가위원은 발급받은 API 키로 로그인합니다. 이메일 링크 로그인(S6)은 준비 중입니다.<br>
          <small>Operators and evaluators sign in with their API key. Sign-in by e-mail link (S6) will start the same session here.</small></p>`,
      }),
    );

  router.get('/console/login', (_req, res) => loginPage()(res));

  /** CSRF on sign-in and sign-out: a browser's cross-site POST carries its Origin; it must be ours. */
  const sameOrigin = (req: Request) => {
    const origin = req.get('origin');
    return !origin || origin === `${req.protocol}://${req.get('host')}` || (config.PUBLIC_URL && origin === new URL(config.PUBLIC_URL).origin);
  };

  router.post('/console/login', form, async (req, res) => {
    if (!sameOrigin(req)) return loginPage('다른 사이트에서 보낸 로그인 요청은 받지 않습니다 (cross-site sign-in refused).', 403)(res);
    const key = typeof req.body?.key === 'string' ? req.body.key.trim() : '';
    const actor = key ? await staffActor(sql, key) : undefined;
    if (!actor || !('id' in actor)) return loginPage('API 키가 올바르지 않습니다 (the API key is not valid, S1).', 401)(res);
    if (!CONSOLE_ROLES.includes(actor.kind as never)) {
      return loginPage('수집기 키는 콘솔에 로그인할 수 없습니다 (collector keys use the API only).', 403)(res);
    }
    await startSession(sql, config, res, actor.id, 'API_KEY');
    await audit(sql, actor, 'console.sign-in', `api-key:${actor.id}`, { method: 'API_KEY' });
    res.redirect(303, '/console');
  });

  // S6 will add: GET /console/login/email-link?token=… → verify the one-time link, then
  // startSession(sql, config, res, apiKeyId, 'EMAIL_LINK') exactly as above.

  router.post('/console/logout', form, async (req, res) => {
    const session = await currentSession(sql, config, req);
    if (session && (req.body?.csrf !== session.csrf || !sameOrigin(req))) {
      return void res.status(403).type('html').send(page({ title: '로그아웃 Sign out', body: problemBox(403, { title: 'Forbidden', detail: 'H4: the sign-out form needs its CSRF token' }) }));
    }
    if (session) await audit(sql, session.actor, 'console.sign-out', `api-key:${(session.actor as { id: string }).id}`);
    await endSession(sql, config, req, res);
    res.redirect(303, '/console/login');
  });

  const staffPage = (roles: Array<'OPERATOR' | 'EVALUATOR'>, handler: PageHandler): RequestHandler =>
    async (req, res) => {
      const session = await currentSession(sql, config, req);
      if (!session) return res.redirect(303, '/console/login');
      const actor = session.actor as PageContext['actor'];
      const frame = (title: string, status: number, body: ReturnType<typeof html>) =>
        void res.status(status).type('html').send(page({ title, actor, csrf: session.csrf, body }));
      if (!roles.includes(actor.kind as 'OPERATOR')) {
        // S2: the console refuses what the API would refuse, with the same 403.
        return frame('접근 불가 Forbidden', 403, problemBox(403, { title: 'Forbidden', detail: `this page needs one of: ${roles.join(', ')} (S2)` }));
      }
      try {
        const out = await handler({ deps, req, res, actor, csrf: session.csrf });
        if (typeof out === 'string' && !res.headersSent) res.type('html').send(out);
      } catch (err) {
        if (err instanceof ApiRefusal) {
          return frame('요청 거부 Refused', err.answer.status, problemBox(err.answer.status, (err.answer.body ?? {}) as never));
        }
        throw err;
      }
    };

  router.get('/console', staffPage(['OPERATOR', 'EVALUATOR'], async ({ actor, res }) => {
    res.redirect(303, actor.kind === 'OPERATOR' ? '/console/today' : '/console/committee');
  }));
  router.get('/console/today', staffPage(['OPERATOR'], todayPage));
  router.get('/console/applications', staffPage(['OPERATOR'], applicationsPage));
  router.get('/console/applications/:id', staffPage(['OPERATOR'], applicationPage));
  router.get('/console/applications/:id/documents/:type', staffPage(['OPERATOR'], documentInline));
  router.get('/console/batches', staffPage(['OPERATOR'], batchesPage));
  router.get('/console/batches/:callId/:batchId', staffPage(['OPERATOR'], batchPage));
  router.get('/console/exports', staffPage(['OPERATOR'], exportsPage));
  router.get('/console/committee', staffPage(['EVALUATOR'], evaluatorBatchesPage));
  router.get('/console/committee/:callId/:batchId', staffPage(['EVALUATOR'], queuePage));
  router.get('/console/committee/:callId/:batchId/:applicationId', staffPage(['EVALUATOR'], sheetPage));
  return router;
}
