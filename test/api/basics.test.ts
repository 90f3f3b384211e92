import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { addDays, callWorkflowId, intakeViolations } from '../../src/domain';
import { callMovedToYear } from '../../scripts/seed-call';
import { startTestApp, type TestApp } from '../support/app';

/** Issue 2's API basics against the dev server, a real PostgreSQL and a real SMTP inbox. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const callBody = (id: string) => ({
  id,
  title: '테스트 공고',
  announcedOn: app.today(),
  supportEndsOn: addDays(app.today(), 120),
  capacity: { T4: 1, H100: 1, BOW: 8, extraStorageTb: 0 },
});

test('H1: /healthz checks PostgreSQL and Temporal', async () => {
  const res = await app.api.get('/healthz');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'ok', postgres: 'ok', temporal: 'ok' });
});

test('K1–K4: GET /catalog serves pools, types, BOW card sizes, storage, OS and SaaS', async () => {
  const res = await app.api.get('/catalog');
  expect(res.status).toBe(200);
  const text = JSON.stringify(res.body);
  for (const word of ['DEDICATED', 'SHARED', 'T4', 'H100', 'BOW', 'Ubuntu', 'Windows']) expect(text).toContain(word);
  expect(text).toContain('50');
  expect(text).toContain('20');
});

test('H1: /openapi.json is generated from the zod schemas and /docs is readable', async () => {
  const doc = await app.api.get('/openapi.json');
  expect(doc.status).toBe(200);
  expect(doc.body.openapi).toMatch(/^3\./);
  const draft = doc.body.paths['/calls/{id}/applications'].post;
  const schema = draft.requestBody.content['application/json'].schema;
  expect(schema.properties.organisation.properties.businessRegistrationNumber).toBeDefined();
  expect(schema.properties.resource.properties.type.enum).toEqual(['T4', 'H100', 'BOW']);
  expect(doc.body.paths['/applications/{id}/documents/{type}'].put.requestBody.content).toHaveProperty('application/octet-stream');
  const docs = await app.api.get('/docs');
  expect(docs.status).toBe(200);
  expect(docs.contentType).toContain('text/html');
  // H1: Swagger UI over /openapi.json (test/api/readme-tour.test.ts checks its files load offline).
  expect(docs.body).toContain('swagger-ui-bundle.js');
  expect(Object.keys(doc.body.paths)).toContain('/calls/{id}/early-close');
});

test('S1/H1: creating a call needs an operator key (401 without, 401 with a wrong one) and changes nothing', async () => {
  const id = `auth-${Date.now().toString(36)}`;
  expect((await app.api.post('/calls', callBody(id))).status).toBe(401);
  const wrong = await app.api.post('/calls', callBody(id), 'aidc_000000000000_wrongwrongwrongwrongwrong');
  expect(wrong.status).toBe(401);
  expect(wrong.contentType).toContain('application/problem+json');
  expect((await app.api.get(`/calls/${id}`)).status).toBe(404);
});

test('S1: API keys are stored only as hashes; an evaluator key cannot create calls (403)', async () => {
  const created = await app.api.post('/api-keys', { role: 'EVALUATOR', name: '평가위원 1' }, app.operatorKey);
  expect(created.status).toBe(201);
  const rows = await app.sql`select secret_hash from api_keys where id = ${created.body.id}`;
  expect(rows[0].secret_hash).toMatch(/^scrypt\$/);
  expect(rows[0].secret_hash).not.toContain(created.body.key);
  const id = `ev-${Date.now().toString(36)}`;
  expect((await app.api.post('/calls', callBody(id), created.body.key)).status).toBe(403);
});

test('C1/C4: a call is data: POST /calls validates (400 naming fields), starts its call workflow, GET /calls lists it', async () => {
  const bad = await app.api.post('/calls', { ...callBody('x'), id: 'bad id!', supportEndsOn: '2026-02-30' }, app.operatorKey);
  expect(bad.status).toBe(400);
  expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['id', 'supportEndsOn']));
  const id = `call-${Date.now().toString(36)}`;
  const res = await app.api.post('/calls', callBody(id), app.operatorKey);
  expect(res.status).toBe(201);
  expect((await app.api.post('/calls', callBody(id), app.operatorKey)).status).toBe(409);
  const description = await app.client.workflow.getHandle(callWorkflowId(id)).describe();
  expect(description.status.name).toBe('RUNNING');
  const list = await app.api.get('/calls');
  expect(list.body.items.map((c: { id: string }) => c.id)).toContain(id);
  const one = await app.api.get(`/calls/${id}`);
  expect(one.body).toMatchObject({ id, open: true, batches: [] });
  const audit = await app.sql`select action from audit_log where subject = ${`call:${id}`}`;
  expect(audit.map((a) => a.action)).toEqual(['call.create']);
});

test('C2/H1: operators add batch cutoffs; a past or duplicate cutoff is refused with 422 naming C2 (a rule)', async () => {
  const id = `batch-${Date.now().toString(36)}`;
  await app.api.post('/calls', callBody(id), app.operatorKey);
  const cutoff = addDays(app.today(), 10);
  const added = await app.api.post(`/calls/${id}/batches`, { cutoff }, app.operatorKey);
  expect(added.status).toBe(201);
  expect(added.body).toMatchObject({ cutoff, closed: false });
  const dup = await app.api.post(`/calls/${id}/batches`, { cutoff }, app.operatorKey);
  expect(dup.status).toBe(422);
  expect(dup.body.rule).toBe('C2');
  const past = await app.api.post(`/calls/${id}/batches`, { cutoff: addDays(app.today(), -1) }, app.operatorKey);
  expect([past.status, past.body.rule]).toEqual([422, 'C2']);
  const call = await app.api.get(`/calls/${id}`);
  expect(call.body.batches).toHaveLength(1);
});

test('C4: `npm run seed` loads the 2024-1 call of the seed into a running service', async () => {
  const script = join(__dirname, '..', '..', 'scripts', 'seed.js');
  const env = { ...process.env, API_URL: app.url, OPERATOR_API_KEY: app.operatorKey };
  const { stdout } = await promisify(execFile)(process.execPath, [script], { env });
  expect(stdout).toContain('loaded call 2024-1');
  const call = await app.api.get('/calls/2024-1');
  expect(call.status).toBe(200);
  expect(call.body).toMatchObject({ announcedOn: '2024-02-13', supportEndsOn: '2024-12-31' });
  const again = await promisify(execFile)(process.execPath, [script], { env });
  expect(again.stdout).toContain('already loaded');
  // C1: as published, its support ended on 2024-12-31: closed for intake, and it says why.
  expect(call.body.open).toBe(intakeViolations(call.body, app.today()).length === 0);
  if (!call.body.open) expect(call.body.closedReason.rule).toMatch(/^C[13]$/);
});

test('C1/C4: `npm run seed -- --this-year` loads the same call moved by whole years to this year', async () => {
  const script = join(__dirname, '..', '..', 'scripts', 'seed.js');
  const env = { ...process.env, API_URL: app.url, OPERATOR_API_KEY: app.operatorKey };
  const { stdout } = await promisify(execFile)(process.execPath, [script, '--this-year'], { env });
  const year = Number(app.today().slice(0, 4));
  const seeded = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'seed', '2024-1.json'), 'utf8')) as Record<string, unknown>;
  const moved = callMovedToYear(seeded, year);
  expect(moved.id).toBe(`${year}-1`);
  expect(stdout).toContain(`call ${year}-1`);
  const call = await app.api.get(`/calls/${year}-1`);
  expect(call.status).toBe(200);
  expect(call.body).toMatchObject({
    announcedOn: `${year}-02-13`,
    supportEndsOn: `${year}-12-31`,
    capacity: seeded.capacity,
    surveyOn: seeded.surveyOn,
  });
  expect(call.body.title).toContain(`${year}년`);
  // Open exactly when the rule says so (before 13 February the moved call is not announced yet).
  const violations = intakeViolations({ announcedOn: `${year}-02-13`, supportEndsOn: `${year}-12-31` }, app.today());
  expect(call.body.open).toBe(violations.length === 0);
  expect(call.body.closedReason?.rule ?? null).toBe(violations[0]?.rule ?? null);
});

test('C1: moving a call by years shifts every date through the domain (29 Feb clamps), keeps MM-DD days', () => {
  const moved = callMovedToYear(
    { id: '2024-1', title: '2024년 공고 (2024)', announcedOn: '2024-02-29', supportEndsOn: '2024-12-31', cutoffs: ['2024-03-31'], surveyOn: '11-15', training: { onlineSessionOn: '2024-04-02' } },
    2027,
  );
  expect(moved).toEqual({ id: '2027-1', title: '2027년 공고 (2027)', announcedOn: '2027-02-28', supportEndsOn: '2027-12-31', cutoffs: ['2027-03-31'], surveyOn: '11-15', training: { onlineSessionOn: '2027-04-02' } });
});

test('H1: an unknown route answers a problem+json 404', async () => {
  const res = await app.api.get('/nope');
  expect(res.status).toBe(404);
  expect(res.contentType).toContain('application/problem+json');
});
