/**
 * GET /metrics in the Prometheus text format (prom-client): HTTP requests by route pattern
 * and status, the outbox (notices sent, failed, waiting, the oldest one's age) read from
 * PostgreSQL at scrape time (so it covers the worker's sends too), and the API's workflow
 * starts and Updates by outcome (src/api/temporal-metrics.ts). Labels are patterns and
 * outcomes only: never an id, an address or anything a person typed (S3).
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Sql } from '../db';
import { outboxFigures } from '../db/outbox-metrics';

export interface ServiceMetrics {
  registry: Registry;
  starts: Counter<string>;
  updates: Counter<string>;
  /** Counts each request once it is answered, by the express route pattern (`/applications/:id`). */
  httpMiddleware: RequestHandler;
  /** GET /metrics; with METRICS_TOKEN set, only with `Authorization: Bearer <token>`. */
  handler: RequestHandler;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function createServiceMetrics(sql: Sql, opts: { token?: string } = {}): ServiceMetrics {
  // One registry per API instance (tests run several in one process), with Node's own metrics.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'aidc_process_' });
  const requests = new Counter({
    name: 'aidc_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'], registers: [registry],
  });
  const duration = new Histogram({
    name: 'aidc_http_request_duration_seconds', help: 'Time to answer an HTTP request, by method and route pattern',
    labelNames: ['method', 'route'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
  });
  const starts = new Counter({
    name: 'aidc_workflow_starts_total', help: 'Workflow starts by the API, by workflow type and outcome',
    labelNames: ['workflow', 'outcome'], registers: [registry],
  });
  const updates = new Counter({
    name: 'aidc_workflow_updates_total', help: 'Workflow Updates by the API, by Update name and outcome (completed, refused_rule, refused_state, failed, error)',
    labelNames: ['update', 'outcome'], registers: [registry],
  });
  // The outbox figures are one query per scrape, shared by the metrics below.
  let figures: ReturnType<typeof outboxFigures> | undefined;
  const outbox = () => (figures ??= outboxFigures(sql).finally(() => setTimeout(() => { figures = undefined; }, 0)));
  new Counter({
    name: 'aidc_notices_total', help: 'Notices in the outbox by outcome: sent, failed (permanently refused); read from PostgreSQL at scrape time',
    labelNames: ['outcome'], registers: [registry],
    async collect() {
      const f = await outbox();
      this.reset();
      this.inc({ outcome: 'sent' }, f.sent);
      this.inc({ outcome: 'failed' }, f.failed);
    },
  });
  new Gauge({
    name: 'aidc_notices_unsent', help: 'Notices queued and neither sent nor failed', registers: [registry],
    async collect() { this.set((await outbox()).unsent); },
  });
  new Gauge({
    name: 'aidc_outbox_oldest_unsent_age_seconds', help: 'Age of the oldest notice still waiting to be sent (0 when none waits)', registers: [registry],
    async collect() { this.set((await outbox()).oldestUnsentAgeSeconds); },
  });

  const httpMiddleware: RequestHandler = (req, res, next) => {
    const began = process.hrtime.bigint();
    res.once('finish', () => {
      // The matched route's pattern, never the raw path (ids); unmatched paths share one label.
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' ? pattern : '(unmatched)';
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      duration.observe({ method: req.method, route }, Number(process.hrtime.bigint() - began) / 1e9);
    });
    next();
  };

  const expected = opts.token ? digest(`Bearer ${opts.token}`) : undefined;
  const handler: RequestHandler = async (req, res) => {
    if (expected && !timingSafeEqual(digest(req.get('authorization') ?? ''), expected)) {
      res.status(401).type('application/problem+json').json({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'METRICS_TOKEN: send Authorization: Bearer <token>' });
      return;
    }
    res.type(registry.contentType).send(await registry.metrics());
  };
  return { registry, starts, updates, httpMiddleware, handler };
}
