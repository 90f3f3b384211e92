import { callRemainingCapacity } from '../../src/activities/capacity';
import { applicationWorkflowId, endOfDayKst, kstDateOf, selectionReleaseDates, startOfDayKst, type IsoDate } from '../../src/domain';
import { startTestApp, type TestApp } from '../support/app';
import { saveHistory } from '../support/closeout';
import { applicationView, createCall, eventually, submitAndAccept } from '../support/lifecycle';
import {
  addBatch,
  advanceTo,
  closeTodaysBatch,
  evaluatorKey,
  operatorNotices,
  scoreAndSelect,
  scoresTotalling,
  statusOf,
  type Member,
} from '../support/selection';

/**
 * V9 on the time-skipping server: a selected application that is not allocated within 30
 * days of its result is released at the end of that day (T1), the operators warned 7 days
 * before; on release its capacity goes to the waitlist (V7) and its workflow ends with the
 * final status RELEASED. Operators may release one earlier, with a reason. The dates are
 * the rule's own (selectionReleaseDates), from the day the result was recorded.
 */
const HOUR = 3_600_000;
let app: TestApp;
let callId: string;
let s: Member; // selected, never allocated
let e: Member; // selected, released early
let w: Member; // waitlisted
let resultOn: IsoDate;

beforeAll(async () => {
  app = await startTestApp({ timeSkipping: true });
  const ev = await evaluatorKey(app, '평가위원 V9');
  callId = await createCall(app, { capacity: { H100: 2, T4: 0 }, extra: { settings: { minEvaluators: 1 } } });
  const batchId = await addBatch(app, callId);
  s = await submitAndAccept(app, callId);
  e = await submitAndAccept(app, callId);
  w = await submitAndAccept(app, callId);
  await closeTodaysBatch(app, [s, e, w]);
  await scoreAndSelect(app, callId, batchId, [ev], [[s, scoresTotalling(90)], [e, scoresTotalling(85)], [w, scoresTotalling(80)]]);
  for (const m of [s, e]) await statusOf(app, m, 'SELECTED');
  await statusOf(app, w, 'WAITLISTED');
  const view = await applicationView(app, s.id);
  const entry = view.timeline.find((t: any) => t.event === 'RESULT_SELECTED');
  resultOn = kstDateOf(Date.parse(entry.at)); // T1: the KST day the result was recorded
}, 300_000);
afterAll(() => app?.close());

test('V9: an operator releases a selected application early, with a reason (audited); its capacity is offered to the waitlist (V7); a waitlisted one cannot be released', async () => {
  const refused = await app.api.post(`/applications/${w.id}/release`, { reason: '대기 신청' }, app.operatorKey);
  expect(refused.status).toBe(409);
  expect(refused.body.detail).toMatch(/^V9:/);
  const res = await app.api.post(`/applications/${e.id}/release`, { reason: '신청기관이 이용 포기 의사를 밝힘' }, app.operatorKey);
  expect(res.status).toBe(200);
  expect(await statusOf(app, e, 'RELEASED')).toBe('RELEASED');
  const [entry] = await app.sql`select actor, detail from audit_log where action = 'application.selection.release' and subject = ${`application:${e.id}`}`;
  expect(entry!.detail).toMatchObject({ rule: 'V9', early: true, reason: '신청기관이 이용 포기 의사를 밝힘' });
  const [offer] = await eventually(() => operatorNotices(app, 'WAITLIST_OFFER', e.id), (m) => m.length > 0);
  expect(offer!.text).toContain(w.id);
  const [mail] = await eventually(async () => (await app.mailTo(e.email)).filter((m) => m.subject.includes('선정 해제')), (m) => m.length > 0);
  expect(mail!.text).toContain('신청기관이 이용 포기 의사를 밝힘');
});

test('V9: the operators are warned on the morning of the 7th day before the release date, not before', async () => {
  const { warnOn, releaseOn } = selectionReleaseDates(resultOn);
  await advanceTo(app, startOfDayKst(warnOn) - HOUR);
  await new Promise((r) => setTimeout(r, 1000));
  expect(await operatorNotices(app, 'SELECTION_RELEASE_SOON', s.id)).toEqual([]);
  await advanceTo(app, startOfDayKst(warnOn) + HOUR);
  const [warning] = await eventually(() => operatorNotices(app, 'SELECTION_RELEASE_SOON', s.id), (m) => m.length > 0);
  expect(warning!.subject).toContain(releaseOn);
  expect((await applicationView(app, s.id)).status).toBe('SELECTED');
});

test('V9: not allocated by the end of the release day, the selection is released: RELEASED (final), audited by the rule, capacity freed and offered to the waitlist, the workflow ends', async () => {
  const { releaseOn } = selectionReleaseDates(resultOn);
  await advanceTo(app, endOfDayKst(releaseOn) - HOUR);
  await new Promise((r) => setTimeout(r, 1000));
  expect((await applicationView(app, s.id)).status).toBe('SELECTED');
  await advanceTo(app, endOfDayKst(releaseOn) + HOUR);
  expect(await statusOf(app, s, 'RELEASED')).toBe('RELEASED');
  const handle = app.client.workflow.getHandle(applicationWorkflowId(callId, s.id));
  expect((await eventually(() => handle.describe(), (d) => d.status.name === 'COMPLETED')).status.name).toBe('COMPLETED');
  const view = await applicationView(app, s.id);
  expect(view.timeline.map((t: any) => t.event)).toContain('SELECTION_RELEASED');
  const [entry] = await app.sql`select actor, detail from audit_log where action = 'application.selection.release' and subject = ${`application:${s.id}`}`;
  expect(entry).toMatchObject({ actor: 'system:V9', detail: expect.objectContaining({ rule: 'V9', releaseOn, early: false }) });
  // K5: both selections are gone; the waitlisted W is offered the capacity again.
  expect((await callRemainingCapacity(app.sql, callId)).H100).toBe(2);
  const [offer] = await eventually(() => operatorNotices(app, 'WAITLIST_OFFER', s.id), (m) => m.length > 0);
  expect(offer!.text).toContain(w.id);
  const [mail] = await eventually(async () => (await app.mailTo(s.email)).filter((m) => m.subject.includes('선정 해제')), (m) => m.length > 0);
  expect(mail!.text).toContain(releaseOn);
  // docs/PATCHING.md rule 6: the V9 histories (released by the rule, released early) replay from now on.
  await saveHistory(app, applicationWorkflowId(callId, s.id), 'application-v9-released-unallocated');
  await saveHistory(app, applicationWorkflowId(callId, e.id), 'application-v9-released-early');
});
