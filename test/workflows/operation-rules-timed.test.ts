import {
  addDays,
  applicationWorkflowId,
  closeOutDueDate,
  firstDayOfNextMonth,
  startOfDayKst,
} from '../../src/domain';
import { startTestApp, type TestApp } from '../support/app';
import { saveHistory } from '../support/closeout';
import { applicationView, createCall, eventually } from '../support/lifecycle';
import { advanceTo, allocated, days, HOUR, kindCounts, operation, opsMailAbout, postSamples, type Allocated } from './operation-support';

/**
 * Rules of the running support period where time must pass, on the time-skipping server
 * (T2, O5, O6). Allocations made on 3 January of next year (T3: a chosen date), each with
 * setup reported done that day, so January from the 4th is the first month of operation.
 *   D dedicated H100: 30 % in January: T2's next deadline and next utilisation check
 *   S shared BOW ×2:  0 % in January: an exclusion candidate (O5), without a warning (K2)
 *   U shared BOW ×1:  50 % in January: nothing
 *   E dedicated T4:   an earlier end on 12 February, asked and approved on 3 January (O6)
 */
let app: TestApp;
let callId: string;
let d0: string;
const apps: Record<'D' | 'S' | 'U' | 'E', Allocated> = {} as never;

beforeAll(async () => {
  app = await startTestApp({ timeSkipping: true });
  d0 = `${Number(app.today().slice(0, 4)) + 1}-01-03`;
  await advanceTo(app, startOfDayKst(d0) + 10 * HOUR);
  callId = await createCall(app, { supportEndsOn: addDays(d0, 300), capacity: { T4: 10, H100: 10, BOW: 64 } });
  apps.D = await allocated(app, callId, 'H100', 1);
  apps.S = await allocated(app, callId, 'BOW', 2);
  apps.U = await allocated(app, callId, 'BOW', 1);
  apps.E = await allocated(app, callId, 'T4', 1);
  for (const a of Object.values(apps)) {
    const res = await app.api.post(`/applications/${a.id}/setup-done`, {}, a.token);
    if (res.status !== 200) throw new Error(`setup-done: ${res.status} ${JSON.stringify(res.body)}`);
  }
});
afterAll(() => app?.close());

const earlyEnd = () => addDays(d0, 40); // 12 February
const feb1 = () => firstDayOfNextMonth(d0);

test('O6/R1/R2/I3/T2: an earlier end asked by the applicant and approved re-plans the support end and both close-out due dates at once', async () => {
  const e = apps.E;
  const asked = await app.api.post(`/applications/${e.id}/change-requests`, { kind: 'EARLY_END', endOn: earlyEnd(), reason: '과제를 일찍 마칩니다' }, e.token);
  expect(asked.status).toBe(201);
  // O6: an end that is not earlier is refused naming the rule.
  const late = await app.api.post(`/applications/${apps.D.id}/change-requests`, { kind: 'EARLY_END', endOn: addDays(d0, 300), reason: 'x' }, apps.D.token);
  expect(late.status).toBe(422);
  expect(late.body.rule).toBe('O6');
  const ok = await app.api.post(`/applications/${e.id}/change-requests/${asked.body.id}/decision`, { decision: 'APPROVE', reason: '승인합니다' }, app.operatorKey);
  expect(ok.status).toBe(200);
  const due = closeOutDueDate(earlyEnd(), d0); // R1/R2/I3: the end as recorded on the decision day
  const view = await applicationView(app, e.id);
  expect(view.deadlines).toEqual(expect.objectContaining({ supportEnd: earlyEnd(), reportDue: due, dataSharingDue: due }));
  expect(view.status).toBe('IN_OPERATION');
  const mails = await eventually(() => app.mailTo(e.email), (m) => m.some((x) => x.subject.includes('변경 신청 승인')));
  const decided = mails.find((m) => m.subject.includes('변경 신청 승인'))!;
  expect(decided.text.indexOf('지원기간이')).toBeLessThan(decided.text.indexOf('Support ends')); // Korean first
});

test('T2: a deadline that passed without an event is not shown as the next one (the view computes it for today)', async () => {
  // D's last event was its setup end on d0; on the 31st its next deadline is the check of 1 February.
  await advanceTo(app, startOfDayKst(addDays(feb1(), -1)) + 10 * HOUR);
  const view = await applicationView(app, apps.D.id);
  expect(view.deadlines.setupEnd).toBe(d0);
  expect(view.nextDeadline).toEqual({ name: 'nextUtilisationCheck', date: feb1() });
  await postSamples(app, apps.D.id, days(addDays(d0, 1), addDays(feb1(), -1)), 30);
  await postSamples(app, apps.S.id, days(addDays(d0, 1), addDays(feb1(), -1)), 0);
  await postSamples(app, apps.U.id, days(addDays(d0, 1), addDays(feb1(), -1)), 50);
});

test('T2/O4: once the monthly check of 1 February ran, the next utilisation check is 1 March, that day and the next', async () => {
  await advanceTo(app, startOfDayKst(feb1()) + 10 * HOUR);
  await eventually(() => operation(app, apps.D.id), (v) => v.allocation.months.length === 1);
  const march = firstDayOfNextMonth(feb1());
  expect((await applicationView(app, apps.D.id)).deadlines.nextUtilisationCheck).toBe(march);
  await advanceTo(app, startOfDayKst(addDays(feb1(), 1)) + 10 * HOUR);
  const next = await applicationView(app, apps.D.id);
  expect(next.deadlines.nextUtilisationCheck).toBe(march);
  expect(next.nextDeadline).toEqual({ name: 'nextUtilisationCheck', date: march });
  expect((await operation(app, apps.D.id)).deadlines.nextUtilisationCheck).toBe(march);
});

test('O5/K2: a shared-pool user with no usage last month is an exclusion candidate for the operators; no warning, no judged month', async () => {
  const s = await eventually(() => opsMailAbout(app, apps.S.id), (m) => kindCounts(m).EXCLUSION_CANDIDATE === 1);
  expect(kindCounts(s).EXCLUSION_CANDIDATE).toBe(1);
  expect(kindCounts(await opsMailAbout(app, apps.U.id)).EXCLUSION_CANDIDATE).toBeUndefined();
  expect(kindCounts(await app.mailTo(apps.S.email)).UTILISATION_WARNING).toBeUndefined();
  const view = await operation(app, apps.S.id);
  expect(view.allocation.months).toEqual([]);
  expect(view.deadlines.nextUtilisationCheck).toBeUndefined();
  expect(await app.sql`select * from utilisation_months where application_id = ${apps.S.id}`).toHaveLength(0);
  expect((await applicationView(app, apps.S.id)).timeline.map((t: { event: string }) => t.event)).toContain('SHARED_POOL_IDLE');
});

test('O6/R1: the approved earlier end ends support at the end of that day; the close-out runs from it and the capacity is free', async () => {
  const e = apps.E;
  await advanceTo(app, startOfDayKst(addDays(earlyEnd(), 1)) + HOUR);
  const view = await eventually(() => applicationView(app, e.id), (v) => v.status === 'CLOSE_OUT');
  expect(view.supportEnd).toEqual(expect.objectContaining({ endedOn: earlyEnd(), reason: 'EARLY_END' }));
  const due = closeOutDueDate(earlyEnd(), d0);
  expect(view.deadlines).toEqual(expect.objectContaining({ supportEnd: earlyEnd(), reportDue: due }));
  const [row] = await app.sql`select support_ended_on from applications where id = ${e.id}`;
  expect(row!.support_ended_on).toBe(earlyEnd());
  expect((await app.api.get(`/calls/${callId}/capacity`, app.operatorKey)).body.held.T4).toBe(0);
  const ended = await eventually(() => app.mailTo(e.email), (m) => m.some((x) => x.subject.includes('지원 종료')));
  expect(ended.find((m) => m.subject.includes('지원 종료'))!.text).toContain('조기 종료');
  // docs/PATCHING.md: the new paths (O5's shared-pool look, O6's change requests and early end) as fixtures.
  await saveHistory(app, applicationWorkflowId(callId, apps.S.id), 'application-o5-shared-pool-idle');
  await saveHistory(app, applicationWorkflowId(callId, e.id), 'application-o6-early-end');
  await saveHistory(app, applicationWorkflowId(callId, apps.D.id), 'application-t2-dedicated-monthly');
});
