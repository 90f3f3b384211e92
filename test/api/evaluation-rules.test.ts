import { callRemainingCapacity } from '../../src/activities/capacity';
import { applicationWorkflowId } from '../../src/domain';
import { startTestApp, type TestApp } from '../support/app';
import { saveHistory } from '../support/closeout';
import { uniqueBrn } from '../support/fixtures';
import { applicationView, createCall, eventually, submitAndAccept, submitApplication } from '../support/lifecycle';
import {
  addBatch,
  closeTodaysBatch,
  evaluatorKey,
  operatorNotices,
  scoreAndSelect,
  scoresTotalling,
  statusOf,
  type Member,
} from '../support/selection';

/**
 * Issue 11 through the HTTP API on the time-skipping server: E4/E6 exclusion at any stage
 * before allocation (E6 restricts, E5), the V7 waitlist across batches (its order, freed
 * capacity first, a waitlisted request changed to a type with capacity) and V8's opinions
 * and summary reason. Real selections of real batches; time only moves past cutoffs (T1).
 */
let app: TestApp;
let ev: { id: string; key: string };
const calls = { e: '', v7: '', ch: '', v8: '' };
let E: { s1: Member; w1: Member; w2: Member; x1: Member };
let V7: { a: Member; b: Member };
let CH: { p: Member; q: Member; r: Member };
const W2_BRN = uniqueBrn();
const batch0 = { e: '', v7: '', ch: '', v8: '' };
let V8: { n: Member; s: Member };

const ops = (path: string, body: unknown = {}) => app.api.post(path, body, app.operatorKey);
const exclude = (m: Member, rule: string, reason: string) => ops(`/applications/${m.id}/exclusion`, { rule, reason });
const mailsOf = async (m: Member, subject: string) => (await app.mailTo(m.email)).filter((x) => x.subject.includes(subject));

beforeAll(async () => {
  app = await startTestApp({ timeSkipping: true });
  ev = await evaluatorKey(app, '평가위원 E');
  const settings = { minEvaluators: 1 };
  calls.e = await createCall(app, { capacity: { H100: 1, T4: 0 }, extra: { settings } });
  calls.v7 = await createCall(app, { capacity: { H100: 1, T4: 0 }, extra: { settings } });
  calls.ch = await createCall(app, { capacity: { H100: 1, T4: 1 }, extra: { settings } });
  calls.v8 = await createCall(app, { capacity: { H100: 5 }, extra: { settings: { minEvaluators: 2 } } });
  for (const k of Object.keys(calls) as Array<keyof typeof calls>) batch0[k] = await addBatch(app, calls[k]);
  E = {
    s1: await submitAndAccept(app, calls.e),
    w1: await submitAndAccept(app, calls.e),
    w2: await submitAndAccept(app, calls.e, { organisation: { businessRegistrationNumber: W2_BRN } }),
    x1: await submitAndAccept(app, calls.e),
  };
  V7 = { a: await submitAndAccept(app, calls.v7), b: await submitAndAccept(app, calls.v7) };
  CH = { p: await submitAndAccept(app, calls.ch), q: await submitAndAccept(app, calls.ch), r: await submitAndAccept(app, calls.ch) };
  V8 = { n: await submitAndAccept(app, calls.v8), s: await submitAndAccept(app, calls.v8) };
  await closeTodaysBatch(app, [...Object.values(E), ...Object.values(V7), ...Object.values(CH), ...Object.values(V8)]);
  await scoreAndSelect(app, calls.v7, batch0.v7, [ev], [[V7.a, scoresTotalling(90)], [V7.b, scoresTotalling(85)]]);
  await scoreAndSelect(app, calls.ch, batch0.ch, [ev], [[CH.p, scoresTotalling(90)], [CH.q, scoresTotalling(80)], [CH.r, scoresTotalling(75)]]);
}, 300_000);
afterAll(() => app?.close());

describe('E4/E6 exclusion at any stage before allocation', () => {
  test('E4: an operator excludes an application in evaluation (not only in document review), with the rule and reason, audited; the batch is selected without it', async () => {
    const res = await exclude(E.x1, 'E4', '정부지원사업 참여제한 기간 중 (접수일 기준)');
    expect(res.status).toBe(200);
    expect(await statusOf(app, E.x1, 'INELIGIBLE')).toBe('INELIGIBLE');
    const view = await applicationView(app, E.x1.id);
    expect(view.timeline.map((t: any) => t.event)).toContain('EXCLUDED');
    const [entry] = await app.sql`select actor, detail from audit_log where action = 'application.exclude' and subject = ${`application:${E.x1.id}`}`;
    expect(entry!.detail).toMatchObject({ rule: 'E4', reason: '정부지원사업 참여제한 기간 중 (접수일 기준)', from: 'IN_EVALUATION', restricted: false });
    const [mail] = await eventually(() => mailsOf(E.x1, '신청 제외'), (m) => m.length > 0);
    expect(mail!.text).toContain('정부지원사업 참여제한 기간 중');
    // A second exclusion is refused (409) and so is one without a reason (400 naming it).
    expect((await exclude(E.x1, 'E4', '다시')).status).toBe(409);
    const noReason = await ops(`/applications/${E.w1.id}/exclusion`, { rule: 'E4' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors.map((e: any) => e.field)).toContain('reason');
    // The excluded member is out of the batch: the selection ranks the other three.
    const summary = await scoreAndSelect(app, calls.e, batch0.e, [ev], [[E.s1, scoresTotalling(90)], [E.w1, scoresTotalling(80)], [E.w2, scoresTotalling(70)]]);
    expect(summary).toMatchObject({ selected: 1, waitlisted: 2, notSelected: 0 });
    expect(await statusOf(app, E.w1, 'WAITLISTED')).toBe('WAITLISTED');
  });

  test('E4/V7: excluding a SELECTED application frees its capacity (K5), the waitlist is offered it, and the first waitlisted one is allocated', async () => {
    expect(await statusOf(app, E.s1, 'SELECTED')).toBe('SELECTED');
    const res = await exclude(E.s1, 'E4', '개인정보보호법 위반으로 제재 확정');
    expect(res.status).toBe(200);
    expect(await statusOf(app, E.s1, 'INELIGIBLE')).toBe('INELIGIBLE');
    expect((await callRemainingCapacity(app.sql, calls.e)).H100).toBe(1);
    const [offer] = await eventually(() => operatorNotices(app, 'WAITLIST_OFFER', E.w1.id), (m) => m.length > 0);
    expect(offer!.text).toContain(E.s1.id);
    const alloc = await ops(`/applications/${E.w1.id}/allocation`, { servers: ['h100-01'] });
    expect(alloc.status).toBe(201);
    expect(await statusOf(app, E.w1, 'ALLOCATED')).toBe('ALLOCATED');
    // E4/E6 end at allocation: afterwards it is a reclaim (Q2), so the exclusion is refused and nothing changes.
    const late = await exclude(E.w1, 'E6', '허위 기재');
    expect(late.status).toBe(409);
    expect(late.body.detail).toMatch(/before allocation/);
    expect((await applicationView(app, E.w1.id)).status).toBe('ALLOCATED');
  });

  test('E6: a false statement excludes a WAITLISTED application and restricts the organisation: its later application is refused (E5) until an operator lifts the restriction', async () => {
    const res = await exclude(E.w2, 'E6', '매출 실적 허위 기재 확인');
    expect(res.status).toBe(200);
    expect(await statusOf(app, E.w2, 'INELIGIBLE')).toBe('INELIGIBLE');
    const restrictions = await app.api.get(`/organisations/${W2_BRN}/restrictions`, app.operatorKey);
    expect(restrictions.body.restricted).toBe(true);
    expect(restrictions.body.items).toEqual([expect.objectContaining({ rule: 'E6', applicationId: E.w2.id })]);
    const [mail] = await eventually(() => mailsOf(E.w2, '신청 제외'), (m) => m.length > 0);
    expect(mail!.text).toContain('향후 이 서비스의 지원이 제한됩니다');
    const [entry] = await app.sql`select detail from audit_log where action = 'application.exclude' and subject = ${`application:${E.w2.id}`}`;
    expect(entry!.detail).toMatchObject({ rule: 'E6', from: 'WAITLISTED', restricted: true });

    // E5: the organisation's next application is refused while the restriction lasts.
    const other = await createCall(app);
    await expect(submitApplication(app, other, { organisation: { businessRegistrationNumber: W2_BRN } })).rejects.toThrow(/submit: 422 .*E5/);
    const lift = await ops(`/organisations/${W2_BRN}/restriction/lift`, { reason: '소명 자료 확인' });
    expect(lift.status).toBe(200);
    const again = await submitApplication(app, other, { organisation: { businessRegistrationNumber: W2_BRN } });
    expect((await applicationView(app, again.id)).status).toBe('UNDER_REVIEW');
  });

  test('E6: a false statement found during support (after allocation) is a reclaim that restricts the organisation too (E5)', async () => {
    const [{ brn }] = await app.sql`select brn from applications where id = ${E.w1.id}`;
    const res = await ops(`/applications/${E.w1.id}/reclaim`, { reason: 'FALSE_STATEMENT', text: '재직증명서 위조 확인' });
    expect(res.status).toBe(200);
    expect(res.body.restricted).toBe(true);
    const restrictions = await app.api.get(`/organisations/${brn}/restrictions`, app.operatorKey);
    expect(restrictions.body.items).toEqual([expect.objectContaining({ rule: 'E6', applicationId: E.w1.id, liftedAt: null })]);
  });

  test('E4: an application under document review and one waiting for its batch (DOCUMENTS_COMPLETE) can be excluded too', async () => {
    const review = await submitApplication(app, calls.e);
    const waiting = await submitAndAccept(app, calls.e); // no open cutoff: it waits for one (V2)
    expect((await exclude(review as Member, 'E4', '사회적 물의')).status).toBe(200);
    expect((await exclude(waiting, 'E4', '사회적 물의')).status).toBe(200);
    expect(await statusOf(app, review, 'INELIGIBLE')).toBe('INELIGIBLE');
    expect(await statusOf(app, waiting, 'INELIGIBLE')).toBe('INELIGIBLE');
    const details = await app.sql`select detail->>'from' as "from" from audit_log where action = 'application.exclude'
      and subject in ${app.sql([`application:${review.id}`, `application:${waiting.id}`])} order by id`;
    expect(details.map((d) => d.from)).toEqual(['UNDER_REVIEW', 'DOCUMENTS_COMPLETE']);
  });
});

describe('V7 the waitlist across batches', () => {
  let c: Member;
  test('V7: the waitlist is ordered across batches by score (V5/V6/I6), not per-batch rank: freed capacity is offered to an earlier batch\'s 85 before a later batch\'s first place (65)', async () => {
    expect(await statusOf(app, V7.b, 'WAITLISTED')).toBe('WAITLISTED');
    c = await submitAndAccept(app, calls.v7);
    const b1 = await addBatch(app, calls.v7);
    await closeTodaysBatch(app, [c]);
    await scoreAndSelect(app, calls.v7, b1, [ev], [[c, scoresTotalling(65)]]);
    expect(await statusOf(app, c, 'WAITLISTED')).toBe('WAITLISTED');
    const [rankC] = await app.sql`select selection_rank from applications where id = ${c.id}`;
    expect(rankC!.selection_rank).toBe(1); // first of its own batch, behind B (second of the first) on the waitlist
    const list = await app.api.get(`/calls/${calls.v7}/waitlist`, app.operatorKey);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: any) => [i.applicationId, i.total])).toEqual([[V7.b.id, 85], [c.id, 65]]);

    // A's withdrawal frees its H100: the offer names B, not C.
    expect((await app.api.post(`/applications/${V7.a.id}/withdraw`, { reason: '내부 사정' }, V7.a.token)).status).toBe(200);
    const [offer] = await eventually(() => operatorNotices(app, 'WAITLIST_OFFER', V7.a.id), (m) => m.length > 0);
    expect(offer!.text).toContain(V7.b.id);
    expect(offer!.text).not.toContain(c.id);
  });

  test("V7/K5: capacity freed for the waitlist is not taken by a later batch's selection, it joins the one waitlist in score order, whose first is allocated", async () => {
    const d = await submitAndAccept(app, calls.v7);
    const b2 = await addBatch(app, calls.v7);
    await closeTodaysBatch(app, [d]);
    const summary = await scoreAndSelect(app, calls.v7, b2, [ev], [[d, scoresTotalling(95)]]);
    expect(summary).toMatchObject({ selected: 0, waitlisted: 1 });
    expect(await statusOf(app, d, 'WAITLISTED')).toBe('WAITLISTED');
    const list = await app.api.get(`/calls/${calls.v7}/waitlist`, app.operatorKey);
    expect(list.body.items.map((i: any) => i.applicationId)).toEqual([d.id, V7.b.id, c.id]);
    expect(list.body.beyondWaitlist.H100).toBe(0);
    // One waitlist in score order: D (95) is now ahead of B, so the free H100 is D's to allocate.
    const behind = await ops(`/applications/${V7.b.id}/allocation`, { servers: ['h100-01'] });
    expect(behind.status).toBe(422);
    expect(behind.body.detail).toContain(d.id);
    expect((await applicationView(app, V7.b.id)).status).toBe('WAITLISTED');
    expect((await ops(`/applications/${d.id}/allocation`, { servers: ['h100-01'] })).status).toBe(201);
    expect(await statusOf(app, d, 'ALLOCATED')).toBe('ALLOCATED');
    expect((await callRemainingCapacity(app.sql, calls.v7)).H100).toBe(0);
  });

  test('V7: the committee changes a waitlisted H100 request to T4, which has capacity: selected with T4, audited and e-mailed; no capacity (422 K5), another pool (422 V7) or a selected one (409) change nothing', async () => {
    expect(await statusOf(app, CH.q, 'WAITLISTED')).toBe('WAITLISTED');
    const change = (m: Member, type: string, units: number) => ops(`/applications/${m.id}/waitlist-change`, { type, units, reason: 'H100 소진, T4로 학습 가능' });
    expect((await change(CH.p, 'T4', 1)).status).toBe(409);
    const pool = await change(CH.q, 'BOW', 4);
    expect(pool.status).toBe(422);
    expect(pool.body.rule).toBe('V7');
    const ok = await change(CH.q, 'T4', 1);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'SELECTED', resource: { type: 'T4', units: 1 } });
    const [row] = await app.sql`select status, granted_type from applications where id = ${CH.q.id}`;
    expect(row).toMatchObject({ status: 'SELECTED', granted_type: 'T4' });
    const [entry] = await app.sql`select detail from audit_log where action = 'application.waitlist.change' and subject = ${`application:${CH.q.id}`}`;
    expect(entry!.detail).toMatchObject({ from: { type: 'H100', units: 1 }, to: { type: 'T4', units: 1 } });
    const mails = await eventually(() => mailsOf(CH.q, '선정 결과 안내: 선정'), (m) => m.length > 0);
    expect(mails[0]!.text).toContain('T4 × 1');
    const none = await change(CH.r, 'T4', 1);
    expect(none.status).toBe(422);
    expect(none.body.rule).toBe('K5');
    expect((await applicationView(app, CH.r.id)).status).toBe('WAITLISTED');
    expect(await callRemainingCapacity(app.sql, calls.ch)).toMatchObject({ H100: 0, T4: 0 });
    // docs/PATCHING.md rule 6: histories of the new paths (E4 at SELECTED, E6 at WAITLISTED, the V7 change).
    await saveHistory(app, applicationWorkflowId(calls.e, E.s1.id), 'application-e4-excluded-selected');
    await saveHistory(app, applicationWorkflowId(calls.e, E.w2.id), 'application-e6-excluded-waitlisted');
    await saveHistory(app, applicationWorkflowId(calls.ch, CH.q.id), 'application-v7-waitlist-change-selected');
  });
});

describe('V8 opinions and the summary reason', () => {
  test("V8: evaluators write opinions with their scores; operators read every one; a not-selected applicant's notice carries the committee's summary, never an opinion or an evaluator's scores (S2)", async () => {
    const ev2 = await evaluatorKey(app, '평가위원 V8-둘');
    const summary = await app.api.request('PUT', `/applications/${V8.n.id}/committee-summary`, {
      json: { summary: '월별 추진계획의 현실성이 부족하고 목표성과가 구체적이지 않음' },
      auth: app.operatorKey,
    });
    expect(summary.status).toBe(200);
    await scoreAndSelect(app, calls.v8, batch0.v8, [ev, ev2], [
      [V8.n, scoresTotalling(50), '데이터 확보 현황 불명확 고유의견'],
      [V8.s, scoresTotalling(80), '우수 과제 고유의견'],
    ]);
    expect(await statusOf(app, V8.n, 'NOT_SELECTED')).toBe('NOT_SELECTED');
    const [mail] = await eventually(() => mailsOf(V8.n, '미선정'), (m) => m.length > 0);
    expect(mail!.text).toContain('평가위원회 종합 의견: 월별 추진계획의 현실성이 부족하고 목표성과가 구체적이지 않음');
    expect(mail!.text).not.toContain('고유의견');
    expect(mail!.text).not.toContain('평가위원 E');
    expect(mail!.text).not.toContain('V8-둘');

    const opinions = await app.api.get(`/applications/${V8.n.id}/opinions`, app.operatorKey);
    expect(opinions.status).toBe(200);
    expect(opinions.body.evaluations.map((e: any) => [e.evaluatorId, e.opinion])).toEqual([
      [ev.id, '데이터 확보 현황 불명확 고유의견 (1)'],
      [ev2.id, '데이터 확보 현황 불명확 고유의견 (2)'],
    ]);
    // S2: neither the applicant nor an evaluator reads them; the applicant's own view has none.
    expect((await app.api.get(`/applications/${V8.n.id}/opinions`, V8.n.token)).status).toBe(403);
    expect((await app.api.get(`/applications/${V8.n.id}/opinions`, ev.key)).status).toBe(403);
    const own = await app.api.get(`/applications/${V8.n.id}`, V8.n.token);
    expect(own.status).toBe(200);
    expect(JSON.stringify(own.body)).not.toContain('고유의견');
    // V5: the summary is fixed once the selection began.
    const late = await app.api.request('PUT', `/applications/${V8.n.id}/committee-summary`, { json: { summary: '늦은 의견' }, auth: app.operatorKey });
    expect(late.status).toBe(409);
  });
});
