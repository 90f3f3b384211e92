import { monthOf, monthsFromTo, nextIsoMonth, type IsoDate } from '../../src/domain';
import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { COMPANY_DOCUMENTS, draftBody, draftFor, FILES, monthlyPlan, uniqueBrn } from '../support/fixtures';
import { createCall } from '../support/lifecycle';
import { confirmPractitioner } from '../support/signin';

/**
 * Issue 11, intake: A1 (the monthly plan runs to the support end), A7 (drafts edited by the
 * applicant or an operator), K1 (one dedicated server), A4 (the deep content check at
 * upload), through the HTTP API on the real stack. Every refusal changes nothing (S5).
 */
let app: TestApp;
let callId: string;
let supportEnd: IsoDate;

beforeAll(async () => {
  app = await startTestApp();
  callId = await createCall(app);
  supportEnd = (await app.sql`select support_ends_on from calls where id = ${callId}`)[0]!.support_ends_on as IsoDate;
});
afterAll(() => app?.close());

const count = async () => (await app.sql`select count(*)::int as n from applications where call_id = ${callId}`)[0]!.n as number;
const post = (body: unknown) => app.api.post(`/calls/${callId}/applications`, body);
const patch = (id: string, json: unknown, auth: string) => app.api.request('PATCH', `/applications/${id}`, { json, auth });
const contentOf = async (id: string) => (await app.sql`select content, units, title from applications where id = ${id}`)[0];
const planOf = (months: string[]) => months.map((month) => ({ month, plan: '학습' }));

async function draft(overrides: Parameters<typeof draftBody>[0] = {}) {
  const res = await post(await draftFor(app, callId, { practitionerEmail: uniqueEmail('a1'), ...overrides }));
  expect(res.status).toBe(201);
  return { id: res.body.id as string, token: res.body.accessToken as string };
}

async function uploadAll(id: string, token: string) {
  for (const [type, filename, bytes] of COMPANY_DOCUMENTS) {
    expect((await app.api.put(`/applications/${id}/documents/${type}?filename=${encodeURIComponent(filename)}`, bytes, token)).status).toBe(201);
  }
}

describe('A1 the monthly plan', () => {
  test('A1: a monthly plan that stops before the support end, skips or repeats a month, or starts after next month is 422 naming A1; nothing is written', async () => {
    const from = app.today();
    const months = monthsFromTo(monthOf(from), monthOf(supportEnd));
    const before = await count();
    const cases = [
      planOf(months.slice(0, -1)), // stops a month early
      planOf([...months.slice(0, 2), ...months.slice(3)]), // skips one
      planOf([months[0]!, ...months]), // repeats one
      planOf(months.slice(2)), // starts two months from now
      planOf([...months, nextIsoMonth(months.at(-1)!)]), // runs past the support end
    ];
    for (const monthly of cases) {
      const res = await post(draftBody({ practitionerEmail: uniqueEmail('a1'), project: { monthlyPlan: monthly } }));
      expect([res.status, res.body.rule]).toEqual([422, 'A1']);
      expect(res.contentType).toContain('application/problem+json');
    }
    expect(await count()).toBe(before);
    // From this month (or the next) to the support end's month: accepted.
    expect((await post(draftBody({ practitionerEmail: uniqueEmail('a1'), plan: { from, to: supportEnd } }))).status).toBe(201);
    const next = monthsFromTo(nextIsoMonth(monthOf(from)), monthOf(supportEnd));
    expect((await post(draftBody({ practitionerEmail: uniqueEmail('a1'), project: { monthlyPlan: planOf(next) } }))).status).toBe(201);
  });

  test('A1/A7: an edit that cuts the plan short is 422 naming A1 and changes nothing; a plan to the support end is accepted', async () => {
    const d = await draft();
    const stored = await contentOf(d.id);
    const project = stored!.content.project;
    const short = await patch(d.id, { project: { ...project, monthlyPlan: project.monthlyPlan.slice(0, 1) } }, d.token);
    expect([short.status, short.body.rule]).toEqual([422, 'A1']);
    expect(await contentOf(d.id)).toEqual(stored);
    const longer = await patch(d.id, { project: { ...project, monthlyPlan: monthlyPlan(app.today(), supportEnd).map((m) => ({ ...m, plan: `${m.plan} (수정)` })) } }, d.token);
    expect(longer.status).toBe(200);
  });
});

describe('A7 draft edits', () => {
  test('A7/S4: an operator edits a draft for the applicant: audited with the sections changed; the confirmation stays; a new practitioner address is confirmed again; 409 once submitted', async () => {
    const d = await draft();
    await confirmPractitioner(app, d.id);
    await uploadAll(d.id, d.token);
    const { project } = (await contentOf(d.id))!.content;
    const edited = await patch(d.id, { project: { ...project, title: `${project.title} (운영자 수정)` } }, app.operatorKey);
    expect(edited.status).toBe(200);
    expect(edited.body.title).toBe(`${project.title} (운영자 수정)`);
    expect(edited.body.practitionerEmailConfirmed).toBe(true); // A7: the address did not change
    const audit = await app.sql`select actor, detail from audit_log where action = 'application.draft-edit' and subject = ${`application:${d.id}`}`;
    expect(audit.map((r) => [r.actor.split(':')[0], r.detail])).toEqual([['operator', { sections: ['project'] }]]);

    // The applicant's own edits are not staff actions: no audit row (S4 is operators' and evaluators').
    expect((await patch(d.id, { resource: { pool: 'DEDICATED', type: 'T4', units: 1, os: 'UBUNTU' } }, d.token)).status).toBe(200);
    expect((await app.sql`select 1 from audit_log where action = 'application.draft-edit' and subject = ${`application:${d.id}`}`).length).toBe(1);

    const moved = await patch(d.id, { practitioner: { name: '박실무', email: uniqueEmail('a7-op'), phone: '010-2222-3333' } }, app.operatorKey);
    expect(moved.body.practitionerEmailConfirmed).toBe(false);
    await confirmPractitioner(app, d.id);
    expect((await app.api.post(`/applications/${d.id}/submit`, {}, d.token)).status).toBe(200);
    const late = await patch(d.id, { project }, app.operatorKey);
    expect([late.status, late.body.detail]).toEqual([409, expect.stringContaining('A7')]);
  });
});

describe('K1 one dedicated server', () => {
  test('K1: a dedicated application asking for 2 servers is 422 naming K1 at the draft, the edit and the submit; nothing changes', async () => {
    const before = await count();
    for (const type of ['H100', 'T4'] as const) {
      const res = await post(await draftFor(app, callId, { practitionerEmail: uniqueEmail('k1'), resource: { type, units: 2 } }));
      expect([res.status, res.body.rule, res.body.detail]).toEqual([422, 'K1', expect.stringContaining('1식')]);
    }
    expect(await count()).toBe(before);

    const d = await draft();
    const stored = await contentOf(d.id);
    const edit = await patch(d.id, { resource: { pool: 'DEDICATED', type: 'H100', units: 3, os: 'UBUNTU' } }, d.token);
    expect([edit.status, edit.body.rule]).toEqual([422, 'K1']);
    expect(await contentOf(d.id)).toEqual(stored);

    // A draft stored before K1 with two servers (written as the old API did) cannot be submitted.
    await uploadAll(d.id, d.token);
    await confirmPractitioner(app, d.id);
    await app.sql`update applications set units = 2, content = jsonb_set(content, '{resource,units}', '2') where id = ${d.id}`;
    const submit = await app.api.post(`/applications/${d.id}/submit`, {}, d.token);
    expect([submit.status, submit.body.rule]).toEqual([422, 'K1']);
    expect((await app.sql`select submitted_at from applications where id = ${d.id}`)[0]!.submitted_at).toBeNull();
    // The shared pool keeps its card sizes (K1): 4 BOW cards are accepted.
    const bow = await post(await draftFor(app, callId, { practitionerEmail: uniqueEmail('k1'), resource: { pool: 'SHARED', type: 'BOW', units: 4, os: undefined } }));
    expect(bow.status).toBe(201);
  });
});

describe('A4 the content of a document', () => {
  const zipWith = (part: string) => Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), Buffer.alloc(26), Buffer.from(part, 'latin1'), Buffer.alloc(32)]);
  const ole2With = (stream: string) => Buffer.concat([FILES.ole2, Buffer.from(stream, 'utf16le'), Buffer.alloc(64)]);

  test('A4: a spreadsheet ZIP as the .docx plan and an OLE2 workbook as a .doc are 422 naming A4 and store nothing; a real .docx, .doc and .xlsx pass', async () => {
    const d = await draft();
    const docs = async () => (await app.sql`select type, extension from documents where application_id = ${d.id} order by type`).map((r) => `${r.type}.${r.extension}`);
    const put = (type: string, filename: string, bytes: Buffer) =>
      app.api.put(`/applications/${d.id}/documents/${type}?filename=${encodeURIComponent(filename)}`, bytes, d.token);
    for (const [type, name, bytes] of [
      ['APPLICATION_PLAN', '계획서.docx', zipWith('xl/workbook.xml')],
      ['APPLICATION_PLAN', '계획서.doc', ole2With('Workbook')],
      ['DATA_DEFINITION', 'data.hwp', ole2With('WordDocument')],
      ['USAGE_SUMMARY', 'summary.xlsx', zipWith('word/document.xml')],
    ] as const) {
      const res = await put(type, name, bytes);
      expect([name, res.status, res.body.rule]).toEqual([name, 422, 'A4']);
    }
    expect(await docs()).toEqual([]);
    expect((await put('APPLICATION_PLAN', '계획서.docx', zipWith('word/document.xml'))).status).toBe(201);
    expect((await put('DATA_DEFINITION', 'data.doc', ole2With('WordDocument'))).status).toBe(201);
    expect((await put('USAGE_SUMMARY', 'summary.xlsx', zipWith('xl/workbook.xml'))).status).toBe(201);
    expect(await docs()).toEqual(['APPLICATION_PLAN.docx', 'DATA_DEFINITION.doc', 'USAGE_SUMMARY.xlsx']);
  });

  test('A4: the wrong extension for a document is still 422 naming A4 (the same check)', async () => {
    const d = await draft({ organisation: { businessRegistrationNumber: uniqueBrn() } });
    const res = await app.api.put(`/applications/${d.id}/documents/PRIVACY_CONSENT_PI?filename=consent.docx`, FILES.zip, d.token);
    expect([res.status, res.body.rule, res.body.detail]).toEqual([422, 'A4', expect.stringContaining('pdf')]);
  });
});
