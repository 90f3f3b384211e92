import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { addDays, applicationWorkflowId, callWorkflowId, normaliseBusinessRegistrationNumber } from '../../src/domain';
import { callWorkflow } from '../../src/workflows/call';
import { callStatusQuery } from '../../src/contracts/call';
import { reviewDocumentsUpdate, statusQuery } from '../../src/contracts/application';
import { surveyWorkflowId } from '../../src/contracts/ids';
import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { COMPANY_DOCUMENTS, draftBody, draftFor, FILES, uniqueBrn } from '../support/fixtures';
import { saveHistory } from '../support/closeout';
import { createCall, eventually } from '../support/lifecycle';
import { confirmPractitioner } from '../support/signin';

/**
 * S4/S5 "no half-done action": an action that answers an error has changed nothing, and one
 * that succeeds has its audit row, written in the same transaction as its change. Failures
 * are forced after validation with real parts only: a constraint PostgreSQL enforces (added
 * NOT VALID for the test, so only new rows are checked), values only PostgreSQL refuses.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await app.startWorker();
});
afterAll(() => app?.close());

const suffix = () => randomBytes(3).toString('hex');

/** A real constraint PostgreSQL enforces on new rows, for the length of `f`. */
async function withConstraint<T>(table: string, check: string, f: () => Promise<T>): Promise<T> {
  const name = `test_refuse_${suffix()}`;
  await app.sql.unsafe(`alter table ${table} add constraint ${name} check (${check}) not valid`);
  try {
    return await f();
  } finally {
    await app.sql.unsafe(`alter table ${table} drop constraint ${name}`);
  }
}

/** RUNNING, TERMINATED, … or 'NONE' when no workflow has the id. */
async function workflowStatus(workflowId: string): Promise<string> {
  try {
    return (await app.client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'NONE';
    throw err;
  }
}

const auditOf = (subject: string) => app.sql`select key, actor, action, detail from audit_log where subject = ${subject} order by id`;

const callBody = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  title: `S4 공고 ${id}`,
  announcedOn: app.today(),
  supportEndsOn: addDays(app.today(), 200),
  capacity: { T4: 2, H100: 2, BOW: 16, extraStorageTb: 10 },
  ...extra,
});

async function nothingOfCall(id: string) {
  expect(await app.sql`select id from calls where id = ${id}`).toHaveLength(0);
  expect(await app.sql`select id from batches where call_id = ${id}`).toHaveLength(0);
  expect(await auditOf(`call:${id}`)).toHaveLength(0);
  expect(['NONE', 'TERMINATED']).toContain(await workflowStatus(callWorkflowId(id)));
  expect(['NONE', 'TERMINATED']).toContain(await workflowStatus(surveyWorkflowId(id)));
}

/** A submitted application (UNDER_REVIEW), its workflow running. */
async function submitted(callId: string) {
  const created = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { practitionerEmail: uniqueEmail('s4') }));
  expect(created.status).toBe(201);
  const { id, accessToken: token } = created.body as { id: string; accessToken: string };
  for (const [type, filename, bytes] of COMPANY_DOCUMENTS) {
    expect((await app.api.put(`/applications/${id}/documents/${type}?filename=${encodeURIComponent(filename)}`, bytes, token)).status).toBe(201);
  }
  await confirmPractitioner(app, id); // A7
  expect((await app.api.post(`/applications/${id}/submit`, {}, token)).status).toBe(200);
  const handle = app.client.workflow.getHandle(applicationWorkflowId(callId, id));
  await eventually(() => handle.query(statusQuery), (s) => s.status === 'UNDER_REVIEW');
  return { id, token, handle };
}

const storedFiles = () => {
  const root = join(app.config.DATA_DIR, 'documents');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else out.push(e.name);
    }
  };
  walk(root);
  return out.sort();
};

describe('POST /calls', () => {
  test('S4/S5: a failure at its last write (the audit row refused by PostgreSQL) after both workflows started leaves no call, batch, audit row or running workflow; the retry creates all of it with its audit row', async () => {
    const id = `s4-${suffix()}`;
    const cutoffs = [addDays(app.today(), 40), addDays(app.today(), 20)];
    const failed = await withConstraint('audit_log', `subject <> 'call:${id}'`, () =>
      app.api.post('/calls', callBody(id, { cutoffs }), app.operatorKey),
    );
    expect(failed.status).toBe(500);
    await nothingOfCall(id);

    const ok = await app.api.post('/calls', callBody(id, { cutoffs }), app.operatorKey);
    expect(ok.status).toBe(201);
    expect(await workflowStatus(callWorkflowId(id))).toBe('RUNNING');
    expect(await workflowStatus(surveyWorkflowId(id))).toBe('RUNNING');
    const audit = await auditOf(`call:${id}`);
    expect(audit.map((a) => a.action)).toEqual(['call.create']);
    expect(audit[0]!.detail.body).toMatchObject({ id, cutoffs });
    // C2: the initial cutoffs are the call's batches, in date order, in the rows and in the workflow.
    const rows = await app.sql`select cutoff from batches where call_id = ${id} order by cutoff`;
    expect(rows.map((r) => r.cutoff)).toEqual([...cutoffs].sort());
    const call = await app.api.get(`/calls/${id}`);
    expect(call.body.batches.map((b: { cutoff: string }) => b.cutoff)).toEqual([...cutoffs].sort());
    expect(call.body.batches[0].addedBy).toMatch(/^operator:/);
  });

  test('S4/S5: a call workflow left running by an attempt that died before its commit (no row) is replaced by the retry, not adopted', async () => {
    const id = `s4-orphan-${suffix()}`;
    const orphan = await app.client.workflow.start(callWorkflow, {
      workflowId: callWorkflowId(id),
      taskQueue: app.config.TEMPORAL_TASK_QUEUE,
      args: [{ callId: id, supportEndsOn: addDays(app.today(), 30), cutoffs: [], minEvaluators: 3 }],
    });
    const ok = await app.api.post('/calls', callBody(id, { cutoffs: [addDays(app.today(), 20)] }), app.operatorKey);
    expect(ok.status).toBe(201);
    expect((await app.client.workflow.getHandle(callWorkflowId(id), orphan.firstExecutionRunId).describe()).status.name).toBe('TERMINATED');
    const state = await app.client.workflow.getHandle(callWorkflowId(id)).query(callStatusQuery);
    expect(state).toMatchObject({ supportEndsOn: addDays(app.today(), 200), batches: [{ cutoff: addDays(app.today(), 20) }] });
    expect((await auditOf(`call:${id}`)).map((a) => a.action)).toEqual(['call.create']);
  });

  test('S5/C2: a lone surrogate in the title, or a past cutoff, is refused before anything is written or started', async () => {
    const id = `s5-${suffix()}`;
    const surrogate = await app.api.post('/calls', `{"id":"${id}","title":"bad \\ud800 title","announcedOn":"${app.today()}","supportEndsOn":"${addDays(app.today(), 200)}","capacity":{"T4":1,"H100":1,"BOW":8,"extraStorageTb":0}}`, app.operatorKey);
    expect(surrogate.status).toBe(400);
    expect(JSON.stringify(surrogate.body)).toContain('title');
    await nothingOfCall(id);
    const past = await app.api.post('/calls', callBody(id, { cutoffs: [addDays(app.today(), 10), addDays(app.today(), -1)] }), app.operatorKey);
    expect(past.status).toBe(422);
    expect(past.body).toMatchObject({ rule: 'C2', errors: [{ field: 'cutoffs.1' }] });
    await nothingOfCall(id);
  });
});

describe('POST /api-keys', () => {
  test('S4/S5: a key whose audit row PostgreSQL refuses is not created (no key row nobody saw); a created one has its audit row', async () => {
    const name = `refused-${suffix()}`;
    const failed = await withConstraint('audit_log', `detail->>'name' is distinct from '${name}'`, () =>
      app.api.post('/api-keys', { role: 'EVALUATOR', name }, app.operatorKey),
    );
    expect(failed.status).toBe(500);
    expect(await app.sql`select id from api_keys where name = ${name}`).toHaveLength(0);
    expect(await app.sql`select id from audit_log where detail->>'name' = ${name}`).toHaveLength(0);

    const ok = await app.api.post('/api-keys', { role: 'EVALUATOR', name }, app.operatorKey);
    expect(ok.status).toBe(201);
    expect(await app.sql`select id from api_keys where name = ${name}`).toHaveLength(1);
    const audit = await auditOf(`api-key:${ok.body.id}`);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'api-key.create', detail: { role: 'EVALUATOR', name } });
  });
});

describe('POST /applications/:id/document-review', () => {
  let callId: string;
  beforeAll(async () => {
    callId = await createCall(app);
  });

  test('S5/S4: a NUL in the supplement note is refused with 400 before the Update: still UNDER_REVIEW, no audit row, no notice', async () => {
    const a = await submitted(callId);
    const res = await app.api.post(
      `/applications/${a.id}/document-review`,
      '{"decision":"SUPPLEMENT","missingDocuments":["USAGE_SUMMARY"],"note":"see\\u0000here"}',
      app.operatorKey,
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('note');
    expect((await a.handle.query(statusQuery)).status).toBe('UNDER_REVIEW');
    expect((await app.sql`select status from applications where id = ${a.id}`)[0]!.status).toBe('UNDER_REVIEW');
    expect(await auditOf(`application:${a.id}`)).toHaveLength(0);
    expect(await app.sql`select notice_key from email_outbox where notice_key like ${`${a.id}:SUPPLEMENT%`}`).toHaveLength(0);
  });

  test('S4: the review and its audit row are written in one transaction by the workflow: while PostgreSQL refuses the audit row the status change is not stored either; once it can, both are, exactly once', async () => {
    const a = await submitted(callId);
    const subject = `application:${a.id}`;
    const name = `test_refuse_${suffix()}`;
    await app.sql.unsafe(`alter table audit_log add constraint ${name} check (subject <> '${subject}') not valid`);
    let dropped = false;
    try {
      const answer = app.api.post(`/applications/${a.id}/document-review`, { decision: 'SUPPLEMENT', missingDocuments: ['USAGE_SUMMARY'], note: '사업자등록증 재제출' }, app.operatorKey);
      // The Update is accepted; its activity (row + audit) fails and is retried.
      await eventually(() => a.handle.query(statusQuery), (s) => s.status === 'SUPPLEMENT_REQUESTED');
      await new Promise((r) => setTimeout(r, 2500)); // at least one retry of the activity
      expect((await app.sql`select status from applications where id = ${a.id}`)[0]!.status).toBe('UNDER_REVIEW');
      expect(await auditOf(subject)).toHaveLength(0);
      await app.sql.unsafe(`alter table audit_log drop constraint ${name}`);
      dropped = true;
      expect((await answer).status).toBe(200);
    } finally {
      if (!dropped) await app.sql.unsafe(`alter table audit_log drop constraint ${name}`);
    }
    const row = await eventually(async () => (await app.sql`select status from applications where id = ${a.id}`)[0]!, (r) => r.status === 'SUPPLEMENT_REQUESTED');
    expect(row.status).toBe('SUPPLEMENT_REQUESTED');
    const audit = await eventually(() => auditOf(subject), (r) => r.length > 0);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'application.document-review', detail: { decision: 'SUPPLEMENT', note: '사업자등록증 재제출' } });
    expect(audit[0]!.key).toEqual(expect.any(String));
  });

  test('S4: a review that succeeds has its audit row (with its key) when the answer arrives, and the row shows the change', async () => {
    const a = await submitted(callId);
    const res = await app.api.post(`/applications/${a.id}/document-review`, { decision: 'COMPLETE' }, app.operatorKey);
    expect(res.status).toBe(200);
    const audit = await auditOf(`application:${a.id}`);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'application.document-review', actor: expect.stringMatching(/^operator:/), detail: { decision: 'COMPLETE' } });
    expect((await app.sql`select status from applications where id = ${a.id}`)[0]!.status).toBe('DOCUMENTS_COMPLETE');
    // A refused Update (409: no longer UNDER_REVIEW) changes nothing and writes no audit row.
    const again = await app.api.post(`/applications/${a.id}/document-review`, { decision: 'COMPLETE' }, app.operatorKey);
    expect(again.status).toBe(409);
    expect(await auditOf(`application:${a.id}`)).toHaveLength(1);
  });
});

describe('Updates carry their audit entry', () => {
  test('S4: the same Update sent again (a client retry with its id) is one change and one audit row: the entry is written once per key', async () => {
    const callId = await createCall(app);
    const a = await submitted(callId);
    const key = `retry-${suffix()}`;
    const audit = { key, actor: 'operator:test', action: 'application.document-review', subject: `application:${a.id}`, detail: { decision: 'COMPLETE' } };
    const send = () => a.handle.executeUpdate(reviewDocumentsUpdate, { updateId: key, args: [{ decision: 'COMPLETE', actor: 'operator:test', audit }] });
    await send();
    await send(); // Temporal answers the first outcome again; the validator does not run twice
    await eventually(() => auditOf(`application:${a.id}`), (r) => r.length > 0);
    await new Promise((r) => setTimeout(r, 500));
    expect((await auditOf(`application:${a.id}`)).map((r) => r.key)).toEqual([key]);
    expect((await a.handle.query(statusQuery)).timeline.filter((e) => e.event === 'DOCUMENTS_ACCEPTED')).toHaveLength(1);
  });
});

describe('POST /organisations/:brn/restriction/lift', () => {
  test('S4/S5: a lift whose audit row PostgreSQL refuses leaves the restriction active; a lift that succeeds has its audit row', async () => {
    const brn = normaliseBusinessRegistrationNumber(uniqueBrn())!;
    await app.sql`insert into organisation_restrictions (brn, rule, reason) values (${brn}, 'R5', 'R5: test setup')`;
    const failed = await withConstraint('audit_log', `subject <> 'organisation:${brn}'`, () =>
      app.api.post(`/organisations/${brn}/restriction/lift`, { reason: '보고서 제출 확인' }, app.operatorKey),
    );
    expect(failed.status).toBe(500);
    expect(await app.sql`select id from organisation_restrictions where brn = ${brn} and lifted_at is null`).toHaveLength(1);
    const ok = await app.api.post(`/organisations/${brn}/restriction/lift`, { reason: '보고서 제출 확인' }, app.operatorKey);
    expect(ok.status).toBe(200);
    expect(await app.sql`select id from organisation_restrictions where brn = ${brn} and lifted_at is null`).toHaveLength(0);
    expect(await auditOf(`organisation:${brn}`)).toEqual([expect.objectContaining({ action: 'organisation.restriction.lift', detail: expect.objectContaining({ reason: '보고서 제출 확인' }) })]);
  });
});

describe('PUT /applications/:id/documents/:type', () => {
  test('S5: an upload whose row PostgreSQL refuses, or whose name holds a NUL, leaves no file in the document store; one that is stored has its file', async () => {
    const callId = await createCall(app);
    const created = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { practitionerEmail: uniqueEmail('s5') }));
    const { id, accessToken: token } = created.body as { id: string; accessToken: string };
    // Bytes no other upload has, so a file left behind would be a new one.
    const bytes = Buffer.concat([FILES.pdf, Buffer.from(`% ${suffix()}\n`)]);
    const before = storedFiles();

    const nul = await app.api.put(`/applications/${id}/documents/APPLICATION_PLAN?filename=${encodeURIComponent('plan\u0000.pdf')}`, bytes, token);
    expect(nul.status).toBe(400);
    expect(storedFiles()).toEqual(before);

    const refused = await withConstraint('documents', `filename <> 'refused.pdf'`, () =>
      app.api.put(`/applications/${id}/documents/APPLICATION_PLAN?filename=refused.pdf`, bytes, token),
    );
    expect(refused.status).toBe(500);
    expect(storedFiles()).toEqual(before); // neither the file nor its temporary copy
    expect(await app.sql`select type from documents where application_id = ${id}`).toHaveLength(0);

    const ok = await app.api.put(`/applications/${id}/documents/APPLICATION_PLAN?filename=plan.pdf`, bytes, token);
    expect(ok.status).toBe(201);
    expect(storedFiles()).toEqual([...before, ok.body.sha256].sort());
    const download = await fetch(new URL(`/applications/${id}/documents/APPLICATION_PLAN`, app.url), { headers: { authorization: `Bearer ${token}` } });
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
  });
});

describe('replay fixtures (docs/PATCHING.md)', () => {
  test('S4/H2: a call created with its cutoffs, then a batch added and an early close, and an application reviewed, each Update carrying its audit entry: one audit row per action, histories kept for replay', async () => {
    const id = `s4-fixture-${suffix()}`;
    expect((await app.api.post('/calls', callBody(id, { cutoffs: [addDays(app.today(), 30)] }), app.operatorKey)).status).toBe(201);
    expect((await app.api.post(`/calls/${id}/batches`, { cutoff: addDays(app.today(), 60) }, app.operatorKey)).status).toBe(201);
    expect((await app.api.post(`/calls/${id}/early-close`, { closesOn: addDays(app.today(), 90) }, app.operatorKey)).status).toBe(200);
    const audit = await auditOf(`call:${id}`);
    expect(audit.map((a) => a.action)).toEqual(['call.create', 'call.batch.add', 'call.early-close']);
    expect(audit[1]).toMatchObject({ key: expect.any(String), detail: { cutoff: addDays(app.today(), 60), batchId: `${id}-${addDays(app.today(), 60)}` } });
    expect((await app.sql`select closes_on from calls where id = ${id}`)[0]!.closes_on).toBe(addDays(app.today(), 90));

    const a = await submitted(id);
    const review = await app.api.post(`/applications/${a.id}/document-review`, { decision: 'SUPPLEMENT', missingDocuments: ['USAGE_SUMMARY'], note: '요약서 보완' }, app.operatorKey);
    expect(review.status).toBe(200);
    expect((await auditOf(`application:${a.id}`)).map((r) => r.action)).toEqual(['application.document-review']);
    await saveHistory(app, callWorkflowId(id), 'call-s4-cutoffs-batch-early-close-audited');
    await saveHistory(app, applicationWorkflowId(id, a.id), 'application-s4-supplement-audited');
  });
});

describe('audit_log', () => {
  test('S4: the audit log is append-only: PostgreSQL refuses to update or delete a row', async () => {
    const res = await app.api.post('/api-keys', { role: 'COLLECTOR', name: `append-only-${suffix()}` }, app.operatorKey);
    const subject = `api-key:${res.body.id}`;
    await expect(app.sql`update audit_log set actor = 'someone else' where subject = ${subject}`).rejects.toThrow(/append-only \(S4\)/);
    await expect(app.sql`delete from audit_log where subject = ${subject}`).rejects.toThrow(/append-only \(S4\)/);
    expect(await auditOf(subject)).toHaveLength(1);
  });
});
