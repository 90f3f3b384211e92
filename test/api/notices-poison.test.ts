import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../src/activities';
import { POISON_NOTICE } from '../../src/activities/outbox';
import { applicationWorkflowId } from '../../src/domain';
import { createTransport } from '../../src/mail';
import type { ApplicationState } from '../../src/contracts/application';
import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { saveHistory } from '../support/closeout';
import { applicationView, createCall, eventually, submitApplication } from '../support/lifecycle';
import { startFaultySmtp, type FaultySmtp } from '../support/smtp-fault';

/**
 * N/S4: a notice that can never go out (the relay refuses the recipient for good, PostgreSQL
 * refuses the row, the template cannot render) fails once, non-retryably: the workflow
 * records it on the application's timeline, the operations mailbox is told, and the
 * lifecycle goes on. Before, such a notice retried for ever and the workflow waited on it.
 */
let app: TestApp;
let smtp: FaultySmtp;
const refused = new Set<string>();

beforeAll(async () => {
  smtp = await startFaultySmtp({ refuse: (a) => refused.has(a) });
  app = await startTestApp({ smtp });
});
afterAll(async () => {
  await app?.close();
  await smtp?.stop();
});

const opsMail = () => smtp.messages.filter((m) => m.to.includes(app.config.OPERATIONS_EMAIL.toLowerCase()));
const events = async (id: string) => ((await applicationView(app, id)).timeline as Array<{ event: string; detail?: Record<string, unknown> }>);

/** An applicant whose practitioner (and PI: no copy goes out) the relay refuses with 550 5.1.1. */
async function bouncingApplication(callId: string) {
  const email = uniqueEmail('bounce');
  refused.add(email);
  return submitApplication(app, callId, { practitionerEmail: email, principalInvestigatorEmail: email });
}

test('N/S4: a receipt the relay refuses for good fails once, is on the timeline, the operators are told, and the lifecycle goes on', async () => {
  const callId = await createCall(app);
  const a = await bouncingApplication(callId);

  const timeline = await eventually(() => events(a.id), (t) => t.some((e) => e.event === 'NOTICE_FAILED'));
  const failed = timeline.find((e) => e.event === 'NOTICE_FAILED');
  expect(failed?.detail).toMatchObject({ kind: 'RECEIPT', audience: 'APPLICANT', failure: POISON_NOTICE.REJECTED });
  expect(String(failed?.detail?.reason)).toContain('550');
  expect(String(failed?.detail?.reason)).not.toContain(a.email); // S3: the reply's text (naming the address) stays out

  const [report] = await eventually(async () => opsMail().filter((m) => m.headers['x-aidc-notice-key'] === `${a.id}:RECEIPT:OPS_NOTICE_FAILED`), (m) => m.length > 0);
  expect(report?.headers['x-aidc-notice-kind']).toBe('NOTICE_FAILED');
  expect(report?.raw).toContain(`${a.id}:RECEIPT`);

  // The lifecycle goes on: the document review moves it (before, it waited on the receipt for ever).
  const reviewed = await app.api.post(`/applications/${a.id}/document-review`, { decision: 'COMPLETE' }, app.operatorKey);
  expect(reviewed.status).toBe(200);
  const view = await eventually(() => applicationView(app, a.id), (v) => v.status === 'DOCUMENTS_COMPLETE');
  expect(view.status).toBe('DOCUMENTS_COMPLETE');
  expect(view.timeline.map((e: { event: string }) => e.event)).toEqual(['SUBMITTED', 'NOTICE_FAILED', 'DOCUMENTS_ACCEPTED']);

  // No retry storm: the relay saw the address once, and the outbox row says why, for good.
  await new Promise((r) => setTimeout(r, 4000));
  // Twice in all: once for the receipt, once for the draft's A7 confirmation link (the API's own send, refused too).
  expect(smtp.rcptAttempts.get(a.email)).toBe(2);
  expect(smtp.messages.filter((m) => m.to.includes(a.email))).toHaveLength(0);
  const [row] = await app.sql<Array<{ failed_at: Date | null; failure: string | null; sent_at: Date | null; claimed_at: Date | null }>>`
    select failed_at, failure, sent_at, claimed_at from email_outbox where notice_key = ${`${a.id}:RECEIPT`}`;
  expect(row).toMatchObject({ sent_at: null, claimed_at: null, failure: 'SMTP EENVELOPE RCPT TO 550' });
  expect(row?.failed_at).toBeInstanceOf(Date);
  expect(opsMail().filter((m) => m.headers['x-aidc-notice-key'] === `${a.id}:RECEIPT:OPS_NOTICE_FAILED`)).toHaveLength(1);
});

test('N/S4: when the operations mailbox refuses the report too, both are on the timeline and nothing loops', async () => {
  const callId = await createCall(app);
  const ops = app.config.OPERATIONS_EMAIL.toLowerCase();
  const opsBefore = smtp.rcptAttempts.get(ops) ?? 0;
  refused.add(ops);
  try {
    const a = await bouncingApplication(callId);
    const timeline = await eventually(() => events(a.id), (t) => t.filter((e) => e.event === 'NOTICE_FAILED').length >= 2);
    expect(timeline.filter((e) => e.event === 'NOTICE_FAILED').map((e) => [e.detail?.kind, e.detail?.audience, e.detail?.failure])).toEqual([
      ['RECEIPT', 'APPLICANT', POISON_NOTICE.REJECTED],
      ['NOTICE_FAILED', 'OPERATORS', POISON_NOTICE.REJECTED],
    ]);
    const reviewed = await app.api.post(`/applications/${a.id}/document-review`, { decision: 'COMPLETE' }, app.operatorKey);
    expect(reviewed.status).toBe(200);
    expect((await eventually(() => applicationView(app, a.id), (v) => v.status === 'DOCUMENTS_COMPLETE')).status).toBe('DOCUMENTS_COMPLETE');
    await new Promise((r) => setTimeout(r, 4000));
    expect(smtp.rcptAttempts.get(a.email)).toBe(2); // the receipt and the A7 confirmation link
    expect((smtp.rcptAttempts.get(ops) ?? 0) - opsBefore).toBe(1);
    expect((await events(a.id)).filter((e) => e.event === 'NOTICE_FAILED')).toHaveLength(2);

    // To the end: withdrawn, its notice refused too, the workflow completes (a replay fixture
    // of the NOTICE_FAILED path, docs/PATCHING.md).
    const withdrawn = await app.api.post(`/applications/${a.id}/withdraw`, { reason: '사업 계획 변경' }, a.token);
    expect(withdrawn.status).toBe(200);
    const handle = app.client.workflow.getHandle(applicationWorkflowId(callId, a.id));
    const final = (await handle.result()) as ApplicationState;
    expect(final.status).toBe('WITHDRAWN');
    expect(final.timeline.filter((e) => e.event === 'NOTICE_FAILED').map((e) => e.detail?.kind)).toEqual(['RECEIPT', 'NOTICE_FAILED', 'WITHDRAWN', 'NOTICE_FAILED']);
    await saveHistory(app, applicationWorkflowId(callId, a.id), 'application-notice-failed-withdrawn');
  } finally {
    refused.delete(ops);
  }
});

describe('N/S4: the notify activity fails non-retryably on what can never go out', () => {
  let activities: ReturnType<typeof createActivities>;
  let transport: ReturnType<typeof createTransport>;
  let applicationId: string;
  beforeAll(async () => {
    transport = createTransport(app.config);
    activities = createActivities({
      sql: app.sql,
      transport,
      client: app.client,
      mailFrom: app.config.MAIL_FROM,
      operationsEmail: app.config.OPERATIONS_EMAIL,
    });
    applicationId = (await submitApplication(app, await createCall(app))).id;
  });
  afterAll(() => transport?.close());

  const failureOf = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      return err;
    }
    throw new Error('expected the notice to fail');
  };

  test('N/S4: a notice PostgreSQL cannot store (a NUL byte) is NOTICE_UNSTORABLE, naming only the SQLSTATE', async () => {
    const key = `${applicationId}:SUPPLEMENT_REQUEST:nul`;
    const err = await failureOf(
      activities.notify({ key, kind: 'SUPPLEMENT_REQUEST', applicationId, data: { missingDocuments: ['DATA_DEFINITION'], dueOn: '2030-01-08', note: 'see\u0000here' } }),
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ nonRetryable: true, type: POISON_NOTICE.UNSTORABLE });
    expect((err as Error).message).toMatch(/PostgreSQL 22021$/);
    expect(await app.sql`select 1 from email_outbox where notice_key = ${key}`).toHaveLength(0);
  });

  test('N/S4: a notice whose template cannot render is NOTICE_UNRENDERABLE', async () => {
    const err = await failureOf(activities.notify({ key: `${applicationId}:NO_SUCH_KIND`, kind: 'NO_SUCH_KIND' as never, applicationId }));
    expect(err).toMatchObject({ nonRetryable: true, type: POISON_NOTICE.UNRENDERABLE });
  });

  test('N: a transient SMTP failure stays retryable and releases its claim at once', async () => {
    await smtp.down();
    try {
      const key = `${applicationId}:WITHDRAWN:transient`;
      const err = await failureOf(activities.notify({ key, kind: 'WITHDRAWN', applicationId }));
      expect(err).not.toBeInstanceOf(ApplicationFailure);
      expect((err as Error).message).toMatch(/will retry: SMTP ESOCKET CONN$/);
      const [row] = await app.sql`select claimed_at, claim_token, failed_at from email_outbox where notice_key = ${key}`;
      expect(row).toEqual({ claimed_at: null, claim_token: null, failed_at: null });
    } finally {
      await smtp.up();
    }
  });

  test('N: one applicant of an early close whose notice cannot go out does not keep the others from theirs; the operators are told', async () => {
    const callId = await createCall(app);
    const good = await submitApplication(app, callId);
    const bad = await bouncingApplication(callId);
    const closesOn = '2030-06-30';
    const result = await activities.notifyEarlyClose({ callId, closesOn });
    expect(result.notified).toBe(2);
    expect(smtp.messages.filter((m) => m.headers['x-aidc-notice-key'] === `${good.id}:EARLY_CLOSE:${closesOn}`)).toHaveLength(1);
    expect(opsMail().filter((m) => m.headers['x-aidc-notice-key'] === `${bad.id}:EARLY_CLOSE:${closesOn}:OPS_NOTICE_FAILED`)).toHaveLength(1);
  });
});
