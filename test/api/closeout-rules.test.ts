import { addMonthsClamped, kstDateOf } from '../../src/domain';
import { startTestApp, type TestApp } from '../support/app';
import { allocatedApplication } from '../support/closeout';
import { applicationView, createCall, eventually, giveSelectionResult, submitAndAccept, submitApplication } from '../support/lifecycle';
import { draftFor } from '../support/fixtures';

/**
 * Issue 11's close-out items through the HTTP API against the dev server, a real PostgreSQL
 * and a real SMTP inbox (R2, R5's override, H1's actions on behalf and granted resource, S4).
 * The timers (R5 taking effect, R6's survey day) are tested under time skipping in
 * test/workflows/closeout-rules-timers.test.ts.
 */
let app: TestApp;
const year = Number(kstDateOf(Date.now()).slice(0, 4));
/** A December end more than a year ahead: allocated today, it is recorded long before its 30 November (not I3). */
const END = `${year + 1}-12-31`;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const auditOf = (action: string, subject: string) => app.sql`select actor, detail from audit_log where action = ${action} and subject = ${subject} order by id`;

describe('R2', () => {
  test('R2: a call without the setting shows dataSharingDecemberException true and keeps data sharing due on 30 November', async () => {
    const callId = await createCall(app, { supportEndsOn: END });
    const call = (await app.api.get(`/calls/${callId}`)).body;
    expect(call.settings).toMatchObject({ dataSharingDecemberException: true, missingReportConsequence: 'BOTH' });
    const a = await allocatedApplication(app, callId);
    const v = await applicationView(app, a.id);
    expect([v.deadlines.reportDue, v.deadlines.dataSharingDue]).toEqual([`${year + 1}-11-30`, `${year + 1}-11-30`]);
  });

  test('R2: dataSharingDecemberException false (the seed\'s letter): a 31 December end keeps the report on 30 November and data sharing one month after the end', async () => {
    const callId = await createCall(app, { supportEndsOn: END, extra: { settings: { dataSharingDecemberException: false } } });
    const call = (await app.api.get(`/calls/${callId}`)).body;
    expect(call.settings.dataSharingDecemberException).toBe(false);
    const a = await allocatedApplication(app, callId);
    const v = await applicationView(app, a.id);
    // R1 for the report; R2 without the exception: T1's "one month after" the end.
    expect(v.deadlines.reportDue).toBe(`${year + 1}-11-30`);
    expect(v.deadlines.dataSharingDue).toBe(addMonthsClamped(END, 1));
    expect(v.deadlines.dataSharingDue).toBe(`${year + 2}-01-31`);
    expect(v.closeOut).toMatchObject({ reportDue: `${year + 1}-11-30`, dataSharingDue: `${year + 2}-01-31` });
    const [row] = await app.sql`select report_due::text, data_sharing_due::text from close_outs where application_id = ${a.id}`;
    expect(row).toEqual({ report_due: `${year + 1}-11-30`, data_sharing_due: `${year + 2}-01-31` });
  });

  test('R2: dataSharingDecemberException must be a boolean (400 naming the field)', async () => {
    const res = await app.api.post(
      '/calls',
      { id: `r2-bad-${Date.now().toString(36)}`, title: 'R2', announcedOn: app.today(), supportEndsOn: END, capacity: { T4: 1, H100: 1, BOW: 1 }, settings: { dataSharingDecemberException: 'no' } },
      app.operatorKey,
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toContain('settings.dataSharingDecemberException');
  });
});

describe('R5', () => {
  test('R5: the call says what a missing report leads to (default BOTH); an operator overrides it for one case, with a reason, audited', async () => {
    const callId = await createCall(app, { supportEndsOn: END, extra: { settings: { missingReportConsequence: 'RECLAIM' } } });
    expect((await app.api.get(`/calls/${callId}`)).body.settings.missingReportConsequence).toBe('RECLAIM');
    const a = await allocatedApplication(app, callId);
    expect((await applicationView(app, a.id)).closeOut.missingReport).toEqual({ consequence: 'RECLAIM', setBy: 'CALL' });

    const path = `/applications/${a.id}/missing-report-consequence`;
    expect((await app.api.post(path, { consequence: 'RESTRICT' }, app.operatorKey)).status).toBe(400); // the reason is required
    expect((await app.api.post(path, { consequence: 'NOTHING', reason: 'x' }, app.operatorKey)).status).toBe(400);
    expect((await app.api.post(path, { consequence: 'RESTRICT', reason: '본인 요청' }, a.token)).status).toBe(403); // operators only

    const res = await app.api.post(path, { consequence: 'RESTRICT', reason: '장비 반납 일정 협의 완료' }, app.operatorKey);
    expect(res.status).toBe(200);
    expect(res.body.missingReport).toMatchObject({ consequence: 'RESTRICT', setBy: 'OPERATOR', reason: '장비 반납 일정 협의 완료' });
    const v = await applicationView(app, a.id);
    expect(v.closeOut.missingReport).toMatchObject({ consequence: 'RESTRICT', setBy: 'OPERATOR' });
    expect(v.timeline.map((e: { event: string }) => e.event)).toContain('R5_CONSEQUENCE_SET');
    const audits = await auditOf('close-out.missing-report-consequence', `application:${a.id}`);
    expect(audits).toHaveLength(1);
    expect(audits[0]!.detail).toMatchObject({ consequence: 'RESTRICT', reason: '장비 반납 일정 협의 완료' });
  });
});

describe('H1', () => {
  test('H1: an operator withdraws a submitted application on the applicant\'s behalf (reason required, 400 without), audited with the change', async () => {
    const callId = await createCall(app, { supportEndsOn: END });
    const a = await submitApplication(app, callId);
    expect((await app.api.post(`/applications/${a.id}/withdraw`, {}, app.operatorKey)).status).toBe(400);
    const res = await app.api.post(`/applications/${a.id}/withdraw`, { reason: '신청기관 요청(유선)' }, app.operatorKey);
    expect(res.status).toBe(200);
    const v = await eventually(() => applicationView(app, a.id), (x) => x.status === 'WITHDRAWN');
    const event = v.timeline.find((e: { event: string }) => e.event === 'WITHDRAWN');
    expect(event.detail).toMatchObject({ reason: '신청기관 요청(유선)', actor: expect.stringMatching(/^operator:/) });
    const audits = await auditOf('application.withdraw', `application:${a.id}`);
    expect(audits).toHaveLength(1);
    expect(audits[0]!.detail).toMatchObject({ reason: '신청기관 요청(유선)', onBehalf: true });
  });

  test('H1: an operator withdraws a draft on the applicant\'s behalf, audited', async () => {
    const callId = await createCall(app, { supportEndsOn: END });
    const created = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId));
    expect(created.status).toBe(201);
    const res = await app.api.post(`/applications/${created.body.id}/withdraw`, { reason: '중복 신청' }, app.operatorKey);
    expect(res.status).toBe(200);
    expect((await applicationView(app, created.body.id)).status).toBe('WITHDRAWN');
    expect(await auditOf('application.withdraw', `application:${created.body.id}`)).toHaveLength(1);
  });

  test('H1/O2: an operator records setup done for the applicant: in operation, the setup ends today, audited', async () => {
    const callId = await createCall(app, { supportEndsOn: END });
    const a = await allocatedApplication(app, callId);
    const res = await app.api.post(`/applications/${a.id}/setup-done`, {}, app.operatorKey);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'IN_OPERATION', setupDoneOn: app.today(), setupEnd: app.today() });
    const v = await eventually(() => applicationView(app, a.id), (x) => x.status === 'IN_OPERATION');
    expect(v.deadlines.setupEnd).toBe(app.today());
    const audits = await auditOf('application.setup-done', `application:${a.id}`);
    expect(audits).toHaveLength(1);
    // Again: O2's state refusal, 409, and no second audit row.
    expect((await app.api.post(`/applications/${a.id}/setup-done`, {}, app.operatorKey)).status).toBe(409);
    expect(await auditOf('application.setup-done', `application:${a.id}`)).toHaveLength(1);
  });

  test('H1: the view shows the granted resource and the allocation, and GET /applications?type= filters by the granted type', async () => {
    const callId = await createCall(app, { supportEndsOn: END, capacity: { T4: 4, H100: 4 } });
    // Asked for a T4 server; the committee granted an H100 (V7).
    const a = await submitAndAccept(app, callId, { resource: { pool: 'DEDICATED', type: 'T4', units: 1 } });
    await giveSelectionResult(app, a, { outcome: 'SELECTED', type: 'H100', units: 1 });
    await eventually(() => app.sql`select status from applications where id = ${a.id}`, (r) => r[0]?.status === 'SELECTED');
    const selected = await applicationView(app, a.id);
    expect(selected.resource).toEqual({ pool: 'DEDICATED', type: 'H100', units: 1 });
    expect(selected.requestedResource).toEqual({ pool: 'DEDICATED', type: 'T4', units: 1 });
    expect(selected.allocation).toBeNull();

    expect((await app.api.post(`/applications/${a.id}/allocation`, { servers: ['h100-r2-01'] }, app.operatorKey)).status).toBe(201);
    const v = await eventually(() => applicationView(app, a.id), (x) => x.status === 'ALLOCATED');
    expect(v.grantedResource).toEqual({ pool: 'DEDICATED', type: 'H100', units: 1 });
    expect(v.allocation).toMatchObject({ resource: { type: 'H100', units: 1 }, servers: ['h100-r2-01'], setupEnd: v.deadlines.setupEnd });

    const ids = async (type: string) =>
      ((await app.api.get(`/applications?callId=${callId}&type=${type}`, app.operatorKey)).body.items as Array<{ id: string; type: string }>).map((i) => [i.id, i.type]);
    expect(await ids('H100')).toEqual([[a.id, 'H100']]);
    expect(await ids('T4')).toEqual([]);
  });
});

describe('S4', () => {
  test('S4: PostgreSQL refuses UPDATE, DELETE and TRUNCATE of the audit log (the append-only trigger)', async () => {
    const res = await app.api.post('/api-keys', { role: 'COLLECTOR', name: `s4-truncate-${Date.now().toString(36)}` }, app.operatorKey);
    expect(res.status).toBe(201);
    const subject = `api-key:${res.body.id}`;
    const before = (await app.sql`select count(*)::int as n from audit_log`)[0]!.n;
    await expect(app.sql`update audit_log set detail = '{}' where subject = ${subject}`).rejects.toThrow(/append-only \(S4\)/);
    await expect(app.sql`delete from audit_log where subject = ${subject}`).rejects.toThrow(/append-only \(S4\)/);
    await expect(app.sql`truncate audit_log`).rejects.toThrow(/append-only \(S4\)/);
    await expect(app.sql`truncate audit_log cascade`).rejects.toThrow(/append-only \(S4\)/);
    expect((await app.sql`select count(*)::int as n from audit_log`)[0]!.n).toBe(before);
    expect(await app.sql`select id from audit_log where subject = ${subject}`).toHaveLength(1);
  });
});
