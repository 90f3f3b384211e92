import { addDays, batchDeadlines, formatDeadlineKo, formatInstantKo, supplementDueDate, DEFAULT_CALL_CONTACTS } from '../../src/domain';
import { publicUrlOf } from '../../src/config';
import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { createCall, eventually, applicationView, submitApplication } from '../support/lifecycle';

/**
 * N2 against the real stack: a call's desks and training are call data (POST /calls,
 * GET /calls/:id), and the e-mails the applicant receives (caught by the SMTP inbox)
 * carry the link, the deadline in KST date and time, the desk and Reply-To that desk.
 */
let app: TestApp;
let callId: string;
const contacts = {
  operationsPolicy: { name: '정책 담당 N2', phone: '062-610-0001', email: 'n2-policy@aidc.example' },
  dataSharing: { name: '데이터 담당 N2', phone: '062-610-0003', email: 'n2-data@aidc.example' },
};
const training = { materialUrl: 'https://edu.aidc.example/n2', onlineSessions: [{ on: '2030-03-05', at: '14:00' }] };

beforeAll(async () => {
  app = await startTestApp();
  callId = await createCall(app, { extra: { contacts, training, surveyUrl: 'https://survey.aidc.example/n2' } });
}, 60_000);
afterAll(() => app?.close());

const link = (id: string) => `${publicUrlOf(app.config)}/applications/${id}`;

/** Draft → documents → A7 confirmation → submit, with this test's own practitioner address. */
const submitted = () => submitApplication(app, callId, { practitionerEmail: uniqueEmail('n2') });

test('N2: a call keeps its desks and training (POST /calls), GET /calls/:id shows them with the defaults for fields not given', async () => {
  const call = (await app.api.get(`/calls/${callId}`)).body;
  expect(call.contacts).toEqual({ ...DEFAULT_CALL_CONTACTS, ...contacts });
  expect(call.training).toEqual(training);
  expect(call.surveyUrl).toBe('https://survey.aidc.example/n2');
  const plain = (await app.api.get(`/calls/${await createCall(app)}`)).body;
  expect(plain.contacts).toEqual(DEFAULT_CALL_CONTACTS);
  expect(plain.training).toBeNull();
});

test('N2: bad contacts or training are a 400 naming the field, and no call is created', async () => {
  const bad = await app.api.post(
    '/calls',
    {
      id: 'n2-bad',
      title: 'x',
      announcedOn: app.today(),
      supportEndsOn: '2099-12-31',
      capacity: { T4: 1, H100: 1, BOW: 1 },
      contacts: { operationsPolicy: { name: 'x', phone: '062-000-0000', email: 'not-an-address' }, sales: {} },
      training: { materialUrl: 'ftp://x', onlineSessions: [{ on: '2030-02-30', at: '25:00' }] },
    },
    app.operatorKey,
  );
  expect(bad.status).toBe(400);
  const fields = JSON.stringify(bad.body);
  for (const f of ['contacts.operationsPolicy.email', 'contacts', 'training.materialUrl', 'training.onlineSessions.0.at']) expect(fields).toContain(f);
  expect((await app.api.get('/calls/n2-bad')).status).toBe(404);
});

test('N2: the receipt has the date and time, the link, the desk, and Reply-To that desk', async () => {
  const d = await submitted();
  const [receipt] = (await app.waitForMail(d.email, 1)).filter((m) => m.kind === 'RECEIPT');
  expect(receipt).toBeDefined();
  const view = await applicationView(app, d.id);
  expect(receipt!.text).toContain(`접수 일시: ${formatInstantKo(Date.parse(view.submittedAt))}`);
  expect(receipt!.text).toContain(link(d.id));
  expect(receipt!.html).toContain(`href="${link(d.id)}"`);
  expect(receipt!.text).toContain(`문의: 운영정책 ${contacts.operationsPolicy.name} (${contacts.operationsPolicy.phone}, ${contacts.operationsPolicy.email})`);
  expect(receipt!.replyTo).toEqual([contacts.operationsPolicy.email]);
  expect(receipt!.text).toMatch(/\n관련 규정 \/ Rules: A6/);
});

test('N2: the supplement request names the deadline in KST, asks to upload and resubmit, links and replies to the desk', async () => {
  const d = await submitted();
  const res = await app.api.post(`/applications/${d.id}/document-review`, { decision: 'SUPPLEMENT', missingDocuments: ['EMPLOYMENT_CERTIFICATE'] }, app.operatorKey);
  expect(res.status).toBe(200);
  const mails = await app.waitForMail(d.email, 2);
  const request = mails.find((m) => m.kind === 'SUPPLEMENT_REQUEST')!;
  expect(request).toBeDefined();
  const due = supplementDueDate(app.today()); // I5 through its rule (T3)
  expect(request.text).toContain(`기한: ${formatDeadlineKo(due)}`);
  expect(request.text).toContain('다시 제출해 주십시오');
  expect(request.text).toContain('then resubmit');
  expect(request.text).toContain(link(d.id));
  expect(request.replyTo).toEqual([contacts.operationsPolicy.email]);
  // rule ids only in the footer
  expect(request.text.slice(0, request.text.indexOf('\n—\n'))).not.toMatch(/\((A5|I5)\)/);
});

test('N3: an API key can carry an e-mail address; a bad one is a 400 naming it', async () => {
  const ok = await app.api.post('/api-keys', { role: 'EVALUATOR', name: 'N3 위원', email: 'n3-evaluator@aidc.example' }, app.operatorKey);
  expect(ok.status).toBe(201);
  expect(ok.body.email).toBe('n3-evaluator@aidc.example');
  const [row] = await app.sql`select email from api_keys where id = ${ok.body.id}`;
  expect(row!.email).toBe('n3-evaluator@aidc.example');
  const without = await app.api.post('/api-keys', { role: 'EVALUATOR', name: 'N3 위원 (주소 없음)' }, app.operatorKey);
  expect(without.status).toBe(201);
  expect(without.body.note).toContain('N3');
  const bad = await app.api.post('/api-keys', { role: 'EVALUATOR', name: 'x', email: 'nope' }, app.operatorKey);
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toContain('email');
});

test('N3: assigning evaluators e-mails each one (with an address) once, with the link to the queue and the review deadline', async () => {
  const cutoff = addDays(app.today(), 30);
  const batch = await app.api.post(`/calls/${callId}/batches`, { cutoff }, app.operatorKey);
  expect(batch.status).toBe(201);
  const email = uniqueEmail('n3-eval');
  const key = await app.api.post('/api-keys', { role: 'EVALUATOR', name: '박평가', email }, app.operatorKey);
  const path = `/calls/${callId}/batches/${batch.body.batchId}/evaluators`;
  expect((await app.api.post(path, { evaluatorIds: [key.body.id] }, app.operatorKey)).status).toBe(201);
  expect((await app.api.post(path, { evaluatorIds: [key.body.id] }, app.operatorKey)).status).toBe(201); // again: no second e-mail
  const [mail] = await app.waitForMail(email, 1);
  expect(mail!.kind).toBe('EVALUATOR_BATCH_ASSIGNED');
  expect(mail!.text).toContain(`평가 화면: ${publicUrlOf(app.config)}/console/committee`);
  expect(mail!.text).toContain(`평가 기한: ${formatDeadlineKo(batchDeadlines(cutoff).reviewDue)}`); // V2: cutoff + 14
  expect(mail!.replyTo).toEqual([contacts.operationsPolicy.email]);
  await new Promise((r) => setTimeout(r, 1500));
  expect(await app.mailTo(email)).toHaveLength(1);
  await eventually(async () => (await app.sql`select count(*)::int as n from email_outbox where kind = 'EVALUATOR_BATCH_ASSIGNED' and sent_at is not null`)[0]!.n, (n) => n === 1);
});
