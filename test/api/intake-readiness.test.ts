import { titleKey } from '../../src/domain';
import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { draftFor, uniqueBrn } from '../support/fixtures';
import { applicationView, createCall, eventually, giveSelectionResult, submitAndAccept, submitApplication } from '../support/lifecycle';

/**
 * Issue 11, intake: A2 (titles compared as people read them; withdrawn and ineligible
 * applications free their title), A3 (the readiness part, shown to evaluators with resource
 * feasibility), K3 (the requested extra storage carried into the allocation).
 */
let app: TestApp;
let callId: string;

beforeAll(async () => {
  app = await startTestApp();
  callId = await createCall(app, { capacity: { H100: 6, T4: 6, extraStorageTb: 30 } });
});
afterAll(() => app?.close());

const rowStatus = async (id: string) => (await app.sql`select status from applications where id = ${id}`)[0]!.status as string;

describe('A2 one title per organisation and call', () => {
  test('A2: titles differing only in case, full-width forms, spaces and punctuation are the same title: 422 naming A2; a withdrawn or ineligible application frees it', async () => {
    const brn = uniqueBrn();
    const title = 'Korean STT 모델 학습: 콜센터 음성';
    const same = ['  ＫＯＲＥＡＮ   stt 모델 학습 — 콜센터 음성!  ', 'korean stt 모델 학습 (콜센터 음성)', 'Korean　STT 모델 학습, 콜센터 음성.'];
    expect(new Set([title, ...same].map(titleKey)).size).toBe(1);
    const first = await submitApplication(app, callId, { organisation: { businessRegistrationNumber: brn }, project: { title } });

    const others = [];
    for (const t of same) {
      // The draft is accepted (A7: drafts are the applicant's); the submit is refused.
      const o = await submitApplication(app, callId, { organisation: { businessRegistrationNumber: brn }, project: { title: t } }).catch((e: Error) => e.message);
      expect(o).toEqual(expect.stringContaining('"rule":"A2"'));
      others.push(t);
    }
    // Another organisation may use the title; a different title of the same organisation is fine.
    await submitApplication(app, callId, { project: { title } });
    await submitApplication(app, callId, { organisation: { businessRegistrationNumber: brn }, project: { title: `${title} 2단계` } });

    // A withdrawn application frees its title.
    expect((await app.api.post(`/applications/${first.id}/withdraw`, { reason: '과제 재구성' }, first.token)).status).toBe(200);
    await eventually(() => rowStatus(first.id), (s) => s === 'WITHDRAWN');
    const second = await submitApplication(app, callId, { organisation: { businessRegistrationNumber: brn }, project: { title: others[0]! } });

    // An ineligible one too.
    const review = await app.api.post(`/applications/${second.id}/document-review`, { decision: 'INELIGIBLE', rule: 'E4', reason: '정부사업 참여제한 중' }, app.operatorKey);
    expect(review.status).toBe(200);
    await eventually(() => rowStatus(second.id), (s) => s === 'INELIGIBLE');
    const third = await submitApplication(app, callId, { organisation: { businessRegistrationNumber: brn }, project: { title: others[1]! } });

    // The unique index reads titles the same way: a second submitted row with the same key is refused by PostgreSQL.
    const draft = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { practitionerEmail: uniqueEmail('a2'), organisation: { businessRegistrationNumber: brn }, project: { title: others[2]! } }));
    expect(draft.status).toBe(201);
    await expect(app.sql`update applications set submitted_at = now(), status = 'UNDER_REVIEW' where id = ${draft.body.id}`).rejects.toMatchObject({ code: '23505' });
    expect((await app.sql`select title_key from applications where id = ${third.id}`)[0]!.title_key).toBe(titleKey(title));
  });
});

describe('A3 readiness', () => {
  test('A3: the readiness part (data, team, first month) is required at intake (400 naming it) and shown in the application view', async () => {
    const body = await draftFor(app, callId, { practitionerEmail: uniqueEmail('a3') });
    const { readiness, ...without } = body;
    const missing = await app.api.post(`/calls/${callId}/applications`, without);
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['readiness']);
    const partial = await app.api.post(`/calls/${callId}/applications`, { ...body, readiness: { data: { detail: '수집 중' }, team: readiness.team, firstMonth: ' ' } });
    expect(partial.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['readiness.data.ready', 'readiness.firstMonth']);

    const notReady = { data: { ready: false, detail: '라벨링 70% 완료, 환경 구축 2주 안에 완료 예정' }, team: readiness.team, firstMonth: readiness.firstMonth };
    const a = await submitApplication(app, callId, { readiness: notReady });
    const view = await applicationView(app, a.id);
    expect(view.readiness).toEqual(notReady);
    expect((await app.api.get(`/applications/${a.id}`, a.token)).body.readiness).toEqual(notReady);
  });

  test('A3/V3: evaluators see the readiness with the resource-feasibility criterion, in the API queue and on the console sheet', async () => {
    const evCall = await createCall(app); // its own call: the batch of today's cutoff is this test's
    const a = await submitAndAccept(app, evCall, { readiness: { firstMonth: 'A3 첫 달: 사전학습 1차 실행' } });
    const batch = await app.api.post(`/calls/${evCall}/batches`, { cutoff: app.today() }, app.operatorKey);
    expect(batch.status).toBe(201);
    const batchId = batch.body.batchId as string;
    const ev = await app.api.post('/api-keys', { role: 'EVALUATOR', name: 'A3 평가위원' }, app.operatorKey);
    expect((await app.api.post(`/calls/${evCall}/batches/${batchId}/evaluators`, { evaluatorIds: [ev.body.id] }, app.operatorKey)).status).toBe(201);
    // SETUP SHORTCUT (as giveSelectionResult): the application in the batch without waiting for its cutoff.
    await app.sql`update applications set batch_id = ${batchId} where id = ${a.id}`;

    const queue = await app.api.get(`/calls/${evCall}/batches/${batchId}/applications`, ev.body.key);
    expect(queue.status).toBe(200);
    const item = queue.body.items.find((i: { id: string }) => i.id === a.id);
    expect(item.readiness).toMatchObject({ data: { ready: true }, team: { ready: true }, firstMonth: 'A3 첫 달: 사전학습 1차 실행' });

    const login = await fetch(`${app.url}/console/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `key=${encodeURIComponent(ev.body.key)}` });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const sheet = await (await fetch(`${app.url}/console/committee/${evCall}/${batchId}/${a.id}`, { headers: { cookie } })).text();
    const feasibility = sheet.slice(sheet.indexOf('컴퓨팅자원 활용 가능성'), sheet.indexOf('목표성과'));
    expect(feasibility).toContain('data-testid="readiness"');
    expect(feasibility).toContain('A3 첫 달: 사전학습 1차 실행');
  });
});

describe('K3 requested extra storage', () => {
  test('K3: the allocation grants the extra storage the application requested unless the operator sets another size (within K5)', async () => {
    const asked = { extraStorageTb: 20, extraStorageReason: '음성 원천 데이터 보관' };
    const a = await submitAndAccept(app, callId, { resource: asked });
    await giveSelectionResult(app, a, { outcome: 'SELECTED', type: 'H100', units: 1 });
    const allocated = await app.api.post(`/applications/${a.id}/allocation`, { servers: ['h100-k3-1'] }, app.operatorKey);
    expect(allocated.status).toBe(201);
    expect(allocated.body).toMatchObject({ extraStorageTb: 20, storageTb: 70, backupTb: 20 });
    expect((await app.sql`select granted_extra_storage_tb::float8 as tb from applications where id = ${a.id}`)[0]!.tb).toBe(20);

    // The operator may still grant another size; more than the call has left is 422 K5.
    const b = await submitAndAccept(app, callId, { resource: asked });
    await giveSelectionResult(app, b, { outcome: 'SELECTED', type: 'H100', units: 1 });
    const tooMuch = await app.api.post(`/applications/${b.id}/allocation`, {}, app.operatorKey); // 20 asked, 10 left
    expect([tooMuch.status, tooMuch.body.rule]).toEqual([422, 'K5']);
    expect((await applicationView(app, b.id)).status).toBe('SELECTED');
    const less = await app.api.post(`/applications/${b.id}/allocation`, { extraStorageTb: 5 }, app.operatorKey);
    expect(less.body).toMatchObject({ extraStorageTb: 5, storageTb: 55 });
  });
});
