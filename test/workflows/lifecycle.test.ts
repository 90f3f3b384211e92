import { applicationWorkflowId, startOfDayKst, type AcceleratorType, type IsoDate } from '../../src/domain';
import { startTestApp, type TestApp } from '../support/app';
import { closedStatus, handInBoth, saveHistory } from '../support/closeout';
import { applicationView, createCall, eventually, giveSelectionResult, submitAndAccept } from '../support/lifecycle';

/**
 * The whole lifecycle per pool on the time-skipping server, through the HTTP API and
 * e-mails: draft → documents → submission → review → (SETUP SHORTCUT: giveSelectionResult
 * until the real selection is merged) → allocation on 1 June → reminder → report and data
 * sharing accepted → survey → support end on 31 December → COMPLETED. Every T2 deadline is
 * checked against a date written out by hand; every e-mail arrives once and in order.
 * The operation phase's own notices (setup, monthly checks, quarterly decisions) join the
 * expected list when that phase is merged.
 */
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ timeSkipping: true });
});
afterAll(() => app?.close());

async function advanceTo(date: IsoDate, hour: number) {
  const target = startOfDayKst(date) + hour * 3_600_000;
  await app.advance(target - (await app.env!.currentTimeMs()));
}

const cases: Array<{ pool: 'DEDICATED' | 'SHARED'; type: AcceleratorType; units: number; utilisationCheck?: string }> = [
  // O4: dedicated: the first monthly check is the 1st after the setup month.
  { pool: 'DEDICATED', type: 'H100', units: 1, utilisationCheck: '07-01' },
  // K2: shared: no monthly checks.
  { pool: 'SHARED', type: 'BOW', units: 4 },
];

test.each(cases)('T2/R1/R2/N/R6: $pool from draft to COMPLETED: allocated 1 June, support end 31 December, every deadline and e-mail', async ({ pool, type, units, utilisationCheck }) => {
  const started = Date.now();
  // The cases share the server's clock: each lives in the year after the clock's year.
  const Z = Number(app.today().slice(0, 4)) + 1;
  // A Q4 cutoff keeps C2 from adding a batch on the support end (see closeout-timers.test.ts).
  const callId = await createCall(app, { supportEndsOn: `${Z}-12-31`, extra: { cutoffs: [`${Z}-10-15`] } });
  const a = await submitAndAccept(app, callId, { resource: pool === 'SHARED' ? { pool, type, units, os: undefined } : { pool, type, units } });
  await giveSelectionResult(app, a, { outcome: 'SELECTED', type, units });

  await advanceTo(`${Z}-06-01`, 10);
  await eventually(() => app.sql`select status from applications where id = ${a.id}`, (r) => r[0].status === 'SELECTED');
  const allocated = await app.api.post(`/applications/${a.id}/allocation`, pool === 'DEDICATED' ? { servers: ['h100-07'] } : {}, app.operatorKey);
  expect(allocated.status).toBe(201);
  const v = await eventually(() => applicationView(app, a.id), (x) => x.status === 'ALLOCATED');
  // T2, by hand: setup ends 14 days after 1 June (O2); the June review falls in the setup's
  // short first quarter and is skipped (I2); R1/R2: a December end is due on 30 November.
  expect(v.deadlines).toMatchObject({
    setupEnd: `${Z}-06-15`,
    nextQuarterlyReview: `${Z}-09-30`,
    supportEnd: `${Z}-12-31`,
    reportDue: `${Z}-11-30`,
    dataSharingDue: `${Z}-11-30`,
  });
  expect(v.deadlines.nextUtilisationCheck).toBe(utilisationCheck && `${Z}-${utilisationCheck}`);

  await advanceTo(`${Z}-11-16`, 10); // 14 days before 30 November
  await app.waitForMail(a.email, 5);
  await handInBoth(app, a);
  for (const path of ['result-report', 'data-sharing']) {
    expect((await app.api.post(`/applications/${a.id}/${path}/decision`, { decision: 'ACCEPT' }, app.operatorKey)).status).toBe(200);
  }
  await advanceTo(`${Z}-11-30`, 12); // R6: the default survey day, a month before the end
  await app.waitForMail(a.email, 8);
  expect((await applicationView(app, a.id)).status).toBe('ALLOCATED');

  await advanceTo(`${Z + 1}-01-01`, 1);
  const done = await eventually(() => applicationView(app, a.id), (x) => x.status === 'COMPLETED');
  expect(done.status).toBe('COMPLETED');
  expect(done.deadlines).toMatchObject({ supportEnd: `${Z}-12-31`, reportDue: `${Z}-11-30`, dataSharingDue: `${Z}-11-30` });
  const workflowId = applicationWorkflowId(callId, a.id);
  expect(await closedStatus(app, workflowId)).toBe('COMPLETED');
  expect(done.timeline.map((e: { event: string }) => e.event)).toEqual([
    'SUBMITTED', 'DOCUMENTS_ACCEPTED', 'BATCH_ASSIGNED', 'RESULT_SELECTED', 'ALLOCATED',
    'RESULT_REPORT_SUBMITTED', 'DATA_SHARING_SUBMITTED', 'RESULT_REPORT_ACCEPTED', 'DATA_SHARING_ACCEPTED',
    'SUPPORT_ENDED', 'COMPLETED',
  ]);

  const mails = await app.waitForMail(a.email, 10);
  await new Promise((r) => setTimeout(r, 500));
  const inOrder = (await app.mailTo(a.email)).sort((x, y) => x.time.localeCompare(y.time)).map((m) => m.subject);
  const expected = ['신청 접수 완료', '평가 차수 배정', '선정 결과 안내: 선정', '자원 할당 안내', '14일 전 안내', '승인', '승인', '만족도 조사', '지원 종료', '결과보고 완료'];
  expect(inOrder).toHaveLength(expected.length);
  expected.forEach((part, i) => expect([i, inOrder[i]]).toEqual([i, expect.stringContaining(part)]));
  expect(mails.find((m) => m.subject.includes('지원 종료'))!.text).toContain(`${Z}-11-30`);
  expect(Date.now() - started).toBeLessThan(60_000);
  await saveHistory(app, workflowId, `application-lifecycle-${pool.toLowerCase()}`);
});
