import { callWorkflowId } from '../../src/domain';
import { startTestApp, type TestApp } from '../support/app';
import { draftBody, draftFor } from '../support/fixtures';
import { createCall, submitAndAccept } from '../support/lifecycle';
import { postCsv } from '../workflows/operation-support';

/** S5 at the boundary: what PostgreSQL or SMTP cannot carry, unknown fields and oversized input are 4xx and change nothing. */
let app: TestApp;
let callId: string;
beforeAll(async () => {
  app = await startTestApp();
  callId = await createCall(app);
});
afterAll(() => app?.close());

const count = async (table: string) => (await app.sql.unsafe<Array<{ n: number }>>(`select count(*)::int as n from ${table}`))[0]!.n;
const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);

test('S5: a lone surrogate in a call title is 400 naming the field, before any row or workflow exists', async () => {
  const id = `s5-${Date.now().toString(36)}`;
  const res = await app.api.post('/calls', {
    id, title: 'broken \ud800 title', announcedOn: app.today(), supportEndsOn: '2099-12-31', capacity: { T4: 1, H100: 1, BOW: 1 },
  }, app.operatorKey);
  expect(res.status).toBe(400);
  expect(res.contentType).toContain('application/problem+json');
  expect(fields(res.body)).toEqual(['title']);
  expect((await app.sql`select 1 from calls where id = ${id}`).length).toBe(0);
  await expect(app.client.workflow.getHandle(callWorkflowId(id)).describe()).rejects.toThrow();
});

test('S5: a NUL in a document-review note is 400 naming the note; the application stays as it was, no audit row', async () => {
  const a = await submitAndAccept(app, callId);
  const audits = await count('audit_log');
  const res = await app.api.post(`/applications/${a.id}/document-review`,
    { decision: 'SUPPLEMENT', missingDocuments: ['APPLICATION_PLAN'], note: 'see\u0000here' }, app.operatorKey);
  expect(res.status).toBe(400);
  expect(fields(res.body)).toEqual(['note']);
  expect(res.body.detail).toContain('S5: a NUL character');
  expect((await app.api.get(`/applications/${a.id}`, app.operatorKey)).body.status).toBe('DOCUMENTS_COMPLETE');
  expect(await count('audit_log')).toBe(audits);
});

test('S5: unknown fields are 400 naming each of them (strict schemas), also in nested objects and on bodiless routes', async () => {
  const res = await app.api.post('/calls', {
    id: 'strict-1', title: 't', announcedOn: app.today(), supportEndsOn: '2099-12-31', capacity: { T4: 1, H100: 1, BOW: 1, bowCards: 4 }, colour: 'red',
  }, app.operatorKey);
  expect(res.status).toBe(400);
  expect(fields(res.body).sort()).toEqual(['capacity.bowCards', 'colour']);
  expect(res.body.errors[0].message).toBe('S5: unknown field');
  const key = await app.api.post('/api-keys', { role: 'EVALUATOR', name: 'x', admin: true }, app.operatorKey);
  expect(key.status).toBe(400);
  expect(fields(key.body)).toEqual(['admin']);
  const listing = await app.api.get(`/applications?callId=${callId}&sort=title`, app.operatorKey);
  expect(listing.status).toBe(400);
  expect(fields(listing.body)).toEqual(['query.sort']);
});

test('S5: NUL and controls in path, query, field names and headers are 400 naming where, never 500', async () => {
  const q = await app.api.get('/applications?callId=%00', app.operatorKey);
  expect(q.status).toBe(400);
  expect(fields(q.body)).toEqual(['query.callId']);
  const p = await app.api.get('/applications/a%00b', app.operatorKey);
  expect(p.status).toBe(400);
  expect(fields(p.body)).toEqual(['path.id']);
  const k = await app.api.post('/api-keys', { role: 'EVALUATOR', name: 'x', 'a\u0000b': 1 }, app.operatorKey);
  expect(k.status).toBe(400);
  expect(k.body.errors[0].message).toContain('in the field name');
  const idem = await app.api.post(`/applications/ZZZZZZZZZZ/submit`, {}, app.operatorKey, { 'idempotency-key': 'k\ty' });
  expect(idem.status).toBe(400);
  expect(fields(idem.body)).toEqual(['header.idempotency-key']);
  const deep = await app.api.request('POST', '/api-keys', { json: `${'['.repeat(100000)}${']'.repeat(100000)}`, auth: app.operatorKey });
  expect(deep.status).toBe(400);
});

test('S5: an upload whose file name holds a NUL is 400 and stores nothing', async () => {
  const d = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId));
  const docs = await count('documents');
  const res = await app.api.put(`/applications/${d.body.id}/documents/APPLICATION_PLAN?filename=plan%00.pdf`, Buffer.from('%PDF-1.4\n%%EOF\n'), d.body.accessToken);
  expect(res.status).toBe(400);
  expect(fields(res.body)).toEqual(['query.filename']);
  expect(await count('documents')).toBe(docs);
});

test('S5: a CSV with 70,000 distinct ids is answered (422 per-row report), not 500; a NUL cell is 400 naming its line', async () => {
  const month = app.today().slice(0, 7);
  const csv = Array.from({ length: 70_000 }, (_, i) => `ID${String(i).padStart(8, '0')},${month}-01,10`).join('\n');
  const big = await postCsv(app, month, csv);
  expect(big.status).toBe(422);
  expect(big.body.refused).toHaveLength(70_000);
  const nul = await postCsv(app, month, `application_id,day,mean_percent\nAAAA\u0000AAAA,${month}-01,10\n`);
  expect(nul.status).toBe(400);
  expect(nul.body.errors[0].field).toBe('(body).line.2.application_id');
  expect(await count('utilisation_samples')).toBe(0);
});

test('S5: a JSON body over the limit is 413 problem+json', async () => {
  const res = await app.api.post('/api-keys', { role: 'EVALUATOR', name: 'x'.repeat(1_100_000) }, app.operatorKey);
  expect(res.status).toBe(413);
  expect(res.contentType).toContain('application/problem+json');
});

test('S5: numbers beyond what the columns hold are 400 naming the field (units, page), not a PostgreSQL overflow', async () => {
  const body = draftBody({ resource: { units: 2 ** 31 } });
  const draft = await app.api.post(`/calls/${callId}/applications`, body);
  expect(draft.status).toBe(400);
  expect(fields(draft.body)).toEqual(['resource.units']);
  const page = await app.api.get('/applications?page=99999999999999', app.operatorKey);
  expect(page.status).toBe(400);
  expect(fields(page.body)).toEqual(['query.page']);
});
