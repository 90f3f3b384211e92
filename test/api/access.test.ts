import { addDays } from '../../src/domain';
import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { draftBody, draftFor } from '../support/fixtures';
import { createCall } from '../support/lifecycle';

/** S7: a valid credential on a resource it does not cover is 403; 401 is only for an invalid credential. */
let app: TestApp;
let callId: string;
let a: { id: string; token: string };
let b: { id: string; token: string };
let evaluatorKey: string;
let collectorKey: string;
let batchId: string;

const draft = async () => {
  const res = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { practitionerEmail: uniqueEmail('s7') }));
  expect(res.status).toBe(201);
  return { id: res.body.id as string, token: res.body.accessToken as string };
};

beforeAll(async () => {
  app = await startTestApp();
  callId = await createCall(app);
  a = await draft();
  b = await draft();
  evaluatorKey = (await app.api.post('/api-keys', { role: 'EVALUATOR', name: 'S7 평가위원' }, app.operatorKey)).body.key;
  collectorKey = (await app.api.post('/api-keys', { role: 'COLLECTOR', name: 'S7 collector' }, app.operatorKey)).body.key;
  const batch = await app.api.post(`/calls/${callId}/batches`, { cutoff: addDays(app.today(), 30) }, app.operatorKey);
  expect(batch.status).toBe(201);
  batchId = batch.body.batchId;
});
afterAll(() => app?.close());

test("S7: an applicant's valid token on another application answers 403 on every applicant route, never 401", async () => {
  const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
  const attempts = [
    app.api.get(`/applications/${b.id}`, a.token),
    app.api.put(`/applications/${b.id}/documents/APPLICATION_PLAN?filename=plan.pdf`, pdf, a.token),
    app.api.get(`/applications/${b.id}/documents/APPLICATION_PLAN`, a.token),
    app.api.post(`/applications/${b.id}/submit`, {}, a.token),
    app.api.request('PATCH', `/applications/${b.id}`, { json: { project: {} }, auth: a.token }),
    app.api.post(`/applications/${b.id}/confirmation`, {}, a.token),
    app.api.post(`/applications/${b.id}/supplement`, {}, a.token),
    app.api.post(`/applications/${b.id}/withdraw`, {}, a.token),
    app.api.post(`/applications/${b.id}/setup-done`, {}, a.token),
    app.api.get(`/applications/${b.id}/operation`, a.token),
    app.api.get(`/applications/${b.id}/utilisation`, a.token),
    app.api.post(`/applications/${b.id}/data-sharing`, {}, a.token),
    app.api.get(`/applications/${b.id}/close-out`, a.token),
  ];
  const statuses = (await Promise.all(attempts)).map((r) => r.status);
  expect(statuses).toEqual(statuses.map(() => 403));
  // Nothing happened to B.
  expect((await app.api.get(`/applications/${b.id}`, b.token)).body.status).toBe('DRAFT');
});

test('S7: an applicant token on an application that does not exist is 403 too (existence does not leak)', async () => {
  expect((await app.api.get('/applications/ZZZZZZZZZZ', a.token)).status).toBe(403);
});

test("S7: a valid credential on a route of another role is 403 (applicant on operators' routes, evaluator, collector)", async () => {
  expect((await app.api.get('/applications', a.token)).status).toBe(403);
  expect((await app.api.post(`/applications/${a.id}/document-review`, { decision: 'COMPLETE' }, a.token)).status).toBe(403);
  expect((await app.api.get(`/calls/${callId}/batches/${batchId}`, a.token)).status).toBe(403);
  expect((await app.api.get('/evaluator/batches', a.token)).status).toBe(403);
  expect((await app.api.get(`/applications/${a.id}`, evaluatorKey)).status).toBe(403);
  expect((await app.api.get('/applications', collectorKey)).status).toBe(403);
  expect((await app.api.post('/api-keys', { role: 'OPERATOR', name: 'x' }, evaluatorKey)).status).toBe(403);
});

test('S7/S2: an evaluator on a batch not assigned to them answers 403', async () => {
  const queue = await app.api.get(`/calls/${callId}/batches/${batchId}/applications`, evaluatorKey);
  expect(queue.status).toBe(403);
  expect(queue.contentType).toContain('application/problem+json');
  const doc = await app.api.get(`/calls/${callId}/batches/${batchId}/applications/${a.id}/documents/APPLICATION_PLAN`, evaluatorKey);
  expect(doc.status).toBe(403);
});

test('S7: 401 only when the credential itself is not valid', async () => {
  const forged = `apt_${a.id}_${'x'.repeat(32)}`;
  expect((await app.api.get(`/applications/${a.id}`, forged)).status).toBe(401);
  expect((await app.api.get(`/applications/${a.id}`, 'apt_nonsense')).status).toBe(401);
  expect((await app.api.get('/applications', 'aidc_000000000000_wrongwrongwrongwrongwrong')).status).toBe(401);
  expect((await app.api.get(`/applications/${a.id}`)).status).toBe(401);
  // …and the right token still opens its own application.
  expect((await app.api.get(`/applications/${a.id}`, a.token)).status).toBe(200);
});
