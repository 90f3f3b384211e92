import express, { Router } from 'express';
import { consoleApiRoutes } from '../console/api-routes';
import { consoleRouter } from '../console/router';
import { consoleSessionLookup } from '../console/session';
import { applicantSessions } from './applicant-session';
import { authenticator } from './auth';
import type { ApiDeps } from './context';
import { errorHandler, notFound } from './errors';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import { DOCS_ASSETS, DOCS_INIT, docsPage, openApiDocument } from './openapi';
import { mount, registry } from './route';
import { applicationRoutes } from './routes/applications';
import { draftRoutes } from './routes/drafts';
import { callRoutes } from './routes/calls';
import { closeOutRoutes } from './routes/closeout';
import { closeOutCaseRoutes } from './routes/closeout-cases';
import { surveyRoutes } from './routes/surveys';
import { committeeRoutes } from './routes/committee';
import { evaluationRoutes } from './routes/evaluation';
import { exclusionRoutes } from './routes/exclusion';
import { changeRequestRoutes } from './routes/change-requests';
import { inventoryRoutes } from './routes/inventory';
import { operationRoutes } from './routes/operation';
import { quarterlyRoutes } from './routes/quarterly';
import { utilisationRoutes } from './routes/utilisation';
import { signInRoutes } from './routes/signin';
import { createServiceMetrics } from './metrics';
import { emailRateLimiter } from './rate-limit';
import { instrumentedClient } from './temporal-metrics';
import { systemRoutes } from './routes/system';

export function createApp(given: Omit<ApiDeps, 'emailLimit'>) {
  const metrics = createServiceMetrics(given.sql, { token: given.config.METRICS_TOKEN });
  // Every route reaches Temporal through this client: its starts and Updates are counted once, there.
  const client = instrumentedClient(given.client, metrics);
  const deps: ApiDeps = { ...given, client, emailLimit: emailRateLimiter(given.config, given.now) };
  const app = express();
  app.disable('x-powered-by');
  app.use(metrics.httpMiddleware);
  // S6: the client the e-mail rate limit counts is the proxy's X-Forwarded-For hop only when configured.
  app.set('trust proxy', deps.config.TRUST_PROXY);
  app.use(express.json({ limit: '1mb' }));
  const router = Router();
  registry.length = 0;
  const routes = [
    ...systemRoutes(deps),
    ...callRoutes(deps),
    ...draftRoutes(deps),
    ...applicationRoutes(deps),
    ...signInRoutes(deps),
    ...evaluationRoutes(deps),
    ...committeeRoutes(deps), // V7, V8
    ...exclusionRoutes(deps), // E4/E6, V9
    ...operationRoutes(deps),
    ...utilisationRoutes(deps), // O4
    ...quarterlyRoutes(deps), // Q1–Q3
    ...inventoryRoutes(deps),
    ...changeRequestRoutes(deps),
    ...closeOutRoutes(deps),
    ...closeOutCaseRoutes(deps),
    ...surveyRoutes(deps),
    ...consoleApiRoutes(deps),
  ];
  // H4: the API also accepts the staff console's session cookie (CSRF-checked).
  // S6: and an applicant's e-mail sign-in session (Bearer aps_… or its cookie).
  mount(router, routes, authenticator(deps.sql, consoleSessionLookup(deps.sql, deps.config), applicantSessions(deps.sql, deps.config, deps.now)));
  const doc = openApiDocument([...registry], deps.config.PUBLIC_URL);
  // Not an API operation (not in /openapi.json): Prometheus' scrape target; see docs/OPERATIONS.md.
  router.get('/metrics', metrics.handler);
  router.get('/openapi.json', (_req, res) => void res.json(doc));
  router.get('/docs', (_req, res) => void res.type('html').send(docsPage(doc.info.title)));
  router.get('/docs/init.js', (_req, res) => void res.type('js').send(DOCS_INIT));
  // H1: Swagger UI's files from node_modules (offline: no CDN on an intranet).
  router.use(DOCS_ASSETS, express.static(getAbsoluteFSPath(), { index: false, maxAge: '1h' }));
  app.use(router);
  app.use(consoleRouter(deps)); // H4: the staff console under /console
  app.use((req, _res, next) => next(notFound(`${req.method} ${req.path}`)));
  app.use(errorHandler);
  return app;
}
