import { addDays, endOfDayKst, startOfDayKst, type IsoDate } from '../../src/domain';
import { batchStatusQuery } from '../../src/contracts/batch';
import { batchWorkflowId } from '../../src/contracts/ids';
import { startTestApp, type TestApp } from '../support/app';
import { createCall, eventually, submitAndAccept, applicationView } from '../support/lifecycle';
import { advanceTo as advanceToInstant } from '../support/clock';

/**
 * V2/N: a batch's deadlines on the time-skipping server. The committee evaluates within
 * 14 days of the cutoff and results go out within 21 (V2); operators are warned 3 days
 * before each deadline with what is missing, escalated once it has passed and every day
 * after until it is done, and each breach is recorded on the batch.
 */
const HOUR = 3_600_000;
let app: TestApp;
let callId: string;
let batchId: string;
let emptyBatchId: string;
let cutoff: IsoDate;
let members: Array<Awaited<ReturnType<typeof submitAndAccept>>>;
const evaluators: Array<{ id: string; key: string }> = [];

beforeAll(async () => {
  app = await startTestApp({ timeSkipping: true });
  callId = await createCall(app, { extra: { settings: { minEvaluators: 2 } } });
  cutoff = app.today();
  const res = await app.api.post(`/calls/${callId}/batches`, { cutoff }, app.operatorKey);
  expect(res.status).toBe(201);
  batchId = res.body.batchId;
  // A second cutoff nobody will join: everyone above is accepted today, for the first one.
  const empty = await app.api.post(`/calls/${callId}/batches`, { cutoff: addDays(cutoff, 1) }, app.operatorKey);
  expect(empty.status).toBe(201);
  emptyBatchId = empty.body.batchId;
  members = [await submitAndAccept(app, callId), await submitAndAccept(app, callId)];
  for (const name of ['위원 A', '위원 B']) {
    const key = await app.api.post('/api-keys', { role: 'EVALUATOR', name }, app.operatorKey);
    evaluators.push({ id: key.body.id, key: key.body.key });
  }
}, 120_000);
afterAll(() => app?.close());

/** Moves the test server's clock to `instant` (never backwards). */
const advanceTo = (instant: number) => advanceToInstant(app, instant);
const ops = () => app.config.OPERATIONS_EMAIL;
const opsMail = async () => app.mailTo(ops());
const batchState = () => app.client.workflow.getHandle(batchWorkflowId(batchId)).query(batchStatusQuery);
const batchView = async () => (await app.api.get(`/calls/${callId}/batches/${batchId}`, app.operatorKey)).body;
const score = (applicationId: string, evaluator: { key: string }) =>
  app.api.request('PUT', `/applications/${applicationId}/scores`, {
    json: { policyAlignment: 24, projectExcellence: 24, resourceFeasibility: 16, targetOutcomes: 16 },
    auth: evaluator.key,
  });
const day = (n: number) => addDays(cutoff, n);

test('V2: at the cutoff the batch closes and its evaluators are assigned', async () => {
  await advanceTo(endOfDayKst(cutoff) + HOUR);
  for (const m of members) {
    const v = await eventually(() => applicationView(app, m.id), (x) => x.status === 'IN_EVALUATION');
    expect(v.deadlines).toMatchObject({ reviewDue: day(14), notificationDue: day(21) });
  }
  const res = await app.api.post(`/calls/${callId}/batches/${batchId}/evaluators`, { evaluatorIds: evaluators.map((e) => e.id) }, app.operatorKey);
  expect(res.status).toBe(201);
});

test('V2/N: operators are warned at cutoff + 11 (3 days before review due) with the applications short of the I4 minimum, not before', async () => {
  expect((await score(members[0]!.id, evaluators[0]!)).status).toBe(201);
  await advanceTo(startOfDayKst(day(11)) - HOUR);
  expect((await batchState()).notices).toEqual([]);
  await advanceTo(startOfDayKst(day(11)) + HOUR);
  const [warning] = await app.waitForMail(ops(), 1);
  expect(warning!.subject).toContain('평가 기한 임박');
  expect(warning!.subject).toContain(day(14));
  expect(warning!.text).toContain(`${members[0]!.id} `);
  expect(warning!.text).toContain(': 1/2');
  expect(warning!.text).toContain(`${members[1]!.id} `);
  expect(warning!.text).toContain(': 0/2');
  expect((await batchView()).sla.review).toMatchObject({ state: 'AT_RISK', warnedOn: day(11), breached: false });
});

test('V2/N: when review due (cutoff + 14) passes with scores missing, operators get an escalation, repeated daily, and the breach is recorded', async () => {
  await advanceTo(endOfDayKst(day(14)) - HOUR);
  expect(await opsMail()).toHaveLength(1);
  await advanceTo(endOfDayKst(day(14)) + HOUR);
  const mails = await app.waitForMail(ops(), 2);
  expect(mails).toHaveLength(2);
  expect(mails[1]!.subject).toContain('평가 기한 경과');
  expect(mails[1]!.subject).toContain(day(15));
  expect(mails[1]!.text).toContain(members[1]!.id);

  await advanceTo(endOfDayKst(day(15)) + HOUR);
  const again = await app.waitForMail(ops(), 3);
  expect(again).toHaveLength(3);
  expect(again[2]!.subject).toContain(day(16));
  const view = await batchView();
  expect(view.sla.review).toMatchObject({ state: 'BREACHED', breached: true });
  expect(view.sla.review.escalations.map((e: any) => e.day)).toEqual([day(15), day(16)]);
  const rows = await app.sql`select kind, on_day from batch_sla_events where batch_id = ${batchId} order by on_day`;
  expect(rows.map((r) => `${r.kind}@${r.on_day}`)).toEqual([`REVIEW_AT_RISK@${day(11)}`, `REVIEW_OVERDUE@${day(15)}`, `REVIEW_OVERDUE@${day(16)}`]);
});

test('V2/N: once every application has its scores the review escalations stop; results are warned at cutoff + 18', async () => {
  expect((await score(members[0]!.id, evaluators[1]!)).status).toBe(201);
  for (const e of evaluators) expect((await score(members[1]!.id, e)).status).toBe(201);
  await advanceTo(endOfDayKst(day(16)) + HOUR); // the daily check finds the review complete: silent
  await advanceTo(startOfDayKst(day(18)) - HOUR);
  await eventually(() => batchState(), (s) => s.reviewComplete);
  expect((await batchState()).reviewComplete).toBe(true);
  expect(await opsMail()).toHaveLength(3);

  await advanceTo(startOfDayKst(day(18)) + HOUR);
  const mails = await app.waitForMail(ops(), 4);
  expect(mails).toHaveLength(4);
  expect(mails[3]!.subject).toContain('결과 통보 기한 임박');
  expect(mails[3]!.subject).toContain(day(21));
  const view = await batchView();
  expect(view.sla.review).toMatchObject({ state: 'MET_LATE', complete: true, breached: true });
  expect(view.sla.results).toMatchObject({ state: 'AT_RISK', warnedOn: day(18) });
});

test('V2/N: when results due (cutoff + 21) passes without selection, operators get an escalation every day until the selection is made; then nothing more', async () => {
  await advanceTo(endOfDayKst(day(21)) + HOUR);
  const first = await app.waitForMail(ops(), 5);
  expect(first).toHaveLength(5);
  expect(first[4]!.subject).toContain('결과 통보 기한 경과');
  expect(first[4]!.subject).toContain(day(22));
  await advanceTo(endOfDayKst(day(22)) + HOUR);
  const second = await app.waitForMail(ops(), 6);
  expect(second).toHaveLength(6);
  expect(second[5]!.subject).toContain(day(23));
  expect((await batchView()).sla.results).toMatchObject({ state: 'BREACHED', breached: true });

  const selected = await app.api.post(`/calls/${callId}/batches/${batchId}/selection`, {}, app.operatorKey);
  expect(selected.status).toBe(200);
  expect(selected.body).toMatchObject({ members: 2, selected: 2 });
  for (const m of members) {
    const mail = await app.waitForMail(m.email, 3); // receipt, batch assignment, result
    expect(mail.filter((x) => x.subject.includes('선정 결과'))).toHaveLength(1);
  }
  await advanceTo(endOfDayKst(day(25)) + HOUR);
  const handle = app.client.workflow.getHandle(batchWorkflowId(batchId));
  const done = await eventually(() => handle.describe(), (d) => d.status.name === 'COMPLETED');
  expect(done.status.name).toBe('COMPLETED');
  expect(await opsMail()).toHaveLength(6);
  const view = await batchView();
  expect(view.sla.results).toMatchObject({ state: 'MET_LATE', breached: true });
  expect(view.sla.results.escalations.map((e: any) => e.day)).toEqual([day(22), day(23)]);
});

test('V2/N: a batch nobody joined keeps no clock: no warning, no escalation (the exact counts above), and its workflow ends', async () => {
  const handle = app.client.workflow.getHandle(batchWorkflowId(emptyBatchId));
  const d = await eventually(() => handle.describe(), (x) => x.status.name === 'COMPLETED');
  expect(d.status.name).toBe('COMPLETED');
  expect(await handle.query(batchStatusQuery)).toMatchObject({ empty: true, notices: [], selection: { state: 'NOT_STARTED' } });
  const [{ n }] = await app.sql`select count(*)::int as n from batch_sla_events where batch_id = ${emptyBatchId}`;
  expect(n).toBe(0);
  const view = (await app.api.get(`/calls/${callId}/batches/${emptyBatchId}`, app.operatorKey)).body;
  expect(view.members).toEqual([]);
  expect((await app.api.post(`/calls/${callId}/batches/${emptyBatchId}/selection`, {}, app.operatorKey)).status).toBe(409);
});
