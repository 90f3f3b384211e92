import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { COMPANY_DOCUMENTS, draftBody, draftFor, uniqueBrn } from '../support/fixtures';
import { closeOutOwed } from '../support/closeout';
import { applicationView, createCall, eventually } from '../support/lifecycle';
import { confirmPractitioner } from '../support/signin';
import {
  allocated,
  duplicateSubjects,
  kindCounts,
  operation,
  opsMailAbout,
  selected,
  waitForStatus,
  type Allocated,
} from '../workflows/operation-support';

/**
 * Reclamation and withdrawal after allocation (Q2, Q3, E5, V7) through the API, against the
 * dev server (no timers involved): support ends now, misuse restricts the organisation
 * (its next submission is refused with E5), freed capacity goes to the first waitlisted
 * application of the type, which can then be allocated.
 */
let app: TestApp;
let callId: string;
const brnR1 = uniqueBrn();
const brnS1 = uniqueBrn();
const brnS2 = uniqueBrn();
const a: Record<'R1' | 'W1' | 'W2' | 'S1' | 'S2' | 'S3' | 'WB' | 'T1' | 'WT', Allocated> = {} as never;

beforeAll(async () => {
  app = await startTestApp();
  callId = await createCall(app, { capacity: { H100: 1, T4: 1, BOW: 8 } });
  a.R1 = await allocated(app, callId, 'H100', 1, { brn: brnR1 });
  a.W1 = await selected(app, callId, 'H100', 1, { outcome: 'WAITLISTED', rank: 1 });
  a.W2 = await selected(app, callId, 'H100', 1, { outcome: 'WAITLISTED', rank: 2 });
  a.S1 = await allocated(app, callId, 'BOW', 4, { brn: brnS1 });
  a.S2 = await allocated(app, callId, 'BOW', 2, { brn: brnS2 });
  a.S3 = await allocated(app, callId, 'BOW', 2);
  a.WB = await selected(app, callId, 'BOW', 4, { outcome: 'WAITLISTED', rank: 1 });
  a.T1 = await selected(app, callId, 'T4', 1);
  a.WT = await selected(app, callId, 'T4', 1, { outcome: 'WAITLISTED', rank: 1 });
});
afterAll(() => app?.close());

const reclaim = (id: string, body: unknown) => app.api.post(`/applications/${id}/reclaim`, body, app.operatorKey);

/** A6 as the applicant does it: draft, documents, submit; answers the submit response. */
async function submitAs(brn: string) {
  const created = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { practitionerEmail: uniqueEmail('again'), organisation: { businessRegistrationNumber: brn } }));
  expect(created.status).toBe(201);
  const { id, accessToken } = created.body;
  for (const [type, filename, bytes] of COMPANY_DOCUMENTS) {
    expect((await app.api.put(`/applications/${id}/documents/${type}?filename=${encodeURIComponent(filename)}`, bytes, accessToken)).status).toBe(201);
  }
  await confirmPractitioner(app, id); // A7
  return { id: id as string, res: await app.api.post(`/applications/${id}/submit`, {}, accessToken) };
}

test('Q2/S5: a reclaim needs a known reason and a text (400 naming the field) and an allocation in its support period (409)', async () => {
  const bad = await reclaim(a.R1.id, { reason: 'BITCOIN', text: '' });
  expect(bad.status).toBe(400);
  const fields = (bad.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
  expect(fields).toEqual(['reason', 'text']);
  const notAllocated = await reclaim(a.W1.id, { reason: 'NO_USAGE', text: 'x' });
  expect(notAllocated.status).toBe(409);
  expect((await applicationView(app, a.R1.id)).status).toBe('ALLOCATED');
  // V7/K5: while R1 holds the only H100 the waitlisted application cannot be allocated.
  const early = await app.api.post(`/applications/${a.W1.id}/allocation`, {}, app.operatorKey);
  expect(early.status).toBe(422);
  expect(early.body.rule).toBe('K5');
});

test('Q2/Q3/E5: reclaim for mining (dedicated) ends support now, restricts the organisation, and its next application is refused with E5', async () => {
  const res = await reclaim(a.R1.id, { reason: 'MISUSE_MINING', text: '가상화폐 채굴 프로세스 확인' });
  expect(res.status).toBe(200);
  expect(res.body).toEqual(expect.objectContaining({ restricted: true, supportEnd: expect.objectContaining({ reason: 'RECLAIMED', endedOn: app.today() }) }));
  await waitForStatus(app, a.R1.id, 'CLOSE_OUT');
  const [restriction] = await app.sql`select brn, rule, application_id from organisation_restrictions where application_id = ${a.R1.id}`;
  expect(restriction).toEqual({ brn: brnR1.replace(/-/g, ''), rule: 'Q3', application_id: a.R1.id });
  const mail = (await app.waitForMail(a.R1.email, 5)).filter((m) => m.subject.includes('자원 회수 안내'));
  expect(mail).toHaveLength(1);
  expect(mail[0]!.text).toContain('가상화폐 채굴 프로세스 확인');
  expect(mail[0]!.text).toContain('E5');
  const [audit] = await app.sql`select detail from audit_log where action = 'application.reclaim' and subject = ${`application:${a.R1.id}`}`;
  expect(audit!.detail).toEqual(expect.objectContaining({ reason: 'MISUSE_MINING', restricted: true }));
  // Reclaimed once is enough.
  expect((await reclaim(a.R1.id, { reason: 'NO_USAGE', text: 'again' })).status).toBe(409);

  const again = await submitAs(brnR1);
  expect(again.res.status).toBe(422);
  expect(again.res.body.rule).toBe('E5');
  const [row] = await app.sql`select status, submitted_at from applications where id = ${again.id}`;
  expect(row).toEqual({ status: 'DRAFT', submitted_at: null });
});

test('V7: the freed H100 is offered to the first waitlisted application in rank order, which the operator then allocates; the next one still waits (K5)', async () => {
  const offer = await eventually(() => opsMailAbout(app, a.W1.id), (l) => l.length >= 1);
  expect(offer.map((m) => m.subject)).toEqual([expect.stringContaining('대기 신청 할당 가능')]);
  expect(offer[0]!.text).toContain(a.R1.id);
  expect(await opsMailAbout(app, a.W2.id)).toEqual([]);
  const res = await app.api.post(`/applications/${a.W1.id}/allocation`, { servers: ['h100-07'] }, app.operatorKey);
  expect(res.status).toBe(201);
  expect(res.body).toEqual(expect.objectContaining({ resource: { type: 'H100', units: 1 }, servers: ['h100-07'] }));
  await waitForStatus(app, a.W1.id, 'ALLOCATED');
  const w2 = await app.api.post(`/applications/${a.W2.id}/allocation`, {}, app.operatorKey);
  expect(w2.status).toBe(422);
  expect(w2.body.rule).toBe('K5');
});

test('Q3/E5/V7: reclaim for utilisation-only load (GPU Burn, shared pool) restricts too; the freed cards go to the waitlisted BOW application', async () => {
  const res = await reclaim(a.S1.id, { reason: 'MISUSE_UTILISATION_ONLY', text: 'GPU Burn 상시 실행' });
  expect(res.status).toBe(200);
  expect(res.body.restricted).toBe(true);
  await waitForStatus(app, a.S1.id, 'CLOSE_OUT');
  const again = await submitAs(brnS1);
  expect(again.res.status).toBe(422);
  expect(again.res.body.rule).toBe('E5');
  await eventually(() => opsMailAbout(app, a.WB.id), (l) => l.length >= 1);
  const wb = await app.api.post(`/applications/${a.WB.id}/allocation`, {}, app.operatorKey);
  expect(wb.status).toBe(201);
  expect(wb.body.resource).toEqual({ type: 'BOW', units: 4 });
});

test('Q2: a reclaim that is not misuse (sanction) ends support without restricting the organisation', async () => {
  const res = await reclaim(a.S2.id, { reason: 'SANCTION', text: '참여제한 처분 통보' });
  expect(res.status).toBe(200);
  expect(res.body.restricted).toBe(false);
  await waitForStatus(app, a.S2.id, 'CLOSE_OUT');
  expect(await app.sql`select * from organisation_restrictions where application_id = ${a.S2.id}`).toHaveLength(0);
  const again = await submitAs(brnS2);
  expect(again.res.status).toBe(200);
  const mail = (await app.waitForMail(a.S2.email, 5)).filter((m) => m.subject.includes('자원 회수 안내'));
  expect(mail).toHaveLength(1);
  expect(mail[0]!.text).not.toContain('E5');
});

test('Q2/O1: withdrawal after allocation ends support like a reclaim, without restriction; before allocation a selected application frees its resource for the waitlist (V7)', async () => {
  const w = await app.api.post(`/applications/${a.S3.id}/withdraw`, { reason: '과제 중단' }, a.S3.token);
  expect(w.status).toBe(200);
  await waitForStatus(app, a.S3.id, 'CLOSE_OUT');
  const op = await operation(app, a.S3.id);
  expect(op.supportEnd).toEqual(expect.objectContaining({ reason: 'WITHDRAWN', endedOn: app.today() }));
  expect(await app.sql`select * from organisation_restrictions where application_id = ${a.S3.id}`).toHaveLength(0);
  const [held] = await app.sql`select support_ended_on from applications where id = ${a.S3.id}`;
  expect(held!.support_ended_on).toBe(app.today());
  const mail = (await app.waitForMail(a.S3.email, 5)).filter((m) => m.subject.includes('신청 철회 확인'));
  expect(mail).toHaveLength(1);

  expect((await app.api.post(`/applications/${a.T1.id}/withdraw`, {}, a.T1.token)).status).toBe(200);
  await waitForStatus(app, a.T1.id, 'WITHDRAWN');
  const offer = await eventually(() => opsMailAbout(app, a.WT.id), (l) => l.length >= 1);
  expect(offer[0]!.text).toContain(a.T1.id);
  expect((await app.api.post(`/applications/${a.WT.id}/allocation`, {}, app.operatorKey)).status).toBe(201);
});

test('T3/N/I3: every e-mail of these reclaims and withdrawals went out exactly once (counted per kind, no subject twice)', async () => {
  await new Promise((r) => setTimeout(r, 1000));
  // T3/N: an early end's close-out reminders that are already due, by the rule (R1/I3: in
  // December the due date is 14 days after the end, so the 14-day reminder goes at once).
  const reminded = async (k: keyof typeof a): Promise<Record<string, number>> => {
    const { reminders } = closeOutOwed(await applicationView(app, a[k].id));
    return reminders ? { CLOSE_OUT_REMINDER: reminders } : {};
  };
  const base = { RECEIPT: 1, BATCH_ASSIGNED: 1, RESULT_SELECTED: 1, ALLOCATED: 1 };
  const waitlisted = { RECEIPT: 1, BATCH_ASSIGNED: 1, RESULT_WAITLISTED: 1 };
  const expected: Record<keyof typeof a, Record<string, number>> = {
    // R1: every early end also starts the close-out (end of support with both due dates).
    R1: { ...base, RECLAIMED: 1, CLOSE_OUT_SUPPORT_ENDED: 1, ...(await reminded('R1')) },
    W1: { ...waitlisted, ALLOCATED: 1 },
    W2: waitlisted,
    S1: { ...base, RECLAIMED: 1, CLOSE_OUT_SUPPORT_ENDED: 1, ...(await reminded('S1')) },
    S2: { ...base, RECLAIMED: 1, CLOSE_OUT_SUPPORT_ENDED: 1, ...(await reminded('S2')) },
    S3: { ...base, WITHDRAWN: 1, CLOSE_OUT_SUPPORT_ENDED: 1, ...(await reminded('S3')) },
    WB: { ...waitlisted, ALLOCATED: 1 },
    T1: { RECEIPT: 1, BATCH_ASSIGNED: 1, RESULT_SELECTED: 1, WITHDRAWN: 1 },
    WT: { ...waitlisted, ALLOCATED: 1 },
  };
  const ops: Partial<Record<keyof typeof a, Record<string, number>>> = { W1: { WAITLIST_OFFER: 1 }, WB: { WAITLIST_OFFER: 1 }, WT: { WAITLIST_OFFER: 1 } };
  for (const k of Object.keys(expected) as Array<keyof typeof a>) {
    const mails = await app.mailTo(a[k].email);
    expect({ k, counts: kindCounts(mails) }).toEqual({ k, counts: expected[k] });
    expect(duplicateSubjects(mails)).toEqual([]);
    const opsMails = await opsMailAbout(app, a[k].id);
    expect({ k, ops: kindCounts(opsMails) }).toEqual({ k, ops: ops[k] ?? {} });
  }
});
