import { addDays, EARLY_CLOSE_NOTICE_DAYS, formatDeadlineKo, supplementDueDate } from '../../src/domain';
import { applicationWorkflowId } from '../../src/domain';
import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { COMPANY_DOCUMENTS, draftBody, draftFor, FILES, uniqueBrn } from '../support/fixtures';
import { eventually } from '../support/lifecycle';
import { confirmPractitioner } from '../support/signin';

/**
 * Issue 3, through the HTTP API against the dev server, a real PostgreSQL and a real SMTP
 * receiver. Every refusal also checks that nothing changed (S5).
 */
let app: TestApp;
let callId: string;

beforeAll(async () => {
  app = await startTestApp();
  callId = `t-${Date.now().toString(36)}`;
  const res = await app.api.post(
    '/calls',
    {
      id: callId,
      title: '2026년 AI데이터센터 서비스 이용자 상시모집 (테스트)',
      announcedOn: app.today(),
      supportEndsOn: addDays(app.today(), 300),
      capacity: { T4: 10, H100: 4, BOW: 64, extraStorageTb: 100 },
    },
    app.operatorKey,
  );
  expect(res.status).toBe(201);
});
afterAll(() => app?.close());

async function draft(overrides: Parameters<typeof draftBody>[0] = {}) {
  const email = overrides.practitionerEmail ?? uniqueEmail('dev');
  const res = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { ...overrides, practitionerEmail: email }));
  expect(res.status).toBe(201);
  await confirmPractitioner(app, res.body.id); // A7: these tests are about what submitting checks besides it
  return { id: res.body.id as string, token: res.body.accessToken as string, email, body: res.body };
}

async function uploadAll(id: string, token: string, docs = COMPANY_DOCUMENTS) {
  for (const [type, filename, bytes] of docs) {
    const res = await app.api.put(`/applications/${id}/documents/${type}?filename=${encodeURIComponent(filename)}`, bytes, token);
    expect(res.status).toBe(201);
  }
}

async function submitted(overrides: Parameters<typeof draftBody>[0] = {}) {
  const d = await draft(overrides);
  await uploadAll(d.id, d.token);
  const res = await app.api.post(`/applications/${d.id}/submit`, {}, d.token);
  expect(res.status).toBe(200);
  return d;
}

const countRows = async (table: string) => (await app.sql.unsafe(`select count(*)::int as n from ${table}`))[0].n as number;

async function status(id: string) {
  const res = await app.api.get(`/applications/${id}`, app.operatorKey);
  return res.body.status as string;
}


describe('A1 draft', () => {
  test('A1/S1: a full draft answers its id and an access token shown once, stored only as a hash', async () => {
    const d = await draft();
    expect(d.body.accessToken).toMatch(/^apt_/);
    const [row] = await app.sql`select token_hash from applications where id = ${d.id}`;
    expect(row.token_hash).toMatch(/^scrypt\$/);
    expect(row.token_hash).not.toContain(d.token);
    const again = await app.api.get(`/applications/${d.id}`, d.token);
    expect(again.status).toBe(200);
    expect(again.body).not.toHaveProperty('accessToken');
  });

  test('H1/S5: a malformed body answers 400 naming each bad field and writes nothing', async () => {
    const before = await countRows('applications');
    const body = draftBody();
    (body.principalInvestigator as Record<string, unknown>).email = 'not-an-email';
    (body.practitioner as Record<string, unknown>).phone = '12345';
    (body.project as Record<string, unknown>).monthlyPlan = [];
    const res = await app.api.post(`/calls/${callId}/applications`, body);
    expect(res.status).toBe(400);
    expect(res.contentType).toContain('application/problem+json');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['principalInvestigator.email', 'practitioner.phone', 'project.monthlyPlan']));
    const broken = await app.api.post(`/calls/${callId}/applications`, '{"organisation": ');
    expect(broken.status).toBe(400);
    expect(await countRows('applications')).toBe(before);
  });

  test('E5: a business registration number with a wrong check digit is refused naming the field', async () => {
    const valid = uniqueBrn();
    const wrong = valid.slice(0, -1) + String((Number(valid.slice(-1)) + 1) % 10);
    const res = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { organisation: { businessRegistrationNumber: wrong } }));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('organisation.businessRegistrationNumber');
  });

  test('K1: BOW takes only 1/2/4/8/16 cards, and 32 or more is not accepted', async () => {
    for (const units of [3, 32]) {
      const res = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { resource: { pool: 'SHARED', type: 'BOW', units, os: undefined } }));
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.errors)).toContain('K1');
    }
    const ok = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { resource: { pool: 'SHARED', type: 'BOW', units: 16, os: undefined } }));
    expect(ok.status).toBe(201);
  });

  test('K3/K4: extra storage needs a reason; the OS choice is for the dedicated pool', async () => {
    const noReason = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { resource: { extraStorageTb: 20 } }));
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body.errors)).toContain('K3');
    const sharedOs = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { resource: { pool: 'SHARED', type: 'BOW', units: 2, os: 'UBUNTU' } }));
    expect(sharedOs.status).toBe(400);
    expect(JSON.stringify(sharedOs.body.errors)).toContain('K4');
  });
});

describe('A4 documents', () => {
  test('A4: each refusal (wrong type, content lying about its type, oversized, another application\'s token) is a 4xx and stores nothing', async () => {
    const d = await draft();
    const other = await draft();
    const before = await countRows('documents');
    const wrongExt = await app.api.put(`/applications/${d.id}/documents/USAGE_SUMMARY?filename=summary.pdf`, FILES.pdf, d.token);
    expect(wrongExt.status).toBe(422);
    expect(wrongExt.body.rule).toBe('A4');
    const lying = await app.api.put(`/applications/${d.id}/documents/APPLICATION_PLAN?filename=plan.pdf`, FILES.zip, d.token);
    expect(lying.status).toBe(422);
    expect(lying.body.detail).toContain('ZIP');
    const textAsDocx = await app.api.put(`/applications/${d.id}/documents/APPLICATION_PLAN?filename=plan.docx`, FILES.text, d.token);
    expect(textAsDocx.status).toBe(422);
    const huge = Buffer.concat([FILES.pdf, Buffer.alloc(app.config.MAX_UPLOAD_BYTES + 1)]);
    const tooBig = await app.api.put(`/applications/${d.id}/documents/APPLICATION_PLAN?filename=plan.pdf`, huge, d.token);
    expect(tooBig.status).toBe(413);
    const foreign = await app.api.put(`/applications/${d.id}/documents/APPLICATION_PLAN?filename=plan.pdf`, FILES.pdf, other.token);
    expect(foreign.status).toBe(403); // S7: a valid token on another application
    const unknownType = await app.api.put(`/applications/${d.id}/documents/PASSPORT?filename=p.pdf`, FILES.pdf, d.token);
    expect(unknownType.status).toBe(400);
    expect(await countRows('documents')).toBe(before);
    const foreignRead = await app.api.get(`/applications/${d.id}`, other.token);
    expect(foreignRead.status).toBe(403); // S7
  });

  test('A4: a matching file is stored by content hash and listed on the application', async () => {
    const d = await draft();
    const res = await app.api.put(`/applications/${d.id}/documents/DATA_DEFINITION?filename=${encodeURIComponent('데이터정의서.hwp')}`, FILES.ole2, d.token);
    expect(res.status).toBe(201);
    expect(res.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    const view = await app.api.get(`/applications/${d.id}`, d.token);
    expect(view.body.documents.map((x: { type: string }) => x.type)).toEqual(['DATA_DEFINITION']);
    expect(view.body.missingDocuments).not.toContain('DATA_DEFINITION');
    expect(view.body.missingDocuments).toContain('APPLICATION_PLAN');
  });
});

describe('submission (A6) and its refusals', () => {
  const workflowCount = async (id: string) => {
    let n = 0;
    for await (const _ of app.client.workflow.list({ query: `WorkflowId = '${applicationWorkflowId(callId, id)}'` })) n++;
    return n;
  };

  test('A4: submission names every missing required document, and starts nothing', async () => {
    const d = await draft();
    await uploadAll(d.id, d.token, COMPANY_DOCUMENTS.slice(0, 5));
    const res = await app.api.post(`/applications/${d.id}/submit`, {}, d.token);
    expect(res.status).toBe(422);
    expect(res.body.rule).toBe('A4');
    expect(res.body.missingDocuments).toEqual(['BUSINESS_REGISTRATION', 'EMPLOYMENT_CERTIFICATE']);
    expect(await status(d.id)).toBe('DRAFT');
    expect(await workflowCount(d.id)).toBe(0);
  });

  test('A4: a claimed Digital Leaders Club needs its certificate; a university needs the enrolment certificate, not employment', async () => {
    const dlc = await draft({ organisation: { size: 'LARGE', digitalLeadersClub: true, priority: { status: false, projectName: 'AI 클러스터 과제' } } });
    await uploadAll(dlc.id, dlc.token);
    const missingDlc = await app.api.post(`/applications/${dlc.id}/submit`, {}, dlc.token);
    expect(missingDlc.status).toBe(422);
    expect(missingDlc.body.missingDocuments).toEqual(['DLC_CERTIFICATE']);
    await app.api.put(`/applications/${dlc.id}/documents/DLC_CERTIFICATE?filename=dlc.pdf`, FILES.pdf, dlc.token);
    expect((await app.api.post(`/applications/${dlc.id}/submit`, {}, dlc.token)).status).toBe(200);

    const uni = await draft({ organisation: { type: 'UNIVERSITY', size: undefined, name: '한국대학교' } });
    await uploadAll(uni.id, uni.token);
    const missingEnrolment = await app.api.post(`/applications/${uni.id}/submit`, {}, uni.token);
    expect(missingEnrolment.status).toBe(422);
    expect(missingEnrolment.body.missingDocuments).toEqual(['ENROLMENT_CERTIFICATE']);
  });

  test('E2: an individual without affiliation is refused at submission', async () => {
    const d = await draft({ organisation: { type: 'INDIVIDUAL', size: undefined } });
    await uploadAll(d.id, d.token);
    const res = await app.api.post(`/applications/${d.id}/submit`, {}, d.token);
    expect(res.status).toBe(422);
    expect(res.body.rule).toBe('E2');
    expect(await workflowCount(d.id)).toBe(0);
  });

  test('E3: a large enterprise is refused unless it is a Digital Leaders Club company', async () => {
    const d = await draft({ organisation: { size: 'LARGE' } });
    await uploadAll(d.id, d.token);
    const res = await app.api.post(`/applications/${d.id}/submit`, {}, d.token);
    expect(res.status).toBe(422);
    expect(res.body.rule).toBe('E3');
  });

  test('E5: an organisation restricted by this service is refused while the restriction lasts', async () => {
    const d = await draft();
    await uploadAll(d.id, d.token);
    const [row] = await app.sql`select brn from applications where id = ${d.id}`;
    await app.sql`insert into organisation_restrictions (brn, rule, reason) values (${row.brn}, 'R5', 'result report missing')`;
    const res = await app.api.post(`/applications/${d.id}/submit`, {}, d.token);
    expect(res.status).toBe(422);
    expect(res.body.rule).toBe('E5');
    await app.sql`update organisation_restrictions set lifted_at = now(), lifted_by = 'test', lift_reason = 'report received' where brn = ${row.brn}`;
    expect((await app.api.post(`/applications/${d.id}/submit`, {}, d.token)).status).toBe(200);
  });

  test('A2: one organisation cannot submit two applications with the same title in one call', async () => {
    const first = await submitted();
    const [row] = await app.sql`select brn, title from applications where id = ${first.id}`;
    const second = await draft({ organisation: { businessRegistrationNumber: row.brn }, project: { title: row.title.toUpperCase() } });
    await uploadAll(second.id, second.token);
    const res = await app.api.post(`/applications/${second.id}/submit`, {}, second.token);
    expect(res.status).toBe(422);
    expect(res.body.rule).toBe('A2');
    const other = await draft({ organisation: { businessRegistrationNumber: row.brn }, project: { title: `${row.title} (다른 모델)` } });
    await uploadAll(other.id, other.token);
    expect((await app.api.post(`/applications/${other.id}/submit`, {}, other.token)).status).toBe(200);
  });

  test('A6/N: submitting twice, or with the same Idempotency-Key, starts one workflow and sends one receipt', async () => {
    const d = await draft();
    await uploadAll(d.id, d.token);
    const headers = { 'idempotency-key': 'submit-once' };
    const [a, b] = await Promise.all([
      app.api.post(`/applications/${d.id}/submit`, {}, d.token, headers),
      app.api.post(`/applications/${d.id}/submit`, {}, d.token, headers),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const c = await app.api.post(`/applications/${d.id}/submit`, {}, d.token);
    expect(c.status).toBe(200);
    expect(c.body.repeated).toBe(true);
    expect(await workflowCount(d.id)).toBe(1);
    const mail = await app.waitForMail(d.email, 1);
    await new Promise((r) => setTimeout(r, 1000));
    const receipts = (await app.mailTo(d.email)).filter((m) => m.subject.includes('접수'));
    expect(receipts).toHaveLength(1);
    expect(mail[0].cc).toContain('pi@test-ai.example');
    expect(receipts[0].text).toContain(d.id);
    expect(receipts[0].html).toContain('<html');
  });
});

describe('document review (A5, E4, I5) as workflow Updates', () => {
  test('A4/V2: complete moves the application to DOCUMENTS_COMPLETE; a second review is refused with 409', async () => {
    const d = await submitted();
    const res = await app.api.post(`/applications/${d.id}/document-review`, { decision: 'COMPLETE' }, app.operatorKey);
    expect(res.status).toBe(200);
    expect(await eventually(() => status(d.id), (s) => s === 'DOCUMENTS_COMPLETE')).toBe('DOCUMENTS_COMPLETE');
    const again = await app.api.post(`/applications/${d.id}/document-review`, { decision: 'COMPLETE' }, app.operatorKey);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('UNDER_REVIEW');
    const view = await app.api.get(`/applications/${d.id}`, d.token);
    expect(view.body.timeline.map((e: { event: string }) => e.event)).toEqual(['SUBMITTED', 'DOCUMENTS_ACCEPTED']);
    const audit = await app.sql`select actor, action from audit_log where subject = ${`application:${d.id}`}`;
    expect(audit).toHaveLength(1);
    expect(audit[0].action).toBe('application.document-review');
  });

  test('E4: ineligible with a rule and reason ends the application and tells the applicant why', async () => {
    const d = await submitted();
    const res = await app.api.post(
      `/applications/${d.id}/document-review`,
      { decision: 'INELIGIBLE', rule: 'E4', reason: '정부사업 참여제한 중' },
      app.operatorKey,
    );
    expect(res.status).toBe(200);
    const mails = await app.waitForMail(d.email, 2);
    const notice = mails.find((m) => m.subject.includes('제외'));
    expect(notice?.text).toContain('E4');
    expect(notice?.text).toContain('정부사업 참여제한 중');
    expect(await eventually(() => status(d.id), (s) => s === 'INELIGIBLE')).toBe('INELIGIBLE');
  });

  test('A5/I5: a supplement request lists the documents and its due date; re-upload and resubmission return it to review', async () => {
    const d = await submitted();
    const bad = await app.api.post(`/applications/${d.id}/document-review`, { decision: 'SUPPLEMENT', missingDocuments: ['NOPE'] }, app.operatorKey);
    expect(bad.status).toBe(400);
    const res = await app.api.post(
      `/applications/${d.id}/document-review`,
      { decision: 'SUPPLEMENT', missingDocuments: ['EMPLOYMENT_CERTIFICATE'], note: 'AI 개발부서가 명시된 재직증명서' },
      app.operatorKey,
    );
    expect(res.status).toBe(200);
    const mails = await app.waitForMail(d.email, 2);
    const request = mails.find((m) => m.subject.includes('보완'));
    expect(request?.text).toContain('EMPLOYMENT_CERTIFICATE');
    expect(request?.text).toContain(formatDeadlineKo(supplementDueDate(app.today()))); // N2: KST date and time
    const view = await app.api.get(`/applications/${d.id}`, d.token);
    expect(view.body.status).toBe('SUPPLEMENT_REQUESTED');
    expect(view.body.deadlines.supplementDue).toBe(supplementDueDate(app.today()));

    // The requested document must be uploaded again before the supplement is accepted.
    await app.sql`delete from documents where application_id = ${d.id} and type = 'EMPLOYMENT_CERTIFICATE'`;
    const early = await app.api.post(`/applications/${d.id}/supplement`, {}, d.token);
    expect(early.status).toBe(422);
    expect(early.body.rule).toBe('A4');
    await app.api.put(`/applications/${d.id}/documents/EMPLOYMENT_CERTIFICATE?filename=employment-ai.pdf`, FILES.pdf, d.token);
    const handedIn = await app.api.post(`/applications/${d.id}/supplement`, {}, d.token);
    expect(handedIn.status).toBe(200);
    expect(await eventually(() => status(d.id), (s) => s === 'UNDER_REVIEW')).toBe('UNDER_REVIEW');
    const twice = await app.api.post(`/applications/${d.id}/supplement`, {}, d.token);
    expect(twice.status).toBe(409);
  });

  test('S1/S2: only operators review documents; an applicant token is forbidden (403), no key is unauthorised (401)', async () => {
    const d = await submitted();
    expect((await app.api.post(`/applications/${d.id}/document-review`, { decision: 'COMPLETE' }, d.token)).status).toBe(403);
    expect((await app.api.post(`/applications/${d.id}/document-review`, { decision: 'COMPLETE' })).status).toBe(401);
    expect(await status(d.id)).toBe('UNDER_REVIEW');
  });
});

describe('listings (S3) and search attributes (H2)', () => {
  test('S3: operators list applications filtered by call, status, pool and type, with personal data masked', async () => {
    const shared = await submitted({ resource: { pool: 'SHARED', type: 'BOW', units: 4, os: undefined } });
    const res = await app.api.get(`/applications?callId=${callId}&pool=SHARED&type=BOW&status=UNDER_REVIEW&pageSize=100`, app.operatorKey);
    expect(res.status).toBe(200);
    const item = res.body.items.find((i: { id: string }) => i.id === shared.id);
    expect(item).toBeDefined();
    expect(res.body.items.every((i: { pool: string; type: string }) => i.pool === 'SHARED' && i.type === 'BOW')).toBe(true);
    expect(item.practitioner.email).toMatch(/^d\*\*\*@test-ai\.example$/);
    expect(item.practitioner.phone).toBe('010-****-5432');
    expect(item.principalInvestigator.name).toBe('김*구');
    expect(JSON.stringify(res.body)).not.toContain(shared.email);
    const page = await app.api.get(`/applications?callId=${callId}&pageSize=1&page=2`, app.operatorKey);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.total).toBeGreaterThan(1);
    expect((await app.api.get('/applications', shared.token)).status).toBe(403); // S7: valid token, operators' listing
  });

  test('H2: the Temporal UI can filter applications by status through search attributes', async () => {
    const d = await submitted();
    await app.api.post(`/applications/${d.id}/document-review`, { decision: 'COMPLETE' }, app.operatorKey);
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const w of app.client.workflow.list({ query: `AidcStatus = 'DOCUMENTS_COMPLETE' AND AidcCallId = '${callId}'` })) ids.push(w.workflowId);
        return ids;
      },
      (ids) => ids.includes(applicationWorkflowId(callId, d.id)),
    );
    expect(found).toContain(applicationWorkflowId(callId, d.id));
  });
});

describe('exactly-once notices (N)', () => {
  test('N: with the worker down between submission and the receipt, the receipt still goes out exactly once', async () => {
    await app.stopWorker();
    const d = await draft();
    await uploadAll(d.id, d.token);
    expect((await app.api.post(`/applications/${d.id}/submit`, {}, d.token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(await app.mailTo(d.email)).toHaveLength(0);
    await app.startWorker();
    await app.waitForMail(d.email, 1);
    // Kill it again right after, restart, and make sure nothing is sent twice.
    await app.stopWorker();
    await app.startWorker();
    await new Promise((r) => setTimeout(r, 1500));
    expect((await app.mailTo(d.email)).filter((m) => m.subject.includes('접수'))).toHaveLength(1);
    const [row] = await app.sql`select count(*)::int as n from email_outbox where notice_key = ${`${d.id}:RECEIPT`} and sent_at is not null`;
    expect(row.n).toBe(1);
  });
});

describe('early close (C3)', () => {
  test('C3: under 21 days of notice is refused with 422; with 21 days every applicant with a draft or an application in progress is told', async () => {
    const res = await app.api.post(`/calls/${callId}/early-close`, { closesOn: addDays(app.today(), EARLY_CLOSE_NOTICE_DAYS - 1) }, app.operatorKey);
    expect(res.status).toBe(422);
    expect(res.body.rule).toBe('C3');
    const draftOnly = await draft();
    const inProgress = await submitted();
    const closesOn = addDays(app.today(), EARLY_CLOSE_NOTICE_DAYS);
    const ok = await app.api.post(`/calls/${callId}/early-close`, { closesOn }, app.operatorKey);
    expect(ok.status).toBe(200);
    expect(ok.body.closesOn).toBe(closesOn);
    for (const who of [draftOnly, inProgress]) {
      const mails = await app.waitForMail(who.email, who === inProgress ? 2 : 1);
      expect(mails.filter((m) => m.subject.includes('조기 마감'))).toHaveLength(1);
    }
    const call = await app.api.get(`/calls/${callId}`);
    expect(call.body.closesOn).toBe(closesOn);
  });

  test('C3: after the close date no application is accepted (a clear 422, not a silent drop)', async () => {
    const closedId = `${callId}-closed`;
    const created = await app.api.post(
      '/calls',
      {
        id: closedId,
        title: '마감된 공고',
        announcedOn: addDays(app.today(), -60),
        closesOn: addDays(app.today(), -1),
        supportEndsOn: addDays(app.today(), 200),
        capacity: { T4: 1, H100: 1, BOW: 1, extraStorageTb: 0 },
      },
      app.operatorKey,
    );
    expect(created.status).toBe(201);
    const before = await countRows('applications');
    const res = await app.api.post(`/calls/${closedId}/applications`, await draftFor(app, closedId));
    expect(res.status).toBe(422);
    expect(res.body.rule).toBe('C3');
    expect(await countRows('applications')).toBe(before);
  });

  /** A call made for one C1 test, its dates relative to the API's today. */
  async function callFor(suffix: string, announcedOn: string, supportEndsOn: string) {
    const id = `${callId}-${suffix}`;
    const created = await app.api.post(
      '/calls',
      { id, title: `C1 ${suffix}`, announcedOn, supportEndsOn, capacity: { T4: 1, H100: 1, BOW: 1, extraStorageTb: 0 } },
      app.operatorKey,
    );
    expect(created.status).toBe(201);
    return id;
  }

  test('C1: a call whose support end has passed is closed for intake and says so; draft and submit are 422 C1', async () => {
    const endedId = await callFor('ended', addDays(app.today(), -400), addDays(app.today(), -1));
    const call = await app.api.get(`/calls/${endedId}`);
    expect(call.status).toBe(200);
    expect(call.body.open).toBe(false);
    expect(call.body.closedReason.rule).toBe('C1');
    expect(call.body.closedReason.message).toContain(addDays(app.today(), -1));
    const listed = (await app.api.get('/calls')).body.items.find((c: { id: string }) => c.id === endedId);
    expect(listed).toMatchObject({ open: false, closedReason: { rule: 'C1' } });

    const before = await countRows('applications');
    const refused = await app.api.post(`/calls/${endedId}/applications`, await draftFor(app, endedId));
    expect(refused.status).toBe(422);
    expect(refused.body.rule).toBe('C1');
    expect(refused.body.detail).toContain('support period ended');
    expect(await countRows('applications')).toBe(before);

    // A draft made while the call was open cannot be submitted once its support period is
    // over: the call's support end is moved into the past (as time would), then submit.
    const d = await draft();
    await uploadAll(d.id, d.token);
    await app.sql`update calls set support_ends_on = ${addDays(app.today(), -1)} where id = ${callId}`;
    try {
      const submit = await app.api.post(`/applications/${d.id}/submit`, {}, d.token);
      expect(submit.status).toBe(422);
      expect(submit.body.rule).toBe('C1');
      expect(await status(d.id)).toBe('DRAFT');
    } finally {
      await app.sql`update calls set support_ends_on = ${addDays(app.today(), 300)} where id = ${callId}`;
    }
  });

  test('C1: before the announcement no draft and no submission is accepted (422 C1), and the call says when it opens', async () => {
    const laterId = await callFor('later', addDays(app.today(), 10), addDays(app.today(), 300));
    const call = await app.api.get(`/calls/${laterId}`);
    expect(call.body).toMatchObject({ open: false, closedReason: { rule: 'C1' } });
    expect(call.body.closedReason.message).toContain(addDays(app.today(), 10));
    const before = await countRows('applications');
    const refused = await app.api.post(`/calls/${laterId}/applications`, await draftFor(app, laterId));
    expect(refused.status).toBe(422);
    expect(refused.body.rule).toBe('C1');
    expect(await countRows('applications')).toBe(before);

    const d = await draft();
    await uploadAll(d.id, d.token);
    await app.sql`update calls set announced_on = ${addDays(app.today(), 1)} where id = ${callId}`;
    try {
      const submit = await app.api.post(`/applications/${d.id}/submit`, {}, d.token);
      expect(submit.status).toBe(422);
      expect(submit.body.rule).toBe('C1');
      expect(await status(d.id)).toBe('DRAFT');
    } finally {
      await app.sql`update calls set announced_on = ${app.today()} where id = ${callId}`;
    }
    const open = await app.api.get(`/calls/${callId}`);
    expect(open.body).toMatchObject({ open: true, closedReason: null });
  });
});
