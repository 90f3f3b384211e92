import { applicationWorkflowId, startOfDayKst, type AcceleratorType, type IsoDate } from '../../src/domain';
import { startTestApp, type TestApp } from '../support/app';
import { closedStatus, handInBoth, saveHistory } from '../support/closeout';
import { uniqueBrn } from '../support/fixtures';
import { applicationView, createCall, eventually, submitAndAccept } from '../support/lifecycle';

/**
 * T2/N, the whole lifecycle per pool on the time-skipping server, through the HTTP API and
 * e-mails only: draft → documents → submission → document review → batch cutoff →
 * committee scores → selection → allocation on 1 June → setup → monthly checks (dedicated)
 * → quarterly review → reminder → report and data sharing accepted → survey → support end
 * on 31 December → COMPLETED. Every deadline of T2 is checked against a date written out
 * by hand (month and day; the year is the one after the test server's clock); every e-mail
 * arrives exactly once and in order.
 */
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ timeSkipping: true });
});
afterAll(() => app?.close());

async function advanceTo(date: IsoDate, hour: number) {
  const target = startOfDayKst(date) + hour * 3_600_000;
  const now = await app.env!.currentTimeMs();
  if (target > now) await app.advance(target - now);
}

const SCORES = { policyAlignment: 26, projectExcellence: 25, resourceFeasibility: 17, targetOutcomes: 16 }; // 84

async function evaluators(n: number) {
  const keys: Array<{ id: string; key: string }> = [];
  for (let i = 0; i < n; i++) {
    const res = await app.api.post('/api-keys', { role: 'EVALUATOR', name: `평가위원 ${i + 1}`, organisationBrn: uniqueBrn() }, app.operatorKey);
    expect(res.status).toBe(201);
    keys.push(res.body);
  }
  return keys;
}

/** O4: a good month of samples (≥ 20 %, I1) for the days from `from` to `to`, posted by an operator. */
async function postSamples(id: string, from: IsoDate, to: IsoDate) {
  const samples: Array<{ day: IsoDate; meanPercent: number }> = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    samples.push({ day: d.toISOString().slice(0, 10), meanPercent: 63.5 });
  }
  const res = await app.api.post(`/applications/${id}/utilisation`, { samples }, app.operatorKey);
  expect(res.status).toBeLessThan(300);
}

const cases: Array<{ pool: 'DEDICATED' | 'SHARED'; type: AcceleratorType; units: number }> = [
  { pool: 'DEDICATED', type: 'H100', units: 1 },
  { pool: 'SHARED', type: 'BOW', units: 4 },
];

test.each(cases)('T2/N/V/O/Q/R: $pool from draft to COMPLETED through the API: allocated 1 June, support end 31 December, every deadline and e-mail', async ({ pool, type, units }) => {
  const started = Date.now();
  // Each case lives in the year after the server's clock, from 4 January on.
  const Y = Number(app.today().slice(0, 4)) + 1;
  await advanceTo(`${Y}-01-04`, 9);
  // V9: selected in January, allocated on 1 June: this call keeps a selection for a year before it releases it.
  const callId = await createCall(app, { supportEndsOn: `${Y}-12-31`, extra: { cutoffs: [`${Y}-01-15`], settings: { selectedReleaseDays: 365 } } });
  const a = await submitAndAccept(app, callId, { resource: pool === 'SHARED' ? { pool, type, units, os: undefined } : { pool, type, units } });
  const view = () => applicationView(app, a.id);
  // T2 before any batch: the support end and R1/R2 (a December end is due on 30 November).
  expect((await view()).deadlines).toEqual({ supportEnd: `${Y}-12-31`, reportDue: `${Y}-11-30`, dataSharingDue: `${Y}-11-30` });

  // V2: the cutoff closes the batch at the end of 15 January.
  await advanceTo(`${Y}-01-16`, 9);
  const inBatch = await eventually(view, (v) => v.status === 'IN_EVALUATION');
  expect(inBatch.deadlines).toMatchObject({ reviewDue: `${Y}-01-29`, notificationDue: `${Y}-02-05` });
  const batchId = inBatch.batch.batchId as string;

  // V3/I4: five evaluators score; the operators select (V5).
  const panel = await evaluators(5);
  expect((await app.api.post(`/calls/${callId}/batches/${batchId}/evaluators`, { evaluatorIds: panel.map((e) => e.id) }, app.operatorKey)).status).toBeLessThan(300);
  for (const e of panel) {
    expect((await app.api.request('PUT', `/applications/${a.id}/scores`, { json: SCORES, auth: e.key })).status).toBe(201);
  }
  const selection = await app.api.post(`/calls/${callId}/batches/${batchId}/selection`, {}, app.operatorKey);
  expect(selection.status).toBe(200);
  expect((await eventually(view, (v) => v.status === 'SELECTED')).status).toBe('SELECTED');

  // O1 on 1 June; O2: setup until 15 June; I2: the June review would see 15 days of
  // operation and is skipped, so the next review is 30 September; O4: dedicated only.
  await advanceTo(`${Y}-06-01`, 10);
  expect((await app.api.post(`/applications/${a.id}/allocation`, pool === 'DEDICATED' ? { servers: ['h100-07'] } : {}, app.operatorKey)).status).toBe(201);
  const allocated = await eventually(view, (v) => v.status === 'ALLOCATED');
  expect(allocated.deadlines).toEqual({
    reviewDue: `${Y}-01-29`,
    notificationDue: `${Y}-02-05`,
    setupEnd: `${Y}-06-15`,
    ...(pool === 'DEDICATED' ? { nextUtilisationCheck: `${Y}-07-01` } : {}),
    nextQuarterlyReview: `${Y}-09-30`,
    supportEnd: `${Y}-12-31`,
    reportDue: `${Y}-11-30`,
    dataSharingDue: `${Y}-11-30`,
  });

  await advanceTo(`${Y}-06-16`, 9);
  expect((await eventually(view, (v) => v.status === 'IN_OPERATION')).status).toBe('IN_OPERATION');
  // Dedicated: a good month every month (samples after setup only), so no warning is due.
  const monthEnds = ['06-30', '07-31', '08-31', '09-30', '10-31', '11-30'];
  for (const end of monthEnds.slice(0, 3)) {
    await advanceTo(`${Y}-${end}`, 12);
    if (pool === 'DEDICATED') await postSamples(a.id, end === '06-30' ? `${Y}-06-16` : `${Y}-${end.slice(0, 2)}-01`, `${Y}-${end}`);
  }
  // Q1: the September review; the operator continues the allocation.
  await advanceTo(`${Y}-09-30`, 12);
  if (pool === 'DEDICATED') await postSamples(a.id, `${Y}-09-01`, `${Y}-09-30`);
  await eventually(() => app.api.get(`/quarterly-reviews?callId=${callId}&open=true`, app.operatorKey), (r) => r.body.items?.length === 1);
  expect((await app.api.post(`/applications/${a.id}/quarterly-decision`, { decision: 'CONTINUE' }, app.operatorKey)).status).toBe(200);
  await advanceTo(`${Y}-10-31`, 12);
  if (pool === 'DEDICATED') await postSamples(a.id, `${Y}-10-01`, `${Y}-10-31`);
  expect((await view()).deadlines).toMatchObject({ setupEnd: `${Y}-06-15`, reportDue: `${Y}-11-30`, dataSharingDue: `${Y}-11-30` });

  // R1/R2: 14 days before 30 November the applicant is reminded, hands both in, both accepted.
  await advanceTo(`${Y}-11-16`, 10);
  await handInBoth(app, a);
  for (const path of ['result-report', 'data-sharing']) {
    expect((await app.api.post(`/applications/${a.id}/${path}/decision`, { decision: 'ACCEPT' }, app.operatorKey)).status).toBe(200);
  }
  await advanceTo(`${Y}-11-30`, 12); // R6: the call's default survey day, a month before its end
  if (pool === 'DEDICATED') await postSamples(a.id, `${Y}-11-01`, `${Y}-11-30`);
  expect((await view()).status).toBe('IN_OPERATION');

  // Support ends at the end of 31 December; with both accepted, the workflow completes.
  await advanceTo(`${Y + 1}-01-01`, 1);
  const done = await eventually(view, (x) => x.status === 'COMPLETED');
  expect(done.status).toBe('COMPLETED');
  expect(done.deadlines).toMatchObject({ supportEnd: `${Y}-12-31`, reportDue: `${Y}-11-30`, dataSharingDue: `${Y}-11-30` });
  const workflowId = applicationWorkflowId(callId, a.id);
  expect(await closedStatus(app, workflowId)).toBe('COMPLETED');
  const events = done.timeline.map((e: { event: string }) => e.event);
  expect(events.slice(0, 5)).toEqual(['SUBMITTED', 'DOCUMENTS_ACCEPTED', 'BATCH_ASSIGNED', 'RESULT_SELECTED', 'ALLOCATED']);
  expect(events.at(-1)).toBe('COMPLETED');

  // N: every e-mail exactly once, in order (by notice kind, which the outbox stamps on each).
  const expected = [
    'RECEIPT',
    'BATCH_ASSIGNED',
    'RESULT_SELECTED',
    'ALLOCATED',
    'SETUP_ENDING',
    'QUARTERLY_DECISION',
    'CLOSE_OUT_REMINDER',
    'CLOSE_OUT_ACCEPTED',
    'CLOSE_OUT_ACCEPTED',
    'SURVEY',
    'CLOSE_OUT_SUPPORT_ENDED',
    'CLOSE_OUT_COMPLETED',
  ];
  await app.waitForMail(a.email, expected.length);
  await new Promise((r) => setTimeout(r, 500));
  const mails = await app.mailTo(a.email);
  expect(mails.map((m) => m.kind)).toEqual(expected);
  expect(new Set(mails.map((m) => m.noticeKey)).size).toBe(mails.length);
  expect(mails.find((m) => m.kind === 'CLOSE_OUT_SUPPORT_ENDED')!.text).toContain(`${Y}-11-30`);
  expect(mails.find((m) => m.kind === 'BATCH_ASSIGNED')!.text).toContain(`${Y}-02-05`);
  expect(mails.find((m) => m.kind === 'ALLOCATED')!.text).toContain(`${Y}-06-15`);
  expect(Date.now() - started).toBeLessThan(60_000);
  await saveHistory(app, workflowId, `application-lifecycle-${pool.toLowerCase()}-h2-readable-ui`);
});
