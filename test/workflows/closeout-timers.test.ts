import { applicationWorkflowId, kstDateOf, type IsoDate } from '../../src/domain';
import { submitResultReportUpdate } from '../../src/contracts/closeout';
import { surveyWorkflowId } from '../../src/contracts/ids';
import { callRemainingCapacity } from '../../src/activities/capacity';
import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { allocatedApplication, closedStatus, handInBoth, saveHistory, validReport, validSharing } from '../support/closeout';
import { COMPANY_DOCUMENTS, draftBody, draftFor, FILES } from '../support/fixtures';
import { applicationView, createCall, eventually, giveSelectionResult, submitAndAccept } from '../support/lifecycle';
import { kindCounts } from './operation-support';
import { confirmPractitioner } from '../support/signin';
import { advanceToKst } from '../support/clock';

/**
 * The close-out's clock on the time-skipping server, as one story from allocation on 1 December of year Y
 * to the January after the support end of year Y + 1 (the tests run in order and share the
 * clock, which only moves forward). The API, worker, PostgreSQL and SMTP inbox are real.
 * Every expected date is written out by hand from Z = Y + 1, not computed by the domain.
 */
let app: TestApp;
/**
 * T3: the story starts on a chosen day under time skipping, 1 December of next year, whatever
 * today is. (Started today, it depended on the day: from January to mid-June the December
 * call's 15 June survey came twice, once in Y and once in Z.)
 */
const Y = Number(kstDateOf(Date.now()).slice(0, 4)) + 1;
const Z = Y + 1;
const START = `${Y}-12-01`;
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

type App = { id: string; token: string; email: string; callId: string };
const apps: Record<string, App> = {};
const calls: Record<string, string> = {};
/** O2: the setup end of the December call's allocations (all made on the first day, in year Y). */
let setupEnd: IsoDate;

const DAY = 86_400_000;
const dayNumber = (d: IsoDate) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / DAY;
/** I2, by hand: Y's review dates that come at least 30 days after the setup end (Z has all three). */
const reviewsInY = () => [`${Y}-03-31`, `${Y}-06-30`, `${Y}-09-30`].filter((d) => dayNumber(d) - dayNumber(setupEnd) >= 30).length;
/** O4, by hand: the monthly checks on the 1st of each month after the one the setup ends in, up to 1 December Z. */
const monthlyChecksToDecember = () => {
  const y = Number(setupEnd.slice(0, 4));
  const m = Number(setupEnd.slice(5, 7)); // the month holding the day after setup is judged on the next 1st
  const dayAfterInNextMonth = dayNumber(setupEnd) + 1 === Date.UTC(y, m, 1) / DAY;
  // Months counted as year * 12 + (month - 1): the first check is in the month after the day after setup.
  const firstCheck = y * 12 + m + (dayAfterInNextMonth ? 1 : 0);
  const lastCheck = Z * 12 + 11; // 1 December Z
  return lastCheck - firstCheck + 1;
};

beforeAll(async () => {
  app = await startTestApp({ timeSkipping: true });
  await advanceTo(START, 10);
  expect(app.today()).toBe(START);
});
afterAll(() => app?.close());

/** Skips the clock to `hour` o'clock KST on `date` (test/support/clock.ts). */
const advanceTo = (date: IsoDate, hour = 1) => advanceToKst(app, date, hour);

const view = (a: App) => applicationView(app, a.id);
const subjects = async (email: string) => (await app.mailTo(email)).map((m) => m.subject);
const count = async (email: string, part: string) => (await subjects(email)).filter((s) => s.includes(part)).length;
/** N: waits until `email` has `n` mails whose subject contains `part`, then a moment more for strays. */
async function mailsLike(email: string, part: string, n: number) {
  await eventually(() => count(email, part), (c) => c >= n, 20000);
  await new Promise((r) => setTimeout(r, 300));
  return count(email, part);
}
const accept = async (a: App, path: 'result-report' | 'data-sharing') =>
  expect((await app.api.post(`/applications/${a.id}/${path}/decision`, { decision: 'ACCEPT' }, app.operatorKey)).status).toBe(200);

test(`T2/R1: from allocation the API shows the due dates of ends on 31 January (→ 28/29 Feb), 15 March (→ 15 Apr), 31 October and 31 December (→ 30 Nov)`, async () => {
  calls.jan = await createCall(app, { supportEndsOn: `${Z}-01-31` });
  calls.mar = await createCall(app, { supportEndsOn: `${Z}-03-15` });
  calls.oct = await createCall(app, { supportEndsOn: `${Z}-10-31` });
  // An operator cutoff in the last quarter: without one, C2 starts a batch child on 31 December
  // just as the call workflow completes, which the time-skipping test server never unlocks
  // from (env.sleep hangs); the setup shortcut leaves the applications "waiting" for C2.
  calls.dec = await createCall(app, { supportEndsOn: `${Z}-12-31`, capacity: { H100: 4, T4: 4 }, extra: { surveyOn: '06-15', cutoffs: [`${Z}-10-15`] } });
  apps.jan = await allocatedApplication(app, calls.jan);
  apps.mar = await allocatedApplication(app, calls.mar);
  apps.oct = await allocatedApplication(app, calls.oct);
  apps.a = await allocatedApplication(app, calls.dec); // hands in nothing
  apps.b = await allocatedApplication(app, calls.dec); // hands in both at once
  apps.b2 = await allocatedApplication(app, calls.dec, { type: 'T4', practitionerEmail: apps.b.email }); // same user as b
  apps.c = await allocatedApplication(app, calls.dec, { type: 'T4' }); // hands in, then withdraws on 5 December
  apps.s = await submitAndAccept(app, calls.dec, { resource: { pool: 'SHARED', type: 'BOW', units: 2, os: undefined } });
  await giveSelectionResult(app, apps.s, { outcome: 'SELECTED', type: 'BOW', units: 2 }); // never allocated

  const expected: Record<string, [IsoDate, IsoDate]> = {
    jan: [`${Z}-01-31`, `${Z}-02-${leap(Z) ? 29 : 28}`],
    mar: [`${Z}-03-15`, `${Z}-04-15`],
    oct: [`${Z}-10-31`, `${Z}-11-30`],
    a: [`${Z}-12-31`, `${Z}-11-30`],
  };
  const { allocation } = (await app.api.get(`/applications/${apps.a.id}/operation`, app.operatorKey)).body;
  setupEnd = (await view(apps.a)).deadlines.setupEnd;
  expect(dayNumber(setupEnd) - dayNumber(allocation.allocatedOn)).toBe(14); // O2: 14 days of setup
  for (const [k, [end, due]] of Object.entries(expected)) {
    const v = await view(apps[k]!);
    expect([k, v.status, v.deadlines.supportEnd, v.deadlines.reportDue, v.deadlines.dataSharingDue]).toEqual([k, 'ALLOCATED', end, due, due]);
  }
  // R1: only the December end is due before the end, so only it takes hand-ins while in use.
  expect((await view(apps.a)).closeOut.open).toBe(true);
  expect((await view(apps.oct)).closeOut.open).toBe(false);
  expect((await app.api.post(`/applications/${apps.oct.id}/data-sharing`, validSharing(), apps.oct.token)).status).toBe(409);

  for (const k of ['b', 'b2', 'c']) await handInBoth(app, apps[k]!);
  for (const k of ['b', 'b2']) {
    await accept(apps[k]!, 'result-report');
    await accept(apps[k]!, 'data-sharing');
  }
  expect((await view(apps.b)).status).toBe('ALLOCATED'); // accepted, still in use until 31 December
});

test('R1/T1: an end on 31 January is due on the last day of February, an end on 15 March on 15 April (as they happen)', async () => {
  await advanceTo(`${Z}-02-01`);
  const jan = await eventually(() => view(apps.jan), (v) => v.status === 'CLOSE_OUT');
  expect([jan.deadlines.supportEnd, jan.closeOut.reportDue, jan.closeOut.dataSharingDue]).toEqual([`${Z}-01-31`, `${Z}-02-${leap(Z) ? 29 : 28}`, `${Z}-02-${leap(Z) ? 29 : 28}`]);
  expect(await mailsLike(apps.jan.email, '지원 종료', 1)).toBe(1);
  expect((await app.mailTo(apps.jan.email)).find((m) => m.subject.includes('지원 종료'))!.text).toContain(`${Z}-02-${leap(Z) ? 29 : 28}`);

  await advanceTo(`${Z}-03-16`);
  const mar = await eventually(() => view(apps.mar), (v) => v.status === 'CLOSE_OUT');
  expect([mar.deadlines.supportEnd, mar.closeOut.reportDue]).toEqual([`${Z}-03-15`, `${Z}-04-15`]);
  // The January one missed its due date: R5 restricts (nothing left to reclaim), overdue from 1 March.
  const jan2 = await view(apps.jan);
  expect(jan2.closeOut.restriction).toMatchObject({ rule: 'R5', dueOn: `${Z}-02-${leap(Z) ? 29 : 28}`, reclaimed: false });
  expect(jan2.deadlines.supportEnd).toBe(`${Z}-01-31`);
});

test('R6: on the call day the survey goes once to each active user (ALLOCATED / IN_OPERATION), never to the others', async () => {
  await advanceTo(`${Z}-06-15`, 12);
  for (const k of ['a', 'b', 'c']) expect([k, await mailsLike(apps[k]!.email, '만족도 조사', 1)]).toEqual([k, 1]);
  // b and b2 share one practitioner: one user, one survey; s was never allocated; jan's support is over.
  expect(await count(apps.s.email, '만족도 조사')).toBe(0);
  const survey = (await app.mailTo(apps.a.email)).find((m) => m.subject.includes('만족도 조사'))!;
  expect(survey.subject).toContain(`${Z}년`);
  const rows = await app.sql`select count(*)::int as n from email_outbox where kind = 'SURVEY' and notice_key like ${`SURVEY:${calls.dec}:${Z}:%`}`;
  expect(rows[0].n).toBe(3);
  await advanceTo(`${Z}-06-30`);
  expect(await count(apps.a.email, '만족도 조사')).toBe(1);
  // Next year's day falls after the support end: the call's survey workflow is done.
  expect(await closedStatus(app, surveyWorkflowId(calls.dec))).toBe('COMPLETED');
});

test('R1/N: a 31 December end is reminded 14 and 3 days before 30 November while in use, only to those with something outstanding', async () => {
  await advanceTo(`${Z}-11-01`);
  const oct = await eventually(() => view(apps.oct), (v) => v.status === 'CLOSE_OUT');
  expect([oct.deadlines.supportEnd, oct.closeOut.reportDue]).toEqual([`${Z}-10-31`, `${Z}-11-30`]);

  await advanceTo(`${Z}-11-16`);
  expect(await mailsLike(apps.a.email, '14일 전', 1)).toBe(1);
  expect(await mailsLike(apps.oct.email, '14일 전', 1)).toBe(1);
  const reminder = (await app.mailTo(apps.a.email)).find((m) => m.subject.includes('14일 전'))!;
  expect(reminder.text).toContain(`${Z}-11-30`);
  expect(reminder.text).toContain('결과보고서');
  expect(reminder.text).toContain('데이터 공유');
  await advanceTo(`${Z}-11-27`);
  expect(await mailsLike(apps.a.email, '3일 전', 1)).toBe(1);
  // b handed in and was accepted; c handed in (under review): no reminders for them.
  expect(await count(apps.b.email, '일 전 안내')).toBe(0);
  expect(await count(apps.c.email, '일 전 안내')).toBe(0);
  // O2: the setup period (14 days after allocation in year Y) is long over: a is in operation.
  expect((await view(apps.a)).status).toBe('IN_OPERATION');
});

test('R5/Q2/K5: the report missing at 30 November reclaims the resources still held and restricts the organisation; applicant and operators are told', async () => {
  const before = await callRemainingCapacity(app.sql, calls.dec);
  await advanceTo(`${Z}-12-01`);
  const a = await eventually(() => view(apps.a), (v) => v.status === 'CLOSE_OUT' && v.closeOut.restriction);
  expect(a.supportEnd).toMatchObject({ reason: 'RECLAIMED', endedOn: `${Z}-11-30` });
  expect(a.supportEnd.detail).toContain('R5');
  // R5: the due dates stay the missed 30 November, not a month after the reclaim.
  expect([a.deadlines.supportEnd, a.deadlines.reportDue, a.deadlines.dataSharingDue]).toEqual([`${Z}-11-30`, `${Z}-11-30`, `${Z}-11-30`]);
  expect(a.closeOut.restriction).toMatchObject({ rule: 'R5', dueOn: `${Z}-11-30`, reclaimed: true });
  const after = await callRemainingCapacity(app.sql, calls.dec);
  expect(after.H100).toBe(before.H100 + 1);
  const [restriction] = await app.sql`select r.rule, r.reason from organisation_restrictions r join applications a on a.brn = r.brn where a.id = ${apps.a.id} and r.lifted_at is null`;
  expect(restriction.rule).toBe('R5');

  expect(await mailsLike(apps.a.email, '이용 제한 안내', 1)).toBe(1);
  expect(await mailsLike(apps.a.email, '지원 종료', 1)).toBe(1);
  expect(await mailsLike(apps.a.email, '기한 경과', 1)).toBe(1);
  const ended = (await app.mailTo(apps.a.email)).find((m) => m.subject.includes('지원 종료'))!;
  expect(ended.text).toContain('자원 회수');
  const ops = app.config.OPERATIONS_EMAIL;
  // The operators also hear monthly of a's missing utilisation samples (O4): wait for this notice itself.
  expect(await mailsLike(ops, `결과보고 기한 경과: ${apps.a.id}`, 1)).toBe(1);
  expect(await count(ops, `결과보고 기한 경과: ${apps.oct.id}`)).toBe(1);

  const overdue = await app.api.get('/close-outs?overdue=true', app.operatorKey);
  const ids = overdue.body.items.map((i: { applicationId: string }) => i.applicationId);
  expect(ids).toEqual(expect.arrayContaining([apps.a.id, apps.oct.id, apps.jan.id, apps.mar.id]));
  expect(ids).not.toContain(apps.b.id);
  expect(ids).not.toContain(apps.c.id);
  expect((await view(apps.b)).status).toBe('IN_OPERATION');
  expect((await view(apps.c)).status).toBe('IN_OPERATION');
});

test('E5: the R5 restriction refuses the organisation in another call until an operator lifts it with a reason (audited)', async () => {
  const other = await createCall(app, { supportEndsOn: `${Z + 1}-12-31` });
  const [{ brn }] = await app.sql`select brn from applications where id = ${apps.a.id}`;
  const d = await app.api.post(`/calls/${other}/applications`, await draftFor(app, other, { organisation: { businessRegistrationNumber: brn }, practitionerEmail: uniqueEmail('e5') }));
  expect(d.status).toBe(201);
  for (const [type, filename, bytes] of COMPANY_DOCUMENTS) {
    expect((await app.api.put(`/applications/${d.body.id}/documents/${type}?filename=${filename}`, bytes, d.body.accessToken)).status).toBe(201);
  }
  await confirmPractitioner(app, d.body.id); // A7
  const refused = await app.api.post(`/applications/${d.body.id}/submit`, {}, d.body.accessToken);
  expect(refused.status).toBe(422);
  expect(refused.body.rule).toBe('E5');
  expect(refused.body.detail).toContain('R5');

  const lift = await app.api.post(`/organisations/${brn}/restriction/lift`, { reason: '결과보고서 제출 약속 확인' }, app.operatorKey);
  expect(lift.status).toBe(200);
  const [audit] = await app.sql`select detail from audit_log where action = 'organisation.restriction.lift' and subject = ${`organisation:${brn}`}`;
  expect(audit.detail.reason).toBe('결과보고서 제출 약속 확인');
  const accepted = await app.api.post(`/applications/${d.body.id}/submit`, {}, d.body.accessToken);
  expect(accepted.status).toBe(200);
});

test('I3: an early end on 5 December, recorded after 30 November, is due 14 days later on 19 December', async () => {
  await advanceTo(`${Z}-12-05`, 10);
  expect((await app.api.post(`/applications/${apps.c.id}/withdraw`, { reason: '과제 종료' }, apps.c.token)).status).toBe(200);
  const c = await eventually(() => view(apps.c), (v) => v.status === 'CLOSE_OUT');
  expect([c.deadlines.supportEnd, c.deadlines.reportDue, c.deadlines.dataSharingDue]).toEqual([`${Z}-12-05`, `${Z}-12-19`, `${Z}-12-19`]);
  expect(c.supportEnd).toMatchObject({ reason: 'WITHDRAWN', endedOn: `${Z}-12-05`, recordedOn: `${Z}-12-05` });
  expect(c.closeOut.report.status).toBe('SUBMITTED'); // what was handed in before the end stands
});

test('N/R1: the overdue notice repeats weekly; a late report and data sharing, once accepted, still complete the workflow', async () => {
  await advanceTo(`${Z}-12-08`, 2);
  expect(await mailsLike(apps.a.email, '기한 경과', 2)).toBe(2);
  await advanceTo(`${Z}-12-10`);
  expect(await count(apps.a.email, '기한 경과')).toBe(2);
  await handInBoth(app, apps.a);
  await accept(apps.a, 'result-report');
  await accept(apps.a, 'data-sharing');
  const a = await eventually(() => view(apps.a), (v) => v.status === 'COMPLETED');
  expect(a.closeOut.completedOn).toBe(`${Z}-12-10`);
  await advanceTo(`${Z}-12-20`);
  expect(await count(apps.a.email, '기한 경과')).toBe(2);
  // The operators heard of it once.
  expect((await subjects(app.config.OPERATIONS_EMAIL)).filter((s) => s.includes(`결과보고 기한 경과: ${apps.a.id}`))).toHaveLength(1);
  await saveHistory(app, applicationWorkflowId(calls.dec, apps.a.id), 'application-r5-reclaim-restrict-late-complete');
});

test('R1/R2: both accepted before the 31 December end, the workflow completes at the end; every close-out e-mail went once', async () => {
  for (const path of ['result-report', 'data-sharing'] as const) await accept(apps.c, path);
  await eventually(() => view(apps.c), (v) => v.status === 'COMPLETED');
  await advanceTo(`${Z + 1}-01-01`);
  for (const k of ['b', 'b2']) {
    const v = await eventually(() => view(apps[k]!), (x) => x.status === 'COMPLETED');
    expect([k, v.status, v.supportEnd.reason, v.deadlines.reportDue]).toEqual([k, 'COMPLETED', 'SUPPORT_END', `${Z}-11-30`]);
    expect(await closedStatus(app, applicationWorkflowId(calls.dec, apps[k]!.id))).toBe('COMPLETED');
  }
  expect(await mailsLike(apps.b.email, '결과보고 완료', 2)).toBe(2); // b and b2 (one practitioner)
  // N: no notice key twice in anyone's inbox.
  for (const k of ['a', 'b', 'c', 'jan', 'oct']) {
    const keys = (await app.mailTo(apps[k]!.email)).map((m) => String(m.headers?.['x-aidc-notice-key'] ?? m.subject));
    expect([k, keys.length]).toEqual([k, new Set(keys).size]);
  }
  const mails = (await app.mailTo(apps.b.email)).filter((m) => m.to.includes(apps.b.email));
  expect(mails.filter((m) => m.subject.includes('지원 종료'))).toHaveLength(2);

  // N: every e-mail of the story, per kind. Nobody posted utilisation samples, so the monthly
  // checks (O4) judged no month: the operators were told of the missing samples, nobody was warned;
  // each quarterly review (I2) defaulted to CONTINUE after 14 days and told the applicant.
  const quarters = 3 + reviewsInY();
  const base = { RECEIPT: 1, BATCH_ASSIGNED: 1, RESULT_SELECTED: 1, ALLOCATED: 1, SETUP_ENDING: 1, SURVEY: 1, QUARTERLY_DECISION: quarters };
  expect(kindCounts(await app.mailTo(apps.a.email))).toEqual({
    ...base,
    CLOSE_OUT_REMINDER: 2,
    CLOSE_OUT_SUPPORT_ENDED: 1, // R5's reclaim: the end of support says so (no separate RECLAIMED notice)
    CLOSE_OUT_RESTRICTED: 1,
    CLOSE_OUT_OVERDUE: 2,
    CLOSE_OUT_ACCEPTED: 1,
    CLOSE_OUT_COMPLETED: 1,
  });
  expect(kindCounts(await app.mailTo(apps.c.email))).toEqual({
    ...base,
    WITHDRAWN: 1,
    CLOSE_OUT_SUPPORT_ENDED: 1,
    CLOSE_OUT_ACCEPTED: 1,
    CLOSE_OUT_COMPLETED: 1,
  });
  // b and b2: one practitioner, two applications; one survey per user (R6).
  expect(kindCounts(await app.mailTo(apps.b.email))).toEqual({
    RECEIPT: 2,
    BATCH_ASSIGNED: 2,
    RESULT_SELECTED: 2,
    ALLOCATED: 2,
    SETUP_ENDING: 2,
    SURVEY: 1,
    QUARTERLY_DECISION: 2 * quarters,
    CLOSE_OUT_ACCEPTED: 4,
    CLOSE_OUT_SUPPORT_ENDED: 2,
    CLOSE_OUT_COMPLETED: 2,
  });
  const aboutB = (await app.mailTo(app.config.OPERATIONS_EMAIL)).filter((m) => m.subject.includes(apps.b.id));
  expect(kindCounts(aboutB)).toEqual({
    UTILISATION_MISSING: monthlyChecksToDecember(),
    QUARTERLY_REVIEW_DUE: quarters,
    QUARTERLY_DECISION_OVERDUE: quarters,
  });
  await saveHistory(app, applicationWorkflowId(calls.dec, apps.b.id), 'application-dec31-both-accepted-before-end');
  await saveHistory(app, applicationWorkflowId(calls.dec, apps.c.id), 'application-i3-withdrawn-dec5');
  await saveHistory(app, surveyWorkflowId(calls.dec), 'survey-yearly');
  await saveHistory(app, `call-${calls.dec}`, 'call-dec31');
});

test('R3/R4: the evidence and registration checks of the API also stand at the workflow (validator) level', async () => {
  // A report without evidence or with a repeated category is refused by the Update itself.
  const other = await createCall(app, { supportEndsOn: `${Z + 1}-12-31` });
  const x = await allocatedApplication(app, other);
  expect((await app.api.put(`/applications/${x.id}/evidence/paper.pdf`, FILES.pdf, x.token)).status).toBe(201);
  const handle = app.client.workflow.getHandle(applicationWorkflowId(other, x.id));
  await expect(handle.executeUpdate(submitResultReportUpdate, { args: [{ ...validReport(), evidence: [] } as never] })).rejects.toThrow();
  expect((await view(x)).closeOut.report.status).toBe('DUE');
});
