import {
  addDays, decisionDueDate, firstDayOfNextMonth, lastDayOfMonth, lastDayOfQuarter, monthOf, nextQuarterlyReview, setupEndDate, startOfDayKst,
} from '../../src/domain';
import { startTestApp, type TestApp } from '../support/app';
import { createCall, eventually } from '../support/lifecycle';
import {
  advanceTo,
  allocated,
  days,
  duplicateSubjects,
  HOUR,
  kindCounts,
  operation,
  opsMailAbout,
  postSamples,
  selected,
  waitForStatus,
  type Allocated,
} from './operation-support';

/**
 * Quarterly review on the time-skipping server (Q1, Q2, I2, K5, V7). Allocations made on
 * the 3rd of a quarter's first month are reviewed on the quarter's last day:
 *   QA dedicated H100 (the only one): LOW, LOW → DECREASE recommended; INCREASE has no step (Q1); DECREASE → T4
 *   QB dedicated T4: OK, OK → CONTINUE; INCREASE refused while H100 is full (K5), DECREASE has no step (Q1)
 *   QC shared BOW ×4: no recommendation (I2); INCREASE → ×8
 *   QD dedicated T4: NONE → RECLAIM recommended; RECLAIM (no usage) → support ends, no restriction
 *   QE shared BOW ×4, QF dedicated T4: no decision in 14 days → CONTINUE, operators reminded
 *   QG shared BOW ×2, QH dedicated T4: allocated 20 days before the review → skipped (I2)
 *   W  waitlisted H100: offered when QA's decrease frees the H100 (V7), then allocated
 */
let app: TestApp;
let callId: string;
let d0: string;
let reviewDate: string;
let m1: string;
let m2: string;
const q: Record<'QA' | 'QB' | 'QC' | 'QD' | 'QE' | 'QF' | 'QG' | 'QH' | 'W', Allocated> = {} as never;

beforeAll(async () => {
  app = await startTestApp({ timeSkipping: true });
  // T3: a chosen date under time skipping, 3 January of next year, whatever today is. (The
  // 3rd of the next quarter failed from April to September: a July start is reviewed on
  // 30 September and next on 31 March, not 31 December; an October start has no review
  // on 31 December at all, I2.)
  d0 = `${Number(app.today().slice(0, 4)) + 1}-01-03`;
  reviewDate = nextQuarterlyReview(d0, setupEndDate(d0), addDays(d0, 300))!; // I2: 31 March
  expect(reviewDate).toBe(lastDayOfQuarter(d0));
  m1 = monthOf(d0);
  m2 = monthOf(firstDayOfNextMonth(d0));
  await advanceTo(app, startOfDayKst(d0) + 10 * HOUR);
  callId = await createCall(app, { supportEndsOn: addDays(d0, 300), capacity: { T4: 6, H100: 1, BOW: 14 } });
  q.QA = await allocated(app, callId, 'H100', 1);
  q.QB = await allocated(app, callId, 'T4', 1);
  q.QC = await allocated(app, callId, 'BOW', 4);
  q.QD = await allocated(app, callId, 'T4', 1);
  q.QE = await allocated(app, callId, 'BOW', 4);
  q.QF = await allocated(app, callId, 'T4', 1);
  q.W = await selected(app, callId, 'H100', 1, { outcome: 'WAITLISTED', rank: 1 });
});
afterAll(() => app?.close());

const decide = (id: string, body: Record<string, unknown>) => app.api.post(`/applications/${id}/quarterly-decision`, body, app.operatorKey);

test('Q1/O4: the months before the review are judged (dedicated pool) and feed the recommendation', async () => {
  for (const [month, shares] of [[m1, { QA: 10, QB: 50, QD: 0, QF: 50 }], [m2, { QA: 10, QB: 50, QD: 50, QF: 50 }]] as const) {
    const last = lastDayOfMonth(`${month}-01`);
    await advanceTo(app, startOfDayKst(last) + 12 * HOUR);
    for (const [k, pct] of Object.entries(shares)) await postSamples(app, q[k as keyof typeof q].id, days(month === m1 ? d0 : `${month}-01`, last), pct);
  }
  await advanceTo(app, startOfDayKst(firstDayOfNextMonth(`${m2}-01`)) + HOUR);
  const qa = await eventually(() => operation(app, q.QA.id), (v) => v.allocation.months.length === 2);
  expect(qa.allocation.months.map((m: { verdict: string }) => m.verdict)).toEqual(['LOW', 'LOW']);
  const qd = await eventually(() => operation(app, q.QD.id), (v) => v.allocation.months.length === 2);
  expect(qd.allocation.months.map((m: { verdict: string }) => m.verdict)).toEqual(['NONE', 'OK']);
});

test('I2: a quarter with under 30 days of operation after setup is skipped, for both pools; the next review shows instead (T2)', async () => {
  await advanceTo(app, startOfDayKst(addDays(reviewDate, -20)) + 10 * HOUR);
  q.QG = await allocated(app, callId, 'BOW', 2);
  q.QH = await allocated(app, callId, 'T4', 1);
  // I2 (T3: through the rule): the review after the skipped one, 30 June.
  const nextReview = nextQuarterlyReview(addDays(reviewDate, -20), addDays(reviewDate, -6), addDays(d0, 300));
  for (const k of ['QG', 'QH'] as const) {
    const v = await operation(app, q[k].id);
    expect(v.deadlines.setupEnd).toBe(addDays(reviewDate, -6)); // 6 days of operation before the review
    expect(v.deadlines.nextQuarterlyReview).toBe(nextReview);
  }
  expect((await operation(app, q.QB.id)).deadlines.nextQuarterlyReview).toBe(reviewDate);

  await advanceTo(app, startOfDayKst(reviewDate) + HOUR);
  // The quarter's last month is judged on the 1st after the review: its samples go in now.
  for (const k of ['QA', 'QB', 'QF'] as const) await postSamples(app, q[k].id, days(`${monthOf(reviewDate)}-01`, reviewDate), 50);
  await postSamples(app, q.QH.id, days(addDays(reviewDate, -20), reviewDate), 50);

  const reviews = await eventually(
    async () => (await app.api.get(`/quarterly-reviews?callId=${callId}&open=true`, app.operatorKey)).body.items as Array<Record<string, any>>,
    (items) => items.length >= 6,
  );
  expect(reviews.map((r) => r.applicationId).sort()).toEqual([q.QA, q.QB, q.QC, q.QD, q.QE, q.QF].map((a) => a.id).sort());
  for (const k of ['QG', 'QH'] as const) {
    expect((await operation(app, q[k].id)).allocation.reviews).toEqual([]);
    expect(await opsMailAbout(app, q[k].id)).toEqual([]);
  }
});

test('Q1/I2: operators get each review with a recommendation from utilisation (dedicated) and none for the shared pool', async () => {
  const byId = new Map(
    ((await app.api.get(`/quarterly-reviews?callId=${callId}&reviewDate=${reviewDate}`, app.operatorKey)).body.items as Array<Record<string, any>>)
      .map((r) => [r.applicationId, r]),
  );
  expect(byId.get(q.QA.id)).toEqual(expect.objectContaining({ dueOn: decisionDueDate(reviewDate), verdicts: ['LOW', 'LOW'], recommendation: expect.objectContaining({ decision: 'DECREASE', flagged: true }) }));
  expect(byId.get(q.QB.id)!.recommendation).toEqual(expect.objectContaining({ decision: 'CONTINUE', flagged: false }));
  expect(byId.get(q.QD.id)!.recommendation).toEqual(expect.objectContaining({ decision: 'RECLAIM', flagged: true }));
  expect(byId.get(q.QC.id)!.recommendation).toBeNull();
  expect(byId.get(q.QE.id)!.recommendation).toBeNull();
  for (const k of ['QA', 'QB', 'QC', 'QD', 'QE', 'QF'] as const) {
    const mails = await eventually(() => opsMailAbout(app, q[k].id), (l) => l.some((m) => m.subject.includes('결정 요청')));
    const due = mails.filter((m) => m.subject.includes('분기 자원조정 결정 요청'));
    expect(due).toHaveLength(1);
    expect(due[0]!.text).toContain(decisionDueDate(reviewDate));
  }
  const qaDue = (await opsMailAbout(app, q.QA.id)).find((m) => m.subject.includes('결정 요청'))!;
  expect(qaDue.text).toContain('권고: 자원차감');
  const qcDue = (await opsMailAbout(app, q.QC.id)).find((m) => m.subject.includes('결정 요청'))!;
  expect(qcDue.text).toContain('공용풀: 활용률 기반 권고 없음');
});

test('Q1/K5: an increase needs capacity (422 K5) and a step (422 Q1); a decrease needs a step (422 Q1); refusals change nothing', async () => {
  const inc = await decide(q.QB.id, { decision: 'INCREASE' });
  expect(inc.status).toBe(422);
  expect(inc.body.rule).toBe('K5');
  const dec = await decide(q.QB.id, { decision: 'DECREASE' });
  expect(dec.status).toBe(422);
  expect(dec.body.rule).toBe('Q1');
  const up = await decide(q.QA.id, { decision: 'INCREASE' });
  expect(up.status).toBe(422);
  expect(up.body.rule).toBe('Q1');
  expect((await decide(q.QA.id, { decision: 'SOMETHING' })).status).toBe(400);
  const reclaimWithoutReason = await decide(q.QA.id, { decision: 'RECLAIM' });
  expect(reclaimWithoutReason.status).toBe(400);
  expect(JSON.stringify(reclaimWithoutReason.body.errors)).toContain('reason');
  const [b] = await app.sql`select granted_type, granted_units, status from applications where id = ${q.QB.id}`;
  expect(b).toEqual({ granted_type: 'T4', granted_units: 1, status: 'IN_OPERATION' });
  expect((await operation(app, q.QB.id)).allocation.reviews[0].decision).toBeUndefined();
});

test('Q1/V7: DECREASE moves H100 down to T4 within capacity, is e-mailed and audited, and offers the freed H100 to the first waitlisted application, which can then be allocated', async () => {
  const res = await decide(q.QA.id, { decision: 'DECREASE', note: '활용률 저조' });
  expect(res.status).toBe(200);
  expect(res.body).toEqual(expect.objectContaining({ decision: 'DECREASE', from: { type: 'H100', units: 1 }, to: { type: 'T4', units: 1 } }));
  const [row] = await app.sql`select granted_type, granted_units from applications where id = ${q.QA.id}`;
  expect(row).toEqual({ granted_type: 'T4', granted_units: 1 });
  const mail = (await app.waitForMail(q.QA.email, 8)).filter((m) => m.subject.includes('분기 자원조정 결과'));
  expect(mail).toHaveLength(1);
  expect(mail[0]!.subject).toContain('자원차감');
  expect(mail[0]!.text).toContain('H100 × 1 → T4 × 1');
  const offer = await eventually(() => opsMailAbout(app, q.W.id), (l) => l.length >= 1);
  expect(offer.map((m) => m.subject)).toEqual([expect.stringContaining('대기 신청 할당 가능')]);
  expect(offer[0]!.text).toContain(q.QA.id);

  const w = await app.api.post(`/applications/${q.W.id}/allocation`, {}, app.operatorKey);
  expect(w.status).toBe(201);
  expect(w.body.resource).toEqual({ type: 'H100', units: 1 });
  await waitForStatus(app, q.W.id, 'ALLOCATED');
  // The H100 is taken again: nobody else gets it (K5).
  expect((await decide(q.QB.id, { decision: 'INCREASE' })).body.rule).toBe('K5');
});

test('Q1: CONTINUE and a shared-pool INCREASE (BOW 4 → 8) are carried out, e-mailed and audited; a second decision is refused (409)', async () => {
  expect((await decide(q.QB.id, { decision: 'CONTINUE' })).status).toBe(200);
  expect((await decide(q.QB.id, { decision: 'CONTINUE' })).status).toBe(409);
  const inc = await decide(q.QC.id, { decision: 'INCREASE' });
  expect(inc.status).toBe(200);
  expect(inc.body.to).toEqual({ type: 'BOW', units: 8 });
  const [c] = await app.sql`select granted_type, granted_units from applications where id = ${q.QC.id}`;
  expect(c).toEqual({ granted_type: 'BOW', granted_units: 8 });
  const cMail = (await app.waitForMail(q.QC.email, 6)).filter((m) => m.subject.includes('분기 자원조정 결과'));
  expect(cMail.map((m) => m.subject)).toEqual([expect.stringContaining('자원증량')]);
  expect(cMail[0]!.text).toContain('BOW × 4 → BOW × 8');
  const bMail = (await app.waitForMail(q.QB.email, 6)).filter((m) => m.subject.includes('분기 자원조정 결과'));
  expect(bMail.map((m) => m.subject)).toEqual([expect.stringContaining('지속지원')]);
  const audits = await app.sql`select subject, detail->>'decision' as decision from audit_log
                               where action = 'application.quarterly-decision' order by id`;
  expect(audits).toEqual([
    { subject: `application:${q.QA.id}`, decision: 'DECREASE' },
    { subject: `application:${q.QB.id}`, decision: 'CONTINUE' },
    { subject: `application:${q.QC.id}`, decision: 'INCREASE' },
  ]);
});

test('Q1/Q2: RECLAIM as the quarterly decision ends support now, with its reason e-mailed; no usage does not restrict the organisation', async () => {
  const res = await decide(q.QD.id, { decision: 'RECLAIM', reason: 'NO_USAGE', text: '첫 달 사용 없음' });
  expect(res.status).toBe(200);
  expect(res.body.decision).toBe('RECLAIM');
  const v = await waitForStatus(app, q.QD.id, 'CLOSE_OUT');
  expect(v.status).toBe('CLOSE_OUT');
  const op = await operation(app, q.QD.id);
  expect(op.supportEnd).toEqual(expect.objectContaining({ reason: 'RECLAIMED', endedOn: reviewDate }));
  expect(op.allocation.reclaim).toEqual(expect.objectContaining({ reason: 'NO_USAGE', restricted: false }));
  expect(await app.sql`select * from organisation_restrictions where application_id = ${q.QD.id}`).toHaveLength(0);
  const mail = (await app.waitForMail(q.QD.email, 7)).filter((m) => m.subject.includes('자원 회수 안내'));
  expect(mail).toHaveLength(1);
  expect(mail[0]!.text).toContain('첫 달 사용 없음');
  expect(mail[0]!.text).toContain('미사용 또는 사용 저조');
});

test('I2: with no decision 14 days after the review the allocation continues (both pools); operators are reminded, the applicant told, the default audited', async () => {
  const due = decisionDueDate(reviewDate);
  await advanceTo(app, startOfDayKst(due) + 20 * HOUR);
  expect((await operation(app, q.QE.id)).allocation.reviews[0].decision).toBeUndefined(); // still open on its last day
  await advanceTo(app, startOfDayKst(addDays(due, 1)) + HOUR);
  for (const k of ['QE', 'QF'] as const) {
    const v = await eventually(() => operation(app, q[k].id), (x) => x.allocation.reviews[0].decision !== undefined);
    expect(v.allocation.reviews[0]).toEqual(expect.objectContaining({ decision: 'CONTINUE', defaulted: true, decidedBy: 'system:I2' }));
    expect(v.status).toBe('IN_OPERATION');
    const ops = await eventually(() => opsMailAbout(app, q[k].id), (l) => l.some((m) => m.subject.includes('기한 경과')));
    const overdue = ops.filter((m) => m.subject.includes('분기 결정 기한 경과'));
    expect(overdue).toHaveLength(1);
    expect(overdue[0]!.text).toContain(`${due}까지 없어 지속지원`);
    const mail = (await app.waitForMail(q[k].email, 6)).filter((m) => m.subject.includes('분기 자원조정 결과'));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain('I2');
  }
  const audits = await app.sql`select subject from audit_log where actor = 'system:I2' order by subject`;
  expect(audits.map((a) => a.subject)).toEqual([`application:${q.QE.id}`, `application:${q.QF.id}`].sort());
});

test('N: every e-mail of the quarter went out exactly once (counted per kind, no subject twice)', async () => {
  await new Promise((r) => setTimeout(r, 1000));
  const base = { RECEIPT: 1, BATCH_ASSIGNED: 1, RESULT_SELECTED: 1, ALLOCATED: 1, SETUP_ENDING: 1 };
  const expected: Record<keyof typeof q, Record<string, number>> = {
    QA: { ...base, UTILISATION_WARNING: 2, QUARTERLY_DECISION: 1 },
    QB: { ...base, QUARTERLY_DECISION: 1 },
    QC: { ...base, QUARTERLY_DECISION: 1 },
    QD: { ...base, UTILISATION_WARNING: 1, RECLAIMED: 1, CLOSE_OUT_SUPPORT_ENDED: 1 }, // R1: the reclaim starts the close-out
    QE: { ...base, QUARTERLY_DECISION: 1 },
    QF: { ...base, QUARTERLY_DECISION: 1 },
    QG: base,
    QH: base,
    W: { RECEIPT: 1, BATCH_ASSIGNED: 1, RESULT_WAITLISTED: 1, ALLOCATED: 1, SETUP_ENDING: 1 },
  };
  const ops: Record<keyof typeof q, Record<string, number>> = {
    QA: { QUARTERLY_REVIEW_DUE: 1 },
    QB: { QUARTERLY_REVIEW_DUE: 1 },
    QC: { QUARTERLY_REVIEW_DUE: 1 },
    QD: { QUARTERLY_REVIEW_DUE: 1, EXCLUSION_CANDIDATE: 1 },
    QE: { QUARTERLY_REVIEW_DUE: 1, QUARTERLY_DECISION_OVERDUE: 1 },
    QF: { QUARTERLY_REVIEW_DUE: 1, QUARTERLY_DECISION_OVERDUE: 1 },
    QG: {},
    QH: {},
    W: { WAITLIST_OFFER: 1 },
  };
  for (const k of Object.keys(expected) as Array<keyof typeof q>) {
    const mails = await app.mailTo(q[k].email);
    expect({ k, counts: kindCounts(mails) }).toEqual({ k, counts: expected[k] });
    expect(duplicateSubjects(mails)).toEqual([]);
    const opsMails = await opsMailAbout(app, q[k].id);
    expect({ k, ops: kindCounts(opsMails) }).toEqual({ k, ops: ops[k] });
    expect(duplicateSubjects(opsMails)).toEqual([]);
  }
});
