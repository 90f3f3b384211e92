import { applicationWorkflowId, formatDeadlineKo, kstDateOf } from '../../src/domain';
import { surveyWorkflowId } from '../../src/contracts/ids';
import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { allocatedApplication, closeOutOwed, handInBoth, validReport, validSharing } from '../support/closeout';
import { draftBody, draftFor, FILES, uniqueBrn } from '../support/fixtures';
import { applicationView, createCall, eventually } from '../support/lifecycle';
import { kindCounts } from '../workflows/operation-support';

/**
 * Issue 6 through the HTTP API against the dev server, a real PostgreSQL and a real SMTP
 * inbox. The dev server's clock is the real one, so the close-out is reached by an early
 * end (a withdrawal after allocation ends support today); the timers are tested under time
 * skipping in test/workflows/closeout-*.test.ts.
 */
let app: TestApp;
let callId: string;
const year = Number(kstDateOf(Date.now()).slice(0, 4));

beforeAll(async () => {
  app = await startTestApp();
  callId = await createCall(app, { supportEndsOn: `${year + 1}-12-31` });
});
afterAll(() => app?.close());

const closeOut = async (id: string, auth = app.operatorKey) => (await app.api.get(`/applications/${id}/close-out`, auth)).body;
const countRows = async (table: string) => (await app.sql.unsafe(`select count(*)::int as n from ${table}`))[0].n as number;

/** Ends support today by a withdrawal after allocation: CLOSE_OUT with both due dates a month on (R1). */
async function inCloseOut() {
  const a = await allocatedApplication(app, callId);
  const res = await app.api.post(`/applications/${a.id}/withdraw`, { reason: '과제 조기 종료' }, a.token);
  expect(res.status).toBe(200);
  await eventually(() => applicationView(app, a.id), (v) => v.status === 'CLOSE_OUT');
  return a;
}

test('T2/R1: from allocation on, a 31 December end shows both due dates on 30 November while the machines are in use', async () => {
  const a = await allocatedApplication(app, callId);
  const v = await applicationView(app, a.id);
  expect(v.status).toBe('ALLOCATED');
  expect(v.deadlines.supportEnd).toBe(`${year + 1}-12-31`);
  expect(v.deadlines.reportDue).toBe(`${year + 1}-11-30`);
  expect(v.deadlines.dataSharingDue).toBe(`${year + 1}-11-30`);
  // R1: due before the end, so the close-out is open for hand-ins during operation.
  expect(v.closeOut).toMatchObject({ reportDue: `${year + 1}-11-30`, open: true, report: { status: 'DUE' } });
  const [row] = await app.sql`select report_due::text, report_status from close_outs where application_id = ${a.id}`;
  expect(row).toEqual({ report_due: `${year + 1}-11-30`, report_status: 'DUE' });
});

test('R1/A4: evidence files are checked like A4 documents (type, content) and the report names only uploaded ones (422 R1)', async () => {
  const a = await inCloseOut();
  const before = await countRows('closeout_evidence');
  const wrongType = await app.api.put(`/applications/${a.id}/evidence/model.exe`, FILES.pdf, a.token);
  expect(wrongType.status).toBe(422);
  expect(wrongType.body.rule).toBe('A4');
  const wrongContent = await app.api.put(`/applications/${a.id}/evidence/paper.pdf`, FILES.text, a.token);
  expect(wrongContent.status).toBe(422);
  expect(wrongContent.body.detail).toContain('not a .pdf');
  const pathName = await app.api.put(`/applications/${a.id}/evidence/..%2Fetc.pdf`, FILES.pdf, a.token);
  expect(pathName.status).toBe(400);
  expect(await countRows('closeout_evidence')).toBe(before);

  const unknown = await app.api.post(`/applications/${a.id}/result-report`, validReport(['never-uploaded.pdf']), a.token);
  expect(unknown.status).toBe(422);
  expect(unknown.body.rule).toBe('R1');
  expect((await closeOut(a.id)).closeOut.report.status).toBe('DUE');

  expect((await app.api.put(`/applications/${a.id}/evidence/paper.pdf`, FILES.pdf, a.token)).status).toBe(201);
  expect((await app.api.put(`/applications/${a.id}/evidence/results.xlsx`, FILES.zip, a.token)).status).toBe(201);
  const ok = await app.api.post(`/applications/${a.id}/result-report`, validReport(['paper.pdf', 'results.xlsx']), a.token);
  expect(ok.status).toBe(200);
  expect(ok.body.closeOut.report.status).toBe('SUBMITTED');
  expect(ok.body.closeOut.report.submission.evidence).toEqual([
    expect.objectContaining({ name: 'paper.pdf', sizeBytes: FILES.pdf.length }),
    expect.objectContaining({ name: 'results.xlsx' }),
  ]);
  // The report refers to its files by hash: they cannot be replaced while it is under review.
  expect((await app.api.put(`/applications/${a.id}/evidence/paper.pdf`, FILES.pdf, a.token)).status).toBe(409);
  const download = await app.api.get(`/applications/${a.id}/evidence/paper.pdf`, app.operatorKey);
  expect(download.status).toBe(200);
});

test('R4/H1: outcomes use the R4 categories with whole counts, each category once (400 naming the field)', async () => {
  const a = await inCloseOut();
  expect((await app.api.put(`/applications/${a.id}/evidence/paper.pdf`, FILES.pdf, a.token)).status).toBe(201);
  const bad = await app.api.post(
    `/applications/${a.id}/result-report`,
    { ...validReport(), outcomes: [{ category: 'PAPER', count: 1 }, { category: 'PAPER', count: 2 }, { category: 'BLOG_POST', count: 1.5 }] },
    a.token,
  );
  expect(bad.status).toBe(400);
  const fields = bad.body.errors.map((e: { field: string }) => e.field);
  expect(fields).toEqual(expect.arrayContaining(['outcomes.2.category', 'outcomes.2.count']));
  const dup = await app.api.post(`/applications/${a.id}/result-report`, { ...validReport(), outcomes: [{ category: 'PAPER', count: 1 }, { category: 'PAPER', count: 2 }] }, a.token);
  expect(dup.status).toBe(400);
  expect(JSON.stringify(dup.body.errors)).toContain('R4');
  expect((await closeOut(a.id)).closeOut.report.status).toBe('DUE');
});

test('R3: type (2b) refuses data already public on the web, type (3) needs a legal reason and no own data (422 R3, nothing changes)', async () => {
  const a = await inCloseOut();
  const webPublic = await app.api.post(
    `/applications/${a.id}/data-sharing`,
    { ...validSharing(), registrationType: 'SIMILAR_OWN_DATA', policyReason: '개인정보 포함', publiclyAvailableOnWeb: true },
    a.token,
  );
  expect(webPublic.status).toBe(422);
  expect(webPublic.body.rule).toBe('R3');
  expect(webPublic.body.violations.map((v: { field: string }) => v.field)).toEqual(['publiclyAvailableOnWeb']);

  const story = await app.api.post(
    `/applications/${a.id}/data-sharing`,
    { ...validSharing(), registrationType: 'DATA_USE_STORY', sharingTerms: [], ownsSimilarData: true },
    a.token,
  );
  expect(story.status).toBe(422);
  expect(story.body.violations.map((v: { field: string }) => v.field).sort()).toEqual(['legalReason', 'ownsSimilarData']);

  const deidentified = await app.api.post(`/applications/${a.id}/data-sharing`, { ...validSharing(), registrationType: 'DEIDENTIFIED_SAFE_ZONE' }, a.token);
  expect(deidentified.status).toBe(422);
  expect(deidentified.body.violations.map((v: { field: string }) => v.field).sort()).toEqual(['deidentified', 'policyReason']);
  expect((await closeOut(a.id)).closeOut.dataSharing.status).toBe('DUE');

  // (2b) with similar own data that is not web-public, and (3) with its conditions, are accepted.
  const similar = await app.api.post(
    `/applications/${a.id}/data-sharing`,
    { ...validSharing(), registrationType: 'SIMILAR_OWN_DATA', policyReason: '의료법상 공개 불가', publiclyAvailableOnWeb: false, sharingTerms: ['PROVIDER_APPROVAL'] },
    a.token,
  );
  expect(similar.status).toBe(200);
  expect(similar.body.closeOut.dataSharing.submission).toMatchObject({ registrationType: 'SIMILAR_OWN_DATA', round: 1 });
  const b = await inCloseOut();
  const legal = await app.api.post(
    `/applications/${b.id}/data-sharing`,
    { ...validSharing(), registrationType: 'DATA_USE_STORY', sharingTerms: [], legalReason: '개인정보 보호법 제23조', ownsSimilarData: false },
    b.token,
  );
  expect(legal.status).toBe(200);
});

test('T3/R1/R2/I3/N: operators return with a reason (applicant told, hands in again) and accept; both accepted → COMPLETED, each e-mail once', async () => {
  const a = await inCloseOut();
  // T3: the due date by the rule itself (R1/R2: a month after the early end; I3: 14 days
  // after a December end, its 30 November having passed), never a month after today.
  const { due } = closeOutOwed(await applicationView(app, a.id));
  const cv = await closeOut(a.id, a.token);
  expect(cv.closeOut).toMatchObject({ reportDue: due, dataSharingDue: due, open: true });
  await handInBoth(app, a);

  // 409: nothing to decide twice; 400: a return needs a reason.
  expect((await app.api.post(`/applications/${a.id}/result-report/decision`, { decision: 'RETURN' }, app.operatorKey)).status).toBe(400);
  const returned = await app.api.post(`/applications/${a.id}/result-report/decision`, { decision: 'RETURN', reason: '특허 증빙 누락' }, app.operatorKey);
  expect(returned.status).toBe(200);
  expect(returned.body.closeOut.report).toMatchObject({ status: 'RETURNED', returns: [expect.objectContaining({ reason: '특허 증빙 누락', round: 1 })] });
  expect((await app.api.post(`/applications/${a.id}/result-report/decision`, { decision: 'ACCEPT' }, app.operatorKey)).status).toBe(409);

  expect((await app.api.put(`/applications/${a.id}/evidence/patent.pdf`, FILES.pdf, a.token)).status).toBe(201);
  const again = await app.api.post(`/applications/${a.id}/result-report`, validReport(['paper.pdf', 'patent.pdf']), a.token);
  expect(again.status).toBe(200);
  expect(again.body.closeOut.report.submission.round).toBe(2);
  expect((await app.api.post(`/applications/${a.id}/result-report`, validReport(), a.token)).status).toBe(409); // under review

  expect((await app.api.post(`/applications/${a.id}/result-report/decision`, { decision: 'ACCEPT' }, app.operatorKey)).status).toBe(200);
  expect((await app.api.get(`/applications/${a.id}`, app.operatorKey)).body.status).toBe('CLOSE_OUT');
  expect((await app.api.post(`/applications/${a.id}/data-sharing/decision`, { decision: 'ACCEPT', reason: '포털 등록 확인' }, app.operatorKey)).status).toBe(200);

  const done = await eventually(() => applicationView(app, a.id), (v) => v.status === 'COMPLETED');
  expect(done.status).toBe('COMPLETED');
  expect(done.timeline.map((e: { event: string }) => e.event)).toEqual(expect.arrayContaining([
    'SUPPORT_ENDED', 'RESULT_REPORT_SUBMITTED', 'RESULT_REPORT_RETURNED', 'RESULT_REPORT_ACCEPTED', 'DATA_SHARING_ACCEPTED', 'COMPLETED',
  ]));
  const handle = app.client.workflow.getHandle(applicationWorkflowId(callId, a.id));
  expect((await handle.result()).status).toBe('COMPLETED');
  expect((await app.api.post(`/applications/${a.id}/data-sharing`, validSharing(), a.token)).status).toBe(409);

  const [row] = await app.sql`select status, timeline from applications where id = ${a.id}`;
  expect(row.status).toBe('COMPLETED');
  expect(row.timeline.at(-1).event).toBe('COMPLETED');
  const audits = await app.sql`select action from audit_log where subject = ${`application:${a.id}`} and action like 'close-out.%' order by id`;
  expect(audits.map((r) => r.action)).toEqual(['close-out.report.return', 'close-out.report.accept', 'close-out.data-sharing.accept']);

  // N: receipt, batch, result, allocation (earlier phases); the withdrawal after allocation is
  // confirmed by the operation phase (WITHDRAWN) and starts the close-out (end of support with
  // both due dates); then the return, the report's acceptance and the completion. The data
  // sharing's acceptance completes the close-out, so the completion notice announces it.
  // N/T3: an I3 due date is 14 days away, so its 14-day reminder is due at once (counted by the rule).
  const { reminders } = closeOutOwed(done);
  const mails = await app.waitForMail(a.email, 9 + reminders);
  await new Promise((r) => setTimeout(r, 500));
  expect(kindCounts(await app.mailTo(a.email))).toEqual({
    ...(reminders ? { CLOSE_OUT_REMINDER: reminders } : {}),
    RECEIPT: 1,
    BATCH_ASSIGNED: 1,
    RESULT_SELECTED: 1,
    ALLOCATED: 1,
    WITHDRAWN: 1,
    CLOSE_OUT_SUPPORT_ENDED: 1,
    CLOSE_OUT_RETURNED: 1,
    CLOSE_OUT_ACCEPTED: 1,
    CLOSE_OUT_COMPLETED: 1,
  });
  const ended = mails.find((m) => m.subject.includes('지원 종료'))!;
  expect(ended.text).toContain(`결과보고서(증빙자료 포함): ${formatDeadlineKo(due)}까지`); // N2: KST date and time
  expect(ended.text).toContain(`데이터 공유(데이터 포털 등록): ${formatDeadlineKo(due)}까지`);
  expect(mails.find((m) => m.subject.includes('보완 요청'))!.text).toContain('특허 증빙 누락');
});

test('S2/H1: the close-out is only for the allocated application itself (S7: 403 other token, 409 before allocation)', async () => {
  const a = await inCloseOut();
  const other = await inCloseOut();
  expect((await app.api.post(`/applications/${a.id}/data-sharing`, validSharing(), other.token)).status).toBe(403);
  expect((await app.api.get(`/applications/${a.id}/close-out`, other.token)).status).toBe(403);
  const draft = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { practitionerEmail: uniqueEmail('d') }));
  const early = await app.api.post(`/applications/${draft.body.id}/data-sharing`, validSharing(), draft.body.accessToken);
  expect(early.status).toBe(409);
  expect(early.body.detail).toContain('R1');
});

test('R6: a call keeps its survey day (default one month before the support end) and runs survey-<callId>; a bad day is 400', async () => {
  const id = await createCall(app, { supportEndsOn: `${year + 1}-12-31`, extra: { surveyOn: '10-15' } });
  expect((await app.api.get(`/calls/${id}`)).body.surveyOn).toBe('10-15');
  const survey = app.client.workflow.getHandle(surveyWorkflowId(id));
  expect((await survey.describe()).status.name).toBe('RUNNING');
  const defaulted = await createCall(app, { supportEndsOn: `${year + 1}-12-31` });
  expect((await app.api.get(`/calls/${defaulted}`)).body.surveyOn).toBe('11-30');
  const bad = await app.api.post('/calls', { id: `bad-${Date.now()}`, title: 't', announcedOn: app.today(), supportEndsOn: `${year + 1}-12-31`, capacity: { T4: 1, H100: 1, BOW: 1 }, surveyOn: '02-30' }, app.operatorKey);
  expect(bad.status).toBe(400);
  expect(bad.body.errors[0].field).toBe('surveyOn');
});

test('E5/S4: lifting needs an active restriction and a reason; the lift is audited and ends the E5 refusal', async () => {
  const brn = uniqueBrn();
  const digits = brn.replace(/-/g, '');
  expect((await app.api.post(`/organisations/${brn}/restriction/lift`, { reason: '소명 확인' }, app.operatorKey)).status).toBe(409);
  expect((await app.api.post(`/organisations/123-45-67890/restriction/lift`, { reason: 'x' }, app.operatorKey)).status).toBe(400);
  // Setup: a restriction as R5 writes it (the R5 path itself is in closeout-timers.test.ts).
  await app.sql`insert into organisation_restrictions (brn, rule, reason) values (${digits}, 'R5', 'R5: test setup')`;
  expect((await app.api.post(`/organisations/${brn}/restriction/lift`, {}, app.operatorKey)).status).toBe(400);
  const lifted = await app.api.post(`/organisations/${brn}/restriction/lift`, { reason: '결과보고서 제출 확인' }, app.operatorKey);
  expect(lifted.status).toBe(200);
  expect(lifted.body.lifted).toHaveLength(1);
  const list = await app.api.get(`/organisations/${digits}/restrictions`, app.operatorKey);
  expect(list.body).toMatchObject({ restricted: false, items: [expect.objectContaining({ rule: 'R5', liftReason: '결과보고서 제출 확인' })] });
  const [audit] = await app.sql`select actor, detail from audit_log where action = 'organisation.restriction.lift' and subject = ${`organisation:${digits}`}`;
  expect(audit.detail.reason).toBe('결과보고서 제출 확인');
  expect(audit.actor).toMatch(/^operator:/);
});

test('T2/H1: the final status, deadlines, timeline and close-out are kept in the database rows the API falls back to', async () => {
  const a = await inCloseOut();
  await handInBoth(app, a);
  for (const path of ['result-report', 'data-sharing']) {
    expect((await app.api.post(`/applications/${a.id}/${path}/decision`, { decision: 'ACCEPT' }, app.operatorKey)).status).toBe(200);
  }
  const handle = app.client.workflow.getHandle(applicationWorkflowId(callId, a.id));
  await handle.result();
  const live = await applicationView(app, a.id);
  // What GET /applications/:id falls back to when the workflow cannot be queried (no worker,
  // history gone after retention): the row holds the final status, deadlines and timeline.
  const [row] = await app.sql`select status, deadlines, timeline from applications where id = ${a.id}`;
  expect(row.status).toBe('COMPLETED');
  expect(row.timeline).toEqual(live.timeline);
  expect(row.timeline.at(-1).event).toBe('COMPLETED');
  expect(row.deadlines).toEqual(live.deadlines);
  const co = await closeOut(a.id);
  expect(co.closeOut).toMatchObject({ completedOn: app.today(), report: { status: 'ACCEPTED' }, dataSharing: { status: 'ACCEPTED' } });
});
