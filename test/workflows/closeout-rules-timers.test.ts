import { applicationWorkflowId, kstDateOf, type IsoDate } from '../../src/domain';
import { startTestApp, type TestApp } from '../support/app';
import { allocatedApplication, handInBoth, saveHistory } from '../support/closeout';
import { applicationView, createCall, eventually, giveSelectionResult, submitAndAccept } from '../support/lifecycle';
import { advanceToKst } from '../support/clock';

/**
 * Issue 11's close-out timers on the time-skipping server (API, worker, PostgreSQL and SMTP
 * inbox real): R5's consequence as the call or an operator set it, taking effect when a
 * 31 December end's report is missed on 30 November; R2's data sharing without the December
 * exception; R6's survey to every user whose support ran that year, its form and its export.
 * T3: the story starts on 1 November of next year, whatever today is; every expected date is
 * written out by hand.
 */
let app: TestApp;
const Y = Number(kstDateOf(Date.now()).slice(0, 4)) + 1;
const START = `${Y}-11-01`;
const END = `${Y}-12-31`;

type App = { id: string; token: string; email: string; callId: string };
const apps: Record<string, App> = {};
const calls: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp({ timeSkipping: true });
  await advanceTo(START, 10);
  expect(app.today()).toBe(START);
});
afterAll(() => app?.close());

/** Skips the clock to `hour` o'clock KST on `date` (test/support/clock.ts). */
const advanceTo = (date: IsoDate, hour = 1) => advanceToKst(app, date, hour);

const view = (a: App) => applicationView(app, a.id);
const surveyMails = async (a: App) => (await app.mailTo(a.email)).filter((m) => m.subject.includes('만족도 조사'));
const restrictionsOf = (a: App) => app.sql`select rule from organisation_restrictions where application_id = ${a.id}`;
/** C2: an operator cutoff in the last quarter keeps the call workflow from starting a batch as it completes (see closeout-timers). */
const cutoffs = [`${Y}-11-20`];
const QUESTIONS = [
  { id: 'overall', text: '서비스 전반 만족도', kind: 'SCALE' },
  { id: 'gpu', text: 'GPU 서버 성능 만족도', kind: 'SCALE' },
  { id: 'wish', text: '바라는 점', kind: 'TEXT' },
];

test('R5/R2/R6: calls with their close-out settings and survey questions; allocations on 1 November of a 31 December end', async () => {
  calls.restrict = await createCall(app, { supportEndsOn: END, extra: { cutoffs, settings: { missingReportConsequence: 'RESTRICT' } } });
  calls.sharing = await createCall(app, { supportEndsOn: END, extra: { cutoffs, settings: { dataSharingDecemberException: false } } });
  calls.survey = await createCall(app, { supportEndsOn: END, extra: { cutoffs, surveyOn: '12-15', surveyQuestions: QUESTIONS } });
  expect((await app.api.get(`/calls/${calls.survey}`)).body.surveyQuestions).toEqual(QUESTIONS);

  apps.r1 = await allocatedApplication(app, calls.restrict); // RESTRICT (the call): hands in nothing
  apps.r2 = await allocatedApplication(app, calls.restrict); // RECLAIM (an operator, for this case): hands in nothing
  const override = await app.api.post(`/applications/${apps.r2.id}/missing-report-consequence`, { consequence: 'RECLAIM', reason: '기관 사정 소명 접수' }, app.operatorKey);
  expect(override.status).toBe(200);
  apps.d = await allocatedApplication(app, calls.sharing); // hands in both; the report is accepted
  await handInBoth(app, apps.d);
  expect((await app.api.post(`/applications/${apps.d.id}/result-report/decision`, { decision: 'ACCEPT' }, app.operatorKey)).status).toBe(200);
  expect((await view(apps.d)).deadlines).toMatchObject({ reportDue: `${Y}-11-30`, dataSharingDue: `${Y + 1}-01-31` });

  apps.u1 = await allocatedApplication(app, calls.survey); // withdraws on 10 November: its support ran in Y
  apps.u2 = await allocatedApplication(app, calls.survey); // in use on the survey day
  apps.u3 = await submitAndAccept(app, calls.survey); // selected, never allocated: no support ran
  await giveSelectionResult(app, apps.u3, { outcome: 'SELECTED', type: 'T4', units: 1 });
  await advanceTo(`${Y}-11-10`, 10);
  expect((await app.api.post(`/applications/${apps.u1.id}/withdraw`, { reason: '과제 조기 종료' }, apps.u1.token)).status).toBe(200);
  await eventually(() => view(apps.u1), (v) => v.status === 'CLOSE_OUT');
});

test('R5: the report missed on 30 November restricts only (the call\'s RESTRICT: the resources stay in use) or reclaims only (the operator\'s RECLAIM: no restriction)', async () => {
  await advanceTo(`${Y}-12-01`, 2);
  const r1 = await eventually(() => view(apps.r1), (v) => v.closeOut?.restriction !== undefined);
  expect(r1.closeOut.restriction).toMatchObject({ rule: 'R5', dueOn: `${Y}-11-30`, reclaimed: false });
  expect(r1.closeOut.missingReport).toMatchObject({ consequence: 'RESTRICT', setBy: 'CALL', takenOn: `${Y}-12-01` });
  expect(r1.status).toBe('IN_OPERATION'); // not reclaimed: support runs to 31 December
  expect(r1.deadlines.supportEnd).toBe(END);
  expect(await restrictionsOf(apps.r1)).toEqual([{ rule: 'R5' }]);

  const r2 = await eventually(() => view(apps.r2), (v) => v.status === 'CLOSE_OUT');
  expect(r2.supportEnd).toMatchObject({ reason: 'RECLAIMED', endedOn: `${Y}-11-30` });
  expect(r2.closeOut.restriction).toBeUndefined();
  expect(r2.closeOut.missingReport).toMatchObject({ consequence: 'RECLAIM', setBy: 'OPERATOR', takenOn: `${Y}-12-01` });
  expect(await restrictionsOf(apps.r2)).toEqual([]);
  // R5 was taken: the case can no longer be changed (409, a state).
  const late = await app.api.post(`/applications/${apps.r2.id}/missing-report-consequence`, { consequence: 'BOTH', reason: '재검토' }, app.operatorKey);
  expect(late.status).toBe(409);
  // docs/PATCHING.md: the R5 paths the call's setting and the override open, kept for replay (AIDC_RECORD_HISTORIES=1).
  await saveHistory(app, applicationWorkflowId(calls.restrict!, apps.r1.id), 'application-r5-call-restrict-only');
  await saveHistory(app, applicationWorkflowId(calls.restrict!, apps.r2.id), 'application-r5-override-reclaim-only');
});

test('R2: without the December exception, data sharing is not overdue on 1 December; it stays due on 31 January', async () => {
  const d = await view(apps.d);
  expect(d.closeOut.dataSharing.status).toBe('SUBMITTED');
  expect(d.closeOut.report.status).toBe('ACCEPTED');
  expect(d.deadlines.dataSharingDue).toBe(`${Y + 1}-01-31`);
  expect(d.closeOut.restriction).toBeUndefined();
  const [row] = await app.sql`select data_sharing_due::text from close_outs where application_id = ${apps.d.id}`;
  expect(row!.data_sharing_due).toBe(`${Y + 1}-01-31`);
});

test('R6: on the survey day every user whose support ran that year gets the form link (a withdrawn one too), never one who was never allocated', async () => {
  await advanceTo(`${Y}-12-15`, 12);
  for (const k of ['u1', 'u2']) {
    const mails = await eventually(() => surveyMails(apps[k]!), (m) => m.length >= 1, 20000);
    expect([k, mails.length]).toEqual([k, 1]);
    expect(mails[0]!.text).toContain(`/applications/${apps[k]!.id}/survey`);
  }
  expect(await surveyMails(apps.u3!)).toHaveLength(0);
  expect((await app.api.get(`/applications/${apps.u3!.id}/survey`, apps.u3!.token)).status).toBe(409);
});

test('R6: the form shows the call\'s questions; answers are checked (422 R6), recorded, replaced on a second answer, and exported as CSV', async () => {
  const a = apps.u1!;
  const form = await app.api.get(`/applications/${a.id}/survey`, a.token);
  expect(form.status).toBe(200);
  expect(form.body).toMatchObject({ callId: calls.survey, year: Y, sentOn: `${Y}-12-15`, questions: QUESTIONS, response: null });
  expect((await app.api.get(`/applications/${apps.u2!.id}/survey`, a.token)).status).toBe(403); // S2

  const bad = await app.api.post(`/applications/${a.id}/survey`, { answers: { overall: 7, wish: '...' } }, a.token);
  expect(bad.status).toBe(422);
  expect(bad.body.rule).toBe('R6');
  expect(bad.body.violations.map((v: { field: string }) => v.field).sort()).toEqual(['answers.gpu', 'answers.overall']);
  expect((await app.api.post(`/applications/${a.id}/survey`, { answers: { overall: 4, gpu: 5, other: 1 } }, a.token)).status).toBe(422);

  expect((await app.api.post(`/applications/${a.id}/survey`, { answers: { overall: 3, gpu: 5 } }, a.token)).status).toBe(200);
  const again = await app.api.post(`/applications/${a.id}/survey`, { answers: { overall: 4, gpu: 5, wish: '스토리지 증설 절차 간소화' } }, a.token);
  expect(again.status).toBe(200);
  expect(again.body.response.answers).toEqual({ overall: 4, gpu: 5, wish: '스토리지 증설 절차 간소화' });
  expect((await app.api.get(`/applications/${a.id}/survey`, app.operatorKey)).body.response.answers.overall).toBe(4);

  const csv = await app.api.get(`/exports/calls/${calls.survey}/survey?format=csv`, app.operatorKey);
  expect(csv.status).toBe(200);
  const text = String(csv.body);
  expect(text).toContain('overall: 서비스 전반 만족도');
  expect(text).toContain(a.id);
  expect(text).toContain('스토리지 증설 절차 간소화');
  expect(text.trim().split('\n')).toHaveLength(2); // the header and the one response
  const [audit] = await app.sql`select detail from audit_log where action = 'export.survey'`;
  expect(audit!.detail).toMatchObject({ callId: calls.survey, rows: 1, format: 'csv' });
});
