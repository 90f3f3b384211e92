import { addDays, batchDeadlines, callWorkflowId, lastDayOfQuarter, daysBetween, formatDeadlineKo, supplementDueDate } from '../../src/domain';
import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { COMPANY_DOCUMENTS, draftBody, draftFor } from '../support/fixtures';
import { eventually } from '../support/lifecycle';
import { confirmPractitioner } from '../support/signin';

/**
 * Intake timers on the time-skipping test server: the API, the worker, PostgreSQL and the
 * SMTP inbox are real; only the clock jumps (env.sleep).
 */
const DAY = 86_400_000;
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ timeSkipping: true });
});
afterAll(() => app?.close());

async function createCall(id: string, supportDays: number) {
  const res = await app.api.post(
    '/calls',
    {
      id,
      title: `시간 건너뛰기 공고 ${id}`,
      announcedOn: app.today(),
      supportEndsOn: addDays(app.today(), supportDays),
      capacity: { T4: 2, H100: 2, BOW: 16, extraStorageTb: 0 },
    },
    app.operatorKey,
  );
  expect(res.status).toBe(201);
}

async function submittedApplication(callId: string) {
  const email = uniqueEmail('ts');
  const created = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { practitionerEmail: email }));
  expect(created.status).toBe(201);
  const { id, accessToken: token } = created.body;
  for (const [type, filename, bytes] of COMPANY_DOCUMENTS) {
    expect((await app.api.put(`/applications/${id}/documents/${type}?filename=${filename}`, bytes, token)).status).toBe(201);
  }
  await confirmPractitioner(app, id); // A7
  expect((await app.api.post(`/applications/${id}/submit`, {}, token)).status).toBe(200);
  await app.waitForMail(email, 1);
  return { id: id as string, token: token as string, email };
}

const view = async (id: string) => (await app.api.get(`/applications/${id}`, app.operatorKey)).body;


test('C1/T1: a call workflow sleeps through 300 days of support in under 10 s of wall time', async () => {
  const callId = `long-${Date.now().toString(36)}`;
  await createCall(callId, 300);
  const started = Date.now();
  await app.advance(302 * DAY);
  const handle = app.client.workflow.getHandle(callWorkflowId(callId));
  const description = await eventually(() => handle.describe(), (d) => d.status.name === 'COMPLETED');
  expect(description.status.name).toBe('COMPLETED');
  expect(Date.now() - started).toBeLessThan(10_000);
});

test('I5/A5: a supplement is reminded before its due date and, when it passes, the application becomes ineligible and is told why', async () => {
  const callId = `supp-${Date.now().toString(36)}`;
  await createCall(callId, 200);
  const a = await submittedApplication(callId);
  const dueOn = supplementDueDate(app.today());
  const res = await app.api.post(
    `/applications/${a.id}/document-review`,
    { decision: 'SUPPLEMENT', missingDocuments: ['DATA_DEFINITION'] },
    app.operatorKey,
  );
  expect(res.status).toBe(200);
  await app.waitForMail(a.email, 2);
  expect((await view(a.id)).deadlines.supplementDue).toBe(dueOn);

  await app.advance(6 * DAY); // into the reminder window (2 days before the due date)
  const reminded = await app.waitForMail(a.email, 3);
  expect(reminded.filter((m) => m.subject.includes('기한 임박'))).toHaveLength(1);
  expect((await view(a.id)).status).toBe('SUPPLEMENT_REQUESTED');

  await app.advance(2 * DAY); // past 23:59:59 KST of the due date
  const after = await eventually(() => view(a.id), (v) => v.status === 'INELIGIBLE');
  expect(after.status).toBe('INELIGIBLE');
  expect(after.ineligibility.rule).toBe('A5');
  const mails = await app.waitForMail(a.email, 4);
  const notice = mails.find((m) => m.subject.includes('제외'));
  expect(notice?.text).toContain('A5');
  expect(notice?.text).toContain(dueOn);
  // I5: a supplement handed in after the due date is refused.
  expect((await app.api.post(`/applications/${a.id}/supplement`, {}, a.token)).status).toBe(409);
});

test('C2/V2: a quarter ending with an application waiting and no cutoff gets its last day as a cutoff; the member learns its result date', async () => {
  const callId = `c2-${Date.now().toString(36)}`;
  await createCall(callId, 330);
  const a = await submittedApplication(callId);
  expect((await app.api.post(`/applications/${a.id}/document-review`, { decision: 'COMPLETE' }, app.operatorKey)).status).toBe(200);
  await eventually(() => view(a.id), (v) => v.status === 'DOCUMENTS_COMPLETE');

  const quarterEnd = lastDayOfQuarter(app.today());
  await app.advance((daysBetween(app.today(), quarterEnd) + 1) * DAY);
  const v = await eventually(() => view(a.id), (x) => x.status === 'IN_EVALUATION');
  expect(v.status).toBe('IN_EVALUATION');
  expect(v.batch.cutoff).toBe(quarterEnd);
  const { reviewDue, notificationDue } = batchDeadlines(quarterEnd); // V2, through the rule (T3)
  expect(v.deadlines.reviewDue).toBe(reviewDue);
  expect(v.deadlines.notificationDue).toBe(notificationDue);
  const mails = await app.waitForMail(a.email, 2);
  const assigned = mails.find((m) => m.subject.includes('평가 차수'));
  expect(assigned?.text).toContain(formatDeadlineKo(notificationDue)); // N2: KST date and time
  const call = (await app.api.get(`/calls/${callId}`)).body;
  expect(call.batches).toEqual([expect.objectContaining({ cutoff: quarterEnd, addedBy: 'C2', closed: true, members: 1 })]);
});
