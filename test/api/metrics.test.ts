import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createServiceMetrics } from '../../src/api/metrics';
import { startTestApp, type TestApp } from '../support/app';
import { createCall, eventually, submitAndAccept } from '../support/lifecycle';

/**
 * Service metrics (issue 13): GET /metrics in the Prometheus text format after real
 * requests: HTTP requests by route pattern and status, the API's workflow starts and
 * Updates by outcome, the outbox (sent, failed, waiting, oldest age) read at scrape time,
 * and no personal data or ids in any label (S3).
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

async function scrape(url = app.url, headers: Record<string, string> = {}) {
  const res = await fetch(new URL('/metrics', url), { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** The value of one sample line, `name{labels} value`, labels in prom-client's order; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
  const line = text.split('\n').find((l) => l.startsWith(`${want} `));
  return line === undefined ? undefined : Number(line.slice(want.length + 1));
}

test('Operations/S3: /metrics counts requests by route pattern and status, workflow starts and Updates by outcome, with no id or personal data', async () => {
  const callId = await createCall(app);
  const a = await submitAndAccept(app, callId);
  // A second review of the same application is refused by the workflow (STATE → 409).
  const again = await app.api.post(`/applications/${a.id}/document-review`, { decision: 'COMPLETE' }, app.operatorKey);
  expect(again.status).toBe(409);
  const malformed = await app.api.get('/applications/APP-NO-SUCH-ONE', app.operatorKey); // S5: not an application id
  expect(malformed.status).toBe(400);
  expect((await app.api.get('/no/such/path/APP-NO-SUCH-ONE')).status).toBe(404);

  const m = await scrape();
  expect(m.status).toBe(200);
  expect(m.type).toContain('text/plain');
  const requests = (route: string, method: string, status: number) =>
    sample(m.text, 'aidc_http_requests_total', { method, route, status: String(status) });
  expect(requests('/applications/:id/document-review', 'POST', 200)).toBe(1);
  expect(requests('/applications/:id/document-review', 'POST', 409)).toBe(1);
  expect(requests('/applications/:id', 'GET', 400)).toBe(1);
  expect(requests('(unmatched)', 'GET', 404)).toBe(1);
  expect(requests('/calls', 'POST', 201)).toBe(1);
  expect(sample(m.text, 'aidc_workflow_starts_total', { workflow: 'callWorkflow', outcome: 'started' })).toBe(1);
  expect(sample(m.text, 'aidc_workflow_starts_total', { workflow: 'applicationWorkflow', outcome: 'started' })).toBe(1);
  expect(sample(m.text, 'aidc_workflow_updates_total', { update: 'reviewDocuments', outcome: 'completed' })).toBe(1);
  expect(sample(m.text, 'aidc_workflow_updates_total', { update: 'reviewDocuments', outcome: 'refused_state' })).toBe(1);
  // S3: labels are patterns and outcomes: no application or call id, no address, no token.
  for (const secret of [a.id, callId, a.email, a.token, 'APP-NO-SUCH-ONE', app.operatorKey]) expect(m.text).not.toContain(secret);
});

test('Operations: the outbox figures are read from PostgreSQL at scrape time (the worker\'s sends included)', async () => {
  const [{ sent }] = await eventually(
    () => app.sql<Array<{ sent: number; unsent: number }>>`
      select count(*) filter (where sent_at is not null)::int as sent, count(*) filter (where sent_at is null)::int as unsent from email_outbox`,
    (r) => r[0]!.sent > 0 && r[0]!.unsent === 0,
  );
  let m = await scrape();
  expect(sample(m.text, 'aidc_notices_total', { outcome: 'sent' })).toBe(sent);
  expect(sample(m.text, 'aidc_notices_total', { outcome: 'failed' })).toBe(0);
  expect(m.text).toContain('\naidc_outbox_oldest_unsent_age_seconds 0\n');
  // A notice waiting since 2000 (no worker activity will send a row put in by hand) and a failed one.
  await app.sql`insert into email_outbox (notice_key, kind, to_address, subject, text_body, html_body, created_at)
                values ('metrics-test-waiting', 'RECEIPT', 'someone@test-ai.example', 's', 't', 'h', '2000-01-01T00:00:00Z')`;
  await app.sql`insert into email_outbox (notice_key, kind, to_address, subject, text_body, html_body, failed_at, failure)
                values ('metrics-test-failed', 'RECEIPT', 'someone@test-ai.example', 's', 't', 'h', now(), 'SMTP 550')`;
  m = await scrape();
  expect(sample(m.text, 'aidc_notices_total', { outcome: 'failed' })).toBe(1);
  expect(m.text).toMatch(/\naidc_notices_unsent 1\n/);
  const age = Number(/\naidc_outbox_oldest_unsent_age_seconds (\S+)\n/.exec(m.text)![1]);
  expect(age).toBeGreaterThan(26 * 365 * 86_400);
  expect(m.text).not.toContain('someone@test-ai.example');
  await app.sql`delete from email_outbox where notice_key like 'metrics-test-%'`;
});

test('Operations: with METRICS_TOKEN set, /metrics answers 401 without the bearer token and 200 with it', async () => {
  const token = 'metrics-token-0123456789';
  const metrics = createServiceMetrics(app.sql, { token });
  const server = createServer(express().get('/metrics', metrics.handler));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    expect((await scrape(url)).status).toBe(401);
    expect((await scrape(url, { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    const ok = await scrape(url, { authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('aidc_notices_total');
  } finally {
    await new Promise<void>((ok) => server.close(() => ok()));
  }
});
